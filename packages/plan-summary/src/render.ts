// The Markdown summary. The heading says first what makes a plan more than its changes: it
// failed (errored), it is incomplete (deferred changes or action invocations), checks fail,
// resources changed outside Terraform, or an action is unknown; only a plan with none of these, no
// change and no action invocation says "No changes". Sections come in order of risk, which is also
// how they share the room when the summary must fit a size limit (a pull-request comment holds
// 65,536 characters): destroys, replacements, unknown actions, failing checks, deferred changes,
// actions to invoke, grants (IAM policy changes), security-relevant updates, risky creates and
// drift share it first (see fit.ts), the entries of the security sections most severe first
// (severity.ts); forgets, imports, moves, output changes, routine updates and routine creates
// follow, each with its counts per resource type, then as many entries as fit. What did not fit is
// counted in a closing note that says where the full summary is.
import { renderActions } from "./actions";
import { type AttributeChange, changedAttributes, isTruncatedList, MAX_CHANGED_PATHS } from "./attributes";
import { changedOutputs, countPlan, hasChanges, isImport, isMove, kindOf, planLine, type PlanCounts, unknownActions } from "./classify";
import { isDocumentlessGrant, isFlaggedGrant, managedPolicyListChange, POLICY_ATTRIBUTES, renderGrant } from "./grants";
import { isFlaggedPolicyChange, policyAttributes, renderPolicyAttribute } from "./iam-diff";
import { createFindings, type CreateFinding, renderFindings } from "./creates";
import { fit, type Section } from "./fit";
import { changedParts, describeLongChange, isLongChange, renderLongChange } from "./long-values";
import { securityChangesFirst, securityTopics } from "./security";
import { Severity, SEVERITY_LABELS, updateSeverity } from "./severity";
import { driftedResources, planStatus, type PlanStatus, relevantResources, renderDeferred, renderDrift, renderFailingChecks, statusLines } from "./status";
import { literal, plural } from "./markdown";
import type { Change, Plan, ResourceChange } from "./read";
import { ACTION_REASONS, afterSide, beforeSide, explainReplacement, type ReplacementExplanation } from "./replacements";
import { compareText, describeAt, formatPath, lookup, type PathStep, valueAt } from "./values";

export const DEFAULT_MAX_CHARS = 65_000;
export const MIN_MAX_CHARS = 2_000;

export interface SummaryOptions {
  /** Stack name, shown in the heading as literal text. */
  stack?: string;
  /** Upper bound on the summary's length in characters; Infinity for no bound. */
  maxChars?: number;
  /** Where the full summary can be read (the caller's own Markdown), named when entries are left out. */
  fullLocation?: string;
}

export function summarizePlan(plan: Plan, options: SummaryOptions = {}): string {
  const maxChars = options.maxChars ?? DEFAULT_MAX_CHARS;
  const counts = countPlan(plan);
  const outputs = changedOutputs(plan);
  const status = planStatus(plan);
  const header = renderHeader(options.stack, counts, outputs.length, status);
  // Without a size limit long values are shown whole.
  const whole = maxChars === Infinity;
  const sections = buildSections(plan, outputs, whole).filter((section) => section.entries.length > 0);
  const location = options.fullLocation ?? "the output of `npm run plan-summary` with `--max-chars 0`";
  return fit(header, sections, maxChars, location);
}

/** True when the plan failed: the command line then exits with this status after writing the summary. */
export function planFailed(plan: Plan): boolean {
  return plan.errored === true;
}

