// Reading values out of a plan's before/after trees, with the marker trees Terraform writes
// beside them (after_unknown, before_sensitive, after_sensitive): `true` marks the value at that
// position and everything inside it; objects and arrays mirror the value's shape.

export type PathStep = string | number;
export type AttributePath = readonly PathStep[];

/** One side of a change: its value and the markers that hide or defer parts of it. */
export interface Side {
  value: unknown;
  sensitive: unknown;
  unknown?: unknown;
}

export const SENSITIVE = "(sensitive)";
export const KNOWN_AFTER_APPLY = "(known after apply)";
export const NONE = "(none)";
const MARKERS: ReadonlySet<string> = new Set([SENSITIVE, KNOWN_AFTER_APPLY, NONE]);

/** `table[key]` when the table has that key itself: a plan string such as "constructor" is never read from Object.prototype. */
export function lookup<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function child(node: unknown, step: PathStep): unknown {
  if (Array.isArray(node)) return typeof step === "number" ? node[step] : undefined;
  if (isRecord(node) && Object.hasOwn(node, String(step))) return node[String(step)];
  return undefined;
}

export function valueAt(value: unknown, path: AttributePath): unknown {
  let node = value;
  for (const step of path) node = child(node, step);
  return node;
}

/**
 * The marker tree at `step` below `markers`. Terraform writes marker trees in the shape of the
 * value (an array for a list, an object for an object or map); a tree of another shape marks
 * everything below it when it marks anything, so that a malformed tree can only hide a value.
 */
export function markerChild(markers: unknown, step: PathStep): unknown {
  if (markers === true) return true;
  const fits = typeof step === "number" ? Array.isArray(markers) : isRecord(markers);
  if (fits) return child(markers, step);
  return containsTrue(markers) ? true : undefined;
}

function markerAt(markers: unknown, path: AttributePath): unknown {
  let node = markers;
  for (const step of path) node = markerChild(node, step);
  return node;
}

/** True when a marker tree is `true` at the path or at one of its parents. */
export function isMarked(markers: unknown, path: AttributePath): boolean {
  return markerAt(markers, path) === true;
}

/** True when a marker tree is `true` anywhere at or below the path, or at one of its parents. */
export function isMarkedWithin(markers: unknown, path: AttributePath): boolean {
  return containsTrue(markerAt(markers, path));
}

/**
 * True when the value at `path` must not be shown: marked there or above it, or marked below it by
 * a tree of another shape than the value (an array of markers for a string, say).
 */
export function isHiddenAt(value: unknown, markers: unknown, path: AttributePath): boolean {
  const marker = markerAt(markers, path);
  return marker === true || (!fitsShape(valueAt(value, path), marker) && containsTrue(marker));
}

/** True when a marker tree has the shape of `value` at its top (or marks nothing there). */
function fitsShape(value: unknown, markers: unknown): boolean {
  if (markers === undefined || markers === null || typeof markers === "boolean") return true;
  return Array.isArray(markers) ? Array.isArray(value) : isRecord(value);
}

function containsTrue(node: unknown): boolean {
  if (node === true) return true;
  if (Array.isArray(node)) return node.some(containsTrue);
  if (isRecord(node)) return Object.values(node).some(containsTrue);
  return false;
}

/** The union of two marker trees: marked wherever either is. */
export function mergeMarkers(a: unknown, b: unknown): unknown {
  if (a === true || b === true) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return Array.from({ length: Math.max(a.length, b.length) }, (_, index) => mergeMarkers(a[index], b[index]));
  }
  if (isRecord(a) && isRecord(b)) {
    const merged: Record<string, unknown> = Object.create(null);
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) merged[key] = mergeMarkers(a[key], b[key]);
    return merged;
  }
  const aTree = isRecord(a) || Array.isArray(a);
  const bTree = isRecord(b) || Array.isArray(b);
  // Trees of two shapes cannot be laid over each other: whatever either marks, both hide.
  if (aTree && bTree) return containsTrue(a) || containsTrue(b) ? true : a;
  return aTree ? a : b;
}

/** The side's value at `path` as compact JSON-like text, with sensitive and unknown parts masked at any depth. */
export function describeAt(side: Side, path: AttributePath): string {
  if (isMarked(side.sensitive, path)) return SENSITIVE;
  if (isMarked(side.unknown, path)) return KNOWN_AFTER_APPLY;
  const value = valueAt(side.value, path);
  const sensitive = markerAt(side.sensitive, path);
  const unknown = markerAt(side.unknown, path);
  if (value === undefined || value === null) return NONE;
  return render(value, sensitive, unknown);
}

function render(value: unknown, sensitive: unknown, unknown: unknown): string {
  if (sensitive === true || (!fitsShape(value, sensitive) && containsTrue(sensitive))) return SENSITIVE;
  if (unknown === true) return KNOWN_AFTER_APPLY;
  // A string that reads like one of the markers is quoted, so it cannot pass for one.
  if (typeof value === "string") return MARKERS.has(value) ? JSON.stringify(value) : value;
  return renderJson(value, sensitive, unknown);
}

function renderJson(value: unknown, sensitive: unknown, unknown: unknown): string {
  if (sensitive === true || (!fitsShape(value, sensitive) && containsTrue(sensitive))) return SENSITIVE;
  if (unknown === true) return KNOWN_AFTER_APPLY;
  if (Array.isArray(value)) {
    const length = Math.max(value.length, Array.isArray(unknown) ? unknown.length : 0);
    const items: string[] = [];
    for (let i = 0; i < length; i++) items.push(renderJson(value[i] ?? null, markerChild(sensitive, i), markerChild(unknown, i)));
    return `[${items.join(",")}]`;
  }
  if (isRecord(value)) {
    const keys = new Set(Object.keys(value));
    if (isRecord(unknown)) for (const key of Object.keys(unknown)) if (unknown[key] === true) keys.add(key);
    const entries = [...keys].map(
      (key) => `${JSON.stringify(key)}:${renderJson(value[key] ?? null, markerChild(sensitive, key), markerChild(unknown, key))}`,
    );
    return `{${entries.join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

// IAM and Terraform compare lists as sets and a single value like a one-element list.
export function canonical(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(canonical).sort((a, b) => compareText(JSON.stringify(a), JSON.stringify(b)));
    return items.length === 1 ? items[0] : items;
  }
  if (isRecord(value)) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, canonical(value[key])]),
    );
  }
  return value;
}

export function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function formatPath(path: AttributePath): string {
  return path.map((step, index) => (typeof step === "number" ? `[${step}]` : index === 0 ? step : `.${step}`)).join("");
}

export function startsWith(path: AttributePath, prefix: AttributePath): boolean {
  return prefix.length <= path.length && prefix.every((step, index) => path[index] === step);
}
