import {
  DeliveryAlarmOptions,
  DeliveryStreamOptions,
  EventAnalyticsOptions,
  EventBucketLifecycle,
  EventBucketOptions,
  ImportExistingOptions,
  SesFirehoseEventDestinationProps,
} from "./modules";
import { Problems, checkTags, isToken } from "./modules/validation";

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
  /** The provider's default tags. */
  readonly tags: Readonly<Record<string, string>>;
  readonly backend: BackendSettings;
  readonly destination: SesFirehoseEventDestinationProps;
}

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

/** The settings an object may hold: `true` for a value, a nested schema for an object of settings. */
interface Schema {
  readonly [key: string]: true | Schema;
}

const LIFECYCLE_SCHEMA = {
  abortIncompleteMultipartUploadDays: true,
  transitionToInfrequentAccessDays: true,
  expirationDays: true,
  noncurrentVersionExpirationDays: true,
} satisfies Record<keyof EventBucketLifecycle, true>;

const BUCKET_SCHEMA = {
  bucketPrefix: true,
  forceDestroy: true,
  accessLogBucketName: true,
  accessLogPrefix: true,
  lifecycle: LIFECYCLE_SCHEMA,
} satisfies Record<keyof EventBucketOptions, true | Schema>;

const DELIVERY_STREAM_SCHEMA = {
  name: true,
  bucketArn: true,
  bucket: BUCKET_SCHEMA,
  prefix: true,
  errorOutputPrefix: true,
  bufferingSizeMiB: true,
  bufferingIntervalSeconds: true,
  compression: true,
  kmsKeyArn: true,
  partitionByEventType: true,
  partitioningRetrySeconds: true,
  roleName: true,
  logging: true,
  logRetentionDays: true,
} satisfies Record<keyof DeliveryStreamOptions, true | Schema>;

const ALARMS_SCHEMA = {
  enabled: true,
  snsTopicArn: true,
  freshnessThresholdSeconds: true,
  periodSeconds: true,
} satisfies Record<keyof DeliveryAlarmOptions, true>;

const ANALYTICS_SCHEMA = {
  enabled: true,
  databaseName: true,
  tableName: true,
  workgroupName: true,
  resultsPrefix: true,
  resultsExpirationDays: true,
  bytesScannedCutoffPerQuery: true,
  firstYear: true,
  queryWindowDays: true,
  tagName: true,
} satisfies Record<keyof EventAnalyticsOptions, true>;

const IMPORT_SCHEMA = {
  configurationSet: true,
  eventDestination: true,
  deliveryStream: true,
  sesRole: true,
  deliveryRole: true,
  deliveryLogs: true,
} satisfies Record<keyof ImportExistingOptions, true>;

/** What an `environments` entry may set. */
const ENVIRONMENT_SCHEMA = {
  region: true,
  configurationSetName: true,
  createConfigurationSet: true,
  eventDestinationName: true,
  eventTypes: true,
  enabled: true,
  deliveryStreamArn: true,
  deliveryStream: DELIVERY_STREAM_SCHEMA,
  sesRoleArn: true,
  sesRoleName: true,
  alarms: ALARMS_SCHEMA,
  analytics: ANALYTICS_SCHEMA,
  importExisting: IMPORT_SCHEMA,
  tags: true,
  state: { bucket: true, key: true, region: true },
  cloud: { organization: true, workspace: true, workspaceTags: true, hostname: true, project: true },
} satisfies Schema;

/** What the top level of cdktf.json's context may set. */
const CONTEXT_SCHEMA = { stackName: true, environments: true, ...ENVIRONMENT_SCHEMA } satisfies Schema;

/** Context keys read from cdktf.json (top level, and inside each `environments` entry). */
export const CONTEXT_KEYS = Object.keys(CONTEXT_SCHEMA);

/** Context keys cdktf itself sets or reads, never the app's. */
function isCdktfContextKey(key: string): boolean {
  return key.startsWith("cdktf") || key === "excludeStackIdFromLogicalIds" || key === "allowSepCharsInLogicalIds";
}

/** Reports every key of `value` (and of its nested settings) that `schema` does not know. */
function checkKeys(problems: string[], at: string, value: unknown, schema: Schema): void {
  if (!isObject(value)) return;
  for (const [key, child] of Object.entries(value)) {
    const known = schema[key];
    if (known === undefined) {
      problems.push(`${at}${key} is not a setting: use one of ${Object.keys(schema).join(", ")}.`);
    } else if (known !== true) {
      checkKeys(problems, `${at}${key}.`, child, known);
    }
  }
}

type Layer = Record<string, unknown>;

