import { Construct } from "constructs";
import { TerraformProvider, TerraformStack } from "cdktf";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { KinesisFirehoseDeliveryStream } from "@cdktf/provider-aws/lib/kinesis-firehose-delivery-stream";
import { Sesv2ConfigurationSetEventDestination } from "@cdktf/provider-aws/lib/sesv2-configuration-set-event-destination";
import { AwsContext } from "./aws-context";
import { ConfigurationSet, ConfigurationSetOptions } from "./configuration-set";
import { DeliveryAlarmOptions, DeliveryAlarms, alarmTopicNamePrefix } from "./delivery-alarms";
import { EventAnalytics, EventAnalyticsOptions } from "./event-analytics";
import { EventBucket, EventBucketOptions } from "./event-bucket";
import { EventKey } from "./event-key";
import { PipelineDashboard, PipelineDashboardOptions, dashboardName } from "./pipeline-dashboard";
import { EventFormat, FirehoseCompression, SesEventType } from "./ses-event-type";
import { checkDestination } from "./private/check-destination";
import { literalRegion } from "./private/helpers";
import { defined } from "./private/defined";
import { createDeliveryStream } from "./private/delivery-stream";
import { PhysicalNames, physicalNamesOf, providerScope } from "./private/physical-names";
import { resolveDestination } from "./private/resolve";
import { createEventDestination, createMetricsDestination, createSesRole } from "./private/ses-destination";

/** Settings of the Firehose delivery stream the module creates. */
export interface DeliveryStreamOptions {
  /**
   * Name of the delivery stream.
   * @default - the configuration set name
   */
  readonly name?: string;
  /**
   * Existing bucket that receives the events.
   * @default - a bucket is created for you (see `bucket`)
   */
  readonly bucketArn?: string;
  /**
   * Settings of the bucket the module creates; not allowed with `bucketArn`.
   * @default - see EventBucketOptions
   */
  readonly bucket?: EventBucketOptions;
  /**
   * S3 key prefix of delivered events. With `partitionByEventType` it must contain
   * `!{partitionKeyFromQuery:event_type}`.
   * @default - with Parquet "events-parquet/event_type=!{partitionKeyFromQuery:event_type}/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/",
   * with JSON the same under "events/"; without partitioning the same without "event_type=.../"
   */
  readonly prefix?: string;
  /**
   * S3 key prefix of records Firehose could not deliver or partition.
   * @default "errors/!{firehose:error-output-type}/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/"
   */
  readonly errorOutputPrefix?: string;
  /**
   * MiB Firehose buffers before writing an object: 1-128, at least 64 with Parquet or partitioning.
   * @default 64 with Parquet or partitioning, else 5
   */
  readonly bufferingSizeMiB?: number;
  /**
   * Seconds Firehose buffers before writing an object: 0-900.
   * @default 300
   */
  readonly bufferingIntervalSeconds?: number;
  /**
   * Format of the delivered objects. Parquet: Firehose converts each record with the event table as
   * its schema, and a query reads only the columns it names. JSON: the records as SES writes them.
   * Changing it updates the stream in place and keeps the bucket and every object in it; with
   * Parquet the query layer keeps a table over the JSON delivered before (`jsonPrefix`).
   * @default - EventFormat.PARQUET with the query layer (`analytics`, on with the bucket the module
   * creates), EventFormat.JSON without it (Parquet needs the event table as its schema)
   */
  readonly format?: EventFormat;
  /**
   * With Parquet: the S3 prefix the stream delivered JSON under before it converted to Parquet.
   * The query layer keeps a table over it (`<tableName>_json`), and the saved queries read both.
   * @default - the default JSON prefix ("events/..."), with or without event-type partitions as the stream has them
   */
  readonly jsonPrefix?: string;
  /**
   * Firehose's backup of the source records with Parquet: every record as SES wrote it, GZIP,
   * under its own prefix with its own expiration, so a field the table lacks can be recovered.
   * @default - on with Parquet, off with JSON
   */
  readonly sourceRecordBackup?: SourceRecordBackupOptions;
  /** @default - UNCOMPRESSED with Parquet (Parquet compresses with GZIP inside), GZIP with JSON */
  readonly compression?: FirehoseCompression;
  /**
   * Customer managed KMS key that encrypts everything the module creates: the stream, the
   * delivered objects and the bucket, the delivery-error log group and the alarm topic. The
   * delivery role may use it only through S3 for this bucket. Its key policy must let CloudWatch
   * Logs (and, with alarms, CloudWatch) use it.
   * @default - AWS owned key for the stream, SSE-S3 for the bucket, CloudWatch Logs' own encryption
   */
  readonly kmsKeyArn?: string;
  /**
   * Create the customer managed KMS key that `kmsKeyArn` would name (see `EventKey`): rotated
   * yearly, kept from `destroy` unless `bucket.forceDestroy` is true, with a key policy of the
   * account's statement and one conditioned statement for each service that uses it (the delivery
   * role through S3, CloudWatch Logs, CloudWatch alarms). Not with `kmsKeyArn`.
   * @default false
   */
  readonly createKmsKey?: boolean;
  /**
   * Partition objects by SES event type with Firehose dynamic partitioning. Can only be set when
   * the stream is created: changing it replaces the stream.
   * @default true
   */
  readonly partitionByEventType?: boolean;
  /**
   * Seconds Firehose retries delivery of a partitioned record before writing it under the error prefix: 0-7200.
   * @default 300
   */
  readonly partitioningRetrySeconds?: number;
  /**
   * Name of the role Firehose assumes to write to S3.
   * @default - a unique name generated from the configuration set name
   */
  readonly roleName?: string;
  /**
   * Path of the Firehose role, such as `/service-role/` (where the console creates roles). Changing
   * it replaces the role.
   * @default "/"
   */
  readonly rolePath?: string;
  /**
   * Log delivery errors to a CloudWatch log group the module creates.
   * @default true
   */
  readonly logging?: boolean;
  /**
   * Days the delivery-error log group keeps its events.
   * @default 365
   */
  readonly logRetentionDays?: number;
  /**
   * Deliver to a central event lake (`SesEventLake`) in another account: the stream writes under
   * `events/account_id=<this account>/region=<this Region>/` of the lake bucket (errors under
   * `errors/` likewise), its role may write only there, and no bucket or query layer is created
   * here. Not with `bucketArn`, `bucket`, `prefix` or `errorOutputPrefix`.
   * @default - no lake: the events land in this account's bucket
   */
  readonly lake?: LakeDeliveryOptions;
}

