// What each resource change does, and the counts of Terraform's own "Plan:" line, computed the way
// Terraform computes them: a replacement counts once to add and once to destroy, an import counts
// whatever else it does, and data source reads and no-ops count nowhere.
import type { Change, Plan, ResourceChange } from "./read";

export type ChangeKind = "create" | "update" | "replace" | "delete" | "forget" | "read" | "no-op" | "other";

export interface PlanCounts {
  import: number;
  add: number;
  change: number;
  destroy: number;
  forget: number;
  move: number;
  replace: number;
  unchanged: number;
  read: number;
  /** Resources with an action name or combination of actions this summary does not know. */
  other: number;
  /** Action invocations (Terraform 1.14+): side effects a provider runs during apply. */
  invoke: number;
}

/** The action names of Terraform's JSON format (1.6 to 1.11); any other is flagged. */
export const KNOWN_ACTIONS: ReadonlySet<string> = new Set(["no-op", "create", "read", "update", "delete", "forget"]);

export function unknownActions(actions: readonly string[]): string[] {
  return actions.filter((action) => !KNOWN_ACTIONS.has(action));
}

export function classifyActions(actions: readonly string[]): ChangeKind {
  switch (actions.join(",")) {
    case "create":
      return "create";
    case "update":
      return "update";
    case "delete":
      return "delete";
    case "delete,create":
    case "create,delete":
      return "replace";
    case "forget":
      return "forget";
    case "read":
      return "read";
    case "no-op":
      return "no-op";
    default:
      return "other";
  }
}

export function kindOf(resource: ResourceChange): ChangeKind {
  return classifyActions(resource.change.actions);
}

export function isImport(resource: ResourceChange): boolean {
  return resource.change.importing !== undefined;
}

export function isMove(resource: ResourceChange): boolean {
  return resource.previous_address !== undefined && resource.previous_address !== resource.address;
}

/** Data sources are read, never changed: Terraform leaves them out of its counts. */
function isManaged(resource: ResourceChange): boolean {
  return resource.mode !== "data";
}

export function countPlan(plan: Plan): PlanCounts {
  const counts: PlanCounts = { import: 0, add: 0, change: 0, destroy: 0, forget: 0, move: 0, replace: 0, unchanged: 0, read: 0, other: 0, invoke: plan.action_invocations?.length ?? 0 };
  for (const resource of plan.resource_changes) {
    const { actions } = resource.change;
    if (!isManaged(resource)) {
      // A data source is only read; any other action is one this summary does not know.
      if (kindOf(resource) === "read") counts.read += 1;
      else if (kindOf(resource) !== "no-op") counts.other += 1;
      continue;
    }
    if (isImport(resource)) counts.import += 1;
    if (isMove(resource)) counts.move += 1;
    if (actions.includes("create")) counts.add += 1;
    if (actions.includes("update")) counts.change += 1;
    if (actions.includes("delete")) counts.destroy += 1;
    if (actions.includes("forget")) counts.forget += 1;
    if (kindOf(resource) === "replace") counts.replace += 1;
    if (kindOf(resource) === "other") counts.other += 1;
    if (kindOf(resource) === "no-op" && !isImport(resource) && !isMove(resource)) counts.unchanged += 1;
  }
  return counts;
}

export function hasChanges(counts: PlanCounts): boolean {
  return counts.import + counts.add + counts.change + counts.destroy + counts.forget + counts.move + counts.other + counts.invoke > 0;
}

/**
 * Terraform's own line, for example `Plan: 6 to import, 1 to add, 0 to change, 0 to destroy.`, and
 * since Terraform 1.14 ` Actions: 1 to invoke.` after it when the plan invokes actions.
 */
export function planLine(counts: PlanCounts): string {
  const parts = [
    ...(counts.import > 0 ? [`${counts.import} to import`] : []),
    `${counts.add} to add`,
    `${counts.change} to change`,
    `${counts.destroy} to destroy`,
    ...(counts.forget > 0 ? [`${counts.forget} to forget`] : []),
  ];
  const actions = counts.invoke > 0 ? ` Actions: ${counts.invoke.toLocaleString("en-US")} to invoke.` : "";
  return `Plan: ${parts.join(", ")}.${actions}`;
}

/** The output changes that do something, by name. */
export function changedOutputs(plan: Plan): [string, Change][] {
  return Object.entries(plan.output_changes).filter(([, change]) => !change.actions.every((action) => action === "no-op"));
}
