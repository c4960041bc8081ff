import { mkdtempSync, readFileSync, rmSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { EventFormat, SesEventRecordType, SesEventType, SesFirehoseEventDestination, SesFirehoseEventDestinationProps } from "../modules";
import {
  AthenaStandIn,
  HiveType,
  Json,
  MapKeys,
  deliver,
  firehoseSettings,
  glueTable,
  lowercaseKeys,
  misfits,
  parseHiveType,
  projectedObjects,
  recordTime,
} from "../scripts/athena-harness";
import { newStack, parse, synth as synthDestination } from "./helpers";

/**
 * These tests read the JSON the stream writes with `format: "json"` (the OpenX JSON SerDe, its map
 * keys); event-format.test.ts runs the same queries on the Parquet objects of the default stream.
 */
const synth = (props: Partial<SesFirehoseEventDestinationProps> = {}) =>
  synthDestination({ ...props, deliveryStream: { format: EventFormat.JSON, ...props.deliveryStream } });

/**
 * The saved queries, run on DuckDB over the example records of the SES developer guide ("Examples
 * of event data that Amazon SES publishes to Firehose": one record per event type), laid out as
 * Firehose writes them under the synthesized prefix. The expected answers are worked out by hand
 * from those ten records.
 */
const EXAMPLES: Json[] = JSON.parse(readFileSync(path.join(__dirname, "fixtures", "ses-event-examples.json"), "utf8"));
/**
 * Realistic records built from the guide's shapes (several recipients per message, bounces naming
 * several, duplicated records, every bounce subtype, complaints with and without a feedback type,
 * tags in mixed case, events across midnight), with hand-worked answers beside them.
 */
const REALISTIC: Json[] = readFileSync(path.join(__dirname, "fixtures", "realistic-events.jsonl"), "utf8")
  .split("\n")
  .filter((line) => line !== "")
  .map((line) => JSON.parse(line));
const EXPECTED: { today: string; answers: Record<string, Json[]> } = JSON.parse(
  readFileSync(path.join(__dirname, "fixtures", "expected-query-answers.json"), "utf8"),
);
const TODAY = "2022-01-31";
/** Every example in the window, and the message tag the examples carry. */
const ANALYTICS = { firstYear: 2016, queryWindowDays: 36500, tagName: "myCustomTag1" };
const TABLE = '"ses_events"."events"';

const LAYOUTS: Array<[string, Partial<SesFirehoseEventDestinationProps>]> = [
  ["the default prefix, partitioned by event type", {}],
  ["the dated prefix without partitioning", { deliveryStream: { partitionByEventType: false } }],
  [
    "a prefix without Hive names, down to the hour",
    { deliveryStream: { prefix: "ses/!{partitionKeyFromQuery:event_type}/!{timestamp:yyyy}/!{timestamp:MM}/!{timestamp:dd}/!{timestamp:HH}/" } },
  ],
];

function namedQuery(stack: Json, name: string): string {
  const found = Object.values<Json>(stack.resource.aws_athena_named_query).filter((query) => query.name === name);
  expect(found).toHaveLength(1);
  return found[0].query;
}

it("the examples hold one record of every event type SES writes", () => {
  expect(EXAMPLES.map((record) => record.eventType).sort()).toEqual(Object.values(SesEventRecordType).sort());
});

describe("the table's columns against the examples and the realistic records", () => {
  const columns: Array<{ name: string; type: string }> = glueTable(synth().json).storage_descriptor.columns;
  const records = [...EXAMPLES, ...REALISTIC].map((record) => lowercaseKeys(record) as Json);

  it("hold every field of every example, with its JSON type", () => {
    const struct = parseHiveType(`struct<${columns.map((c) => `${c.name}:${c.type}`).join(",")}>`);
    expect(records.flatMap((record) => misfits(record.eventtype, record, struct))).toEqual([]);
  });

  it("hold every field the saved queries read, with a value of its type in some example", () => {
    const stack: Json = synth().json;
    const sql = Object.values<Json>(stack.resource.aws_athena_named_query).map((query) => query.query).join("\n");
    const roots = columns.map((column) => column.name).join("|");
    const fields = new Set<string>();
    for (const [, array, field] of sql.matchAll(/transform\(([a-z.]+), r -> r\.([a-z]+)\)/g)) fields.add(`${array}[].${field}`);
    for (const [path] of sql.replace(/transform\([^)]*\)/g, "").matchAll(new RegExp(`\\b(${roots})(\\.[a-z]+)+`, "g"))) fields.add(path);
    expect([...fields].sort()).toEqual([
      "bounce.bouncedrecipients[].emailaddress",
      "bounce.bouncesubtype",
      "bounce.bouncetype",
      "bounce.timestamp",
      "click.ipaddress",
      "click.link",
      "click.timestamp",
      "click.useragent",
      "complaint.complainedrecipients[].emailaddress",
      "complaint.complaintsubtype",
      "complaint.timestamp",
      "delivery.recipients",
      "delivery.timestamp",
      "deliverydelay.delayedrecipients[].emailaddress",
      "deliverydelay.timestamp",
      "failure.errormessage",
      "failure.templatename",
      "mail.destination",
      "mail.messageid",
      "mail.tags",
      "mail.timestamp",
      "open.ipaddress",
      "open.timestamp",
      "open.useragent",
    ]);
    const struct = parseHiveType(`struct<${columns.map((c) => `${c.name}:${c.type}`).join(",")}>`);
    for (const field of fields) {
      const [type, values] = field.split(".").reduce<[HiveType | undefined, unknown[]]>(
        ([t, vs], step) => {
          const name = step.replace("[]", "");
          const inner = t?.kind === "struct" ? t.fields.find(([n]) => n === name)?.[1] : undefined;
          const next = vs.map((v) => (v as Json)?.[name]).filter((v) => v !== undefined && v !== null);
          return step.endsWith("[]") && inner?.kind === "array" ? [inner.element, next.flat()] : [inner, next];
        },
        [struct, records],
      );
      expect({ field, declared: type !== undefined }).toEqual({ field, declared: true });
      expect({ field, found: values.length > 0 }).toEqual({ field, found: true });
      expect(values.flatMap((value) => misfits(field, value, type!))).toEqual([]);
    }
  });

  it("have no column that no example fills: each event type's object has the name SES gives it", () => {
    expect(columns.filter((column) => records.every((record) => record[column.name] === undefined)).map((c) => c.name)).toEqual([]);
  });
});