/** Where a source account's stream delivers in a central event lake: the lake's outputs. */
export interface LakeDeliveryOptions {
  /** ARN of the lake bucket (`SesEventLake.bucketArn`). */
  readonly bucketArn: string;
  /**
   * The lake's customer managed key (`SesEventLake.kmsKeyArn`): the delivered objects are
   * encrypted with it, and the delivery role may use it only through S3 in the key's Region, for
   * the lake bucket.
   * @default - the lake bucket's own default encryption (SSE-S3)
   */
  readonly kmsKeyArn?: string;
  /**
   * The lake's account: the delivery role may write only to a bucket that account owns
   * (`s3:ResourceAccount`), so a bucket of the same name elsewhere never receives events.
   * @default - the account of `kmsKeyArn`; without it, unchecked
   */
  readonly accountId?: string;
}

/** Firehose's backup of the records as SES wrote them, beside the converted objects. */
export interface SourceRecordBackupOptions {
  /**
   * Keep the source records.
   * @default - true with Parquet, false with JSON
   */
  readonly enabled?: boolean;
  /**
   * S3 key prefix of the source records, apart from the events.
   * @default "source-records/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/"
   */
  readonly prefix?: string;
  /**
   * Days after which a source record is deleted (a bucket lifecycle rule of its own).
   * @default 365
   */
  readonly expirationDays?: number;
}

/** Adopt resources that already exist into Terraform state (Terraform `import` blocks). */
export interface ImportExistingOptions {
  /**
   * Import the configuration set named `configurationSetName`. Terraform clears every delivery,
   * suppression, tracking and VDM option the configuration leaves out, so `configurationSet` must
   * then state the options the existing set has (`{}` for a set with none). @default false
   */
  readonly configurationSet?: boolean;
  /** Import the event destination `eventDestinationName` of the configuration set. @default false */
  readonly eventDestination?: boolean;
  /**
   * Import the delivery stream named `deliveryStream.name`. Firehose turns dynamic partitioning on
   * only when it creates a stream, so `deliveryStream.partitionByEventType` must then say whether
   * the existing stream has it. @default false
   */
  readonly deliveryStream?: boolean;
  /**
   * Import the SES role: `true` for the role named `sesRoleName` (under `sesRolePath`), or the
   * role's ARN, which gives its name and path. @default false
   */
  readonly sesRole?: boolean | string;
  /**
   * Import the Firehose role: `true` for the role named `deliveryStream.roleName` (under
   * `deliveryStream.rolePath`), or the role's ARN, which gives its name and path. @default false
   */
  readonly deliveryRole?: boolean | string;
  /**
   * Import the delivery-error log group `/aws/kinesisfirehose/<stream>` and its log stream
   * `DestinationDelivery`, which the console creates with a stream. @default false
   */
  readonly deliveryLogs?: boolean;
}

