import * as z from "zod/mini";
import type {
  ConfigurationSetOptions,
  DeliveryAlarmOptions,
  DeliveryStreamOptions,
  EventAnalyticsOptions,
  EventBucketLifecycle,
  EventBucketOptions,
  ImportExistingOptions,
  LakeDeliveryOptions,
  PipelineDashboardOptions,
  SesEventLakeProps,
  SesFirehoseEventDestinationProps,
  SourceRecordBackupOptions,
  VdmOptions,
} from "./modules";
import { ConfigurationSetTlsPolicy, EventFormat, FirehoseCompression, HttpsPolicy, SesEventType, SuppressionReasons, internal } from "./modules";

const { BUCKET_NAME, MAX_TAGS, defaults } = internal;
const gib = (bytes: number) => `${bytes / 1024 ** 3} GiB`;
const mib = (bytes: number) => `${bytes / 1024 ** 2} MiB`;

/*
 * The one schema of the app's settings: cdktf.json's `context` (and each `environments` entry),
 * with the environment variables mapped onto it. The TypeScript types, the checks at synth time,
 * their messages and the committed JSON Schema (cdktf.context.schema.json, `npm run schema`) all
 * come from here. The rule of each setting is its `error` text: "<setting> <value> is invalid: <rule>."
 *
 * It checks types and shapes, and the rules of what only the app reads (stack and environment
 * names, Regions, the S3 state backend). The AWS rules of each value the module takes (name
 * patterns, ARNs, ranges) are the module's, so that they hold for every user of the module too.
 *
 * To add a group of settings, say `analytics` for a new module prop:
 *   1. define it below: `const analytics = group("analytics", { enabled: flag("..."), ... }, "...")`;
 *   2. add `analytics` to STACK_SETTINGS (then the top level and each environment take it);
 *   3. add its line to SCHEMA_AGREES_WITH_MODULE at the end;
 *   4. run `npm run schema` to rewrite the committed JSON Schema.
 * Until the schema and the module's props have the same keys and types, `tsc` (npm test) fails at
 * SCHEMA_AGREES_WITH_MODULE, so a new prop cannot be forgotten here.
 */

/** The longest string any setting takes (an S3 prefix). */
export const MAX_TEXT_LENGTH = 1024;

const rule = (text: string) => ({ error: text });

/** Stack names: the folders of cdktf.out and the local state files. */
export const STACK_NAME = /^[A-Za-z0-9_-]{1,64}$/;
export const STACK_NAME_RULE = "a stack name uses 1-64 letters, digits, '_' or '-'";
/** HCP Terraform workspace names. */
export const WORKSPACE_NAME = /^[A-Za-z0-9_-]{1,90}$/;
export const WORKSPACE_NAME_RULE = "an HCP Terraform workspace name uses 1-90 letters, digits, '_' or '-'";
/** With '-' and an environment name (at most 64 characters), a prefix this long stays a valid workspace name. */
export const WORKSPACE_PREFIX = /^[A-Za-z0-9_-]{1,25}$/;
export const WORKSPACE_PREFIX_RULE =
  "a workspace prefix uses 1-25 letters, digits, '_' or '-', so that with '-' and an environment name of up to 64 characters it stays within HCP Terraform's 90";
/** A host name and optional port, as Terraform's cloud block takes it: no scheme, no path. */
const HOSTNAME = /^(?=[^:]{1,253}(:|$))(?!-)[A-Za-z0-9-]{1,63}(?<!-)(\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))*(:\d{1,5})?$/;
const HOSTNAME_RULE = "use a host name such as app.terraform.io, with a port if it needs one (tfe.example.com:8443), not a URL; write an internationalized name in its xn-- form";
const ORGANIZATION = /^[A-Za-z0-9_-]{1,255}$/;
const ORGANIZATION_RULE = "an HCP Terraform organization name uses letters, digits, '_' or '-'";
const REGION_CODE = /^[a-z]{2,4}(-[a-z]+)+-\d{1,2}$/;
const REGION_RULE = "use an AWS Region code such as us-east-1";