describe.each(LAYOUTS)("with %s", (_, props) => {
  const stack: Json = synth({ ...props, analytics: ANALYTICS }).json;
  let root: string;
  let keys: string[];
  let engine: AthenaStandIn;
  const run = (name: string) => engine.query(namedQuery(stack, name), TABLE);

  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), "ses-events-bucket-"));
    keys = await deliver(root, firehoseSettings(stack), EXAMPLES);
    engine = await AthenaStandIn.open(TODAY);
    await engine.load(root, glueTable(stack), projectedObjects(root, glueTable(stack), new Date(TODAY)));
  });

  afterAll(() => {
    engine?.close();
    if (root !== undefined) rmSync(root, { recursive: true, force: true });
  });

  it("finds every object Firehose wrote through the partition projection alone", () => {
    const found = projectedObjects(root, glueTable(stack), new Date(TODAY)).map((object) => object.key);
    expect(found.sort()).toEqual([...keys].sort());
    expect(keys.length).toBeGreaterThanOrEqual(7);
  });

  it("saves exactly the five queries tested here", () => {
    expect(Object.values<Json>(stack.resource.aws_athena_named_query).map((query) => query.name).sort()).toEqual([
      "bouncing-and-delaying-domains",
      "daily-bounce-and-complaint-rates",
      "hard-bounces-to-suppress",
      "opens-and-clicks-by-tag",
      "rendering-failures-by-template",
    ]);
  });

  it("reads every record into the table", async () => {
    const rows = await engine.query(`SELECT eventtype, count(*) AS n FROM ${TABLE} GROUP BY eventtype ORDER BY eventtype`, TABLE);
    expect(rows).toEqual(Object.values(SesEventRecordType).sort().map((eventtype) => ({ eventtype, n: 1 })));
  });

  it("daily-bounce-and-complaint-rates: the send day has rates of 0; the bounce and complaint day has no sends, so no rate", async () => {
    expect(await run("daily-bounce-and-complaint-rates")).toEqual([
      {
        event_date: "2017-08-05",
        sends: 0,
        hard_bounces: 1,
        complaints: 1,
        bounce_rate: null,
        complaint_rate: null,
        bounce_rate_at_review_level: null,
        complaint_rate_at_review_level: null,
      },
      {
        event_date: "2016-10-14",
        sends: 1,
        hard_bounces: 0,
        complaints: 0,
        bounce_rate: 0,
        complaint_rate: 0,
        bounce_rate_at_review_level: false,
        complaint_rate_at_review_level: false,
      },
    ]);
  });

  it("hard-bounces-to-suppress: the one permanently bounced recipient", async () => {
    expect(await run("hard-bounces-to-suppress")).toEqual([
      { email_address: "recipient@example.com", hard_bounces: 1, last_bounced_at: "2017-08-05T00:41:02.669Z" },
    ]);
  });

  it("bouncing-and-delaying-domains: example.com with one recipient of one message that bounced and was delayed", async () => {
    expect(await run("bouncing-and-delaying-domains")).toEqual([
      { domain: "example.com", troubled_recipients: 1, bounced_recipients: 1, delayed_recipients: 1 },
    ]);
  });

  it("opens-and-clicks-by-tag: the delivery and the open and click carry different values of the tag", async () => {
    expect(await run("opens-and-clicks-by-tag")).toEqual([
      { tag_value: "myCustomTagValue1", deliveries: 1, opens: 0, opened_messages: 0, clicks: 0, clicked_messages: 0 },
      { tag_value: "myCustomValue1", deliveries: 0, opens: 1, opened_messages: 1, clicks: 1, clicked_messages: 1 },
    ]);
  });

  it("rendering-failures-by-template: MyTemplate failed once", async () => {
    expect(await run("rendering-failures-by-template")).toEqual([
      {
        template_name: "MyTemplate",
        failures: 1,
        last_failed_at: "2018-01-22T18:43:06.197Z",
        example_error: "Attribute 'attributeName' is not present in the rendering data.",
      },
    ]);
  });
});

