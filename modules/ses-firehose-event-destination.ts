import { Construct } from "constructs";
import { Annotations, TerraformProvider } from "cdktf";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CloudwatchLogStream } from "@cdktf/provider-aws/lib/cloudwatch-log-stream";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import {
  KinesisFirehoseDeliveryStream,
  KinesisFirehoseDeliveryStreamExtendedS3Configuration,
} from "@cdktf/provider-aws/lib/kinesis-firehose-delivery-stream";
import { Sesv2ConfigurationSetEventDestination } from "@cdktf/provider-aws/lib/sesv2-configuration-set-event-destination";
import { AwsContext } from "./aws-context";
import { ConfigurationSet, ConfigurationSetOptions, checkConfigurationSetOptions, hasConfigurationSetOptions } from "./configuration-set";
import { PhysicalNames, adoptedRole, nameBase, physicalNames } from "./physical-names";
import * as defaults from "./defaults";
import { defined } from "./defined";
import { DeliveryAlarmOptions, DeliveryAlarms } from "./delivery-alarms";
import { EventAnalytics, EventAnalyticsOptions, checkAnalyticsLayout, checkEventAnalyticsOptions } from "./event-analytics";
import { EventBucket, EventBucketOptions, checkEventBucketOptions } from "./event-bucket";
import { DeliveryLayout, deliveryLayout, formatConversion } from "./event-format";
import { mayWriteUnder } from "./event-layout";
import { PipelineDashboard, PipelineDashboardOptions, dashboardName } from "./pipeline-dashboard";
import { PolicyStatement, policyDocument, trustPolicy } from "./policy";
import { EventFormat, FirehoseCompression, SesEventType } from "./ses-event-type";
import * as rules from "./validation";

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
   * @default "events/event_type=!{partitionKeyFromQuery:event_type}/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/",
   * or "events/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/" without partitioning
   */
  readonly prefix?: string;
  /**
   * S3 key prefix of records Firehose could not deliver or partition.
   * @default "errors/!{firehose:error-output-type}/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/"
   */
  readonly errorOutputPrefix?: string;
  /**
   * MiB Firehose buffers before writing an object: 1-128, at least 64 with partitioning.
   * @default 64 with partitioning, else 5
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
   * @default EventFormat.PARQUET
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
  /** @default - UNCOMPRESSED with Parquet (Parquet compresses with Snappy inside), GZIP with JSON */
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
  /** Name of the bucket events land in, when the module created it. */
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

  constructor(scope: Construct, id: string, props: SesFirehoseEventDestinationProps) {
    super(scope, id);
    const label = `SesFirehoseEventDestination "${this.node.path}"`;
    checkProps(label, props);
    PhysicalNames.of(this).claim(label, physicalNames(props));

    const provider = props.provider;
    const aws = AwsContext.of(this, provider);
    const imports = props.importExisting ?? {};
    const tags = props.tags;
    const baseName = nameBase(props.configurationSetName);

    const given = givenSet(props);
    if (given !== undefined) {
      this.configurationSet = given;
    } else if (props.createConfigurationSet ?? defaults.DEFAULT_CREATE_CONFIGURATION_SET) {
      // Its resource keeps the address it had when the module created it directly (see ConfigurationSet).
      this.configurationSet = new ConfigurationSet(this, "ConfigurationSet", defined({
        ...(props.configurationSet as ConfigurationSetOptions | undefined),
        configurationSetName: props.configurationSetName,
        importExisting: imports.configurationSet === true,
        tags,
        provider,
      }));
    }
    this.configurationSetName = this.configurationSet?.configurationSetName ?? props.configurationSetName;
    const monitoring = monitoringOf(props);
    this.configurationSetArn = aws.arn("ses", `configuration-set/${props.configurationSetName}`);

    if (props.deliveryStreamArn === undefined) {
      const created = this.createDeliveryStream(aws, props, baseName, imports, tags);
      this.deliveryStream = created.stream;
      this.deliveryStreamArn = created.stream.arn;
      this.deliveryRole = created.role;
      this.deliveryRolePolicy = created.rolePolicy;
      this.bucket = created.bucket;
      this.bucketName = created.bucket?.bucketName;
      this.logGroup = created.logGroup;
      this.analytics = created.analytics;
      const alarms = props.alarms ?? {};
      if (monitoring.alarms) {
        this.alarms = new DeliveryAlarms(this, "Alarms", defined({
          ...alarms,
          deliveryStreamName: created.stream.name,
          topicKmsKeyArn: props.deliveryStream?.kmsKeyArn,
          configurationSetName: this.configurationSetName,
          reputation: monitoring.reputationAlarms,
          silentPipeline: monitoring.silentPipeline,
          tags,
          provider,
        }));
      }
      if (monitoring.dashboard) {
        this.dashboard = new PipelineDashboard(this, "Dashboard", {
          ...(provider === undefined ? {} : { provider }),
          configurationSetName: props.configurationSetName,
          // The stream keeps its first name when the set is renamed (see event-bucket's renames):
          // the widgets follow the stream's name in state, the dashboard's own name the settings.
          deliveryStreamName: created.stream.name,
          dashboardName: dashboardName(props.deliveryStream?.name ?? props.configurationSetName),
          region: aws.region,
          reputationMetrics: monitoring.reputationMetrics,
          partitioned: props.deliveryStream?.partitionByEventType ?? defaults.DEFAULT_PARTITION_BY_EVENT_TYPE,
          ...(monitoring.reputationAlarms
            ? {
                bounceRateThreshold: alarms.bounceRateThreshold ?? defaults.DEFAULT_BOUNCE_RATE_THRESHOLD,
                complaintRateThreshold: alarms.complaintRateThreshold ?? defaults.DEFAULT_COMPLAINT_RATE_THRESHOLD,
              }
            : {}),
        });
      }
    } else {
      this.deliveryStreamArn = props.deliveryStreamArn;
    }

    if (props.sesRoleArn === undefined) {
      const adopted = adoptedRole(imports.sesRole, props.sesRoleName, props.sesRolePath);
      this.sesRole = new IamRole(this, "SesRole", defined({
        ...roleName(adopted.name, `${baseName.slice(0, 33)}-ses-`),
        path: adopted.path,
        description: `Lets SES publish events of configuration set ${props.configurationSetName} to Firehose.`,
        assumeRolePolicy: trustPolicy("AllowSesForThisConfigurationSet", "ses.amazonaws.com", {
          StringEquals: { "AWS:SourceAccount": aws.accountId, "AWS:SourceArn": this.configurationSetArn },
        }),
        tags,
        provider,
      }));
      if (imports.sesRole) this.sesRole.importFrom(adopted.name!, provider);
      this.sesRolePolicy = new IamRolePolicy(this, "SesRolePolicy", defined({
        name: defaults.SES_ROLE_POLICY_NAME,
        role: this.sesRole.id,
        policy: policyDocument({
          Sid: "PutEventRecords",
          Effect: "Allow",
          Action: ["firehose:PutRecordBatch"],
          Resource: [this.deliveryStreamArn],
        }),
        provider,
      }));
    }
    this.sesRoleArn = this.sesRole?.arn ?? props.sesRoleArn!;

    const eventDestinationName = props.eventDestinationName ?? defaults.DEFAULT_EVENT_DESTINATION_NAME;
    this.eventDestination = new Sesv2ConfigurationSetEventDestination(this, "EventDestination", defined({
      configurationSetName: this.configurationSetName,
      eventDestinationName,
      eventDestination: {
        enabled: props.enabled ?? defaults.DEFAULT_ENABLED,
        matchingEventTypes: [...(props.eventTypes ?? defaults.DEFAULT_EVENT_TYPES)],
        kinesisFirehoseDestination: { deliveryStreamArn: this.deliveryStreamArn, iamRoleArn: this.sesRoleArn },
      },
      dependsOn: this.sesRolePolicy ? [this.sesRolePolicy] : undefined,
      provider,
    }));
    if (imports.eventDestination) {
      this.eventDestination.importFrom(`${props.configurationSetName}|${eventDestinationName}`, provider);
    }
    if (monitoring.metricsDestination) {
      this.metricsDestination = new Sesv2ConfigurationSetEventDestination(this, "MetricsDestination", {
        ...(provider === undefined ? {} : { provider }),
        configurationSetName: this.configurationSetName,
        eventDestinationName: defaults.METRICS_EVENT_DESTINATION_NAME,
        eventDestination: {
          enabled: true,
          matchingEventTypes: [...defaults.METRICS_EVENT_TYPES],
          cloudWatchDestination: {
            dimensionConfiguration: [
              {
                dimensionName: defaults.CONFIGURATION_SET_DIMENSION,
                dimensionValueSource: "MESSAGE_TAG",
                defaultDimensionValue: props.configurationSetName,
              },
            ],
          },
        },
      });
    }
  }

  private createDeliveryStream(
    aws: AwsContext,
    props: SesFirehoseEventDestinationProps,
    baseName: string,
    imports: ImportExistingOptions,
    tags: Record<string, string> | undefined,
  ): CreatedStream {
    const provider = props.provider;
    const options = props.deliveryStream ?? {};
    const streamName = options.name ?? props.configurationSetName;
    // A stream named after the set keeps its name when the set is renamed: a new name would replace
    // it, and Firehose does not promise to deliver what a deleted stream still buffers. Its log group
    // follows it, so that it keeps the delivery-error logs.
    const keepDerivedName = options.name === undefined ? { lifecycle: { ignoreChanges: ["name"] } } : {};
    const analytics = props.analytics ?? {};
    const analyticsEnabled = analyticsOn(props);
    const delivery = deliveryLayout({ ...options, analyticsEnabled });
    const { partitioned, prefix, compression } = delivery;
    if (options.format === undefined && options.prefix !== undefined && options.jsonPrefix === undefined && delivery.format === EventFormat.PARQUET) {
      Annotations.of(this).addWarning(PREFIX_OF_YOUR_OWN_WARNING);
    }
    const errorOutputPrefix = options.errorOutputPrefix ?? defaults.DEFAULT_ERROR_OUTPUT_PREFIX;
    const resultsPrefix = analytics.resultsPrefix ?? defaults.DEFAULT_RESULTS_PREFIX;

    const bucket =
      options.bucketArn === undefined
        ? new EventBucket(this, "Bucket", defined({
            ...options.bucket,
            bucketPrefix: options.bucket?.bucketPrefix ?? `${baseName.slice(0, 36)}-`,
            kmsKeyArn: options.kmsKeyArn,
            queryResults: keepsResultsExpiring(analyticsEnabled, prefix, errorOutputPrefix, resultsPrefix)
              ? { prefix: resultsPrefix, expirationDays: analytics.resultsExpirationDays ?? defaults.DEFAULT_RESULTS_EXPIRATION_DAYS }
              : undefined,
            sourceRecords: delivery.sourceRecords,
            tags,
            provider,
          }))
        : undefined;
    const bucketArn = bucket?.bucketArn ?? options.bucketArn!;
    const eventsBucketName = bucket?.bucketName ?? bucketArn.slice(bucketArn.lastIndexOf(":") + 1);
    const queries = analyticsEnabled
      ? new EventAnalytics(this, "Analytics", defined({
          ...analytics,
          prefix,
          errorOutputPrefix,
          compression,
          format: delivery.format,
          jsonHistory: delivery.jsonPrefix === undefined ? undefined : { prefix: delivery.jsonPrefix, compression: defaults.DEFAULT_COMPRESSION },
          eventTypes: props.eventTypes,
          eventsBucketName,
          eventsBucketArn: bucketArn,
          resultsBucket: bucket === undefined ? undefined : { bucketName: bucket.bucketName, bucketArn: bucket.bucketArn },
          kmsKeyArn: options.kmsKeyArn,
          nameBase: baseName,
          tags,
          provider,
        }))
      : undefined;

    const statements: PolicyStatement[] = [
      {
        Sid: "WriteEventObjects",
        Effect: "Allow",
        Action: [
          "s3:AbortMultipartUpload",
          "s3:GetBucketLocation",
          "s3:GetObject",
          "s3:ListBucket",
          "s3:ListBucketMultipartUploads",
          "s3:PutObject",
        ],
        Resource: [bucketArn, `${bucketArn}/*`],
      },
    ];
    if (options.kmsKeyArn !== undefined) {
      statements.push({
        Sid: "EncryptEventObjects",
        Effect: "Allow",
        Action: ["kms:GenerateDataKey", "kms:Decrypt"],
        Resource: [options.kmsKeyArn],
        Condition: {
          StringEquals: { "kms:ViaService": `s3.${aws.region}.${aws.dnsSuffix}` },
          StringLike: { "kms:EncryptionContext:aws:s3:arn": [bucketArn, `${bucketArn}/*`] },
        },
      });
    }

    const schemaTable = delivery.format === EventFormat.PARQUET ? queries : undefined;
    if (schemaTable !== undefined) {
      // Firehose reads the Parquet schema from the event table, and from nothing else.
      statements.push({
        Sid: "ReadRecordSchema",
        Effect: "Allow",
        Action: ["glue:GetTable", "glue:GetTableVersion", "glue:GetTableVersions"],
        Resource: [
          aws.arn("glue", "catalog"),
          aws.arn("glue", `database/${schemaTable.databaseName}`),
          aws.arn("glue", `table/${schemaTable.databaseName}/${schemaTable.tableName}`),
        ],
      });
    }

    let logging: KinesisFirehoseDeliveryStreamExtendedS3Configuration["cloudwatchLoggingOptions"];
    let logGroup: CloudwatchLogGroup | undefined;
    if (options.logging ?? defaults.DEFAULT_LOGGING_ENABLED) {
      logGroup = new CloudwatchLogGroup(this, "LogGroup", defined({
        name: `${defaults.LOG_GROUP_PREFIX}${streamName}`,
        retentionInDays: options.logRetentionDays ?? defaults.DEFAULT_LOG_RETENTION_DAYS,
        kmsKeyId: options.kmsKeyArn,
        tags,
        ...keepDerivedName,
        provider,
      }));
      const logStream = new CloudwatchLogStream(this, "LogStream", defined({
        name: defaults.DELIVERY_LOG_STREAM_NAME,
        logGroupName: logGroup.name,
        provider,
      }));
      if (imports.deliveryLogs) {
        logGroup.importFrom(`${defaults.LOG_GROUP_PREFIX}${streamName}`, provider);
        logStream.importFrom(`${defaults.LOG_GROUP_PREFIX}${streamName}:${defaults.DELIVERY_LOG_STREAM_NAME}`, provider);
      }
      const logGroupName = logGroup.name;
      const logStreamName = logStream.name;
      logging = { enabled: true, logGroupName, logStreamName };
      statements.push({
        Sid: "WriteDeliveryErrorLogs",
        Effect: "Allow",
        Action: ["logs:PutLogEvents"],
        Resource: [aws.arn("logs", `log-group:${logGroupName}:log-stream:${logStreamName}`)],
      });
    }

    const adopted = adoptedRole(imports.deliveryRole, options.roleName, options.rolePath);
    const role = new IamRole(this, "DeliveryRole", defined({
      ...roleName(adopted.name, `${baseName.slice(0, 28)}-firehose-`),
      path: adopted.path,
      description: `Lets Firehose deliver SES events of stream ${streamName} to S3.`,
      assumeRolePolicy: trustPolicy("AllowFirehoseInThisAccount", "firehose.amazonaws.com", {
        StringEquals: { "sts:ExternalId": aws.accountId },
      }),
      tags,
      provider,
    }));
    if (imports.deliveryRole) role.importFrom(adopted.name!, provider);
    const rolePolicy = new IamRolePolicy(this, "DeliveryRolePolicy", defined({
      name: defaults.DELIVERY_ROLE_POLICY_NAME,
      role: role.id,
      policy: policyDocument(...statements),
      provider,
    }));

    const stream = new KinesisFirehoseDeliveryStream(this, "Stream", defined({
      name: streamName,
      destination: "extended_s3",
      serverSideEncryption:
        options.kmsKeyArn === undefined
          ? { enabled: true, keyType: defaults.DEFAULT_STREAM_ENCRYPTION_KEY_TYPE }
          : { enabled: true, keyType: "CUSTOMER_MANAGED_CMK", keyArn: options.kmsKeyArn },
      extendedS3Configuration: defined({
        roleArn: role.arn,
        bucketArn,
        prefix,
        errorOutputPrefix,
        bufferingSize: delivery.bufferingSizeMiB,
        bufferingInterval: options.bufferingIntervalSeconds ?? defaults.DEFAULT_BUFFERING_INTERVAL_SECONDS,
        compressionFormat: compression,
        kmsKeyArn: options.kmsKeyArn,
        cloudwatchLoggingOptions: logging ?? { enabled: false },
        ...(partitioned ? eventTypePartitioning(options.partitioningRetrySeconds) : {}),
        dataFormatConversionConfiguration:
          schemaTable === undefined
            ? undefined
            : formatConversion({
                catalogId: aws.accountId,
                databaseName: schemaTable.databaseName,
                tableName: schemaTable.tableName,
                region: aws.region,
                roleArn: role.arn,
              }),
        s3BackupMode: delivery.sourceRecords === undefined ? undefined : "Enabled",
        s3BackupConfiguration:
          delivery.sourceRecords === undefined
            ? undefined
            : defined({
                roleArn: role.arn,
                bucketArn,
                prefix: delivery.sourceRecords.prefix,
                errorOutputPrefix,
                compressionFormat: FirehoseCompression.GZIP,
                bufferingSize: delivery.bufferingSizeMiB,
                bufferingInterval: options.bufferingIntervalSeconds ?? defaults.DEFAULT_BUFFERING_INTERVAL_SECONDS,
                kmsKeyArn: options.kmsKeyArn,
                cloudwatchLoggingOptions: logging ?? { enabled: false },
              }),
      }),
      tags,
      ...keepDerivedName,
      dependsOn: [rolePolicy],
      provider,
    }));
    if (imports.deliveryStream) {
      stream.importFrom(aws.arn("firehose", `deliverystream/${streamName}`), provider);
    }
    return { stream, role, rolePolicy, bucket, logGroup, analytics: queries };
  }
}

