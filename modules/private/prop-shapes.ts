import type { ConfigurationSetOptions, ConfigurationSetProps, VdmOptions } from "../configuration-set";
import type { DeliveryAlarmOptions, DeliveryAlarmsProps } from "../delivery-alarms";
import type { EventAnalyticsOptions, EventAnalyticsProps } from "../event-analytics";
import type { EventKeyProps } from "../event-key";
import type { EventBucketLifecycle, EventBucketOptions, EventBucketProps } from "../event-bucket";
import type { PipelineDashboardOptions, PipelineDashboardProps } from "../pipeline-dashboard";
import type { SesEventLakeProps } from "../ses-event-lake";
import type { DeliveryStreamOptions, ImportExistingOptions } from "../delivery-stream-options";
import type { SesFirehoseEventDestinationProps } from "../ses-firehose-event-destination";
import { PropShape, orConstruct } from "./validation";

/*
 * The props of every exported construct, by name, with the kind of value each takes, for
 * checkKnownProps: each typed against its interface, so a prop added to an interface, or a kind that
 * does not match a prop's type, fails `tsc` until it is set right here. Props that extend one another
 * spread the shape they extend.
 */

const VDM_OPTIONS: PropShape<VdmOptions> = { engagementMetrics: "flag", optimizedSharedDelivery: "flag" };

const CONFIGURATION_SET_OPTIONS: PropShape<ConfigurationSetOptions> = {
  reputationMetrics: "flag",
  sendingEnabled: "boolean",
  tlsPolicy: "choice",
  suppressionReasons: "choice",
  disableSuppressionList: "flag",
  customTrackingRedirectDomain: "string",
  customTrackingHttpsPolicy: "choice",
  dedicatedIpPool: "string",
  maxDeliveryDurationSeconds: "number",
  vdmOptions: VDM_OPTIONS,
};

export const CONFIGURATION_SET_PROPS: PropShape<ConfigurationSetProps> = {
  ...CONFIGURATION_SET_OPTIONS,
  configurationSetName: "string!",
  importExisting: "flag",
  tags: "stringMap",
  provider: "provider",
};

const LIFECYCLE: PropShape<EventBucketLifecycle> = {
  abortIncompleteMultipartUploadDays: "number",
  transitionToInfrequentAccessDays: "number",
  expirationDays: "number",
  noncurrentVersionExpirationDays: "number",
};

const EVENT_BUCKET_OPTIONS: PropShape<EventBucketOptions> = {
  bucketPrefix: "string",
  forceDestroy: "boolean",
  accessLogBucketName: "string",
  accessLogPrefix: "string",
  lifecycle: LIFECYCLE,
};

export const EVENT_BUCKET_PROPS: PropShape<EventBucketProps> = {
  ...EVENT_BUCKET_OPTIONS,
  bucketPrefix: "string!",
  kmsKeyArn: "string",
  queryResults: { prefix: "string!", expirationDays: "number!" },
  bucketName: "string",
  sourceRecords: { prefix: "string!", expirationDays: "number!" },
  policyStatements: "function",
  tags: "stringMap",
  provider: "provider",
};

const DELIVERY_ALARM_OPTIONS: PropShape<DeliveryAlarmOptions> = {
  enabled: "flag",
  snsTopicArn: "string",
  freshnessThresholdSeconds: "number",
  periodSeconds: "number",
  reputation: "flag",
  bounceRateThreshold: "number",
  complaintRateThreshold: "number",
  silentPipeline: "flag",
};

const { enabled: _alarmsEnabled, ...ALARMS_WITHOUT_ENABLED } = DELIVERY_ALARM_OPTIONS;
export const DELIVERY_ALARMS_PROPS: PropShape<DeliveryAlarmsProps> = {
  ...ALARMS_WITHOUT_ENABLED,
  deliveryStreamName: "string!",
  topicKmsKeyArn: "string",
  topicNamePrefix: "string",
  configurationSetName: "string",
  tags: "stringMap",
  provider: "provider",
};

const PIPELINE_DASHBOARD_OPTIONS: PropShape<PipelineDashboardOptions> = { enabled: "flag" };

export const PIPELINE_DASHBOARD_PROPS: PropShape<PipelineDashboardProps> = {
  configurationSetName: "string!",
  deliveryStreamName: "string!",
  dashboardName: "string",
  region: "string!",
  reputationMetrics: "flag!",
  partitioned: "flag!",
  bounceRateThreshold: "number",
  complaintRateThreshold: "number",
  provider: "provider",
};

