import { Construct } from "constructs";
import { Annotations, TerraformProvider } from "cdktf";
import { AthenaNamedQuery } from "@cdktf/provider-aws/lib/athena-named-query";
import { AthenaWorkgroup } from "@cdktf/provider-aws/lib/athena-workgroup";
import { GlueCatalogDatabase } from "@cdktf/provider-aws/lib/glue-catalog-database";
import { GlueCatalogTable } from "@cdktf/provider-aws/lib/glue-catalog-table";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { AwsContext } from "./aws-context";
import * as defaults from "./private/defaults";
import { defined } from "./private/defined";
import { EventBucket } from "./event-bucket";
import { EventLayout, eventLayout } from "./private/event-layout";
import { projectionParameters, readerStatements } from "./private/analytics-helpers";
import { checkAnalyticsLayout, checkColumns, checkEventAnalyticsOptions } from "./private/check-event-analytics";
import { SkippedEventQuery, eventQueries } from "./private/event-queries";
import { defaultDatabaseName, defaultsToPrimaryWorkgroup } from "./private/names";
import { EVENT_COLUMNS, EventColumn } from "./private/event-schema";
import { HISTORY_TABLE_SUFFIX, historyLayout, tableStorage } from "./private/event-format";
import { policyDocument } from "./private/policy";
import { EventFormat, FirehoseCompression, SesEventType } from "./ses-event-type";
import { EVENT_ANALYTICS_PROPS } from "./private/prop-shapes";
import * as rules from "./private/validation";

/** The query layer over delivered events: a Glue table, an Athena workgroup, saved queries, a reader policy. */
export interface EventAnalyticsOptions {
  /**
   * Create the query layer.
   * @default - true when the module creates the event bucket, false with `deliveryStream.bucketArn`
   */
  readonly enabled?: boolean;
  /**
   * Glue database holding the event table: 1-255 lowercase letters, digits or '_'.
   * @default - the configuration set name in lowercase, other characters replaced by '_'
   */
  readonly databaseName?: string;
  /**
   * Glue table of the events: 1-255 lowercase letters, digits or '_'.
   * @default "events"
   */
  readonly tableName?: string;
  /**
   * Athena workgroup the queries run in: 1-128 letters, digits, '.', '_' or '-'.
   * @default - the configuration set name in lowercase, other characters replaced by '-'
   */
  readonly workgroupName?: string;
  /**
   * Key prefix of query results: ends with '/', apart from the events and the error objects.
   * @default "athena-results/"
   */
  readonly resultsPrefix?: string;
  /**
   * Days after which query results are deleted.
   * @default 30
   */
  readonly resultsExpirationDays?: number;
  /**
   * Bytes a query may scan before Athena cancels it; at least 10485760 (10 MiB).
   * @default 10737418240 (10 GiB)
   */
  readonly bytesScannedCutoffPerQuery?: number;
  /**
   * First year of events the table finds (partition projection runs from it to the current year).
   * @default 2020
   */
  readonly firstYear?: number;
  /**
   * Days back from today that the saved queries read.
   * @default 30
   */
  readonly queryWindowDays?: number;
  /**
   * Message tag the opens-and-clicks query groups by.
   * @default "campaign"
   */
  readonly tagName?: string;
}