/** A string AWS needs a value for, and any further rules of its own. */
function text(description: string, ...checks: z.core.$ZodCheck<string>[]) {
  return z
    .string(rule("use a string"))
    .check(
      z.minLength(1, rule("it is empty; give a value or remove the setting")),
      z.regex(/\S/, rule("it is blank; give a value or remove the setting")),
      z.maxLength(MAX_TEXT_LENGTH, rule(`use at most ${MAX_TEXT_LENGTH} characters`)),
      ...checks,
    )
    .register(z.globalRegistry, { description });
}

/** For the JSON Schema only: the keys of a record, never `__proto__` (refused in settings.ts), and matching `pattern`. */
function keyNames(pattern?: RegExp): Record<string, unknown> {
  return { not: { const: "__proto__" }, ...(pattern === undefined ? {} : { pattern: pattern.source }) };
}

/** A string that may be empty. */
function optionalText(description: string) {
  return z
    .string(rule("use a string"))
    .check(z.maxLength(MAX_TEXT_LENGTH, rule(`use at most ${MAX_TEXT_LENGTH} characters`)))
    .register(z.globalRegistry, { description });
}

function flag(description: string) {
  return z.boolean(rule("use true or false")).register(z.globalRegistry, { description });
}

function count(description: string) {
  return z.number(rule("use a number")).register(z.globalRegistry, { description });
}

function oneOf<T extends Record<string, string>>(values: T, description: string) {
  return z.enum(values, rule(`use one of ${Object.values(values).join(", ")}`)).register(z.globalRegistry, { description });
}

/** An object of settings: every key optional, unknown keys refused. */
function group<Shape extends Record<string, z.ZodMiniType>>(id: string, shape: Shape, description: string, error = "use an object") {
  const optional = Object.fromEntries(Object.entries(shape).map(([key, schema]) => [key, z.optional(schema)])) as {
    [K in keyof Shape]: z.ZodMiniOptional<Shape[K]>;
  };
  const keys = Object.keys(shape).join(", ");
  return z
    .strictObject(optional, { error: (issue) => (issue.code === "unrecognized_keys" ? `use one of ${keys}` : error) })
    .register(z.globalRegistry, { id, description });
}

/** `{ key: value }` tags. */
const tags = z
  .record(z.string(rule("use a string")), optionalText("Tag value"), rule("use an object of string values"))
  .register(z.globalRegistry, {
    description: "The provider's default tags: on every taggable resource. SES_EVENTS_TAGS merges over them per key.",
    maxProperties: MAX_TAGS,
    propertyNames: keyNames(),
  });

const lifecycle = group(
  "lifecycle",
  {
    abortIncompleteMultipartUploadDays: count(`Days before incomplete multipart uploads are aborted (default ${defaults.DEFAULT_ABORT_INCOMPLETE_UPLOAD_DAYS})`),
    transitionToInfrequentAccessDays: count(`Days before objects move to Standard-IA; 0 = never (default ${defaults.DEFAULT_TRANSITION_TO_INFREQUENT_ACCESS_DAYS})`),
    expirationDays: count(`Days before current objects expire; 0 = never (default ${defaults.DEFAULT_EXPIRATION_DAYS})`),
    noncurrentVersionExpirationDays: count(`Days before noncurrent versions expire (default ${defaults.DEFAULT_NONCURRENT_VERSION_EXPIRATION_DAYS})`),
  },
  "Lifecycle of the event bucket",
);

const bucket = group(
  "bucket",
  {
    bucketPrefix: text("Prefix of the generated bucket name, read when the bucket is created"),
    forceDestroy: flag(`Let Terraform delete or replace the bucket with its events; unless true it has lifecycle.prevent_destroy (default ${defaults.DEFAULT_FORCE_DESTROY})`),
    accessLogBucketName: text("Bucket that receives S3 server access logs"),
    accessLogPrefix: optionalText(`Key prefix of the access logs (default ${defaults.DEFAULT_ACCESS_LOG_PREFIX})`),
    lifecycle,
  },
  "Settings of the bucket the app creates; not with deliveryStream.bucketArn",
);

/** A 12-digit account ID. */
function account(description: string) {
  return z
    .string(rule("use a string"))
    .check(z.regex(/^\d{12}$/, rule("use the 12-digit AWS account ID")))
    .register(z.globalRegistry, { description });
}

function list<T extends z.ZodMiniType>(item: T, description: string) {
  return z
    .array(item, rule("use a list"))
    .check(z.minLength(1, rule("list at least one")))
    .register(z.globalRegistry, { description });
}