describe("with map keys as Trino's own OpenX JSON reader keeps them (tag names in their case)", () => {
  const stack: Json = synth({ analytics: ANALYTICS }).json;
  let root: string;
  let engine: AthenaStandIn;

  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), "ses-events-bucket-"));
    await deliver(root, firehoseSettings(stack), EXAMPLES);
    engine = await AthenaStandIn.open(TODAY, "as written");
    await engine.load(root, glueTable(stack), projectedObjects(root, glueTable(stack), new Date(TODAY)));
  });

  afterAll(() => {
    engine?.close();
    if (root !== undefined) rmSync(root, { recursive: true, force: true });
  });

  it("opens-and-clicks-by-tag finds the tag by the name as given", async () => {
    expect(await engine.query(namedQuery(stack, "opens-and-clicks-by-tag"), TABLE)).toEqual([
      { tag_value: "myCustomTagValue1", deliveries: 1, opens: 0, opened_messages: 0, clicks: 0, clicked_messages: 0 },
      { tag_value: "myCustomValue1", deliveries: 0, opens: 1, opened_messages: 1, clicks: 1, clicked_messages: 1 },
    ]);
  });
});

describe("the default 30-day window", () => {
  const stack: Json = synth({ analytics: { firstYear: 2016 } }).json;
  let root: string;
  let engine: AthenaStandIn;

  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), "ses-events-bucket-"));
    await deliver(root, firehoseSettings(stack), EXAMPLES);
    // Two weeks after the delivery delay of 2020-06-16, the last of the bounce and delay events.
    engine = await AthenaStandIn.open("2020-06-30");
    await engine.load(root, glueTable(stack), projectedObjects(root, glueTable(stack), new Date("2020-06-30")));
  });

  afterAll(() => {
    engine?.close();
    if (root !== undefined) rmSync(root, { recursive: true, force: true });
  });

  it("leaves out older events: only the delay counts, the 2017 bounce does not", async () => {
    expect(await engine.query(namedQuery(stack, "bouncing-and-delaying-domains"), TABLE)).toEqual([
      { domain: "example.com", troubled_recipients: 1, bounced_recipients: 0, delayed_recipients: 1 },
    ]);
    expect(await engine.query(namedQuery(stack, "hard-bounces-to-suppress"), TABLE)).toEqual([]);
  });
});

