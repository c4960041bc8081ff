import type { EventAnalyticsOptions } from "../event-analytics";
import { EventFormat, FirehoseCompression } from "../ses-event-type";
import * as defaults from "./defaults";
import { eventLayout, mayWriteUnder } from "./event-layout";
import { EVENT_COLUMNS, EventColumn } from "./event-schema";
import * as rules from "./validation";

const NAME = rules.pattern(/^[a-z0-9_]{1,255}$/, "use 1-255 lowercase letters, digits or '_' (Athena reads no other names)");
const WORKGROUP_NAME = rules.pattern(/^[A-Za-z0-9._-]{1,128}$/, "use 1-128 letters, digits, '.', '_' or '-'");
const TAG_NAME = rules.pattern(/^[A-Za-z0-9_:-]{1,256}$/, "use 1-256 letters, digits, '_', ':' or '-', as SES message tag names do");
const READABLE_COMPRESSION: readonly FirehoseCompression[] = [FirehoseCompression.GZIP, FirehoseCompression.UNCOMPRESSED];

/** Checks the options into `problems`; `at` is how the user reaches them (e.g. `analytics.`). */
export function checkEventAnalyticsOptions(problems: rules.Problems, at: string, options: EventAnalyticsOptions): void {
  problems.check(`${at}databaseName`, options.databaseName, NAME);
  problems.check(`${at}tableName`, options.tableName, NAME);
  problems.check(`${at}workgroupName`, options.workgroupName, WORKGROUP_NAME, {
    test: (name) => name !== defaults.ATHENA_PRIMARY_WORKGROUP,
    text: `every account and Region already has Athena's workgroup ${defaults.ATHENA_PRIMARY_WORKGROUP}; choose another name`,
  });
  problems.check(
    `${at}resultsPrefix`,
    options.resultsPrefix,
    rules.pattern(/^[^/].{0,1022}\/$/su, "use 1-1024 characters that end with '/' and do not start with '/'"),
    rules.NO_TERRAFORM_TEMPLATE,
    { test: (p) => !/\p{Cc}/u.test(p), text: "use no control characters: S3 advises against them in keys, and most cannot be written in the XML of a lifecycle rule" },
    { test: (p) => !p.includes("!{"), text: "query results are not partitioned: remove the !{...} expression" },
    {
      test: (p) => Buffer.byteLength(p, "utf8") <= defaults.MAX_RESULTS_PREFIX_BYTES,
      text: `use at most ${defaults.MAX_RESULTS_PREFIX_BYTES} bytes in UTF-8: S3 keys hold 1024, and Athena appends the query ID and .csv.metadata`,
    },
  );
  problems.check(`${at}resultsExpirationDays`, options.resultsExpirationDays, rules.integerBetween(1, 36500));
  problems.check(`${at}bytesScannedCutoffPerQuery`, options.bytesScannedCutoffPerQuery, {
    test: (v) => Number.isSafeInteger(v) && v >= defaults.MIN_BYTES_SCANNED_CUTOFF_PER_QUERY,
    text: `use a whole number of bytes, at least ${defaults.MIN_BYTES_SCANNED_CUTOFF_PER_QUERY} (10 MiB)`,
  });
  problems.check(`${at}firstYear`, options.firstYear, rules.integerBetween(2011, new Date().getUTCFullYear()));
  problems.check(`${at}queryWindowDays`, options.queryWindowDays, rules.integerBetween(1, 36500));
  problems.check(`${at}tagName`, options.tagName, TAG_NAME);
}

/** A setting as the user wrote it: its name in messages and its value. */
type Setting<T> = readonly [name: string, value: T];