/** Why a stream with a prefix of the user's own that now converts to Parquet needs a look. */
export const PREFIX_OF_YOUR_OWN_WARNING =
  'deliveryStream.prefix is set and deliveryStream.format defaults to "parquet": if the stream delivered JSON under this prefix before, ' +
  'Parquet objects would land beside the JSON ones and the table could not read both; set deliveryStream.format to "json" to keep JSON, ' +
  "or give Parquet a new prefix and set deliveryStream.jsonPrefix to the old one, so that the saved queries read both.";

/** Whether the query layer is created: by default when the module creates the event bucket. */
function analyticsOn(props: SesFirehoseEventDestinationProps): boolean {
  return props.deliveryStreamArn === undefined && (props.analytics?.enabled ?? props.deliveryStream?.bucketArn === undefined);
}

/** The set given as a construct, if it is one. */
function givenSet(props: SesFirehoseEventDestinationProps): ConfigurationSet | undefined {
  return props.configurationSet instanceof ConfigurationSet ? props.configurationSet : undefined;
}

/** What the alarms and the dashboard watch, and what they need. */
interface Monitoring {
  readonly alarms: boolean;
  readonly dashboard: boolean;
  /** The set publishes reputation metrics (false when the module cannot know: an existing set). */
  readonly reputationMetrics: boolean;
  readonly reputationAlarms: boolean;
  readonly silentPipeline: boolean;
  /** The CloudWatch event destination that gives the set's sends by the ses:configuration-set dimension. */
  readonly metricsDestination: boolean;
}

