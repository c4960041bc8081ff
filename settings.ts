import { Token } from "cdktf";
import type * as z from "zod/mini";
import { type SesEventLakeProps, type SesFirehoseEventDestinationProps, ValidationError, internal } from "./modules";
import { ContextSettings, EnvironmentSettings, STACK_NAME, STACK_NAME_RULE, WORKSPACE_NAME, WORKSPACE_NAME_RULE, contextSettings } from "./settings-schema";

const { MAX_TAGS, PhysicalNameKind, Problems, checkTags, identityOf, looksSecret, physicalNames, plain, roleArnParts, show, showAs, showClash } = internal;
const { DEFAULT_LAKE_NAME } = internal;
type PhysicalName = internal.PhysicalName;

/** Where a stack keeps its Terraform state. */
export type BackendSettings =
  | { readonly kind: "local" }
  | {
      readonly kind: "cloud";
      readonly organization: string;
      readonly workspace?: string;
      readonly workspaceTags?: readonly string[];
      readonly hostname?: string;
      readonly project?: string;
    }
  | { readonly kind: "s3"; readonly bucket: string; readonly key: string; readonly region: string };

/** Everything one stack of the app is built from. */
export interface StackSettings {
  readonly stackName: string;
  readonly region: string;
  /** The only account the stack may be applied to (the provider's `allowed_account_ids`). */
  readonly accountId?: string;
  /** The role the provider assumes to deploy (`assume_role`). */
  readonly assumeRoleArn?: string | undefined;
  /** The provider's default tags. */
  readonly tags: Readonly<Record<string, string>>;
  readonly backend: BackendSettings;
  readonly destination: SesFirehoseEventDestinationProps;
  /** What synth prints as a warning on the stack: settings that work but not yet as meant. */
  readonly warnings?: readonly string[];
  /**
   * How messages name the settings of `destination` that came from an environment variable or an
   * `environments` entry (`{ "configurationSetName": "SES_EVENTS_CONFIGURATION_SET_NAME" }`), by
   * their path in the props.
   */
  readonly settingNames: Readonly<Record<string, string>>;
}

/** The lake's stack (`lake`): where it is, its state, and the lake's props. */
export interface LakeStackSettings {
  readonly stackName: string;
  readonly region: string;
  readonly accountId: string;
  readonly assumeRoleArn?: string | undefined;
  readonly tags: Readonly<Record<string, string>>;
  readonly backend: BackendSettings;
  readonly lake: SesEventLakeProps;
}

/** Every stack of the app: one per environment, and the lake's when `lake` is set. */
export interface AppSettings {
  readonly stacks: StackSettings[];
  readonly lake?: LakeStackSettings | undefined;
}

export const DEFAULT_LAKE_STACK_NAME = "ses-event-lake";

/** A setting the app cannot use; the message names it, its value and the rule. */
export class SettingsError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid app settings:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "SettingsError";
  }
}

export const DEFAULT_STACK_NAME = "ses-events";
export const DEFAULT_REGION = "us-east-1";
export const DEFAULT_CONFIGURATION_SET_NAME = "ses-events";
const DEFAULT_CLOUD_HOSTNAME = "app.terraform.io";
/** With environments, each one's HCP Terraform workspace defaults to `<prefix>-<environment>`. */
export const DEFAULT_WORKSPACE_PREFIX = "ses-events";

/** Context keys read from cdktf.json (top level, and inside each `environments` entry). */
export const CONTEXT_KEYS = Object.keys(contextSettings.def.shape);

/** Context keys cdktf itself sets or reads, never the app's. */
function isCdktfContextKey(key: string): boolean {
  return key.startsWith("cdktf") || key === "excludeStackIdFromLogicalIds" || key === "allowSepCharsInLogicalIds";
}

type Layer = Record<string, unknown>;
type Path = readonly (string | number)[];

/** Environment variables that override the top-level settings: the setting path each sets, and its parser. */
export const ENV_OVERRIDES: ReadonlyArray<readonly [string, Path, (raw: string, name: string) => unknown]> = [
  ["SES_EVENTS_REGION", ["region"], text],
  ["SES_EVENTS_ACCOUNT_ID", ["accountId"], text],
  ["SES_EVENTS_CONFIGURATION_SET_NAME", ["configurationSetName"], text],
  ["SES_EVENTS_CREATE_CONFIGURATION_SET", ["createConfigurationSet"], flag],
  ["SES_EVENTS_EVENT_DESTINATION_NAME", ["eventDestinationName"], text],
  ["SES_EVENTS_EVENT_TYPES", ["eventTypes"], list],
  ["SES_EVENTS_ENABLED", ["enabled"], flag],
  ["SES_EVENTS_DELIVERY_STREAM_ARN", ["deliveryStreamArn"], text],
  ["SES_EVENTS_SES_ROLE_ARN", ["sesRoleArn"], text],
  ["SES_EVENTS_ALARMS", ["alarms", "enabled"], flag],
  ["SES_EVENTS_ALARM_TOPIC_ARN", ["alarms", "snsTopicArn"], text],
  ["SES_EVENTS_ANALYTICS", ["analytics", "enabled"], flag],
  ["SES_EVENTS_STATE_BUCKET", ["state", "bucket"], text],
  ["SES_EVENTS_STATE_KEY", ["state", "key"], text],
  ["SES_EVENTS_STATE_REGION", ["state", "region"], text],
  ["TF_CLOUD_ORGANIZATION", ["cloud", "organization"], text],
  ["TF_CLOUD_HOSTNAME", ["cloud", "hostname"], text],
  ["TF_CLOUD_PROJECT", ["cloud", "project"], text],
];

/** The ambient Region variables of AWS tools: used only when no setting names a Region. */
export const AMBIENT_REGION_VARIABLES = ["AWS_REGION", "AWS_DEFAULT_REGION"] as const;

