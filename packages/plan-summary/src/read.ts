// Reading and checking the JSON that `terraform show -json plan.tfplan` writes.
// Format: https://developer.hashicorp.com/terraform/internals/json-format
// Every field the summary uses is checked for its type; a wrong one is an error naming where it
// is and what was expected. Values (before, after) may be anything JSON; marker trees
// (after_unknown, before_sensitive, after_sensitive) must be booleans, objects or arrays of them,
// because a malformed sensitivity marker could otherwise let a secret through.
import { readFileSync } from "node:fs";
import { isRecord, type PathStep } from "./values";

export interface Importing {
  id?: string;
  unknown?: boolean;
  identity?: unknown;
}

export interface Change {
  actions: string[];
  before?: unknown;
  after?: unknown;
  after_unknown?: unknown;
  before_sensitive?: unknown;
  after_sensitive?: unknown;
  replace_paths?: PathStep[][];
  importing?: Importing;
}

export interface ResourceChange {
  address: string;
  previous_address?: string;
  mode?: string;
  type: string;
  name?: string;
  module_address?: string;
  provider_name?: string;
  deposed?: string;
  action_reason?: string;
  change: Change;
}

/** A change Terraform could not plan yet (Terraform 1.8+ with deferred actions). */
export interface DeferredChange {
  reason: string;
  resource_change: ResourceChange;
}

export interface CheckAddress {
  kind?: string;
  to_display: string;
}

export interface CheckProblem {
  message: string;
}

export interface CheckInstance {
  address: CheckAddress;
  status: string;
  problems: CheckProblem[];
}

/** One checkable object (a check block, a resource's conditions, an output's, a variable's validation). */
export interface CheckResult {
  address: CheckAddress;
  status: string;
  instances: CheckInstance[];
}

export interface RelevantAttribute {
  resource: string;
  attribute: PathStep[];
}

/** What triggers an action: a resource's lifecycle event (an `action_trigger` block). */
export interface LifecycleActionTrigger {
  triggering_resource_address?: string;
  /** BeforeCreate, AfterCreate, BeforeUpdate, AfterUpdate, BeforeDestroy, AfterDestroy. */
  action_trigger_event?: string;
  action_trigger_block_index?: number;
  actions_list_index?: number;
  on_failure?: string;
}

/** What triggers an action: `terraform plan -invoke=ADDRESS`. */
export interface InvokeActionTrigger {
  calling_resource_address?: string;
}

/** A side effect a provider runs during apply (Terraform 1.14+): `action_invocations`. */
export interface ActionInvocation {
  address: string;
  type: string;
  name?: string;
  provider_name?: string;
  /** The action's configuration; unknown values are left out (null), and marked in config_unknown. */
  config_values?: unknown;
  config_sensitive?: unknown;
  config_unknown?: unknown;
  lifecycle_action_trigger?: LifecycleActionTrigger;
  invoke_action_trigger?: InvokeActionTrigger;
}

/** An invocation Terraform could not plan yet: `deferred_action_invocations`. */
export interface DeferredActionInvocation {
  reason: string;
  action_invocation: ActionInvocation;
}

export interface Plan {
  format_version: string;
  terraform_version?: string;
  resource_changes: ResourceChange[];
  output_changes: Record<string, Change>;
  /** True when planning failed: the plan is partial and cannot be applied. */
  errored?: boolean;
  /** False when the plan cannot be applied (it errored, or there is nothing to apply). */
  applyable?: boolean;
  /** False when some changes were deferred: another plan and apply are needed after this one. */
  complete?: boolean;
  deferred_changes?: DeferredChange[];
  /** Changes made outside Terraform, found when refreshing. */
  resource_drift?: ResourceChange[];
  checks?: CheckResult[];
  relevant_attributes?: RelevantAttribute[];
  action_invocations?: ActionInvocation[];
  deferred_action_invocations?: DeferredActionInvocation[];
}

/** Raised for input that is not a readable Terraform JSON plan; its message is meant for the user. */
export class PlanInputError extends Error {
  override name = "PlanInputError";
}

