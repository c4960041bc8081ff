import { TerraformProvider } from "cdktf";
import { ConfigurationSet, ConfigurationSetOptions } from "../configuration-set";
import type { EventAnalyticsOptions } from "../event-analytics";
import { EventFormat, FirehoseCompression, SesEventType } from "../ses-event-type";
import type { DeliveryStreamOptions, ImportExistingOptions, LakeDeliveryOptions } from "../delivery-stream-options";
import type { SesFirehoseEventDestinationProps } from "../ses-firehose-event-destination";
import * as defaults from "./defaults";
import { deliveryLayout } from "./event-format";
import { adoptedRole, defaultDatabaseName, defaultsToPrimaryWorkgroup, nameBase } from "./names";

/** The name and path of a role the module creates: as set, or taken from the ARN given to import it. */
export interface AdoptedRole {
  readonly name?: string | undefined;
  readonly path?: string | undefined;
}

/** What the alarms and the dashboard watch, and what they need. */
export interface Monitoring {
  readonly alarms: boolean;
  readonly dashboard: boolean;
  /** The set publishes reputation metrics (false when the module cannot know: an existing set). */
  readonly reputationMetrics: boolean;
  readonly reputationAlarms: boolean;
  /** The rates the reputation alarms fire at, when they are on (the dashboard draws them). */
  readonly bounceRateThreshold?: number | undefined;
  readonly complaintRateThreshold?: number | undefined;
  readonly silentPipeline: boolean;
  /** The CloudWatch event destination that gives the set's sends by the ses:configuration-set dimension. */
  readonly metricsDestination: boolean;
}

/** The stream the module creates, every default applied. */
export interface ResolvedStream {
  /** The options as given, for what is passed on unchanged (the bucket's options). */
  readonly options: DeliveryStreamOptions;
  readonly name: string;
  /** The name is the configuration set's (no `deliveryStream.name`). */
  readonly nameDerived: boolean;
  /** The bucket given: `bucketArn`, or the lake's. */
  readonly bucketArn?: string | undefined;
  /** The key given by `kmsKeyArn`; see `createsKey`. */
  readonly kmsKeyArn?: string | undefined;
  /** The lake the stream delivers to, when `deliveryStream.lake` is set. */
  readonly lake?: LakeDeliveryOptions | undefined;
  /** The module creates the KMS key (`createKmsKey`). */
  readonly createsKey: boolean;
  readonly partitioned: boolean;
  /** Parquet by default when the query layer (whose table is the schema) is on, else JSON. */
  readonly format: EventFormat;
  readonly prefix: string;
  /** With Parquet, where JSON was delivered before the switch (a table of its own reads it). */
  readonly jsonPrefix?: string | undefined;
  /** With the source record backup on, where the records go and when they expire. */
  readonly sourceRecords?: { readonly prefix: string; readonly expirationDays: number } | undefined;
  readonly errorOutputPrefix: string;
  readonly compression: FirehoseCompression;
  readonly bufferingSizeMiB: number;
  readonly bufferingIntervalSeconds: number;
  readonly partitioningRetrySeconds: number;
  readonly logging: boolean;
  readonly logRetentionDays: number;
  readonly role: AdoptedRole;
}

/** The query layer over a stream the module creates, when it is on. */
export interface ResolvedAnalytics {
  readonly options: EventAnalyticsOptions;
  readonly databaseName: string;
  readonly workgroupName: string;
  /** `workgroupName` is the default, and that default is Athena's own `primary` workgroup. */
  readonly primaryWorkgroupByDefault: boolean;
}

/**
 * The props of a `SesFirehoseEventDestination` with every default applied and every derived
 * choice made, read by the constructor, the checks and the physical names. It never throws:
 * the checks judge the values, this only fills in what was left out.
 */
