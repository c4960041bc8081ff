import { EventFormat, FirehoseCompression, SesEventType } from "../ses-event-type";
import { checkAnalyticsLayout, checkEventAnalyticsOptions } from "./check-event-analytics";
import { checkDeliveryAlarmOptions, checkReputationThresholds } from "../delivery-alarms";
import { checkEventBucketOptions } from "../event-bucket";
import * as defaults from "./defaults";
import { historyLayout } from "./event-format";
import { mayWriteUnder } from "./event-layout";
import { ResolvedDestination } from "./resolve";
import * as rules from "./validation";

/*
 * The checks of the Firehose side of a SesFirehoseEventDestination: the stream's options, the
 * alarms and dashboard on it, and the query layer over what it delivers.
 */

/** Checks the options of the stream the module creates. */
export function checkDeliveryStream(problems: rules.Problems, resolved: ResolvedDestination): void {
  const at = "deliveryStream";
  const { options, partitioned } = resolved.stream;
  problems.check(`${at}.name`, options.name, rules.STREAM_NAME);
  problems.check(`${at}.bucketArn`, options.bucketArn, rules.BUCKET_ARN);
  problems.check(`${at}.kmsKeyArn`, options.kmsKeyArn, rules.KMS_KEY_ARN);
  problems.when(
    options.createKmsKey === true && options.kmsKeyArn !== undefined,
    `${at}.kmsKeyArn and ${at}.createKmsKey are both set: createKmsKey has the module create the key, kmsKeyArn uses an existing one; remove one of them.`,
  );
  problems.check(`${at}.roleName`, options.roleName, rules.ROLE_NAME);
  problems.check(`${at}.rolePath`, options.rolePath, rules.ROLE_PATH);
  problems.check(`${at}.compression`, options.compression, rules.oneOf(Object.values(FirehoseCompression)));
  problems.check(`${at}.bufferingIntervalSeconds`, options.bufferingIntervalSeconds, rules.integerBetween(0, 900), {
    test: (v) => !partitioned || v > 0,
    text: "Firehose offers no zero buffering with dynamic partitioning (partitionByEventType); use 1-900 or turn partitioning off",
  });
  problems.check(`${at}.format`, options.format, rules.oneOf(Object.values(EventFormat)));
  const parquet = resolved.stream.format === EventFormat.PARQUET;
  problems.check(
    `${at}.bufferingSizeMiB`,
    options.bufferingSizeMiB,
    rules.integerBetween(1, 128),
    parquet
      ? rules.atLeast(
          defaults.MIN_CONVERSION_BUFFERING_SIZE_MIB,
          `Firehose needs at least ${defaults.MIN_CONVERSION_BUFFERING_SIZE_MIB} MiB of buffer to convert records to Parquet (format "parquet"); use 64-128 or set ${at}.format to "json"`,
        )
      : rules.atLeast(
          partitioned ? defaults.MIN_PARTITIONED_BUFFERING_SIZE_MIB : 1,
          `Firehose needs at least ${defaults.MIN_PARTITIONED_BUFFERING_SIZE_MIB} MiB of buffer with dynamic partitioning (partitionByEventType); use 64-128 or turn partitioning off`,
        ),
  );
  checkFormat(problems, resolved);
  problems.check(`${at}.partitioningRetrySeconds`, options.partitioningRetrySeconds, rules.integerBetween(0, 7200));
  problems.when(
    !partitioned && options.partitioningRetrySeconds !== undefined,
    `${at}.partitioningRetrySeconds is set but partitionByEventType is false: it applies only to dynamic partitioning; remove it or turn partitioning on.`,
  );
  problems.check(`${at}.logRetentionDays`, options.logRetentionDays, rules.oneOf<number>(rules.LOG_RETENTION_DAYS));
  problems.when(
    options.logging === false && options.logRetentionDays !== undefined,
    `${at}.logRetentionDays is set but logging is false: remove it or turn logging on.`,
  );
  problems.check(
    `${at}.prefix`,
    options.prefix,
    rules.maxLength(1024),
    rules.NO_TERRAFORM_TEMPLATE,
    // With the query layer the table's layout check names what is wrong in more detail.
    ...(resolved.analytics === undefined ? [rules.FIREHOSE_EXPRESSIONS] : []),
    {
      test: (p) => !p.includes("!{firehose:error-output-type}"),
      text: "!{firehose:error-output-type} belongs in errorOutputPrefix only",
    },
    partitioned
      ? {
          test: (p) => p.includes(defaults.PARTITION_KEY_EXPRESSION),
          text: `with partitionByEventType the prefix must contain ${defaults.PARTITION_KEY_EXPRESSION}`,
        }
      : {
          test: (p) => !p.includes("partitionKeyFromQuery"),
          text: "partitionKeyFromQuery needs dynamic partitioning: turn partitionByEventType on or remove it",
        },
  );
  problems.check(
    `${at}.errorOutputPrefix`,
    options.errorOutputPrefix,
    rules.pattern(/^.{1,1024}$/su, "use 1-1024 characters (Firehose needs an error prefix when the prefix has expressions)"),
    rules.NO_TERRAFORM_TEMPLATE,
    rules.FIREHOSE_EXPRESSIONS,
    {
      test: (p) => !p.includes("!{") || p.includes("!{firehose:error-output-type}"),
      text: "an error prefix with expressions must contain !{firehose:error-output-type}",
    },
    { test: (p) => !p.includes("partitionKeyFromQuery"), text: "an error prefix cannot use partitionKeyFromQuery" },
  );
  problems.when(
    options.bucketArn !== undefined && options.bucket !== undefined,
    `${at}.bucketArn and ${at}.bucket are both set: bucket configures the bucket the module creates, bucketArn uses an existing one; remove one of them.`,
  );
  if (options.bucket !== undefined) checkEventBucketOptions(problems, `${at}.bucket.`, options.bucket);
  if (options.lake !== undefined) checkLake(problems, resolved);
}