/** Props of `SesFirehoseEventDestination`. */
export interface SesFirehoseEventDestinationProps {
  /** Name of the SES configuration set: 1-64 letters, digits, '_' or '-'. */
  readonly configurationSetName: string;
  /**
   * Create the configuration set; false attaches to an existing set of that name.
   * @default true
   */
  readonly createConfigurationSet?: boolean;
  /**
   * Options of the configuration set the module creates, or a `ConfigurationSet` made elsewhere
   * to use as it is (then `configurationSetName` must be its name).
   * @default - a set with reputation metrics on and SES's defaults for the rest
   */
  readonly configurationSet?: ConfigurationSetOptions | ConfigurationSet;
  /** @default "firehose" */
  readonly eventDestinationName?: string;
  /**
   * Events to publish.
   * @default - all ten event types
   */
  readonly eventTypes?: SesEventType[];
  /**
   * Publish events; false keeps the destination but stops publishing.
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * Existing delivery stream to publish to; then no stream, bucket or Firehose role is created.
   * @default - a stream is created for you (see `deliveryStream`)
   */
  readonly deliveryStreamArn?: string;
  /**
   * Settings of the stream the module creates; not allowed with `deliveryStreamArn`.
   * @default - see DeliveryStreamOptions
   */
  readonly deliveryStream?: DeliveryStreamOptions;
  /**
   * Existing role SES assumes to write to the stream.
   * @default - a role is created for you
   */
  readonly sesRoleArn?: string;
  /**
   * Name of the role the module creates for SES.
   * @default - a unique name generated from the configuration set name
   */
  readonly sesRoleName?: string;
  /**
   * Path of the role the module creates for SES, such as `/service-role/`. Changing it replaces
   * the role.
   * @default "/"
   */
  readonly sesRolePath?: string;
  /**
   * CloudWatch alarms on delivery to S3 (only for a stream the module creates).
   * @default - no alarms
   */
  readonly alarms?: DeliveryAlarmOptions;
  /**
   * A CloudWatch dashboard of the pipeline (only for a stream the module creates).
   * @default - on when alarms.enabled is true
   */
  readonly dashboard?: PipelineDashboardOptions;
  /**
   * Make the events queryable in Athena: a Glue table with partition projection over the
   * delivered objects, a workgroup, saved deliverability queries and a reader policy (only for
   * a stream the module creates).
   * @default - on when the module creates the event bucket, off with `deliveryStream.bucketArn`
   */
  readonly analytics?: EventAnalyticsOptions;
  /** @default - nothing is imported */
  readonly importExisting?: ImportExistingOptions;
  /**
   * Tags on every taggable resource created.
   * @default - none beyond the provider's default tags
   */
  readonly tags?: Record<string, string>;
  /**
   * AWS provider of every resource and data source created, such as an aliased `AwsProvider` for
   * another Region or account.
   * @default - the stack's default AWS provider
   */
  readonly provider?: TerraformProvider;
}

/**
 * Publishes an SES v2 configuration set's sending events to a Kinesis Data Firehose delivery
 * stream that lands them in S3, with least-privilege IAM roles for SES and Firehose.
 */
export class SesFirehoseEventDestination extends Construct {
  /** Name of the configuration set, created or given. */
  readonly configurationSetName: string;
  /** ARN of the configuration set, in the account and Region of the provider. */
  readonly configurationSetArn: string;
  /** ARN of the delivery stream events go to, created or given. */
  readonly deliveryStreamArn: string;
  /** ARN of the role SES assumes to write to the stream, created or given. */
  readonly sesRoleArn: string;
  /** Name of the bucket events land in, created or given by `deliveryStream.bucketArn`; unknown with `deliveryStreamArn`. */
  readonly bucketName?: string | undefined;
  /** The configuration set, when the module created it or was given it. */
  readonly configurationSet?: ConfigurationSet;
  /** The event destination that publishes to Firehose. */
  readonly eventDestination: Sesv2ConfigurationSetEventDestination;
  /** The event destination that counts the set's sends, deliveries, bounces and complaints in CloudWatch. */
  readonly metricsDestination?: Sesv2ConfigurationSetEventDestination;
  /** The SES role, unless `sesRoleArn` is given. */
  readonly sesRole?: IamRole;
  /** The SES role's policy: `firehose:PutRecordBatch` on the stream only. */
  readonly sesRolePolicy?: IamRolePolicy;
  /** The delivery stream, unless `deliveryStreamArn` is given. */
  readonly deliveryStream?: KinesisFirehoseDeliveryStream;
  /** The role Firehose assumes to write to S3, with the stream. */
  readonly deliveryRole?: IamRole;
  /** The Firehose role's policy: the bucket, the key and the error log stream only. */
  readonly deliveryRolePolicy?: IamRolePolicy;
  /** The event bucket, unless `deliveryStream.bucketArn` or `deliveryStreamArn` is given. */
  readonly bucket?: EventBucket | undefined;
  /** The delivery-error log group, unless `deliveryStream.logging` is false. */
  readonly logGroup?: CloudwatchLogGroup | undefined;
  /** The delivery alarms, when `alarms.enabled` is true. */
  readonly alarms?: DeliveryAlarms;
  /** The pipeline dashboard, when the monitoring settings turn it on. */
  readonly dashboard?: PipelineDashboard;
  /** The query layer, when `analytics` is on. */
  readonly analytics?: EventAnalytics | undefined;
  /** The KMS key the module created, with `deliveryStream.createKmsKey`. */
  readonly key?: EventKey | undefined;
  /** ARN of the KMS key that encrypts what the module created, created or given. */
  readonly kmsKeyArn?: string | undefined;