function renderHeader(stack: string | undefined, counts: PlanCounts, changedOutputCount: number, status: PlanStatus): string {
  const heading = stack === undefined ? "## Terraform plan" : `## Terraform plan for stack ${literal(stack)}`;
  const aside = [
    counts.replace > 0 ? `${plural(counts.replace, "replacement")} (counted to add and to destroy)` : "",
    counts.move > 0 ? `${counts.move.toLocaleString("en-US")} moved` : "",
    counts.unchanged > 0 ? `${counts.unchanged.toLocaleString("en-US")} unchanged` : "",
    counts.read > 0 ? `${plural(counts.read, "data source")} to read` : "",
  ].filter(Boolean);
  const flags = statusLines(status);
  if (counts.other > 0) {
    flags.push(`**${plural(counts.other, "resource")} with actions this summary does not know** (listed under Unknown or unusual actions): read Terraform's own plan for them.`);
  }
  const lead = flags.map((line) => `${line}\n\n`).join("");
  if (!hasChanges(counts) && changedOutputCount === 0) {
    const unchanged = aside.length > 0 ? ` (${aside.join(", ")})` : "";
    if (flags.length > 0) return `${heading}\n\n${lead}No changes to apply${unchanged}.\n`;
    return `${heading}\n\nNo changes. Your infrastructure matches the configuration${unchanged}.\n`;
  }
  const extra = aside.length > 0 ? `\n\n${capitalize(aside.join(", "))}.` : "";
  const planned = status.errored ? "Planned before the error: " : "";
  return `${heading}\n\n${lead}${planned}${planLine(counts)}${extra}\n`;
}

function buildSections(plan: Plan, outputs: [string, Change][], whole: boolean): Section[] {
  const byKind = groupResources(plan.resource_changes);
  const condensed = (title: string, resources: ResourceChange[], entry: (r: ResourceChange) => string): Section => ({
    title,
    full: false,
    intro: resources.length > 1 ? [`By type: ${countsByType(resources)}.`] : [],
    entries: resources.map(entry),
  });
  const risky = (title: string, resources: ResourceChange[], entry: (r: ResourceChange) => string): Section => ({
    ...condensed(title, resources, entry),
    full: true,
  });
  const relevant = relevantResources(plan);
  const updates = byKind.update.map(reviewUpdate);
  // An import or a move that also updates is listed in its own section and, when the update is
  // security-relevant, here too: adopting an object can change what protects it.
  const adopted = [...byKind.import, ...byKind.move].filter((resource) => kindOf(resource) === "update").map(reviewUpdate);
  const security = bySeverity([...updates, ...adopted].filter((update) => update.topics.length > 0));
  const secure = new Set(security.map((update) => update.resource));
  const routine = updates.filter((update) => !secure.has(update.resource));
  const creates = byKind.create.map((resource) => ({ resource, findings: createFindings(resource) }));
  const riskyCreates = bySeverity(
    creates.filter(({ findings }) => findings.length > 0).map(({ resource, findings }) => ({ resource, findings, severity: Math.min(...findings.map((f) => f.severity)) as Severity })),
  );
  const routineCreates = creates.filter(({ findings }) => findings.length === 0).map(({ resource }) => resource);
  const drifted = driftedResources(plan);
  return [
    risky("Destroy", holdingDataFirst(byKind.delete), renderDelete),
    risky("Replace", riskyFirst(holdingDataFirst(byKind.replace)), (resource) => renderReplacement(resource, whole)),
    { title: "Unknown or unusual actions", full: true, intro: [], entries: byKind.other.map(renderOther) },
    { title: "Failing checks", full: true, intro: [], entries: renderFailingChecks(plan) },
    { title: "Deferred", full: true, intro: [], entries: renderDeferred(plan) },
    { title: "Actions to invoke", full: true, intro: [], entries: renderActions(plan) },
    { title: "IAM policy changes", full: true, intro: [], entries: flaggedFirst(plan.resource_changes.flatMap((resource) => renderPolicies(resource, whole))) },
    {
      ...risky("Security-relevant updates", security.map((update) => update.resource), () => ""),
      entries: security.map(({ resource, changes, topics, severity }) => renderUpdate(resource, changes, topics, whole, severity)),
      ranks: security.map(({ severity }) => SEVERITY_LABELS[severity]),
    },
    {
      ...risky("Risky creates", riskyCreates.map(({ resource }) => resource), () => ""),
      entries: riskyCreates.map(({ resource, findings, severity }) => renderRiskyCreate(resource, findings, severity, whole)),
      ranks: riskyCreates.map(({ severity }) => SEVERITY_LABELS[severity]),
    },
    risky("Changed outside Terraform", drifted, (resource) => renderDrift(resource, relevant)),
    condensed("Forget (removed from state, not destroyed)", byKind.forget, (r) => `- ${literal(r.address)}`),
    condensed("Import", byKind.import, (resource) => renderImport(resource, whole)),
    condensed("Move", byKind.move, (resource) => renderMove(resource, whole)),
    { title: "Output changes", full: false, intro: [], entries: outputs.map(([name, change]) => renderOutput(name, change)) },
    {
      ...condensed("Update in place", routine.map((update) => update.resource), () => ""),
      entries: routine.map(({ resource, changes }) => renderUpdate(resource, changes, [], whole)),
    },
    condensed("Create", routineCreates, renderCreate),
  ];
}

