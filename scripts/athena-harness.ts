/**
 * Runs the synthesized Athena layer on a real SQL engine (DuckDB), with every stand-in for an AWS
 * service kept here:
 *   Firehose  lays SES event records out under the synthesized prefix: partition values from
 *             the synthesized JQ query (run by jq), dates from the record, GZIP, one record per line;
 *             or, with record format conversion, one Parquet object (Snappy) per prefix with the
 *             Glue table's columns, the records read through the OpenX JSON SerDe (DuckDB writes it).
 *   Glue      finds the objects through the table's projection properties only (enum, integer
 *             and date ranges, storage.location.template), as Athena does.
 *   SerDe     the OpenX JSON SerDe matches keys without regard to case: struct keys are lowercased;
 *             map keys too (the Hive SerDe) or as written (Trino's own OpenX JSON reader).
 *   Dialect   Athena (Trino) functions without a DuckDB namesake are renamed, `current_date` is
 *             pinned and the table reference points at the DuckDB table.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { gunzipSync, gzipSync } from "zlib";
import { DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { json as jq } from "jq-wasm";

export type Json = Record<string, any>;

/** A Hive type from the Glue Data Catalog, parsed. */
export type HiveType =
  | { kind: "primitive"; name: string }
  | { kind: "array"; element: HiveType }
  | { kind: "map"; key: HiveType; value: HiveType }
  | { kind: "struct"; fields: Array<[string, HiveType]> };

export function parseHiveType(text: string): HiveType {
  let at = 0;
  const name = (): string => {
    const match = /^[A-Za-z0-9_]+/.exec(text.slice(at));
    if (match === null) throw new Error(`expected a name at ${at} in ${text}`);
    at += match[0].length;
    return match[0];
  };
  const expect = (char: string) => {
    if (text[at] !== char) throw new Error(`expected ${char} at ${at} in ${text}`);
    at++;
  };
  const type = (): HiveType => {
    const head = name().toLowerCase();
    if (head === "array") {
      expect("<");
      const element = type();
      expect(">");
      return { kind: "array", element };
    }
    if (head === "map") {
      expect("<");
      const key = type();
      expect(",");
      const value = type();
      expect(">");
      return { kind: "map", key, value };
    }
    if (head === "struct") {
      expect("<");
      const fields: Array<[string, HiveType]> = [];
      while (text[at] !== ">") {
        const field = name();
        expect(":");
        fields.push([field, type()]);
        if (text[at] === ",") at++;
      }
      expect(">");
      return { kind: "struct", fields };
    }
    return { kind: "primitive", name: head };
  };
  const parsed = type();
  if (at !== text.length) throw new Error(`unexpected ${text.slice(at)} in ${text}`);
  return parsed;
}

const DUCKDB_PRIMITIVES: Record<string, string> = { string: "VARCHAR", boolean: "BOOLEAN", bigint: "BIGINT", int: "INTEGER", double: "DOUBLE" };

export function duckdbType(type: HiveType): string {
  switch (type.kind) {
    case "primitive":
      if (DUCKDB_PRIMITIVES[type.name] === undefined) throw new Error(`no DuckDB type for ${type.name}`);
      return DUCKDB_PRIMITIVES[type.name];
    case "array":
      return `${duckdbType(type.element)}[]`;
    case "map":
      return `MAP(${duckdbType(type.key)}, ${duckdbType(type.value)})`;
    case "struct":
      return `STRUCT(${type.fields.map(([field, t]) => `"${field}" ${duckdbType(t)}`).join(", ")})`;
  }
}

/**
 * Where `value` (a JSON value at `at`) does not fit `type`: a field the type lacks, or a value of
 * another JSON type. Empty when it fits.
 */