const lakeDelivery = group(
  "lakeDelivery",
  {
    bucketArn: text("ARN of the lake bucket (default with lake: the lake's bucket, arn:aws:s3:::<lake.bucketName>)"),
    kmsKeyArn: text("ARN of the lake's KMS key, its stack's output lake_kms_key_arn (needed with lake.createKmsKey)"),
    accountId: account("The lake's account: the Firehose role writes only to a bucket it owns (default with lake: lake.accountId)"),
  },
  "Deliver to a central event lake in another account, under events/account_id=<account>/region=<region>/: no bucket or query layer here",
);

const sourceRecordBackup = group(
  "sourceRecordBackup",
  {
    enabled: flag("Keep every record as SES wrote it, GZIP, beside the Parquet objects (default true with parquet, false with json)"),
    prefix: text(`S3 key prefix of the source records (default ${defaults.DEFAULT_SOURCE_RECORDS_PREFIX})`),
    expirationDays: count(`Days before a source record is deleted: 1-36500 (default ${defaults.DEFAULT_SOURCE_RECORDS_EXPIRATION_DAYS})`),
  },
  "Firehose's backup of the source records, so that a field the table lacks can be recovered",
);

const deliveryStream = group(
  "deliveryStream",
  {
    name: text("Name of the delivery stream (default: the configuration set name)"),
    bucketArn: text("ARN of an existing bucket for the events"),
    bucket,
    prefix: optionalText("S3 key prefix of delivered events"),
    errorOutputPrefix: text("S3 key prefix of records Firehose could not deliver"),
    bufferingSizeMiB: count(`MiB buffered before writing: 1-128, at least ${defaults.MIN_PARTITIONED_BUFFERING_SIZE_MIB} with partitioning or parquet`),
    bufferingIntervalSeconds: count(`Seconds buffered before writing: 0-900 (default ${defaults.DEFAULT_BUFFERING_INTERVAL_SECONDS})`),
    compression: oneOf(FirehoseCompression, `Compression of delivered objects (default UNCOMPRESSED with parquet, which compresses inside; ${defaults.DEFAULT_COMPRESSION} with json)`),
    format: oneOf(EventFormat, `Format of delivered objects: parquet (default; Firehose converts each record, queries read only the columns they name) or json (as SES writes them; the default, and the only one, with lake or without the query layer)`),
    jsonPrefix: text("With parquet: the S3 prefix JSON was delivered under before the switch; the query layer keeps a table over it (default: the JSON default prefix, unless prefix is set)"),
    sourceRecordBackup,
    kmsKeyArn: text("Customer managed KMS key ARN that encrypts everything created"),
    createKmsKey: flag(`Create a customer managed KMS key, rotated yearly, with the key policy its services need, to encrypt everything created (default ${defaults.DEFAULT_CREATE_KMS_KEY}); not with kmsKeyArn`),
    partitionByEventType: flag(`Dynamic partitioning by event type (default ${defaults.DEFAULT_PARTITION_BY_EVENT_TYPE}); changing it replaces the stream`),
    partitioningRetrySeconds: count(`Seconds partitioned delivery is retried: 0-7200 (default ${defaults.DEFAULT_PARTITIONING_RETRY_SECONDS})`),
    roleName: text("Fixed name of the Firehose role (default: generated)"),
    rolePath: text("Path of the Firehose role, such as /service-role/ (default /)"),
    logging: flag(`Log delivery errors to CloudWatch Logs (default ${defaults.DEFAULT_LOGGING_ENABLED})`),
    logRetentionDays: count(`Days the delivery-error logs are kept (default ${defaults.DEFAULT_LOG_RETENTION_DAYS}; 0 = never expire)`),
    lake: lakeDelivery,
  },
  "Settings of the delivery stream the app creates; not with deliveryStreamArn",
);

const vdmOptions = group(
  "vdmOptions",
  {
    engagementMetrics: flag("VDM engagement tracking for the set (default: the account's setting)"),
    optimizedSharedDelivery: flag("VDM optimized shared delivery for the set (default: the account's setting)"),
  },
  "Virtual Deliverability Manager options of the set",
);