function monitoringOf(props: SesFirehoseEventDestinationProps): Monitoring {
  const alarms = props.alarms ?? {};
  const streamCreated = props.deliveryStreamArn === undefined;
  const alarmsOn = streamCreated && (alarms.enabled ?? defaults.DEFAULT_ALARMS_ENABLED);
  const dashboard = streamCreated && (props.dashboard?.enabled ?? alarmsOn);
  const given = givenSet(props);
  const managed = given !== undefined || (props.createConfigurationSet ?? defaults.DEFAULT_CREATE_CONFIGURATION_SET);
  const options = given === undefined ? ((props.configurationSet ?? {}) as ConfigurationSetOptions) : {};
  const reputationMetrics = given?.reputationMetrics ?? (managed ? (options.reputationMetrics ?? defaults.DEFAULT_REPUTATION_METRICS) : (alarms.reputation ?? false));
  const publishesSends = (props.enabled ?? defaults.DEFAULT_ENABLED) && (props.eventTypes ?? defaults.DEFAULT_EVENT_TYPES).includes(SesEventType.SEND);
  const silentPipeline = alarmsOn && (alarms.silentPipeline ?? publishesSends);
  return {
    alarms: alarmsOn,
    dashboard,
    reputationMetrics,
    reputationAlarms: alarmsOn && (alarms.reputation ?? managed),
    silentPipeline,
    metricsDestination: silentPipeline || dashboard,
  };
}