/** Environment variables that override the top-level settings: the setting path each sets, and its parser. */
const ENV_OVERRIDES: ReadonlyArray<readonly [string, string, (raw: string, name: string) => unknown]> = [
  ["AWS_REGION", "region", text],
  ["SES_EVENTS_CONFIGURATION_SET_NAME", "configurationSetName", text],
  ["SES_EVENTS_CREATE_CONFIGURATION_SET", "createConfigurationSet", flag],
  ["SES_EVENTS_EVENT_DESTINATION_NAME", "eventDestinationName", text],
  ["SES_EVENTS_EVENT_TYPES", "eventTypes", list],
  ["SES_EVENTS_ENABLED", "enabled", flag],
  ["SES_EVENTS_DELIVERY_STREAM_ARN", "deliveryStreamArn", text],
  ["SES_EVENTS_SES_ROLE_ARN", "sesRoleArn", text],
  ["SES_EVENTS_ALARMS", "alarms.enabled", flag],
  ["SES_EVENTS_ALARM_TOPIC_ARN", "alarms.snsTopicArn", text],
  ["SES_EVENTS_ANALYTICS", "analytics.enabled", flag],
  ["SES_EVENTS_TAGS", "tags", json],
  ["SES_EVENTS_STATE_BUCKET", "state.bucket", text],
  ["SES_EVENTS_STATE_KEY", "state.key", text],
  ["SES_EVENTS_STATE_REGION", "state.region", text],
  ["TF_CLOUD_ORGANIZATION", "cloud.organization", text],
  ["TF_CLOUD_HOSTNAME", "cloud.hostname", text],
  ["TF_CLOUD_PROJECT", "cloud.project", text],
];

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
  return new Invalid(`${name} ${JSON.stringify(raw)} is invalid: use true or false.`);
}

function list(raw: string): string[] {
  return raw
    .split(",")
    .map((v) => v.trim())
    .filter((v) => v !== "");
}

function json(raw: string, name: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return new Invalid(`${name} ${JSON.stringify(raw)} is invalid: use a JSON object, e.g. {"team":"email"}.`);
  }
}

/**
 * Reads the stacks to build from cdktf.json's context and the environment. Precedence, lowest
 * first: defaults, top-level context, environment variables, the stack's `environments` entry.
 * One exception: TF_WORKSPACE only fills in a workspace that no `cloud.workspace` names, because
 * Terraform itself reads it to choose among the workspaces a `cloud` block allows.
 */
export function readSettings(context: Layer, env: Readonly<Record<string, string | undefined>>): StackSettings[] {
  const problems: string[] = [];
  const top: Layer = Object.fromEntries(Object.entries(context).filter(([key]) => !isCdktfContextKey(key)));
  checkKeys(problems, "", top, CONTEXT_SCHEMA);
  if (isObject(top.environments)) {
    for (const [name, own] of Object.entries(top.environments)) checkKeys(problems, `environments.${name}.`, own, ENVIRONMENT_SCHEMA);
  }
  for (const [variable, path, parse] of ENV_OVERRIDES) {
    const raw = env[variable];
    if (raw === undefined || raw.trim() === "") continue;
    const value = parse(raw, variable);
    if (value instanceof Invalid) problems.push(value.message);
    else setPath(top, path, value);
  }
  const workspaceFromEnv = env.TF_WORKSPACE?.trim() || undefined;

  const environments = top.environments;
  let stacks: StackSettings[] = [];
  if (environments === undefined) {
    const stackName = optionalString(problems, "stackName", top.stackName) ?? DEFAULT_STACK_NAME;
    stacks = [stackSettings(problems, { stackName, layer: top, workspaceFromEnv })];
  } else if (!isObject(environments) || Object.keys(environments).length === 0) {
    problems.push(`environments ${JSON.stringify(environments)} is invalid: use an object of environment name to settings, e.g. {"staging": {}, "production": {}}.`);
  } else {
    stacks = Object.entries(environments).map(([name, own]) => {
      if (!isObject(own)) problems.push(`environments.${name} ${JSON.stringify(own)} is invalid: use an object of settings.`);
      const ownLayer = isObject(own) ? own : {};
      return stackSettings(problems, { stackName: name, layer: merge(top, ownLayer), own: ownLayer, workspaceFromEnv });
    });
  }
  checkUnique(problems, stacks);
  if (problems.length > 0) throw new SettingsError([...new Set(problems)]);
  return stacks;
}

interface StackInput {
  readonly stackName: string;
  /** The settings in force for this stack. */
  readonly layer: Layer;
  /** The stack's own `environments` entry, when there are environments. */
  readonly own?: Layer;
  readonly workspaceFromEnv?: string;
}

