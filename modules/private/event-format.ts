import { EventFormat, FirehoseCompression } from "../ses-event-type";
import * as defaults from "./defaults";
import { EventLayout, eventLayout } from "./event-layout";
import * as rules from "./validation";

/** The Hive classes Athena reads each format through. */
const STORAGE: Record<EventFormat, { inputFormat: string; outputFormat: string; serializationLibrary: string }> = {
  [EventFormat.JSON]: {
    inputFormat: "org.apache.hadoop.mapred.TextInputFormat",
    outputFormat: "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
    serializationLibrary: "org.openx.data.jsonserde.JsonSerDe",
  },
  [EventFormat.PARQUET]: {
    inputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
    outputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
    serializationLibrary: "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
  },
};

/** Compression inside the Parquet objects Firehose writes. */
export const PARQUET_COMPRESSION = "SNAPPY";

/** The table parameters and storage descriptor fields of a table over objects of `format`. */
export function tableStorage(
  format: EventFormat,
  compression: FirehoseCompression,
): {
  parameters: Record<string, string>;
  storage: { inputFormat: string; outputFormat: string; compressed: boolean; serDeInfo: { name: string; serializationLibrary: string; parameters: Record<string, string> } };
} {
  const classes = STORAGE[format];
  if (format === EventFormat.PARQUET) {
    return {
      parameters: { classification: "parquet", "parquet.compression": PARQUET_COMPRESSION },
      storage: {
        inputFormat: classes.inputFormat,
        outputFormat: classes.outputFormat,
        compressed: false,
        serDeInfo: { name: "ses-event-parquet", serializationLibrary: classes.serializationLibrary, parameters: { "serialization.format": "1" } },
      },
    };
  }
  const gzip = compression === FirehoseCompression.GZIP;
  return {
    parameters: { classification: "json", compressionType: gzip ? "gzip" : "none" },
    storage: {
      inputFormat: classes.inputFormat,
      outputFormat: classes.outputFormat,
      compressed: gzip,
      serDeInfo: {
        name: "ses-event-json",
        serializationLibrary: classes.serializationLibrary,
        parameters: { "case.insensitive": "TRUE", "ignore.malformed.json": "FALSE" },
      },
    },
  };
}

/** The Glue table Firehose reads the Parquet schema from, and the role it reads it with. */
export interface ConversionSchema {
  readonly catalogId: string;
  readonly databaseName: string;
  readonly tableName: string;
  readonly region: string;
  readonly roleArn: string;
}

/**
 * Firehose's record format conversion: JSON read with the OpenX JSON SerDe (keys matched to
 * columns without regard to case, as the JSON table reads them), Parquet written with Snappy, the
 * schema the latest version of the event table.
 */
export function formatConversion(schema: ConversionSchema) {
  return {
    enabled: true,
    inputFormatConfiguration: { deserializer: { openXJsonSerDe: { caseInsensitive: true } } },
    // Dictionary pages for repeated values (event types, tag names, campaigns), off in Firehose by default.
    outputFormatConfiguration: { serializer: { parquetSerDe: { compression: PARQUET_COMPRESSION, enableDictionaryCompression: true } } },
    schemaConfiguration: { ...schema, versionId: "LATEST" },
  };
}

/** The stream settings that decide where and how the events land. */
export interface DeliveryLayoutOptions {
  readonly format?: EventFormat | undefined;
  readonly partitionByEventType?: boolean | undefined;
  readonly prefix?: string | undefined;
  readonly jsonPrefix?: string | undefined;
  readonly compression?: FirehoseCompression | undefined;
  readonly bufferingSizeMiB?: number | undefined;
  readonly sourceRecordBackup?: { readonly enabled?: boolean; readonly prefix?: string; readonly expirationDays?: number } | undefined;
  /** Whether the query layer, whose table is the Parquet schema, is created. */
  readonly analyticsEnabled: boolean;
}

/** Every default and derived choice of where and how the events land, resolved once. */
export interface DeliveryLayout {
  readonly format: EventFormat;
  readonly partitioned: boolean;
  readonly prefix: string;
  readonly compression: FirehoseCompression;
  readonly bufferingSizeMiB: number;
  /** With Parquet, where JSON was delivered before the switch. */
  readonly jsonPrefix?: string;
  /** With the backup on, where the source records go and when they expire. */
  readonly sourceRecords?: { readonly prefix: string; readonly expirationDays: number };
}