const configurationSet = group(
  "configurationSet",
  {
    reputationMetrics: flag(`Publish the set's bounce and complaint rates to CloudWatch (default ${defaults.DEFAULT_REPUTATION_METRICS})`),
    sendingEnabled: flag("Let messages be sent with the set; false pauses it (default: as SES has it)"),
    tlsPolicy: oneOf(ConfigurationSetTlsPolicy, "REQUIRE delivers only over TLS (default: SES's OPTIONAL, TLS when offered)"),
    suppressionReasons: oneOf(SuppressionReasons, "Events that add addresses to the suppression list (default: the account's settings)"),
    disableSuppressionList: flag("Ignore the account suppression list for the set (default false)"),
    customTrackingRedirectDomain: text("Host name of the open and click tracking domain, such as track.example.com"),
    customTrackingHttpsPolicy: oneOf(HttpsPolicy, `HTTPS use of tracking links (default ${defaults.DEFAULT_TRACKING_HTTPS_POLICY} with a domain)`),
    dedicatedIpPool: text("Dedicated IP pool that sends the set's mail"),
    maxDeliveryDurationSeconds: count(`Seconds SES tries to deliver a message: ${defaults.MIN_MAX_DELIVERY_SECONDS}-${defaults.MAX_MAX_DELIVERY_SECONDS} (default ${defaults.MAX_MAX_DELIVERY_SECONDS})`),
    vdmOptions,
  },
  "Options of the configuration set the app creates (or adopts with importExisting.configurationSet)",
);

const alarms = group(
  "alarms",
  {
    enabled: flag(`Create the alarms (default ${defaults.DEFAULT_ALARMS_ENABLED})`),
    snsTopicArn: text("Existing SNS topic the alarms notify"),
    freshnessThresholdSeconds: count(`Data freshness alarm threshold in seconds (default ${defaults.DEFAULT_FRESHNESS_THRESHOLD_SECONDS})`),
    periodSeconds: count(`Period of the delivery alarms in seconds (default ${defaults.DEFAULT_ALARM_PERIOD_SECONDS})`),
    reputation: flag("Bounce and complaint rate alarms (default true when the app manages the configuration set)"),
    bounceRateThreshold: count(`Bounce rate that raises its alarm, 0-1 (default ${defaults.DEFAULT_BOUNCE_RATE_THRESHOLD}; SES reviews at ${defaults.BOUNCE_RATE_REVIEW_LEVEL})`),
    complaintRateThreshold: count(`Complaint rate that raises its alarm, 0-1 (default ${defaults.DEFAULT_COMPLAINT_RATE_THRESHOLD}; SES reviews at ${defaults.COMPLAINT_RATE_REVIEW_LEVEL})`),
    silentPipeline: flag("Alarm when SES sends but no record reaches the stream (default true when SEND is published)"),
  },
  "CloudWatch alarms on delivery to S3 and on the configuration set",
);

const dashboard = group(
  "dashboard",
  { enabled: flag("Create the CloudWatch dashboard of the pipeline (default: alarms.enabled)") },
  "CloudWatch dashboard of the pipeline",
);

/** The query layer's settings but `enabled`: the analytics of a stack, and the lake's. */
const QUERY_LAYER = {
    databaseName: text("Glue database name (default: the configuration set name in lowercase, other characters replaced by '_')"),
    tableName: text(`Glue table name (default ${defaults.DEFAULT_ANALYTICS_TABLE_NAME})`),
    workgroupName: text("Athena workgroup name (default: the configuration set name in lowercase, other characters replaced by '-')"),
    resultsPrefix: text(`S3 key prefix of query results (default ${defaults.DEFAULT_RESULTS_PREFIX})`),
    resultsExpirationDays: count(`Days before query results expire (default ${defaults.DEFAULT_RESULTS_EXPIRATION_DAYS})`),
    bytesScannedCutoffPerQuery: count(`Bytes one query may scan (default ${gib(defaults.DEFAULT_BYTES_SCANNED_CUTOFF_PER_QUERY)}; at least ${mib(defaults.MIN_BYTES_SCANNED_CUTOFF_PER_QUERY)})`),
    firstYear: count(`First year of the year partition projection (default ${defaults.DEFAULT_PROJECTION_FIRST_YEAR})`),
    queryWindowDays: count(`Days the saved queries look back (default ${defaults.DEFAULT_QUERY_WINDOW_DAYS})`),
    tagName: text(`Message tag the opens-and-clicks query groups by (default ${defaults.DEFAULT_ENGAGEMENT_TAG_NAME})`),
};