interface CreatedStream {
  readonly stream: KinesisFirehoseDeliveryStream;
  readonly role: IamRole;
  readonly rolePolicy: IamRolePolicy;
  readonly bucket?: EventBucket | undefined;
  readonly logGroup?: CloudwatchLogGroup | undefined;
  readonly analytics?: EventAnalytics | undefined;
}

/**
 * Whether the event bucket keeps the `query-results` lifecycle rule. With the query layer on it is
 * checked to stay clear of the events; with it off it stays, so that results written while it was
 * on still expire, unless the stream may now write events under it (a literal check; a token, never).
 */
function keepsResultsExpiring(analyticsEnabled: boolean, prefix: string, errorOutputPrefix: string, resultsPrefix: string): boolean {
  if (analyticsEnabled) return true;
  if ([prefix, errorOutputPrefix, resultsPrefix].some(rules.isToken)) return false;
  return ![prefix, errorOutputPrefix].some((written) => mayWriteUnder(written, resultsPrefix));
}

function eventTypePartitioning(retrySeconds: number | undefined): Partial<KinesisFirehoseDeliveryStreamExtendedS3Configuration> {
  return {
    dynamicPartitioningConfiguration: {
      enabled: true,
      retryDuration: retrySeconds ?? defaults.DEFAULT_PARTITIONING_RETRY_SECONDS,
    },
    processingConfiguration: {
      enabled: true,
      processors: [
        {
          type: "MetadataExtraction",
          parameters: [
            { parameterName: "MetadataExtractionQuery", parameterValue: defaults.EVENT_TYPE_PARTITION_QUERY },
            { parameterName: "JsonParsingEngine", parameterValue: "JQ-1.6" },
          ],
        },
      ],
    },
  };
}

