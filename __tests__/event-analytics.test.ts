import { Fn, TerraformVariable } from "cdktf";
import {
  EventAnalytics,
  EventFormat,
  FirehoseCompression,
  SesEventRecordType,
  SesFirehoseEventDestination,
  SesFirehoseEventDestinationProps,
} from "../modules";
import { errorOf as errorOfDestination, newStack, parse, synth as synthDestination } from "./helpers";

/**
 * The query layer over the JSON the stream writes with `format: "json"`; event-format.test.ts tests
 * the Parquet table and the JSON history table of the default stream.
 */
const asJson = (props: Partial<SesFirehoseEventDestinationProps>): Partial<SesFirehoseEventDestinationProps> =>
  props.deliveryStreamArn === undefined ? { ...props, deliveryStream: { format: EventFormat.JSON, ...props.deliveryStream } } : props;
const synth = (props: Partial<SesFirehoseEventDestinationProps> = {}) => synthDestination(asJson(props));
const errorOf = (props: Partial<SesFirehoseEventDestinationProps>) => errorOfDestination(asJson(props));

const ACCOUNT = "${data.aws_caller_identity.AwsContext_Account_CAD0E3E2.account_id}";
const REGION = "${data.aws_region.AwsContext_Region_51268B9B.region}";
const PARTITION = "${data.aws_partition.AwsContext_Partition_821FC74B.partition}";
const BUCKET = "${aws_s3_bucket.Events_Bucket_C2BC09FD.bucket}";
const BUCKET_ARN = "${aws_s3_bucket.Events_Bucket_C2BC09FD.arn}";
const DATABASE = "${aws_glue_catalog_database.Events_Analytics_Database_7B3A15C1.name}";
const TABLE = "${aws_glue_catalog_table.Events_Analytics_Table_DA6D578A.name}";
const WORKGROUP = "${aws_athena_workgroup.Events_Analytics_Workgroup_187470D6.name}";
const KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const EXISTING_BUCKET = "arn:aws:s3:::existing-events";
const DATES = "!{timestamp:yyyy}/!{timestamp:MM}/!{timestamp:dd}/";
const ALL_TYPES = ["Send", "Reject", "Bounce", "Complaint", "Delivery", "Open", "Click", "Rendering Failure", "DeliveryDelay", "Subscription"];

/** The problems reported for `props`, one per line. */
function problems(props: Partial<SesFirehoseEventDestinationProps>): string[] {
  return errorOf(props)
    .split("\n")
    .slice(1)
    .map((line) => line.replace(/^ {2}- /, ""));
}

/** The table's `storage.location.template` expected for `prefix`: each expression becomes `$${key}`, in order. */
function templateFor(prefix: string, keys: string[]): string {
  let i = 0;
  return `s3://${BUCKET}/${prefix.replace(/!\{[^}]*\}/g, () => `$\${${keys[i++]}}`)}`;
}