const analytics = group(
  "analytics",
  {
    enabled: flag("Create the query layer (default true when the app creates the bucket, false with deliveryStream.bucketArn)"),
    ...QUERY_LAYER,
  },
  "Query-ready tables: Glue table with partition projection, Athena workgroup, saved queries, reader policy",
);

/** `true`, or the ARN of the role to adopt (its name and path are taken from it). */
function roleImport(description: string) {
  return z
    .union([z.boolean(), text("Role ARN")], rule("use true or false, or the role's ARN"))
    .register(z.globalRegistry, { description });
}

const importExisting = group(
  "importExisting",
  {
    configurationSet: flag("Import the configuration set configurationSetName (state its options in configurationSet)"),
    eventDestination: flag("Import the event destination eventDestinationName"),
    deliveryStream: flag("Import the delivery stream deliveryStream.name (set deliveryStream.partitionByEventType as it exists)"),
    sesRole: roleImport("Import the SES role: true (sesRoleName, sesRolePath) or its ARN"),
    deliveryRole: roleImport("Import the Firehose role: true (deliveryStream.roleName, .rolePath) or its ARN"),
    deliveryLogs: flag("Import the delivery-error log group and log stream the console creates"),
  },
  "Adopt resources that already exist (Terraform import blocks)",
);

const state = group(
  "state",
  {
    bucket: text("S3 state bucket", z.regex(BUCKET_NAME.regex, rule(BUCKET_NAME.text))),
    key: text(
      "S3 state key (default ses-events/<stack>.tfstate)",
      z.regex(/^(?!\/)(?![\s\S]*\/\/)(?![\s\S]*\/$)/, rule("Terraform's S3 backend takes a key that neither starts nor ends with '/' and has no '//'")),
    ),
    region: text("Region of the state bucket (default the stack's)", z.regex(REGION_CODE, rule(REGION_RULE))),
  },
  "S3 state backend",
);

const cloud = group(
  "cloud",
  {
    organization: text("HCP Terraform organization", z.regex(ORGANIZATION, rule(ORGANIZATION_RULE))),
    workspace: text(
      "Workspace name (default TF_WORKSPACE, else <workspacePrefix>-<environment> with environments, else the stack name)",
      z.regex(WORKSPACE_NAME, rule(WORKSPACE_NAME_RULE)),
    ),
    workspacePrefix: text(
      "With environments: the default workspace of each is <workspacePrefix>-<environment> (default ses-events)",
      z.regex(WORKSPACE_PREFIX, rule(WORKSPACE_PREFIX_RULE)),
    ),
    workspaceTags: z
      .array(text("Workspace tag"), rule("use a list of strings"))
      .check(z.minLength(1, rule("list at least one tag")))
      .register(z.globalRegistry, { description: "Select workspaces by tags instead of a name" }),
    hostname: text("HCP Terraform or Terraform Enterprise hostname", z.regex(HOSTNAME, rule(HOSTNAME_RULE))),
    project: text("HCP Terraform project"),
  },
  "HCP Terraform backend",
);

/** What one stack may set: the top level of the context, and each `environments` entry. */
const STACK_SETTINGS = {
  region: text(
    "AWS Region of the stack (default AWS_REGION or AWS_DEFAULT_REGION, else us-east-1); SES_EVENTS_REGION overrides the top-level one",
    z.regex(REGION_CODE, rule(REGION_RULE)),
  ),
  accountId: account("The only AWS account the stack may be applied to (provider allowed_account_ids); required with lake"),
  assumeRoleArn: text("Role the stack's AWS provider assumes to deploy (provider assume_role), in the account of accountId"),
  configurationSetName: text("SES configuration set name (default ses-events; with environments <name>-<environment>)"),
  createConfigurationSet: flag(`Create the configuration set (default ${defaults.DEFAULT_CREATE_CONFIGURATION_SET}); false attaches to an existing one`),
  configurationSet,
  eventDestinationName: text(`Event destination name (default ${defaults.DEFAULT_EVENT_DESTINATION_NAME})`),
  eventTypes: z
    .array(oneOf(SesEventType, "SES event type"), rule("use a list of strings"))
    .register(z.globalRegistry, { description: "Events to publish (default: every event type)" }),
  enabled: flag(`Publish events (default ${defaults.DEFAULT_ENABLED})`),
  deliveryStreamArn: text("Existing delivery stream ARN: no stream, bucket or Firehose role is created"),
  deliveryStream,
  sesRoleArn: text("Existing role for SES"),
  sesRoleName: text("Fixed name of the SES role the app creates (default: generated)"),
  sesRolePath: text("Path of the SES role the app creates, such as /service-role/ (default /)"),
  alarms,
  dashboard,
  analytics,
  importExisting,
  tags,
  state,
  cloud,
};

