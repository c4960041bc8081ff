export { SesFirehoseEventDestination } from "./ses-firehose-event-destination";
export type { SesFirehoseEventDestinationProps } from "./ses-firehose-event-destination";
export type { DeliveryStreamOptions, ImportExistingOptions, LakeDeliveryOptions, SourceRecordBackupOptions } from "./delivery-stream-options";
export { EventFormat, FirehoseCompression, SesEventRecordType, SesEventType } from "./ses-event-type";
export { ConfigurationSet, ConfigurationSetTlsPolicy, HttpsPolicy, SuppressionReasons } from "./configuration-set";
export type { ConfigurationSetOptions, ConfigurationSetProps, VdmOptions } from "./configuration-set";
export { DeliveryAlarms } from "./delivery-alarms";
export type { DeliveryAlarmOptions, DeliveryAlarmsProps } from "./delivery-alarms";
export { PipelineDashboard } from "./pipeline-dashboard";
export type { PipelineDashboardOptions, PipelineDashboardProps } from "./pipeline-dashboard";
export { EventBucket } from "./event-bucket";
export type { EventBucketLifecycle, EventBucketOptions, EventBucketProps } from "./event-bucket";
export { EventKey } from "./event-key";
export type { EventKeyProps } from "./event-key";
export { EventAnalytics } from "./event-analytics";
export type { EventAnalyticsOptions, EventAnalyticsProps } from "./event-analytics";
export type { SkippedEventQuery } from "./private/event-queries";
export { EVENT_COLUMNS } from "./private/event-schema";
export type { EventColumn } from "./private/event-schema";
export { AwsContext } from "./aws-context";
export { ValidationError } from "./private/validation";
export type { Problem } from "./private/validation";
export { SesEventLake } from "./ses-event-lake";
export type { SesEventLakeProps } from "./ses-event-lake";
export type { PolicyStatement } from "./private/policy";
/**
 * The defaults, rules and physical names the app in this repository shares with the constructs.
 * Not part of the published API: it may change in any release.
 * @internal
 */
export * as internal from "./private/app";
