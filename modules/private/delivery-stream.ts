import { Construct } from "constructs";
import { Annotations } from "cdktf";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CloudwatchLogStream } from "@cdktf/provider-aws/lib/cloudwatch-log-stream";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import {
  KinesisFirehoseDeliveryStream,
  KinesisFirehoseDeliveryStreamExtendedS3Configuration,
} from "@cdktf/provider-aws/lib/kinesis-firehose-delivery-stream";
import { AwsContext } from "../aws-context";
import { EventAnalytics } from "../event-analytics";
import { EventBucket } from "../event-bucket";
import { EventKey } from "../event-key";
import { EventFormat, FirehoseCompression } from "../ses-event-type";
import * as defaults from "./defaults";
import { defined } from "./defined";
import { PREFIX_OF_YOUR_OWN_WARNING, formatConversion } from "./event-format";
import { mayWriteUnder } from "./event-layout";
import { roleName } from "./helpers";
import { bucketNameOf } from "./names";
import { PolicyStatement, policyDocument, trustPolicy } from "./policy";
import { ResolvedDestination, ResolvedStream } from "./resolve";
import { lakeErrorOutputPrefix, lakePrefix, lakeSourceFolders } from "./lake-layout";
import { arnField, lakeSourceStatements } from "./lake-policies";
import { isToken } from "./validation";

/** What `createDeliveryStream` made. */
export interface CreatedStream {
  readonly stream: KinesisFirehoseDeliveryStream;
  readonly role: IamRole;
  readonly rolePolicy: IamRolePolicy;
  readonly bucket?: EventBucket | undefined;
  /** Name of the bucket the events land in, created or given by ARN. */
  readonly bucketName: string;
  readonly logGroup?: CloudwatchLogGroup | undefined;
  readonly analytics?: EventAnalytics | undefined;
  /** The key made with `createKmsKey`. */
  readonly key?: EventKey | undefined;
  /** The key that encrypts what was created: made or given. */
  readonly kmsKeyArn?: string | undefined;
}

/** `lifecycle.ignore_changes` on the name of what is named after the configuration set, or nothing. */
type KeepDerivedName = { lifecycle: { ignoreChanges: string[] } } | Record<string, never>;

/** The delivery-error log group and log stream, and what the stream and its role need of them. */
interface DeliveryLogs {
  readonly logGroup: CloudwatchLogGroup;
  readonly options: NonNullable<KinesisFirehoseDeliveryStreamExtendedS3Configuration["cloudwatchLoggingOptions"]>;
  readonly statement: PolicyStatement;
}

/**
 * The Firehose delivery stream with its bucket (unless given), delivery-error logs, role and
 * query layer, all in `scope`.
 */
