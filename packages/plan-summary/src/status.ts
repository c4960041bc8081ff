// What the plan says about itself, beyond its resource changes: whether planning failed
// (errored), whether it is complete (deferred_changes), what changed outside Terraform
// (resource_drift) and which checks fail (checks). Each of them keeps a plan from reading as
// "No changes".
import { type AttributeChange, changedAttributes, isTruncatedList, MAX_CHANGED_PATHS } from "./attributes";
import { kindOf } from "./classify";
import { literal, plural } from "./markdown";
import type { CheckResult, Plan, ResourceChange } from "./read";
import { securityChangesFirst, securityTopics } from "./security";
import { formatPath, isRecord, lookup, valueAt } from "./values";

export interface PlanStatus {
  errored: boolean;
  incomplete: boolean;
  deferred: number;
  /** Action invocations Terraform deferred (Terraform 1.14+). */
  deferredActions: number;
  drifted: number;
  failingChecks: number;
}

export const DEFERRED_REASONS: Readonly<Record<string, string>> = {
  unknown: "for a reason Terraform does not know",
  instance_count_unknown: "its count or for_each is only known after apply",
  resource_config_unknown: "its configuration is only known after apply",
  provider_config_unknown: "its provider's configuration is only known after apply",
  absent_prereq: "something it depends on does not exist yet",
  deferred_prereq: "something it depends on was deferred",
};

export function planStatus(plan: Plan): PlanStatus {
  const checks = plan.checks ?? [];
  return {
    errored: plan.errored === true,
    // A plan that errored is incomplete too; that is said by the error. A deferred invocation
    // makes a plan incomplete whatever its "complete" says.
    incomplete: (plan.complete === false || (plan.deferred_action_invocations?.length ?? 0) > 0) && plan.errored !== true,
    deferred: plan.deferred_changes?.length ?? 0,
    deferredActions: plan.deferred_action_invocations?.length ?? 0,
    drifted: driftedResources(plan).length,
    failingChecks: checks.filter(isFailing).length,
  };
}

/** "fail", "error", or a status this summary does not know: anything but passing or not yet known. */
export function isFailing(check: CheckResult): boolean {
  return check.status !== "pass" && check.status !== "unknown";
}

/** The lines that come before the plan line: what makes this plan not a plain plan. */
export function statusLines(status: PlanStatus): string[] {
  const lines: string[] = [];
  if (status.errored) {
    lines.push(
      "**Plan failed.** Terraform stopped with an error, so this plan cannot be applied; only the changes planned before the error are listed. Read the error in Terraform's output.",
    );
  }
  if (status.incomplete) {
    const parts = [
      ...(status.deferred > 0 ? [`${plural(status.deferred, "change")} (listed under Deferred)`] : []),
      ...(status.deferredActions > 0 ? [`${plural(status.deferredActions, "action invocation")} (listed under Actions to invoke)`] : []),
    ];
    const deferred = parts.length > 0 ? parts.join(" and ") : "some changes";
    lines.push(`**Incomplete plan.** Terraform deferred ${deferred} until this plan is applied: another plan and apply follow.`);
  }
  if (status.failingChecks > 0) lines.push(`**${plural(status.failingChecks, "check")} failing** (listed under Failing checks).`);
  if (status.drifted > 0) {
    lines.push(`**${plural(status.drifted, "resource")} changed outside Terraform** (listed under Changed outside Terraform).`);
  }
  return lines;
}

/**
 * Drift entries that changed something. Terraform also lists no-op entries there, and updates
 * where a provider only filled in an empty value it had left unset (`null` → `{}`, `[]` or `""`):
 * neither is a change anyone made.
 */
export function driftedResources(plan: Plan): ResourceChange[] {
  return (plan.resource_drift ?? []).filter((resource) => {
    const kind = kindOf(resource);
    if (kind === "no-op" || kind === "read") return false;
    return kind !== "update" || driftedAttributes(resource).length > 0;
  });
}

/** Every changed attribute of a drift entry, less the empty values a provider only filled in. */
export function driftedAttributes(resource: ResourceChange): AttributeChange[] {
  const { before, after } = resource.change;
  return changedAttributes(resource.change, [], Infinity).filter((change) => !(isEmpty(valueAt(before, change.path)) && isEmpty(valueAt(after, change.path))));
}

function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null || value === "") return true;
  if (Array.isArray(value)) return value.length === 0;
  return isRecord(value) && Object.keys(value).length === 0;
}

export function renderDrift(resource: ResourceChange, relevant: ReadonlySet<string>): string {
  const note = relevant.has(resource.address) ? " (this plan's changes depend on it)" : "";
  const kind = kindOf(resource);
  if (kind === "delete") return `- ${literal(resource.address)}: deleted outside Terraform${note}`;
  if (kind !== "update") {
    return `- ${literal(resource.address)}: ${resource.change.actions.map((action) => literal(action)).join(", ")} outside Terraform${note}`;
  }
  const all = driftedAttributes(resource);
  const topics = securityTopics(resource, all);
  const changes = securityChangesFirst(resource, all, MAX_CHANGED_PATHS);
  const why = topics.length > 0 ? `: ${topics.join(", ")}` : "";
  const lines = changes.map((change) => `  - ${literal(formatPath(change.path))}: ${marked(change.before)} → ${marked(change.after)}`);
  if (isTruncatedList(changes)) lines.push("  - (more attributes changed; only the first are listed)");
  return [`- ${literal(resource.address)}: changed outside Terraform${note}${why}`, ...lines].join("\n");
}

export function relevantResources(plan: Plan): Set<string> {
  return new Set((plan.relevant_attributes ?? []).map((entry) => entry.resource));
}

export function renderDeferred(plan: Plan): string[] {
  return (plan.deferred_changes ?? []).map(({ reason, resource_change: resource }) => {
    const why = lookup(DEFERRED_REASONS, reason) ?? `reason ${literal(reason)}`;
    const actions = resource.change.actions.map((action) => literal(action)).join(", ");
    return `- ${literal(resource.address)}: ${actions}, deferred: ${why}`;
  });
}

export function renderFailingChecks(plan: Plan): string[] {
  return (plan.checks ?? []).filter(isFailing).map((check) => {
    const kind = check.address.kind !== undefined ? ` (${literal(check.address.kind)})` : "";
    const instances = check.instances.filter((instance) => instance.status !== "pass");
    const lines = instances.flatMap((instance) => {
      const problems = instance.problems.length > 0 ? instance.problems.map((problem) => literal(problem.message)).join("; ") : "no message";
      return instances.length === 1 && instance.address.to_display === check.address.to_display
        ? [`  - ${problems}`]
        : [`  - ${literal(instance.address.to_display)} ${literal(instance.status)}: ${problems}`];
    });
    return [`- ${literal(check.address.to_display)}${kind}: ${literal(check.status)}`, ...lines].join("\n");
  });
}

function marked(text: string): string {
  return /^\((sensitive|known after apply|none)\)$/.test(text) ? text : literal(text);
}
