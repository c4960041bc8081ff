// The option groups of SesFirehoseEventDestinationProps: the delivery stream's settings, a lake
// to deliver to, the backup of the source records, and what to adopt into Terraform state.
import type { EventBucketOptions } from "./event-bucket";
import type { EventFormat, FirehoseCompression } from "./ses-event-type";

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
