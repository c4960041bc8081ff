import { mkdtempSync, readFileSync, rmSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { SesEventRecordType, SesFirehoseEventDestinationProps } from "../modules";
import {
  AthenaStandIn,
  HiveType,
  Json,
  deliver,
  firehoseSettings,
  glueTable,
  lowercaseKeys,
  misfits,
  parseHiveType,
  projectedObjects,
} from "./athena-harness";
import { synth } from "./helpers";

/**
 * The saved queries, run on DuckDB over the example records of the SES developer guide ("Examples
 * of event data that Amazon SES publishes to Firehose": one record per event type), laid out as
 * Firehose writes them under the synthesized prefix. The expected answers are worked out by hand
 * from those ten records.
 */
const EXAMPLES: Json[] = JSON.parse(readFileSync(path.join(__dirname, "fixtures", "ses-event-examples.json"), "utf8"));
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

describe("the table's columns against the examples", () => {
  const columns: Array<{ name: string; type: string }> = glueTable(synth().json).storage_descriptor.columns;
  const records = EXAMPLES.map((record) => lowercaseKeys(record) as Json);

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
      "bounce.bouncetype",
      "bounce.timestamp",
      "deliverydelay.delayedrecipients[].emailaddress",
      "failure.errormessage",
      "failure.templatename",
      "mail.messageid",
      "mail.tags",
      "mail.timestamp",
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

  it("bouncing-and-delaying-domains: example.com with one bounced and one delayed recipient", async () => {
    expect(await run("bouncing-and-delaying-domains")).toEqual([
      { domain: "example.com", troubled_recipients: 2, bounced_recipients: 1, delayed_recipients: 1 },
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