  constructor(scope: Construct, id: string, props: SesFirehoseEventDestinationProps) {
    super(scope, id);
    const label = `SesFirehoseEventDestination "${this.node.path}"`;
    const resolved = resolveDestination(props);
    checkDestination(label, resolved, { region: literalRegion(this, props.provider) });
    PhysicalNames.of(this).claim(label, physicalNamesOf(resolved), props.provider);

    const { provider, tags, monitoring } = resolved;
    const aws = AwsContext.of(this, provider);

    if (resolved.givenSet !== undefined) {
      this.configurationSet = resolved.givenSet;
    } else if (resolved.createsSet) {
      // Its resource keeps the address it had when the module created it directly (see ConfigurationSet).
      this.configurationSet = new ConfigurationSet(this, "ConfigurationSet", defined({
        ...resolved.setOptions,
        configurationSetName: props.configurationSetName,
        importExisting: resolved.imports.configurationSet === true,
        tags,
        provider,
      }));
    }
    this.configurationSetName = this.configurationSet?.configurationSetName ?? props.configurationSetName;
    this.configurationSetArn = aws.arn("ses", `configuration-set/${props.configurationSetName}`);

    if (resolved.createsStream) {
      const created = createDeliveryStream(this, resolved, aws);
      this.deliveryStream = created.stream;
      this.deliveryStreamArn = created.stream.arn;
      this.deliveryRole = created.role;
      this.deliveryRolePolicy = created.rolePolicy;
      this.bucket = created.bucket;
      this.bucketName = created.bucketName;
      this.logGroup = created.logGroup;
      this.analytics = created.analytics;
      this.key = created.key;
      this.kmsKeyArn = created.kmsKeyArn;
      if (monitoring.alarms) {
        const { enabled: _enabled, ...options } = props.alarms ?? {};
        this.alarms = new DeliveryAlarms(this, "Alarms", defined({
          ...options,
          deliveryStreamName: created.stream.name,
          topicKmsKeyArn: created.kmsKeyArn,
          topicNamePrefix: alarmTopicNamePrefix(resolved.stream.name),
          configurationSetName: this.configurationSetName,
          reputation: monitoring.reputationAlarms,
          silentPipeline: monitoring.silentPipeline,
          tags,
          provider,
        }));
      }
      if (this.alarms?.topic !== undefined) created.key?.allowAlarms();
      if (monitoring.dashboard) {
        this.dashboard = new PipelineDashboard(this, "Dashboard", defined({
          provider,
          configurationSetName: props.configurationSetName,
          // The stream keeps its first name when the set is renamed (see event-bucket's renames):
          // the widgets follow the stream's name in state, the dashboard's own name the settings.
          deliveryStreamName: created.stream.name,
          // Dashboard names are global to an account: one placed through a given provider (another
          // Region or account) carries its Region; the default provider's keeps its plain name.
          dashboardName: dashboardName(resolved.stream.name, provider === undefined ? undefined : (providerScope(TerraformStack.of(this), provider).region ?? aws.region)),
          region: aws.region,
          reputationMetrics: monitoring.reputationMetrics,
          partitioned: resolved.stream.partitioned,
          bounceRateThreshold: monitoring.bounceRateThreshold,
          complaintRateThreshold: monitoring.complaintRateThreshold,
        }));
      }
    } else {
      this.deliveryStreamArn = props.deliveryStreamArn!;
    }

    if (props.sesRoleArn === undefined) {
      const ses = createSesRole(this, resolved, aws, { configurationSet: this.configurationSetArn, deliveryStream: this.deliveryStreamArn });
      this.sesRole = ses.role;
      this.sesRolePolicy = ses.policy;
    }
    this.sesRoleArn = this.sesRole?.arn ?? props.sesRoleArn!;

    this.eventDestination = createEventDestination(this, resolved, {
      configurationSetName: this.configurationSetName,
      deliveryStreamArn: this.deliveryStreamArn,
      sesRoleArn: this.sesRoleArn,
      sesRolePolicy: this.sesRolePolicy,
    });
    if (monitoring.metricsDestination) {
      this.metricsDestination = createMetricsDestination(this, resolved, this.configurationSetName);
    }
  }
}
