// packages/terraform-check/check-queries.ts without Terraform: the state it reads is built from the
// synthesized default stack, the objects it reads are laid out by the Firehose stand-in.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { deliver, firehoseSettings, Json } from "../../../scripts/athena-harness";
import { ANSWERS_FILE, checkQueries, handWorkedAnswers, judgeAnswers } from "../check-queries";
import { synth } from "../../../__tests__/helpers";

const EXPECTED = handWorkedAnswers();
const NAMES = Object.keys(EXPECTED.answers);
const LOAD_TIMEOUT_MS = 60_000;

describe("judging the answers", () => {
  const answeredAsExpected = () => NAMES.map((name) => ({ name, answer: structuredClone(EXPECTED.answers[name]!) }));

  it("passes every query that gives its hand-worked answer", () => {
    expect(judgeAnswers(EXPECTED.answers, answeredAsExpected())).toEqual(
      NAMES.map((name) => ({ name, ok: true, message: `query ${name}: matches the hand-worked answer` })),
    );
  });

  it("fails an expected query that was not applied, naming it", () => {
    const answered = answeredAsExpected().filter((query) => query.name !== "hard-bounces-to-suppress");
    const failed = judgeAnswers(EXPECTED.answers, answered).filter((verdict) => !verdict.ok);
    expect(failed).toEqual([
      { name: "hard-bounces-to-suppress", ok: false, message: "query hard-bounces-to-suppress: MISSING: no saved query of that name was applied" },
    ]);
  });

  it("fails when nothing was applied, naming every expected query", () => {
    expect(judgeAnswers(EXPECTED.answers, []).map((verdict) => verdict.message)).toEqual(
      NAMES.map((name) => `query ${name}: MISSING: no saved query of that name was applied`),
    );
  });

  it("fails a query that answers differently, showing both answers", () => {
    const answered = answeredAsExpected();
    const wrong = answered.find((query) => query.name === "bouncing-and-delaying-domains")!;
    wrong.answer = wrong.answer.slice(1);
    const failed = judgeAnswers(EXPECTED.answers, answered).filter((verdict) => !verdict.ok);
    expect(failed).toEqual([
      {
        name: "bouncing-and-delaying-domains",
        ok: false,
        message: `query bouncing-and-delaying-domains: MISMATCH: ${JSON.stringify(wrong.answer)}, expected ${JSON.stringify(EXPECTED.answers["bouncing-and-delaying-domains"])}`,
      },
    ]);
  });

  it("fails a number that differs only in type or a row that differs only in order", () => {
    const answered = answeredAsExpected();
    const rates = answered.find((query) => query.name === "daily-bounce-and-complaint-rates")!;
    rates.answer = [...rates.answer].reverse();
    const domains = answered.find((query) => query.name === "bouncing-and-delaying-domains")!;
    domains.answer[0] = { ...domains.answer[0], troubled_recipients: String(domains.answer[0]!.troubled_recipients) };
    expect(judgeAnswers(EXPECTED.answers, answered).filter((verdict) => !verdict.ok).map((verdict) => verdict.name)).toEqual([
      "daily-bounce-and-complaint-rates",
      "bouncing-and-delaying-domains",
    ]);
  });

  it("fails a query applied twice under one name", () => {
    const answered = [...answeredAsExpected(), { name: "opens-and-clicks-by-tag", answer: EXPECTED.answers["opens-and-clicks-by-tag"]! }];
    expect(judgeAnswers(EXPECTED.answers, answered).filter((verdict) => !verdict.ok).map((verdict) => verdict.message)).toEqual([
      "query opens-and-clicks-by-tag: DUPLICATE: 2 saved queries of that name were applied",
    ]);
  });

  it("fails an applied query that no hand-worked answer holds", () => {
    const answered = [...answeredAsExpected(), { name: "top-senders", answer: [] }];
    expect(judgeAnswers(EXPECTED.answers, answered).filter((verdict) => !verdict.ok).map((verdict) => verdict.message)).toEqual([
      "query top-senders: UNEXPECTED: applied, but no hand-worked answer holds it",
    ]);
  });

  it("refuses to judge against no hand-worked answers at all", () => {
    expect(() => judgeAnswers({}, answeredAsExpected())).toThrow("no hand-worked answers to hold the saved queries to");
  });
});

describe("reading the hand-worked answers", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "ses-events-answers-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const written = (name: string, content: unknown) => {
    const file = path.join(dir, name);
    writeFileSync(file, JSON.stringify(content));
    return file;
  };

  it("holds the five saved queries of the default stack", () => {
    expect(NAMES.sort()).toEqual([
      "bouncing-and-delaying-domains",
      "daily-bounce-and-complaint-rates",
      "hard-bounces-to-suppress",
      "opens-and-clicks-by-tag",
      "rendering-failures-by-template",
    ]);
  });

  it("refuses a file that names no query", () => {
    const file = written("empty.json", { today: "2026-01-31", answers: {} });
    expect(() => handWorkedAnswers(file)).toThrow(`${file}: "answers" names no query`);
  });

  it("refuses a day that is not a date", () => {
    const file = written("no-day.json", { today: "31/01/2026", answers: { q: [] } });
    expect(() => handWorkedAnswers(file)).toThrow(`${file}: "today" must be a date written yyyy-mm-dd, not "31/01/2026"`);
  });

  it("refuses an answer that is not a list of rows", () => {
    const file = written("rows.json", { today: "2026-01-31", answers: { q: { sends: 1 } } });
    expect(() => handWorkedAnswers(file)).toThrow(`${file}: the answer of q must be a list of rows`);
  });
});