/** A parse failure of an environment variable; its message is the whole problem sentence. */
class Invalid {
  constructor(readonly message: string) {}
}

function text(raw: string): string {
  return raw.trim();
}

function flag(raw: string, name: string): boolean | Invalid {
  const value = raw.trim().toLowerCase();
  if (value === "true" || value === "1") return true;
  if (value === "false" || value === "0") return false;
  return new Invalid(`${name} ${show(raw)} is invalid: use true or false.`);
}

function list(raw: string): string[] {
  return raw
    .split(",")
    .map((v) => v.trim())
    .filter((v) => v !== "");
}

/**
 * The settings as read, and where each came from: a setting's name in messages is the
 * environment variable that set it, or its path in cdktf.json's context.
 */
class Sources {
  private readonly variables = new Map<string, string>();

  /** Records that `variable` set the top-level setting at `path`. */
  setBy(path: Path, variable: string): void {
    this.variables.set(JSON.stringify(path), variable);
  }

  /** How messages name the setting at `path` of the context. */
  nameOf(path: Path): string {
    if (path[0] !== "environments") {
      for (let length = path.length; length > 0; length--) {
        const variable = this.variables.get(JSON.stringify(path.slice(0, length)));
        if (variable !== undefined) return `${variable}${formatPath(path.slice(length), true)}`;
      }
    }
    return formatPath(path, false);
  }

  /** The value at `path` as messages show it. */
  static showAt(path: Path, value: unknown): string {
    return showAs(path.join("."), value);
  }
}

/** `deliveryStream.bucket`, `eventTypes[1]`, `tags["cost-center"]`. */
function formatPath(path: Path, continued: boolean): string {
  let out = "";
  path.forEach((key, i) => {
    const inTags = i > 0 && (path[i - 1] === "tags" || path[i - 1] === "SES_EVENTS_TAGS");
    if (typeof key === "number") out += `[${key}]`;
    else if (!inTags && /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/.test(key) && !looksSecret(key)) out += out === "" && !continued ? key : `.${key}`;
    else out += `[${show(key)}]`;
  });
  return out;
}

/** Where cdktf reads the context from: the cdktf CLI passes cdktf.json's `context` in it. */
export const CONTEXT_VARIABLE = "CDKTF_CONTEXT_JSON";

/**
 * Refuses a CDKTF_CONTEXT_JSON that is JSON but not an object, which cdktf would read as settings
 * named "0", "1", ... (a list or string), as none (a number) or fail on (null). JSON it cannot
 * parse is left to cdktf, whose message quotes it.
 */
export function checkContextVariable(env: Readonly<Record<string, string | undefined>>): void {
  const raw = env[CONTEXT_VARIABLE];
  if (raw === undefined || raw === "") return;
  let context: unknown;
  try {
    context = JSON.parse(raw);
  } catch {
    return;
  }
  if (!isObject(context)) {
    throw new SettingsError([
      `${CONTEXT_VARIABLE} ${show(context)} is invalid: the context must be a JSON object of settings, such as {"region":"eu-west-1"}.`,
    ]);
  }
}

/**
 * Reads the stacks to build from cdktf.json's context and the environment. Precedence, lowest
 * first: defaults, AWS_REGION / AWS_DEFAULT_REGION (only for a Region nothing else sets),
 * top-level context, environment variables (SES_EVENTS_TAGS merged per tag), the stack's
 * `environments` entry. TF_WORKSPACE only fills in a workspace that no `cloud.workspace` names,
 * and must agree with one that does, because Terraform itself reads it.
 */
export function readSettings(context: Layer, env: Readonly<Record<string, string | undefined>>): StackSettings[] {
  return readApp(context, env).stacks;
}

