// Markdown summary of `terraform show -json plan.tfplan` output, for pull-request comments.
// Format reference: https://developer.hashicorp.com/terraform/internals/json-format
import { readFileSync } from "node:fs";

export type PathStep = string | number;
export type AttributePath = readonly PathStep[];

export interface Change {
  actions: string[];
  before?: unknown;
  after?: unknown;
  after_unknown?: unknown;
  before_sensitive?: unknown;
  after_sensitive?: unknown;
  replace_paths?: PathStep[][];
}

export interface ResourceChange {
  address: string;
  mode?: "managed" | "data";
  type: string;
  name?: string;
  module_address?: string;
  provider_name?: string;
  deposed?: string;
  action_reason?: string;
  change: Change;
}

export interface Plan {
  format_version: string;
  terraform_version?: string;
  resource_changes: ResourceChange[];
}

export type ChangeKind = "create" | "update" | "replace" | "delete" | "read" | "no-op" | "other";
export type ChangeCounts = Record<ChangeKind, number>;

export interface SummaryOptions {
  title?: string;
}

/** Raised for input that is not a readable Terraform JSON plan; its message is meant for the user. */
export class PlanInputError extends Error {
  override name = "PlanInputError";
}

// ---------------------------------------------------------------------------------------------
// Reading and validating
// ---------------------------------------------------------------------------------------------

const SUPPORTED_FORMAT_MAJORS = ["0", "1"];
const PLAN_HOWTO = "pass the output of `terraform show -json plan.tfplan` for a plan saved with `terraform plan -out=plan.tfplan`";

export function readPlanFile(file: string, read: (file: string) => string = (f) => readFileSync(f, "utf8")): Plan {
  let text: string;
  try {
    text = read(file);
  } catch (error) {
    throw new PlanInputError(`Cannot read "${file}": ${describeFileError(error)}`);
  }
  return parsePlan(text, file);
}

export function parsePlan(text: string, source: string): Plan {
  const json = parseJson(text, source);
  if (!isRecord(json)) throw notAPlan(source, "expected a JSON object");
  if (typeof json.format_version !== "string") throw notAPlan(source, 'it has no "format_version"');
  checkFormatVersion(json.format_version, source);
  if (!("resource_changes" in json) && !("planned_values" in json)) {
    if ("values" in json) {
      throw new PlanInputError(
        `"${source}" looks like state, not a plan: it has "values" but no "resource_changes" or "planned_values"; ${PLAN_HOWTO}.`,
      );
    }
    throw notAPlan(source, 'it has no "resource_changes" or "planned_values"');
  }
  return {
    format_version: json.format_version,
    terraform_version: typeof json.terraform_version === "string" ? json.terraform_version : undefined,
    resource_changes: readResourceChanges(json.resource_changes, source),
  };
}

function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new PlanInputError(`"${source}" is not valid JSON (${errorMessage(error)}); ${PLAN_HOWTO}.`);
  }
}

function checkFormatVersion(version: string, source: string): void {
  const major = version.split(".")[0] ?? "";
  if (!SUPPORTED_FORMAT_MAJORS.includes(major)) {
    throw new PlanInputError(`"${source}" uses JSON format version ${version}; only 0.x and 1.x are supported.`);
  }
}

// A plan for a configuration without resources omits "resource_changes" entirely.
function readResourceChanges(value: unknown, source: string): ResourceChange[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw notAPlan(source, '"resource_changes" is not an array');
  value.forEach((entry, index) => {
    if (!isResourceChange(entry)) {
      throw notAPlan(source, `resource_changes[${index}] has no address, type and change.actions`);
    }
  });
  return value as ResourceChange[];
}

function isResourceChange(value: unknown): value is ResourceChange {
  return (
    isRecord(value) &&
    typeof value.address === "string" &&
    typeof value.type === "string" &&
    isRecord(value.change) &&
    Array.isArray(value.change.actions) &&
    value.change.actions.every((action) => typeof action === "string")
  );
}

function notAPlan(source: string, problem: string): PlanInputError {
  return new PlanInputError(`"${source}" is not a Terraform plan: ${problem}; ${PLAN_HOWTO}.`);
}

