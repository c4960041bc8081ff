import { EVENT_TYPE_PARTITION_KEY, PARTITION_KEY_EXPRESSION } from "./defaults";
import { SesEventRecordType } from "../ses-event-type";

/** How Athena computes one partition key's values (partition projection). */
export type PartitionProjection =
  | { readonly type: "enum"; readonly values: readonly string[] }
  | { readonly type: "integer"; readonly min: number; readonly max: number; readonly digits: number }
  | { readonly type: "year" };

/** One Firehose expression of the prefix, as a partition key of the table. */
export interface PartitionKey {
  /** Column name: the text before `=` in a Hive-style segment, else a name for the expression. */
  readonly name: string;
  /** The Firehose expression, e.g. `!{timestamp:yyyy}`. */
  readonly expression: string;
  readonly projection: PartitionProjection;
}

/** Where Firehose writes the event objects, in the terms of a partitioned table. */
export interface EventLayout {
  /** The prefix's fixed start, up to its last `/` before any expression: the table's location. */
  readonly location: string;
  /** One key per expression, in prefix order. */
  readonly keys: readonly PartitionKey[];
  /** The prefix with each expression replaced by `${name}`: Athena's `storage.location.template` after the bucket. */
  readonly template: string;
}

/** The `!{timestamp:...}` formats the table can project, with the key names they get. */
const TIMESTAMP_KEYS: Readonly<Record<string, { name: string; projection: PartitionProjection }>> = {
  yyyy: { name: "year", projection: { type: "year" } },
  MM: { name: "month", projection: { type: "integer", min: 1, max: 12, digits: 2 } },
  dd: { name: "day", projection: { type: "integer", min: 1, max: 31, digits: 2 } },
  HH: { name: "hour", projection: { type: "integer", min: 0, max: 23, digits: 2 } },
};

/** The date keys the queries group by. */
export const DATE_FORMATS = ["yyyy", "MM", "dd"] as const;

const EXPRESSION = /!\{([^}]*)\}/g;
const HIVE_NAME = /([A-Za-z0-9_]+)=$/;
const COLUMN_NAME = /^[a-z_][a-z0-9_]{0,127}$/;

/**
 * Reads a Firehose S3 prefix as a partitioned table: a fixed location, then a partition key per
 * expression. `enums` lists the values of further `!{partitionKeyFromQuery:<key>}` keys, projected
 * as enums. Returns the reasons when the table could not follow the prefix exactly.
 */
export function eventLayout(
  prefix: string,
  enums: Readonly<Record<string, readonly string[]>> = {},
): EventLayout | { readonly problems: readonly string[] } {
  const problems: string[] = [];
  const keys: PartitionKey[] = [];
  let template = "";
  let last = 0;
  for (const match of prefix.matchAll(EXPRESSION)) {
    const before = prefix.slice(last, match.index);
    template += before;
    last = match.index + match[0].length;
    const found = keyOf(match[0], match[1]!, (template.match(HIVE_NAME) ?? [])[1], enums);
    if (typeof found === "string") {
      problems.push(found);
      continue;
    }
    if (keys.some((key) => key.name === found.name)) {
      problems.push(`${match[0]} would be a second partition key named ${found.name}: give each expression its own name=`);
      continue;
    }
    keys.push(found);
    template += `\${${found.name}}`;
  }
  template += prefix.slice(last);
  if (prefix.replace(EXPRESSION, "").includes("!{")) problems.push("it holds an unterminated !{ expression");
  if (!prefix.endsWith("/")) {
    problems.push("it must end with '/' so that each partition is a folder Athena can read");
  }
  const formats = [...prefix.matchAll(EXPRESSION)].map((match) => /^timestamp:(.*)$/.exec(match[1]!)?.[1]);
  const missing = DATE_FORMATS.filter((format) => !formats.includes(format));
  if (missing.length > 0) {
    problems.push(
      `it must hold the dates ${DATE_FORMATS.map((f) => `!{timestamp:${f}}`).join(", ")} (missing ${missing.map((f) => `!{timestamp:${f}}`).join(", ")}): the queries group events by day, and without a timestamp Firehose appends a yyyy/MM/dd/HH/ of its own`,
    );
  }
  if (problems.length > 0) return { problems };
  const firstExpression = prefix.indexOf("!{");
  const location = firstExpression < 0 ? prefix : prefix.slice(0, prefix.lastIndexOf("/", firstExpression) + 1);
  return { location, keys, template };
}

