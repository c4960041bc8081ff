import { TerraformProvider, Token } from "cdktf";
import { Construct } from "constructs";

/** One problem: the setting it is about, when the sentence starts with it, and the sentence after it. */
export interface Problem {
  /** The setting the sentence starts with, such as `deliveryStream.prefix`. */
  readonly setting?: string | undefined;
  /** The rest of the sentence: the value received, the rule and how to fix it. */
  readonly text: string;
}

function sentence(problem: Problem): string {
  return problem.setting === undefined ? problem.text : `${problem.setting} ${problem.text}`;
}

/** Thrown at synth time with every problem found in one construct's props. */
export class ValidationError extends Error {
  /** Every problem found, one sentence each, naming the setting, the value and the rule. */
  readonly problems: readonly string[];
  private readonly found: readonly Problem[];

  constructor(
    /** What was being built, such as `SesFirehoseEventDestination "stack/Events"`. */
    readonly scope: string,
    problems: readonly (Problem | string)[],
  ) {
    const found = problems.map((problem) => (typeof problem === "string" ? { text: problem } : problem));
    super(`${scope}: invalid settings:\n${found.map((p) => `  - ${sentence(p)}`).join("\n")}`);
    this.name = "ValidationError";
    this.found = found;
    this.problems = found.map(sentence);
  }

  /**
   * The same problems, each setting named as `rename` says (say, after the environment variable
   * that set it). `mentioned` settings are renamed in the sentences too, where they appear as
   * identifiers (`sesRoleArn and sesRoleName are both set`); plain words such as `enabled` are
   * left alone, since prose uses them too.
   */
  renamed(rename: (setting: string) => string, mentioned: readonly string[] = []): ValidationError {
    const renames = mentioned
      .filter((setting) => /[A-Z.]/.test(setting) && rename(setting) !== setting)
      .sort((a, b) => b.length - a.length)
      .map((setting) => [new RegExp(`(?<![\\w.])${setting.replace(/\./g, "\\.")}(?!\\w|\\.\\w)`, "g"), rename(setting)] as const);
    const renameIn = (text: string) => renames.reduce((out, [pattern, name]) => out.replace(pattern, name), text);
    return new ValidationError(
      this.scope,
      this.found.map((p) => ({ setting: p.setting === undefined ? undefined : rename(p.setting), text: renameIn(p.text) })),
    );
  }
}

/** True for a Terraform variable, reference or other value only known at apply time. */
export function isToken(value: unknown): boolean {
  if (Array.isArray(value)) return Token.isUnresolved(value) || value.some((v) => Token.isUnresolved(v));
  return Token.isUnresolved(value);
}

/**
 * True for a whole list token (`Token.asList`, a variable's list), known only later; false for a list
 * that holds a token beside literal items, whose literal items are judged one by one.
 */
export function isListToken(value: unknown): boolean {
  return Array.isArray(value) && Token.isUnresolved(value);
}

/** The longest value a message shows in full. */
const SHOWN_LENGTH = 200;