export function misfits(at: string, value: unknown, type: HiveType): string[] {
  if (value === null || value === undefined) return [];
  switch (type.kind) {
    case "primitive": {
      const fits =
        type.name === "string" ? typeof value === "string" : type.name === "boolean" ? typeof value === "boolean" : Number.isInteger(value);
      return fits ? [] : [`${at}: ${JSON.stringify(value)} is not ${type.name}`];
    }
    case "array":
      return Array.isArray(value) ? value.flatMap((v, i) => misfits(`${at}[${i}]`, v, type.element)) : [`${at}: not an array`];
    case "map":
      return isObject(value) ? Object.entries(value).flatMap(([k, v]) => misfits(`${at}.${k}`, v, type.value)) : [`${at}: not an object`];
    case "struct": {
      if (!isObject(value)) return [`${at}: not an object`];
      const fields = new Map(type.fields);
      return Object.entries(value).flatMap(([k, v]) => (fields.has(k) ? misfits(`${at}.${k}`, v, fields.get(k)!) : [`${at}.${k}: no such field`]));
    }
  }
}

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** What the OpenX JSON SerDe sees with `case.insensitive`: every key lowercased, map keys included. */
export function lowercaseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(lowercaseKeys);
  if (!isObject(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.toLowerCase(), lowercaseKeys(v)]));
}

/** How the OpenX JSON reader hands over map keys: the Hive SerDe lowercases them, Trino's reader keeps them. */
export type MapKeys = "lowercased" | "as written";

/** `value` as the OpenX JSON reader sees it through `type`: struct keys lowercased, map keys as `mapKeys` says. */
export function serdeView(value: unknown, type: HiveType, mapKeys: MapKeys): unknown {
  if (value === null || value === undefined) return value;
  switch (type.kind) {
    case "primitive":
      return value;
    case "array":
      return Array.isArray(value) ? value.map((v) => serdeView(v, type.element, mapKeys)) : value;
    case "map":
      if (!isObject(value)) return value;
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) => [mapKeys === "lowercased" ? k.toLowerCase() : k, serdeView(v, type.value, mapKeys)]),
      );
    case "struct": {
      if (!isObject(value)) return value;
      const fields = new Map(type.fields);
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) => {
          const field = fields.get(k.toLowerCase());
          return [k.toLowerCase(), field === undefined ? v : serdeView(v, field, mapKeys)];
        }),
      );
    }
  }
}

/** The time Firehose stamps on a record: the event's own timestamp, else the message's. */
export function recordTime(record: Json): Date {
  const event = Object.entries(record).find(([key, v]) => key !== "mail" && isObject(v) && typeof v.timestamp === "string");
  return new Date(event === undefined ? record.mail.timestamp : event[1].timestamp);
}

const pad = (n: number) => String(n).padStart(2, "0");
const TIMESTAMP_FORMATS: Record<string, (d: Date) => string> = {
  yyyy: (d) => String(d.getUTCFullYear()),
  MM: (d) => pad(d.getUTCMonth() + 1),
  dd: (d) => pad(d.getUTCDate()),
  HH: (d) => pad(d.getUTCHours()),
};

/** The one delivery stream of a synthesized stack, as Firehose would run it. */
export interface FirehoseSettings {
  readonly name: string;
  readonly prefix: string;
  readonly compression: string;
  /** The MetadataExtraction JQ query, when dynamic partitioning is on. */
  readonly jqQuery?: string;
  /** "parquet" when the stream converts records to Parquet, with the columns of its schema table. */
  readonly format?: "json" | "parquet";
}

export function firehoseSettings(stack: Json): FirehoseSettings {
  const [stream] = Object.values<Json>(stack.resource.aws_kinesis_firehose_delivery_stream);
  const s3 = stream.extended_s3_configuration;
  const parameters: Json[] = s3.processing_configuration?.processors?.[0]?.parameters ?? [];
  return {
    name: stream.name,
    prefix: s3.prefix,
    compression: s3.compression_format,
    jqQuery: parameters.find((p) => p.parameter_name === "MetadataExtractionQuery")?.parameter_value,
    format: s3.data_format_conversion_configuration?.enabled === false || s3.data_format_conversion_configuration === undefined ? "json" : "parquet",
  };
}

