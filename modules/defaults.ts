import { FirehoseCompression, SesEventType } from "./ses-event-type";

export const DEFAULT_CREATE_CONFIGURATION_SET = true;
export const DEFAULT_EVENT_DESTINATION_NAME = "firehose";
export const DEFAULT_EVENT_TYPES: readonly SesEventType[] = Object.values(SesEventType);
export const DEFAULT_ENABLED = true;

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

export const DEFAULT_STREAM_ENCRYPTION_KEY_TYPE = "AWS_OWNED_CMK";
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