/** A source of a lake writes as the lake's bucket policy and table expect: its place, GZIP, by event type. */
function checkLake(problems: rules.Problems, resolved: ResolvedDestination): void {
  const at = "deliveryStream";
  const { options } = resolved.stream;
  const lake = options.lake!;
  problems.check(`${at}.lake.bucketArn`, lake.bucketArn, rules.BUCKET_ARN);
  problems.check(`${at}.lake.kmsKeyArn`, lake.kmsKeyArn, rules.KMS_KEY_ARN);
  problems.check(`${at}.lake.accountId`, lake.accountId, rules.pattern(/^\d{12}$/, "use a 12-digit AWS account ID"));
  const keyAccount = lake.kmsKeyArn === undefined || rules.isToken(lake.kmsKeyArn) ? undefined : lake.kmsKeyArn.split(":")[4];
  problems.when(
    keyAccount !== undefined && lake.accountId !== undefined && !rules.isToken(lake.accountId) && /^\d{12}$/.test(keyAccount) && keyAccount !== lake.accountId,
    `${at}.lake.accountId ${lake.accountId} is not the account of ${at}.lake.kmsKeyArn (${keyAccount}): the lake's key is in the lake's account; make them agree.`,
  );
  const decided: ReadonlyArray<readonly [keyof typeof options, string]> = [
    ["bucketArn", "the stream delivers to the lake's bucket"],
    ["bucket", "the lake's bucket is created in the lake's account (SesEventLake)"],
    ["prefix", "a source writes under events/account_id=<account>/region=<region>/ of the lake, which its table reads and its bucket policy allows"],
    ["errorOutputPrefix", "a source writes its errors under errors/account_id=<account>/region=<region>/ of the lake, which its bucket policy allows"],
  ];
  for (const [key, why] of decided) {
    problems.when(options[key] !== undefined, `${at}.lake and ${at}.${key} are both set: ${why}; remove ${at}.${key}.`);
  }
  problems.when(
    options.compression !== undefined && options.compression !== FirehoseCompression.GZIP,
    `${at}.compression ${rules.show(options.compression)} is invalid with ${at}.lake: the lake's table reads GZIP; remove it or use GZIP.`,
  );
  problems.when(
    options.partitionByEventType === false,
    `${at}.partitionByEventType is false with ${at}.lake: the lake's table is partitioned by event type; remove it.`,
  );
  problems.when(
    resolved.props.analytics?.enabled === true,
    `analytics.enabled is true with ${at}.lake: the query layer is the lake's, in its own account; remove analytics.enabled.`,
  );
  // Converting to Parquet needs a schema table Firehose reads with the delivery role; the lake's
  // table is in the lake's account and reads GZIP JSON, so a source delivers JSON.
  problems.when(
    options.format === EventFormat.PARQUET,
    `${at}.format is "parquet" with ${at}.lake: the lake's table reads the GZIP JSON its sources deliver, and Firehose would need a schema table of its own in this account; remove ${at}.format or set it to "json".`,
  );
  problems.when(
    options.sourceRecordBackup?.enabled === true,
    `${at}.sourceRecordBackup.enabled is true with ${at}.lake: a source delivers JSON as SES wrote it, and may write only under its own folders of the lake; remove ${at}.sourceRecordBackup.`,
  );
}