const SUPPORTED_FORMAT_MAJORS = ["0", "1"];
const PLAN_HOWTO =
  "pass the output of `terraform show -json plan.tfplan` for a plan saved with `terraform plan -out=plan.tfplan`";
/** Deeper values than any provider writes; deeper input is refused rather than risking the stack. */
const MAX_DEPTH = 100;

export function readPlanFile(file: string, read: (file: string) => string = (f) => readFileSync(f, "utf8")): Plan {
  let text: string;
  try {
    text = read(file);
  } catch (error) {
    throw new PlanInputError(`Cannot read ${quoted(file)}: ${describeFileError(error)}`);
  }
  return parsePlan(text, file);
}

export function parsePlan(text: string, source: string): Plan {
  const json = parseJson(text, source);
  const fail = (problem: string) => new PlanInputError(`${quoted(source)} is not a Terraform plan: ${problem}; ${PLAN_HOWTO}.`);
  if (!isRecord(json)) throw fail("expected a JSON object");
  if (typeof json.format_version !== "string") throw fail('it has no "format_version"');
  checkFormatVersion(json.format_version, source);
  if (!("resource_changes" in json) && !("planned_values" in json)) {
    if ("values" in json) {
      throw new PlanInputError(
        `${quoted(source)} looks like state, not a plan: it has "values" but no "resource_changes" or "planned_values"; ${PLAN_HOWTO}.`,
      );
    }
    throw fail('it has no "resource_changes" or "planned_values"');
  }
  const check = new Checker(fail);
  const plan: Plan = {
    format_version: json.format_version,
    resource_changes: check.resourceChanges(json.resource_changes, "resource_changes"),
    output_changes: check.outputChanges(json.output_changes),
  };
  if (typeof json.terraform_version === "string") plan.terraform_version = json.terraform_version;
  for (const key of ["errored", "applyable", "complete"] as const) {
    const flag = check.optionalBoolean(json[key], key);
    if (flag !== undefined) plan[key] = flag;
  }
  if (json.deferred_changes !== undefined && json.deferred_changes !== null) plan.deferred_changes = check.deferredChanges(json.deferred_changes);
  if (json.resource_drift !== undefined && json.resource_drift !== null) plan.resource_drift = check.resourceChanges(json.resource_drift, "resource_drift");
  if (json.checks !== undefined && json.checks !== null) plan.checks = check.checks(json.checks);
  if (json.relevant_attributes !== undefined && json.relevant_attributes !== null) {
    plan.relevant_attributes = check.relevantAttributes(json.relevant_attributes);
  }
  if (json.action_invocations !== undefined && json.action_invocations !== null) {
    plan.action_invocations = check.actionInvocations(json.action_invocations);
  }
  if (json.deferred_action_invocations !== undefined && json.deferred_action_invocations !== null) {
    plan.deferred_action_invocations = check.deferredActionInvocations(json.deferred_action_invocations);
  }
  return plan;
}

class Checker {
  constructor(private readonly fail: (problem: string) => PlanInputError) {}