/** Like `readSettings`, with the lake's stack when `lake` describes one. */
export function readApp(context: Layer, env: Readonly<Record<string, string | undefined>>): AppSettings {
  const problems: string[] = [];
  const sources = new Sources();
  const own: Layer = Object.fromEntries(Object.entries(context).filter(([key]) => !isCdktfContextKey(key)));
  // Reserved keys and token-shaped values are reported here and dropped, so nothing below meets them.
  const refusedFirst = findRefused(problems, [], own);
  let top = withoutPaths(own, refusedFirst);

  const ambient = AMBIENT_REGION_VARIABLES.find((name) => env[name] !== undefined && env[name] !== "");
  // Only where a stack would take it: an ambient variable no stack uses is none of the app's business.
  const entries = isObject(top.environments) ? Object.values(top.environments) : undefined;
  const regionless = entries === undefined || entries.some((entry) => !isObject(entry) || entry.region === undefined);
  if (top.region === undefined && ambient !== undefined && regionless) {
    const raw = readVariable(problems, env, ambient);
    if (raw !== undefined) {
      top.region = raw.trim();
      sources.setBy(["region"], ambient);
    }
  }
  for (const [name, path, parse] of ENV_OVERRIDES) {
    const raw = readVariable(problems, env, name);
    if (raw === undefined) continue;
    const value = parse(raw, name);
    if (value instanceof Invalid) problems.push(value.message);
    else {
      setPath(top, path, value);
      sources.setBy(path, name);
    }
  }
  // A JSON object: its tags are looked at one by one.
  mergeTagsFromEnv(problems, sources, top, readVariable(problems, env, "SES_EVENTS_TAGS", false));
  findUnknownVariables(problems, env);
  const workspaceFromEnv = readVariable(problems, env, "TF_WORKSPACE")?.trim();

  // Types and shapes first: the checks between settings below need them right. A setting the
  // schema refuses is reported and left out, and the checks go on with the others, so that one
  // run reports every problem; unless what is left still fails, or what failed holds every stack.
  const parsed = contextSettings.safeParse(top);
  let settings = parsed.data;
  const refusedAll: Path[] = [...refusedFirst];
  if (!parsed.success) {
    const refused = reportSchemaIssues(problems, sources, top, parsed.error.issues, refusedFirst);
    refusedAll.push(...refused);
    const structural = refused.some((path) => path.length === 0 || (path.length === 1 && path[0] === "environments"));
    const rest = structural ? undefined : contextSettings.safeParse((top = withoutPaths(top, refused)));
    if (rest?.success !== true) throw new SettingsError([...new Set(problems)]);
    settings = rest.data;
  }

  // A lake whose settings were refused above is reported once: what it would lack is not said
  // again, and nothing is built from it (the problems stop the synth).
  const lakeRefused = refusedAll.some((path) => path[0] === "lake");
  const refusedLakeBucket = refusedAll.some((path) => path.slice(-3).join(".") === "deliveryStream.lake.bucketArn");
  const { environments, stackName, lake: lakeContext, ...shared } = settings!;
  const lake = lakeRefused ? undefined : lakeContext;
  const lakeSettings = lake === undefined ? undefined : resolveLake(lake, shared);
  // With a lake, a stack sends to it unless it names its own stream or bucket.
  const toLake = (layer: EnvironmentSettings): EnvironmentSettings =>
    lakeSettings === undefined || layer.deliveryStreamArn !== undefined || layer.deliveryStream?.bucketArn !== undefined
      ? layer
      : merge({ deliveryStream: { lake: lakeSettings.delivery } }, layer);
  const stacks =
    environments === undefined
      ? [stackSettings(problems, sources, { stackName: stackName ?? DEFAULT_STACK_NAME, layer: toLake(shared), workspaceFromEnv, refusedLakeBucket })]
      : Object.entries(environments).map(([name, entry]) =>
          stackSettings(problems, sources, { stackName: name, layer: toLake(merge(shared, entry)), own: entry, workspaceFromEnv, refusedLakeBucket }),
        );
  const lakeStack = lake === undefined ? undefined : lakeStackSettings(problems, sources, lake, shared, stacks, environments ?? {}, workspaceFromEnv);
  checkStackNames(problems, stacks);
  // A lake stack named like an environment is reported once, above, not again for its state.
  const lakeApart = lakeStack !== undefined && !stacks.some((stack) => stack.stackName.toLowerCase() === lakeStack.stackName.toLowerCase());
  checkSharedState(problems, lakeApart ? [lakeStack, ...stacks] : stacks, workspaceFromEnv);
  checkPhysicalNames(problems, sources, stacks, settings!);
  checkDestinations(problems, stacks);
  // What the lake's settings above already refused is not said again by its construct.
  if (lakeStack !== undefined && !problems.some((problem) => problem.startsWith("lake."))) checkLake(problems, lakeStack);
  if (problems.length > 0) throw new SettingsError([...new Set(problems)]);
  return { stacks, lake: lakeStack };
}

type LakeContext = NonNullable<ContextSettings["lake"]>;

/** The lake's account, Region, bucket name, and what each source's `deliveryStream.lake` defaults to. */
function resolveLake(lake: LakeContext, shared: EnvironmentSettings) {
  const region = lake.region ?? shared.region ?? DEFAULT_REGION;
  const bucketName = lake.bucketName ?? `${lake.name ?? DEFAULT_LAKE_NAME}-${lake.accountId}-${region}`;
  return { region, bucketName, delivery: { bucketArn: `arn:aws:s3:::${bucketName}`, ...(lake.accountId === undefined ? {} : { accountId: lake.accountId }) } };
}

/**
 * The lake's stack. Its account is required; who may write and what the table reads default to the
 * accounts and Regions of the stacks that send to it, so adding an environment extends them.
 */