/** Checks the format against the rules Firehose sets for record format conversion, and the backup of source records. */
function checkFormat(problems: rules.Problems, resolved: ResolvedDestination): void {
  const at = "deliveryStream";
  const stream = resolved.stream;
  const options = stream.options;
  const parquet = stream.format === EventFormat.PARQUET;
  problems.check(`${at}.compression`, parquet ? options.compression : undefined, {
    test: (v) => v === FirehoseCompression.UNCOMPRESSED,
    text: `Firehose compresses Parquet inside each object (GZIP) and needs the S3 compression UNCOMPRESSED (format "parquet"); remove it or set ${at}.format to "json"`,
  });
  problems.when(
    options.format === EventFormat.PARQUET && resolved.createsStream && resolved.analytics === undefined && options.lake === undefined,
    `${at}.format is "parquet" but the query layer is off (analytics.enabled is false, or ${at}.bucketArn is set without it): Firehose converts records with the event table as its schema; turn analytics on or set ${at}.format to "json".`,
  );
  problems.when(
    !parquet && options.jsonPrefix !== undefined,
    `${at}.jsonPrefix is set but format is "json": it names the JSON delivered before a switch to Parquet; remove it or set ${at}.format to "parquet".`,
  );
  problems.check(`${at}.jsonPrefix`, options.jsonPrefix, rules.maxLength(1024), rules.NO_TERRAFORM_TEMPLATE);
  const setting = `${at}.sourceRecordBackup`;
  const backup = options.sourceRecordBackup;
  // Its kind (an object) is checked with every prop's, before the checks that read the props.
  if (backup !== undefined) {
    problems.check(
      `${setting}.prefix`,
      backup.prefix,
      SOURCE_RECORDS_PREFIX,
      rules.NO_TERRAFORM_TEMPLATE,
      {
        test: (p) => !p.includes("partitionKeyFromQuery") && !p.includes("!{firehose:error-output-type}"),
        text: "the source records are not partitioned and have no error type: use only !{timestamp:...} expressions",
      },
      {
        test: (p) => !p.replace(/!\{timestamp:[^{}!]+\}/g, "").includes("!{"),
        text: "every !{ must open a whole !{timestamp:FORMAT} expression, such as !{timestamp:yyyy}; Firehose rejects others",
      },
    );
    problems.when(
      backup.enabled === true && !parquet,
      `${setting}.enabled is true but format is "json": Firehose backs up the source records only of a conversion to Parquet; remove it or set ${at}.format to "parquet".`,
    );
    problems.check(`${setting}.expirationDays`, backup.expirationDays, rules.integerBetween(1, 36500));
    problems.when(
      stream.sourceRecords === undefined && (backup.prefix !== undefined || backup.expirationDays !== undefined),
      `${setting}.prefix or .expirationDays is set but the backup is off (${setting}.enabled is false, or format is "json"); remove them or set ${setting}.enabled to true.`,
    );
  }
}

/**
 * Checks the source records' prefix against every other prefix of the bucket. The backup is on by
 * default with Parquet, so this runs whether or not deliveryStream or its backup was set.
 */
export function checkSourceRecordsPrefix(problems: rules.Problems, resolved: ResolvedDestination): void {
  const at = "deliveryStream";
  const setting = `${at}.sourceRecordBackup`;
  const stream = resolved.stream;
  const records = stream.sourceRecords;
  if (records === undefined || rules.isToken(records.prefix) || !SOURCE_RECORDS_PREFIX.test(records.prefix)) return;
  const written: Array<[string, string | undefined]> = [
    [`${at}.prefix`, stream.prefix],
    [`${at}.jsonPrefix`, stream.jsonPrefix],
    [`${at}.errorOutputPrefix`, stream.errorOutputPrefix],
    ...(resolved.analytics === undefined ? [] : [["analytics.resultsPrefix", resolved.queryResults.prefix] as [string, string]]),
  ];
  for (const [name, prefix] of written) {
    problems.when(
      typeof prefix === "string" && !rules.isToken(prefix) && (mayWriteUnder(prefix, literalFolder(records.prefix)) || mayWriteUnder(records.prefix, literalFolder(prefix))),
      `${setting}.prefix ${rules.show(records.prefix)} is invalid: it overlaps ${name} ${rules.show(prefix)}, so the source records' expiration would delete those objects or a table would read the backup; use a folder of its own, such as "source-records/".`,
    );
  }
}

const SOURCE_RECORDS_PREFIX = rules.pattern(
  /^[^!/][^]{0,1022}\/$/u,
  "use 1-1024 characters that start with a literal folder of their own and end with '/'",
);

/** The folder a prefix starts with, up to its last '/' before any expression. */
function literalFolder(prefix: string): string {
  const expression = prefix.indexOf("!{");
  return expression < 0 ? prefix : prefix.slice(0, prefix.lastIndexOf("/", expression) + 1);
}