function stackSettings(problems: string[], input: StackInput): StackSettings {
  const { stackName, layer, own } = input;
  const environment = own === undefined ? undefined : stackName;
  const at = environment === undefined ? "" : `environments.${environment}.`;
  /** A setting's name in messages: under the environments entry only when that entry sets it. */
  const named = (path: string): string => (own !== undefined && hasPath(own, path) ? `${at}${path}` : path);
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(stackName)) {
    problems.push(`${environment === undefined ? "stackName" : "environments"} ${JSON.stringify(stackName)} is invalid: a stack name uses 1-64 letters, digits, '_' or '-'.`);
  }
  const region = optionalString(problems, named("region"), layer.region) ?? DEFAULT_REGION;
  if (!/^[a-z]{2,4}(-[a-z]+)+-\d{1,2}$/.test(region)) {
    problems.push(`${named("region")} ${JSON.stringify(region)} is invalid: use an AWS Region code such as us-east-1.`);
  }
  const ownName = optionalString(problems, named("configurationSetName"), own?.configurationSetName);
  const sharedName = optionalString(problems, named("configurationSetName"), layer.configurationSetName) ?? DEFAULT_CONFIGURATION_SET_NAME;
  const configurationSetName = ownName ?? (environment === undefined ? sharedName : `${sharedName}-${environment}`);

  const tags = stringMap(problems, named("tags"), layer.tags);
  const tagProblems = new Problems();
  checkTags(tagProblems, named("tags"), tags);
  problems.push(...tagProblems.messages);
  checkRegionOf(problems, named("deliveryStreamArn"), layer.deliveryStreamArn, region, "SES publishes only to a stream in its own Region");
  checkRegionOf(problems, named("alarms.snsTopicArn"), isObject(layer.alarms) ? layer.alarms.snsTopicArn : undefined, region, "CloudWatch alarms notify topics in their own Region");
  checkRegionOf(
    problems,
    named("deliveryStream.kmsKeyArn"),
    isObject(layer.deliveryStream) ? layer.deliveryStream.kmsKeyArn : undefined,
    region,
    "Firehose, S3 and CloudWatch use a KMS key in their own Region",
  );
  return {
    stackName,
    region,
    tags: environment === undefined ? tags : { Environment: environment, ...tags },
    backend: backendSettings(problems, input, named, region),
    destination: {
      configurationSetName,
      createConfigurationSet: optionalBoolean(problems, named("createConfigurationSet"), layer.createConfigurationSet),
      eventDestinationName: optionalString(problems, named("eventDestinationName"), layer.eventDestinationName),
      eventTypes: optionalStrings(problems, named("eventTypes"), layer.eventTypes) as SesFirehoseEventDestinationProps["eventTypes"],
      enabled: optionalBoolean(problems, named("enabled"), layer.enabled),
      deliveryStreamArn: optionalString(problems, named("deliveryStreamArn"), layer.deliveryStreamArn),
      deliveryStream: optionalObject(problems, named("deliveryStream"), layer.deliveryStream),
      sesRoleArn: optionalString(problems, named("sesRoleArn"), layer.sesRoleArn),
      sesRoleName: optionalString(problems, named("sesRoleName"), layer.sesRoleName),
      alarms: optionalObject(problems, named("alarms"), layer.alarms),
      analytics: optionalObject(problems, named("analytics"), layer.analytics),
      importExisting: optionalObject(problems, named("importExisting"), layer.importExisting),
    },
  };
}

function backendSettings(problems: string[], input: StackInput, named: (path: string) => string, region: string): BackendSettings {
  const cloud = optionalObject<Layer>(problems, named("cloud"), input.layer.cloud) ?? {};
  const state = optionalObject<Layer>(problems, named("state"), input.layer.state) ?? {};
  const organization = optionalString(problems, named("cloud.organization"), cloud.organization);
  const bucket = optionalString(problems, named("state.bucket"), state.bucket);
  if (organization !== undefined && bucket !== undefined) {
    problems.push(
      `TF_CLOUD_ORGANIZATION (cloud.organization) ${JSON.stringify(organization)} and SES_EVENTS_STATE_BUCKET (state.bucket) ${JSON.stringify(bucket)} are both set: a stack keeps its state in one backend; unset one of them.`,
    );
  }
  if (organization !== undefined) {
    const workspaceTags = optionalStrings(problems, named("cloud.workspaceTags"), cloud.workspaceTags);
    const workspace = optionalString(problems, named("cloud.workspace"), cloud.workspace);
    if (workspace !== undefined && workspaceTags !== undefined) {
      problems.push(`${named("cloud.workspace")} and ${named("cloud.workspaceTags")} are both set: name one workspace or select workspaces by tags, not both.`);
    }
    return {
      kind: "cloud",
      organization,
      ...(workspaceTags === undefined
        ? { workspace: workspace ?? input.workspaceFromEnv ?? input.stackName }
        : { workspaceTags }),
      hostname: optionalString(problems, named("cloud.hostname"), cloud.hostname),
      project: optionalString(problems, named("cloud.project"), cloud.project),
    };
  }
  if (bucket !== undefined) {
    return {
      kind: "s3",
      bucket,
      key: optionalString(problems, named("state.key"), state.key) ?? `ses-events/${input.stackName}.tfstate`,
      region: optionalString(problems, named("state.region"), state.region) ?? region,
    };
  }
  return { kind: "local" };
}