/** Loading the realistic records (jq per record, DuckDB per object) takes a few seconds on a busy machine. */
const LOAD_TIMEOUT_MS = 60_000;

/** Loads `records` as Firehose delivers them (a second copy of a record a day after the first) into a stand-in. */
async function loaded(stack: Json, records: readonly Json[], today: string, mapKeys: MapKeys = "lowercased") {
  const root = mkdtempSync(path.join(tmpdir(), "ses-events-bucket-"));
  const seen = new Set<string>();
  const keys = await deliver(root, firehoseSettings(stack), records, (record) => {
    const copy = seen.has(JSON.stringify(record));
    seen.add(JSON.stringify(record));
    return new Date(recordTime(record).getTime() + (copy ? 86_400_000 : 0));
  });
  const engine = await AthenaStandIn.open(today, mapKeys);
  await engine.load(root, glueTable(stack), projectedObjects(root, glueTable(stack), new Date(today)));
  return {
    keys,
    run: (name: string) => engine.query(namedQuery(stack, name), TABLE),
    query: (sql: string) => engine.query(sql, TABLE),
    close: () => {
      engine.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

describe("the reported case: one message to 4, a permanent bounce naming 2 delivered twice, a bounce of a suppressed address", () => {
  const stack: Json = synth({}).json;
  const records = REALISTIC.filter((record) => record.mail.messageId === "0100019b-0001-m1" && ["Send", "Bounce"].includes(record.eventType));

  it("holds what was reported: two Send copies, two copies of the bounce, one suppression-list bounce", () => {
    expect(records.map((record) => [record.eventType, record.bounce?.bounceSubType ?? null])).toEqual([
      ["Send", null],
      ["Send", null],
      ["Bounce", "General"],
      ["Bounce", "General"],
      ["Bounce", "OnAccountSuppressionList"],
    ]);
  });

  it("counts sends 4, hard_bounces 2, bounce_rate 0.5, and lists the two bounced addresses once each", async () => {
    const athena = await loaded(stack, records, EXPECTED.today);
    try {
      // The second copies arrive the next day, in partitions of their own.
      expect(athena.keys.map((key) => key.replace(/\/[^/]*$/, "/")).sort()).toEqual([
        "events/event_type=Bounce/year=2026/month=01/day=10/",
        "events/event_type=Bounce/year=2026/month=01/day=11/",
        "events/event_type=Send/year=2026/month=01/day=10/",
        "events/event_type=Send/year=2026/month=01/day=11/",
      ]);
      expect(await athena.run("daily-bounce-and-complaint-rates")).toEqual([
        {
          event_date: "2026-01-10",
          sends: 4,
          hard_bounces: 2,
          complaints: 0,
          bounce_rate: 0.5,
          complaint_rate: 0,
          bounce_rate_at_review_level: true,
          complaint_rate_at_review_level: false,
        },
      ]);
      expect(await athena.run("hard-bounces-to-suppress")).toEqual([
        { email_address: "alice@example.com", hard_bounces: 1, last_bounced_at: "2026-01-10T09:00:05.000Z" },
        { email_address: "bob@example.org", hard_bounces: 1, last_bounced_at: "2026-01-10T09:00:05.000Z" },
      ]);
    } finally {
      athena.close();
    }
  }, LOAD_TIMEOUT_MS);
});

const REALISTIC_CASES: Array<[string, Partial<SesFirehoseEventDestinationProps>, MapKeys]> = [
  ["the default prefix, map keys lowercased (Hive OpenX SerDe)", {}, "lowercased"],
  ["the default prefix, map keys as written (Trino's OpenX reader)", {}, "as written"],
  ["the dated prefix without partitioning, map keys as written", { deliveryStream: { partitionByEventType: false } }, "as written"],
];

describe.each(REALISTIC_CASES)("the realistic records, duplicates delivered a day apart, with %s", (_, props, mapKeys) => {
  const stack: Json = synth(props).json;
  let athena: Awaited<ReturnType<typeof loaded>>;

  beforeAll(async () => {
    athena = await loaded(stack, REALISTIC, EXPECTED.today, mapKeys);
  }, LOAD_TIMEOUT_MS);
  afterAll(() => athena?.close());

  it.each(Object.keys(EXPECTED.answers))("%s gives the hand-worked answer", async (name) => {
    expect(await athena.run(name)).toEqual(EXPECTED.answers[name]);
  });

  it.each(["Campaign", "CAMPAIGN"])("opens-and-clicks-by-tag with the tag name given as %s gives the same answer", async (tagName) => {
    const query = namedQuery(synth({ ...props, analytics: { tagName } }).json, "opens-and-clicks-by-tag");
    expect(await athena.query(query)).toEqual(EXPECTED.answers["opens-and-clicks-by-tag"]);
  });
});

describe("event types the destination does not publish", () => {
  const queryNames = (stack: Json) => Object.values<Json>(stack.resource.aws_athena_named_query ?? {}).map((query) => query.name).sort();

  it("creates no rates query without SEND, and says so at synth", () => {
    const stack = newStack();
    new SesFirehoseEventDestination(stack, "Events", {
      configurationSetName: "ses-events",
      eventTypes: [SesEventType.BOUNCE, SesEventType.COMPLAINT],
      deliveryStream: { format: EventFormat.JSON },
    });
    const json: Json = parse(stack).json;
    expect(queryNames(json)).toEqual(["bouncing-and-delaying-domains", "hard-bounces-to-suppress"]);
    const warnings = stack.node
      .findAll()
      .flatMap((construct) => construct.node.metadata)
      .filter((entry) => entry.type === "@cdktf/warn")
      .map((entry) => entry.data);
    expect(warnings).toEqual([
      'saved query daily-bounce-and-complaint-rates is not created: eventTypes ["BOUNCE","COMPLAINT"] leaves out SEND, which it needs to answer; add it to eventTypes to have the query.',
      'saved query opens-and-clicks-by-tag is not created: eventTypes ["BOUNCE","COMPLAINT"] leaves out one of DELIVERY, OPEN, CLICK, which it needs to answer; add one to eventTypes to have the query.',
      'saved query rendering-failures-by-template is not created: eventTypes ["BOUNCE","COMPLAINT"] leaves out RENDERING_FAILURE, which it needs to answer; add it to eventTypes to have the query.',
    ]);
  });

  it("leaves a count of a type not published empty, not 0, and says so in the description", async () => {
    const json: Json = synth({ eventTypes: [SesEventType.SEND, SesEventType.BOUNCE] }).json;
    const rates = Object.values<Json>(json.resource.aws_athena_named_query).find((query) => query.name === "daily-bounce-and-complaint-rates")!;
    expect(rates.description).toMatch(/ complaints is empty: eventTypes leaves out COMPLAINT\.$/);
    const athena = await loaded(json, REALISTIC, EXPECTED.today);
    try {
      expect((await athena.run("daily-bounce-and-complaint-rates")).map((row) => [row.event_date, row.sends, row.hard_bounces, row.complaints, row.complaint_rate])).toEqual([
        ["2026-01-12", 10, 5, null, null],
        ["2026-01-11", 9, 0, null, null],
        ["2026-01-10", 4, 2, null, null],
      ]);
    } finally {
      athena.close();
    }
  }, LOAD_TIMEOUT_MS);
});