export const environmentSettings = group("environment", STACK_SETTINGS, "Settings of one environment; they win over the top-level ones", "use an object of settings");

/** The lake's stack: its account and Region, who may write to it, its bucket, key and query layer. */
const lake = group(
  "lake",
  {
    accountId: account("The lake's account (required): its stack's provider is pinned to it"),
    region: text("Region of the lake (default: the top-level region)", z.regex(REGION_CODE, rule(REGION_RULE))),
    stackName: text("Name of the lake's stack (default ses-event-lake)", z.regex(STACK_NAME, rule(STACK_NAME_RULE))),
    assumeRoleArn: text("Role the lake stack's AWS provider assumes to deploy, in the lake's account"),
    sourceAccountIds: list(account("Account ID"), "Accounts that may write to the lake, each under its own folders (default: every environment's accountId)"),
    organizationId: text("AWS Organizations ID (o-...) whose accounts may write to the lake, instead of sourceAccountIds"),
    accountIds: list(account("Account ID"), "Accounts the lake's table reads (default: sourceAccountIds, else every environment's accountId)"),
    regions: list(text("Region", z.regex(REGION_CODE, rule(REGION_RULE))), "Regions the lake's table reads (default: every environment's region)"),
    createKmsKey: flag("Create a customer managed KMS key for the lake (default false: SSE-S3)"),
    name: text("Start of the lake's names: bucket, Glue database, workgroup (default ses-event-lake)"),
    bucketName: text("Name of the lake bucket (default <name>-<accountId>-<region>)", z.regex(BUCKET_NAME.regex, rule(BUCKET_NAME.text))),
    forceDestroy: flag(`Let Terraform delete or replace the lake bucket with its events (default ${defaults.DEFAULT_FORCE_DESTROY})`),
    accessLogBucketName: text("Bucket that receives S3 server access logs of the lake bucket"),
    accessLogPrefix: optionalText(`Key prefix of the access logs (default ${defaults.DEFAULT_ACCESS_LOG_PREFIX})`),
    lifecycle,
    analytics: group(
      "lakeAnalytics",
      {
        ...QUERY_LAYER,
        databaseName: text("Glue database name (default: lake.name with '-' replaced by '_')"),
        workgroupName: text("Athena workgroup name (default: lake.name)"),
      },
      "The lake's Glue table, Athena workgroup and saved queries (per account and Region where SES counts so)",
    ),
    tags,
    state,
    cloud,
  },
  "A central event lake in its own stack, account and Region, that every environment sends to (docs/organization.md)",
);

const ENVIRONMENTS_RULE = 'use an object of environment name to settings, e.g. {"staging": {}, "production": {}}';

/** cdktf.json's `context`. */
export const contextSettings = group(
  "context",
  {
    stackName: text("Name of the single stack (default ses-events; ignored with environments)", z.regex(STACK_NAME, rule(STACK_NAME_RULE))),
    environments: z
      .record(z.string(), environmentSettings, rule(ENVIRONMENTS_RULE))
      .check(z.refine((value) => Object.keys(value).length > 0, rule(ENVIRONMENTS_RULE)))
      // What the checks in settings.ts refuse, said again for editors: no entries, bad names.
      .register(z.globalRegistry, { description: "One stack per entry, named after it", minProperties: 1, propertyNames: keyNames(STACK_NAME) }),
    lake,
    ...STACK_SETTINGS,
  },
  "The settings of the SES events app (cdktf.json context)",
);

export type ContextSettings = z.infer<typeof contextSettings>;
export type EnvironmentSettings = z.infer<typeof environmentSettings>;

export interface JsonSchema {
  properties?: Record<string, JsonSchema>;
  patternProperties?: Record<string, JsonSchema>;
  definitions?: Record<string, JsonSchema>;
  [keyword: string]: unknown;
}