function lakeStackSettings(
  problems: string[],
  sources: Sources,
  lake: LakeContext,
  shared: EnvironmentSettings,
  stacks: readonly StackSettings[],
  environments: Readonly<Record<string, EnvironmentSettings>>,
  workspaceFromEnv: string | undefined,
): LakeStackSettings {
  const stackName = lake.stackName ?? DEFAULT_LAKE_STACK_NAME;
  const { region, bucketName } = resolveLake(lake, shared);
  const named: Namer = (...path) => (hasPath(lake, path) ? sources.nameOf(["lake", ...path]) : sources.nameOf(path));
  const sameName = stacks.find((stack) => stack.stackName.toLowerCase() === stackName.toLowerCase());
  if (sameName !== undefined) {
    problems.push(
      `lake.stackName ${show(stackName)} is the name of stack ${plain(sameName.stackName)} too (or differs only in case): each stack has its own cdktf.out folder and state; set lake.stackName to another name.`,
    );
  }
  if (lake.accountId === undefined) {
    problems.push(`lake.accountId is not set: name the lake's account; its stack is pinned to it, and each source's Firehose role writes only to a bucket it owns.`);
  }
  checkAssumedRole(problems, named, lake.assumeRoleArn, lake.accountId);
  const senders = stacks.filter((stack) => stack.destination.deliveryStream?.lake !== undefined);
  for (const stack of senders) {
    const where = (setting: string) => (stack.stackName in environments ? `environments.${stack.stackName}.${setting}` : setting);
    if (stack.accountId === undefined) {
      problems.push(
        `${where("accountId")} is not set but stack ${plain(stack.stackName)} sends to the lake (lake): the lake admits and reads accounts by ID; set accountId to the stack's account.`,
      );
    } else if (lake.sourceAccountIds !== undefined && !lake.sourceAccountIds.includes(stack.accountId)) {
      problems.push(
        `${where("accountId")} ${stack.accountId} is not in lake.sourceAccountIds: the lake would deny stack ${plain(stack.stackName)}'s events; add it to lake.sourceAccountIds.`,
      );
    }
    if (lake.regions !== undefined && !lake.regions.includes(stack.region)) {
      problems.push(
        `${where("region")} ${stack.region} is not in lake.regions: the lake's table would not read stack ${plain(stack.stackName)}'s events (they are kept, and found once it is added); add it to lake.regions.`,
      );
    }
    if (lake.createKmsKey === true && stack.destination.deliveryStream?.lake?.kmsKeyArn === undefined) {
      // A warning, not an error: the lake stack must deploy first to make the key.
      (stack.warnings as string[]).push(
        `${where("deliveryStream.lake.kmsKeyArn")} is not set but lake.createKmsKey is true: the lake bucket encrypts with the lake's key, which the stack's Firehose role must name, so the lake refuses its deliveries; deploy the lake stack first, set its output lake_kms_key_arn as deliveryStream.lake.kmsKeyArn, then deploy this stack.`,
      );
    }
  }
  const unique = (values: readonly (string | undefined)[]) => [...new Set(values.filter((value): value is string => value !== undefined))];
  const sendingAccounts = unique(senders.map((stack) => stack.accountId));
  const sendingRegions = unique(senders.map((stack) => stack.region));
  const sourceAccountIds = lake.organizationId === undefined ? (lake.sourceAccountIds ?? sendingAccounts) : undefined;
  const accountIds = lake.accountIds ?? (lake.organizationId === undefined ? undefined : sendingAccounts);
  const regions = lake.regions ?? sendingRegions;
  if (lake.organizationId === undefined && sourceAccountIds !== undefined && sourceAccountIds.length === 0) {
    problems.push("lake.sourceAccountIds is not set and no stack sends to the lake with its accountId: list the accounts that send to it, or give each environment its accountId.");
  }
  if (regions.length === 0) problems.push("lake.regions is not set and no stack sends to the lake: list the Regions the lake's table reads.");
  const tags = { ...(shared.tags ?? {}), ...(lake.tags ?? {}) };
  const layer = { ...(shared.state === undefined ? {} : { state: shared.state }), ...(shared.cloud === undefined ? {} : { cloud: shared.cloud }) } as EnvironmentSettings;
  const own = { ...(lake.state === undefined ? {} : { state: lake.state }), ...(lake.cloud === undefined ? {} : { cloud: lake.cloud }) } as EnvironmentSettings;
  return {
    stackName,
    region,
    accountId: lake.accountId ?? "",
    assumeRoleArn: lake.assumeRoleArn,
    tags,
    backend: backendSettings(problems, { stackName, layer: merge(layer, own), own, workspaceFromEnv }, named, region),
    lake: defined({
      sourceAccountIds,
      organizationId: lake.organizationId,
      accountIds,
      regions,
      createKmsKey: lake.createKmsKey,
      name: lake.name,
      bucketName,
      forceDestroy: lake.forceDestroy,
      accessLogBucketName: lake.accessLogBucketName,
      accessLogPrefix: lake.accessLogPrefix,
      lifecycle: lake.lifecycle,
      analytics: lake.analytics,
    }) as SesEventLakeProps,
  };
}

/** `value` without its undefined entries. */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** A role the provider assumes must be a role ARN in the stack's account. */
function checkAssumedRole(problems: string[], named: Namer, arn: string | undefined, accountId: string | undefined): void {
  if (arn === undefined) return;
  if (roleArnParts(arn) === undefined) {
    problems.push(`${named("assumeRoleArn")} ${show(arn)} is invalid: use an IAM role ARN, arn:<partition>:iam::<account>:role/<name>.`);
    return;
  }
  const account = arn.split(":")[4];
  if (accountId !== undefined && account !== accountId) {
    problems.push(
      `${named("assumeRoleArn")} ${show(arn)} is invalid: it is in account ${account} but ${named("accountId")} is ${accountId}, and the provider would refuse to work there; use a role of account ${accountId}.`,
    );
  }
}

/**
 * The event destination's own checks (names, ARNs and their Regions, options that exclude each
 * other), run on each stack's settings here so that they are reported with the settings' problems,
 * each setting named as the user wrote it. They are the checks its constructor runs: nothing is built.
 */
function checkDestinations(problems: string[], stacks: readonly StackSettings[]): void {
  for (const stack of stacks) {
    // A refused environment name makes a refused configuration set name of it: said once is enough.
    if (!STACK_NAME.test(stack.stackName) || stack.stackName in Object.prototype) continue;
    const found = internal.destinationProblemsOf(stack.destination, stack.region);
    if (found.length === 0) continue;
    problems.push(...new ValidationError("", found).renamed((setting) => nameOfSetting(stack, setting), Object.keys(stack.settingNames)).problems);
  }
}

/** Reports what the lake's construct would refuse, named as its settings under `lake`. */
function checkLake(problems: string[], lakeStack: LakeStackSettings): void {
  const found = internal.lakeProblemsOf(lakeStack.lake);
  if (found.length === 0) return;
  const named = (setting: string) => `lake.${setting}`;
  problems.push(...new ValidationError("", found).renamed(named, Object.keys(lakeStack.lake).filter((key) => key !== "tags")).problems);
}

/** How messages name a setting of `stack`'s destination: the variable or environments entry that set it. */
export function nameOfSetting(stack: Pick<StackSettings, "settingNames">, setting: string): string {
  return Object.prototype.hasOwnProperty.call(stack.settingNames, setting) ? stack.settingNames[setting] : setting;
}

/**
 * Reports the schema's issues, one per setting, and returns the paths of the settings they refuse.
 * A setting that fails only because a part of it was refused already (an `environments` left
 * empty) is not reported again.
 */
