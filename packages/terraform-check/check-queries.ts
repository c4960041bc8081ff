// Runs the saved queries of the applied default stack, their SQL taken from the applied
// aws_athena_named_query (terraform show -json of the state), over the objects the emulator's
// Firehose delivered (read back from its S3 by event-flow.py) with the DuckDB stand-in for
// Athena (scripts/athena-harness.ts), and holds them to the answers worked out by hand from the
// realistic records (see handWorkedAnswers): every query with a hand-worked answer must have been
// applied, under its name, once, and give that answer; an applied query without one fails too.
//
// Called by packages/terraform-check/stack.sh through scripts/run-ts.js: checkQueries(STATE_JSON, OBJECTS_DIR, OUT_JSON).
import { readFileSync, writeFileSync } from "fs";
import * as path from "path";
import { AthenaStandIn, Json, projectedObjects } from "../../scripts/athena-harness";

export const ANSWERS_FILE = path.join(__dirname, "../../__tests__/fixtures/expected-query-answers.json");

export interface HandWorkedAnswers {
  readonly today: string;
  readonly answers: Record<string, Json[]>;
}

/**
 * The hand-worked answers of each saved query over the realistic records
 * (__tests__/fixtures/expected-query-answers.json, for the default settings: a 30-day window and
 * the tag "campaign"), on the day they are worked out for. The guide's ten examples, sent too,
 * are years older than that window, so no answer holds them.
 */
export function handWorkedAnswers(file = ANSWERS_FILE): HandWorkedAnswers {
  const { today, answers } = JSON.parse(readFileSync(file, "utf8"));
  if (typeof today !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(today)) throw new Error(`${file}: "today" must be a date written yyyy-mm-dd, not ${JSON.stringify(today)}`);
  if (answers === null || typeof answers !== "object" || Object.keys(answers).length === 0) throw new Error(`${file}: "answers" names no query`);
  for (const [name, rows] of Object.entries(answers)) {
    if (!Array.isArray(rows)) throw new Error(`${file}: the answer of ${name} must be a list of rows`);
  }
  return { today, answers };
}

/** One saved query as applied: its name and SQL. */
export interface AppliedQuery {
  readonly name: string;
  readonly query: string;
}

export interface QueryVerdict {
  readonly name: string;
  readonly ok: boolean;
  readonly message: string;
}

/**
 * Holds what each applied query answered to the hand-worked answers, expected query by expected
 * query: one missing from `answered` fails, as does one applied twice, one answering differently,
 * and one answered that has no hand-worked answer.
 */
export function judgeAnswers(expected: Record<string, Json[]>, answered: ReadonlyArray<{ name: string; answer: Json[] }>): QueryVerdict[] {
  const names = Object.keys(expected);
  if (names.length === 0) throw new Error("no hand-worked answers to hold the saved queries to");
  const verdicts = names.map((name): QueryVerdict => {
    const found = answered.filter((query) => query.name === name);
    if (found.length === 0) return { name, ok: false, message: `query ${name}: MISSING: no saved query of that name was applied` };
    if (found.length > 1) return { name, ok: false, message: `query ${name}: DUPLICATE: ${found.length} saved queries of that name were applied` };
    const answer = found[0]!.answer;
    if (!sameJson(answer, expected[name])) {
      return { name, ok: false, message: `query ${name}: MISMATCH: ${JSON.stringify(answer)}, expected ${JSON.stringify(expected[name])}` };
    }
    return { name, ok: true, message: `query ${name}: matches the hand-worked answer` };
  });
  const unexpected = [...new Set(answered.map((query) => query.name).filter((name) => !Object.hasOwn(expected, name)))];
  return [
    ...verdicts,
    ...unexpected.map((name) => ({ name, ok: false, message: `query ${name}: UNEXPECTED: applied, but no hand-worked answer holds it` })),
  ];
}

/**
 * Equal as JSON values: arrays item by item in order, objects by the same keys, numbers, strings,
 * booleans and null by identity (1 and "1" differ). Where an object was built (a DuckDB row, a
 * parsed file) does not matter, which util.isDeepStrictEqual's prototype check makes it.
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, index) => sameJson(item, b[index]));
  }
  if (a !== null && b !== null && typeof a === "object" && typeof b === "object") {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && sameJson((a as Json)[key], (b as Json)[key]));
  }
  return a === b;
}

/**
 * An applied table in the shape the harness reads (the synthesized one): the state holds a block as
 * a list of one, and the template names the bucket itself, while the objects under OBJECTS_DIR are
 * keyed from the bucket's root.
 */
function asSynthesized(appliedTable: Json): Json {
  const parameters: Record<string, string> = { ...appliedTable.parameters };
  const template = parameters["storage.location.template"];
  if (template === undefined) throw new Error(`the applied table ${appliedTable.name} has no storage.location.template`);
  parameters["storage.location.template"] = template.replace(/^s3:\/\/[^/]+\//, "s3://${bucket}/");
  const storage = appliedTable.storage_descriptor[0];
  return { ...appliedTable, parameters, storage_descriptor: { ...storage, ser_de_info: storage.ser_de_info?.[0] ?? storage.ser_de_info } };
}

function applied(state: Json, type: string): Json[] {
  return ((state.values?.root_module?.resources ?? []) as Json[]).filter((r) => r.type === type).map((r) => r.values);
}

export async function checkQueries(stateFile: string, objectsDir: string, outFile: string, answersFile = ANSWERS_FILE): Promise<boolean> {
  const state: Json = JSON.parse(readFileSync(stateFile, "utf8"));
  // Every applied event table: with Parquet the Parquet table and the table over the JSON before
  // it, which the saved queries read as one. The harness reads each table's objects as its SerDe
  // says (Parquet by column name, JSON through the OpenX SerDe).
  const tables = applied(state, "aws_glue_catalog_table").map(asSynthesized);
  if (tables.length === 0) throw new Error("no aws_glue_catalog_table in the state");
  // current_date is the answers' day; the objects are dated by their arrival (today), which the
  // partition projection's NOW must reach and the window's lower bound lets through.
  const { today, answers: expected } = handWorkedAnswers(answersFile);
  const arrivalDay = new Date().toISOString().slice(0, 10);
  const queries: AppliedQuery[] = applied(state, "aws_athena_named_query").map((query) => ({ name: query.name, query: query.query }));
  const engine = await AthenaStandIn.open(today);
  const answered: Array<{ name: string; answer: Json[] }> = [];
  try {
    const references: Record<string, string> = {};
    for (const table of tables) {
      await engine.load(objectsDir, table, projectedObjects(objectsDir, table, new Date(arrivalDay)), table.name);
      references[`"${table.database_name}"."${table.name}"`] = table.name;
    }
    for (const query of queries) {
      const named = Object.fromEntries(Object.entries(references).filter(([reference]) => query.query.includes(reference)));
      answered.push({ name: query.name, answer: await engine.queryTables(query.query, named) });
    }
  } finally {
    engine.close();
  }
  const verdicts = judgeAnswers(expected, answered);
  for (const verdict of verdicts) process.stderr.write(`terraform-check:   ${verdict.message}\n`);
  const failures = verdicts.filter((verdict) => !verdict.ok);
  const summary = {
    queriesChecked: Object.keys(expected).length,
    queriesMatched: verdicts.filter((verdict) => verdict.ok).length,
    failures: failures.map((verdict) => verdict.message),
  };
  writeFileSync(outFile, JSON.stringify(summary, null, 2) + "\n");
  return failures.length === 0;
}
