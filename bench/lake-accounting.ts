/**
 * What a query engine reads for one saved query, in Athena's billing model:
 *   JSON     every byte of every object in the partitions the query reads (a text object is read whole);
 *   Parquet  the column chunks of the columns the query names, in the same partitions' objects (Athena
 *            engine version 3 reads nested fields by themselves, so `mail.messageid` costs that leaf only).
 * Partitions are pruned on the event type the query names; every saved query reads a 30-day window,
 * and the lake holds exactly that window, so the dates prune nothing.
 */

/** One column chunk of a Parquet object, as DuckDB's `parquet_metadata` lists it. */
export interface ColumnChunk {
  /** The leaf's path, such as `mail, destination, list, element`. */
  readonly path: string;
  readonly compressedBytes: number;
}

/** The event types a query's WHERE clause keeps, by the partition column `typeColumn`. */
export function eventTypesRead(sql: string, typeColumn: string): string[] {
  const column = `"${typeColumn}"`;
  const found = new Set<string>();
  const strings = (list: string) => [...list.matchAll(/'((?:[^']|'')*)'/g)].map((m) => m[1]!.replace(/''/g, "'"));
  for (const match of sql.matchAll(new RegExp(`${escape(column)} IN \\(([^)]*)\\)`, "g"))) strings(match[1]!).forEach((t) => found.add(t));
  for (const match of sql.matchAll(new RegExp(`WHERE ${escape(column)} = '((?:[^']|'')*)'`, "g"))) found.add(match[1]!.replace(/''/g, "'"));
  return [...found].sort();
}

/**
 * The dotted paths of the table's columns that `sql` names: `mail.messageid`, `bounce.bouncedrecipients`
 * (a lambda's `r.emailaddress` over an array narrows it to `bounce.bouncedrecipients.emailaddress`).
 */
export function fieldsNamed(sql: string, columns: readonly string[]): string[] {
  const found = new Set<string>();
  for (const match of sql.matchAll(/transform\(([a-z_]+(?:\.[a-z_]+)+), (\w+) -> \2\.([a-z_]+)\)/g)) found.add(`${match[1]}.${match[3]}`);
  const rest = sql.replace(/transform\([^)]*\)/g, "");
  const roots = columns.map(escape).join("|");
  for (const match of rest.matchAll(new RegExp(`(?<![\\w."])(${roots})((?:\\.[a-z_]+)*)(?![\\w"])`, "g"))) found.add(`${match[1]}${match[2]}`);
  // A path whose parent is named too is read with the parent.
  return [...found].filter((path) => ![...found].some((other) => other !== path && path.startsWith(`${other}.`))).sort();
}

/** The field path of a Parquet leaf, without the list and map levels: `mail, destination, list, element` is `mail.destination`. */
export function leafField(path: string): string {
  return path
    .split(", ")
    .filter((step) => !["list", "element", "key_value", "array", "bag", "array_element"].includes(step))
    .join(".");
}

/** Bytes of the column chunks of `chunks` that hold a field named in `fields` or under one. */
export function parquetBytesRead(chunks: readonly ColumnChunk[], fields: readonly string[]): number {
  return chunks
    .filter((chunk) => {
      const leaf = leafField(chunk.path);
      return fields.some((field) => leaf === field || leaf.startsWith(`${field}.`) || (field.startsWith(`${leaf}.`) && isMapValue(chunk.path)));
    })
    .reduce((sum, chunk) => sum + chunk.compressedBytes, 0);
}

/** A map's keys and values are read whole: `mail.tags` names `mail, tags, key_value, key` and `..., value, list, element`. */
function isMapValue(path: string): boolean {
  return path.includes("key_value");
}

/** Bytes of whole objects in the partitions read. */
export function jsonBytesRead(objects: ReadonlyArray<{ readonly eventType: string; readonly bytes: number }>, eventTypes: readonly string[]): number {
  return objects.filter((object) => eventTypes.includes(object.eventType)).reduce((sum, object) => sum + object.bytes, 0);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