/**
 * A role's name, or a prefix for a generated one. A generated name stays when the prefix changes
 * (a renamed configuration set): replacing the role would leave SES or Firehose without it between
 * its deletion and the update of what uses it.
 */
function roleName(name: string | undefined, prefix: string): { name: string } | { namePrefix: string; lifecycle: { ignoreChanges: string[] } } {
  return name === undefined ? { namePrefix: prefix, lifecycle: { ignoreChanges: ["name_prefix"] } } : { name };
}

function checkProps(scope: string, props: SesFirehoseEventDestinationProps): void {
  const problems = new rules.Problems();
  problems.check("configurationSetName", props.configurationSetName, rules.SES_NAME);
  problems.check("eventDestinationName", props.eventDestinationName, rules.SES_NAME);
  checkEventTypes(problems, props.eventTypes);
  problems.check("deliveryStreamArn", props.deliveryStreamArn, rules.DELIVERY_STREAM_ARN);
  problems.check("sesRoleArn", props.sesRoleArn, rules.ROLE_ARN);
  problems.check("sesRoleName", props.sesRoleName, rules.ROLE_NAME);
  problems.check("sesRolePath", props.sesRolePath, rules.ROLE_PATH);
  rules.checkTags(problems, "tags", props.tags);

  problems.when(
    props.deliveryStreamArn !== undefined && props.deliveryStream !== undefined,
    "deliveryStreamArn and deliveryStream are both set: deliveryStream configures the stream the module creates, deliveryStreamArn uses an existing one; remove one of them.",
  );
  problems.when(
    props.sesRoleArn !== undefined && props.sesRoleName !== undefined,
    "sesRoleArn and sesRoleName are both set: sesRoleName names the role the module creates, sesRoleArn uses an existing one; remove one of them.",
  );
  problems.when(
    props.sesRoleArn !== undefined && props.sesRolePath !== undefined,
    "sesRoleArn and sesRolePath are both set: sesRolePath places the role the module creates, sesRoleArn uses an existing one; remove one of them.",
  );
  if (props.deliveryStream !== undefined) checkDeliveryStream(problems, props.deliveryStream, analyticsOn(props));
  checkConfigurationSet(problems, props);
  if (props.alarms !== undefined) checkAlarms(problems, props);
  problems.when(
    monitoringOf(props).metricsDestination && props.eventDestinationName === defaults.METRICS_EVENT_DESTINATION_NAME,
    `eventDestinationName ${rules.show(props.eventDestinationName)} is the name of the CloudWatch event destination the alarms and the dashboard use; choose another name.`,
  );
  problems.when(
    props.dashboard?.enabled === true && props.deliveryStreamArn !== undefined,
    "dashboard.enabled is true with deliveryStreamArn: the dashboard is created only for a stream the module creates; remove one of them.",
  );
  if (props.importExisting !== undefined) checkImports(problems, props, props.importExisting);
  checkAnalytics(problems, props);
  problems.throwIfAny(scope);
}

function checkEventTypes(problems: rules.Problems, eventTypes: readonly string[] | undefined): void {
  if (eventTypes === undefined || rules.isToken(eventTypes)) return;
  const known: readonly string[] = defaults.DEFAULT_EVENT_TYPES;
  problems.whenAbout("eventTypes", eventTypes.length === 0, `[] is invalid: list at least one of ${known.join(", ")}.`);
  for (const type of eventTypes) {
    problems.whenAbout("eventTypes", !known.includes(type), `entry ${rules.show(type)} is invalid: use one of ${known.join(", ")}.`);
  }
  const repeated = eventTypes.filter((type, i) => eventTypes.indexOf(type) !== i);
  problems.whenAbout("eventTypes", repeated.length > 0, `lists ${[...new Set(repeated)].map(rules.plain).join(", ")} more than once: list each event type once.`);
}