function keyOf(
  expression: string,
  body: string,
  hiveName: string | undefined,
  enums: Readonly<Record<string, readonly string[]>>,
): PartitionKey | string {
  let name: string;
  let projection: PartitionProjection;
  const queried = /^partitionKeyFromQuery:(.*)$/.exec(body)?.[1];
  if (expression === PARTITION_KEY_EXPRESSION) {
    name = EVENT_TYPE_PARTITION_KEY;
    projection = { type: "enum", values: Object.values(SesEventRecordType) };
  } else if (queried !== undefined && Object.hasOwn(enums, queried)) {
    name = queried;
    projection = { type: "enum", values: enums[queried]! };
  } else if (body.startsWith("timestamp:") && TIMESTAMP_KEYS[body.slice("timestamp:".length)] !== undefined) {
    ({ name, projection } = TIMESTAMP_KEYS[body.slice("timestamp:".length)]!);
  } else {
    return `${expression} cannot be projected: the table follows only ${PARTITION_KEY_EXPRESSION} and !{timestamp:yyyy}, !{timestamp:MM}, !{timestamp:dd}, !{timestamp:HH}`;
  }
  const column = hiveName ?? name;
  if (!COLUMN_NAME.test(column)) {
    return `the partition name ${JSON.stringify(column)} of ${expression} is not a column name Athena reads: use lowercase letters, digits and '_'`;
  }
  return { name: column, expression, projection };
}

/** One step of a Firehose prefix read as a pattern: a character it matches, once or any number of times. */
interface KeyStep {
  readonly matches: (char: string) => boolean;
  readonly repeats: boolean;
}

const anyOf = (chars: RegExp, repeats: boolean): KeyStep => ({ matches: (c) => chars.test(c), repeats });
const literal = (text: string): KeyStep[] => [...text].map((char) => ({ matches: (c) => c === char, repeats: false }));

/** What one Firehose expression can write, as steps; an expression it does not know may write anything. */
function expressionSteps(body: string): KeyStep[] {
  const format = /^timestamp:([^']*)$/.exec(body)?.[1];
  if (format !== undefined) {
    return [...format].flatMap((char) =>
      /[yMdHhmsS]/.test(char) ? [anyOf(/[0-9]/, false)] : /[A-Za-z]/.test(char) ? [anyOf(/[A-Za-z0-9]/, true)] : literal(char),
    );
  }
  if (`!{${body}}` === PARTITION_KEY_EXPRESSION) return [anyOf(/[A-Za-z ]/, true)];
  if (body === "firehose:error-output-type") return [anyOf(/[A-Za-z-]/, true), ...literal("failed")];
  if (body === "firehose:random-string") return [anyOf(/[A-Za-z0-9]/, true)];
  return [anyOf(/[\s\S]/, true)];
}

/**
 * True when an object Firehose writes under `firehosePrefix` may have a key starting with
 * `keyPrefix`, so that an S3 lifecycle rule filtering on `keyPrefix` could delete it.
 */
export function mayWriteUnder(firehosePrefix: string, keyPrefix: string): boolean {
  const steps: KeyStep[] = [];
  let last = 0;
  for (const match of firehosePrefix.matchAll(EXPRESSION)) {
    steps.push(...literal(firehosePrefix.slice(last, match.index)), ...expressionSteps(match[1]!));
    last = match.index + match[0].length;
  }
  steps.push(...literal(firehosePrefix.slice(last)));
  const closure = (states: Set<number>) => {
    for (const state of states) if (steps[state]?.repeats) states.add(state + 1);
    return states;
  };
  let states = closure(new Set([0]));
  for (const char of keyPrefix) {
    // Past the end of the prefix comes the object's own name, which may be anything.
    if (states.has(steps.length)) return true;
    const next = new Set<number>();
    for (const state of states) {
      const step = steps[state];
      if (step?.matches(char)) next.add(step.repeats ? state : state + 1);
    }
    states = closure(next);
    if (states.size === 0) return false;
  }
  return true;
}