export interface ResolvedDestination {
  readonly props: SesFirehoseEventDestinationProps;
  /** A lowercase, hyphenated base for generated names, from the configuration set name. */
  readonly baseName: string;
  readonly imports: ImportExistingOptions;
  readonly tags?: Record<string, string> | undefined;
  readonly provider?: TerraformProvider | undefined;
  /** The set given as a construct, if it is one. */
  readonly givenSet?: ConfigurationSet | undefined;
  /** The options of the set the module creates (`{}` for a given set). */
  readonly setOptions: ConfigurationSetOptions;
  /** The module creates the configuration set (it is not given as a construct). */
  readonly createsSet: boolean;
  /** The module creates the set or was given it: it knows its options. */
  readonly managesSet: boolean;
  readonly eventDestinationName: string;
  readonly eventTypes: readonly SesEventType[];
  readonly enabled: boolean;
  readonly sesRole: AdoptedRole;
  /** The module creates the delivery stream: no `deliveryStreamArn`. */
  readonly createsStream: boolean;
  /**
   * The stream the module creates, from `deliveryStream` with every default applied; resolved
   * with `deliveryStreamArn` too (where the checks refuse `deliveryStream`), so that they can
   * judge each option.
   */
  readonly stream: ResolvedStream;
  /** The query layer, when on (only over a stream the module creates). */
  readonly analytics?: ResolvedAnalytics | undefined;
  /**
   * Where Athena writes query results and how long they are kept: the event bucket keeps its rule
   * for them even with the query layer off, so that results written while it was on still expire.
   */
  readonly queryResults: { readonly prefix: string; readonly expirationDays: number };
  readonly monitoring: Monitoring;
}

export function resolveDestination(props: SesFirehoseEventDestinationProps): ResolvedDestination {
  const baseName = nameBase(props.configurationSetName);
  const imports = props.importExisting ?? {};
  const givenSet = props.configurationSet instanceof ConfigurationSet ? props.configurationSet : undefined;
  const createsSet = givenSet === undefined && (props.createConfigurationSet ?? defaults.DEFAULT_CREATE_CONFIGURATION_SET);
  const eventTypes = props.eventTypes ?? defaults.DEFAULT_EVENT_TYPES;
  const enabled = props.enabled ?? defaults.DEFAULT_ENABLED;
  const options = props.deliveryStream ?? {};
  const createsStream = props.deliveryStreamArn === undefined;
  const analyticsOptions = props.analytics ?? {};
  const analyticsOn = createsStream && (analyticsOptions.enabled ?? (options.bucketArn === undefined && options.lake === undefined));
  const stream = resolveStream(props, options, imports, analyticsOn);
  return {
    props,
    baseName,
    imports,
    tags: props.tags,
    provider: props.provider,
    givenSet,
    setOptions: givenSet === undefined ? ((props.configurationSet ?? {}) as ConfigurationSetOptions) : {},
    createsSet,
    managesSet: givenSet !== undefined || createsSet,
    eventDestinationName: props.eventDestinationName ?? defaults.DEFAULT_EVENT_DESTINATION_NAME,
    eventTypes,
    enabled,
    sesRole: adoptedRole(imports.sesRole, props.sesRoleName, props.sesRolePath),
    createsStream,
    stream,
    analytics: analyticsOn ? resolveAnalytics(analyticsOptions, baseName) : undefined,
    queryResults: {
      prefix: analyticsOptions.resultsPrefix ?? defaults.DEFAULT_RESULTS_PREFIX,
      expirationDays: analyticsOptions.resultsExpirationDays ?? defaults.DEFAULT_RESULTS_EXPIRATION_DAYS,
    },
    monitoring: monitoringOf(props, givenSet, createsSet, enabled, eventTypes),
  };
}