  resourceChanges(value: unknown, at: string): ResourceChange[] {
    // A plan for a configuration without resources omits "resource_changes" entirely.
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) throw this.wrong(at, value, "an array");
    return value.map((entry, index) => this.resourceChange(entry, `${at}[${index}]`));
  }

  deferredChanges(value: unknown): DeferredChange[] {
    if (!Array.isArray(value)) throw this.wrong("deferred_changes", value, "an array");
    return value.map((entry, index) => {
      const at = `deferred_changes[${index}]`;
      if (!isRecord(entry)) throw this.wrong(at, entry, "an object");
      return { reason: this.requiredString(entry.reason, `${at}.reason`), resource_change: this.resourceChange(entry.resource_change, `${at}.resource_change`) };
    });
  }

  checks(value: unknown): CheckResult[] {
    if (!Array.isArray(value)) throw this.wrong("checks", value, "an array");
    return value.map((entry, index) => {
      const at = `checks[${index}]`;
      if (!isRecord(entry)) throw this.wrong(at, entry, "an object");
      const instances = entry.instances === undefined || entry.instances === null ? [] : entry.instances;
      if (!Array.isArray(instances)) throw this.wrong(`${at}.instances`, instances, "an array");
      return {
        address: this.checkAddress(entry.address, `${at}.address`),
        status: this.requiredString(entry.status, `${at}.status`),
        instances: instances.map((instance, i) => this.checkInstance(instance, `${at}.instances[${i}]`)),
      };
    });
  }

  relevantAttributes(value: unknown): RelevantAttribute[] {
    if (!Array.isArray(value)) throw this.wrong("relevant_attributes", value, "an array");
    return value.map((entry, index) => {
      const at = `relevant_attributes[${index}]`;
      if (!isRecord(entry)) throw this.wrong(at, entry, "an object");
      const { attribute } = entry;
      if (!Array.isArray(attribute) || !attribute.every(isStep)) {
        throw this.wrong(`${at}.attribute`, attribute, "an array of attribute names and list indexes");
      }
      return { resource: this.requiredString(entry.resource, `${at}.resource`), attribute: attribute as PathStep[] };
    });
  }

  actionInvocations(value: unknown): ActionInvocation[] {
    if (!Array.isArray(value)) throw this.wrong("action_invocations", value, "an array");
    return value.map((entry, index) => this.actionInvocation(entry, `action_invocations[${index}]`));
  }

  deferredActionInvocations(value: unknown): DeferredActionInvocation[] {
    if (!Array.isArray(value)) throw this.wrong("deferred_action_invocations", value, "an array");
    return value.map((entry, index) => {
      const at = `deferred_action_invocations[${index}]`;
      if (!isRecord(entry)) throw this.wrong(at, entry, "an object");
      return {
        reason: this.requiredString(entry.reason, `${at}.reason`),
        action_invocation: this.actionInvocation(entry.action_invocation, `${at}.action_invocation`),
      };
    });
  }

  private actionInvocation(value: unknown, at: string): ActionInvocation {
    if (!isRecord(value)) throw this.wrong(at, value, "an object");
    const invocation: ActionInvocation = {
      address: this.requiredString(value.address, `${at}.address`),
      type: this.requiredString(value.type, `${at}.type`),
    };
    for (const key of ["name", "provider_name"] as const) {
      const field = this.optionalString(value[key], `${at}.${key}`);
      if (field !== undefined) invocation[key] = field;
    }
    if (value.config_values !== undefined) invocation.config_values = this.depthChecked(value.config_values, `${at}.config_values`);
    for (const key of ["config_sensitive", "config_unknown"] as const) {
      if (value[key] !== undefined && value[key] !== null) invocation[key] = this.markers(value[key], `${at}.${key}`, 0);
    }
    const lifecycle = value.lifecycle_action_trigger;
    const invoke = value.invoke_action_trigger;
    if (lifecycle !== undefined && lifecycle !== null) invocation.lifecycle_action_trigger = this.lifecycleTrigger(lifecycle, `${at}.lifecycle_action_trigger`);
    if (invoke !== undefined && invoke !== null) {
      if (!isRecord(invoke)) throw this.wrong(`${at}.invoke_action_trigger`, invoke, "an object");
      const calling = this.optionalString(invoke.calling_resource_address, `${at}.invoke_action_trigger.calling_resource_address`);
      invocation.invoke_action_trigger = calling === undefined ? {} : { calling_resource_address: calling };
    }
    return invocation;
  }

  private lifecycleTrigger(value: unknown, at: string): LifecycleActionTrigger {
    if (!isRecord(value)) throw this.wrong(at, value, "an object");
    const trigger: LifecycleActionTrigger = {};
    for (const key of ["triggering_resource_address", "action_trigger_event", "on_failure"] as const) {
      const field = this.optionalString(value[key], `${at}.${key}`);
      if (field !== undefined) trigger[key] = field;
    }
    for (const key of ["action_trigger_block_index", "actions_list_index"] as const) {
      const field = value[key];
      if (field === undefined || field === null) continue;
      if (typeof field !== "number" || !Number.isInteger(field) || field < 0) throw this.wrong(`${at}.${key}`, field, "a whole number");
      trigger[key] = field;
    }
    return trigger;
  }

  private checkInstance(value: unknown, at: string): CheckInstance {
    if (!isRecord(value)) throw this.wrong(at, value, "an object");
    const problems = value.problems === undefined || value.problems === null ? [] : value.problems;
    if (!Array.isArray(problems)) throw this.wrong(`${at}.problems`, problems, "an array");
    return {
      address: this.checkAddress(value.address, `${at}.address`),
      status: this.requiredString(value.status, `${at}.status`),
      problems: problems.map((problem, i) => {
        if (!isRecord(problem)) throw this.wrong(`${at}.problems[${i}]`, problem, "an object");
        return { message: this.optionalString(problem.message, `${at}.problems[${i}].message`) ?? "" };
      }),
    };
  }

  private checkAddress(value: unknown, at: string): CheckAddress {
    if (!isRecord(value)) throw this.wrong(at, value, "an object");
    const address: CheckAddress = { to_display: this.requiredString(value.to_display, `${at}.to_display`) };
    const kind = this.optionalString(value.kind, `${at}.kind`);
    if (kind !== undefined) address.kind = kind;
    return address;
  }

  optionalBoolean(value: unknown, at: string): boolean | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== "boolean") throw this.wrong(at, value, "true or false");
    return value;
  }

  outputChanges(value: unknown): Record<string, Change> {
    if (value === undefined || value === null) return {};
    if (!isRecord(value)) throw this.wrong("output_changes", value, "an object");
    const outputs: Record<string, Change> = Object.create(null);
    for (const [name, change] of Object.entries(value)) outputs[name] = this.change(change, `output_changes[${quoted(name)}]`);
    return outputs;
  }

  private resourceChange(value: unknown, at: string): ResourceChange {
    if (!isRecord(value)) throw this.wrong(at, value, "an object");
    const resource: ResourceChange = {
      address: this.requiredString(value.address, `${at}.address`),
      type: this.requiredString(value.type, `${at}.type`),
      change: this.change(value.change, `${at}.change`),
    };
    for (const key of ["previous_address", "mode", "name", "module_address", "provider_name", "deposed", "action_reason"] as const) {
      const field = this.optionalString(value[key], `${at}.${key}`);
      if (field !== undefined) resource[key] = field;
    }
    return resource;
  }

  private change(value: unknown, at: string): Change {
    if (!isRecord(value)) throw this.wrong(at, value, "an object");
    const { actions } = value;
    if (!Array.isArray(actions) || actions.length === 0 || !actions.every((action) => typeof action === "string")) {
      throw this.wrong(`${at}.actions`, actions, "a non-empty array of action names");
    }
    const change: Change = { actions: actions as string[] };
    for (const key of ["before", "after"] as const) {
      if (value[key] !== undefined) change[key] = this.depthChecked(value[key], `${at}.${key}`);
    }
    for (const key of ["after_unknown", "before_sensitive", "after_sensitive"] as const) {
      if (value[key] !== undefined && value[key] !== null) change[key] = this.markers(value[key], `${at}.${key}`, 0);
    }
    if (value.replace_paths !== undefined && value.replace_paths !== null) {
      change.replace_paths = this.paths(value.replace_paths, `${at}.replace_paths`);
    }
    if (value.importing !== undefined && value.importing !== null) change.importing = this.importing(value.importing, `${at}.importing`);
    return change;
  }

  private markers(value: unknown, at: string, depth: number): unknown {
    if (depth > MAX_DEPTH) throw this.fail(`${at} is nested more than ${MAX_DEPTH} levels deep`);
    if (typeof value === "boolean") return value;
    if (Array.isArray(value)) return value.map((item, index) => this.markers(item, `${at}[${index}]`, depth + 1));
    if (isRecord(value)) {
      const tree: Record<string, unknown> = Object.create(null);
      for (const [key, item] of Object.entries(value)) tree[key] = this.markers(item, `${at}${keyStep(key)}`, depth + 1);
      return tree;
    }
    throw this.wrong(at, value, "true, false, or an object or array of those");
  }

  private depthChecked(value: unknown, at: string): unknown {
    const stack: [unknown, number][] = [[value, 0]];
    while (stack.length > 0) {
      const [node, depth] = stack.pop() as [unknown, number];
      if (depth > MAX_DEPTH) throw this.fail(`${at} is nested more than ${MAX_DEPTH} levels deep`);
      if (Array.isArray(node)) for (const item of node) stack.push([item, depth + 1]);
      else if (isRecord(node)) for (const item of Object.values(node)) stack.push([item, depth + 1]);
    }
    return value;
  }

  private paths(value: unknown, at: string): PathStep[][] {
    if (!Array.isArray(value)) throw this.wrong(at, value, "an array of attribute paths");
    value.forEach((path, index) => {
      if (!Array.isArray(path) || !path.every(isStep)) {
        throw this.wrong(`${at}[${index}]`, path, "an array of attribute names and list indexes");
      }
    });
    return value as PathStep[][];
  }

  private importing(value: unknown, at: string): Importing {
    if (!isRecord(value)) throw this.wrong(at, value, "an object");
    const importing: Importing = {};
    const id = this.optionalString(value.id, `${at}.id`);
    if (id !== undefined) importing.id = id;
    if (value.unknown === true) importing.unknown = true;
    if (value.identity !== undefined) importing.identity = this.depthChecked(value.identity, `${at}.identity`);
    return importing;
  }

  private requiredString(value: unknown, at: string): string {
    if (typeof value !== "string" || value === "") throw this.wrong(at, value, "a non-empty string");
    return value;
  }

  private optionalString(value: unknown, at: string): string | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== "string") throw this.wrong(at, value, "a string");
    return value;
  }

  private wrong(at: string, value: unknown, expected: string): PlanInputError {
    return this.fail(`${at} is ${describeJson(value)}, expected ${expected}`);
  }
}