/**
 * Writes `records` under `root` as Firehose would: one GZIP object of newline-delimited JSON per
 * distinct prefix, dated by when each record arrived (`arrival`, by default the event's own time).
 * Returns the object keys.
 */
export async function deliver(
  root: string,
  firehose: FirehoseSettings,
  records: readonly Json[],
  arrival: (record: Json, index: number) => Date = recordTime,
  columns?: readonly GlueColumn[],
): Promise<string[]> {
  const objects = new Map<string, string[]>();
  for (const [index, record] of records.entries()) {
    const time = arrival(record, index);
    const partitionKeys = firehose.jqQuery === undefined ? {} : ((await jq(record, firehose.jqQuery)) as Json);
    const prefix = firehose.prefix.replace(/!\{([^}]*)\}/g, (expression, body: string) => {
      const [namespace, argument] = [body.slice(0, body.indexOf(":")), body.slice(body.indexOf(":") + 1)];
      if (namespace === "partitionKeyFromQuery" && typeof partitionKeys[argument] === "string") return partitionKeys[argument];
      if (namespace === "timestamp" && TIMESTAMP_FORMATS[argument] !== undefined) return TIMESTAMP_FORMATS[argument](time);
      throw new Error(`the harness cannot lay out ${expression}`);
    });
    objects.set(prefix, [...(objects.get(prefix) ?? []), `${JSON.stringify(record)}\n`]);
  }
  const keys: string[] = [];
  if (firehose.format === "parquet") {
    if (columns === undefined) throw new Error("record format conversion needs the schema table's columns");
    if (firehose.compression !== "UNCOMPRESSED") throw new Error(`Firehose converts only with UNCOMPRESSED, not ${firehose.compression}`);
    for (const [prefix, lines] of objects) {
      const key = `${prefix}${firehose.name}-1-2026-01-01-00-00-00-${keys.length}.parquet`;
      mkdirSync(path.join(root, path.dirname(key)), { recursive: true });
      await writeParquet(path.join(root, key), lines, columns);
      keys.push(key);
    }
    return keys;
  }
  if (firehose.compression !== "GZIP") throw new Error(`the harness writes GZIP only, not ${firehose.compression}`);
  for (const [prefix, lines] of objects) {
    const key = `${prefix}${firehose.name}-1-2026-01-01-00-00-00-${keys.length}.gz`;
    mkdirSync(path.join(root, path.dirname(key)), { recursive: true });
    writeFileSync(path.join(root, key), gzipSync(lines.join("")));
    keys.push(key);
  }
  return keys;
}

/** A Glue column as the table's storage descriptor holds it. */
export interface GlueColumn {
  readonly name: string;
  readonly type: string;
}

/** DuckDB's `columns` argument of `read_json` for Glue columns. */
function columnSpec(columns: readonly GlueColumn[]): string {
  return `{${columns.map((c) => `'${c.name}': '${duckdbType(parseHiveType(c.type)).replace(/'/g, "''")}'`).join(", ")}}`;
}

/**
 * Writes the JSON `lines` (one record each) as one Parquet object at `file`, as Firehose's record
 * format conversion does: each record read through the OpenX JSON SerDe (keys matched without regard
 * to case, map keys lowercased as the Hive SerDe hands them over) into the schema table's `columns`,
 * in their order and with their types, a field no column names dropped; Snappy inside.
 */