/**
 * An update's security topics, judged on every changed attribute (many routine changes, tags
 * say, must not push a security-relevant one out of sight), and the changes to list.
 */
function reviewUpdate(resource: ResourceChange): { resource: ResourceChange; changes: AttributeChange[]; topics: string[]; severity: Severity } {
  const all = changedAttributes(resource.change, [], Infinity);
  const topics = securityTopics(resource, all);
  const severity = topics.length > 0 ? Math.min(updateSeverity(resource, all), riskTouched(resource, all)) : Severity.Other;
  return { resource, topics, severity, changes: securityChangesFirst(resource, all, MAX_CHANGED_PATHS) };
}

/**
 * An update that changes a value behind what would make the object a risky create (the ports of a
 * rule open to the internet, say) is as severe as that risk: it widens an exposure.
 */
function riskTouched(resource: ResourceChange, changes: readonly AttributeChange[]): Severity {
  const prefix = (a: readonly PathStep[], b: readonly PathStep[]) => a.every((step, index) => index < b.length && b[index] === step);
  const touched = createFindings(resource).filter(({ paths }) => paths.some((path) => changes.some((change) => prefix(change.path, path) || prefix(path, change.path))));
  return Math.min(Severity.Other, ...touched.map((finding) => finding.severity));
}

/** Most severe first; entries of one severity keep the plan's order. */
function bySeverity<T extends { severity: Severity }>(entries: readonly T[]): T[] {
  return [...entries].sort((a, b) => a.severity - b.severity);
}

/** Resource types whose deletion loses data or breaks senders: their destroys are listed first. */
const HOLDS_DATA =
  /^aws_s3_bucket$|^aws_kms_key$|^aws_kms_replica_key$|^aws_cloudwatch_log_group$|^aws_dynamodb_table$|^aws_db_instance$|^aws_rds_cluster$|^aws_efs_file_system$|^aws_secretsmanager_secret$|^aws_kinesis_stream$|^aws_kinesis_firehose_delivery_stream$|^aws_sqs_queue$|^aws_sesv2_configuration_set$|^aws_glue_catalog_(database|table)$|^aws_backup_vault$/;

/**
 * Resource types whose deletion exposes data or loses events: public access blocks, encryption and
 * logging configurations, audit trails, and the event destination itself. Listed with those above.
 */
const PROTECTS =
  /_public_access_block$|_server_side_encryption_configuration$|_encryption_configuration$|^aws_s3_bucket_logging$|^aws_s3_bucket_versioning$|^aws_cloudtrail$|^aws_flow_log$|^aws_sesv2_configuration_set_event_destination$|^aws_ses_event_destination$/;

function holdingDataFirst(resources: readonly ResourceChange[]): ResourceChange[] {
  const first = (resource: ResourceChange) => HOLDS_DATA.test(resource.type) || PROTECTS.test(resource.type);
  return [...resources.filter(first), ...resources.filter((resource) => !first(resource))];
}

/** Replacements whose new object is risky (judged as a create is) first, so no number of routine ones hides them. */
function riskyFirst(resources: readonly ResourceChange[]): ResourceChange[] {
  const risky = new Set(resources.filter((resource) => createFindings(resource).length > 0));
  return [...resources.filter((resource) => risky.has(resource)), ...resources.filter((resource) => !risky.has(resource))];
}

type Group = "delete" | "replace" | "other" | "forget" | "import" | "move" | "update" | "create";

