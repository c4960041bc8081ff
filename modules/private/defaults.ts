import { EventFormat, FirehoseCompression, SesEventType } from "../ses-event-type";

export const DEFAULT_CREATE_CONFIGURATION_SET = true;
export const DEFAULT_EVENT_DESTINATION_NAME = "firehose";
export const DEFAULT_EVENT_TYPES: readonly SesEventType[] = Object.values(SesEventType);
export const DEFAULT_ENABLED = true;

/** Reputation metrics on, as AWS CDK has them: the reputation alarms and the dashboard read them. */
export const DEFAULT_REPUTATION_METRICS = true;
/** HTTPS for tracking links only when asked: REQUIRE breaks every link of a domain not yet served over HTTPS. */
export const DEFAULT_TRACKING_HTTPS_POLICY = "OPTIONAL";
/** SES's limits of a set's maximum delivery duration (5 minutes to 14 hours). */
export const MIN_MAX_DELIVERY_SECONDS = 300;
export const MAX_MAX_DELIVERY_SECONDS = 50400;

export const DEFAULT_PARTITION_BY_EVENT_TYPE = true;
export const DEFAULT_COMPRESSION = FirehoseCompression.GZIP;
export const DEFAULT_BUFFERING_INTERVAL_SECONDS = 300;
export const DEFAULT_BUFFERING_SIZE_MIB = 5;
/** Firehose requires at least 64 MiB of buffer when dynamic partitioning is on. */
export const MIN_PARTITIONED_BUFFERING_SIZE_MIB = 64;
export const DEFAULT_PARTITIONING_RETRY_SECONDS = 300;
export const EVENT_TYPE_PARTITION_KEY = "event_type";
/** JQ run by Firehose's MetadataExtraction processor on each SES event record. */
export const EVENT_TYPE_PARTITION_QUERY = `{${EVENT_TYPE_PARTITION_KEY}: .eventType}`;
export const PARTITION_KEY_EXPRESSION = `!{partitionKeyFromQuery:${EVENT_TYPE_PARTITION_KEY}}`;
const DATE_PATH = "year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/";
export const DEFAULT_PARTITIONED_PREFIX = `events/${EVENT_TYPE_PARTITION_KEY}=${PARTITION_KEY_EXPRESSION}/${DATE_PATH}`;
export const DEFAULT_DATED_PREFIX = `events/${DATE_PATH}`;
export const DEFAULT_ERROR_OUTPUT_PREFIX = `errors/!{firehose:error-output-type}/${DATE_PATH}`;
/** Parquet objects get a location of their own, so JSON delivered before a switch keeps its own table. */
export const DEFAULT_PARQUET_PARTITIONED_PREFIX = `events-parquet/${EVENT_TYPE_PARTITION_KEY}=${PARTITION_KEY_EXPRESSION}/${DATE_PATH}`;
export const DEFAULT_PARQUET_DATED_PREFIX = `events-parquet/${DATE_PATH}`;
export const DEFAULT_FORMAT = EventFormat.PARQUET;
/** Firehose requires at least 64 MiB of buffer when it converts records to Parquet. */
export const MIN_CONVERSION_BUFFERING_SIZE_MIB = 64;
/** The records as SES wrote them, kept beside the Parquet objects (Firehose's source record backup). */
export const DEFAULT_SOURCE_RECORDS_PREFIX = `source-records/${DATE_PATH}`;
/** A year of source records: long enough to recover a field the schema gained later. */
export const DEFAULT_SOURCE_RECORDS_EXPIRATION_DAYS = 365;

export const DEFAULT_STREAM_ENCRYPTION_KEY_TYPE = "AWS_OWNED_CMK";
export const DEFAULT_CREATE_KMS_KEY = false;
/** The longest waiting period KMS allows: a key scheduled for deletion can be restored until then. */
export const KEY_DELETION_WINDOW_DAYS = 30;
export const DEFAULT_LOGGING_ENABLED = true;
export const DEFAULT_LOG_RETENTION_DAYS = 365;
export const DELIVERY_LOG_STREAM_NAME = "DestinationDelivery";
export const LOG_GROUP_PREFIX = "/aws/kinesisfirehose/";

export const DEFAULT_FORCE_DESTROY = false;
export const DEFAULT_ABORT_INCOMPLETE_UPLOAD_DAYS = 7;
export const DEFAULT_TRANSITION_TO_INFREQUENT_ACCESS_DAYS = 30;
/** 0: current event objects never expire. */
export const DEFAULT_EXPIRATION_DAYS = 0;
export const DEFAULT_NONCURRENT_VERSION_EXPIRATION_DAYS = 90;
export const DEFAULT_ACCESS_LOG_PREFIX = "s3-access-logs/";

