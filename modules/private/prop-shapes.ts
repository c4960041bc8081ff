import type { ConfigurationSetOptions, ConfigurationSetProps, VdmOptions } from "../configuration-set";
import type { DeliveryAlarmOptions, DeliveryAlarmsProps } from "../delivery-alarms";
import type { EventAnalyticsOptions, EventAnalyticsProps } from "../event-analytics";
import type { EventKeyProps } from "../event-key";
import type { EventBucketLifecycle, EventBucketOptions, EventBucketProps } from "../event-bucket";
import type { PipelineDashboardOptions, PipelineDashboardProps } from "../pipeline-dashboard";
import type { SesEventLakeProps } from "../ses-event-lake";
import type { DeliveryStreamOptions, ImportExistingOptions } from "../delivery-stream-options";
import type { SesFirehoseEventDestinationProps } from "../ses-firehose-event-destination";
import type { PropShape } from "./validation";

/*
 * The props of every exported construct, by name, for checkKnownProps: each typed against its
 * interface, so a prop added to an interface fails `tsc` until it is added here. Props that extend
 * one another spread the shape they extend.
 */

const VDM_OPTIONS: PropShape<VdmOptions> = { engagementMetrics: true, optimizedSharedDelivery: true };

const CONFIGURATION_SET_OPTIONS: PropShape<ConfigurationSetOptions> = {
  reputationMetrics: true,
  sendingEnabled: true,
  tlsPolicy: true,
  suppressionReasons: true,
  disableSuppressionList: true,
  customTrackingRedirectDomain: true,
  customTrackingHttpsPolicy: true,
  dedicatedIpPool: true,
  maxDeliveryDurationSeconds: true,
  vdmOptions: VDM_OPTIONS,
};

export const CONFIGURATION_SET_PROPS: PropShape<ConfigurationSetProps> = {
  ...CONFIGURATION_SET_OPTIONS,
  configurationSetName: true,
  importExisting: true,
  tags: true,
  provider: true,
};

const LIFECYCLE: PropShape<EventBucketLifecycle> = {
  abortIncompleteMultipartUploadDays: true,
  transitionToInfrequentAccessDays: true,
  expirationDays: true,
  noncurrentVersionExpirationDays: true,
};

const EVENT_BUCKET_OPTIONS: PropShape<EventBucketOptions> = {
  bucketPrefix: true,
  forceDestroy: true,
  accessLogBucketName: true,
  accessLogPrefix: true,
  lifecycle: LIFECYCLE,
};

export const EVENT_BUCKET_PROPS: PropShape<EventBucketProps> = {
  ...EVENT_BUCKET_OPTIONS,
  kmsKeyArn: true,
  queryResults: { prefix: true, expirationDays: true },
  bucketName: true,
  sourceRecords: { prefix: true, expirationDays: true },
  policyStatements: true,
  tags: true,
  provider: true,
};

const DELIVERY_ALARM_OPTIONS: PropShape<DeliveryAlarmOptions> = {
  enabled: true,
  snsTopicArn: true,
  freshnessThresholdSeconds: true,
  periodSeconds: true,
  reputation: true,
  bounceRateThreshold: true,
  complaintRateThreshold: true,
  silentPipeline: true,
};

const { enabled: _alarmsEnabled, ...ALARMS_WITHOUT_ENABLED } = DELIVERY_ALARM_OPTIONS;
export const DELIVERY_ALARMS_PROPS: PropShape<DeliveryAlarmsProps> = {
  ...ALARMS_WITHOUT_ENABLED,
  deliveryStreamName: true,
  topicKmsKeyArn: true,
  topicNamePrefix: true,
  configurationSetName: true,
  tags: true,
  provider: true,
};

const PIPELINE_DASHBOARD_OPTIONS: PropShape<PipelineDashboardOptions> = { enabled: true };