function checkDeliveryStream(problems: rules.Problems, options: DeliveryStreamOptions, analyticsEnabled: boolean): void {
  const at = "deliveryStream";
  const delivery = deliveryLayout({ ...options, analyticsEnabled });
  const partitioned = delivery.partitioned;
  problems.check(`${at}.name`, options.name, rules.STREAM_NAME);
  problems.check(`${at}.bucketArn`, options.bucketArn, rules.BUCKET_ARN);
  problems.check(`${at}.kmsKeyArn`, options.kmsKeyArn, rules.KMS_KEY_ARN);
  problems.check(`${at}.roleName`, options.roleName, rules.ROLE_NAME);
  problems.check(`${at}.rolePath`, options.rolePath, rules.ROLE_PATH);
  problems.check(`${at}.compression`, options.compression, rules.oneOf(Object.values(FirehoseCompression)));
  problems.check(`${at}.bufferingIntervalSeconds`, options.bufferingIntervalSeconds, rules.integerBetween(0, 900), {
    test: (v) => !partitioned || v > 0,
    text: "Firehose offers no zero buffering with dynamic partitioning (partitionByEventType); use 1-900 or turn partitioning off",
  });
  problems.check(`${at}.format`, options.format, rules.oneOf(Object.values(EventFormat)));
  const parquet = delivery.format === EventFormat.PARQUET;
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
  problems.check(`${at}.compression`, parquet ? options.compression : undefined, {
    test: (v) => v === FirehoseCompression.UNCOMPRESSED,
    text: `Firehose compresses Parquet inside each object (Snappy) and needs the S3 compression UNCOMPRESSED (format "parquet"); remove it or set ${at}.format to "json"`,
  });
  problems.when(
    options.format === EventFormat.PARQUET && !analyticsEnabled,
    `${at}.format is "parquet" but the query layer is off (analytics.enabled is false, or ${at}.bucketArn is set without it): Firehose converts records with the event table as its schema; turn analytics on or set ${at}.format to "json".`,
  );
  problems.when(
    !parquet && options.jsonPrefix !== undefined,
    `${at}.jsonPrefix is set but format is "json": it names the JSON delivered before a switch to Parquet; remove it or set ${at}.format to "parquet".`,
  );
  problems.check(`${at}.jsonPrefix`, options.jsonPrefix, rules.maxLength(1024), rules.NO_TERRAFORM_TEMPLATE);
  checkSourceRecordBackup(problems, at, options, delivery);
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
  if (options.bucket !== undefined) checkEventBucketOptions(problems, `${at}.bucket`, options.bucket);
}

const SOURCE_RECORDS_PREFIX = rules.pattern(
  /^[^!/][^]{0,1022}\/$/u,
  "use 1-1024 characters that start with a literal folder of their own and end with '/'",
);

function checkSourceRecordBackup(problems: rules.Problems, at: string, options: DeliveryStreamOptions, delivery: DeliveryLayout): void {
  const backup = options.sourceRecordBackup;
  if (backup === undefined) return;
  const setting = `${at}.sourceRecordBackup`;
  problems.check(`${setting}.prefix`, backup.prefix, SOURCE_RECORDS_PREFIX, rules.NO_TERRAFORM_TEMPLATE, {
    test: (p) => !p.includes("partitionKeyFromQuery") && !p.includes("!{firehose:error-output-type}"),
    text: "the source records are not partitioned and have no error type: use only !{timestamp:...} expressions",
  });
  problems.check(`${setting}.expirationDays`, backup.expirationDays, rules.integerBetween(1, 36500));
  problems.when(
    delivery.sourceRecords === undefined && (backup.prefix !== undefined || backup.expirationDays !== undefined),
    `${setting}.prefix or .expirationDays is set but the backup is off (${setting}.enabled is false, or format is "json"); remove them or set ${setting}.enabled to true.`,
  );
  const records = delivery.sourceRecords;
  if (records === undefined || rules.isToken(records.prefix) || !SOURCE_RECORDS_PREFIX.test(records.prefix)) return;
  const literal = literalFolder(records.prefix);
  const written: Array<[string, string | undefined]> = [
    [`${at}.prefix`, delivery.prefix],
    [`${at}.jsonPrefix`, delivery.jsonPrefix],
    [`${at}.errorOutputPrefix`, options.errorOutputPrefix ?? defaults.DEFAULT_ERROR_OUTPUT_PREFIX],
  ];
  for (const [name, prefix] of written) {
    problems.when(
      prefix !== undefined && !rules.isToken(prefix) && (mayWriteUnder(prefix, literal) || mayWriteUnder(records.prefix, literalFolder(prefix))),
      `${setting}.prefix ${rules.show(records.prefix)} is invalid: it overlaps ${name} ${rules.show(prefix)}, so the source records' expiration would delete those objects or a table would read the backup; use a folder of its own, such as "source-records/".`,
    );
  }
}

/** The folder a prefix starts with, up to its last '/' before any expression. */
function literalFolder(prefix: string): string {
  const expression = prefix.indexOf("!{");
  return expression < 0 ? prefix : prefix.slice(0, prefix.lastIndexOf("/", expression) + 1);
}