export function deliveryLayout(options: DeliveryLayoutOptions): DeliveryLayout {
  // Parquet needs the event table as its schema: without the query layer the default is JSON.
  const format = options.format ?? (options.analyticsEnabled ? defaults.DEFAULT_FORMAT : EventFormat.JSON);
  const parquet = format === EventFormat.PARQUET;
  const partitioned = options.partitionByEventType ?? defaults.DEFAULT_PARTITION_BY_EVENT_TYPE;
  const jsonDefault = partitioned ? defaults.DEFAULT_PARTITIONED_PREFIX : defaults.DEFAULT_DATED_PREFIX;
  const parquetDefault = partitioned ? defaults.DEFAULT_PARQUET_PARTITIONED_PREFIX : defaults.DEFAULT_PARQUET_DATED_PREFIX;
  const backup = options.sourceRecordBackup ?? {};
  const minBuffer = parquet || partitioned ? defaults.MIN_PARTITIONED_BUFFERING_SIZE_MIB : defaults.DEFAULT_BUFFERING_SIZE_MIB;
  return {
    format,
    partitioned,
    prefix: options.prefix ?? (parquet ? parquetDefault : jsonDefault),
    compression: options.compression ?? (parquet ? FirehoseCompression.UNCOMPRESSED : defaults.DEFAULT_COMPRESSION),
    bufferingSizeMiB: options.bufferingSizeMiB ?? minBuffer,
    // A prefix of the user's own may be where JSON went before; only the user can say (jsonPrefix).
    ...(parquet && (options.jsonPrefix !== undefined || options.prefix === undefined) ? { jsonPrefix: options.jsonPrefix ?? jsonDefault } : {}),
    ...((backup.enabled ?? parquet)
      ? {
          sourceRecords: {
            prefix: backup.prefix ?? defaults.DEFAULT_SOURCE_RECORDS_PREFIX,
            expirationDays: backup.expirationDays ?? defaults.DEFAULT_SOURCE_RECORDS_EXPIRATION_DAYS,
          },
        }
      : {}),
  };
}

/** Name of the JSON history table: the event table's name with this after it. */
export const HISTORY_TABLE_SUFFIX = "_json";

/**
 * The layout of the JSON delivered before a switch to Parquet (`setting`: its name and prefix),
 * which must give the same partition keys as `prefix` and a location of its own.
 */
export function historyLayout(problems: rules.Problems, setting: readonly [string, string], prefix: string): EventLayout | undefined {
  const [name, historyPrefix] = setting;
  const refuse = (reason: string) => problems.when(true, `${name} ${JSON.stringify(historyPrefix)} is invalid: ${reason}.`);
  if (rules.isToken(historyPrefix)) {
    refuse("the history table's partitions follow it, so it must be a literal, not a Terraform token");
    return undefined;
  }
  const history = eventLayout(historyPrefix);
  if ("problems" in history) {
    history.problems.forEach(refuse);
    return undefined;
  }
  const current = eventLayout(prefix);
  if ("problems" in current) return undefined;
  const names = (layout: EventLayout) => layout.keys.map((key) => key.name).join(", ");
  if (names(history) !== names(current)) {
    refuse(`its partition keys (${names(history)}) differ from those of the Parquet prefix (${names(current)}); the saved queries read both tables as one`);
  }
  if (history.location.startsWith(current.location) || current.location.startsWith(history.location)) {
    refuse(
      `its location ${JSON.stringify(history.location)} overlaps that of the Parquet prefix (${JSON.stringify(current.location)}): JSON and Parquet objects each need a location of their own`,
    );
  }
  return history;
}

/** Why a stream with a prefix of the user's own that now converts to Parquet needs a look. */
export const PREFIX_OF_YOUR_OWN_WARNING =
  'deliveryStream.prefix is set and deliveryStream.format defaults to "parquet": if the stream delivered JSON under this prefix before, ' +
  'Parquet objects would land beside the JSON ones and the table could not read both; set deliveryStream.format to "json" to keep JSON, ' +
  "or give Parquet a new prefix and set deliveryStream.jsonPrefix to the old one, so that the saved queries read both.";