/** An ARN given for a stack must be in the stack's Region. */
function checkRegionOf(problems: string[], setting: string, arn: unknown, region: string, why: string): void {
  if (typeof arn !== "string" || isToken(arn)) return;
  const arnRegion = /^arn:[^:]+:[^:]+:([^:]+):/.exec(arn)?.[1];
  if (arnRegion !== undefined && arnRegion !== region) {
    problems.push(`${setting} ${JSON.stringify(arn)} is invalid: it is in ${arnRegion} but the stack is in ${region}, and ${why}; use one in ${region}.`);
  }
}

/** Where a backend keeps its state: a label for messages and what makes it distinct. */
function stateOf(backend: BackendSettings): { label: string; identity: string } | undefined {
  switch (backend.kind) {
    case "s3":
      return { label: `S3 state key ${JSON.stringify(backend.key)}`, identity: JSON.stringify(["s3", backend.bucket, backend.key]) };
    case "cloud":
      return backend.workspace === undefined
        ? undefined
        : {
            label: `HCP Terraform workspace ${JSON.stringify(backend.workspace)}`,
            identity: JSON.stringify(["cloud", backend.hostname, backend.organization, backend.workspace]),
          };
    case "local":
      return undefined;
  }
}

/** Two stacks must never share one state. */
function checkUnique(problems: string[], stacks: StackSettings[]): void {
  const seen = new Map<string, string>();
  for (const stack of stacks) {
    const state = stateOf(stack.backend);
    if (state === undefined) continue;
    const other = seen.get(state.identity);
    if (other !== undefined) {
      problems.push(
        `stacks ${other} and ${stack.stackName} would share the ${state.label}: give each environment its own (state.key or cloud.workspace in its environments entry, and leave SES_EVENTS_STATE_KEY / TF_WORKSPACE unset).`,
      );
    }
    seen.set(state.identity, stack.stackName);
  }
}

/** `base` with `over` laid on top; nested objects are merged, everything else replaced. */
function merge(base: Layer, over: Layer): Layer {
  const merged: Layer = { ...base };
  for (const [key, value] of Object.entries(over)) {
    merged[key] = isObject(value) && isObject(base[key]) ? merge(base[key], value) : value;
  }
  return merged;
}

function setPath(layer: Layer, path: string, value: unknown): void {
  const [head, ...rest] = path.split(".");
  if (rest.length === 0) {
    layer[head] = value;
    return;
  }
  const child = isObject(layer[head]) ? { ...layer[head] } : {};
  setPath(child, rest.join("."), value);
  layer[head] = child;
}

function hasPath(layer: Layer, path: string): boolean {
  const [head, ...rest] = path.split(".");
  if (!(head in layer)) return false;
  const child = layer[head];
  return rest.length === 0 || (isObject(child) && hasPath(child, rest.join(".")));
}

function isObject(value: unknown): value is Layer {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function optionalString(problems: string[], name: string, value: unknown): string | undefined {
  if (value === undefined || typeof value === "string") return value;
  problems.push(`${name} ${JSON.stringify(value)} is invalid: use a string.`);
  return undefined;
}

function optionalBoolean(problems: string[], name: string, value: unknown): boolean | undefined {
  if (value === undefined || typeof value === "boolean") return value;
  problems.push(`${name} ${JSON.stringify(value)} is invalid: use true or false.`);
  return undefined;
}

function optionalStrings(problems: string[], name: string, value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  if (Array.isArray(value) && value.every((v) => typeof v === "string")) return value;
  problems.push(`${name} ${JSON.stringify(value)} is invalid: use a list of strings.`);
  return undefined;
}

function optionalObject<T>(problems: string[], name: string, value: unknown): T | undefined {
  if (value === undefined) return undefined;
  if (isObject(value)) return value as T;
  problems.push(`${name} ${JSON.stringify(value)} is invalid: use an object.`);
  return undefined;
}

function stringMap(problems: string[], name: string, value: unknown): Record<string, string> {
  if (value === undefined) return {};
  if (isObject(value) && Object.values(value).every((v) => typeof v === "string")) return value as Record<string, string>;
  problems.push(`${name} ${JSON.stringify(value)} is invalid: use an object of string values.`);
  return {};
}