function checkAlarms(problems: rules.Problems, props: SesFirehoseEventDestinationProps): void {
  const alarms = props.alarms!;
  problems.check("alarms.snsTopicArn", alarms.snsTopicArn, rules.SNS_TOPIC_ARN);
  problems.check("alarms.periodSeconds", alarms.periodSeconds, rules.integerBetween(60, 86400), {
    test: (v) => v % 60 === 0,
    text: "use a multiple of 60",
  });
  const interval = props.deliveryStream?.bufferingIntervalSeconds ?? defaults.DEFAULT_BUFFERING_INTERVAL_SECONDS;
  const normalDelay = interval * defaults.NORMAL_DELIVERY_DELAY_FACTOR;
  problems.check("alarms.freshnessThresholdSeconds", alarms.freshnessThresholdSeconds, rules.integerBetween(60, 86400), {
    test: (v) => rules.isToken(interval) || v > normalDelay,
    text: `it must exceed ${normalDelay} s (1.5 times the ${interval} s buffering interval, a normal delivery delay), or the alarm fires on normal deliveries`,
  });
  problems.when(
    (alarms.enabled ?? defaults.DEFAULT_ALARMS_ENABLED) && props.deliveryStreamArn !== undefined,
    "alarms.enabled is true with deliveryStreamArn: alarms are created only for a stream the module creates; set alarms on your own stream instead.",
  );
  const rate = (example: string) => ({
    test: (v: number) => typeof v === "number" && v > 0 && v <= 1,
    text: `use a rate above 0 and at most 1, such as ${example}`,
  });
  problems.check("alarms.bounceRateThreshold", alarms.bounceRateThreshold, rate("0.025 for 2.5%"));
  problems.check("alarms.complaintRateThreshold", alarms.complaintRateThreshold, rate("0.0005 for 0.05%"));
  const monitoring = monitoringOf(props);
  const given = givenSet(props);
  const managed = given !== undefined || (props.createConfigurationSet ?? defaults.DEFAULT_CREATE_CONFIGURATION_SET);
  problems.when(
    monitoring.reputationAlarms && managed && !monitoring.reputationMetrics,
    `alarms.reputation is ${alarms.reputation === undefined ? "on by default" : "true"} but ${given === undefined ? "configurationSet.reputationMetrics is false" : "the given ConfigurationSet has reputationMetrics false"}: SES publishes a set's Reputation.BounceRate and Reputation.ComplaintRate only with reputation metrics on; turn them on, or set alarms.reputation to false.`,
  );
  const eventTypes = props.eventTypes ?? defaults.DEFAULT_EVENT_TYPES;
  problems.when(
    alarms.silentPipeline === true && !rules.isToken(eventTypes) && !eventTypes.includes(SesEventType.SEND),
    "alarms.silentPipeline is true but eventTypes does not list SEND: the alarm expects a record in the stream for each hour with sends; list SEND in eventTypes or set alarms.silentPipeline to false.",
  );
  problems.when(
    alarms.silentPipeline === true && props.enabled === false,
    "alarms.silentPipeline is true but enabled is false: a destination that publishes nothing would raise the alarm whenever SES sends; set alarms.silentPipeline to false while publishing is off.",
  );
}

function checkConfigurationSet(problems: rules.Problems, props: SesFirehoseEventDestinationProps): void {
  const given = givenSet(props);
  const set = props.configurationSet;
  if (given !== undefined) {
    const name = given.resource.configurationSetNameInput;
    problems.when(
      name !== undefined && !rules.isToken(name) && !rules.isToken(props.configurationSetName) && name !== props.configurationSetName,
      `configurationSet is the ConfigurationSet ${rules.show(name)} but configurationSetName is ${rules.show(props.configurationSetName)}: the event destination and the SES role name the set; make them the same.`,
    );
    problems.when(
      props.createConfigurationSet === false,
      "configurationSet is a ConfigurationSet construct and createConfigurationSet is false: the given set is used as it is; remove createConfigurationSet.",
    );
    problems.when(
      props.importExisting?.configurationSet === true,
      "importExisting.configurationSet is true with a ConfigurationSet construct as configurationSet: the construct imports its own set (its importExisting prop); remove one of them.",
    );
    return;
  }
  if (set === undefined) return;
  checkConfigurationSetOptions(problems, "configurationSet.", set);
  problems.when(
    props.createConfigurationSet === false && hasConfigurationSetOptions(set),
    "configurationSet is set but createConfigurationSet is false: options apply only to a set the module creates, and an existing set keeps its own; remove configurationSet, or adopt the set with importExisting.configurationSet.",
  );
}