export const PIPELINE_DASHBOARD_PROPS: PropShape<PipelineDashboardProps> = {
  configurationSetName: true,
  deliveryStreamName: true,
  dashboardName: true,
  region: true,
  reputationMetrics: true,
  partitioned: true,
  bounceRateThreshold: true,
  complaintRateThreshold: true,
  provider: true,
};

const EVENT_ANALYTICS_OPTIONS: PropShape<EventAnalyticsOptions> = {
  enabled: true,
  databaseName: true,
  tableName: true,
  workgroupName: true,
  resultsPrefix: true,
  resultsExpirationDays: true,
  bytesScannedCutoffPerQuery: true,
  firstYear: true,
  queryWindowDays: true,
  tagName: true,
};

const { enabled: _analyticsEnabled, ...ANALYTICS_WITHOUT_ENABLED } = EVENT_ANALYTICS_OPTIONS;
export const EVENT_ANALYTICS_PROPS: PropShape<EventAnalyticsProps> = {
  ...ANALYTICS_WITHOUT_ENABLED,
  prefix: true,
  errorOutputPrefix: true,
  compression: true,
  format: true,
  columns: true,
  jsonHistory: { prefix: true, compression: true },
  eventTypes: true,
  eventsBucketName: true,
  eventsBucketArn: true,
  resultsBucket: { bucketName: true, bucketArn: true },
  kmsKeyArn: true,
  nameBase: true,
  partitionValues: true,
  groupBy: true,
  tags: true,
  provider: true,
};

const DELIVERY_STREAM_OPTIONS: PropShape<DeliveryStreamOptions> = {
  name: true,
  bucketArn: true,
  bucket: EVENT_BUCKET_OPTIONS,
  prefix: true,
  errorOutputPrefix: true,
  bufferingSizeMiB: true,
  bufferingIntervalSeconds: true,
  compression: true,
  format: true,
  jsonPrefix: true,
  sourceRecordBackup: { enabled: true, prefix: true, expirationDays: true },
  kmsKeyArn: true,
  createKmsKey: true,
  partitionByEventType: true,
  partitioningRetrySeconds: true,
  roleName: true,
  rolePath: true,
  logging: true,
  logRetentionDays: true,
  lake: { bucketArn: true, kmsKeyArn: true, accountId: true },
};

const IMPORT_EXISTING_OPTIONS: PropShape<ImportExistingOptions> = {
  configurationSet: true,
  eventDestination: true,
  deliveryStream: true,
  sesRole: true,
  deliveryRole: true,
  deliveryLogs: true,
};

export const DESTINATION_PROPS: PropShape<SesFirehoseEventDestinationProps> = {
  configurationSetName: true,
  createConfigurationSet: true,
  // A ConfigurationSet construct given here is not a plain object, and is not looked into.
  configurationSet: CONFIGURATION_SET_OPTIONS,
  eventDestinationName: true,
  eventTypes: true,
  enabled: true,
  deliveryStreamArn: true,
  deliveryStream: DELIVERY_STREAM_OPTIONS,
  sesRoleArn: true,
  sesRoleName: true,
  sesRolePath: true,
  alarms: DELIVERY_ALARM_OPTIONS,
  dashboard: PIPELINE_DASHBOARD_OPTIONS,
  analytics: EVENT_ANALYTICS_OPTIONS,
  importExisting: IMPORT_EXISTING_OPTIONS,
  tags: true,
  provider: true,
};

export const EVENT_KEY_PROPS: PropShape<EventKeyProps> = { purpose: true, preventDestroy: true, tags: true, provider: true };

const { enabled: _lakeAnalyticsEnabled, ...LAKE_ANALYTICS_OPTIONS } = EVENT_ANALYTICS_OPTIONS;
export const SES_EVENT_LAKE_PROPS: PropShape<SesEventLakeProps> = {
  ...EVENT_BUCKET_OPTIONS,
  sourceAccountIds: true,
  organizationId: true,
  accountIds: true,
  regions: true,
  createKmsKey: true,
  analytics: LAKE_ANALYTICS_OPTIONS,
  bucketName: true,
  name: true,
  tags: true,
  provider: true,
};