/** Each changing resource in one group, the riskiest that applies. */
function groupResources(resources: readonly ResourceChange[]): Record<Group, ResourceChange[]> {
  const groups: Record<Group, ResourceChange[]> = { delete: [], replace: [], other: [], forget: [], import: [], move: [], update: [], create: [] };
  for (const resource of resources) {
    const kind = kindOf(resource);
    if (resource.mode === "data") {
      if (kind !== "read" && kind !== "no-op") groups.other.push(resource);
      continue;
    }
    if (kind === "delete" || kind === "replace" || kind === "other" || kind === "forget") groups[kind].push(resource);
    else if (isImport(resource)) groups.import.push(resource);
    else if (isMove(resource)) groups.move.push(resource);
    else if (kind === "update" || kind === "create") groups[kind].push(resource);
  }
  return groups;
}

function countsByType(resources: readonly ResourceChange[]): string {
  const counts = new Map<string, number>();
  for (const resource of resources) counts.set(resource.type, (counts.get(resource.type) ?? 0) + 1);
  const sorted = [...counts].sort(([a, x], [b, y]) => y - x || compareText(a, b));
  const shown = sorted.slice(0, MAX_TYPES).map(([type, count]) => `${literal(type)} ${count.toLocaleString("en-US")}`);
  const more = sorted.length - shown.length;
  return more > 0 ? `${shown.join(", ")} and ${plural(more, "more type")}` : shown.join(", ");
}

/** Resource types named in a section's counts; a real plan has a few dozen at most. */
const MAX_TYPES = 30;

function addressOf(resource: ResourceChange): string {
  const moved = isMove(resource) ? ` (moved from ${literal(resource.previous_address ?? "")})` : "";
  const deposed = resource.deposed !== undefined ? ` (deposed object ${literal(resource.deposed)})` : "";
  return `${literal(resource.address)}${deposed}${moved}`;
}

function reasonOf(resource: ResourceChange): string {
  if (resource.action_reason === undefined) return "";
  return lookup(ACTION_REASONS, resource.action_reason) ?? `reason ${literal(resource.action_reason)}`;
}

function renderDelete(resource: ResourceChange): string {
  const reason = reasonOf(resource);
  return [`- ${addressOf(resource)}${reason ? `: ${reason}` : ""}`, ...breaking(resource)].join("\n");
}

/** Senders name the configuration set in every send: deleting it (or replacing it) breaks them. */
function breaking(resource: ResourceChange): string[] {
  if (resource.type !== "aws_sesv2_configuration_set") return [];
  const before = describeAt(beforeSide(resource.change), ["configuration_set_name"]);
  const name = /^\((sensitive|known after apply|none)\)$/.test(before) ? "its name" : `the name ${literal(before)}`;
  const when = kindOf(resource) === "replace" ? "between its delete and create (and after it, if the name changes)" : "once it is deleted";
  return [`  - **Breaking for senders:** mail sent with ${name} is rejected ${when}; move senders to the new set first.`];
}

function renderReplacement(resource: ResourceChange, whole: boolean): string {
  const explanation = explainReplacement(resource);
  const order = explanation.order === "create first" ? "create new, then destroy old" : "destroy, then create";
  // Under a size limit a pathological plan's thousands of replace_paths are counted, not listed.
  const causes = whole ? explanation.causes : explanation.causes.slice(0, MAX_CAUSES);
  const left = explanation.causes.length - causes.length;
  const header = `- ${addressOf(resource)} (${order}): ${replacementSummary(resource, { ...explanation, causes })}${left > 0 ? ` and ${left.toLocaleString("en-US")} more` : ""}`;
  const details = causes.flatMap((cause) => {
    const path = literal(formatPath(cause.path));
    const inner = blockChanges(resource, cause.path, whole);
    // A forcing block lists its changed attributes below; its own value is only a reminder.
    const [first = "", ...rest] = inner.length > 0 ? [`  - ${path}: ${value(cause.before)} → ${value(cause.after)}`] : changeLines(path, cause.before, cause.after, "  ", whole);
    return [`${first}${cause.hint ? `. ${cause.hint}` : ""}`, ...rest, ...inner];
  });
  // The new object is created with its after values: what makes a create risky makes it risky too,
  // whichever attribute forced the replacement (or none, with -replace).
  const more = left > 0 ? [`  - … and ${plural(left, "more attribute")} that force it, left out for length`] : [];
  return [header, ...breaking(resource), ...renderFindings(resource, createFindings(resource), whole), ...details, ...more].join("\n");
}