function describeFileError(error: unknown): string {
  const code = isRecord(error) ? error.code : undefined;
  if (code === "ENOENT") return "no such file";
  if (code === "EISDIR") return "it is a directory";
  if (code === "EACCES") return "permission denied";
  return errorMessage(error);
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

// ---------------------------------------------------------------------------------------------
// Actions and counts
// ---------------------------------------------------------------------------------------------

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
    case "read":
      return "read";
    case "no-op":
      return "no-op";
    default:
      return "other";
  }
}

export function countChanges(changes: readonly ResourceChange[]): ChangeCounts {
  const counts: ChangeCounts = { create: 0, update: 0, replace: 0, delete: 0, read: 0, "no-op": 0, other: 0 };
  for (const change of changes) counts[kindOf(change)] += 1;
  return counts;
}

function kindOf(resource: ResourceChange): ChangeKind {
  return classifyActions(resource.change.actions);
}

function isListedChange(resource: ResourceChange): boolean {
  const kind = kindOf(resource);
  return kind !== "no-op" && kind !== "read";
}

// ---------------------------------------------------------------------------------------------
// Markdown summary
// ---------------------------------------------------------------------------------------------

export function summarizePlan(plan: Plan, options: SummaryOptions = {}): string {
  const changes = plan.resource_changes;
  const sections = [
    `## ${options.title ?? "Terraform plan"}`,
    renderCounts(countChanges(changes)),
    renderChangeTable(changes),
    renderReplacements(changes),
    renderPolicyChanges(changes),
  ];
  return sections.filter((section) => section !== "").join("\n\n") + "\n";
}

export function renderCounts(counts: ChangeCounts): string {
  const unchanged = [
    counts["no-op"] > 0 ? `${counts["no-op"]} unchanged` : "",
    counts.read > 0 ? `${counts.read} data source${counts.read === 1 ? "" : "s"} to read` : "",
  ].filter(Boolean);
  const aside = unchanged.length > 0 ? ` (${unchanged.join(", ")})` : "";
  const changed = counts.create + counts.update + counts.replace + counts.delete + counts.other;
  if (changed === 0) return `**No changes.** Infrastructure matches the configuration${aside}.`;
  const other = counts.other > 0 ? `, ${counts.other} other` : "";
  return (
    `**Plan:** ${counts.create} to create, ${counts.update} to update, ${counts.replace} to replace, ` +
    `${counts.delete} to delete${other}${aside}.`
  );
}

export function renderChangeTable(changes: readonly ResourceChange[]): string {
  const rows = changes.filter(isListedChange).map(
    (resource) => `| ${actionLabel(resource)} | ${tableCell(code(addressLabel(resource)))} | ${tableCell(code(resource.type))} |`,
  );
  if (rows.length === 0) return "";
  return ["| Action | Address | Type |", "| --- | --- | --- |", ...rows].join("\n");
}

function actionLabel(resource: ResourceChange): string {
  const kind = kindOf(resource);
  return kind === "other" ? resource.change.actions.join(", ") : kind;
}

function addressLabel(resource: ResourceChange): string {
  return resource.deposed ? `${resource.address} (deposed ${resource.deposed})` : resource.address;
}

// ---------------------------------------------------------------------------------------------
// Replacements
// ---------------------------------------------------------------------------------------------

export interface ReplacementCause {
  path: PathStep[];
  before: string;
  after: string;
  hint?: string;
}

export interface ReplacementExplanation {
  order: "delete first" | "create first";
  source: "replace_paths" | "inferred" | "unreported";
  causes: ReplacementCause[];
  reason?: string;
}

interface KnownReplacement {
  type: string;
  path: AttributePath;
  hint: string;
}