export async function writeParquet(
  file: string,
  lines: readonly string[],
  columns: readonly GlueColumn[],
  compression: "SNAPPY" | "GZIP" | "UNCOMPRESSED" = "SNAPPY",
): Promise<void> {
  const row: HiveType = { kind: "struct", fields: columns.map((c) => [c.name, parseHiveType(c.type)]) };
  const dir = mkdtempSync(path.join(tmpdir(), "ses-events-firehose-"));
  const json = path.join(dir, "records.json");
  writeFileSync(json, lines.map((line) => `${JSON.stringify(serdeView(JSON.parse(line), row, "lowercased"))}\n`).join(""));
  const instance = await DuckDBInstance.create(":memory:", { threads: "1" });
  const connection = await instance.connect();
  try {
    const names = columns.map((c) => `"${c.name}"`).join(", ");
    await connection.run(
      `COPY (SELECT ${names} FROM read_json('${json}', format = 'newline_delimited', columns = ${columnSpec(columns)})) ` +
        `TO '${file.replace(/'/g, "''")}' (FORMAT PARQUET, COMPRESSION ${compression})`,
    );
  } finally {
    connection.closeSync();
    instance.closeSync();
    rmSync(dir, { recursive: true, force: true });
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The Glue table of a synthesized stack, with its projection read back from its parameters. */
export function glueTable(stack: Json): Json {
  const [table] = Object.values<Json>(stack.resource.aws_glue_catalog_table);
  return table;
}

/**
 * The objects under `root` that Athena's partition projection of `table` finds, with each one's
 * partition values; `today` bounds a date range ending at NOW.
 */
export function projectedObjects(root: string, table: Json, today: Date): Array<{ key: string; partition: Record<string, string> }> {
  const parameters: Record<string, string> = table.parameters;
  const names: string[] = table.partition_keys.map((key: Json) => key.name);
  const template = parameters["storage.location.template"].replace(/\$\$\{/g, "${").replace(/^s3:\/\/\$\{[^}]+\}\//, "");
  const checks: Record<string, (value: string) => boolean> = {};
  let pattern = "";
  let last = 0;
  for (const match of template.matchAll(/\$\{([^}]+)\}/g)) {
    const name = match[1];
    pattern += escapeRegExp(template.slice(last, match.index));
    last = match.index + match[0].length;
    const at = `projection.${name}`;
    switch (parameters[`${at}.type`]) {
      case "enum": {
        const values = parameters[`${at}.values`].split(",");
        pattern += `(?<${name}>${values.map(escapeRegExp).join("|")})`;
        checks[name] = (v) => values.includes(v);
        break;
      }
      case "integer": {
        const [min, max] = parameters[`${at}.range`].split(",").map(Number);
        const digits = Number(parameters[`${at}.digits`]);
        pattern += `(?<${name}>\\d{${digits}})`;
        checks[name] = (v) => Number(v) >= min && Number(v) <= max;
        break;
      }
      case "date": {
        if (parameters[`${at}.format`] !== "yyyy" || parameters[`${at}.interval.unit`] !== "YEARS") throw new Error(`unsupported date projection ${at}`);
        const [first, end] = parameters[`${at}.range`].split(",");
        const lastYear = end === "NOW" ? today.getUTCFullYear() : Number(end);
        pattern += `(?<${name}>\\d{4})`;
        checks[name] = (v) => Number(v) >= Number(first) && Number(v) <= lastYear;
        break;
      }
      default:
        throw new Error(`no projection for ${name}`);
    }
  }
  pattern += escapeRegExp(template.slice(last));
  const location = new RegExp(`^${pattern}[^/]+$`);
  const found: Array<{ key: string; partition: Record<string, string> }> = [];
  for (const key of listFiles(root)) {
    const match = location.exec(key);
    if (match === null) continue;
    const partition = Object.fromEntries(names.map((name) => [name, match.groups![name]]));
    if (Object.entries(partition).every(([name, value]) => checks[name](value))) found.push({ key, partition });
  }
  return found;
}

function listFiles(root: string, under = ""): string[] {
  return readdirSync(path.join(root, under), { withFileTypes: true }).flatMap((entry) => {
    const key = under === "" ? entry.name : `${under}/${entry.name}`;
    return entry.isDirectory() ? listFiles(root, key) : [key];
  });
}

/** A DuckDB database holding `table` as Athena would read it from `root`. */
export class AthenaStandIn {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly dir: string,
    private readonly today: string,
    private readonly mapKeys: MapKeys,
  ) {}

  static async open(today: string, mapKeys: MapKeys = "lowercased"): Promise<AthenaStandIn> {
    const instance = await DuckDBInstance.create(":memory:", { threads: "1" });
    return new AthenaStandIn(instance, await instance.connect(), mkdtempSync(path.join(tmpdir(), "ses-events-athena-")), today, mapKeys);
  }

  /**
   * Loads every object the projection finds into a DuckDB table named `into` (`events` unless
   * said): gzipped JSON through the OpenX SerDe, or Parquet by column name, as Athena reads each.
   */
  async load(root: string, table: Json, objects: ReturnType<typeof projectedObjects>, into = "events"): Promise<void> {
    const glueColumns: GlueColumn[] = table.storage_descriptor.columns;
    const columns: Array<[string, string]> = glueColumns.map((c) => [c.name, duckdbType(parseHiveType(c.type))]);
    const keys: string[] = table.partition_keys.map((k: Json) => k.name);
    const all = [...columns, ...keys.map((k): [string, string] => [k, "VARCHAR"])];
    await this.run(`DROP TABLE IF EXISTS "${into}"; CREATE TABLE "${into}" (${all.map(([n, t]) => `"${n}" ${t}`).join(", ")})`);
    const parquet = /parquet/i.test(table.storage_descriptor.ser_de_info?.serialization_library ?? "");
    const row: HiveType = { kind: "struct", fields: glueColumns.map((c) => [c.name, parseHiveType(c.type)]) };
    for (const [i, object] of objects.entries()) {
      const partition = keys.map((k) => `'${object.partition[k].replace(/'/g, "''")}' AS "${k}"`).join(", ");
      if (parquet) {
        const names = columns.map(([n]) => `"${n}"`).join(", ");
        await this.run(`INSERT INTO "${into}" SELECT ${names}, ${partition} FROM read_parquet('${path.join(root, object.key).replace(/'/g, "''")}')`);
        continue;
      }
      const lines = gunzipSync(readFileSync(path.join(root, object.key))).toString("utf8").split("\n").filter((l) => l !== "");
      const file = path.join(this.dir, `${into}-${i}.json`);
      writeFileSync(file, lines.map((line) => `${JSON.stringify(serdeView(JSON.parse(line), row, this.mapKeys))}\n`).join(""));
      await this.run(
        `INSERT INTO "${into}" SELECT *, ${partition} FROM read_json('${file}', format = 'newline_delimited', columns = ${columnSpec(glueColumns)})`,
      );
    }
  }

  /** Runs Athena SQL that names several tables: each reference in `tables` becomes the DuckDB table it maps to. */
  async queryTables(sql: string, tables: Record<string, string>): Promise<Json[]> {
    let duckdb = sql;
    for (const [reference, name] of Object.entries(tables)) {
      if (!duckdb.includes(reference)) throw new Error(`the query does not read ${reference}`);
      duckdb = duckdb.split(reference).join(`"${name}"`);
    }
    return this.runAthena(duckdb);
  }

  /** Runs Athena SQL against `events`; `tableReference` is how the SQL names the table. */
  async query(sql: string, tableReference: string): Promise<Json[]> {
    if (!sql.includes(tableReference)) throw new Error(`the query does not read ${tableReference}`);
    return this.runAthena(sql.split(tableReference).join("events"));
  }

  private async runAthena(sql: string): Promise<Json[]> {
    const duckdb = sql
      .replace(/\bcurrent_date\b/g, `DATE '${this.today}'`)
      .replace(/\btransform\(/g, "list_transform(")
      .replace(/\belement_at\(/g, "map_extract_value(")
      .replace(/\barray_min\(/g, "list_min(");
    const reader = await this.connection.runAndReadAll(duckdb);
    const types = reader.columnTypes().map(String);
    const names = reader.columnNames();
    return reader.getRowObjectsJson().map((row) =>
      Object.fromEntries(names.map((name, i) => [name, ["BIGINT", "HUGEINT"].includes(types[i]) && row[name] !== null ? Number(row[name]) : row[name]])),
    );
  }

  private async run(sql: string): Promise<void> {
    await this.connection.run(sql);
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