const EVENT_ANALYTICS_OPTIONS: PropShape<EventAnalyticsOptions> = {
  enabled: "flag",
  databaseName: "string",
  tableName: "string",
  workgroupName: "string",
  resultsPrefix: "string",
  resultsExpirationDays: "number",
  bytesScannedCutoffPerQuery: "number",
  firstYear: "number",
  queryWindowDays: "number",
  tagName: "string",
};

const { enabled: _analyticsEnabled, ...ANALYTICS_WITHOUT_ENABLED } = EVENT_ANALYTICS_OPTIONS;
export const EVENT_ANALYTICS_PROPS: PropShape<EventAnalyticsProps> = {
  ...ANALYTICS_WITHOUT_ENABLED,
  prefix: "string!",
  errorOutputPrefix: "string",
  compression: "choice!",
  format: "choice",
  columns: "list",
  jsonHistory: { prefix: "string!", compression: "choice!" },
  eventTypes: "strings",
  eventsBucketName: "string!",
  eventsBucketArn: "string!",
  resultsBucket: { bucketName: "string!", bucketArn: "string!" },
  kmsKeyArn: "string",
  nameBase: "string!",
  partitionValues: "stringLists",
  groupBy: "names",
  tags: "stringMap",
  provider: "provider",
};

const DELIVERY_STREAM_OPTIONS: PropShape<DeliveryStreamOptions> = {
  name: "string",
  bucketArn: "string",
  bucket: EVENT_BUCKET_OPTIONS,
  prefix: "string",
  errorOutputPrefix: "string",
  bufferingSizeMiB: "number",
  bufferingIntervalSeconds: "number",
  compression: "choice",
  format: "choice",
  jsonPrefix: "string",
  sourceRecordBackup: { enabled: "flag", prefix: "string", expirationDays: "number" },
  kmsKeyArn: "string",
  createKmsKey: "flag",
  partitionByEventType: "flag",
  partitioningRetrySeconds: "number",
  roleName: "string",
  rolePath: "string",
  logging: "flag",
  logRetentionDays: "number",
  lake: { bucketArn: "string!", kmsKeyArn: "string", accountId: "string" },
};

const IMPORT_EXISTING_OPTIONS: PropShape<ImportExistingOptions> = {
  configurationSet: "flag",
  eventDestination: "flag",
  deliveryStream: "flag",
  sesRole: "booleanOrString",
  deliveryRole: "booleanOrString",
  deliveryLogs: "flag",
};

export const DESTINATION_PROPS: PropShape<SesFirehoseEventDestinationProps> = {
  configurationSetName: "string!",
  createConfigurationSet: "flag",
  // A ConfigurationSet construct given here is not a plain object, and is not looked into.
  configurationSet: orConstruct({ ...CONFIGURATION_SET_OPTIONS }),
  eventDestinationName: "string",
  eventTypes: "strings",
  enabled: "boolean",
  deliveryStreamArn: "string",
  deliveryStream: DELIVERY_STREAM_OPTIONS,
  sesRoleArn: "string",
  sesRoleName: "string",
  sesRolePath: "string",
  alarms: DELIVERY_ALARM_OPTIONS,
  dashboard: PIPELINE_DASHBOARD_OPTIONS,
  analytics: EVENT_ANALYTICS_OPTIONS,
  importExisting: IMPORT_EXISTING_OPTIONS,
  tags: "stringMap",
  provider: "provider",
};

export const EVENT_KEY_PROPS: PropShape<EventKeyProps> = { purpose: "string!", preventDestroy: "flag", tags: "stringMap", provider: "provider" };

const { enabled: _lakeAnalyticsEnabled, ...LAKE_ANALYTICS_OPTIONS } = EVENT_ANALYTICS_OPTIONS;
export const SES_EVENT_LAKE_PROPS: PropShape<SesEventLakeProps> = {
  ...EVENT_BUCKET_OPTIONS,
  sourceAccountIds: "names",
  organizationId: "string",
  accountIds: "names",
  regions: "names!",
  createKmsKey: "flag",
  analytics: LAKE_ANALYTICS_OPTIONS,
  bucketName: "string",
  name: "string",
  tags: "stringMap",
  provider: "provider",
};