function reportSchemaIssues(problems: string[], sources: Sources, top: Layer, issues: readonly z.core.$ZodIssue[], before: readonly Path[]): Path[] {
  const refused: Path[] = [];
  const reported = new Set<string>();
  for (const issue of issues) {
    // One problem per setting: a value of the wrong type fails its length check too.
    const path = issue.path as Path;
    const at = JSON.stringify(path);
    if (reported.has(at)) continue;
    reported.add(at);
    if (before.some((inside) => inside.length > path.length && path.every((key, i) => inside[i] === key))) {
      refused.push(path);
      continue;
    }
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        problems.push(`${sources.nameOf([...path, key])} is not a setting: ${issue.message}.`);
        refused.push([...path, key]);
      }
    } else {
      problems.push(`${sources.nameOf(path)} ${Sources.showAt(path, valueAt(top, path))} is invalid: ${issue.message}.`);
      refused.push(path);
    }
  }
  return refused;
}

/**
 * A variable's value, or undefined when it is not set. An empty or blank value, or one shaped
 * like a cdktf token (unless the value is JSON, `whole` false, whose parts are looked at), is
 * reported and taken as not set. Terraform and the AWS SDKs take an empty
 * TF_ or AWS_ variable for an unset one, and so does the app.
 */
function readVariable(problems: string[], env: Readonly<Record<string, string | undefined>>, name: string, whole = true): string | undefined {
  const raw = env[name];
  if (raw === undefined || (raw === "" && EMPTY_MEANS_UNSET.has(name))) return undefined;
  if (raw.trim() === "") {
    problems.push(`${name} ${show(raw)} is invalid: it is ${raw === "" ? "empty" : "blank"}; give it a value or unset it.`);
  } else if (whole && looksLikeToken(raw)) {
    problems.push(`${name} ${showAs(name, raw)} is invalid: ${TOKEN_RULE}.`);
  } else {
    return raw;
  }
  return undefined;
}

/** Variables Terraform or the AWS SDKs read as well, which take an empty value for an unset one. */
const EMPTY_MEANS_UNSET: ReadonlySet<string> = new Set([
  ...AMBIENT_REGION_VARIABLES,
  ...ENV_OVERRIDES.map(([name]) => name).filter((name) => name.startsWith("TF_")),
  "TF_WORKSPACE",
]);

/** The variables the app reads, each set before its setting is read: its own, Terraform's and the AWS SDKs'. */
export const READ_VARIABLES: readonly string[] = [...ENV_OVERRIDES.map(([name]) => name), "SES_EVENTS_TAGS", "TF_WORKSPACE", ...AMBIENT_REGION_VARIABLES];

/**
 * What cdktf reads as a token: its string markers (`${TfToken[...]}`, a list's `#{TfToken[...]}`,
 * a map's `&{TfToken[...]}`, in cdktf's lib/tokens/private/encoding) and AWS CDK's `${Token[...]}`.
 */
const TOKEN_MARKER = /[$#&]\{TfToken\[|\$\{Token\[/;

export const TOKEN_RULE =
  "it has the form of a cdktf token (such as ${TfToken[TOKEN.1]} or one of the numbers cdktf encodes a token as), which cdktf would replace with an unrelated value; a setting is taken as written, so write the value itself";

/**
 * True for a string or number cdktf would resolve as a token: only code makes tokens, so a value
 * read from cdktf.json or the environment that has one's form is a mistake or an attack.
 */
export function looksLikeToken(value: unknown): boolean {
  if (typeof value === "string") return TOKEN_MARKER.test(value) || Token.isUnresolved(value);
  // Numbers: cdktf's marker bits of a number token, or of a list of numbers.
  if (typeof value === "number") return Token.isUnresolved(value) || Token.isUnresolved([value]);
  return false;
}

/**
 * Deeper than any setting goes (context, environments, an entry, deliveryStream, bucket,
 * lifecycle, a value): below it the schema refuses the shape, so nothing there is looked at.
 */
const MAX_SETTINGS_DEPTH = 16;

/** The app's variables besides ENV_OVERRIDES. */
export const OTHER_VARIABLES = ["SES_EVENTS_TAGS", "SES_EVENTS_DEBUG"];

/** A SES_EVENTS_ variable the app does not read is a typo that would silently change nothing. */
function findUnknownVariables(problems: string[], env: Readonly<Record<string, string | undefined>>): void {
  const known = [...ENV_OVERRIDES.map(([name]) => name).filter((name) => name.startsWith("SES_EVENTS_")), ...OTHER_VARIABLES];
  for (const name of Object.keys(env).sort()) {
    if (name.startsWith("SES_EVENTS_") && !known.includes(name)) {
      problems.push(`${plain(name)} is not a setting: use one of ${known.join(", ")}, or unset it.`);
    }
  }
}

/**
 * Keys and values no setting may hold, at any depth, reported and returned by path: a `__proto__`
 * key (JavaScript gives it a meaning of its own, so it would vanish silently) and a key or value
 * shaped like a cdktf token.
 */
function findRefused(problems: string[], path: Path, value: unknown): Path[] {
  if (path.length > MAX_SETTINGS_DEPTH) return [];
  if (looksLikeToken(value)) {
    problems.push(`${formatPath(path, false)} ${Sources.showAt(path, value)} is invalid: ${TOKEN_RULE}.`);
    return [path];
  }
  if (Array.isArray(value)) return value.flatMap((item, i) => findRefused(problems, [...path, i], item));
  if (!isObject(value)) return [];
  return Object.keys(value).flatMap((key) => {
    if (key === "__proto__") {
      problems.push(`${formatPath(path, false)}["__proto__"] is not a setting: the name __proto__ is reserved; remove it.`);
      return [[...path, key]];
    }
    if (looksLikeToken(key)) {
      problems.push(`${path.length === 0 ? "context" : formatPath(path, false)} key ${show(key)} is invalid: ${TOKEN_RULE}.`);
      return [[...path, key]];
    }
    return findRefused(problems, [...path, key], value[key]);
  });
}

/**
 * `layer` without the settings at `paths` (copied where it changes). A path into a list leaves
 * out the whole list.
 */
function withoutPaths(layer: Layer, paths: readonly Path[]): Layer {
  let out = layer;
  for (const path of paths) {
    const cut = path.findIndex((key) => typeof key === "number");
    out = without(out, cut === -1 ? path : path.slice(0, cut));
  }
  return out;
}

function without(layer: Layer, path: Path): Layer {
  const [head, ...rest] = path as string[];
  if (head === undefined || !Object.prototype.hasOwnProperty.call(layer, head)) return layer;
  const copy: Layer = {};
  for (const [key, value] of Object.entries(layer)) {
    if (key !== head) Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });
  }
  const child = layer[head];
  if (rest.length > 0 && isObject(child)) Object.defineProperty(copy, head, { value: without(child, rest), enumerable: true, writable: true, configurable: true });
  return copy;
}