export const CONTEXT_SCHEMA_FILE = "cdktf.context.schema.json";
export const CDKTF_JSON_SCHEMA_FILE = "cdktf.schema.json";

/**
 * The committed JSON Schema files (draft-07, which editors support best), by file name: the
 * context's, and cdktf.json's, which refers to it for `context` and leaves cdktf's own keys open.
 */
export function schemaFiles(): Record<string, string> {
  const context = z.toJSONSchema(contextSettings, { target: "draft-7", io: "input" }) as JsonSchema;
  // cdktf reads its own feature flags from the context too; the app ignores them.
  const top = context.definitions!.context;
  top.properties!.excludeStackIdFromLogicalIds = { description: "cdktf feature flag (not an app setting)" };
  top.properties!.allowSepCharsInLogicalIds = { description: "cdktf feature flag (not an app setting)" };
  top.patternProperties = { "^cdktf": { description: "cdktf's own context (not an app setting)" } };
  const cdktfJson = {
    $schema: "http://json-schema.org/draft-07/schema#",
    title: "cdktf.json",
    description: "cdktf's project file; the app's settings are its context.",
    type: "object",
    properties: {
      $schema: { type: "string" },
      context: { $ref: `./${CONTEXT_SCHEMA_FILE}` },
    },
  };
  const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
  return { [CONTEXT_SCHEMA_FILE]: json({ ...context, title: "cdktf.json context" }), [CDKTF_JSON_SCHEMA_FILE]: json(cdktfJson) };
}

/*
 * The settings and the module's props agree: each group holds exactly the module's options, and a
 * value that passes the schema is a valid prop. A mismatch fails `tsc` (npm test).
 */
type Agrees<Settings, Props> = [Settings] extends [Props]
  ? [Exclude<keyof Props, keyof Settings> | Exclude<keyof Settings, keyof Props>] extends [never]
    ? true
    : false
  : false;
type Destination = Omit<SesFirehoseEventDestinationProps, "configurationSetName" | "tags" | "provider" | "deliveryStream"> & {
  deliveryStream?: Omit<DeliveryStreamOptions, "lake"> & { lake?: Partial<LakeDeliveryOptions> };
};
type DestinationSettings = Omit<EnvironmentSettings, "region" | "accountId" | "assumeRoleArn" | "state" | "cloud" | "configurationSetName" | "tags">;
export const SCHEMA_AGREES_WITH_MODULE: [
  Agrees<DestinationSettings, Destination>,
  Agrees<NonNullable<EnvironmentSettings["deliveryStream"]>, NonNullable<Destination["deliveryStream"]>>,
  Agrees<NonNullable<NonNullable<EnvironmentSettings["deliveryStream"]>["bucket"]>, EventBucketOptions>,
  Agrees<NonNullable<NonNullable<EnvironmentSettings["deliveryStream"]>["sourceRecordBackup"]>, SourceRecordBackupOptions>,
  Agrees<NonNullable<NonNullable<NonNullable<EnvironmentSettings["deliveryStream"]>["bucket"]>["lifecycle"]>, EventBucketLifecycle>,
  Agrees<NonNullable<EnvironmentSettings["configurationSet"]>, ConfigurationSetOptions>,
  Agrees<NonNullable<NonNullable<EnvironmentSettings["configurationSet"]>["vdmOptions"]>, VdmOptions>,
  Agrees<NonNullable<EnvironmentSettings["alarms"]>, DeliveryAlarmOptions>,
  Agrees<NonNullable<EnvironmentSettings["dashboard"]>, PipelineDashboardOptions>,
  Agrees<NonNullable<EnvironmentSettings["analytics"]>, EventAnalyticsOptions>,
  Agrees<NonNullable<EnvironmentSettings["importExisting"]>, ImportExistingOptions>,
  // bucketArn may be left out in the settings: it defaults to the lake's bucket (settings.ts).
  Agrees<NonNullable<NonNullable<EnvironmentSettings["deliveryStream"]>["lake"]>, Partial<LakeDeliveryOptions>>,
  Agrees<NonNullable<NonNullable<ContextSettings["lake"]>["analytics"]>, NonNullable<SesEventLakeProps["analytics"]>>,
] = [true, true, true, true, true, true, true, true, true, true, true, true, true];
