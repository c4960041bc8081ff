// packages/terraform-check/format-switch.js: what the live check's switch from JSON to Parquet sends
// on either side, the settings it switches to, and the plans it lets through.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";

const formatSwitch: { split: (r: string, b: string, a: string) => void; context: (f: string) => void; plan: (f: string) => boolean } = require("../format-switch");

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "format-switch-"));
  jest.spyOn(process.stderr, "write").mockImplementation(() => true);
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
  jest.restoreAllMocks();
});

const planWith = (...changes: Array<[string, string[]]>) => {
  const file = path.join(dir, "plan.json");
  writeFileSync(
    file,
    JSON.stringify({
      resource_changes: changes.map(([address, actions]) => ({ address, type: address.split(".")[0], change: { actions } })),
    }),
  );
  return file;
};

describe("the records on either side of the switch", () => {
  it("sends every record once, alternately before and after", () => {
    const records = path.join(dir, "records.jsonl");
    writeFileSync(records, ["1", "2", "3", "", "4", "5"].map((n) => (n === "" ? "" : JSON.stringify({ n: Number(n) }))).join("\n") + "\n");
    formatSwitch.split(records, path.join(dir, "before"), path.join(dir, "after"));
    const read = (name: string) => readFileSync(path.join(dir, name), "utf8").trim().split("\n").map((line) => JSON.parse(line).n);
    expect([read("before"), read("after")]).toEqual([
      [1, 3, 5],
      [2, 4],
    ]);
  });

  it("refuses records too few to send on both sides", () => {
    const records = path.join(dir, "records.jsonl");
    writeFileSync(records, '{"n":1}\n');
    expect(() => formatSwitch.split(records, path.join(dir, "before"), path.join(dir, "after"))).toThrow(`${records}: 1 records, too few to send on both sides of the switch`);
  });
});

describe("the settings switched to", () => {
  it("turns a JSON stack's context to Parquet, leaving the rest as it was", () => {
    const file = path.join(dir, "context.json");
    writeFileSync(file, JSON.stringify({ configurationSetName: "ses-events", deliveryStream: { format: "json", bufferingSeconds: 60 } }));
    const out = jest.spyOn(process.stdout, "write").mockImplementation(() => true);
    formatSwitch.context(file);
    expect(JSON.parse(String(out.mock.calls[0]![0]))).toEqual({ configurationSetName: "ses-events", deliveryStream: { format: "parquet", bufferingSeconds: 60 } });
  });

  it("refuses a context that is not a JSON stack's", () => {
    const file = path.join(dir, "context.json");
    writeFileSync(file, JSON.stringify({ configurationSetName: "ses-events" }));
    expect(() => formatSwitch.context(file)).toThrow(`${file}: deliveryStream.format is undefined; the switch starts from a stack with "json"`);
  });
});

describe("the plan of the switch", () => {
  const updates: Array<[string, string[]]> = [
    ["aws_kinesis_firehose_delivery_stream.Stream", ["update"]],
    ["aws_glue_catalog_table.Table", ["update"]],
    ["aws_glue_catalog_table.HistoryTable", ["create"]],
    ["aws_athena_named_query.DailyRatesQuery", ["delete", "create"]],
    ["aws_s3_bucket.Bucket", ["no-op"]],
  ];

  it("lets through updates in place, new resources and replaced saved queries", () => {
    expect(formatSwitch.plan(planWith(...updates))).toBe(true);
  });

  it.each([
    ["replaces the stream", ["aws_kinesis_firehose_delivery_stream.Stream", ["delete", "create"]]],
    ["replaces the event table", ["aws_glue_catalog_table.Table", ["create", "delete"]]],
    ["deletes the bucket", ["aws_s3_bucket.Bucket", ["delete"]]],
  ] as Array<[string, [string, string[]]]>)("fails a plan that %s", (_, change) => {
    expect(formatSwitch.plan(planWith(...updates.filter(([address]) => address !== change[0]), change))).toBe(false);
  });

  it("fails a plan that changes nothing", () => {
    expect(formatSwitch.plan(planWith(["aws_s3_bucket.Bucket", ["no-op"]]))).toBe(false);
  });
});
