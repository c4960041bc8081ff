// A long changed value (a saved query, a JSON document, a template) shows where it changed: the
// two texts are diffed word by word (the `diff` library) and each changed part is shown on both
// sides with some unchanged text around it; the unchanged rest is left out. Without a size limit
// (--max-chars 0) both values are shown whole.
import { diffWordsWithSpace } from "diff";
import { literal, MAX_LITERAL, plural } from "./markdown";

/** Unchanged characters shown on each side of a changed part. */
const CONTEXT = 60;
/** Changed parts shown for one value; the rest are counted. */
const MAX_PARTS = 5;
/** Longest text of one side of a changed part before it is shortened. */
const MAX_WINDOW = 400;
/** Beyond this many edits the word diff gives up, and the value is compared from both ends. */
const MAX_EDIT_LENGTH = 1_000;
/** Longer values are compared from both ends only: a word diff of them could take too long. */
const MAX_DIFF_LENGTH = 50_000;

export interface ChangedPart {
  /** Where the part starts and ends in each text. */
  before: [number, number];
  after: [number, number];
}

/** True for two texts that are too long to show whole beside each other. */
export function isLongChange(before: string, after: string): boolean {
  return before.length > MAX_LITERAL || after.length > MAX_LITERAL;
}

/** The changed parts of two texts, merged when less than two contexts apart. */
export function changedParts(before: string, after: string): ChangedPart[] {
  const parts = wordDiff(before, after) ?? endsDiff(before, after);
  const merged: ChangedPart[] = [];
  for (const part of parts) {
    const last = merged[merged.length - 1];
    if (last !== undefined && part.before[0] - last.before[1] < 2 * CONTEXT && part.after[0] - last.after[1] < 2 * CONTEXT) {
      last.before[1] = part.before[1];
      last.after[1] = part.after[1];
    } else {
      merged.push({ before: [...part.before], after: [...part.after] });
    }
  }
  return merged;
}

function wordDiff(before: string, after: string): ChangedPart[] | undefined {
  if (before.length > MAX_DIFF_LENGTH || after.length > MAX_DIFF_LENGTH) return undefined;
  const changes = diffWordsWithSpace(before, after, { maxEditLength: MAX_EDIT_LENGTH });
  if (changes === undefined) return undefined;
  const parts: ChangedPart[] = [];
  let b = 0;
  let a = 0;
  let open: ChangedPart | undefined;
  for (const change of changes) {
    const size = change.value.length;
    if (!change.added && !change.removed) {
      if (open !== undefined) parts.push(open);
      open = undefined;
      b += size;
      a += size;
      continue;
    }
    open ??= { before: [b, b], after: [a, a] };
    if (change.removed) b += size;
    else a += size;
    open.before[1] = b;
    open.after[1] = a;
  }
  if (open !== undefined) parts.push(open);
  return parts;
}

/** One changed part: from the first difference to the last, found from both ends. */
function endsDiff(before: string, after: string): ChangedPart[] {
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let end = 0;
  while (end < before.length - start && end < after.length - start && before[before.length - 1 - end] === after[after.length - 1 - end]) end++;
  return [{ before: [start, before.length - end], after: [start, after.length - end] }];
}

/**
 * The lines that show a long change under its attribute line: for each changed part, the
 * window of each side, with where it is. `full` shows both values whole instead.
 */
export function renderLongChange(before: string, after: string, full: boolean, indent: string, parts = changedParts(before, after)): string[] {
  if (full) return [`${indent}- before: ${literal(before, Infinity)}`, `${indent}- after: ${literal(after, Infinity)}`];
  const lines = parts.slice(0, MAX_PARTS).flatMap((part) => [
    `${indent}- before, ${where(part.before, before.length)}: ${literal(window(before, part.before), MAX_WINDOW)}`,
    `${indent}- after, ${where(part.after, after.length)}: ${literal(window(after, part.after), MAX_WINDOW)}`,
  ]);
  if (parts.length > MAX_PARTS) lines.push(`${indent}- (${plural(parts.length - MAX_PARTS, "more changed part")}; the full summary shows both values whole)`);
  return lines;
}

/** The heading's words for a long change: sizes and how many parts changed. */
export function describeLongChange(before: string, after: string, parts = changedParts(before, after).length): string {
  const sizes = `${before.length.toLocaleString("en-US")} → ${after.length.toLocaleString("en-US")} characters`;
  return `${sizes}, ${plural(parts, "changed part")} shown with the text around it, the unchanged rest left out`;
}

function where([start, end]: [number, number], length: number): string {
  if (start === end) return `at character ${(start + 1).toLocaleString("en-US")} of ${length.toLocaleString("en-US")}`;
  return `characters ${(start + 1).toLocaleString("en-US")}–${end.toLocaleString("en-US")} of ${length.toLocaleString("en-US")}`;
}

function window(text: string, [start, end]: [number, number]): string {
  const from = Math.max(0, start - CONTEXT);
  const to = Math.min(text.length, end + CONTEXT);
  return `${from > 0 ? "…" : ""}${text.slice(from, to)}${to < text.length ? "…" : ""}`;
}