/** Everything but `enabled`, which the event destination reads to decide whether to create the layer. */
export interface EventAnalyticsProps extends Omit<EventAnalyticsOptions, "enabled"> {
  /** Firehose's S3 prefix for the events (a literal, not a token). */
  readonly prefix: string;
  /**
   * Firehose's S3 prefix for records it could not deliver; query results must stay clear of it.
   * @default - none to check
   */
  readonly errorOutputPrefix?: string;
  /** Compression of the delivered objects: GZIP or UNCOMPRESSED, which Athena reads (UNCOMPRESSED with Parquet). */
  readonly compression: FirehoseCompression;
  /**
   * Format of the delivered objects.
   * @default EventFormat.JSON
   */
  readonly format?: EventFormat;
  /**
   * Columns of the event table (and, with Parquet, the schema Firehose converts to).
   * @default - every field of the ten SES event types (EVENT_COLUMNS)
   */
  readonly columns?: readonly EventColumn[];
  /**
   * JSON objects delivered before the stream switched to Parquet: a second table (`<tableName>_json`)
   * over them, and the saved queries read both. Its prefix must give the same partition keys.
   * @default - no history table
   */
  readonly jsonHistory?: {
    /** Firehose's S3 prefix the JSON objects were delivered under. */
    readonly prefix: string;
    /** Their compression: GZIP or UNCOMPRESSED. */
    readonly compression: FirehoseCompression;
  };
  /**
   * The event types the destination publishes: a saved query that can read none of the types it
   * needs is not created (a synth warning says so), and a count of a type not published is empty.
   * @default - all ten
   */
  readonly eventTypes?: readonly SesEventType[] | undefined;
  /** Name of the bucket the events are delivered to (a literal, which the table's location needs). */
  readonly eventsBucketName: string;
  /** ARN of that bucket. */
  readonly eventsBucketArn: string;
  /**
   * Bucket for query results, holding them under `resultsPrefix`; its lifecycle must expire them.
   * @default - a results bucket is created, expiring its objects after `resultsExpirationDays`
   */
  readonly resultsBucket?: {
    /** Name of the results bucket. */
    readonly bucketName: string;
    /** ARN of the results bucket. */
    readonly bucketArn: string;
  };
  /**
   * Customer managed key of the events; it also encrypts the query results.
   * @default - SSE-S3
   */
  readonly kmsKeyArn?: string;
  /** Start of generated names (lowercase letters, digits and '-'). */
  readonly nameBase: string;
  /**
   * Values of the partition keys the prefix names as `!{partitionKeyFromQuery:<key>}` beyond the
   * event type, such as a lake's `account_id` and `region`: each is projected as an enum of them.
   * @default - the prefix has no other such key
   */
  readonly partitionValues?: Readonly<Record<string, readonly string[]>>;
  /**
   * Partition keys the saved queries answer per value of (rates, bounced recipients, failing templates).
   * @default - one answer for the whole table
   */
  readonly groupBy?: readonly string[];
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
 * A Glue table over the events Firehose delivers, with partition projection that follows the
 * delivery prefix (no crawler, no MSCK REPAIR); an Athena workgroup that enforces encrypted,
 * expiring results, a per-query scan limit and engine version 3; the saved deliverability
 * queries; and a managed policy that lets a reader run exactly them.
 */
export class EventAnalytics extends Construct {
  /** Name of the Glue database. */
  readonly databaseName: string;
  /** Name of the Glue table of events. */
  readonly tableName: string;
  /** Name of the Athena workgroup the saved queries run in. */
  readonly workgroupName: string;
  /** ARN of the managed policy that lets a reader run the saved queries; attach it to a reader's role. */
  readonly readerPolicyArn: string;
  /** The Glue database. */
  readonly database: GlueCatalogDatabase;
  /** The Glue table, with partition projection over the delivery prefix. */
  readonly table: GlueCatalogTable;
  /** The table over the JSON objects delivered before a switch to Parquet, with `jsonHistory`. */
  readonly historyTable?: GlueCatalogTable;
  /** The Athena workgroup. */
  readonly workgroup: AthenaWorkgroup;
  /** The saved deliverability queries. */
  readonly namedQueries: readonly AthenaNamedQuery[];
  /** Saved queries not created because the destination publishes none of the event types they need. */
  readonly skippedQueries: readonly SkippedEventQuery[];
  /** The reader policy. */
  readonly readerPolicy: IamPolicy;
  /** The bucket created for query results, when `resultsBucket` is not given. */
  readonly resultsBucket?: EventBucket;