/** The state `terraform show -json` writes for the default stack, as far as checkQueries reads it. */
function appliedState(stack: Json, edit: (queries: Json[]) => Json[] = (queries) => queries): Json {
  const [database] = Object.values<Json>(stack.resource.aws_glue_catalog_database);
  // Every event table: with Parquet, the Parquet table and the table over the JSON before a switch.
  const tables = Object.values<Json>(stack.resource.aws_glue_catalog_table).map((table) => {
    const template: string = table.parameters["storage.location.template"];
    return {
      ...table,
      database_name: database.name,
      parameters: { ...table.parameters, "storage.location.template": template.replace(/\$\$\{/g, "${").replace(/^s3:\/\/\$\{[^}]+\}\//, "s3://example-events/") },
      storage_descriptor: [{ ...table.storage_descriptor, ser_de_info: [table.storage_descriptor.ser_de_info] }],
    };
  });
  const queries = edit(Object.values<Json>(stack.resource.aws_athena_named_query).map((query) => ({ ...query })));
  return {
    values: {
      root_module: {
        resources: [
          ...tables.map((values) => ({ type: "aws_glue_catalog_table", values })),
          ...queries.map((query) => ({ type: "aws_athena_named_query", values: query })),
        ],
      },
    },
  };
}

describe("checking the saved queries of an applied stack over delivered objects", () => {
  const stack: Json = synth({}).json;
  const dir = mkdtempSync(path.join(tmpdir(), "ses-events-check-queries-"));
  const objects = path.join(dir, "objects");
  const records: Json[] = readFileSync(path.join(__dirname, "../../../__tests__/fixtures/realistic-events.jsonl"), "utf8")
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line));

  beforeAll(async () => {
    const [events] = Object.values<Json>(stack.resource.aws_glue_catalog_table).filter((table) => table.name === "events");
    await deliver(objects, firehoseSettings(stack), records, undefined, events.storage_descriptor.columns);
  }, LOAD_TIMEOUT_MS);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function check(name: string, state: Json): Promise<{ ok: boolean; summary: Json }> {
    const stateFile = path.join(dir, `${name}.state.json`);
    const outFile = path.join(dir, `${name}.queries.json`);
    writeFileSync(stateFile, JSON.stringify(state));
    // What the check says of each query goes to the test, not the terminal: a seeded failure's
    // MISMATCH is no failure of the run.
    const said: string[] = [];
    const write = jest.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
      said.push(String(chunk));
      return true;
    });
    let ok: boolean;
    try {
      ok = await checkQueries(stateFile, objects, outFile, ANSWERS_FILE);
    } finally {
      write.mockRestore();
    }
    const summary = JSON.parse(readFileSync(outFile, "utf8"));
    // Every verdict is said, failures as the summary lists them.
    expect(said.filter((line) => line.startsWith("terraform-check:   query "))).toHaveLength(summary.queriesChecked);
    for (const failure of summary.failures) expect(said).toContain(`terraform-check:   ${failure}\n`);
    return { ok, summary };
  }

  it(
    "passes the stack as synthesized",
    async () => {
      expect(await check("as-synthesized", appliedState(stack))).toEqual({ ok: true, summary: { queriesChecked: 5, queriesMatched: 5, failures: [] } });
    },
    LOAD_TIMEOUT_MS,
  );

  it(
    "fails a stack missing a saved query, naming it",
    async () => {
      const state = appliedState(stack, (queries) => queries.filter((query) => query.name !== "rendering-failures-by-template"));
      expect(await check("missing", state)).toEqual({
        ok: false,
        summary: { queriesChecked: 5, queriesMatched: 4, failures: ["query rendering-failures-by-template: MISSING: no saved query of that name was applied"] },
      });
    },
    LOAD_TIMEOUT_MS,
  );

  it(
    "fails a saved query whose SQL answers differently, naming it",
    async () => {
      const state = appliedState(stack, (queries) =>
        queries.map((query) => (query.name === "hard-bounces-to-suppress" ? { ...query, query: query.query.replace("'Permanent'", "'Transient'") } : query)),
      );
      const { ok, summary } = await check("wrong", state);
      expect(ok).toBe(false);
      expect(summary.queriesMatched).toBe(4);
      expect(summary.failures).toEqual([expect.stringMatching(/^query hard-bounces-to-suppress: MISMATCH: \[.*\], expected \[\{"email_address":"alice@example.com"/)]);
    },
    LOAD_TIMEOUT_MS,
  );
});