function resolveStream(
  props: SesFirehoseEventDestinationProps,
  options: DeliveryStreamOptions,
  imports: ImportExistingOptions,
  analyticsOn: boolean,
): ResolvedStream {
  const layout = deliveryLayout({ ...options, analyticsEnabled: analyticsOn });
  const partitioned = layout.partitioned;
  return {
    options,
    name: options.name ?? props.configurationSetName,
    nameDerived: options.name === undefined,
    bucketArn: options.lake?.bucketArn ?? options.bucketArn,
    kmsKeyArn: options.kmsKeyArn,
    lake: options.lake,
    createsKey: options.createKmsKey ?? defaults.DEFAULT_CREATE_KMS_KEY,
    partitioned,
    format: layout.format,
    prefix: layout.prefix,
    jsonPrefix: layout.jsonPrefix,
    sourceRecords: layout.sourceRecords,
    errorOutputPrefix: options.errorOutputPrefix ?? defaults.DEFAULT_ERROR_OUTPUT_PREFIX,
    compression: layout.compression,
    bufferingSizeMiB: layout.bufferingSizeMiB,
    bufferingIntervalSeconds: options.bufferingIntervalSeconds ?? defaults.DEFAULT_BUFFERING_INTERVAL_SECONDS,
    partitioningRetrySeconds: options.partitioningRetrySeconds ?? defaults.DEFAULT_PARTITIONING_RETRY_SECONDS,
    logging: options.logging ?? defaults.DEFAULT_LOGGING_ENABLED,
    logRetentionDays: options.logRetentionDays ?? defaults.DEFAULT_LOG_RETENTION_DAYS,
    role: adoptedRole(imports.deliveryRole, options.roleName, options.rolePath),
  };
}

/** The prefix of delivered JSON when none is set: by event type with partitioning, else by date. */
export function defaultPrefix(partitioned: boolean): string {
  return partitioned ? defaults.DEFAULT_PARTITIONED_PREFIX : defaults.DEFAULT_DATED_PREFIX;
}

function resolveAnalytics(options: EventAnalyticsOptions, baseName: string): ResolvedAnalytics {
  return {
    options,
    databaseName: options.databaseName ?? defaultDatabaseName(baseName),
    workgroupName: options.workgroupName ?? baseName,
    primaryWorkgroupByDefault: defaultsToPrimaryWorkgroup(options.workgroupName, baseName),
  };
}

function monitoringOf(
  props: SesFirehoseEventDestinationProps,
  givenSet: ConfigurationSet | undefined,
  createsSet: boolean,
  enabled: boolean,
  eventTypes: readonly SesEventType[],
): Monitoring {
  const alarms = props.alarms ?? {};
  const streamCreated = props.deliveryStreamArn === undefined;
  const alarmsOn = streamCreated && (alarms.enabled ?? defaults.DEFAULT_ALARMS_ENABLED);
  const dashboard = streamCreated && (props.dashboard?.enabled ?? alarmsOn);
  const managed = givenSet !== undefined || createsSet;
  const options = givenSet === undefined ? ((props.configurationSet ?? {}) as ConfigurationSetOptions) : {};
  const reputationMetrics =
    givenSet?.reputationMetrics ?? (managed ? (options.reputationMetrics ?? defaults.DEFAULT_REPUTATION_METRICS) : (alarms.reputation ?? false));
  const publishesSends = enabled && eventTypes.includes(SesEventType.SEND);
  const silentPipeline = alarmsOn && (alarms.silentPipeline ?? publishesSends);
  const reputationAlarms = alarmsOn && (alarms.reputation ?? managed);
  return {
    alarms: alarmsOn,
    dashboard,
    reputationMetrics,
    reputationAlarms,
    bounceRateThreshold: reputationAlarms ? (alarms.bounceRateThreshold ?? defaults.DEFAULT_BOUNCE_RATE_THRESHOLD) : undefined,
    complaintRateThreshold: reputationAlarms ? (alarms.complaintRateThreshold ?? defaults.DEFAULT_COMPLAINT_RATE_THRESHOLD) : undefined,
    silentPipeline,
    metricsDestination: silentPipeline || dashboard,
  };
}