/** SES_EVENTS_TAGS: a JSON object whose tags win over cdktf.json's, key by key. */
function mergeTagsFromEnv(problems: string[], sources: Sources, top: Layer, raw: string | undefined): void {
  if (raw === undefined) return;
  let tags: unknown;
  try {
    tags = JSON.parse(raw);
  } catch {
    tags = undefined;
  }
  if (!isObject(tags)) {
    const rule = looksLikeToken(raw) ? TOKEN_RULE : 'use a JSON object of tag values, e.g. {"team":"email"}';
    problems.push(`SES_EVENTS_TAGS ${show(raw)} is invalid: ${rule}.`);
    return;
  }
  if (findRefused(problems, ["SES_EVENTS_TAGS"], tags).length > 0) return;
  if (top.tags !== undefined && !isObject(top.tags)) return;
  top.tags = { ...top.tags };
  for (const [key, value] of Object.entries(tags)) {
    setPath(top, ["tags", key], value);
    sources.setBy(["tags", key], `SES_EVENTS_TAGS[${show(key)}]`);
  }
}

interface StackInput {
  readonly stackName: string;
  /** The settings in force for this stack. */
  readonly layer: EnvironmentSettings;
  /** The stack's own `environments` entry, when there are environments. */
  readonly own?: EnvironmentSettings;
  readonly workspaceFromEnv?: string;
  /** A `deliveryStream.lake.bucketArn` was refused already: that it is missing is not said again. */
  readonly refusedLakeBucket?: boolean;
}

/** How messages name a setting of one stack: under its environments entry only when that entry sets it. */
type Namer = (...path: string[]) => string;

function namerOf(sources: Sources, input: StackInput): Namer {
  return (...path) =>
    input.own !== undefined && hasPath(input.own, path) ? sources.nameOf(["environments", input.stackName, ...path]) : sources.nameOf(path);
}

function stackSettings(problems: string[], sources: Sources, input: StackInput): StackSettings {
  const { stackName, layer, own } = input;
  const environment = own === undefined ? undefined : stackName;
  const named = namerOf(sources, input);
  // The schema checks stackName; environment names are the keys of `environments`.
  if (!STACK_NAME.test(stackName)) problems.push(`environments ${show(stackName)} is invalid: ${STACK_NAME_RULE}.`);
  else if (stackName in Object.prototype) {
    // The construct tree keeps children in a plain object, and takes these for children it already has.
    const setting = environment === undefined ? `${sources.nameOf(["stackName"])} ${show(stackName)}` : `environments ${show(stackName)}`;
    problems.push(`${setting} is invalid: JavaScript reserves the name ${stackName} on every object, and cdktf takes a stack of that name for one it already has; choose another name.`);
  }
  const region = layer.region ?? DEFAULT_REGION;
  const sharedName = layer.configurationSetName ?? DEFAULT_CONFIGURATION_SET_NAME;
  const configurationSetName = own?.configurationSetName ?? (environment === undefined ? sharedName : `${sharedName}-${environment}`);

  const tags = layer.tags ?? {};
  for (const [key, value] of Object.entries(tags)) {
    const tagProblems = new Problems();
    const fromEnv = named("tags", key).startsWith("SES_EVENTS_TAGS");
    checkTags(tagProblems, fromEnv ? "SES_EVENTS_TAGS" : named("tags"), { [key]: value });
    problems.push(...tagProblems.messages);
  }
  const tagCount = Object.keys(tags).length + (environment !== undefined && !("Environment" in tags) ? 1 : 0);
  if (tagCount > MAX_TAGS) {
    const environmentTag = tagCount > Object.keys(tags).length ? " (with Environment)" : "";
    problems.push(`${named("tags")} holds ${tagCount} tags${environmentTag}: AWS allows at most ${MAX_TAGS} on a resource; remove some.`);
  }
  checkAccountOf(problems, named, layer);
  checkAssumedRole(problems, named, layer.assumeRoleArn, layer.accountId);
  const lake = layer.deliveryStream?.lake;
  if (lake !== undefined && lake.bucketArn === undefined && input.refusedLakeBucket !== true) {
    problems.push(
      `${named("deliveryStream", "lake", "bucketArn")} is not set: give the ARN of the lake bucket (the lake stack's output lake_bucket_arn), or describe the lake with lake so that it is known.`,
    );
  }
  const { region: _region, accountId, assumeRoleArn, tags: _tags, state: _state, cloud: _cloud, configurationSetName: _name, ...destination } = layer;
  return {
    stackName,
    region,
    accountId,
    assumeRoleArn,
    tags: environment === undefined ? tags : { Environment: environment, ...tags },
    backend: backendSettings(problems, input, named, region),
    // A lake without its bucket ARN is reported above; nothing is built from these settings then.
    destination: { configurationSetName, ...destination } as SesFirehoseEventDestinationProps,
    warnings: [],
    settingNames: settingNamesOf(named, destination),
  };
}