describe("defaults", () => {
  const out = synth();

  it("is on when the module creates the bucket", () => {
    expect(out.resources("aws_glue_catalog_table")).toHaveLength(1);
    expect(out.resources("aws_athena_workgroup")).toHaveLength(1);
    expect(out.resources("aws_athena_named_query")).toHaveLength(5);
    expect(out.resources("aws_iam_policy")).toHaveLength(1);
  });

  it("names the database after the configuration set, with '_' for '-'", () => {
    expect(out.resource("aws_glue_catalog_database")).toMatchObject({ name: "ses_events" });
  });

  it("puts the database and table in the stack account's catalog, the one the reader policy names", () => {
    expect(out.resource("aws_glue_catalog_database")).toMatchObject({ catalog_id: ACCOUNT });
    expect(out.resource("aws_glue_catalog_table")).toMatchObject({
      catalog_id: "${aws_glue_catalog_database.Events_Analytics_Database_7B3A15C1.catalog_id}",
    });
  });

  it("reads GZIP JSON lines under events/ with the OpenX JSON SerDe, without regard to key case", () => {
    const table = out.resource("aws_glue_catalog_table");
    expect(table).toMatchObject({ name: "events", database_name: DATABASE, table_type: "EXTERNAL_TABLE" });
    expect(table.parameters).toMatchObject({ EXTERNAL: "TRUE", classification: "json", compressionType: "gzip" });
    expect(table.storage_descriptor).toMatchObject({
      location: `s3://${BUCKET}/events/`,
      input_format: "org.apache.hadoop.mapred.TextInputFormat",
      output_format: "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
      compressed: true,
      ser_de_info: {
        serialization_library: "org.openx.data.jsonserde.JsonSerDe",
        parameters: { "case.insensitive": "TRUE", "ignore.malformed.json": "FALSE" },
      },
    });
  });

  it("has a column for the message and for each event type's own object", () => {
    expect(out.resource("aws_glue_catalog_table").storage_descriptor.columns.map((c: { name: string }) => c.name)).toEqual([
      "eventtype", "mail", "bounce", "complaint", "delivery", "send", "reject", "open", "click", "failure", "deliverydelay", "subscription",
    ]);
  });

  it("projects event type, year, month and day exactly as the default prefix writes them", () => {
    const table = out.resource("aws_glue_catalog_table");
    expect(table.partition_keys.map((k: { name: string; type: string }) => [k.name, k.type])).toEqual([
      ["event_type", "string"],
      ["year", "string"],
      ["month", "string"],
      ["day", "string"],
    ]);
    expect(table.parameters).toEqual(
      expect.objectContaining({
        "projection.enabled": "true",
        "projection.event_type.type": "enum",
        "projection.event_type.values": ALL_TYPES.join(","),
        "projection.year.type": "date",
        "projection.year.format": "yyyy",
        "projection.year.range": "2020,NOW",
        "projection.year.interval": "1",
        "projection.year.interval.unit": "YEARS",
        "projection.month.type": "integer",
        "projection.month.range": "1,12",
        "projection.month.digits": "2",
        "projection.day.type": "integer",
        "projection.day.range": "1,31",
        "projection.day.digits": "2",
        "storage.location.template": `s3://${BUCKET}/events/event_type=$\${event_type}/year=$\${year}/month=$\${month}/day=$\${day}/`,
      }),
    );
  });

  it("creates a workgroup that enforces engine version 3, a 10 GiB scan limit and SSE-S3 results under athena-results/", () => {
    expect(out.resource("aws_athena_workgroup")).toMatchObject({
      name: "ses-events",
      state: "ENABLED",
      configuration: {
        enforce_workgroup_configuration: true,
        publish_cloudwatch_metrics_enabled: true,
        bytes_scanned_cutoff_per_query: 10737418240,
        engine_version: { selected_engine_version: "Athena engine version 3" },
        result_configuration: {
          output_location: `s3://${BUCKET}/athena-results/`,
          expected_bucket_owner: ACCOUNT,
          encryption_configuration: { encryption_option: "SSE_S3" },
        },
      },
    });
  });

  it("deletes the workgroup with its query history, which Athena otherwise refuses once a query ran; results stay in S3", () => {
    expect(out.resource("aws_athena_workgroup").force_destroy).toBe(true);
  });

  it("expires query results after 30 days, and their old versions after 1", () => {
    const rules = out.resource("aws_s3_bucket_lifecycle_configuration").rule;
    expect(rules.find((rule: { id: string }) => rule.id === "query-results")).toEqual({
      id: "query-results",
      status: "Enabled",
      filter: [{ prefix: "athena-results/" }],
      expiration: [{ days: 30 }],
      noncurrent_version_expiration: [{ noncurrent_days: 1 }],
    });
  });

  it("saves the queries in the workgroup and database, over the last 30 days, grouping engagement by the campaign tag", () => {
    for (const query of out.resources("aws_athena_named_query")) {
      expect(query).toMatchObject({ database: DATABASE, workgroup: WORKGROUP });
      expect(query.query).toContain('FROM "ses_events"."events"');
      expect(query.query).toContain(`CAST(concat("year", '-', "month", '-', "day") AS date) >= current_date - INTERVAL '30' DAY`);
      // A bound on the year key alone lets the projection leave out earlier years before it builds the day partitions.
      expect(query.query).toContain(`"year" >= CAST(year(current_date - INTERVAL '30' DAY) AS varchar) AND`);
    }
    const engagement = out.resources("aws_athena_named_query").find((q) => q.name === "opens-and-clicks-by-tag")!;
    // Whichever case the SerDe gives map keys, the tag is found by its lowercased name.
    expect(engagement.query).toContain("element_at(mail.tags, array_min(filter(map_keys(mail.tags), k -> lower(k) = 'campaign')))[1] AS tag_value");
  });

  it("filters on the event_type partition so that Athena reads only the event types a query needs", () => {
    const rates = out.resources("aws_athena_named_query").find((q) => q.name === "daily-bounce-and-complaint-rates")!;
    expect(rates.query).toContain(`WHERE "event_type" IN ('Send', 'Bounce', 'Complaint')`);
    // One scan of the table: Athena reads each partition once.
    expect(rates.query.split('FROM "ses_events"."events"')).toHaveLength(2);
  });

  it("gives the reader exactly the workgroup, the catalog, database and table, the events to read and the results to write", () => {
    const arn = (service: string, resource: string) => `arn:${PARTITION}:${service}:${REGION}:${ACCOUNT}:${resource}`;
    expect(out.resource("aws_iam_policy")).toMatchObject({ name_prefix: "ses-events-events-reader-" });
    expect(out.policy("aws_iam_policy", "policy").Statement).toEqual([
      {
        Sid: "RunQueriesInWorkgroup",
        Effect: "Allow",
        Action: [
          "athena:BatchGetNamedQuery",
          "athena:BatchGetQueryExecution",
          "athena:GetNamedQuery",
          "athena:GetQueryExecution",
          "athena:GetQueryResults",
          "athena:GetQueryResultsStream",
          "athena:GetQueryRuntimeStatistics",
          "athena:GetWorkGroup",
          "athena:ListNamedQueries",
          "athena:ListQueryExecutions",
          "athena:StartQueryExecution",
          "athena:StopQueryExecution",
        ],
        Resource: [arn("athena", `workgroup/${WORKGROUP}`)],
      },
      {
        Sid: "BrowseCatalogInAthena",
        Effect: "Allow",
        Action: ["athena:GetDataCatalog", "athena:GetDatabase", "athena:GetTableMetadata", "athena:ListDatabases", "athena:ListTableMetadata"],
        Resource: [arn("athena", "datacatalog/AwsDataCatalog")],
      },
      {
        Sid: "ReadEventTable",
        Effect: "Allow",
        Action: ["glue:GetDatabase", "glue:GetPartition", "glue:GetPartitions", "glue:GetTable"],
        Resource: [arn("glue", "catalog"), arn("glue", `database/${DATABASE}`), arn("glue", `table/${DATABASE}/${TABLE}`)],
      },
      { Sid: "LocateBuckets", Effect: "Allow", Action: ["s3:GetBucketLocation"], Resource: [BUCKET_ARN] },
      {
        Sid: "ListEventsAndResults",
        Effect: "Allow",
        Action: ["s3:ListBucket"],
        Resource: [BUCKET_ARN],
        Condition: { StringLike: { "s3:prefix": ["events/*", "athena-results/*"] } },
      },
      { Sid: "ReadEvents", Effect: "Allow", Action: ["s3:GetObject"], Resource: [`${BUCKET_ARN}/events/event_type=*/year=*/month=*/day=*/*`] },
      {
        Sid: "ReadAndWriteQueryResults",
        Effect: "Allow",
        Action: ["s3:AbortMultipartUpload", "s3:GetObject", "s3:ListMultipartUploadParts", "s3:PutObject"],
        Resource: [`${BUCKET_ARN}/athena-results/*`],
      },
    ]);
  });
});

