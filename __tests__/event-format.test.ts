import { mkdtempSync, readFileSync, rmSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { DuckDBInstance } from "@duckdb/node-api";
import { EventFormat, FirehoseCompression } from "../modules";
import { PREFIX_OF_YOUR_OWN_WARNING } from "../modules/private/event-format";
import { AthenaStandIn, Json, deliver, firehoseSettings, lowercaseKeys, projectedObjects, recordTime } from "../scripts/athena-harness";
import { destinationWarnings, errorOf, synth } from "./helpers";

const EXAMPLES: Json[] = JSON.parse(readFileSync(path.join(__dirname, "fixtures", "ses-event-examples.json"), "utf8"));
const REALISTIC: Json[] = readFileSync(path.join(__dirname, "fixtures", "realistic-events.jsonl"), "utf8")
  .split("\n")
  .filter((line) => line !== "")
  .map((line) => JSON.parse(line));
const EXPECTED: { today: string; answers: Record<string, Json[]> } = JSON.parse(
  readFileSync(path.join(__dirname, "fixtures", "expected-query-answers.json"), "utf8"),
);
const LOAD_TIMEOUT_MS = 90_000;
const DATABASE = '"ses_events"';

/** Every problem of `props`, one sentence each. */
function problems(props: Json): string[] {
  return errorOf(props).split("\n").slice(1).map((line) => line.replace(/^  - /, ""));
}

function tables(stack: Json): Json[] {
  return Object.values<Json>(stack.resource.aws_glue_catalog_table);
}
const tableNamed = (stack: Json, name: string) => tables(stack).find((table) => table.name === name)!;
const stream = (stack: Json): Json => Object.values<Json>(stack.resource.aws_kinesis_firehose_delivery_stream)[0];
const namedQueries = (stack: Json): Json[] => Object.values<Json>(stack.resource.aws_athena_named_query);

describe("the default stream delivers Parquet", () => {
  const stack: Json = synth().json;
  const s3 = () => stream(stack).extended_s3_configuration;

  it("converts each record with the OpenX JSON SerDe to Parquet with GZIP, its schema the event table", () => {
    expect(s3().data_format_conversion_configuration).toEqual({
      enabled: true,
      input_format_configuration: { deserializer: { open_x_json_ser_de: { case_insensitive: true } } },
      output_format_configuration: { serializer: { parquet_ser_de: { compression: "GZIP", enable_dictionary_compression: true } } },
      schema_configuration: {
        catalog_id: "${data.aws_caller_identity.AwsContext_Account_CAD0E3E2.account_id}",
        database_name: "${aws_glue_catalog_database.Events_Analytics_Database_7B3A15C1.name}",
        table_name: "${aws_glue_catalog_table.Events_Analytics_Table_DA6D578A.name}",
        region: "${data.aws_region.AwsContext_Region_51268B9B.region}",
        role_arn: "${aws_iam_role.Events_DeliveryRole_893F12D8.arn}",
        version_id: "LATEST",
      },
    });
  });

  it("writes uncompressed S3 objects with a 64 MiB buffer, the same partitions and the same error prefix", () => {
    expect(s3().compression_format).toBe("UNCOMPRESSED");
    expect(s3().buffering_size).toBe(64);
    expect(s3().prefix).toBe("events-parquet/event_type=!{partitionKeyFromQuery:event_type}/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/");
    expect(s3().error_output_prefix).toBe("errors/!{firehose:error-output-type}/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/");
    expect(s3().dynamic_partitioning_configuration).toEqual({ enabled: true, retry_duration: 300 });
  });

  it("keeps the source records as SES wrote them: GZIP, under their own prefix", () => {
    expect(s3().s3_backup_mode).toBe("Enabled");
    expect(s3().s3_backup_configuration).toMatchObject({
      bucket_arn: "${aws_s3_bucket.Events_Bucket_C2BC09FD.arn}",
      prefix: "source-records/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/",
      error_output_prefix: "errors/!{firehose:error-output-type}/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/",
      compression_format: "GZIP",
      buffering_size: 64,
      buffering_interval: 300,
    });
  });

  it("expires the source records on their own lifecycle rule after 365 days", () => {
    const [lifecycle] = Object.values<Json>(stack.resource.aws_s3_bucket_lifecycle_configuration).filter((l) =>
      l.rule.some((r: Json) => r.id === "event-objects"),
    );
    expect(lifecycle.rule.find((rule: Json) => rule.id === "source-records")).toEqual({
      id: "source-records",
      status: "Enabled",
      filter: [{ prefix: "source-records/" }],
      expiration: [{ days: 365 }],
    });
  });

  it("lets the delivery role read exactly the schema table, its database and catalog", () => {
    const policy = JSON.parse(
      Object.values<Json>(stack.resource.aws_iam_role_policy).find((p) => p.name === "deliver-ses-events")!.policy,
    );
    const statement = policy.Statement.find((s: Json) => s.Sid === "ReadRecordSchema");
    expect(statement).toEqual({
      Sid: "ReadRecordSchema",
      Effect: "Allow",
      Action: ["glue:GetTable", "glue:GetTableVersion", "glue:GetTableVersions"],
      Resource: [
        expect.stringMatching(/^arn:\$\{.*\}:glue:\$\{.*\}:\$\{.*\}:catalog$/),
        expect.stringMatching(/:database\/\$\{aws_glue_catalog_database\.Events_Analytics_Database_7B3A15C1\.name\}$/),
        expect.stringMatching(/:table\/\$\{aws_glue_catalog_database\.Events_Analytics_Database_7B3A15C1\.name\}\/\$\{aws_glue_catalog_table\.Events_Analytics_Table_DA6D578A\.name\}$/),
      ],
    });
    expect(JSON.stringify(policy)).not.toContain('"*"');
  });

  it("reads the Parquet objects through a Parquet table, and the JSON delivered before through a table of its own", () => {
    expect(tableNamed(stack, "events")).toMatchObject({
      parameters: { classification: "parquet", "parquet.compression": "GZIP" },
      storage_descriptor: {
        location: "s3://${aws_s3_bucket.Events_Bucket_C2BC09FD.bucket}/events-parquet/",
        input_format: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
        output_format: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
        ser_de_info: { serialization_library: "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe" },
      },
    });
    expect(tableNamed(stack, "events_json")).toMatchObject({
      parameters: { classification: "json", compressionType: "gzip" },
      storage_descriptor: { location: "s3://${aws_s3_bucket.Events_Bucket_C2BC09FD.bucket}/events/", ser_de_info: { serialization_library: "org.openx.data.jsonserde.JsonSerDe" } },
    });
    expect(tableNamed(stack, "events").storage_descriptor.columns).toEqual(tableNamed(stack, "events_json").storage_descriptor.columns);
  });

  it("saves queries that read both tables", () => {
    for (const query of namedQueries(stack)) {
      expect(query.query).toContain(`FROM (SELECT * FROM ${DATABASE}."events" UNION ALL SELECT * FROM ${DATABASE}."events_json") AS events`);
    }
  });
});

describe("format json keeps the stream as it was", () => {
  const stack: Json = synth({ deliveryStream: { format: EventFormat.JSON } }).json;

  it("has no conversion, no backup, GZIP under events/ and one JSON table", () => {
    const s3 = stream(stack).extended_s3_configuration;
    expect(s3.data_format_conversion_configuration).toBeUndefined();
    expect(s3.s3_backup_mode).toBeUndefined();
    expect(s3.compression_format).toBe("GZIP");
    expect(s3.prefix).toMatch(/^events\/event_type=/);
    expect(tables(stack).map((table) => [table.name, table.parameters.classification])).toEqual([["events", "json"]]);
  });
});

describe("format settings at synth time", () => {
  it("refuses a buffer under 64 MiB with Parquet, naming the setting", () => {
    expect(errorOf({ deliveryStream: { bufferingSizeMiB: 5, partitionByEventType: false } })).toContain(
      'deliveryStream.bufferingSizeMiB 5 is invalid: Firehose needs at least 64 MiB of buffer to convert records to Parquet (format "parquet"); use 64-128 or set deliveryStream.format to "json".',
    );
  });

  it("takes a 5 MiB buffer with JSON and no partitioning", () => {
    const s3 = stream(synth({ deliveryStream: { format: EventFormat.JSON, bufferingSizeMiB: 5, partitionByEventType: false } }).json).extended_s3_configuration;
    expect(s3.buffering_size).toBe(5);
  });

  it("refuses S3 compression with Parquet", () => {
    expect(errorOf({ deliveryStream: { compression: FirehoseCompression.GZIP } })).toContain(
      'deliveryStream.compression "GZIP" is invalid: Firehose compresses Parquet inside each object (GZIP) and needs the S3 compression UNCOMPRESSED (format "parquet"); remove it or set deliveryStream.format to "json".',
    );
  });

  it("refuses an unknown format", () => {
    expect(errorOf({ deliveryStream: { format: "orc" as EventFormat } })).toContain('deliveryStream.format "orc" is invalid: use one of parquet, json.');
  });

  it("refuses Parquet without the query layer, whose table is the schema", () => {
    expect(errorOf({ deliveryStream: { format: EventFormat.PARQUET }, analytics: { enabled: false } })).toContain(
      'deliveryStream.format is "parquet" but the query layer is off (analytics.enabled is false, or deliveryStream.bucketArn is set without it): Firehose converts records with the event table as its schema; turn analytics on or set deliveryStream.format to "json".',
    );
  });

  it("delivers JSON by default when the query layer is off", () => {
    const s3 = stream(synth({ analytics: { enabled: false } }).json).extended_s3_configuration;
    expect([s3.data_format_conversion_configuration, s3.compression_format]).toEqual([undefined, "GZIP"]);
  });

  it("refuses a source record prefix that overlaps the events", () => {
    expect(errorOf({ deliveryStream: { sourceRecordBackup: { prefix: "events-parquet/raw/" } } })).toContain(
      'deliveryStream.sourceRecordBackup.prefix "events-parquet/raw/" is invalid: it overlaps deliveryStream.prefix',
    );
  });

  it("refuses events delivered under the default source record prefix, which its expiration would delete", () => {
    const prefix = "source-records/events/event_type=!{partitionKeyFromQuery:event_type}/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/";
    expect(problems({ deliveryStream: { prefix, format: EventFormat.PARQUET } })).toContain(
      `deliveryStream.sourceRecordBackup.prefix "source-records/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/" is invalid: it overlaps deliveryStream.prefix ${JSON.stringify(prefix)}, so the source records' expiration would delete those objects or a table would read the backup; use a folder of its own, such as "source-records/".`,
    );
  });

  it("refuses a JSON history under the default source record prefix, where its table would read the backup", () => {
    const jsonPrefix = "source-records/old/event_type=!{partitionKeyFromQuery:event_type}/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/";
    expect(problems({ deliveryStream: { jsonPrefix } })).toContain(
      `deliveryStream.sourceRecordBackup.prefix "source-records/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/" is invalid: it overlaps deliveryStream.jsonPrefix ${JSON.stringify(jsonPrefix)}, so the source records' expiration would delete those objects or a table would read the backup; use a folder of its own, such as "source-records/".`,
    );
  });

  it("refuses query results under the source record prefix, whose lifecycle rules would expire each other", () => {
    expect(problems({ analytics: { resultsPrefix: "source-records/results/" } })).toContain(
      'deliveryStream.sourceRecordBackup.prefix "source-records/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/" is invalid: it overlaps analytics.resultsPrefix "source-records/results/", so the source records\' expiration would delete those objects or a table would read the backup; use a folder of its own, such as "source-records/".',
    );
  });

  it.each([
    ["raw/!{timestamp:yyyy/", "!{timestamp:yyyy/"],
    ["raw/!{foo:bar}/", "!{foo:bar}"],
    ["raw/!{timestamp:}/", "!{timestamp:}"],
  ])("refuses the source record prefix %j, whose expression %s Firehose rejects", (prefix) => {
    expect(problems({ deliveryStream: { sourceRecordBackup: { prefix } } })).toEqual([
      `deliveryStream.sourceRecordBackup.prefix ${JSON.stringify(prefix)} is invalid: every !{ must open a whole !{timestamp:FORMAT} expression, such as !{timestamp:yyyy}; Firehose rejects others.`,
    ]);
  });

  it.each([
    ["deliveryStream.prefix", { prefix: "ev/!{foo:bar}/" }, "ev/!{foo:bar}/"],
    ["deliveryStream.prefix", { prefix: "ev/!{timestamp:yyyy/" }, "ev/!{timestamp:yyyy/"],
    ["deliveryStream.errorOutputPrefix", { errorOutputPrefix: "errors/!{firehose:error-output-type}/!{firehose:bogus}/" }, "errors/!{firehose:error-output-type}/!{firehose:bogus}/"],
  ])("refuses an expression Firehose rejects in %s, with the query layer off too", (setting, deliveryStream, value) => {
    expect(problems({ analytics: { enabled: false }, deliveryStream: { partitionByEventType: false, ...deliveryStream } })).toEqual([
      `${setting} ${JSON.stringify(value)} is invalid: every !{ must open a whole expression Firehose knows: !{timestamp:FORMAT}, !{firehose:error-output-type}, !{firehose:random-string}, !{partitionKeyFromQuery:KEY} or !{partitionKeyFromLambda:KEY}.`,
    ]);
  });

  it("refuses a source record backup turned on with JSON, which keeps no source records", () => {
    expect(problems({ deliveryStream: { format: EventFormat.JSON, sourceRecordBackup: { enabled: true } } })).toEqual([
      'deliveryStream.sourceRecordBackup.enabled is true but format is "json": Firehose backs up the source records only of a conversion to Parquet; remove it or set deliveryStream.format to "parquet".',
    ]);
  });

  it.each([null, "yes", ["source-records/"]])("refuses a source record backup given as %j", (backup) => {
    expect(problems({ deliveryStream: { sourceRecordBackup: backup } })).toEqual([
      `deliveryStream.sourceRecordBackup ${JSON.stringify(backup)} is invalid: use an object with any of enabled, prefix, expirationDays.`,
    ]);
  });

  it("refuses a JSON history that overlaps the Parquet objects", () => {
    expect(errorOf({ deliveryStream: { jsonPrefix: "events-parquet/old/event_type=!{partitionKeyFromQuery:event_type}/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/" } })).toContain(
      'deliveryStream.jsonPrefix "events-parquet/old/event_type=!{partitionKeyFromQuery:event_type}/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/" is invalid: its location "events-parquet/old/" overlaps that of the Parquet prefix ("events-parquet/"): JSON and Parquet objects each need a location of their own.',
    );
  });

  it("refuses a JSON history whose partitions the saved queries cannot read with the Parquet ones", () => {
    expect(errorOf({ deliveryStream: { jsonPrefix: "old/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/" } })).toContain(
      'deliveryStream.jsonPrefix "old/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/" is invalid: its partition keys (year, month, day) differ from those of the Parquet prefix (event_type, year, month, day); the saved queries read both tables as one.',
    );
  });

  it("refuses a source record expiration of 0 days", () => {
    expect(errorOf({ deliveryStream: { sourceRecordBackup: { expirationDays: 0 } } })).toContain(
      "deliveryStream.sourceRecordBackup.expirationDays 0 is invalid: use a whole number from 1 to 36500.",
    );
  });

  it("keeps no source records with the backup off, and no lifecycle rule for them", () => {
    const stack: Json = synth({ deliveryStream: { sourceRecordBackup: { enabled: false } } }).json;
    expect(stream(stack).extended_s3_configuration.s3_backup_mode).toBeUndefined();
    const rules = Object.values<Json>(stack.resource.aws_s3_bucket_lifecycle_configuration).flatMap((l) => l.rule.map((r: Json) => r.id));
    expect(rules).not.toContain("source-records");
  });

  it("refuses jsonPrefix with JSON", () => {
    expect(errorOf({ deliveryStream: { format: EventFormat.JSON, jsonPrefix: "old/" } })).toContain(
      'deliveryStream.jsonPrefix is set but format is "json": it names the JSON delivered before a switch to Parquet; remove it or set deliveryStream.format to "parquet".',
    );
  });
});

/** Lays `records` out as the stack's stream writes them (a second copy a day later) and loads both tables. */
async function lake(stack: Json, batches: Array<{ stack: Json; records: readonly Json[] }>, today: string) {
  const root = mkdtempSync(path.join(tmpdir(), "ses-events-lake-"));
  for (const batch of batches) {
    const seen = new Set<string>();
    const parquetTable = tableNamed(batch.stack, "events");
    await deliver(
      root,
      firehoseSettings(batch.stack),
      batch.records,
      (record) => {
        const copy = seen.has(JSON.stringify(record));
        seen.add(JSON.stringify(record));
        return new Date(recordTime(record).getTime() + (copy ? 86_400_000 : 0));
      },
      parquetTable.storage_descriptor.columns,
    );
  }
  const engine = await AthenaStandIn.open(today);
  const references: Record<string, string> = {};
  for (const table of tables(stack)) {
    await engine.load(root, table, projectedObjects(root, table, new Date(today)), table.name);
    references[`${DATABASE}."${table.name}"`] = table.name;
  }
  return {
    root,
    run: (name: string) => engine.queryTables(namedQueries(stack).find((query) => query.name === name)!.query, references),
    close: () => {
      engine.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

describe("every saved query answers the same on Parquet as on JSON", () => {
  const parquet: Json = synth().json;
  const json: Json = synth({ deliveryStream: { format: EventFormat.JSON } }).json;
  let onParquet: Awaited<ReturnType<typeof lake>>;
  let onJson: Awaited<ReturnType<typeof lake>>;

  beforeAll(async () => {
    onParquet = await lake(parquet, [{ stack: parquet, records: REALISTIC }], EXPECTED.today);
    onJson = await lake(json, [{ stack: json, records: REALISTIC }], EXPECTED.today);
  }, LOAD_TIMEOUT_MS);
  afterAll(() => {
    onParquet?.close();
    onJson?.close();
  });

  it("delivers Parquet objects only, under events-parquet/", () => {
    const keys = projectedObjects(onParquet.root, tableNamed(parquet, "events"), new Date(EXPECTED.today)).map((o) => o.key);
    expect(keys.length).toBeGreaterThan(5);
    expect(keys.every((key) => key.startsWith("events-parquet/") && key.endsWith(".parquet"))).toBe(true);
  });

  it.each(Object.keys(EXPECTED.answers))("%s: the hand-worked answer on Parquet, and the same on JSON", async (name) => {
    expect(await onParquet.run(name)).toEqual(EXPECTED.answers[name]);
    expect(await onJson.run(name)).toEqual(EXPECTED.answers[name]);
  });
});

describe("the Parquet objects hold every field of the guide's examples and the realistic records", () => {
  it("reads back each record as SES wrote it (keys lowercased), nothing dropped", async () => {
    const stack: Json = synth().json;
    const root = mkdtempSync(path.join(tmpdir(), "ses-events-parquet-"));
    const records = [...EXAMPLES, ...REALISTIC];
    const instance = await DuckDBInstance.create(":memory:", { threads: "1" });
    const connection = await instance.connect();
    try {
      const keys = await deliver(root, firehoseSettings(stack), records, recordTime, tableNamed(stack, "events").storage_descriptor.columns);
      const files = keys.map((key) => `'${path.join(root, key)}'`).join(", ");
      const reader = await connection.runAndReadAll(`SELECT to_json(t)::VARCHAR AS row FROM read_parquet([${files}], hive_partitioning = false) AS t`);
      const strip = (value: unknown): unknown => {
        if (Array.isArray(value)) return value.map(strip);
        if (value === null || typeof value !== "object") return value;
        // DuckDB writes a map as a list of key and value pairs in JSON; a missing field is null.
        const entries = Object.entries(value as Json)
          .filter(([, v]) => v !== null)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([k, v]) => [k, strip(v)]);
        return Object.fromEntries(entries);
      };
      const read = reader.getRowObjectsJson().map((row) => JSON.stringify(strip(JSON.parse(String(row.row)))));
      const written = records.map((record) => JSON.stringify(strip(lowercaseKeys(record))));
      expect(read.sort()).toEqual(written.sort());
    } finally {
      connection.closeSync();
      instance.closeSync();
      rmSync(root, { recursive: true, force: true });
    }
  }, LOAD_TIMEOUT_MS);
});

describe("after a switch from JSON to Parquet", () => {
  const before: Json = synth({ deliveryStream: { format: EventFormat.JSON } }).json;
  const after: Json = synth().json;
  let switched: Awaited<ReturnType<typeof lake>>;
  const day = (record: Json) => recordTime(record).toISOString().slice(0, 10);
  const days = [...new Set(REALISTIC.map(day))].sort();

  beforeAll(async () => {
    // The first days were delivered as JSON, the rest after the switch as Parquet.
    const cut = days[Math.floor(days.length / 2)]!;
    switched = await lake(
      after,
      [
        { stack: before, records: REALISTIC.filter((record) => day(record) < cut) },
        { stack: after, records: REALISTIC.filter((record) => day(record) >= cut) },
      ],
      EXPECTED.today,
    );
  }, LOAD_TIMEOUT_MS);
  afterAll(() => switched?.close());

  it("holds JSON and Parquet objects side by side", () => {
    const json = projectedObjects(switched.root, tableNamed(after, "events_json"), new Date(EXPECTED.today));
    const parquet = projectedObjects(switched.root, tableNamed(after, "events"), new Date(EXPECTED.today));
    expect([json.length > 0, parquet.length > 0]).toEqual([true, true]);
  });

  it.each(Object.keys(EXPECTED.answers))("%s gives the one answer across the switch", async (name) => {
    expect(await switched.run(name)).toEqual(EXPECTED.answers[name]);
  });
});

describe("a prefix of the user's own", () => {
  const warnings = destinationWarnings;

  it("warns at synth that JSON delivered under it before would sit beside the Parquet objects", () => {
    expect(warnings({ deliveryStream: { prefix: "ses/!{partitionKeyFromQuery:event_type}/!{timestamp:yyyy}/!{timestamp:MM}/!{timestamp:dd}/" } })).toEqual([
      PREFIX_OF_YOUR_OWN_WARNING,
    ]);
  });

  it("says nothing once the format or the JSON prefix is chosen", () => {
    const prefix = "ses/!{partitionKeyFromQuery:event_type}/!{timestamp:yyyy}/!{timestamp:MM}/!{timestamp:dd}/";
    expect(warnings({ deliveryStream: { prefix, format: EventFormat.JSON } })).toEqual([]);
    expect(warnings({ deliveryStream: { prefix, jsonPrefix: "old/!{partitionKeyFromQuery:event_type}/!{timestamp:yyyy}/!{timestamp:MM}/!{timestamp:dd}/" } })).toEqual([]);
  });

  it("keeps no history table without jsonPrefix", () => {
    const stack: Json = synth({ deliveryStream: { prefix: "ses/!{partitionKeyFromQuery:event_type}/!{timestamp:yyyy}/!{timestamp:MM}/!{timestamp:dd}/" } }).json;
    expect(tables(stack).map((table) => table.name)).toEqual(["events"]);
  });
});