const KNOWN_REPLACEMENTS: readonly KnownReplacement[] = [
  {
    type: "aws_kinesis_firehose_delivery_stream",
    path: ["name"],
    hint: "A Firehose stream cannot be renamed: a new stream is created and the old one deleted, and records still buffered in the old stream may not be delivered.",
  },
  {
    type: "aws_kinesis_firehose_delivery_stream",
    path: ["extended_s3_configuration", 0, "dynamic_partitioning_configuration"],
    hint: "Dynamic partitioning can only be set when a stream is created, so the stream is recreated.",
  },
  {
    type: "aws_sesv2_configuration_set",
    path: ["configuration_set_name"],
    hint: "An SES configuration set cannot be renamed: mail sent with the old name fails once it is deleted, so update senders first.",
  },
  {
    type: "aws_sesv2_configuration_set_event_destination",
    path: ["configuration_set_name"],
    hint: "The event destination moves to another configuration set; events are not published to it between delete and create.",
  },
  {
    type: "aws_sesv2_configuration_set_event_destination",
    path: ["event_destination_name"],
    hint: "An event destination cannot be renamed; events are not published to it between delete and create.",
  },
];

const ACTION_REASONS: Readonly<Record<string, string>> = {
  replace_because_tainted: "the object is tainted",
  replace_by_request: "replacement was requested with `-replace`",
  replace_by_triggers: "a `replace_triggered_by` reference changed",
  replace_because_cannot_update: "the provider cannot update it in place",
};

export function explainReplacement(resource: ResourceChange): ReplacementExplanation {
  const { change } = resource;
  const order = change.actions[0] === "create" ? "create first" : "delete first";
  const reason = resource.action_reason ? (ACTION_REASONS[resource.action_reason] ?? resource.action_reason) : undefined;
  const reported = change.replace_paths ?? [];
  if (reported.length > 0) {
    return { order, source: "replace_paths", reason, causes: reported.map((path) => describeCause(resource, path)) };
  }
  const inferred = KNOWN_REPLACEMENTS.filter(
    (known) => known.type === resource.type && knownValueChanged(change, known.path),
  ).map((known) => describeCause(resource, [...known.path]));
  return { order, source: inferred.length > 0 ? "inferred" : "unreported", reason, causes: inferred };
}

function describeCause(resource: ResourceChange, path: PathStep[]): ReplacementCause {
  const { change } = resource;
  return {
    path,
    before: describeValue(change.before, change.before_sensitive, path),
    after: isMarked(change.after_unknown, path)
      ? "(known after apply)"
      : describeValue(change.after, change.after_sensitive, path),
    hint: KNOWN_REPLACEMENTS.find((known) => known.type === resource.type && startsWith(path, known.path))?.hint,
  };
}

function knownValueChanged(change: Change, path: AttributePath): boolean {
  if (isMarked(change.after_unknown, path)) return false;
  return !sameValue(valueAt(change.before, path), valueAt(change.after, path));
}

function renderReplacements(changes: readonly ResourceChange[]): string {
  const replaced = changes.filter((resource) => kindOf(resource) === "replace");
  if (replaced.length === 0) return "";
  return ["### Replacements", "", ...replaced.map(renderReplacement)].join("\n");
}

function renderReplacement(resource: ResourceChange): string {
  const explanation = explainReplacement(resource);
  const order = explanation.order === "create first" ? "create new, then delete old" : "delete, then create";
  const header = `- ${code(resource.address)} (${order}): ${replacementSummary(explanation)}`;
  const details = explanation.causes.map(
    (cause) => `  - ${code(formatPath(cause.path))}: ${cause.before} → ${cause.after}.${cause.hint ? ` ${cause.hint}` : ""}`,
  );
  return [header, ...details].join("\n");
}

function replacementSummary({ source, causes, reason }: ReplacementExplanation): string {
  const paths = causes.map((cause) => code(formatPath(cause.path))).join(", ");
  if (source === "replace_paths") return `forced by ${paths}`;
  if (source === "inferred") return `probably forced by ${paths} (the plan does not list replace_paths)`;
  if (reason && reason !== ACTION_REASONS.replace_because_cannot_update) return reason;
  return "the plan does not say which attribute forces it";
}

export function formatPath(path: AttributePath): string {
  return path.join(".");
}

function describeValue(value: unknown, sensitive: unknown, path: AttributePath): string {
  if (isMarked(sensitive, path)) return "(sensitive)";
  return formatValue(valueAt(value, path));
}