/** Forcing attributes listed per replacement under a size limit; a real plan has a handful. */
const MAX_CAUSES = 20;

// A forcing block (a list or object) also lists which of its own attributes change.
function blockChanges(resource: ResourceChange, path: PathStep[], whole: boolean): string[] {
  const { before, after } = resource.change;
  const isBlock = (side: unknown) => typeof valueAt(side, path) === "object" && valueAt(side, path) !== null;
  if (!isBlock(before) && !isBlock(after)) return [];
  const changes = changedAttributes(resource.change, path);
  if (changes.length === 1 && changes[0]?.path.length === path.length) return [];
  const lines = changes.flatMap((change) => changeLines(literal(formatPath(change.path)), change.before, change.after, "    ", whole));
  if (isTruncatedList(changes)) lines.push("    - (more attributes change; only the first are listed)");
  return lines;
}

function replacementSummary(resource: ResourceChange, { source, causes, reason }: ReplacementExplanation): string {
  const paths = causes.map((cause) => literal(formatPath(cause.path))).join(", ");
  if (source === "replace_paths") return `forced by ${paths}`;
  if (source === "inferred") return `probably forced by ${paths} (the plan does not list replace_paths)`;
  if (reason && reason !== ACTION_REASONS.replace_because_cannot_update) return reason;
  const code = resource.action_reason !== undefined && reason === undefined ? ` (${reasonOf(resource)})` : "";
  return `the plan does not say which attribute forces it${code}`;
}

/** Action names listed per resource: a pathological plan's thousands are counted, not listed. */
const MAX_ACTIONS = 10;

function listed(names: readonly string[]): string {
  const more = names.length > MAX_ACTIONS ? ` and ${(names.length - MAX_ACTIONS).toLocaleString("en-US")} more` : "";
  return `${names.slice(0, MAX_ACTIONS).map((name) => literal(name)).join(", ")}${more}`;
}

function renderOther(resource: ResourceChange): string {
  const actions = listed(resource.change.actions);
  const unknown = unknownActions(resource.change.actions);
  const flag =
    unknown.length > 0
      ? ` (**unknown action** ${listed(unknown)}: not an action of Terraform's JSON format this summary knows; read Terraform's own plan)`
      : " (an unusual combination: read Terraform's own plan)";
  return `- ${addressOf(resource)}: actions ${actions}${flag}`;
}

/** An attribute's old and new value; a long one shows where it changed, under the attribute. */
function changeLines(path: string, before: string, after: string, indent: string, whole: boolean): string[] {
  const marker = (text: string) => /^\((sensitive|known after apply|none)\)$/.test(text);
  if (marker(before) || marker(after) || !isLongChange(before, after)) return [`${indent}- ${path}: ${value(before)} → ${value(after)}`];
  const parts = changedParts(before, after);
  return [`${indent}- ${path} (${describeLongChange(before, after, parts.length)}):`, ...renderLongChange(before, after, whole, `${indent}  `, parts)];
}

interface GrantEntry {
  text: string;
  /** A wide grant or one missing a condition: listed before the others, so no number of narrow grants can push it out. */
  flagged: boolean;
}

function flaggedFirst(entries: readonly GrantEntry[]): string[] {
  return [...entries.filter((entry) => entry.flagged), ...entries.filter((entry) => !entry.flagged)].map((entry) => entry.text);
}