/** Checks that the table can follow what Firehose writes, naming the setting at fault. */
export function checkAnalyticsLayout(
  problems: rules.Problems,
  settings: {
    readonly prefix: Setting<string>;
    readonly errorOutputPrefix: Setting<string | undefined>;
    readonly compression: Setting<FirehoseCompression>;
    readonly resultsPrefix: Setting<string>;
    /** Values of the prefix's further `partitionKeyFromQuery` keys (see `EventAnalyticsProps.partitionValues`). */
    readonly partitionValues?: Readonly<Record<string, readonly string[]>> | undefined;
    /** The objects' format: with Parquet the compression is Parquet's own, not checked here. */
    readonly format?: EventFormat | undefined;
  },
): void {
  const [prefixName, prefix] = settings.prefix;
  const refuse = (reason: string) =>
    problems.when(true, `${prefixName} ${JSON.stringify(prefix)} is invalid with analytics: ${reason}; change it or set analytics.enabled to false.`);
  if (rules.isToken(prefix)) {
    refuse("the table's partitions follow the prefix, so it must be a literal, not a Terraform token");
    return;
  }
  // A prefix that is not a string is refused where it is set.
  if (typeof prefix !== "string") return;
  const layout = eventLayout(prefix, settings.partitionValues);
  if ("problems" in layout) {
    layout.problems.forEach(refuse);
    return;
  }
  const dataColumn = layout.keys.find((key) => EVENT_COLUMNS.some((column) => column.name === key.name));
  if (dataColumn !== undefined) refuse(`the partition name ${dataColumn.name} is also a column of the event record; name the partition otherwise`);
  const [compressionName, compression] = settings.compression;
  problems.when(
    settings.format !== EventFormat.PARQUET && !rules.isToken(compression) && !READABLE_COMPRESSION.includes(compression),
    `${compressionName} ${JSON.stringify(compression)} is invalid with analytics: Athena reads JSON only GZIP-compressed or uncompressed; use GZIP or UNCOMPRESSED, or set analytics.enabled to false.`,
  );
  const [resultsName, results] = settings.resultsPrefix;
  if (rules.isToken(results) || typeof results !== "string") return;
  const aroundLocation = layout.location !== "" && (layout.location.startsWith(results) || results.startsWith(layout.location));
  problems.when(
    aroundLocation,
    `${resultsName} ${JSON.stringify(results)} is invalid: it overlaps the events under ${JSON.stringify(layout.location)}, so its lifecycle would expire events or the table would read results; use a prefix of its own, such as "${defaults.DEFAULT_RESULTS_PREFIX}".`,
  );
  problems.when(
    !aroundLocation && mayWriteUnder(prefix, results),
    `${resultsName} ${JSON.stringify(results)} is invalid: ${prefixName} ${JSON.stringify(prefix)} may write events under it, so its lifecycle would expire them; use a prefix of its own, such as "${defaults.DEFAULT_RESULTS_PREFIX}".`,
  );
  const [errorName, errorPrefix] = settings.errorOutputPrefix;
  problems.when(
    typeof errorPrefix === "string" && errorPrefix !== "" && !rules.isToken(errorPrefix) && mayWriteUnder(errorPrefix, results),
    `${resultsName} ${JSON.stringify(results)} is invalid: it holds ${errorName} ${JSON.stringify(errorPrefix)}, whose records its lifecycle would expire; use a prefix of its own, such as "${defaults.DEFAULT_RESULTS_PREFIX}".`,
  );
}

/** Hive's primitive types, as Glue stores them and Athena reads them. */
const HIVE_PRIMITIVE = /^(?:tinyint|smallint|int|integer|bigint|float|double|boolean|string|binary|timestamp|date|decimal(?:\(\d{1,2}(?:,\d{1,2})?\))?|char\(\d{1,3}\)|varchar\(\d{1,5}\))/;

/** True when `type` is one whole Hive type: a primitive, array<T>, map<K,V> or struct<name:T,...>. */
export function isHiveType(type: string): boolean {
  let at = 0;
  const eat = (text: string) => type.startsWith(text, at) && ((at += text.length), true);
  const one = (): boolean => {
    if (eat("array<")) return one() && eat(">");
    if (eat("map<")) return one() && eat(",") && one() && eat(">");
    if (eat("struct<")) {
      do {
        const field = /^[A-Za-z0-9_]{1,255}:/.exec(type.slice(at));
        if (field === null) return false;
        at += field[0].length;
        if (!one()) return false;
      } while (eat(","));
      return eat(">");
    }
    const primitive = HIVE_PRIMITIVE.exec(type.slice(at));
    if (primitive === null) return false;
    at += primitive[0].length;
    return true;
  };
  return one() && at === type.length;
}

/** Checks the table's columns (`at` how the user reaches them) against Glue's and Athena's rules and the partition keys. */
export function checkColumns(problems: rules.Problems, at: string, columns: readonly EventColumn[] | undefined, partitionKeys: readonly string[]): void {
  if (columns === undefined || rules.isToken(columns)) return;
  if (!Array.isArray(columns) || columns.length === 0) {
    problems.when(true, `${at} ${rules.show(columns)} is invalid: use a non-empty list of { name, type, comment }.`);
    return;
  }
  const seen = new Map<string, number>();
  for (let i = 0; i < columns.length; i++) {
    const where = `${at}[${i}]`;
    const column: unknown = columns[i];
    // Each item an object of the column's keys: a name given alone or a misspelt key is refused (a hole
    // was refused with the props' kinds).
    if (typeof column !== "object" || column === null || Array.isArray(column)) {
      problems.when(true, `${where} ${rules.show(column)} is invalid: use an object { name, type, comment }.`);
      continue;
    }
    for (const key of Object.keys(column).filter((k) => !["name", "type", "comment"].includes(k))) {
      problems.when(true, `${where}[${rules.show(key)}] is not a key of a column: use name, type or comment.`);
    }
    const { name, type, comment } = column as Partial<EventColumn>;
    problems.check(`${where}.name`, (name ?? null) as string, NAME, {
      test: (n) => !seen.has(n),
      text: `${at}[${seen.get(name!)}] has this name already; give each column a name of its own`,
    }, {
      test: (n) => !partitionKeys.includes(n),
      text: "it is a partition key of the prefix too; name the column otherwise",
    });
    if (typeof name === "string" && !seen.has(name)) seen.set(name, i);
    problems.check(`${where}.type`, (type ?? null) as string, {
      test: (t) => typeof t === "string" && t.length <= 131072 && isHiveType(t),
      text: "use a Hive type, such as string, bigint, array<string> or struct<name:string,value:string>",
    });
    problems.check(`${where}.comment`, comment, { test: (c) => typeof c === "string", text: "use a string" }, rules.maxLength(255), rules.NO_TERRAFORM_TEMPLATE);
  }
}