/** Checks the alarms' options against the stream and the configuration set they watch. */
export function checkAlarms(problems: rules.Problems, resolved: ResolvedDestination): void {
  const { props, monitoring, givenSet: given, managesSet: managed } = resolved;
  const alarms = props.alarms!;
  const interval = resolved.stream.bufferingIntervalSeconds;
  const normalDelay = interval * defaults.NORMAL_DELIVERY_DELAY_FACTOR;
  checkDeliveryAlarmOptions(problems, "alarms.", alarms, {
    test: (v) => rules.isToken(interval) || v > normalDelay,
    text: `it must exceed ${normalDelay} s (1.5 times the ${interval} s buffering interval, a normal delivery delay), or the alarm fires on normal deliveries`,
  });
  problems.when(
    (alarms.enabled ?? defaults.DEFAULT_ALARMS_ENABLED) && props.deliveryStreamArn !== undefined,
    "alarms.enabled is true with deliveryStreamArn: alarms are created only for a stream the module creates; set alarms on your own stream instead.",
  );
  checkReputationThresholds(problems, "alarms.", alarms);
  problems.when(
    monitoring.reputationAlarms && managed && !monitoring.reputationMetrics,
    `alarms.reputation is ${alarms.reputation === undefined ? "on by default" : "true"} but ${given === undefined ? "configurationSet.reputationMetrics is false" : "the given ConfigurationSet has reputationMetrics false"}: SES publishes a set's Reputation.BounceRate and Reputation.ComplaintRate only with reputation metrics on; turn them on, or set alarms.reputation to false.`,
  );
  const eventTypes = resolved.eventTypes;
  problems.when(
    alarms.silentPipeline === true && !rules.isToken(eventTypes) && !eventTypes.includes(SesEventType.SEND),
    "alarms.silentPipeline is true but eventTypes does not list SEND: the alarm expects a record in the stream for each hour with sends; list SEND in eventTypes or set alarms.silentPipeline to false.",
  );
  problems.when(
    alarms.silentPipeline === true && props.enabled === false,
    "alarms.silentPipeline is true but enabled is false: a destination that publishes nothing would raise the alarm whenever SES sends; set alarms.silentPipeline to false while publishing is off.",
  );
}

/** Checks the query layer's options against the stream's layout. */
export function checkAnalytics(problems: rules.Problems, resolved: ResolvedDestination): void {
  const { props } = resolved;
  const analytics = props.analytics ?? {};
  if (props.analytics !== undefined) checkEventAnalyticsOptions(problems, "analytics.", analytics);
  if (!resolved.createsStream) {
    problems.when(
      analytics.enabled === true,
      "analytics.enabled is true with deliveryStreamArn: the table follows the prefix and bucket of a stream the module creates; remove one of them.",
    );
    return;
  }
  const stream = resolved.stream;
  if (resolved.analytics === undefined) return;
  problems.when(
    stream.bucketArn !== undefined && rules.isToken(stream.bucketArn),
    "analytics.enabled is true with a deliveryStream.bucketArn that is a Terraform token: the table's location needs the bucket's name at synth time; give the ARN as a literal or set analytics.enabled to false.",
  );
  problems.when(
    resolved.analytics.primaryWorkgroupByDefault,
    `analytics.workgroupName defaults to "${defaults.ATHENA_PRIMARY_WORKGROUP}" from configurationSetName ${rules.show(props.configurationSetName)}, the workgroup every account and Region already has; set analytics.workgroupName.`,
  );
  checkAnalyticsLayout(problems, {
    prefix: ["deliveryStream.prefix", stream.prefix],
    errorOutputPrefix: ["deliveryStream.errorOutputPrefix", stream.errorOutputPrefix],
    compression: ["deliveryStream.compression", stream.compression],
    resultsPrefix: ["analytics.resultsPrefix", resolved.queryResults.prefix],
    format: stream.format,
  });
  if (stream.jsonPrefix !== undefined) {
    checkAnalyticsLayout(problems, {
      prefix: ["deliveryStream.jsonPrefix", stream.jsonPrefix],
      errorOutputPrefix: ["deliveryStream.errorOutputPrefix", stream.errorOutputPrefix],
      compression: ["deliveryStream.compression", defaults.DEFAULT_COMPRESSION],
      resultsPrefix: ["analytics.resultsPrefix", resolved.queryResults.prefix],
    });
    if (!rules.isToken(stream.prefix) && typeof stream.prefix === "string" && typeof stream.jsonPrefix === "string") historyLayout(problems, ["deliveryStream.jsonPrefix", stream.jsonPrefix], stream.prefix);
  }
}