/** Values that look like credentials: AWS access keys, HCP Terraform, GitHub and similar tokens, JWTs, private keys. */
const SECRET_VALUE =
  /AKIA[0-9A-Z]{16}|ASIA[0-9A-Z]{16}|\.atlasv1\.|gh[pousr]_[A-Za-z0-9]{20,}|github_pat_|xox[abprs]-|glpat-|eyJ[A-Za-z0-9_-]{10,}\.|-----BEGIN [A-Z ]*PRIVATE KEY|(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/;

/** Names of settings (or tags) whose values are never repeated in a message. */
const SECRET_NAME = /token|secret|pass(?:word|wd|phrase)?(?![a-z])|pwd|credential|private.?key|api.?key|auth|bearer|cookie|session/i;

/** `value` as `show` gives it, or nothing at all when `setting` is named like a credential. */
export function showAs(setting: string, value: unknown): string {
  return SECRET_NAME.test(setting) ? "(a secret, not shown)" : show(value);
}

/**
 * JSON of `value`, a value under a key that names a secret (a password, a token) at any depth left
 * out; undefined when JSON.stringify cannot write it (nested too deep, circular, a BigInt).
 */
function jsonOf(value: unknown): string | undefined {
  try {
    return JSON.stringify(value ?? null, (key, item: unknown) => (key !== "" && SECRET_NAME.test(key) ? "(a secret, not shown)" : item));
  } catch {
    return undefined;
  }
}

/** True for a value that looks like a credential, which no message may repeat. */
export function looksSecret(value: unknown): boolean {
  const text = typeof value === "string" ? value : jsonOf(value);
  return text !== undefined && SECRET_VALUE.test(text);
}

/**
 * A value as a message shows it: JSON, on one line, cut short past 200 characters, and never a value
 * that looks like a credential.
 */
export function show(value: unknown): string {
  if (Construct.isConstruct(value)) return `(a construct of class ${value.constructor.name || "(anonymous)"}, "${value.node.path}")`;
  if (looksSecret(value)) return "(a value that looks like a secret, not shown)";
  // JSON writes Infinity (1e309 parsed) as null: say what the number is.
  const raw = value === undefined ? "undefined" : typeof value === "number" && !Number.isFinite(value) ? String(value) : jsonOf(value);
  if (raw === undefined) return typeof value === "bigint" ? `${String(value)}n` : "(a value JSON cannot show: nested too deep or circular)";
  const json = escapeInvisible(raw);
  if (json.length <= SHOWN_LENGTH) return json;
  if (typeof value === "string") {
    return `${escapeInvisible(JSON.stringify(`${[...value].slice(0, SHOWN_LENGTH - 20).join("")}…`))} (${[...value].length} characters)`;
  }
  return `${[...json].slice(0, SHOWN_LENGTH - 20).join("")}… (${json.length} characters of JSON)`;
}

/**
 * What JSON leaves as it is but a terminal, log viewer or editor would act on: DEL and the C1
 * controls (U+009B starts an escape sequence), line and paragraph separators, zero-width and
 * bidirectional formatting characters. Escaped like JSON's own escapes, so a value stays one
 * line of the text it is.
 */
const INVISIBLE = /[\u007f-\u009f\u00ad\u061c\u180e\u2028\u2029\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]/g;

function escapeInvisible(json: string): string {
  return json.replace(INVISIBLE, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/**
 * `text` as one line a terminal prints as it reads: control characters (line breaks, escape
 * sequences) and the characters `show` escapes are written as escapes, and a credential in it is
 * never repeated. For messages that quote their input, such as a JSON parser's.
 */
export function printable(text: string): string {
  const escaped = text.replace(/[\u0000-\u001f]/g, (char) => {
    const json = JSON.stringify(char);
    return json.slice(1, -1);
  });
  return escapeInvisible(escaped).replace(new RegExp(SECRET_VALUE.source, "g"), "(a secret, not shown)");
}

/** `text` as it is when it is a plain word (a stack name, a Region), otherwise as `show` gives it. */
export function plain(text: string): string {
  return /^[A-Za-z0-9_.:-]{1,64}$/.test(text) && !looksSecret(text) ? text : show(text);
}

/** A rule: a predicate on a concrete value and the sentence that tells the user how to comply. */
export interface Rule<T> {
  readonly test: (value: T) => boolean;
  readonly text: string;
}

/**
 * Collects the problems of one construct so they are reported together. Values that are
 * tokens are never judged.
 */
export class Problems {
  private readonly found: Problem[] = [];

  check<T>(setting: string, value: T | undefined, ...rules: Rule<T>[]): void {
    if (value === undefined || isToken(value)) return;
    const broken = rules.find((rule) => !rule.test(value));
    if (broken) this.found.push({ setting, text: `${showAs(setting, value)} is invalid: ${broken.text}.` });
  }

  /** Records a problem when `condition` holds; `message` is the whole sentence. */
  when(condition: boolean, message: string): void {
    if (condition) this.found.push({ text: message });
  }

  /** Records a problem about `setting` when `condition` holds; the sentence is `setting` then `text`. */
  whenAbout(setting: string, condition: boolean, text: string): void {
    if (condition) this.found.push({ setting, text });
  }

  /** The problems found so far. */
  get messages(): readonly string[] {
    return this.found.map(sentence);
  }

  /** The problems found so far, each with the setting it is about. */
  get all(): readonly Problem[] {
    return [...this.found];
  }

  throwIfAny(scope: string): void {
    if (this.found.length > 0) throw new ValidationError(scope, this.found);
  }
}

export function pattern(regex: RegExp, text: string): Rule<string> & { readonly regex: RegExp } {
  // RegExp.test turns null or 5 into "null" or "5": a value that is not a string never matches.
  return { test: (v) => typeof v === "string" && regex.test(v), text, regex };
}

export function integerBetween(min: number, max: number): Rule<number> {
  return { test: (v) => Number.isInteger(v) && v >= min && v <= max, text: `use a whole number from ${min} to ${max}` };
}

export function atLeast(min: number, text: string): Rule<number> {
  return { test: (v) => v >= min, text };
}

export function oneOf<T extends string | number>(allowed: readonly T[]): Rule<T> {
  return { test: (v) => allowed.includes(v), text: `use one of ${allowed.join(", ")}` };
}

export function maxLength(max: number): Rule<string> {
  return { test: (v) => v.length <= max, text: `use at most ${max} characters` };
}

const PARTITION = "aws[a-z-]*";
const REGION = "[a-z]{2,4}(-[a-z]+)+-\\d{1,2}";
const ACCOUNT = "\\d{12}";

/** SES configuration set and event destination names. */
/** For literal text that Terraform would otherwise evaluate (`${...}`, `%{...}`) when it reads the configuration. */
export const NO_TERRAFORM_TEMPLATE: Rule<string> = {
  test: (v) => !/[$%]\{/.test(v),
  text: "Terraform reads ${ and %{ as the start of an expression; remove them",
};


/** Firehose's expressions in S3 prefixes: every !{ opens one whole expression of a namespace it knows. */
export const FIREHOSE_EXPRESSIONS: Rule<string> = {
  test: (v) =>
    !v
      .replace(/!\{(?:timestamp:[^{}!]+|firehose:(?:error-output-type|random-string)|partitionKeyFrom(?:Query|Lambda):[A-Za-z0-9_-]+)\}/g, "")
      .includes("!{"),
  text:
    "every !{ must open a whole expression Firehose knows: !{timestamp:FORMAT}, !{firehose:error-output-type}, !{firehose:random-string}, " +
    "!{partitionKeyFromQuery:KEY} or !{partitionKeyFromLambda:KEY}",
};

export const SES_NAME = pattern(/^[A-Za-z0-9_-]{1,64}$/, "use 1-64 letters, digits, '_' or '-'");
/** Firehose delivery stream names. */
export const STREAM_NAME = pattern(/^[A-Za-z0-9_.-]{1,64}$/, "use 1-64 letters, digits, '_', '.' or '-'");
/** IAM role names. */
export const ROLE_NAME = pattern(/^[\w+=,.@-]{1,64}$/, "use 1-64 letters, digits or '+=,.@_-'");
/** S3 bucket names (general purpose buckets). */
export const BUCKET_NAME = pattern(
  /^(?!xn--|sthree-|amzn-s3-demo-)(?!.*\.\.)(?!.*-s3alias$)(?!.*--ol-s3$)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
  "use 3-63 lowercase letters, digits, '.' or '-', starting and ending with a letter or digit, without '..' or a prefix or suffix S3 reserves",
);

export const DELIVERY_STREAM_ARN = pattern(
  new RegExp(`^arn:${PARTITION}:firehose:${REGION}:${ACCOUNT}:deliverystream/[A-Za-z0-9_.-]{1,64}$`),
  "use a Firehose delivery stream ARN, arn:<partition>:firehose:<region>:<account>:deliverystream/<name>",
);
/** IAM paths: `/`, or `/` ... `/` of ASCII characters, at most 512. */
export const ROLE_PATH = pattern(
  /^(\/|\/[\x21-\x7f]{1,510}\/)$/,
  "use / or a path that starts and ends with '/', such as /service-role/, of at most 512 ASCII characters",
);
export const ROLE_ARN = pattern(
  new RegExp(`^arn:${PARTITION}:iam::${ACCOUNT}:role/([\\x21-\\x7e]{1,510}/)?[\\w+=,.@-]{1,64}$`),
  "use an IAM role ARN, arn:<partition>:iam::<account>:role/<name>",
);
export const BUCKET_ARN = pattern(
  new RegExp(`^arn:${PARTITION}:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`),
  "use an S3 bucket ARN, arn:<partition>:s3:::<bucket-name>",
);
export const KMS_KEY_ARN = pattern(
  new RegExp(`^arn:${PARTITION}:kms:${REGION}:${ACCOUNT}:key/[A-Za-z0-9-]{1,128}$`),
  "use a KMS key ARN, arn:<partition>:kms:<region>:<account>:key/<key-id> (not an alias)",
);
export const SNS_TOPIC_ARN = pattern(
  new RegExp(`^arn:${PARTITION}:sns:${REGION}:${ACCOUNT}:[A-Za-z0-9_-]{1,256}(\\.fifo)?$`),
  "use an SNS topic ARN, arn:<partition>:sns:<region>:<account>:<topic-name>",
);

/** The retention periods CloudWatch Logs accepts, in days; 0 keeps events forever. */
export const LOG_RETENTION_DAYS = [
  0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

const TAG_CHARACTERS = "letters, digits, spaces and _ . : / = + - @";

/** The most tags AWS allows on one resource (default tags included). */
export const MAX_TAGS = 50;

/** AWS tag rules, for `setting` (e.g. `tags`) holding key-value tags. */
export function checkTags(problems: Problems, setting: string, tags: Readonly<Record<string, string>> | undefined): void {
  // A map token (a variable's map, Token.asAny) stands for tags known later.
  if (isToken(tags)) return;
  const count = Object.keys(tags ?? {}).length;
  problems.when(count > MAX_TAGS, `${setting} holds ${count} tags: AWS allows at most ${MAX_TAGS} on a resource; remove some.`);
  for (const [key, value] of Object.entries(tags ?? {})) {
    problems.check(
      `${setting} key`,
      key,
      pattern(/^.{1,128}$/su, "use 1-128 characters"),
      pattern(/^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u, `use ${TAG_CHARACTERS}`),
      { test: (k) => !k.toLowerCase().startsWith("aws:"), text: "the aws: prefix is reserved for AWS" },
    );
    problems.check(
      `${setting}[${JSON.stringify(key)}]`,
      value,
      maxLength(256),
      pattern(/^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u, `use ${TAG_CHARACTERS}`),
    );
  }
}

/** The path (`/` or `/service-role/`) and name of a role ARN. */
export function roleArnParts(arn: string): { path: string; name: string } | undefined {
  if (isToken(arn) || !ROLE_ARN.test(arn)) return undefined;
  const resource = arn.slice(arn.indexOf(":role/") + ":role".length);
  const cut = resource.lastIndexOf("/") + 1;
  return { path: resource.slice(0, cut), name: resource.slice(cut) };
}

/**
 * What a prop's value must be when given, checked at synth time: JavaScript callers (and `any` in
 * TypeScript) can pass anything, and `"false"` for a boolean would otherwise count as true.
 *   string, number, boolean   that type, or a token of it (a value known later);
 *   flag                      true or false, never a token: the module decides at synth time what to create;
 *   choice                    one of an enum's strings, never a token, for the same reason;
 *   booleanOrString           either;
 *   strings                   an array of strings, or a list token;
 *   names                     an array of literal strings, never a token (the module makes a statement,
 *                             a partition or a name of each);
 *   list                      an array (its items are judged by the prop's own rules);
 *   stringMap                 an object of string values (tags), or a map token;
 *   stringLists               an object of arrays of literal strings;
 *   function                  a function;
 *   provider                  an AWS provider.
 */
export type PropKind =
  | "string"
  | "number"
  | "boolean"
  | "flag"
  | "choice"
  | "booleanOrString"
  | "strings"
  | "names"
  | "list"
  | "stringMap"
  | "stringLists"
  | "function"
  | "provider";
/** The kind of a prop the interface requires: `"string!"` is a string that must be given. */
export type RequiredPropKind = `${PropKind}!`;

/** The kinds a prop of type `V` may have; never for a group of options, which has a shape of its own. */
type KindOf<V> = [V] extends [boolean]
  ? "boolean" | "flag"
  : [V] extends [number]
    ? "number"
    : [V] extends [string]
      ? string extends V
        ? "string"
        : "choice"
      : [V] extends [boolean | string]
        ? "booleanOrString"
        : [V] extends [readonly string[]]
          ? "strings" | "names"
          : [V] extends [readonly unknown[]]
            ? "list"
            : [V] extends [(...args: never[]) => unknown]
              ? "function"
              : [V] extends [TerraformProvider]
                ? "provider"
                : string extends keyof V
                  ? [V] extends [Readonly<Record<string, string>>]
                    ? "stringMap"
                    : [V] extends [Readonly<Record<string, readonly string[]>>]
                      ? "stringLists"
                      : never
                  : never;

/** A group of options (an object type with named props) is looked into with its own shape. */
type Group<V> = [KindOf<V>] extends [never] ? ([V] extends [object] ? PropShape<V> : never) : never;

/**
 * The props of a construct, or of one of its groups of options, by name: each prop's kind (ending
 * in `!` when the interface requires the prop), or the shape of a group of options that is looked
 * into. Typed against the props interface (`PropShape<XxxProps>`), so that `tsc` fails until a prop
 * added there is named here too, and when a prop's kind, or its being required, does not match its
 * type; messages list the known props from it.
 */
export type PropShape<T> = {
  readonly [K in keyof T]-?: {} extends Pick<T, K> ? KindOf<NonNullable<T[K]>> | Group<NonNullable<T[K]>> : `${KindOf<NonNullable<T[K]>>}!` | Group<NonNullable<T[K]>>;
};

/** Groups that may also be given as a construct (a ConfigurationSet for `configurationSet`). */
const TAKES_A_CONSTRUCT = new WeakSet<object>();

/** `shape`, for a group that may also be given as a construct, which is then the construct's own business. */
export function orConstruct<T extends object>(shape: T): T {
  TAKES_A_CONSTRUCT.add(shape);
  return shape;
}

/** The index of the first item of `list` that fails `test` (a hole included), or -1: stops there, however long the list. */
function firstIndexNot(list: readonly unknown[], test: (item: unknown) => boolean): number {
  for (let i = 0; i < list.length; i++) if (!(i in list) || !test(list[i])) return i;
  return -1;
}

const strings = (v: unknown): boolean => Array.isArray(v) && firstIndexNot(v, (item) => typeof item === "string") < 0;

const KIND_TEXT: Record<PropKind, { readonly test: (value: unknown) => boolean; readonly text: string }> = {
  string: { test: (v) => typeof v === "string", text: "use a string" },
  number: { test: (v) => typeof v === "number", text: "use a number" },
  boolean: { test: (v) => typeof v === "boolean", text: "use true or false" },
  flag: { test: (v) => typeof v === "boolean", text: "use true or false" },
  choice: { test: (v) => typeof v === "string", text: "use a string" },
  booleanOrString: { test: (v) => typeof v === "boolean" || typeof v === "string", text: "use true, false or a string" },
  strings: { test: strings, text: "use an array of strings" },
  names: { test: strings, text: "use an array of strings" },
  list: { test: (v) => Array.isArray(v), text: "use an array" },
  stringMap: { test: (v) => isObject(v), text: "use an object of string values" },
  stringLists: { test: (v) => isObject(v) && Object.values(v).every(strings), text: "use an object whose values are arrays of strings" },
  function: { test: (v) => typeof v === "function", text: "use a function" },
  provider: {
    test: (v) => TerraformProvider.isTerraformProvider(v) && v.terraformResourceType === "aws",
    text: "use an AWS provider (an AwsProvider)",
  },
};

/** Kinds whose value is an array. */
const ARRAY_KINDS: ReadonlySet<PropKind> = new Set<PropKind>(["strings", "names", "list"]);

/** Kinds whose value the module reads at synth time to decide what to create: a token cannot stand for them. */
const LITERAL_KINDS: ReadonlySet<PropKind> = new Set<PropKind>(["flag", "choice", "names", "stringLists"]);

/** A message's name for `key` under `at`: the dotted path, or `at[\"key\"]` for a key that is no identifier or looks like a secret. */
function propName(at: string, key: string): string {
  return /^[A-Za-z_$][\w$]{0,63}$/.test(key) && !looksSecret(key) ? `${at}${key}` : `${at.replace(/\.$/, "")}[${show(key)}]`;
}

/**
 * Refuses a prop that `shape` does not name, at any depth of its groups (from JavaScript, a typo or a
 * prop of a newer version would otherwise be ignored without a word), a prop given with a value of
 * another kind than its shape says (such as `null` for a group or `"false"` for a boolean), a token
 * given for a group (the module reads groups at synth time), and a required prop left out, unless
 * `options.required` is false (the app names the settings it leaves out its own way). Props are read
 * as the constructs read them (see plainProps); a construct given for a group is the construct's own
 * business. Returns false when a value has the wrong kind or a required one is
 * missing: the other checks read the props as their types say, so the caller reports these problems
 * before running them.
 */
export function checkKnownProps(
  problems: Problems,
  at: string,
  props: unknown,
  shape: object,
  options: { readonly required?: boolean; readonly hints?: Readonly<Record<string, string>> } = {},
): boolean {
  // Props left out altogether are none given: the required ones are then named.
  const given: unknown = props ?? {};
  if (Construct.isConstruct(given) || !isObject(given)) {
    const what = Construct.isConstruct(given) ? `are a construct of class ${given.constructor.name} ("${given.node.path}")` : `${show(given)} are invalid`;
    problems.when(true, at === "" ? `the props ${what}: use an object of props.` : `${at.replace(/\.$/, "")} ${what}: use an object.`);
    return false;
  }
  let kindsHold = true;
  const known = Object.keys(shape);
  for (const key of Object.keys(given).filter((k) => !Object.prototype.hasOwnProperty.call(shape, k))) {
    const hint = at === "" && options.hints !== undefined && Object.hasOwn(options.hints, key) ? `${options.hints[key]}; the props are` : "use one of";
    problems.whenAbout(propName(at, key), true, `is not a prop: ${hint} ${known.join(", ")}.`);
  }
  for (const [key, inner] of Object.entries(shape) as Array<[string, unknown]>) {
    const name = propName(at, key);
    // Read as the construct reads it (plainProps made the constructs' props plain copies).
    const value: unknown = (given as Record<string, unknown>)[key];
    if (value === undefined) {
      if ((options.required ?? true) && typeof inner === "string" && inner.endsWith("!")) {
        problems.whenAbout(name, true, `is required: ${KIND_TEXT[inner.slice(0, -1) as PropKind].text}.`);
        kindsHold = false;
      }
    } else if (typeof inner === "object" && inner !== null) {
      if (Construct.isConstruct(value) && TAKES_A_CONSTRUCT.has(inner)) continue;
      if (Construct.isConstruct(value)) {
        problems.whenAbout(name, true, `is a construct of class ${value.constructor.name} ("${value.node.path}"): use an object with any of ${Object.keys(inner).join(", ")}.`);
        kindsHold = false;
      } else if (isToken(value)) {
        problems.whenAbout(name, true, `is a token: the module reads these options at synth time; give them as an object with any of ${Object.keys(inner).join(", ")}.`);
        kindsHold = false;
      } else if (!isObject(value)) {
        problems.whenAbout(name, true, `${showAs(name, value)} is invalid: use an object with any of ${Object.keys(inner).join(", ")}.`);
        kindsHold = false;
      } else {
        kindsHold = checkKnownProps(problems, `${name}.`, value, inner, options) && kindsHold;
      }
    } else {
      kindsHold = checkKind(problems, name, value, String(inner).replace(/!$/, "") as PropKind) && kindsHold;
    }
  }
  return kindsHold;
}

/**
 * A plain copy of `props` as `shape` names them, which a construct reads from then on: each prop read
 * once by property access (an own value, an inherited one, a getter or a class's method alike), and
 * each group copied the same way. The constructs copy groups with spreads, which take an object's own
 * values only: without the copy an inherited value would be judged by the checks and then lost, and a
 * getter read again to another value. Anything else (a construct, a token, an array, a value of
 * another kind, a key `shape` does not name) is kept as it is, for checkKnownProps to judge.
 */
export function plainProps<T>(props: T, shape: object): T {
  if (!isObject(props) || Construct.isConstruct(props) || isToken(props)) return props;
  const given = props as Record<string, unknown>;
  const copy: Record<string, unknown> = {};
  // Defined, not assigned: an own "__proto__" key stays a key (for the checks to refuse), not a prototype.
  const keep = (key: string, value: unknown) => Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });
  for (const key of Object.keys(given)) if (!Object.prototype.hasOwnProperty.call(shape, key)) keep(key, given[key]);
  for (const [key, inner] of Object.entries(shape) as Array<[string, unknown]>) {
    if (!(key in given)) continue;
    const value = given[key];
    if (value !== undefined) keep(key, typeof inner === "object" && inner !== null ? plainProps(value, inner) : value);
  }
  return copy as T;
}

/** Whether `value` has `kind`, recording a problem about `name` when not. */
function checkKind(problems: Problems, name: string, value: unknown, kind: PropKind): boolean {
  const wrong = (text: string) => {
    problems.whenAbout(name, true, text);
    return false;
  };
  const literal = LITERAL_KINDS.has(kind);
  if (Array.isArray(value)) {
    // Before anything reads the items: a hole is refused where it is, however long the array.
    const hole = firstIndexNot(value, () => true);
    if (hole >= 0) return wrong(`has a hole at [${hole}]: give a value at each position.`);
    if (!ARRAY_KINDS.has(kind)) {
      return wrong(isListToken(value) ? `is a list token: ${KIND_TEXT[kind].text}.` : `${showAs(name, value)} is invalid: ${KIND_TEXT[kind].text}.`);
    }
  }
  if (isToken(value) && !(Array.isArray(value) && !isListToken(value))) {
    // A token stands for a value known later: taken, unless the module must know the value now, or a
    // list is wanted and the token is no list.
    if (literal) return wrong(`is a token: the module reads it at synth time to decide what to create; ${KIND_TEXT[kind].text}, written out.`);
    if ((kind === "strings" || kind === "list") && !Array.isArray(value)) return wrong("is a token that is no list: use an array, or a list token (Token.asList).");
    return true;
  }
  if ((kind === "strings" || kind === "names") && Array.isArray(value)) {
    const at = firstIndexNot(value, (item) => typeof item === "string" && !(literal && isToken(item)));
    if (at < 0) return true;
    const item: unknown = value[at];
    problems.whenAbout(
      `${name}[${at}]`,
      true,
      typeof item === "string"
        ? "is a token: the module reads each entry at synth time; write it out."
        : `${showAs(name, item)} is invalid: use a string (${name} is an array of strings).`,
    );
    return false;
  }
  if (kind === "stringMap" && isObject(value)) {
    const entries = Object.entries(value).filter(([, item]) => typeof item !== "string" && !isToken(item));
    for (const [key, item] of entries) {
      const entry = `${name}[${show(key)}]`;
      problems.whenAbout(entry, true, `${showAs(entry, item)} is invalid: use a string (${name} is an object of string values).`);
    }
    return entries.length === 0;
  }
  if (kind === "stringLists" && isObject(value)) {
    let holds = true;
    for (const [key, list] of Object.entries(value)) holds = checkKind(problems, `${name}[${show(key)}]`, list, "names") && holds;
    return holds;
  }
  if (KIND_TEXT[kind].test(value)) return true;
  return wrong(`${showAs(name, value)} is invalid: ${KIND_TEXT[kind].text}.`);
}

/** An object that is no array: a plain one, a class instance or one without a prototype, but no Map, Date, boxed primitive or promise. */
function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && Object.prototype.toString.call(value) === "[object Object]";
}