describe("projection follows the prefix", () => {
  it.each([
    ["the default prefix", {}, ["event_type", "year", "month", "day"]],
    ["the dated prefix without partitioning", { partitionByEventType: false }, ["year", "month", "day"]],
    ["a prefix without Hive names, down to the hour", { prefix: `ses/!{partitionKeyFromQuery:event_type}/${DATES}!{timestamp:HH}/` }, ["event_type", "year", "month", "day", "hour"]],
    ["a prefix with its own names", { prefix: `e/t=!{partitionKeyFromQuery:event_type}/d=!{timestamp:dd}/m=!{timestamp:MM}/y=!{timestamp:yyyy}/` }, ["t", "d", "m", "y"]],
  ])("with %s: the same keys in the same order, and the template is the prefix", (_, deliveryStream, keys) => {
    const out = synth({ deliveryStream });
    const prefix: string = out.resource("aws_kinesis_firehose_delivery_stream").extended_s3_configuration.prefix;
    const table = out.resource("aws_glue_catalog_table");
    expect(table.partition_keys.map((k: { name: string }) => k.name)).toEqual(keys);
    expect(table.partition_keys.map((k: { comment: string }) => k.comment.replace("Firehose ", ""))).toEqual(prefix.match(/!\{[^}]*\}/g));
    expect(table.parameters["storage.location.template"]).toBe(templateFor(prefix, keys));
    const projected = Object.keys(table.parameters).filter((p) => p.startsWith("projection.") && p.endsWith(".type"));
    expect(projected.map((p) => p.split(".")[1]).sort()).toEqual([...keys].sort());
  });

  it("projects every event type value SES writes, Rendering Failure and DeliveryDelay included", () => {
    const values: string[] = synth().resource("aws_glue_catalog_table").parameters["projection.event_type.values"].split(",");
    expect(values).toEqual(Object.values(SesEventRecordType));
    expect(values).toEqual(expect.arrayContaining(["Rendering Failure", "DeliveryDelay"]));
  });

  it("projects the hour as two digits from 00 to 23", () => {
    const parameters = synth({ deliveryStream: { prefix: `ses/!{partitionKeyFromQuery:event_type}/${DATES}!{timestamp:HH}/` } }).resource(
      "aws_glue_catalog_table",
    ).parameters;
    expect(parameters).toMatchObject({ "projection.hour.type": "integer", "projection.hour.range": "0,23", "projection.hour.digits": "2" });
  });

  it("without partitioning, queries filter on the eventtype column", () => {
    const out = synth({ deliveryStream: { partitionByEventType: false } });
    expect(out.resource("aws_glue_catalog_table").parameters).not.toHaveProperty("projection.event_type.type");
    const rates = out.resources("aws_athena_named_query").find((q) => q.name === "daily-bounce-and-complaint-rates")!;
    expect(rates.query).toContain(`WHERE "eventtype" IN ('Send', 'Bounce', 'Complaint')`);
  });

  it("reads uncompressed objects when the stream writes them", () => {
    const table = synth({ deliveryStream: { compression: FirehoseCompression.UNCOMPRESSED } }).resource("aws_glue_catalog_table");
    expect(table.parameters.compressionType).toBe("none");
    expect(table.storage_descriptor.compressed).toBe(false);
  });
});