/** The names messages give each setting of `settings` (by its path) where that is not the path itself. */
function settingNamesOf(named: Namer, settings: object): Record<string, string> {
  const names: Record<string, string> = {};
  const visit = (path: string[], value: unknown) => {
    if (isObject(value)) {
      for (const [key, child] of Object.entries(value)) visit([...path, key], child);
      return;
    }
    const name = named(...path);
    if (name !== path.join(".")) names[path.join(".")] = name;
  };
  visit([], { configurationSetName: true, ...settings });
  return names;
}

/** A role to import by ARN must be in the stack's account. */
function checkAccountOf(problems: string[], named: Namer, layer: EnvironmentSettings): void {
  if (layer.accountId === undefined) return;
  for (const key of ["sesRole", "deliveryRole"] as const) {
    const arn = layer.importExisting?.[key];
    if (typeof arn !== "string" || roleArnParts(arn) === undefined) continue;
    const account = arn.split(":")[4];
    if (account !== layer.accountId) {
      problems.push(
        `${named("importExisting", key)} ${show(arn)} is invalid: it is in account ${account} but ${named("accountId")} is ${layer.accountId}, and Terraform imports only from the account it applies to; use the role of account ${layer.accountId}.`,
      );
    }
  }
}

function backendSettings(problems: string[], input: StackInput, named: Namer, region: string): BackendSettings {
  const { cloud = {}, state = {} } = input.layer;
  const organization = cloud.organization;
  const bucket = state.bucket;
  const environment = input.own === undefined ? undefined : input.stackName;
  if (environment === undefined && cloud.workspacePrefix !== undefined) {
    problems.push(
      `${named("cloud", "workspacePrefix")} ${show(cloud.workspacePrefix)} is set but there are no environments: it names only environments' workspaces, and a single stack's is cloud.workspace, else TF_WORKSPACE, else the stack name; remove it or set cloud.workspace.`,
    );
  }
  if (organization !== undefined && bucket !== undefined) {
    problems.push(
      `TF_CLOUD_ORGANIZATION (cloud.organization) ${show(organization)} and SES_EVENTS_STATE_BUCKET (state.bucket) ${show(bucket)} are both set: a stack keeps its state in one backend; unset one of them.`,
    );
  }
  if (organization !== undefined) {
    const { workspace, workspaceTags } = cloud;
    if (workspace !== undefined && workspaceTags !== undefined) {
      problems.push(`${named("cloud", "workspace")} and ${named("cloud", "workspaceTags")} are both set: name one workspace or select workspaces by tags, not both.`);
    }
    if (input.workspaceFromEnv !== undefined && !WORKSPACE_NAME.test(input.workspaceFromEnv)) {
      problems.push(`TF_WORKSPACE ${show(input.workspaceFromEnv)} is invalid: ${WORKSPACE_NAME_RULE}.`);
    }
    if (workspace !== undefined && input.workspaceFromEnv !== undefined && workspace !== input.workspaceFromEnv) {
      problems.push(
        `TF_WORKSPACE ${show(input.workspaceFromEnv)} and ${named("cloud", "workspace")} ${show(workspace)} disagree: Terraform refuses to initialize when TF_WORKSPACE names another workspace than the cloud block; unset TF_WORKSPACE or make them the same.`,
      );
    }
    const defaultWorkspace = environment === undefined ? input.stackName : `${cloud.workspacePrefix ?? DEFAULT_WORKSPACE_PREFIX}-${environment}`;
    return {
      kind: "cloud",
      organization,
      ...(workspaceTags === undefined ? { workspace: workspace ?? input.workspaceFromEnv ?? defaultWorkspace } : { workspaceTags }),
      hostname: cloud.hostname,
      project: cloud.project,
    };
  }
  if (bucket !== undefined) {
    return { kind: "s3", bucket, key: state.key ?? `ses-events/${input.stackName}.tfstate`, region: state.region ?? region };
  }
  return { kind: "local" };
}

/** Stack names become folders (cdktf.out/stacks/<name>) and local state files: case-insensitive file systems fold them. */
function checkStackNames(problems: string[], stacks: readonly Pick<StackSettings, "stackName">[]): void {
  const seen = new Map<string, string>();
  for (const { stackName } of stacks) {
    const other = seen.get(stackName.toLowerCase());
    if (other !== undefined) {
      problems.push(
        `environments ${show(other)} and ${show(stackName)} differ only in case: on a case-insensitive file system (macOS, Windows) they would share one cdktf.out folder and one local state file; rename one.`,
      );
    }
    seen.set(stackName.toLowerCase(), stackName);
  }
}

/**
 * Where a backend keeps its state: a label for messages, what makes it distinct, and how to
 * separate two stacks that share it.
 */
function stateOf(stack: Pick<StackSettings, "stackName" | "backend">, workspaceFromEnv: string | undefined): { label: string; identity: string; fix: string } | undefined {
  const backend = stack.backend;
  switch (backend.kind) {
    case "s3":
      return {
        label: `S3 state ${show(`s3://${backend.bucket}/${backend.key}`)} (one object, whatever state.region says)`,
        identity: JSON.stringify(["s3", backend.bucket, backend.key]),
        fix: "give each environment its own state.key in its environments entry, and leave SES_EVENTS_STATE_KEY unset",
      };
    case "cloud": {
      // With tags, Terraform picks the workspace TF_WORKSPACE names; without it, each stack asks.
      const workspace = backend.workspace ?? workspaceFromEnv;
      if (workspace === undefined) return undefined;
      const how = backend.workspace === undefined ? `, which TF_WORKSPACE picks among the workspaces tagged ${backend.workspaceTags!.map(plain).join(", ")}` : "";
      return {
        label: `HCP Terraform workspace ${show(workspace)}${how}`,
        // Hostnames are case-insensitive (DNS).
        identity: JSON.stringify(["cloud", (backend.hostname ?? DEFAULT_CLOUD_HOSTNAME).toLowerCase(), backend.organization, workspace]),
        fix: "give each environment its own cloud.workspace in its environments entry, and leave TF_WORKSPACE unset",
      };
    }
    case "local":
      // terraform.<stack>.tfstate: distinct unless names differ only in case (checkStackNames).
      return undefined;
  }
}