function renderPolicies(resource: ResourceChange, whole: boolean): GrantEntry[] {
  if (resource.mode === "data" || !resource.change.actions.some((action) => action === "create" || action === "update" || action === "delete")) {
    return [];
  }
  if (isDocumentlessGrant(resource)) {
    const lines = renderGrant(resource);
    return lines.length > 0 ? [{ text: `- ${literal(resource.address)}:\n${lines.map((line) => `  ${line}`).join("\n")}`, flagged: isFlaggedGrant(resource) }] : [];
  }
  const documents = policyAttributes(resource).flatMap((attribute) => {
    const lines = renderPolicyAttribute(attribute, whole);
    if (lines.length === 0) return [];
    const body = lines.map((line) => `  ${line}`).join("\n");
    return [{ text: `- ${literal(resource.address)} ${literal(attribute.label)}:\n${body}`, flagged: isFlaggedPolicyChange(attribute) }];
  });
  const list = managedPolicyListChange(resource);
  if (list === undefined) return documents;
  const body = list.lines.map((line) => `  ${line}`).join("\n");
  return [...documents, { text: `- ${literal(resource.address)} ${literal(list.attribute)}:\n${body}`, flagged: list.flagged }];
}

function renderImport(resource: ResourceChange, whole: boolean): string {
  const { importing } = resource.change;
  const id =
    importing?.id !== undefined
      ? `ID ${literal(importing.id)}`
      : importing?.identity !== undefined
        ? `identity ${literal(JSON.stringify(importing.identity))}`
        : "an ID known after apply";
  const kind = kindOf(resource);
  const then = kind === "update" ? ", then updated in place" : kind === "create" ? ", then created" : "";
  return [`- ${addressOf(resource)} from ${id}${then}`, ...attributeLines(resource, changedAttributes(resource.change), whole)].join("\n");
}

function renderMove(resource: ResourceChange, whole: boolean): string {
  const then = kindOf(resource) === "update" ? ", then updated in place" : "";
  return [`- ${literal(resource.previous_address ?? "")} → ${literal(resource.address)}${then}`, ...attributeLines(resource, changedAttributes(resource.change), whole)].join("\n");
}

function renderUpdate(resource: ResourceChange, changes: readonly AttributeChange[], topics: readonly string[], whole: boolean, severity?: Severity): string {
  const imported = isImport(resource) ? " (imported, then updated)" : "";
  const rank = severity !== undefined && severity !== Severity.Other ? `**${SEVERITY_LABELS[severity]}:** ` : "";
  const why = `${imported}${topics.length > 0 ? `: ${rank}${topics.join(", ")}` : ""}`;
  return [`- ${addressOf(resource)}${why}`, ...attributeLines(resource, changes, whole)].join("\n");
}

function renderRiskyCreate(resource: ResourceChange, findings: readonly CreateFinding[], severity: Severity, whole: boolean): string {
  return [`- ${addressOf(resource)}: **${SEVERITY_LABELS[severity]}**`, ...renderFindings(resource, findings, whole)].join("\n");
}

function renderCreate(resource: ResourceChange): string {
  return `- ${addressOf(resource)}`;
}

function attributeLines(resource: ResourceChange, changes: readonly AttributeChange[], whole: boolean): string[] {
  if (kindOf(resource) !== "update") return [];
  const policies = new Set(lookup(POLICY_ATTRIBUTES, resource.type) ?? []);
  const lines = changes.flatMap((change) => {
    const path = literal(formatPath(change.path));
    if (policies.has(String(change.path[0])) || (resource.type === "aws_iam_role" && change.path[0] === "inline_policy")) {
      return [`  - ${path}: see IAM policy changes`];
    }
    return changeLines(path, change.before, change.after, "  ", whole);
  });
  if (isTruncatedList(changes)) lines.push("  - (more attributes change; only the first are listed)");
  return lines;
}

function renderOutput(name: string, change: Change): string {
  const before = describeAt(beforeSide(change), []);
  const after = describeAt(afterSide(change), []);
  const { actions } = change;
  if (actions.includes("delete") && !actions.includes("create")) return `- ${literal(name)}: removed (was ${value(before)})`;
  if (actions.includes("create") && !actions.includes("delete")) return `- ${literal(name)}: added, ${value(after)}`;
  return `- ${literal(name)}: ${value(before)} → ${value(after)}`;
}

/** Marker words such as (sensitive) stay plain; anything from the plan is literal text. */
function value(text: string): string {
  return /^\((sensitive|known after apply|none)\)$/.test(text) ? text : literal(text);
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