function formatValue(value: unknown): string {
  if (value === undefined || value === null) return "(none)";
  if (typeof value === "string") return code(value);
  return code(truncate(JSON.stringify(value), 120));
}

// ---------------------------------------------------------------------------------------------
// IAM policies
// ---------------------------------------------------------------------------------------------

export interface PolicyStatement {
  Sid?: unknown;
  Effect?: unknown;
  Principal?: unknown;
  NotPrincipal?: unknown;
  Action?: unknown;
  NotAction?: unknown;
  Resource?: unknown;
  NotResource?: unknown;
  Condition?: unknown;
}

export interface PolicyDocument {
  Version?: unknown;
  Statement: PolicyStatement[];
}

export type StatementField = (typeof STATEMENT_FIELDS)[number];

export interface FieldChange {
  field: StatementField;
  before: unknown;
  after: unknown;
}

export type StatementDiff =
  | { kind: "added"; label: string; statement: PolicyStatement }
  | { kind: "removed"; label: string; statement: PolicyStatement }
  | { kind: "changed"; label: string; fields: FieldChange[] };

export type PolicyText =
  | { state: "absent" }
  | { state: "unknown" }
  | { state: "sensitive" }
  | { state: "known"; text: string };

export interface PolicyAttribute {
  label: string;
  before: PolicyText;
  after: PolicyText;
}

const STATEMENT_FIELDS = [
  "Effect",
  "Principal",
  "NotPrincipal",
  "Action",
  "NotAction",
  "Resource",
  "NotResource",
  "Condition",
] as const;

const LIST_FIELDS: ReadonlySet<StatementField> = new Set(["Action", "NotAction", "Resource", "NotResource"]);

export const POLICY_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  aws_iam_role: ["assume_role_policy"],
  aws_iam_role_policy: ["policy"],
  aws_iam_policy: ["policy"],
  aws_s3_bucket_policy: ["policy"],
  aws_sns_topic_policy: ["policy"],
};

const EMPTY_POLICY: PolicyDocument = { Statement: [] };

export function parsePolicy(text: string): PolicyDocument | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(json)) return undefined;
  const statements = json.Statement === undefined ? [] : Array.isArray(json.Statement) ? json.Statement : [json.Statement];
  if (!statements.every(isRecord)) return undefined;
  return { Version: json.Version, Statement: statements as PolicyStatement[] };
}

export function diffPolicies(before: PolicyDocument, after: PolicyDocument): StatementDiff[] {
  const beforeByKey = keyStatements(before.Statement);
  const afterByKey = keyStatements(after.Statement);
  const diffs: StatementDiff[] = [];
  for (const [key, current] of afterByKey) {
    const previous = beforeByKey.get(key);
    const label = statementLabel(current);
    if (!previous) {
      diffs.push({ kind: "added", label, statement: current.statement });
      continue;
    }
    const fields = changedFields(previous.statement, current.statement);
    if (fields.length > 0) diffs.push({ kind: "changed", label, fields });
  }
  for (const [key, previous] of beforeByKey) {
    if (!afterByKey.has(key)) diffs.push({ kind: "removed", label: statementLabel(previous), statement: previous.statement });
  }
  return diffs;
}

interface PositionedStatement {
  statement: PolicyStatement;
  index: number;
}

// Statements are matched by Sid; those without a (unique) Sid by their order among the others.
function keyStatements(statements: readonly PolicyStatement[]): Map<string, PositionedStatement> {
  const keyed = new Map<string, PositionedStatement>();
  let unnamed = 0;
  statements.forEach((statement, index) => {
    const sid = sidOf(statement);
    const key = sid !== undefined && !keyed.has(`sid:${sid}`) ? `sid:${sid}` : `position:${unnamed++}`;
    keyed.set(key, { statement, index });
  });
  return keyed;
}

function sidOf(statement: PolicyStatement): string | undefined {
  return typeof statement.Sid === "string" && statement.Sid !== "" ? statement.Sid : undefined;
}

function statementLabel({ statement, index }: PositionedStatement): string {
  const sid = sidOf(statement);
  return sid !== undefined ? code(sid) : `statement ${index + 1}`;
}