/** Two stacks must never share one state. */
function checkSharedState(problems: string[], stacks: readonly Pick<StackSettings, "stackName" | "backend">[], workspaceFromEnv: string | undefined): void {
  const seen = new Map<string, string>();
  for (const stack of stacks) {
    const state = stateOf(stack, workspaceFromEnv);
    if (state === undefined) continue;
    const other = seen.get(state.identity);
    if (other !== undefined) {
      problems.push(`stacks ${plain(other)} and ${plain(stack.stackName)} would share the ${state.label}: ${state.fix}.`);
    }
    seen.set(state.identity, stack.stackName);
  }
}

/**
 * Two stacks must not create the same named resource: regional names in one account and Region,
 * IAM role names in one account. Stacks without `accountId` may share an account.
 */
function checkPhysicalNames(problems: string[], sources: Sources, stacks: readonly StackSettings[], settings: ContextSettings): void {
  const environments = settings.environments ?? {};
  const names = stacks.map((stack) => physicalNames(stack.destination));
  for (const [i, j] of pairsSharingAName(names)) {
    const [a, b] = [stacks[i], stacks[j]];
    const knownApart = a.accountId !== undefined && b.accountId !== undefined && a.accountId !== b.accountId;
    if (knownApart) continue;
    const account =
      a.accountId !== undefined && a.accountId === b.accountId ? `account ${a.accountId}` : "an account they may share (accountId is not set on both)";
    const namesOfB = names[j];
    const clashes = names[i].flatMap((name) => {
      const same = namesOfB.find((other) => identityOf(other) === identityOf(name));
      return same === undefined || (name.regional && a.region !== b.region) ? [] : [{ name, same }];
    });
    // One configuration set in both: its event destination and a stream named after it follow.
    const setClash = clashes.some(({ name }) => name.kind === PhysicalNameKind.CONFIGURATION_SET);
    for (const { name, same } of clashes) {
      if (setClash && (name.kind === PhysicalNameKind.EVENT_DESTINATION || (name.derived && same.derived))) continue;
      /** Where the stack's name is set: its environments entry, an environment variable or the top level. */
      const where = (stack: StackSettings, clash: PhysicalName) => {
        const input = { stackName: stack.stackName, layer: {}, own: environments[stack.stackName] };
        return namerOf(sources, input)(...(clash.derived ? "configurationSetName" : clash.setting).split("."));
      };
      const [fromA, fromB] = [where(a, name), where(b, same)];
      const from = fromA === fromB ? `${fromA}, inherited by both` : `${plain(a.stackName)}: ${fromA}, ${plain(b.stackName)}: ${fromB}`;
      problems.push(
        `stacks ${plain(a.stackName)} and ${plain(b.stackName)} would both create the ${name.kind} ${showClash(name, same)} (${from}) in ${name.regional ? `${plain(a.region)} of ` : ""}${account}: ${name.fix ?? `give each environment its own ${name.setting} in its environments entry`}, or, if they use different accounts, set accountId on each.`,
      );
    }
  }
}

/** The pairs `[i, j]` (i < j, in order) of stacks whose names share at least one identity: the only ones that can clash. */
function pairsSharingAName(names: readonly (readonly PhysicalName[])[]): [number, number][] {
  const holders = new Map<string, number[]>();
  names.forEach((ofStack, index) => {
    for (const identity of new Set(ofStack.map(identityOf))) holders.set(identity, [...(holders.get(identity) ?? []), index]);
  });
  const pairs = new Set<number>();
  for (const indexes of holders.values()) {
    indexes.forEach((i, n) => indexes.slice(n + 1).forEach((j) => pairs.add(i * names.length + j)));
  }
  return [...pairs].sort((x, y) => x - y).map((pair) => [Math.floor(pair / names.length), pair % names.length]);
}

/** `base` with `over` laid on top; nested objects are merged, everything else replaced. */
function merge<T extends object>(base: T, over: T): T {
  const merged: Layer = { ...(base as Layer) };
  for (const [key, value] of Object.entries(over)) {
    const under = merged[key];
    merged[key] = isObject(value) && isObject(under) ? merge(under, value) : value;
  }
  return merged as T;
}

/** Sets the value at `path`, unless a setting on the way is not an object (the schema reports that one). */
function setPath(layer: Layer, path: Path, value: unknown): void {
  const [head, ...rest] = path;
  if (rest.length === 0) {
    layer[head] = value;
    return;
  }
  if (layer[head] !== undefined && !isObject(layer[head])) return;
  const child = isObject(layer[head]) ? { ...layer[head] } : {};
  setPath(child, rest, value);
  layer[head] = child;
}

function valueAt(layer: unknown, path: Path): unknown {
  return path.reduce<unknown>((value, key) => (value !== null && typeof value === "object" ? (value as Layer)[key] : undefined), layer);
}

function hasPath(layer: object, path: Path): boolean {
  let value: unknown = layer;
  for (const key of path) {
    if (!isObject(value) || !(key in value)) return false;
    value = value[key];
  }
  return true;
}

function isObject(value: unknown): value is Layer {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