describe("settings", () => {
  it("applies the names, results, limits, years, window and tag it is given", () => {
    const out = synth({
      analytics: {
        databaseName: "mail",
        tableName: "ses",
        workgroupName: "mail.team",
        resultsPrefix: "query-results/",
        resultsExpirationDays: 7,
        bytesScannedCutoffPerQuery: 1073741824,
        firstYear: 2024,
        queryWindowDays: 3,
        tagName: "Campaign-Id",
      },
    });
    expect(out.resource("aws_glue_catalog_database").name).toBe("mail");
    expect(out.resource("aws_glue_catalog_table").name).toBe("ses");
    expect(out.resource("aws_glue_catalog_table").parameters["projection.year.range"]).toBe("2024,NOW");
    expect(out.resource("aws_athena_workgroup")).toMatchObject({
      name: "mail.team",
      configuration: { bytes_scanned_cutoff_per_query: 1073741824, result_configuration: { output_location: `s3://${BUCKET}/query-results/` } },
    });
    const rule = out.resource("aws_s3_bucket_lifecycle_configuration").rule.find((r: { id: string }) => r.id === "query-results");
    expect(rule).toMatchObject({ filter: [{ prefix: "query-results/" }], expiration: [{ days: 7 }] });
    const queries = out.resources("aws_athena_named_query");
    expect(queries.every((q) => q.query.includes('FROM "mail"."ses"') && q.query.includes("INTERVAL '3' DAY"))).toBe(true);
    expect(queries.find((q) => q.name === "opens-and-clicks-by-tag")!.query).toContain("lower(k) = 'campaign-id'");
    expect(out.policy("aws_iam_policy", "policy").Statement.find((s: Record<string, any>) => s.Sid === "ReadAndWriteQueryResults")!.Resource).toEqual([
      `${BUCKET_ARN}/query-results/*`,
    ]);
  });

  it("encrypts results with the customer managed key and lets the reader use it only through S3", () => {
    const out = synth({ deliveryStream: { kmsKeyArn: KEY } });
    expect(out.resource("aws_athena_workgroup").configuration.result_configuration.encryption_configuration).toEqual({
      encryption_option: "SSE_KMS",
      kms_key_arn: KEY,
    });
    expect(out.policy("aws_iam_policy", "policy").Statement.at(-1)).toEqual({
      Sid: "DecryptEventsAndEncryptResults",
      Effect: "Allow",
      Action: ["kms:Decrypt", "kms:GenerateDataKey"],
      Resource: [KEY],
      Condition: { StringEquals: { "kms:ViaService": `s3.${REGION}.\${data.aws_partition.AwsContext_Partition_821FC74B.dns_suffix}` } },
    });
  });

  it("tags the database, workgroup and reader policy", () => {
    const out = synth({ tags: { team: "email" } });
    for (const type of ["aws_glue_catalog_database", "aws_athena_workgroup", "aws_iam_policy"]) {
      expect(out.resource(type).tags).toEqual({ team: "email" });
    }
  });

  it("creates nothing for queries when turned off, yet keeps query results expiring", () => {
    const out = synth({ analytics: { enabled: false } });
    for (const type of ["aws_glue_catalog_database", "aws_glue_catalog_table", "aws_athena_workgroup", "aws_athena_named_query", "aws_iam_policy"]) {
      expect(out.resources(type)).toHaveLength(0);
    }
    // Results written while the layer was on hold recipient addresses: they still expire.
    expect(out.resource("aws_s3_bucket_lifecycle_configuration").rule.find((r: { id: string }) => r.id === "query-results")).toEqual({
      id: "query-results",
      status: "Enabled",
      filter: [{ prefix: "athena-results/" }],
      expiration: [{ days: 30 }],
      noncurrent_version_expiration: [{ noncurrent_days: 1 }],
    });
  });

  it("keeps the expiry and its days turned off too, unless the stream may now write events under the results prefix", () => {
    const days = synth({ analytics: { enabled: false, resultsExpirationDays: 7 } })
      .resource("aws_s3_bucket_lifecycle_configuration")
      .rule.find((r: { id: string }) => r.id === "query-results");
    expect(days).toMatchObject({ expiration: [{ days: 7 }] });
    const overlapping = synth({ analytics: { enabled: false }, deliveryStream: { prefix: "athena-results/!{partitionKeyFromQuery:event_type}/" } });
    expect(overlapping.resource("aws_s3_bucket_lifecycle_configuration").rule.map((r: { id: string }) => r.id)).toEqual([
      "abort-incomplete-multipart-uploads",
      "event-objects",
    ]);
  });

  it("refuses a prefix it cannot follow, yet allows it with analytics turned off", () => {
    expect(() => synth({ deliveryStream: { prefix: "ses/!{partitionKeyFromQuery:event_type}/" }, analytics: { enabled: false } })).not.toThrow();
  });
});

describe("with a given bucket", () => {
  it("is off by default", () => {
    expect(synth({ deliveryStream: { bucketArn: EXISTING_BUCKET } }).resources("aws_glue_catalog_table")).toHaveLength(0);
  });

  it("reads the given bucket and writes results to a bucket of its own that expires them", () => {
    const out = synth({ deliveryStream: { bucketArn: EXISTING_BUCKET }, analytics: { enabled: true } });
    expect(out.resource("aws_glue_catalog_table").storage_descriptor.location).toBe("s3://existing-events/events/");
    const results = out.resource("aws_s3_bucket");
    expect(results.bucket_prefix).toBe("ses-events-results-");
    const resultsBucket = "${aws_s3_bucket.Events_Analytics_ResultsBucket_5F021F25.bucket}";
    const resultsArn = "${aws_s3_bucket.Events_Analytics_ResultsBucket_5F021F25.arn}";
    expect(out.resource("aws_athena_workgroup").configuration.result_configuration.output_location).toBe(`s3://${resultsBucket}/athena-results/`);
    const expiring = out.resource("aws_s3_bucket_lifecycle_configuration").rule.find((r: { id: string }) => r.id === "event-objects");
    expect(expiring).toMatchObject({ filter: [{ prefix: "" }], expiration: [{ days: 30 }], noncurrent_version_expiration: [{ noncurrent_days: 1 }] });
    expect(expiring.transition).toBeUndefined();
    const statements = out.policy("aws_iam_policy", "policy").Statement;
    expect(statements.filter((s: Record<string, any>) => s.Sid.startsWith("List"))).toEqual([
      { Sid: "ListEvents", Effect: "Allow", Action: ["s3:ListBucket"], Resource: [EXISTING_BUCKET], Condition: { StringLike: { "s3:prefix": ["events/*"] } } },
      { Sid: "ListResults", Effect: "Allow", Action: ["s3:ListBucket"], Resource: [resultsArn], Condition: { StringLike: { "s3:prefix": ["athena-results/*"] } } },
    ]);
    expect(statements.find((s: Record<string, any>) => s.Sid === "ReadEvents")!.Resource).toEqual([`${EXISTING_BUCKET}/events/event_type=*/year=*/month=*/day=*/*`]);
  });
});

