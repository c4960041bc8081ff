// A step of npm run docs: the resource table of README.md's "What it creates", counted from the
// stacks the app synthesizes with the default settings (cdktf.json) and with every option on
// (scripts/scan-all-options.json). What each resource is for is written here, once per Terraform
// type; a type the stacks create without a line here, or a line for a type they never create,
// stops the generator, so the table cannot fall behind the code.
import { mkdtempSync, readFileSync, rmSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { Testing } from "cdktf";
import { readSettings } from "../../../settings";
import { SesEventsStack } from "../../../stack";

export const RESOURCES_PAGE = "README.md";
export const BEGIN = "<!-- BEGIN GENERATED: npm run docs writes this table from the synthesized default and all-options stacks -->";
export const END = "<!-- END GENERATED -->";

const ROOT = path.join(__dirname, "..", "..", "..");
const readJson = (file: string) => JSON.parse(readFileSync(path.join(ROOT, file), "utf8"));

/** The two profiles the table counts, as in `npm run scan` and `npm run terraform:check`. */
export const PROFILES = {
  default: () => readJson("cdktf.json").context as Record<string, unknown>,
  "all-options": () => readJson("scripts/scan-all-options.json") as Record<string, unknown>,
} as const;

/** What each Terraform type is for, in the order of the table; `data.` marks a data source. */
export const PURPOSES: Record<string, string> = {
  aws_sesv2_configuration_set: "The configuration set, unless `createConfigurationSet` is false or a `ConfigurationSet` is given",
  aws_sesv2_configuration_set_event_destination:
    "The event destination publishing to Firehose (`enabled` always written; every event type by default); with alarms or the dashboard, a second one counting sends, deliveries, bounces and complaints in CloudWatch",
  aws_iam_role: "The role SES assumes (unless `sesRoleArn` is given) and the role Firehose assumes (with the stream)",
  aws_iam_role_policy: "Their policies: `firehose:PutRecordBatch` on the stream; the bucket, the key and the error log stream",
  aws_kinesis_firehose_delivery_stream: "The delivery stream: `extended_s3`, encrypted, partitioned by event type, converting to Parquet with a backup of the source records (`deliveryStream.format`); unless `deliveryStreamArn` is given",
  aws_cloudwatch_log_group: "Delivery-error logs of the stream, unless `deliveryStream.logging` is false",
  aws_cloudwatch_log_stream: "The log stream Firehose writes delivery errors to",
  aws_s3_bucket: "The event bucket, unless `deliveryStream.bucketArn` is given (then, with `analytics.enabled`, a bucket for query results)",
  aws_s3_bucket_versioning: "Versioning of each bucket",
  aws_s3_bucket_server_side_encryption_configuration: "Default encryption of each bucket: SSE-S3, or SSE-KMS with `deliveryStream.kmsKeyArn`",
  aws_s3_bucket_public_access_block: "Public access blocked on each bucket",
  aws_s3_bucket_ownership_controls: "Object ownership enforced (no ACLs) on each bucket",
  aws_s3_bucket_policy: "A bucket policy denying requests without TLS",
  aws_s3_bucket_lifecycle_configuration: "Lifecycle: aborted uploads, Standard-IA, noncurrent versions, expiring query results and source records",
  aws_s3_bucket_logging: "Server access logging, with `deliveryStream.bucket.accessLogBucketName`",
  aws_sns_topic: "The topic the alarms notify, unless `alarms.snsTopicArn` is given",
  aws_cloudwatch_metric_alarm:
    "Alarms with `alarms.enabled`: delivery freshness and success, bounce and complaint rates (`alarms.reputation`), the silent pipeline (`alarms.silentPipeline`)",
  aws_cloudwatch_dashboard: "The pipeline dashboard, with `alarms.enabled` or `dashboard.enabled`",
  aws_glue_catalog_database: "The query layer (on with the bucket the module creates, see [Query the events](docs/querying.md#query-the-events)): the Glue database",
  aws_glue_catalog_table: "The event table, with partition projection over the delivery prefix; with Parquet, a second table over the JSON delivered before a switch",
  aws_athena_workgroup: "The Athena workgroup: encrypted, expiring results, a per-query scan limit",
  aws_athena_named_query: "The saved deliverability queries (those the published event types can answer)",
  aws_iam_policy: "The reader policy: lets a reader run the saved queries",
  "data.aws_caller_identity": "The account, once per stack and provider",
  "data.aws_region": "The Region, once per stack and provider",
  "data.aws_partition": "The partition and DNS suffix, once per stack and provider",
};

type Counts = Record<string, number>;

/** How many of each resource and data source type the one stack of `context` synthesizes. */
export function countResources(context: Record<string, unknown>): Counts {
  const stacks = readSettings(context, {});
  if (stacks.length !== 1) throw new Error(`the resource table counts one stack, the profile has ${stacks.length}`);
  // Testing.synth writes nothing; the app still wants a folder of its own.
  const outdir = mkdtempSync(path.join(tmpdir(), "ses-events-docs-"));
  let json;
  try {
    json = JSON.parse(Testing.synth(new SesEventsStack(Testing.app({ outdir }), stacks[0]!)));
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
  const counts: Counts = {};
  for (const [kind, prefix] of [["resource", ""], ["data", "data."]] as const) {
    for (const [type, blocks] of Object.entries((json[kind] ?? {}) as Record<string, object>)) counts[`${prefix}${type}`] = Object.keys(blocks).length;
  }
  return counts;
}

/** The Markdown table: one row per Terraform type, its count in each profile and what it is for. */
export function resourcesTable(counts: Record<keyof typeof PROFILES, Counts> = countProfiles()): string {
  const types = new Set([...Object.keys(counts.default), ...Object.keys(counts["all-options"])]);
  const undescribed = [...types].filter((type) => !(type in PURPOSES));
  if (undescribed.length > 0) throw new Error(`packages/tools/docs/resource-reference.ts: say in PURPOSES what ${undescribed.join(", ")} is for`);
  const unused = Object.keys(PURPOSES).filter((type) => !types.has(type));
  if (unused.length > 0) throw new Error(`packages/tools/docs/resource-reference.ts: PURPOSES describes ${unused.join(", ")}, which neither profile creates; remove it`);
  const count = (profile: keyof typeof PROFILES, type: string) => String(counts[profile][type] ?? 0);
  const rows = Object.entries(PURPOSES).map(([type, purpose]) => {
    const name = type.startsWith("data.") ? `\`data.${type.slice(5)}\`` : `\`${type}\``;
    return `| ${name} | ${count("default", type)} | ${count("all-options", type)} | ${purpose} |`;
  });
  const total = (profile: keyof typeof PROFILES) =>
    Object.entries(counts[profile])
      .filter(([type]) => !type.startsWith("data."))
      .reduce((sum, [, n]) => sum + n, 0);
  return [
    "| Terraform type | Default | All options | What it is for |",
    "| --- | ---: | ---: | --- |",
    ...rows,
    `| Resources in all | ${total("default")} | ${total("all-options")} | |`,
    "",
  ].join("\n");
}

function countProfiles(): Record<keyof typeof PROFILES, Counts> {
  return { default: countResources(PROFILES.default()), "all-options": countResources(PROFILES["all-options"]()) };
}

/** `current` (README.md) with the table between its markers rewritten. */
export function resourcesPage(current: string, table: string = resourcesTable()): string {
  const begin = current.indexOf(BEGIN);
  const end = current.indexOf(END, begin);
  if (begin === -1 || end === -1) throw new Error(`${RESOURCES_PAGE} must hold the lines ${BEGIN} and ${END}`);
  return `${current.slice(0, begin + BEGIN.length)}\n\n${table}\n${current.slice(end)}`;
}