/**
 * `text` as a JSON string, with the characters JSON leaves as they are but a terminal acts on
 * (C1 controls, line and paragraph separators) escaped too: messages name files and plan keys.
 */
export function quoted(text: string): string {
  return escapeControls(JSON.stringify(text));
}

/** `text` with control, C1 and separator characters written as `\uXXXX`, so it stays one printable line. */
function escapeControls(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

function isStep(step: unknown): boolean {
  return typeof step === "string" || (typeof step === "number" && Number.isInteger(step));
}

/** `.key` for a plain key, `["key"]` for any other. */
function keyStep(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) ? `.${key}` : `[${quoted(key)}]`;
}

function describeJson(value: unknown): string {
  if (value === undefined) return "missing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  if (typeof value === "string") return value === "" ? "an empty string" : "a string";
  return `${typeof value} ${JSON.stringify(value)}`;
}

function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new PlanInputError(`${quoted(source)} is not valid JSON (${escapeControls(errorMessage(error))}); ${PLAN_HOWTO}.`);
  }
}

function checkFormatVersion(version: string, source: string): void {
  const major = version.split(".")[0] ?? "";
  if (!SUPPORTED_FORMAT_MAJORS.includes(major)) {
    throw new PlanInputError(`${quoted(source)} uses JSON format version ${/^[\d.]{1,20}$/.test(version) ? version : quoted(version)}; only 0.x and 1.x are supported.`);
  }
}

export function describeFileError(error: unknown): string {
  const code = isRecord(error) ? error.code : undefined;
  if (code === "ENOENT") return "no such file";
  if (code === "EISDIR") return "it is a directory";
  if (code === "EACCES") return "permission denied";
  return errorMessage(error);
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