describe("validation", () => {
  it.each<[string, Partial<SesFirehoseEventDestinationProps>, string]>([
    ["databaseName", { analytics: { databaseName: "Ses-Events" } }, `analytics.databaseName "Ses-Events" is invalid: use 1-255 lowercase letters, digits or '_' (Athena reads no other names).`],
    ["tableName", { analytics: { tableName: "" } }, `analytics.tableName "" is invalid: use 1-255 lowercase letters, digits or '_' (Athena reads no other names).`],
    ["workgroupName", { analytics: { workgroupName: "my workgroup" } }, `analytics.workgroupName "my workgroup" is invalid: use 1-128 letters, digits, '.', '_' or '-'.`],
    ["resultsPrefix without '/'", { analytics: { resultsPrefix: "results" } }, `analytics.resultsPrefix "results" is invalid: use 1-1024 characters that end with '/' and do not start with '/'.`],
    ["resultsPrefix starting with '/'", { analytics: { resultsPrefix: "/results/" } }, `analytics.resultsPrefix "/results/" is invalid: use 1-1024 characters that end with '/' and do not start with '/'.`],
    ["resultsPrefix with an expression", { analytics: { resultsPrefix: "r/!{timestamp:yyyy}/" } }, `analytics.resultsPrefix "r/!{timestamp:yyyy}/" is invalid: query results are not partitioned: remove the !{...} expression.`],
    ["resultsExpirationDays", { analytics: { resultsExpirationDays: 0 } }, `analytics.resultsExpirationDays 0 is invalid: use a whole number from 1 to 36500.`],
    ["bytesScannedCutoffPerQuery", { analytics: { bytesScannedCutoffPerQuery: 1000 } }, `analytics.bytesScannedCutoffPerQuery 1000 is invalid: use a whole number of bytes, at least 10485760 (10 MiB).`],
    ["firstYear", { analytics: { firstYear: 2010 } }, `analytics.firstYear 2010 is invalid: use a whole number from 2011 to ${new Date().getUTCFullYear()}.`],
    ["queryWindowDays", { analytics: { queryWindowDays: 1.5 } }, `analytics.queryWindowDays 1.5 is invalid: use a whole number from 1 to 36500.`],
    ["tagName", { analytics: { tagName: "a'b" } }, `analytics.tagName "a'b" is invalid: use 1-256 letters, digits, '_', ':' or '-', as SES message tag names do.`],
    [
      "enabled with deliveryStreamArn",
      { deliveryStreamArn: "arn:aws:firehose:us-east-1:123456789012:deliverystream/existing", analytics: { enabled: true } },
      "analytics.enabled is true with deliveryStreamArn: the table follows the prefix and bucket of a stream the module creates; remove one of them.",
    ],
    [
      "a prefix without dates",
      { deliveryStream: { prefix: "ses/!{partitionKeyFromQuery:event_type}/" } },
      `deliveryStream.prefix "ses/!{partitionKeyFromQuery:event_type}/" is invalid with analytics: it must hold the dates !{timestamp:yyyy}, !{timestamp:MM}, !{timestamp:dd} (missing !{timestamp:yyyy}, !{timestamp:MM}, !{timestamp:dd}): the queries group events by day, and without a timestamp Firehose appends a yyyy/MM/dd/HH/ of its own; change it or set analytics.enabled to false.`,
    ],
    [
      "a prefix that does not end with '/'",
      { deliveryStream: { prefix: "ses/!{partitionKeyFromQuery:event_type}/!{timestamp:yyyy}/!{timestamp:MM}/!{timestamp:dd}" } },
      `deliveryStream.prefix "ses/!{partitionKeyFromQuery:event_type}/!{timestamp:yyyy}/!{timestamp:MM}/!{timestamp:dd}" is invalid with analytics: it must end with '/' so that each partition is a folder Athena can read; change it or set analytics.enabled to false.`,
    ],
    [
      "a prefix with an expression it cannot project",
      { deliveryStream: { prefix: `ses/!{partitionKeyFromQuery:event_type}/${DATES}!{firehose:random-string}/` } },
      `deliveryStream.prefix "ses/!{partitionKeyFromQuery:event_type}/${DATES}!{firehose:random-string}/" is invalid with analytics: !{firehose:random-string} cannot be projected: the table follows only !{partitionKeyFromQuery:event_type} and !{timestamp:yyyy}, !{timestamp:MM}, !{timestamp:dd}, !{timestamp:HH}; change it or set analytics.enabled to false.`,
    ],
    [
      "a prefix that names two keys alike",
      { deliveryStream: { prefix: `ses/!{partitionKeyFromQuery:event_type}/d=!{timestamp:yyyy}/d=!{timestamp:MM}/!{timestamp:dd}/` } },
      `deliveryStream.prefix "ses/!{partitionKeyFromQuery:event_type}/d=!{timestamp:yyyy}/d=!{timestamp:MM}/!{timestamp:dd}/" is invalid with analytics: !{timestamp:MM} would be a second partition key named d: give each expression its own name=; change it or set analytics.enabled to false.`,
    ],
    [
      "a prefix whose partition name is a column",
      { deliveryStream: { prefix: `ses/eventtype=!{partitionKeyFromQuery:event_type}/${DATES}` } },
      `deliveryStream.prefix "ses/eventtype=!{partitionKeyFromQuery:event_type}/${DATES}" is invalid with analytics: the partition name eventtype is also a column of the event record; name the partition otherwise; change it or set analytics.enabled to false.`,
    ],
    [
      "a prefix with an uppercase partition name",
      { deliveryStream: { prefix: `ses/!{partitionKeyFromQuery:event_type}/Year=!{timestamp:yyyy}/!{timestamp:MM}/!{timestamp:dd}/` } },
      `deliveryStream.prefix "ses/!{partitionKeyFromQuery:event_type}/Year=!{timestamp:yyyy}/!{timestamp:MM}/!{timestamp:dd}/" is invalid with analytics: the partition name "Year" of !{timestamp:yyyy} is not a column name Athena reads: use lowercase letters, digits and '_'; change it or set analytics.enabled to false.`,
    ],
    [
      "a prefix with an unterminated expression",
      { deliveryStream: { prefix: `ses/!{partitionKeyFromQuery:event_type}/${DATES}!{timestamp:HH/` } },
      `deliveryStream.prefix "ses/!{partitionKeyFromQuery:event_type}/${DATES}!{timestamp:HH/" is invalid with analytics: it holds an unterminated !{ expression; change it or set analytics.enabled to false.`,
    ],
    [
      "compression Athena cannot read",
      { deliveryStream: { compression: FirehoseCompression.ZIP } },
      `deliveryStream.compression "ZIP" is invalid with analytics: Athena reads JSON only GZIP-compressed or uncompressed; use GZIP or UNCOMPRESSED, or set analytics.enabled to false.`,
    ],
    [
      "results inside the events",
      { analytics: { resultsPrefix: "events/results/" } },
      `analytics.resultsPrefix "events/results/" is invalid: it overlaps the events under "events/", so its lifecycle would expire events or the table would read results; use a prefix of its own, such as "athena-results/".`,
    ],
    [
      "results around the events",
      { deliveryStream: { prefix: `data/events/!{partitionKeyFromQuery:event_type}/${DATES}` }, analytics: { resultsPrefix: "data/" } },
      `analytics.resultsPrefix "data/" is invalid: it overlaps the events under "data/events/", so its lifecycle would expire events or the table would read results; use a prefix of its own, such as "athena-results/".`,
    ],
    [
      "results around the error records",
      { analytics: { resultsPrefix: "errors/" } },
      `analytics.resultsPrefix "errors/" is invalid: it holds deliveryStream.errorOutputPrefix "errors/!{firehose:error-output-type}/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/", whose records its lifecycle would expire; use a prefix of its own, such as "athena-results/".`,
    ],
    [
      "results where a prefix starting with an expression writes events",
      { deliveryStream: { partitionByEventType: false, prefix: "year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/" }, analytics: { resultsPrefix: "year=2026/" } },
      `analytics.resultsPrefix "year=2026/" is invalid: deliveryStream.prefix "year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/" may write events under it, so its lifecycle would expire them; use a prefix of its own, such as "athena-results/".`,
    ],
    [
      "results where an expression of the error prefix writes records",
      { deliveryStream: { errorOutputPrefix: "!{firehose:error-output-type}/!{timestamp:yyyy}/" }, analytics: { resultsPrefix: "processing-failed/" } },
      `analytics.resultsPrefix "processing-failed/" is invalid: it holds deliveryStream.errorOutputPrefix "!{firehose:error-output-type}/!{timestamp:yyyy}/", whose records its lifecycle would expire; use a prefix of its own, such as "athena-results/".`,
    ],
    [
      "a results prefix Terraform would read as an interpolation",
      { analytics: { resultsPrefix: 'r${file("secret")}/' } },
      `analytics.resultsPrefix "r\${file(\\"secret\\")}/" is invalid: Terraform reads \${ and %{ as the start of an expression; remove them.`,
    ],
    [
      "a results prefix Terraform would read as a template directive",
      { analytics: { resultsPrefix: "r%{if true}x%{endif}/" } },
      `analytics.resultsPrefix "r%{if true}x%{endif}/" is invalid: Terraform reads \${ and %{ as the start of an expression; remove them.`,
    ],
    [
      "an events prefix Terraform would read as an interpolation",
      { deliveryStream: { prefix: `\${var.x}/!{partitionKeyFromQuery:event_type}/${DATES}` } },
      `deliveryStream.prefix "\${var.x}/!{partitionKeyFromQuery:event_type}/${DATES}" is invalid: Terraform reads \${ and %{ as the start of an expression; remove them.`,
    ],
    [
      "an error prefix Terraform would read as an interpolation",
      { deliveryStream: { errorOutputPrefix: "errors/%{x}/!{firehose:error-output-type}/" } },
      `deliveryStream.errorOutputPrefix "errors/%{x}/!{firehose:error-output-type}/" is invalid: Terraform reads \${ and %{ as the start of an expression; remove them.`,
    ],
    [
      "a results prefix longer in UTF-8 than S3 keys leave room for",
      { analytics: { resultsPrefix: `${"é".repeat(488)}/` } },
      `analytics.resultsPrefix "${"é".repeat(180)}…" (489 characters) is invalid: use at most 975 bytes in UTF-8: S3 keys hold 1024, and Athena appends the query ID and .csv.metadata.`,
    ],
    [
      "Athena's own workgroup name",
      { analytics: { workgroupName: "primary" } },
      `analytics.workgroupName "primary" is invalid: every account and Region already has Athena's workgroup primary; choose another name.`,
    ],
    [
      "a configuration set name that would name the workgroup primary",
      { configurationSetName: "Primary" },
      `analytics.workgroupName defaults to "primary" from configurationSetName "Primary", the workgroup every account and Region already has; set analytics.workgroupName.`,
    ],
    [
      "a results prefix with a control character",
      { analytics: { resultsPrefix: "results\n/" } },
      `analytics.resultsPrefix "results\\n/" is invalid: use no control characters: S3 advises against them in keys, and most cannot be written in the XML of a lifecycle rule.`,
    ],
  ])("refuses %s with the setting, the value and the rule", (_, props, message) => {
    expect(problems(props)).toEqual([message]);
  });

  it("lets the reader read only the objects the partitions hold, not the error records, when the prefix starts with an expression", () => {
    const out = synth({ deliveryStream: { partitionByEventType: false, prefix: "year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/" } });
    const read = out.policy("aws_iam_policy", "policy").Statement.find((s: Record<string, any>) => s.Sid === "ReadEvents");
    expect(read!.Resource).toEqual([`${BUCKET_ARN}/year=*/month=*/day=*/*`]);
  });

  it("takes a results prefix of 975 bytes in UTF-8", () => {
    const resultsPrefix = `${"é".repeat(487)}/`;
    expect(synth({ analytics: { resultsPrefix } }).resource("aws_athena_workgroup").configuration.result_configuration.output_location).toBe(
      `s3://${BUCKET}/${resultsPrefix}`,
    );
  });

  it("keeps results beside prefixes that start with an expression", () => {
    const out = synth({
      deliveryStream: {
        partitionByEventType: false,
        prefix: "year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/",
        errorOutputPrefix: "!{firehose:error-output-type}/!{timestamp:yyyy}/",
      },
    });
    expect(out.resource("aws_athena_workgroup").configuration.result_configuration.output_location).toBe(`s3://${BUCKET}/athena-results/`);
  });

  it("refuses a prefix that is a Terraform token: the partitions must follow a known prefix", () => {
    const prefix = Fn.lower("EVENTS/");
    expect(problems({ deliveryStream: { prefix, partitionByEventType: false } })).toEqual([
      `deliveryStream.prefix ${JSON.stringify(prefix)} is invalid with analytics: the table's partitions follow the prefix, so it must be a literal, not a Terraform token; change it or set analytics.enabled to false.`,
    ]);
  });

  it("refuses a given bucket ARN that is a Terraform token: the table's location needs the bucket name", () => {
    const stack = newStack();
    const bucketArn = new TerraformVariable(stack, "bucket_arn", { type: "string" }).stringValue;
    expect(() =>
      new SesFirehoseEventDestination(stack, "Events", {
        configurationSetName: "ses-events",
        deliveryStream: { bucketArn },
        analytics: { enabled: true },
      }),
    ).toThrow(
      "analytics.enabled is true with a deliveryStream.bucketArn that is a Terraform token: the table's location needs the bucket's name at synth time; give the ARN as a literal or set analytics.enabled to false.",
    );
  });

  it("quotes a database, table and tag given as Terraform variables, so that no value can change the SQL", () => {
    const stack = newStack();
    const variable = (name: string) => new TerraformVariable(stack, name, { type: "string" }).stringValue;
    new SesFirehoseEventDestination(stack, "Events", {
      configurationSetName: "ses-events",
      analytics: { databaseName: variable("database"), tableName: variable("table"), tagName: variable("tag") },
    });
    const queries = parse(stack).resources("aws_athena_named_query");
    const table = `"\${replace(var.database, "\\"", "\\"\\"")}"."\${replace(var.table, "\\"", "\\"\\"")}"`;
    for (const query of queries) expect(query.query).toContain(`FROM ${table}`);
    const engagement = queries.find((query) => query.name === "opens-and-clicks-by-tag")!.query;
    expect(engagement).toContain(
      `element_at(mail.tags, array_min(filter(map_keys(mail.tags), k -> lower(k) = '\${replace(lower(var.tag), "'", "''")}')))[1] AS tag_value`,
    );
  });

  it("reports every analytics problem at once", () => {
    expect(problems({ analytics: { tableName: "A", queryWindowDays: 0 }, deliveryStream: { compression: FirehoseCompression.SNAPPY } })).toHaveLength(3);
  });

  it("refuses, used on its own, prefixes that Terraform would evaluate", () => {
    expect(
      () =>
        new EventAnalytics(newStack(), "Analytics", {
          prefix: `\${path.root}/${DATES}`,
          errorOutputPrefix: "errors/%{x}/",
          compression: FirehoseCompression.GZIP,
          eventsBucketName: "events",
          eventsBucketArn: "arn:aws:s3:::events",
          nameBase: "ses-events",
        }),
    ).toThrow(
      `EventAnalytics "test/Analytics": invalid settings:\n` +
        `  - prefix "\${path.root}/${DATES}" is invalid: Terraform reads \${ and %{ as the start of an expression; remove them.\n` +
        `  - errorOutputPrefix "errors/%{x}/" is invalid: Terraform reads \${ and %{ as the start of an expression; remove them.`,
    );
  });

  it("refuses, used on its own, a name base that would name the workgroup primary", () => {
    expect(
      () =>
        new EventAnalytics(newStack(), "Analytics", {
          prefix: `events/${DATES}`,
          compression: FirehoseCompression.GZIP,
          eventsBucketName: "events",
          eventsBucketArn: "arn:aws:s3:::events",
          nameBase: "primary",
        }),
    ).toThrow(`  - workgroupName defaults to nameBase "primary", the workgroup every account and Region already has; set workgroupName.`);
  });

  it("checks the construct's own props when used on its own", () => {
    const stack = newStack();
    expect(
      () =>
        new EventAnalytics(stack, "Analytics", {
          prefix: "events/",
          compression: FirehoseCompression.GZIP,
          eventsBucketName: "events",
          eventsBucketArn: "arn:aws:s3:::events",
          nameBase: "ses-events",
        }),
    ).toThrow(
      `EventAnalytics "test/Analytics": invalid settings:\n  - prefix "events/" is invalid with analytics: it must hold the dates !{timestamp:yyyy}, !{timestamp:MM}, !{timestamp:dd} (missing !{timestamp:yyyy}, !{timestamp:MM}, !{timestamp:dd}): the queries group events by day, and without a timestamp Firehose appends a yyyy/MM/dd/HH/ of its own; change it or set analytics.enabled to false.`,
    );
    expect(parse(stack).resources("aws_glue_catalog_table")).toHaveLength(0);
  });
});