function checkAnalytics(problems: rules.Problems, props: SesFirehoseEventDestinationProps): void {
  const analytics = props.analytics ?? {};
  if (props.analytics !== undefined) checkEventAnalyticsOptions(problems, "analytics.", analytics);
  if (props.deliveryStreamArn !== undefined) {
    problems.when(
      analytics.enabled === true,
      "analytics.enabled is true with deliveryStreamArn: the table follows the prefix and bucket of a stream the module creates; remove one of them.",
    );
    return;
  }
  const options = props.deliveryStream ?? {};
  if (!(analytics.enabled ?? options.bucketArn === undefined)) return;
  problems.when(
    options.bucketArn !== undefined && rules.isToken(options.bucketArn),
    "analytics.enabled is true with a deliveryStream.bucketArn that is a Terraform token: the table's location needs the bucket's name at synth time; give the ARN as a literal or set analytics.enabled to false.",
  );
  problems.when(
    analytics.workgroupName === undefined && nameBase(props.configurationSetName) === defaults.ATHENA_PRIMARY_WORKGROUP,
    `analytics.workgroupName defaults to "${defaults.ATHENA_PRIMARY_WORKGROUP}" from configurationSetName ${rules.show(props.configurationSetName)}, the workgroup every account and Region already has; set analytics.workgroupName.`,
  );
  const delivery = deliveryLayout({ ...options, analyticsEnabled: true });
  checkAnalyticsLayout(problems, {
    prefix: ["deliveryStream.prefix", delivery.prefix],
    errorOutputPrefix: ["deliveryStream.errorOutputPrefix", options.errorOutputPrefix ?? defaults.DEFAULT_ERROR_OUTPUT_PREFIX],
    compression: ["deliveryStream.compression", delivery.compression],
    resultsPrefix: ["analytics.resultsPrefix", analytics.resultsPrefix ?? defaults.DEFAULT_RESULTS_PREFIX],
    format: delivery.format,
  });
  if (delivery.jsonPrefix !== undefined) {
    checkAnalyticsLayout(problems, {
      prefix: ["deliveryStream.jsonPrefix", delivery.jsonPrefix],
      errorOutputPrefix: ["deliveryStream.errorOutputPrefix", options.errorOutputPrefix ?? defaults.DEFAULT_ERROR_OUTPUT_PREFIX],
      compression: ["deliveryStream.compression", defaults.DEFAULT_COMPRESSION],
      resultsPrefix: ["analytics.resultsPrefix", analytics.resultsPrefix ?? defaults.DEFAULT_RESULTS_PREFIX],
    });
  }
}

function checkImports(problems: rules.Problems, props: SesFirehoseEventDestinationProps, imports: ImportExistingOptions): void {
  problems.when(
    imports.configurationSet === true && props.createConfigurationSet !== false && props.configurationSet === undefined,
    "importExisting.configurationSet is true but configurationSet is not set: Terraform clears every delivery, suppression, tracking and VDM option of the existing set that the configuration leaves out, so state the options the set has (tlsPolicy, dedicatedIpPool, maxDeliveryDurationSeconds, suppressionReasons or disableSuppressionList, customTrackingRedirectDomain and customTrackingHttpsPolicy, vdmOptions; configurationSet {} for a set with none).",
  );
  problems.when(
    imports.configurationSet === true && props.createConfigurationSet === false,
    "importExisting.configurationSet is true but createConfigurationSet is false: only a configuration set the module manages can be imported.",
  );
  problems.when(
    imports.deliveryStream === true && props.deliveryStreamArn !== undefined,
    "importExisting.deliveryStream is true with deliveryStreamArn: an existing stream passed by ARN is used as it is; remove one of them.",
  );
  checkRoleImport(problems, "importExisting.sesRole", imports.sesRole, { name: "sesRoleName", path: "sesRolePath" }, props.sesRoleName, props.sesRolePath);
  problems.when(
    imports.sesRole !== undefined && imports.sesRole !== false && props.sesRoleArn !== undefined,
    "importExisting.sesRole is set with sesRoleArn: a role passed by sesRoleArn is used as it is, not imported; remove one of them.",
  );
  problems.when(
    imports.deliveryStream === true && props.deliveryStreamArn === undefined && props.deliveryStream?.partitionByEventType === undefined,
    "importExisting.deliveryStream is true but deliveryStream.partitionByEventType is not set: Firehose turns dynamic partitioning on only when it creates a stream, so set it as the existing stream has it (false for a stream created without dynamic partitioning, as the console does by default), or Terraform replaces the stream.",
  );
  problems.when(
    imports.deliveryLogs === true && (props.deliveryStreamArn !== undefined || props.deliveryStream?.logging === false),
    "importExisting.deliveryLogs is true but the module creates no delivery-error logs (deliveryStreamArn is set or deliveryStream.logging is false): remove it.",
  );
  checkRoleImport(
    problems,
    "importExisting.deliveryRole",
    imports.deliveryRole,
    { name: "deliveryStream.roleName", path: "deliveryStream.rolePath" },
    props.deliveryStream?.roleName,
    props.deliveryStream?.rolePath,
  );
  problems.when(
    imports.deliveryRole !== undefined && imports.deliveryRole !== false && props.deliveryStreamArn !== undefined,
    "importExisting.deliveryRole is set with deliveryStreamArn: the module creates no Firehose role for an existing stream; remove it.",
  );
}

/** A role to import is named by its settings or by its ARN; both, when given, must agree. */
function checkRoleImport(
  problems: rules.Problems,
  setting: string,
  imported: boolean | string | undefined,
  settings: { name: string; path: string },
  name: string | undefined,
  path: string | undefined,
): void {
  problems.when(
    imported === true && name === undefined,
    `${setting} is true but ${settings.name} is not set: name the existing role to import (its name is the import ID), or give its ARN as ${setting}.`,
  );
  if (typeof imported !== "string") return;
  problems.check(setting, imported, rules.ROLE_ARN);
  const parts = rules.roleArnParts(imported);
  if (parts === undefined) return;
  problems.when(
    name !== undefined && !rules.isToken(name) && name !== parts.name,
    `${setting} ${rules.show(imported)} names the role ${rules.show(parts.name)} but ${settings.name} is ${rules.show(name)}: the import ID and the role must be the same; remove ${settings.name} or make them agree.`,
  );
  problems.when(
    path !== undefined && !rules.isToken(path) && path !== parts.path,
    `${setting} ${rules.show(imported)} has the path ${rules.show(parts.path)} but ${settings.path} is ${rules.show(path)}: Terraform would replace the role to move it; remove ${settings.path} or make them agree.`,
  );
}