  constructor(scope: Construct, id: string, props: EventAnalyticsProps) {
    super(scope, id);
    // Read once into a plain copy, which the checks judge and everything below reads.
    props = rules.plainProps(props, EVENT_ANALYTICS_PROPS);
    const problems = new rules.Problems();
    if (!rules.checkKnownProps(problems, "", props, EVENT_ANALYTICS_PROPS)) problems.throwIfAny(`EventAnalytics "${this.node.path}"`);
    const resultsPrefix = props.resultsPrefix ?? defaults.DEFAULT_RESULTS_PREFIX;
    checkEventAnalyticsOptions(problems, "", props);
    problems.when(
      defaultsToPrimaryWorkgroup(props.workgroupName, props.nameBase),
      `workgroupName defaults to nameBase "${props.nameBase}", the workgroup every account and Region already has; set workgroupName.`,
    );
    problems.check("prefix", props.prefix, rules.NO_TERRAFORM_TEMPLATE);
    problems.check("errorOutputPrefix", props.errorOutputPrefix, rules.NO_TERRAFORM_TEMPLATE, rules.FIREHOSE_EXPRESSIONS);
    checkAnalyticsLayout(problems, {
      prefix: ["prefix", props.prefix],
      errorOutputPrefix: ["errorOutputPrefix", props.errorOutputPrefix],
      compression: ["compression", props.compression],
      resultsPrefix: ["resultsPrefix", resultsPrefix],
      partitionValues: props.partitionValues,
      format: props.format,
    });
    // Athena's enum projection lists the values comma-separated, and each is a folder of the prefix.
    for (const [key, values] of Object.entries(props.partitionValues ?? {})) {
      problems.whenAbout(`partitionValues[${rules.show(key)}]`, values.length === 0, "[] is invalid: list at least one value, or Athena finds no partition.");
      values.forEach((value, i) =>
        problems.check(`partitionValues[${rules.show(key)}][${i}]`, value, rules.pattern(/^[A-Za-z0-9_.=-]{1,128}$/, "use 1-128 letters, digits, '_', '.', '=' or '-' (a folder of the prefix, and an entry of Athena's comma-separated enum)")),
      );
      const repeated = values.filter((value, i) => values.indexOf(value) !== i);
      problems.whenAbout(`partitionValues[${rules.show(key)}]`, repeated.length > 0, `lists ${[...new Set(repeated)].map(rules.plain).join(", ")} more than once: list each value once.`);
      // A key the prefix does not query would be ignored without a word; the event type's values are SES's own.
      const expression = `!{partitionKeyFromQuery:${key}}`;
      problems.whenAbout(
        `partitionValues[${rules.show(key)}]`,
        typeof props.prefix === "string" && !rules.isToken(props.prefix) && (expression === defaults.PARTITION_KEY_EXPRESSION || !props.prefix.includes(expression)),
        expression === defaults.PARTITION_KEY_EXPRESSION
          ? "is invalid: the table lists the SES event types itself; remove it."
          : `is invalid: prefix holds no ${expression}, so nothing reads these values; remove it or add the key to prefix.`,
      );
    }
    for (const key of props.groupBy ?? []) {
      problems.whenAbout("groupBy", !Object.hasOwn(props.partitionValues ?? {}, key), `entry ${rules.show(key)} is not a key of partitionValues: the queries group only by partition keys of the prefix.`);
    }
    problems.check("format", props.format, rules.oneOf(Object.values(EventFormat)));
    const prefixLayout = rules.isToken(props.prefix) || typeof props.prefix !== "string" ? undefined : eventLayout(props.prefix, props.partitionValues);
    const partitionKeys = prefixLayout !== undefined && !("problems" in prefixLayout) ? prefixLayout.keys.map((key) => key.name) : [];
    checkColumns(problems, "columns", props.columns, partitionKeys);
    problems.when(
      props.jsonHistory !== undefined && props.format !== EventFormat.PARQUET,
      'jsonHistory is set but format is "json": it names the JSON delivered before a switch to Parquet; remove it or set format to "parquet".',
    );
    if (props.jsonHistory !== undefined && props.format === EventFormat.PARQUET) {
      checkAnalyticsLayout(problems, {
        prefix: ["jsonHistory.prefix", props.jsonHistory.prefix],
        errorOutputPrefix: ["errorOutputPrefix", props.errorOutputPrefix],
        compression: ["jsonHistory.compression", props.jsonHistory.compression],
        resultsPrefix: ["resultsPrefix", resultsPrefix],
      });
    }
    const history =
      props.jsonHistory === undefined || props.format !== EventFormat.PARQUET
        ? undefined
        : historyLayout(problems, ["jsonHistory.prefix", props.jsonHistory.prefix], props.prefix);
    problems.throwIfAny(`EventAnalytics "${this.node.path}"`);
    const layout = eventLayout(props.prefix, props.partitionValues) as EventLayout;

    const provider = props.provider;
    const aws = AwsContext.of(this, provider);
    const tags = props.tags;
    const resultsExpirationDays = props.resultsExpirationDays ?? defaults.DEFAULT_RESULTS_EXPIRATION_DAYS;
    if (props.resultsBucket === undefined) {
      this.resultsBucket = new EventBucket(this, "ResultsBucket", defined({
        bucketPrefix: `${props.nameBase.slice(0, 28)}-results-`,
        // Query results only, each expiring: nothing to keep when the query layer goes.
        forceDestroy: true,
        kmsKeyArn: props.kmsKeyArn,
        lifecycle: { transitionToInfrequentAccessDays: 0, expirationDays: resultsExpirationDays, noncurrentVersionExpirationDays: 1 },
        tags,
        provider,
      }));
    }
    const results = props.resultsBucket ?? this.resultsBucket!;

    const databaseName = props.databaseName ?? defaultDatabaseName(props.nameBase);
    const tableName = props.tableName ?? defaults.DEFAULT_ANALYTICS_TABLE_NAME;
    // The catalog is named, not left to the provider's account: it is the one the reader policy names.
    this.database = new GlueCatalogDatabase(this, "Database", defined({
      catalogId: aws.accountId,
      name: databaseName,
      description: "SES sending events delivered by Firehose",
      tags,
      provider,
    }));
    this.databaseName = this.database.name;

    const typeKey = layout.keys.find((key) => key.expression === defaults.PARTITION_KEY_EXPRESSION);
    const dateKeys = ["yyyy", "MM", "dd"].map((format) => layout.keys.find((key) => key.expression === `!{timestamp:${format}}`)!.name);
    const format = props.format ?? EventFormat.JSON;
    const columns = props.columns ?? EVENT_COLUMNS;
    const firstYear = props.firstYear ?? defaults.DEFAULT_PROJECTION_FIRST_YEAR;
    const tableOver = (id: string, name: string, over: EventLayout, objects: EventFormat, compression: FirehoseCompression, description: string) => {
      const storage = tableStorage(objects, compression);
      return new GlueCatalogTable(this, id, defined({
        catalogId: this.database.catalogId,
        databaseName: this.database.name,
        name,
        description,
        tableType: "EXTERNAL_TABLE",
        parameters: {
          EXTERNAL: "TRUE",
          ...storage.parameters,
          typeOfData: "file",
          ...projectionParameters(over, firstYear, props.eventsBucketName),
        },
        partitionKeys: over.keys.map((key) => ({ name: key.name, type: "string", comment: `Firehose ${key.expression}` })),
        storageDescriptor: {
          location: `s3://${props.eventsBucketName}/${over.location}`,
          ...storage.storage,
          columns: columns.map((column) => ({ ...column })),
        },
        provider,
      }));
    };
    this.table = tableOver(
      "Table",
      tableName,
      layout,
      format,
      props.compression,
      format === EventFormat.PARQUET
        ? "One row per SES event record, in Parquet; partitions are projected from the Firehose prefix."
        : "One row per SES event record; partitions are projected from the Firehose prefix.",
    );
    if (history !== undefined) {
      this.historyTable = tableOver(
        "HistoryTable",
        `${tableName}${HISTORY_TABLE_SUFFIX}`,
        history,
        EventFormat.JSON,
        props.jsonHistory!.compression,
        "SES event records delivered as JSON before the stream converted to Parquet; the saved queries read them with the Parquet table.",
      );
    }
    this.tableName = this.table.name;

    const resultsLocation = `s3://${results.bucketName}/${resultsPrefix}`;
    this.workgroup = new AthenaWorkgroup(this, "Workgroup", defined({
      name: props.workgroupName ?? props.nameBase,
      description: "Queries over SES sending events; results encrypted and expiring.",
      state: "ENABLED",
      // Athena refuses to delete a workgroup that holds query executions; results stay in S3.
      forceDestroy: true,
      configuration: {
        enforceWorkgroupConfiguration: true,
        publishCloudwatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: props.bytesScannedCutoffPerQuery ?? defaults.DEFAULT_BYTES_SCANNED_CUTOFF_PER_QUERY,
        engineVersion: { selectedEngineVersion: defaults.ATHENA_ENGINE_VERSION },
        resultConfiguration: {
          outputLocation: resultsLocation,
          expectedBucketOwner: aws.accountId,
          encryptionConfiguration:
            props.kmsKeyArn === undefined
              ? { encryptionOption: "SSE_S3" }
              : { encryptionOption: "SSE_KMS", kmsKeyArn: props.kmsKeyArn },
        },
      },
      tags,
      provider,
    }));
    this.workgroupName = this.workgroup.name;

    const eventTypes = props.eventTypes === undefined || rules.isToken(props.eventTypes) ? defaults.DEFAULT_EVENT_TYPES : props.eventTypes;
    const { queries, skipped } = eventQueries({
      databaseName,
      tableName,
      ...(history === undefined ? {} : { historyTableName: `${tableName}${HISTORY_TABLE_SUFFIX}` }),
      eventTypeColumn: typeKey?.name ?? "eventtype",
      dateKeys: dateKeys as [string, string, string],
      windowDays: props.queryWindowDays ?? defaults.DEFAULT_QUERY_WINDOW_DAYS,
      tagName: props.tagName ?? defaults.DEFAULT_ENGAGEMENT_TAG_NAME,
      eventTypes,
      ...(props.groupBy === undefined ? {} : { groupBy: props.groupBy }),
    });
    this.skippedQueries = skipped;
    for (const query of skipped) Annotations.of(this).addWarning(skippedQueryMessage(query, eventTypes));
    this.namedQueries = queries.map(
      (query) =>
        new AthenaNamedQuery(this, query.id, defined({
          name: query.name,
          description: query.description,
          database: this.database.name,
          workgroup: this.workgroup.name,
          query: query.sql,
          provider,
        })),
    );

    this.readerPolicy = new IamPolicy(this, "ReaderPolicy", defined({
      namePrefix: `${props.nameBase.slice(0, 64)}-events-reader-`,
      description: `Run the saved queries of Athena workgroup ${props.workgroupName ?? props.nameBase} over the SES event table.`,
      policy: policyDocument(
        ...readerStatements(aws, {
          workgroupArn: aws.arn("athena", `workgroup/${this.workgroup.name}`),
          databaseName: this.database.name,
          tableNames: [this.table.name, ...(this.historyTable === undefined ? [] : [this.historyTable.name])],
          events: {
            bucketArn: props.eventsBucketArn,
            layouts: [layout, ...(history === undefined ? [] : [history])].map((over) => ({
              prefix: over.location,
              objects: over.template.replace(/\$\{[^}]*\}/g, "*"),
            })),
          },
          results: { bucketArn: results.bucketArn, prefix: resultsPrefix },
          kmsKeyArn: props.kmsKeyArn,
        }),
      ),
      tags,
      // Both replace the policy, which IAM refuses to delete while a reader's role has it attached:
      // a renamed configuration set or workgroup keeps the policy and updates its statements.
      lifecycle: { ignoreChanges: ["name_prefix", "description"] },
      provider,
    }));
    this.readerPolicyArn = this.readerPolicy.arn;
  }
}

/** Why a saved query is not created, and how to have it. */
export function skippedQueryMessage(query: SkippedEventQuery, eventTypes: readonly SesEventType[]): string {
  const missing = query.needs.all.filter((type) => !eventTypes.includes(type));
  const anyOfMissing = query.needs.anyOf.length > 0 && !query.needs.anyOf.some((type) => eventTypes.includes(type));
  const needs = [...missing, ...(anyOfMissing ? [`one of ${query.needs.anyOf.join(", ")}`] : [])];
  const pronoun = missing.length === 0 ? "one" : needs.length === 1 ? "it" : "them";
  return `saved query ${query.name} is not created: eventTypes ${JSON.stringify(eventTypes)} leaves out ${needs.join(" and ")}, which it needs to answer; add ${pronoun} to eventTypes to have the query.`;
}

