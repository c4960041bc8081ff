import { spawnSync } from "child_process";
import { mkdtempSync, rmSync, statSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { DuckDBInstance } from "@duckdb/node-api";
import { eventTypesRead, fieldsNamed, jsonBytesRead, leafField, parquetBytesRead, parquetFooterBytes } from "../bench/lake-accounting";
import { EVENT_COLUMNS } from "../modules";
import { Json, writeParquet } from "../scripts/athena-harness";
import { synth } from "./helpers";

const COLUMNS = EVENT_COLUMNS.map((column) => column.name);
const query = (stack: Json, name: string): string =>
  Object.values<Json>(stack.resource.aws_athena_named_query).find((q) => q.name === name)!.query;

describe("the benchmark's byte accounting", () => {
  const stack: Json = synth().json;

  it("reads the partitions of the event types a saved query names, and no others", () => {
    expect(eventTypesRead(query(stack, "daily-bounce-and-complaint-rates"), "event_type")).toEqual(["Bounce", "Complaint", "Send"]);
    expect(eventTypesRead(query(stack, "hard-bounces-to-suppress"), "event_type")).toEqual(["Bounce"]);
    expect(eventTypesRead(query(stack, "rendering-failures-by-template"), "event_type")).toEqual(["Rendering Failure"]);
    expect(eventTypesRead(query(stack, "bouncing-and-delaying-domains"), "event_type")).toEqual(["Bounce", "DeliveryDelay"]);
  });

  it("names the nested fields a query reads, an array's field through its lambda, and not what SELECT * of the union implies", () => {
    expect(fieldsNamed(query(stack, "hard-bounces-to-suppress"), COLUMNS)).toEqual([
      "bounce.bouncedrecipients.emailaddress",
      "bounce.bouncesubtype",
      "bounce.bouncetype",
      "bounce.timestamp",
      "mail.messageid",
    ]);
    expect(fieldsNamed("SELECT mail.tags, mail.tags FROM t WHERE mail.messageid = 'x' AND eventtype = 'Send'", COLUMNS)).toEqual(["eventtype", "mail.messageid", "mail.tags"]);
    expect(fieldsNamed("SELECT mail, mail.messageid FROM t", COLUMNS)).toEqual(["mail"]);
  });

  it("maps Parquet leaves to fields without their list and map levels", () => {
    expect(leafField("mail, destination, list, element")).toBe("mail.destination");
    expect(leafField("mail, tags, key_value, value, list, element")).toBe("mail.tags.value");
    expect(leafField("bounce, bouncedrecipients, list, element, emailaddress")).toBe("bounce.bouncedrecipients.emailaddress");
  });

  it("counts the column chunks of the named fields only, a map's keys and values with it", () => {
    const chunks = [
      { path: "eventtype", compressedBytes: 1 },
      { path: "mail, messageid", compressedBytes: 10 },
      { path: "mail, headers, list, element, value", compressedBytes: 1000 },
      { path: "mail, tags, key_value, key", compressedBytes: 100 },
      { path: "mail, tags, key_value, value, list, element", compressedBytes: 200 },
      { path: "bounce, bouncedrecipients, list, element, emailaddress", compressedBytes: 20 },
      { path: "bounce, bouncedrecipients, list, element, diagnosticcode", compressedBytes: 400 },
    ];
    expect(parquetBytesRead(chunks, ["mail.messageid", "bounce.bouncedrecipients.emailaddress"])).toBe(30);
    expect(parquetBytesRead(chunks, ["mail.tags"])).toBe(300);
    expect(parquetBytesRead(chunks, ["mail"])).toBe(1310);
  });

  it("counts what of a Parquet object is no column chunk as its footer, and refuses chunks larger than the object", () => {
    const chunks = [
      { path: "mail, messageid", compressedBytes: 10 },
      { path: "mail, timestamp", compressedBytes: 20 },
    ];
    expect(parquetFooterBytes(100, chunks)).toBe(70);
    expect(() => parquetFooterBytes(25, chunks)).toThrow("the column chunks hold 30 bytes, more than the object's 25");
  });

  it("bills JSON objects whole, in the partitions read", () => {
    const objects = [
      { eventType: "Send", bytes: 100 },
      { eventType: "Open", bytes: 50 },
      { eventType: "Send", bytes: 7 },
    ];
    expect(jsonBytesRead(objects, ["Send"])).toBe(107);
    expect(jsonBytesRead(objects, ["Bounce"])).toBe(0);
  });

  it("finds in a real Parquet object's metadata chunks that sum to the named columns and less than the object", async () => {
    const root = mkdtempSync(path.join(tmpdir(), "ses-events-bench-"));
    const instance = await DuckDBInstance.create(":memory:", { threads: "1" });
    const connection = await instance.connect();
    try {
      const file = path.join(root, "send.parquet");
      const record = (n: number) => ({ eventType: "Send", mail: { timestamp: "2026-01-01T00:00:00.000Z", messageId: `m-${n}`, destination: [`r${n}@example.com`], headers: [{ name: "X-Long", value: "x".repeat(500 + n) }] }, send: {} });
      await writeParquet(file, Array.from({ length: 50 }, (_, n) => `${JSON.stringify(record(n))}\n`), EVENT_COLUMNS);
      const reader = await connection.runAndReadAll(`SELECT path_in_schema, total_compressed_size FROM parquet_metadata('${file}')`);
      const chunks = reader.getRowObjectsJson().map((row) => ({ path: String(row.path_in_schema), compressedBytes: Number(row.total_compressed_size) }));
      const named = parquetBytesRead(chunks, ["mail.messageid", "mail.destination"]);
      const all = parquetBytesRead(chunks, COLUMNS);
      expect(named).toBeGreaterThan(0);
      expect(named).toBeLessThan(parquetBytesRead(chunks, ["mail.headers"]));
      expect(all).toBeLessThan(statSync(file).size);
      expect(parquetFooterBytes(statSync(file).size, chunks)).toBeGreaterThan(0);
    } finally {
      connection.closeSync();
      instance.closeSync();
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe("npm run bench:lake's options", () => {
  it.each(["30", "901", "300.5", "five"])("refuses --buffer-seconds %s before generating anything, naming the range", (seconds) => {
    const run = spawnSync(process.execPath, [path.join(__dirname, "..", "bench", "run-ts.js"), path.join(__dirname, "..", "bench", "lake.ts"), "--buffer-seconds", seconds], {
      encoding: "utf8",
      env: { ...process.env, CHECKPOINT_DISABLE: "1" },
      timeout: 60_000,
    });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain(`--buffer-seconds must be a whole number of seconds from 60 to 900 (900 is Firehose's longest interval; below 60 the scaled lake is too small to measure), not ${seconds}`);
    expect(run.stderr).not.toContain("messages a day");
  });
});
