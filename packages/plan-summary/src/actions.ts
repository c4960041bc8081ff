// Action invocations (Terraform 1.14+): side effects a provider runs during apply, such as
// publishing a message or invoking a function, triggered by a resource's lifecycle event (an
// `action_trigger` block) or by `terraform plan -invoke`. Each is listed with its address, type,
// provider, trigger and configuration values, masked and marked as resource values are; a
// deferred one says why Terraform deferred it. Format: hashicorp/terraform
// internal/command/jsonplan/action_invocations.go.
import { literal, plural } from "./markdown";
import type { ActionInvocation, Plan } from "./read";
import { DEFERRED_REASONS } from "./status";
import { describeAt, isRecord, lookup, type Side } from "./values";

/** How the plan's lifecycle events read in a sentence. */
const TRIGGER_EVENTS: Readonly<Record<string, string>> = {
  BeforeCreate: "before creating",
  AfterCreate: "after creating",
  BeforeUpdate: "before updating",
  AfterUpdate: "after updating",
  BeforeDestroy: "before destroying",
  AfterDestroy: "after destroying",
};

const ON_FAILURE: Readonly<Record<string, string>> = {
  ActionOnFailureHalt: "a failure stops the apply",
  ActionOnFailureContinue: "a failure lets the apply go on",
};

/** More configuration values than any action has; a pathological plan cannot list thousands. */
const MAX_CONFIG_VALUES = 50;

export function actionCount(plan: Plan): number {
  return plan.action_invocations?.length ?? 0;
}

export function deferredActionCount(plan: Plan): number {
  return plan.deferred_action_invocations?.length ?? 0;
}

/** Every invocation, then every deferred one, each as one Markdown list entry. */
export function renderActions(plan: Plan): string[] {
  const planned = (plan.action_invocations ?? []).map((invocation) => renderInvocation(invocation, ""));
  const deferred = (plan.deferred_action_invocations ?? []).map(({ reason, action_invocation }) => {
    const why = lookup(DEFERRED_REASONS, reason) ?? `reason ${literal(reason)}`;
    return renderInvocation(action_invocation, ` (**deferred:** ${why}; it is planned again after this apply)`);
  });
  return [...planned, ...deferred];
}

function renderInvocation(invocation: ActionInvocation, note: string): string {
  const provider = invocation.provider_name !== undefined ? `, provider ${literal(invocation.provider_name)}` : "";
  const head = `- ${literal(invocation.address)} (${literal(invocation.type)}${provider})${note}: ${trigger(invocation)}`;
  return [head, ...configLines(invocation)].join("\n");
}

function trigger({ lifecycle_action_trigger: lifecycle, invoke_action_trigger: invoke }: ActionInvocation): string {
  if (lifecycle !== undefined) {
    const event = lifecycle.action_trigger_event;
    const when = event === undefined ? "on an event the plan does not name of" : (lookup(TRIGGER_EVENTS, event) ?? `on event ${literal(event)} of`);
    const resource = lifecycle.triggering_resource_address !== undefined ? literal(lifecycle.triggering_resource_address) : "a resource the plan does not name";
    const failure = lifecycle.on_failure !== undefined ? `; ${lookup(ON_FAILURE, lifecycle.on_failure) ?? `on failure ${literal(lifecycle.on_failure)}`}` : "";
    return `runs ${when} ${resource}${failure}`;
  }
  if (invoke !== undefined) {
    const calling = invoke.calling_resource_address !== undefined ? ` for ${literal(invoke.calling_resource_address)}` : "";
    return `runs because the plan was made with -invoke${calling}`;
  }
  return "the plan does not say what triggers it";
}

/**
 * Each top-level configuration value that is set (as Terraform's own plan shows them, without
 * nulls and empty blocks); sensitive ones masked and unknown ones marked at any depth.
 */
function configLines(invocation: ActionInvocation): string[] {
  const side: Side = { value: invocation.config_values, sensitive: invocation.config_sensitive, unknown: invocation.config_unknown };
  if (invocation.config_sensitive === true) return ["  - configuration: (sensitive)"];
  const keys = new Set<string>();
  if (isRecord(invocation.config_values)) for (const key of Object.keys(invocation.config_values)) keys.add(key);
  if (isRecord(invocation.config_unknown)) for (const key of Object.keys(invocation.config_unknown)) keys.add(key);
  const names = [...keys].sort().filter((key) => !/^(\(none\)|\[\]|\{\})$/.test(describeAt(side, [key])));
  const lines = names.slice(0, MAX_CONFIG_VALUES).map((key) => {
    const text = describeAt(side, [key]);
    return `  - ${literal(key)}: ${/^\((sensitive|known after apply)\)$/.test(text) ? text : literal(text)}`;
  });
  if (names.length > MAX_CONFIG_VALUES) lines.push(`  - … and ${plural(names.length - MAX_CONFIG_VALUES, "more value")}`);
  return lines;
}