function changedFields(before: PolicyStatement, after: PolicyStatement): FieldChange[] {
  return STATEMENT_FIELDS.filter((field) => !sameValue(before[field], after[field])).map((field) => ({
    field,
    before: before[field],
    after: after[field],
  }));
}

export function renderStatement(statement: PolicyStatement): string {
  const resources = renderResources(statement);
  const principal = renderPrincipals(statement);
  const condition = statement.Condition === undefined ? "" : renderCondition(statement.Condition);
  return [
    `${renderEffect(statement.Effect)} ${renderActions(statement)}${resources ? ` on ${resources}` : ""}`,
    principal ? `principal ${principal}` : "",
    condition ? `condition ${condition}` : "",
  ]
    .filter(Boolean)
    .join("; ");
}

function renderEffect(effect: unknown): string {
  return typeof effect === "string" ? effect : "(no Effect)";
}

function renderActions(statement: PolicyStatement): string {
  if (statement.Action !== undefined) return codeList(statement.Action);
  if (statement.NotAction !== undefined) return `all actions except ${codeList(statement.NotAction)}`;
  return "(no Action)";
}

function renderResources(statement: PolicyStatement): string {
  if (statement.Resource !== undefined) return codeList(statement.Resource);
  if (statement.NotResource !== undefined) return `all resources except ${codeList(statement.NotResource)}`;
  return "";
}

function renderPrincipals(statement: PolicyStatement): string {
  if (statement.Principal !== undefined) return renderPrincipal(statement.Principal);
  if (statement.NotPrincipal !== undefined) return `anyone except ${renderPrincipal(statement.NotPrincipal)}`;
  return "";
}

function renderPrincipal(principal: unknown): string {
  if (!isRecord(principal)) return codeList(principal);
  return Object.entries(principal)
    .map(([kind, ids]) => `${kind} ${codeList(ids)}`)
    .join(" and ");
}

function renderCondition(condition: unknown): string {
  if (!isRecord(condition)) return code(JSON.stringify(condition));
  return Object.entries(condition)
    .flatMap(([operator, tests]) =>
      isRecord(tests)
        ? Object.entries(tests).map(([key, values]) => `${operator} ${code(key)} = ${codeList(values)}`)
        : [`${operator} ${code(JSON.stringify(tests))}`],
    )
    .join(" and ");
}

function renderFieldChange({ field, before, after }: FieldChange): string {
  if (LIST_FIELDS.has(field)) return `${field} ${renderListChange(asList(before), asList(after))}`;
  return `${field} ${renderFieldValue(field, before)} → ${renderFieldValue(field, after)}`;
}

function renderListChange(before: string[], after: string[]): string {
  if (before.length <= 1 && after.length <= 1) return `${codeListOrNone(before)} → ${codeListOrNone(after)}`;
  const added = after.filter((item) => !before.includes(item));
  const removed = before.filter((item) => !after.includes(item));
  return [added.length > 0 ? `added ${codeList(added)}` : "", removed.length > 0 ? `removed ${codeList(removed)}` : ""]
    .filter(Boolean)
    .join(" and ");
}

function renderFieldValue(field: StatementField, value: unknown): string {
  if (value === undefined) return "(none)";
  if (field === "Condition") return renderCondition(value);
  if (field === "Principal" || field === "NotPrincipal") return renderPrincipal(value);
  return typeof value === "string" ? value : code(JSON.stringify(value));
}

export function renderStatementDiff(diff: StatementDiff): string {
  switch (diff.kind) {
    case "added":
      return `- added ${diff.label}: ${renderStatement(diff.statement)}`;
    case "removed":
      return `- removed ${diff.label}: ${renderStatement(diff.statement)}`;
    case "changed":
      return `- changed ${diff.label}: ${diff.fields.map(renderFieldChange).join("; ")}`;
  }
}

export function policyAttributes(resource: ResourceChange): PolicyAttribute[] {
  const { change } = resource;
  const named = (POLICY_ATTRIBUTES[resource.type] ?? []).map((attribute) => ({
    label: attribute,
    before: policyText(change.before, change.before_sensitive, undefined, [attribute]),
    after: policyText(change.after, change.after_sensitive, change.after_unknown, [attribute]),
  }));
  return [...named, ...inlinePolicyAttributes(change)];
}