describe("values of the wrong type from JavaScript callers", () => {
  it.each([
    ["a number as the database name", { databaseName: 5 }, "analytics.databaseName 5 is invalid: use a string."],
    ["null as the tag", { tagName: null }, "analytics.tagName null is invalid: use a string."],
    ["an array as the workgroup name", { workgroupName: ["wg"] }, `analytics.workgroupName ["wg"] is invalid: use a string.`],
  ])("refuses %s", (_, analytics, message) => {
    expect(problems({ analytics: analytics as object })).toContain(message);
  });

  it.each([
    ["deliveryStream.prefix", { prefix: 5 }, "deliveryStream.prefix 5 is invalid: use a string."],
    ["deliveryStream.jsonPrefix", { jsonPrefix: 5 }, "deliveryStream.jsonPrefix 5 is invalid: use a string."],
  ])("refuses a number as %s, without a TypeError", (_, deliveryStream, message) => {
    expect(problems({ deliveryStream: deliveryStream as object })).toContain(message);
  });
});

describe("EventAnalytics used on its own: its format, columns and JSON history", () => {
  const LAYOUT = `events/event_type=!{partitionKeyFromQuery:event_type}/${DATES.replace("!{timestamp:yyyy}", "year=!{timestamp:yyyy}").replace("!{timestamp:MM}", "month=!{timestamp:MM}").replace("!{timestamp:dd}", "day=!{timestamp:dd}")}`;
  const HISTORY = LAYOUT.replace("events/", "old/");
  const analyticsError = (props: Record<string, unknown>) => {
    try {
      new EventAnalytics(newStack(), "Analytics", {
        prefix: LAYOUT,
        compression: FirehoseCompression.GZIP,
        eventsBucketName: "events",
        eventsBucketArn: "arn:aws:s3:::events",
        nameBase: "ses-events",
        ...props,
      });
    } catch (error) {
      return (error as Error).message.split("\n").slice(1).map((line) => line.replace(/^  - /, ""));
    }
    throw new Error("expected the props to be rejected");
  };

  it("refuses a format that is not one of the enum's values, such as PARQUET", () => {
    expect(analyticsError({ format: "PARQUET" })).toEqual(['format "PARQUET" is invalid: use one of parquet, json.']);
  });

  it.each([
    ["no columns", [], "columns [] is invalid: use a non-empty list of { name, type, comment }."],
    ["a list that is not one", "eventtype", 'columns "eventtype" is invalid: use an array.'],
    ["a name Athena cannot read", [{ name: "Event Type", type: "string", comment: "" }], `columns[0].name "Event Type" is invalid: use 1-255 lowercase letters, digits or '_' (Athena reads no other names).`],
    [
      "a name twice",
      [{ name: "a", type: "string", comment: "" }, { name: "a", type: "int", comment: "" }],
      'columns[1].name "a" is invalid: columns[0] has this name already; give each column a name of its own.',
    ],
    [
      "a name of a partition key",
      [{ name: "year", type: "string", comment: "" }],
      'columns[0].name "year" is invalid: it is a partition key of the prefix too; name the column otherwise.',
    ],
    ["a type Glue would store and Athena not read", [{ name: "a", type: "strin g<", comment: "" }], `columns[0].type "strin g<" is invalid: use a Hive type, such as string, bigint, array<string> or struct<name:string,value:string>.`],
    ["a struct field without a type", [{ name: "a", type: "struct<b:string,c>", comment: "" }], `columns[0].type "struct<b:string,c>" is invalid: use a Hive type, such as string, bigint, array<string> or struct<name:string,value:string>.`],
    ["a comment Terraform would evaluate", [{ name: "a", type: "string", comment: '${file("x")}' }], 'columns[0].comment "${file(\\"x\\")}" is invalid: Terraform reads ${ and %{ as the start of an expression; remove them.'],
    ["a comment longer than Glue keeps", [{ name: "a", type: "string", comment: "c".repeat(256) }], `columns[0].comment "${"c".repeat(180)}…" (256 characters) is invalid: use at most 255 characters.`],
    // eslint-disable-next-line no-sparse-arrays
    ["a hole", [, { name: "a", type: "string", comment: "" }], "columns has a hole at [0]: give a value at each position."],
    ["a name alone", ["tags"], 'columns[0] "tags" is invalid: use an object { name, type, comment }.'],
    ["a misspelt key", [{ name: "a", type: "string", Comment: "c" }], 'columns[0]["Comment"] is not a key of a column: use name, type or comment.'],
  ])("refuses columns with %s", (_, columns, message) => {
    expect(analyticsError({ format: EventFormat.PARQUET, columns })).toEqual([message]);
  });

  it("takes columns of nested Hive types", () => {
    const stack = newStack();
    new EventAnalytics(stack, "Analytics", {
      prefix: LAYOUT,
      compression: FirehoseCompression.GZIP,
      eventsBucketName: "events",
      eventsBucketArn: "arn:aws:s3:::events",
      nameBase: "ses-events",
      columns: [
        { name: "eventtype", type: "string", comment: "" },
        { name: "mail", type: "struct<tags:map<string,array<string>>,n:decimal(10,2),when:timestamp>", comment: "the message" },
      ],
    });
    expect(parse(stack).resource("aws_glue_catalog_table").storage_descriptor.columns.map((c: Record<string, string>) => c.type)).toEqual([
      "string",
      "struct<tags:map<string,array<string>>,n:decimal(10,2),when:timestamp>",
    ]);
  });

  it("refuses a JSON history with JSON objects, with a compression Athena cannot read, and over the query results", () => {
    const jsonHistory = { prefix: HISTORY, compression: FirehoseCompression.GZIP };
    expect(analyticsError({ jsonHistory })).toEqual([
      'jsonHistory is set but format is "json": it names the JSON delivered before a switch to Parquet; remove it or set format to "parquet".',
    ]);
    expect(analyticsError({ format: EventFormat.PARQUET, jsonHistory: { ...jsonHistory, compression: "ZIP" } })).toEqual([
      'jsonHistory.compression "ZIP" is invalid with analytics: Athena reads JSON only GZIP-compressed or uncompressed; use GZIP or UNCOMPRESSED, or set analytics.enabled to false.',
    ]);
    expect(analyticsError({ format: EventFormat.PARQUET, resultsPrefix: "old/", jsonHistory })).toEqual([
      'resultsPrefix "old/" is invalid: it overlaps the events under "old/", so its lifecycle would expire events or the table would read results; use a prefix of its own, such as "athena-results/".',
    ]);
  });
});
