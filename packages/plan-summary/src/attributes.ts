// What an in-place update changes: the attribute paths whose value differs between before and
// after (or becomes known only after apply), each with its old and new value. Sensitive parts
// are masked at any depth; a sensitive block is reported as one entry, never opened.
import type { Change } from "./read";
import { afterSide, beforeSide } from "./replacements";
import { child, describeAt, isHiddenAt, isMarked, isRecord, sameValue, valueAt, type PathStep } from "./values";

export interface AttributeChange {
  path: PathStep[];
  before: string;
  after: string;
}

/** Stops a pathological plan from listing thousands of paths for one resource. */
export const MAX_CHANGED_PATHS = 50;

/**
 * The changed attribute paths at or below `under` (the whole object by default), at most `limit`
 * of them (Infinity when they are all needed, to judge what the change touches).
 */
export function changedAttributes(change: Change, under: PathStep[] = [], limit = MAX_CHANGED_PATHS): AttributeChange[] {
  const paths: PathStep[][] = [];
  collect(change, under, valueAt(change.before, under), valueAt(change.after, under), valueAt(change.after_unknown, under), paths, limit);
  return paths.map((path) => ({ path, before: describeAt(beforeSide(change), path), after: describeAt(afterSide(change), path) }));
}

function collect(change: Change, path: PathStep[], before: unknown, after: unknown, unknown: unknown, out: PathStep[][], limit: number): void {
  if (out.length >= limit) return;
  const hidden = isHiddenAt(change.before, change.before_sensitive, path) || isHiddenAt(change.after, change.after_sensitive, path);
  if (unknown === true) {
    out.push(path);
    return;
  }
  if (!hidden && isRecord(before) && isRecord(after)) {
    const keys = new Set([...Object.keys(before), ...Object.keys(after), ...(isRecord(unknown) ? Object.keys(unknown) : [])]);
    for (const key of [...keys].sort()) {
      collect(change, [...path, key], child(before, key), child(after, key), child(unknown, key), out, limit);
    }
    return;
  }
  if (!hidden && Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    before.forEach((item, index) => collect(change, [...path, index], item, after[index], child(unknown, index), out, limit));
    return;
  }
  if (!sameValue(before ?? null, after ?? null) || changedSensitivity(change, path)) out.push(path);
}

// A value that becomes sensitive (or stops being) is a change Terraform shows too.
function changedSensitivity(change: Change, path: PathStep[]): boolean {
  return isMarked(change.before_sensitive, path) !== isMarked(change.after_sensitive, path);
}

export function isTruncatedList(changes: readonly AttributeChange[]): boolean {
  return changes.length >= MAX_CHANGED_PATHS;
}