function inlinePolicyAttributes(change: Change): PolicyAttribute[] {
  if (isMarked(change.after_unknown, ["inline_policy"])) return [];
  const before = inlinePolicies(change.before);
  const after = inlinePolicies(change.after);
  const names = [...new Set([...after.keys(), ...before.keys()])];
  return names.map((name) => ({
    label: `inline_policy "${name}"`,
    before: inlinePolicyText(change.before, change.before_sensitive, undefined, before.get(name)),
    after: inlinePolicyText(change.after, change.after_sensitive, change.after_unknown, after.get(name)),
  }));
}

function inlinePolicies(object: unknown): Map<string, number> {
  const entries = valueAt(object, ["inline_policy"]);
  const byName = new Map<string, number>();
  if (!Array.isArray(entries)) return byName;
  entries.forEach((entry, index) => {
    if (isRecord(entry) && typeof entry.name === "string" && entry.name !== "") byName.set(entry.name, index);
  });
  return byName;
}

function inlinePolicyText(object: unknown, sensitive: unknown, unknown: unknown, index: number | undefined): PolicyText {
  return index === undefined ? { state: "absent" } : policyText(object, sensitive, unknown, ["inline_policy", index, "policy"]);
}

function policyText(object: unknown, sensitive: unknown, unknown: unknown, path: AttributePath): PolicyText {
  if (isMarked(unknown, path)) return { state: "unknown" };
  if (isMarked(sensitive, path)) return { state: "sensitive" };
  const value = valueAt(object, path);
  return typeof value === "string" && value.trim() !== "" ? { state: "known", text: value } : { state: "absent" };
}

function renderPolicyChanges(changes: readonly ResourceChange[]): string {
  const blocks = changes
    .filter((resource) => ["create", "update", "replace"].includes(kindOf(resource)))
    .flatMap((resource) =>
      policyAttributes(resource).flatMap((attribute) => {
        const body = renderPolicyAttribute(attribute);
        return body ? [`#### ${code(resource.address)} ${code(attribute.label)}\n\n${body}`] : [];
      }),
    );
  if (blocks.length === 0) return "";
  return ["### IAM policy changes", ...blocks].join("\n\n");
}

/** The Markdown body for one policy attribute, or "" when it does not change. */
export function renderPolicyAttribute({ before, after }: PolicyAttribute): string {
  if (after.state === "unknown") return "(known after apply)";
  if (before.state === "sensitive" || after.state === "sensitive") return "(sensitive value hidden)";
  const beforeText = before.state === "known" ? before.text : undefined;
  const afterText = after.state === "known" ? after.text : undefined;
  if (beforeText === afterText) return "";
  const beforeDoc = beforeText === undefined ? EMPTY_POLICY : parsePolicy(beforeText);
  const afterDoc = afterText === undefined ? EMPTY_POLICY : parsePolicy(afterText);
  if (!beforeDoc || !afterDoc) return renderRawPolicies(beforeText, afterText);
  const lines = diffPolicies(beforeDoc, afterDoc).map(renderStatementDiff);
  if (beforeText !== undefined && afterText !== undefined && !sameValue(beforeDoc.Version, afterDoc.Version)) {
    lines.unshift(`- Version ${formatValue(beforeDoc.Version)} → ${formatValue(afterDoc.Version)}`);
  }
  return lines.join("\n");
}

function renderRawPolicies(before: string | undefined, after: string | undefined): string {
  return [
    "Not valid policy JSON; raw values:",
    `Before:\n\n${fenced(before ?? "(none)")}`,
    `After:\n\n${fenced(after ?? "(none)")}`,
  ].join("\n\n");
}

// ---------------------------------------------------------------------------------------------
// Command line
// ---------------------------------------------------------------------------------------------

export interface CliIo {
  readFile(file: string): string;
  writeFile(file: string, text: string): void;
  stdout(text: string): void;
  stderr(text: string): void;
}

export interface CliOptions {
  planFile: string;
  output?: string;
  title?: string;
}

