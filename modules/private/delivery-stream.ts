import { Construct } from "constructs";
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
import * as defaults from "./defaults";
import { defined } from "./defined";
import { mayWriteUnder } from "./event-layout";
import { roleName } from "./helpers";
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
  readonly logGroup?: CloudwatchLogGroup | undefined;
  readonly analytics?: EventAnalytics | undefined;
}

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
  const keepDerivedName = stream.nameDerived ? { lifecycle: { ignoreChanges: ["name"] } } : {};

  const bucket =
    stream.bucketArn === undefined
      ? new EventBucket(scope, "Bucket", defined({
          ...stream.options.bucket,
          bucketPrefix: stream.options.bucket?.bucketPrefix ?? `${baseName.slice(0, 36)}-`,
          kmsKeyArn: stream.kmsKeyArn,
          queryResults: keepsResultsExpiring(resolved) ? { ...resolved.queryResults } : undefined,
          tags,
          provider,
        }))
      : undefined;
  const bucketArn = bucket?.bucketArn ?? stream.bucketArn!;
  const lake = stream.lake;
  // A source of a lake writes under its own account and Region there, the lake key on its objects.
  const prefix = lake === undefined ? stream.prefix : lakePrefix(aws.accountId, aws.region);
  const errorOutputPrefix = lake === undefined ? stream.errorOutputPrefix : lakeErrorOutputPrefix(aws.accountId, aws.region);
  const objectKeyArn = lake === undefined ? stream.kmsKeyArn : lake.kmsKeyArn;

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
  if (lake === undefined && stream.kmsKeyArn !== undefined) {
    statements.push({
      Sid: "EncryptEventObjects",
      Effect: "Allow",
      Action: ["kms:GenerateDataKey", "kms:Decrypt"],
      Resource: [stream.kmsKeyArn],
      Condition: {
        StringEquals: { "kms:ViaService": `s3.${aws.region}.${aws.dnsSuffix}` },
        StringLike: { "kms:EncryptionContext:aws:s3:arn": [bucketArn, `${bucketArn}/*`] },
      },
    });
  }

  const logs = stream.logging ? createDeliveryLogs(scope, resolved, aws, keepDerivedName) : undefined;
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
      stream.kmsKeyArn === undefined
        ? { enabled: true, keyType: defaults.DEFAULT_STREAM_ENCRYPTION_KEY_TYPE }
        : { enabled: true, keyType: "CUSTOMER_MANAGED_CMK", keyArn: stream.kmsKeyArn },
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
    }),
    tags,
    ...keepDerivedName,
    dependsOn: [rolePolicy],
    provider,
  }));
  if (imports.deliveryStream) {
    deliveryStream.importFrom(aws.arn("firehose", `deliverystream/${stream.name}`), provider);
  }

  const eventsBucketName = bucket?.bucketName ?? bucketArn.slice(bucketArn.lastIndexOf(":") + 1);
  const queries =
    analytics === undefined
      ? undefined
      : new EventAnalytics(scope, "Analytics", defined({
          ...analytics.options,
          prefix: stream.prefix,
          errorOutputPrefix: stream.errorOutputPrefix,
          compression: stream.compression,
          eventTypes: resolved.props.eventTypes,
          eventsBucketName,
          eventsBucketArn: bucketArn,
          resultsBucket: bucket === undefined ? undefined : { bucketName: bucket.bucketName, bucketArn: bucket.bucketArn },
          kmsKeyArn: stream.kmsKeyArn,
          nameBase: baseName,
          tags,
          provider,
        }));
  return { stream: deliveryStream, role, rolePolicy, bucket, logGroup: logs?.logGroup, analytics: queries };
}

/** The delivery role's statements on a lake: its own folders there, the lake key through S3. */
function lakeStatements(lake: NonNullable<ResolvedStream["lake"]>, bucketArn: string, aws: AwsContext): PolicyStatement[] {
  const keyAccount = lake.kmsKeyArn === undefined || isToken(lake.kmsKeyArn) ? undefined : arnField(lake.kmsKeyArn, 4);
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
function createDeliveryLogs(scope: Construct, resolved: ResolvedDestination, aws: AwsContext, keepDerivedName: object): DeliveryLogs {
  const { provider } = resolved;
  const stream = resolved.stream;
  const logGroup = new CloudwatchLogGroup(scope, "LogGroup", defined({
    name: `${defaults.LOG_GROUP_PREFIX}${stream.name}`,
    retentionInDays: stream.logRetentionDays,
    kmsKeyId: stream.kmsKeyArn,
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