export const DEFAULT_ALARMS_ENABLED = false;
export const ALARM_TOPIC_NAME_PREFIX = "ses-events-delivery-alarms-";
export const DEFAULT_ALARM_PERIOD_SECONDS = 300;
export const DEFAULT_FRESHNESS_THRESHOLD_SECONDS = 900;
/** Firehose documents that a batch may take up to 1.5 times the buffering interval to arrive. */
export const NORMAL_DELIVERY_DELAY_FACTOR = 1.5;
/** Half of the bounce rate at which SES puts an account under review (5%): a warning while there is time to act. */
export const DEFAULT_BOUNCE_RATE_THRESHOLD = 0.025;
/** Half of the complaint rate at which SES puts an account under review (0.1%). */
export const DEFAULT_COMPLAINT_RATE_THRESHOLD = 0.0005;
/** SES reviews an account whose bounce rate reaches 5% or whose complaint rate reaches 0.1%: drawn on the dashboard, flagged by the saved queries. */
export const BOUNCE_RATE_REVIEW_LEVEL = 0.05;
export const COMPLAINT_RATE_REVIEW_LEVEL = 0.001;
/** The rates at which SES may pause an account's sending. */
export const BOUNCE_RATE_PAUSE_LEVEL = 0.1;
export const COMPLAINT_RATE_PAUSE_LEVEL = 0.005;
/** Reputation rates move slowly: one hour is period enough, and pages no one for a blip. */
export const REPUTATION_ALARM_PERIOD_SECONDS = 3600;
/**
 * The silent pipeline alarm compares whole hours, two in a row: a send at the end of one hour
 * whose record lands in the next never breaches both, and a sender quiet for an hour breaches none.
 */
export const SILENT_PIPELINE_PERIOD_SECONDS = 3600;
export const SILENT_PIPELINE_EVALUATION_PERIODS = 2;
/** The event destination that counts the set's sends, deliveries, bounces and complaints in CloudWatch. */
export const METRICS_EVENT_DESTINATION_NAME = "cloudwatch-metrics";
export const METRICS_EVENT_TYPES = ["SEND", "DELIVERY", "BOUNCE", "COMPLAINT"] as const;
/** The dimension SES sets on every message of a configuration set (its automatic message tag). */
export const CONFIGURATION_SET_DIMENSION = "ses:configuration-set";

export const DEFAULT_RESOURCE_NAME_BASE = "ses-events";
/** Bucket name starts S3 reserves. */
export const RESERVED_BUCKET_PREFIX = /^(xn--|sthree-|amzn-s3-demo-)/;
export const SES_ROLE_POLICY_NAME = "put-ses-events";
export const DELIVERY_ROLE_POLICY_NAME = "deliver-ses-events";

export const DEFAULT_ANALYTICS_TABLE_NAME = "events";
export const DEFAULT_RESULTS_PREFIX = "athena-results/";
/** S3 keys hold 1024 bytes; Athena appends a query ID (36) and `.csv.metadata` (13) to the results prefix. */
export const MAX_RESULTS_PREFIX_BYTES = 1024 - 36 - ".csv.metadata".length;
export const DEFAULT_RESULTS_EXPIRATION_DAYS = 30;
/** 10 GiB: a query that would scan more is cancelled. */
export const DEFAULT_BYTES_SCANNED_CUTOFF_PER_QUERY = 10 * 1024 ** 3;
/** The provider's lower limit for a workgroup's per-query cutoff (10 MiB). */
export const MIN_BYTES_SCANNED_CUTOFF_PER_QUERY = 10 * 1024 ** 2;
/** Oldest year the table's partition projection reaches. */
export const DEFAULT_PROJECTION_FIRST_YEAR = 2020;
export const DEFAULT_QUERY_WINDOW_DAYS = 30;
/** The message tag the engagement query groups by. */
export const DEFAULT_ENGAGEMENT_TAG_NAME = "campaign";
export const ATHENA_ENGINE_VERSION = "Athena engine version 3";
export const ATHENA_DATA_CATALOG = "AwsDataCatalog";
/** The workgroup Athena creates in every account and Region. */
export const ATHENA_PRIMARY_WORKGROUP = "primary";
export const JSON_SERDE = "org.openx.data.jsonserde.JsonSerDe";

/** The period of the dashboard's graphs. */
export const DASHBOARD_PERIOD_SECONDS = 300;