export function createDeliveryStream(scope: Construct, resolved: ResolvedDestination, aws: AwsContext): CreatedStream {
  const { provider, tags, imports, baseName } = resolved;
  const stream = resolved.stream;
  const analytics = resolved.analytics;
  // A stream named after the set keeps its name when the set is renamed: a new name would replace
  // it, and Firehose does not promise to deliver what a deleted stream still buffers. Its log group
  // follows it, so that it keeps the delivery-error logs.
  const keepDerivedName: KeepDerivedName = stream.nameDerived ? { lifecycle: { ignoreChanges: ["name"] } } : {};
  const key = stream.createsKey
    ? new EventKey(scope, "Key", defined({
        purpose: `stream ${stream.name}`,
        // Like the bucket's: the key outlives a destroy unless the events may go too.
        preventDestroy: stream.options.bucket?.forceDestroy !== true,
        tags,
        provider,
      }))
    : undefined;
  const kmsKeyArn = key?.keyArn ?? stream.kmsKeyArn;
  const given = stream.options;
  if (given.format === undefined && given.prefix !== undefined && given.jsonPrefix === undefined && stream.format === EventFormat.PARQUET) {
    Annotations.of(scope).addWarning(PREFIX_OF_YOUR_OWN_WARNING);
  }

  const bucket =
    stream.bucketArn === undefined
      ? new EventBucket(scope, "Bucket", defined({
          ...stream.options.bucket,
          bucketPrefix: stream.options.bucket?.bucketPrefix ?? `${baseName.slice(0, 36)}-`,
          kmsKeyArn,
          queryResults: keepsResultsExpiring(resolved) ? { ...resolved.queryResults } : undefined,
          sourceRecords: stream.sourceRecords,
          tags,
          provider,
        }))
      : undefined;
  const bucketArn = bucket?.bucketArn ?? stream.bucketArn!;
  const lake = stream.lake;
  if (lake !== undefined && lake.accountId === undefined && lake.kmsKeyArn === undefined) Annotations.of(scope).addWarning(LAKE_ACCOUNT_UNKNOWN_WARNING);
  // A source of a lake writes under its own account and Region there, the lake key on its objects;
  // the stream's own key (given or made) encrypts only what stays here: the stream and its logs.
  const prefix = lake === undefined ? stream.prefix : lakePrefix(aws.accountId, aws.region);
  const errorOutputPrefix = lake === undefined ? stream.errorOutputPrefix : lakeErrorOutputPrefix(aws.accountId, aws.region);
  const objectKeyArn = lake === undefined ? kmsKeyArn : lake.kmsKeyArn;
  // The query layer comes first: with Parquet its table is the schema Firehose converts to.
  const queries = analytics === undefined ? undefined : createAnalytics(scope, resolved, bucket, bucketArn, kmsKeyArn);
  const schemaTable = stream.format === EventFormat.PARQUET ? queries : undefined;

  const statements: PolicyStatement[] = lake !== undefined ? lakeStatements(lake, bucketArn, aws) : [
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
  if (lake === undefined && kmsKeyArn !== undefined) {
    statements.push({
      Sid: "EncryptEventObjects",
      Effect: "Allow",
      Action: ["kms:GenerateDataKey", "kms:Decrypt"],
      Resource: [kmsKeyArn],
      Condition: {
        StringEquals: { "kms:ViaService": `s3.${aws.region}.${aws.dnsSuffix}` },
        StringLike: { "kms:EncryptionContext:aws:s3:arn": [bucketArn, `${bucketArn}/*`] },
      },
    });
  }

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

  const logs = stream.logging ? createDeliveryLogs(scope, resolved, aws, keepDerivedName, kmsKeyArn) : undefined;
  if (logs !== undefined) statements.push(logs.statement);

  const role = new IamRole(scope, "DeliveryRole", defined({
    ...roleName(stream.role.name, `${baseName.slice(0, 28)}-firehose-`),
    path: stream.role.path,
    description: `Lets Firehose deliver SES events of stream ${stream.name} to S3.`,
    assumeRolePolicy: trustPolicy("AllowFirehoseInThisAccount", "firehose.amazonaws.com", {
      StringEquals: { "sts:ExternalId": aws.accountId },
    }),
    tags,
    provider,
  }));
  if (imports.deliveryRole) role.importFrom(stream.role.name!, provider);
  if (lake === undefined) key?.allowDeliveryThroughS3(role.arn, bucketArn);
  if (logs !== undefined) key?.allowLogGroups(defaults.LOG_GROUP_PREFIX);
  const rolePolicy = new IamRolePolicy(scope, "DeliveryRolePolicy", defined({
    name: defaults.DELIVERY_ROLE_POLICY_NAME,
    role: role.id,
    policy: policyDocument(...statements),
    provider,
  }));

  const deliveryStream = new KinesisFirehoseDeliveryStream(scope, "Stream", defined({
    name: stream.name,
    destination: "extended_s3",
    serverSideEncryption:
      kmsKeyArn === undefined
        ? { enabled: true, keyType: defaults.DEFAULT_STREAM_ENCRYPTION_KEY_TYPE }
        : { enabled: true, keyType: "CUSTOMER_MANAGED_CMK", keyArn: kmsKeyArn },
    extendedS3Configuration: defined({
      roleArn: role.arn,
      bucketArn,
      prefix,
      errorOutputPrefix,
      bufferingSize: stream.bufferingSizeMiB,
      bufferingInterval: stream.bufferingIntervalSeconds,
      compressionFormat: stream.compression,
      kmsKeyArn: objectKeyArn,
      cloudwatchLoggingOptions: logs?.options ?? { enabled: false },
      ...(stream.partitioned ? eventTypePartitioning(stream) : {}),
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
      ...(stream.sourceRecords === undefined
        ? {}
        : {
            // The records as SES wrote them, so that a field the table lacks can be recovered.
            s3BackupMode: "Enabled",
            s3BackupConfiguration: defined({
              roleArn: role.arn,
              bucketArn,
              prefix: stream.sourceRecords.prefix,
              errorOutputPrefix: stream.errorOutputPrefix,
              compressionFormat: FirehoseCompression.GZIP,
              bufferingSize: stream.bufferingSizeMiB,
              bufferingInterval: stream.bufferingIntervalSeconds,
              kmsKeyArn,
              cloudwatchLoggingOptions: logs?.options ?? { enabled: false },
            }),
          }),
    }),
    tags,
    ...keepDerivedName,
    dependsOn: [rolePolicy],
    provider,
  }));
  if (imports.deliveryStream) {
    deliveryStream.importFrom(aws.arn("firehose", `deliverystream/${stream.name}`), provider);
  }

  return { stream: deliveryStream, role, rolePolicy, bucket, bucketName: eventsBucketName(bucket, bucketArn), logGroup: logs?.logGroup, analytics: queries, key, kmsKeyArn };
}

/** Name of the bucket the events land in: the bucket made, or the one its ARN names. */
function eventsBucketName(bucket: EventBucket | undefined, bucketArn: string): string {
  return bucket?.bucketName ?? bucketNameOf(bucketArn);
}

/** The query layer over what the stream writes: the Parquet table (and a table over the JSON before it) or the JSON table. */
function createAnalytics(
  scope: Construct,
  resolved: ResolvedDestination,
  bucket: EventBucket | undefined,
  bucketArn: string,
  kmsKeyArn: string | undefined,
): EventAnalytics {
  const { provider, tags, baseName } = resolved;
  const stream = resolved.stream;
  const { enabled: _enabled, ...options } = resolved.analytics!.options;
  return new EventAnalytics(scope, "Analytics", defined({
    ...options,
    prefix: stream.prefix,
    errorOutputPrefix: stream.errorOutputPrefix,
    compression: stream.compression,
    format: stream.format,
    jsonHistory: stream.jsonPrefix === undefined ? undefined : { prefix: stream.jsonPrefix, compression: defaults.DEFAULT_COMPRESSION },
    eventTypes: resolved.props.eventTypes,
    eventsBucketName: eventsBucketName(bucket, bucketArn),
    eventsBucketArn: bucketArn,
    resultsBucket: bucket === undefined ? undefined : { bucketName: bucket.bucketName, bucketArn: bucket.bucketArn },
    kmsKeyArn,
    nameBase: baseName,
    tags,
    provider,
  }));
}

/** The warning of a lake source whose delivery role may write to a bucket of the lake's name in any account. */
export const LAKE_ACCOUNT_UNKNOWN_WARNING =
  "deliveryStream.lake gives neither accountId nor kmsKeyArn, so the delivery role may write to a bucket of this name in any account (s3:ResourceAccount is not checked); set deliveryStream.lake.accountId to the lake's account (SesEventLake.accountId).";

/** The delivery role's statements on a lake: its own folders there, the lake key through S3. */
function lakeStatements(lake: NonNullable<ResolvedStream["lake"]>, bucketArn: string, aws: AwsContext): PolicyStatement[] {
  // The key is in the lake's account: its ARN names it, also when the ARN is known only at apply.
  const keyAccount = lake.kmsKeyArn === undefined ? undefined : arnField(lake.kmsKeyArn, 4);
  return lakeSourceStatements({
    bucketArn,
    folders: lakeSourceFolders(aws.accountId, aws.region),
    kmsKeyArn: lake.kmsKeyArn,
    lakeAccountId: lake.accountId ?? keyAccount,
    keyRegion: lake.kmsKeyArn === undefined ? undefined : arnField(lake.kmsKeyArn, 3),
    dnsSuffix: aws.dnsSuffix,
  });
}

/** The delivery-error log group `/aws/kinesisfirehose/<stream>` and its log stream, imported on request. */
function createDeliveryLogs(
  scope: Construct,
  resolved: ResolvedDestination,
  aws: AwsContext,
  keepDerivedName: KeepDerivedName,
  kmsKeyArn: string | undefined,
): DeliveryLogs {
  const { provider } = resolved;
  const stream = resolved.stream;
  const logGroup = new CloudwatchLogGroup(scope, "LogGroup", defined({
    name: `${defaults.LOG_GROUP_PREFIX}${stream.name}`,
    retentionInDays: stream.logRetentionDays,
    kmsKeyId: kmsKeyArn,
    tags: resolved.tags,
    ...keepDerivedName,
    provider,
  }));
  const logStream = new CloudwatchLogStream(scope, "LogStream", defined({
    name: defaults.DELIVERY_LOG_STREAM_NAME,
    logGroupName: logGroup.name,
    provider,
  }));
  if (resolved.imports.deliveryLogs) {
    logGroup.importFrom(`${defaults.LOG_GROUP_PREFIX}${stream.name}`, provider);
    logStream.importFrom(`${defaults.LOG_GROUP_PREFIX}${stream.name}:${defaults.DELIVERY_LOG_STREAM_NAME}`, provider);
  }
  const logGroupName = logGroup.name;
  const logStreamName = logStream.name;
  return {
    logGroup,
    options: { enabled: true, logGroupName, logStreamName },
    statement: {
      Sid: "WriteDeliveryErrorLogs",
      Effect: "Allow",
      Action: ["logs:PutLogEvents"],
      Resource: [aws.arn("logs", `log-group:${logGroupName}:log-stream:${logStreamName}`)],
    },
  };
}

/**
 * Whether the event bucket keeps the `query-results` lifecycle rule. With the query layer on it is
 * checked to stay clear of the events; with it off it stays, so that results written while it was
 * on still expire, unless the stream may now write events under it (a literal check; a token, never).
 */
function keepsResultsExpiring(resolved: ResolvedDestination): boolean {
  if (resolved.analytics !== undefined) return true;
  const { prefix, errorOutputPrefix } = resolved.stream;
  const resultsPrefix = resolved.queryResults.prefix;
  if ([prefix, errorOutputPrefix, resultsPrefix].some(isToken)) return false;
  return ![prefix, errorOutputPrefix].some((written) => mayWriteUnder(written, resultsPrefix));
}

function eventTypePartitioning(stream: ResolvedStream): Partial<KinesisFirehoseDeliveryStreamExtendedS3Configuration> {
  return {
    dynamicPartitioningConfiguration: {
      enabled: true,
      retryDuration: stream.partitioningRetrySeconds,
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