export const USAGE = [
  "Usage: npm run plan-summary -- <plan.json> [--output FILE] [--title TEXT]",
  "",
  "  <plan.json>      output of `terraform show -json plan.tfplan`",
  "  --output FILE    write the Markdown summary to FILE instead of stdout",
  "  --title TEXT     heading of the summary (default: Terraform plan)",
].join("\n");

export class UsageError extends Error {
  override name = "UsageError";
}

export function parseCliArgs(args: readonly string[]): CliOptions | "help" {
  const options: Partial<CliOptions> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === "-h" || arg === "--help") return "help";
    const [flag, inlineValue] = arg.startsWith("--") && arg.includes("=") ? splitOnce(arg, "=") : [arg, undefined];
    if (flag === "--output" || flag === "-o" || flag === "--title") {
      const value = inlineValue ?? args[++i];
      if (value === undefined || value === "") throw new UsageError(`${flag} needs a value.`);
      options[flag === "--title" ? "title" : "output"] = value;
    } else if (arg.startsWith("-")) {
      throw new UsageError(`Unknown option "${arg}".`);
    } else if (options.planFile !== undefined) {
      throw new UsageError(`Expected one plan file, got "${options.planFile}" and "${arg}".`);
    } else {
      options.planFile = arg;
    }
  }
  if (options.planFile === undefined) throw new UsageError("Missing the plan JSON file.");
  return options as CliOptions;
}

/** Runs the command and returns the process exit code; all output goes through `io`. */
export function runCli(args: readonly string[], io: CliIo): number {
  try {
    const options = parseCliArgs(args);
    if (options === "help") {
      io.stdout(`${USAGE}\n`);
      return 0;
    }
    const markdown = summarizePlan(readPlanFile(options.planFile, io.readFile), { title: options.title });
    if (options.output === undefined) io.stdout(markdown);
    else writeOutput(io, options.output, markdown);
    return 0;
  } catch (error) {
    io.stderr(`plan-summary: ${errorMessage(error)}\n`);
    if (error instanceof UsageError) io.stderr(`\n${USAGE}\n`);
    return 1;
  }
}

function writeOutput(io: CliIo, file: string, text: string): void {
  try {
    io.writeFile(file, text);
  } catch (error) {
    throw new PlanInputError(`Cannot write "${file}": ${describeFileError(error)}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function child(node: unknown, step: PathStep): unknown {
  if (Array.isArray(node) && typeof step === "number") return node[step];
  if (isRecord(node)) return node[String(step)];
  return undefined;
}

function valueAt(value: unknown, path: AttributePath): unknown {
  return path.reduce<unknown>(child, value);
}

/** True when a marker tree (after_unknown, *_sensitive) is `true` at the path or at one of its parents. */
function isMarked(markers: unknown, path: AttributePath): boolean {
  let node = markers;
  for (const step of path) {
    if (node === true) return true;
    node = child(node, step);
  }
  return node === true;
}

function startsWith(path: AttributePath, prefix: AttributePath): boolean {
  return prefix.every((step, index) => path[index] === step);
}

// IAM treats lists as sets and a single value like a one-element list.
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(canonical).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    return items.length === 1 ? items[0] : items;
  }
  if (isRecord(value)) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, canonical(value[key])]),
    );
  }
  return value;
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function asList(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).map((item) => (typeof item === "string" ? item : JSON.stringify(item)));
}

function codeList(value: unknown): string {
  return asList(value).map(code).join(", ");
}

function codeListOrNone(items: readonly string[]): string {
  return items.length === 0 ? "(none)" : codeList(items);
}

export function code(text: string): string {
  const flat = text.replace(/\r?\n/g, " ");
  if (!flat.includes("`")) return `\`${flat}\``;
  return `\`\` ${flat} \`\``;
}

function tableCell(text: string): string {
  return text.replace(/\|/g, "\\|");
}

function fenced(text: string): string {
  const longestRun = Math.max(2, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longestRun + 1);
  return `${fence}text\n${text}\n${fence}`;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function splitOnce(text: string, separator: string): [string, string] {
  const at = text.indexOf(separator);
  return [text.slice(0, at), text.slice(at + separator.length)];
}
