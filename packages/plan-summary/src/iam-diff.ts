// IAM policy changes statement by statement: policies are matched by Sid (otherwise by position
// among the statements without one) and compared field by field, lists as sets.
import { POLICY_ATTRIBUTES } from "./grants";
import { describeLongChange, isLongChange, renderLongChange } from "./long-values";
import { literal } from "./markdown";
import type { Change, ResourceChange } from "./read";
import { isHiddenAt, isMarked, isRecord, lookup, sameValue, valueAt, type AttributePath } from "./values";

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

const STATEMENT_FIELDS = ["Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"] as const;
export type StatementField = (typeof STATEMENT_FIELDS)[number];
const LIST_FIELDS: ReadonlySet<StatementField> = new Set(["Action", "NotAction", "Resource", "NotResource"]);

export interface FieldChange {
  field: StatementField;
  before: unknown;
  after: unknown;
}

export type StatementDiff =
  | { kind: "added"; label: string; statement: PolicyStatement }
  | { kind: "removed"; label: string; statement: PolicyStatement }
  | { kind: "changed"; label: string; fields: FieldChange[]; after: PolicyStatement };

export type PolicyText = { state: "absent" } | { state: "unknown" } | { state: "sensitive" } | { state: "known"; text: string };

/** Whose policy it is: it decides which grants are wide (`Resource: "*"` is the norm in a key policy). */
export type PolicyKind = "identity" | "trust" | "resource";

export interface PolicyAttribute {
  label: string;
  /** @default "identity" */
  kind?: PolicyKind;
  before: PolicyText;
  after: PolicyText;
}

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
    const fields = STATEMENT_FIELDS.filter((field) => !sameValue(previous.statement[field], current.statement[field])).map(
      (field) => ({ field, before: previous.statement[field], after: current.statement[field] }),
    );
    if (fields.length > 0) diffs.push({ kind: "changed", label, fields, after: current.statement });
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
  return sid !== undefined ? literal(sid) : `statement ${index + 1}`;
}

export function renderStatement(statement: PolicyStatement): string {
  const resources = renderResources(statement);
  const principal = renderPrincipals(statement);
  const condition = statement.Condition === undefined ? "" : renderCondition(statement.Condition);
  return [
    `${renderScalar(statement.Effect, "(no Effect)")} ${renderActions(statement)}${resources ? ` on ${resources}` : ""}`,
    principal ? `principal ${principal}` : "",
    condition ? `condition ${condition}` : "",
  ]
    .filter(Boolean)
    .join("; ");
}

function renderScalar(value: unknown, missing: string): string {
  if (value === undefined) return missing;
  return literal(typeof value === "string" ? value : JSON.stringify(value));
}

function renderActions(statement: PolicyStatement): string {
  if (statement.Action !== undefined) return literalList(statement.Action);
  if (statement.NotAction !== undefined) return `all actions except ${literalList(statement.NotAction)}`;
  return "(no Action)";
}

function renderResources(statement: PolicyStatement): string {
  if (statement.Resource !== undefined) return literalList(statement.Resource);
  if (statement.NotResource !== undefined) return `all resources except ${literalList(statement.NotResource)}`;
  return "";
}

function renderPrincipals(statement: PolicyStatement): string {
  if (statement.Principal !== undefined) return renderPrincipal(statement.Principal);
  if (statement.NotPrincipal !== undefined) return `anyone except ${renderPrincipal(statement.NotPrincipal)}`;
  return "";
}

function renderPrincipal(principal: unknown): string {
  if (!isRecord(principal)) return literalList(principal);
  return Object.entries(principal)
    .map(([kind, ids]) => `${literal(kind)} ${literalList(ids)}`)
    .join(" and ");
}

function renderCondition(condition: unknown): string {
  if (!isRecord(condition)) return literal(JSON.stringify(condition));
  return Object.entries(condition)
    .flatMap(([operator, tests]) =>
      isRecord(tests)
        ? Object.entries(tests).map(([key, values]) => `${literal(operator)} ${literal(key)} = ${literalList(values)}`)
        : [`${literal(operator)} ${literal(JSON.stringify(tests))}`],
    )
    .join(" and ");
}

function renderFieldChange({ field, before, after }: FieldChange): string {
  if (LIST_FIELDS.has(field)) return `${field} ${renderListChange(asList(before), asList(after))}`;
  return `${field} ${renderFieldValue(field, before)} → ${renderFieldValue(field, after)}`;
}

function renderListChange(before: string[], after: string[]): string {
  if (before.length <= 1 && after.length <= 1) return `${literalListOrNone(before)} → ${literalListOrNone(after)}`;
  const added = after.filter((item) => !before.includes(item));
  const removed = before.filter((item) => !after.includes(item));
  return [added.length > 0 ? `added ${literalList(added)}` : "", removed.length > 0 ? `removed ${literalList(removed)}` : ""]
    .filter(Boolean)
    .join(" and ");
}

function renderFieldValue(field: StatementField, value: unknown): string {
  if (value === undefined) return "(none)";
  if (field === "Condition") return renderCondition(value);
  if (field === "Principal" || field === "NotPrincipal") return renderPrincipal(value);
  return renderScalar(value, "(none)");
}

export function renderStatementDiff(diff: StatementDiff, kind: PolicyKind = "identity"): string {
  const flags = flagText(diffFlags(diff, kind));
  switch (diff.kind) {
    case "added":
      return `- added ${diff.label}: ${renderStatement(diff.statement)}${flags}`;
    case "removed":
      return `- removed ${diff.label}: ${renderStatement(diff.statement)}${flags}`;
    case "changed":
      return `- changed ${diff.label}: ${diff.fields.map(renderFieldChange).join("; ")}${flags}`;
  }
}

/** The flags of a statement change: a wide grant added or changed into, or a Deny taken away. */
function diffFlags(diff: StatementDiff, kind: PolicyKind): string[] {
  if (diff.kind === "removed") return diff.statement.Effect === "Deny" ? ["**wider:** a Deny statement removed, what it denied may now be allowed"] : [];
  return statementFlags(diff.kind === "added" ? diff.statement : diff.after, kind);
}

function flagText(flags: readonly string[]): string {
  return flags.length > 0 ? `; ${flags.join("; ")}` : "";
}

/** Condition keys that tie a service principal to the caller's own account or resource. */
const SOURCE_KEYS = ["aws:sourceaccount", "aws:sourcearn", "aws:sourceorgid", "aws:sourceorgpaths", "aws:sourceowner", "sts:externalid"];
const SERVICE_PRINCIPAL = /\.amazonaws\.com(\.cn)?$|\.amazon\.com$/;

/**
 * Why an Allow statement grants widely: any principal, any action of a service, any resource
 * (in an identity policy), an exception list (NotAction, NotResource, NotPrincipal), or a service
 * principal without the aws:SourceAccount or aws:SourceArn condition AWS recommends against
 * the confused deputy problem. A Deny statement is never wide.
 */
export function statementFlags(statement: PolicyStatement, kind: PolicyKind): string[] {
  if (statement.Effect !== "Allow") return [];
  const flags: string[] = [];
  const condition = isRecord(statement.Condition) ? statement.Condition : undefined;
  const conditionKeys = Object.values(condition ?? {}).flatMap((tests) => (isRecord(tests) ? Object.keys(tests).map((key) => key.toLowerCase()) : []));
  const principals = principalIds(statement.Principal);
  if (principals.some((id) => id === "*")) {
    flags.push(conditionKeys.length === 0 ? `**wide:** public principal ${literal("*")}` : `**wide:** principal ${literal("*")}, limited only by its condition`);
  }
  if (statement.NotPrincipal !== undefined) flags.push("**wide:** everyone except the NotPrincipal");
  const wideActions = asList(statement.Action).filter((action) => action === "*" || /^[\w-]+:\*$/.test(action));
  if (wideActions.length > 0) flags.push(`**wide:** every action of ${wideActions.map((action) => literal(action)).join(", ")}`);
  if (statement.NotAction !== undefined) flags.push("**wide:** every action except the NotAction");
  if (kind === "identity" && asList(statement.Resource).includes("*")) flags.push(`**wide:** resource ${literal("*")}`);
  if (statement.NotResource !== undefined) flags.push("**wide:** every resource except the NotResource");
  const federated = isRecord(statement.Principal) && Object.hasOwn(statement.Principal, "Federated") ? asList(statement.Principal.Federated) : [];
  if (kind === "trust" && federated.length > 0 && conditionKeys.length === 0) {
    flags.push(`**missing condition:** federated principal ${federated.map((id) => literal(id)).join(", ")} without a condition: any identity of that provider can assume the role`);
  }
  if (kind !== "identity" && !SOURCE_KEYS.some((key) => conditionKeys.includes(key))) {
    const services = principals.filter((id) => SERVICE_PRINCIPAL.test(id) && !federated.includes(id));
    if (services.length > 0) {
      flags.push(`**missing condition:** service principal ${services.map((id) => literal(id)).join(", ")} without aws:SourceAccount, aws:SourceArn or sts:ExternalId`);
    }
  }
  return flags;
}

function principalIds(principal: unknown): string[] {
  if (principal === undefined) return [];
  if (!isRecord(principal)) return asList(principal);
  return Object.values(principal).flatMap(asList);
}

/** Every policy attribute of a resource, with its text before and after. */
export function policyKind(type: string, attribute: string): PolicyKind {
  if (attribute === "assume_role_policy") return "trust";
  return /^aws_iam_(role|user|group)_policy$|^aws_iam_policy$|^aws_ssoadmin_/.test(type) ? "identity" : "resource";
}

export function policyAttributes(resource: ResourceChange): PolicyAttribute[] {
  const { change } = resource;
  const named = (lookup(POLICY_ATTRIBUTES, resource.type) ?? []).map((attribute) => ({
    label: attribute,
    kind: policyKind(resource.type, attribute),
    before: policyText(change.before, change.before_sensitive, undefined, [attribute]),
    after: policyText(change.after, change.after_sensitive, change.after_unknown, [attribute]),
  }));
  return resource.type === "aws_iam_role" ? [...named, ...inlinePolicyAttributes(change)] : named;
}

function inlinePolicyAttributes(change: Change): PolicyAttribute[] {
  if (isMarked(change.after_unknown, ["inline_policy"])) return [];
  const before = inlinePolicies(change.before);
  const after = inlinePolicies(change.after);
  const names = [...new Set([...after.keys(), ...before.keys()])];
  return names.map((name) => ({
    label: `inline_policy ${JSON.stringify(name)}`,
    kind: "identity" as const,
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
  if (isHiddenAt(object, sensitive, path)) return { state: "sensitive" };
  if (isMarked(unknown, path)) return { state: "unknown" };
  const value = valueAt(object, path);
  return typeof value === "string" && value.trim() !== "" ? { state: "known", text: value } : { state: "absent" };
}

/** The Markdown lines for one policy attribute, or [] when it does not change. */
export function renderPolicyAttribute({ before, after, kind = "identity" }: PolicyAttribute, whole = false): string[] {
  if (before.state === "sensitive" || after.state === "sensitive") return ["(sensitive value hidden)"];
  if (after.state === "unknown") return renderRecomputed(before);
  const beforeText = before.state === "known" ? before.text : undefined;
  const afterText = after.state === "known" ? after.text : undefined;
  if (beforeText === afterText) return [];
  const beforeDoc = beforeText === undefined ? EMPTY_POLICY : parsePolicy(beforeText);
  const afterDoc = afterText === undefined ? EMPTY_POLICY : parsePolicy(afterText);
  if (!beforeDoc || !afterDoc) {
    if (beforeText !== undefined && afterText !== undefined && isLongChange(beforeText, afterText)) {
      return [`Not valid policy JSON; where its text changed (${describeLongChange(beforeText, afterText)}):`, ...renderLongChange(beforeText, afterText, whole, "")];
    }
    return ["Not valid policy JSON; raw values:", `- before: ${rawPolicy(beforeText)}`, `- after: ${rawPolicy(afterText)}`];
  }
  // Flagged statements first: an entry too long for the summary is cut at its end.
  const diffs = diffPolicies(beforeDoc, afterDoc);
  const flagged = (diff: StatementDiff) => diffFlags(diff, kind).length > 0;
  const lines = [...diffs.filter(flagged), ...diffs.filter((diff) => !flagged(diff))].map((diff) => renderStatementDiff(diff, kind));
  if (beforeText !== undefined && afterText !== undefined && !sameValue(beforeDoc.Version, afterDoc.Version)) {
    lines.unshift(`- Version ${renderScalar(beforeDoc.Version, "(none)")} → ${renderScalar(afterDoc.Version, "(none)")}`);
  }
  return lines;
}

/** True when the change adds or changes an Allow statement that is flagged as wide or missing a condition, or removes a Deny. */
export function isFlaggedPolicyChange({ before, after, kind = "identity" }: PolicyAttribute): boolean {
  if (after.state !== "known") return false;
  const beforeDoc = before.state === "known" ? parsePolicy(before.text) : EMPTY_POLICY;
  const afterDoc = parsePolicy(after.text);
  if (!beforeDoc || !afterDoc) return false;
  return diffPolicies(beforeDoc, afterDoc).some((diff) => diffFlags(diff, kind).length > 0);
}

// A policy only known after apply (it refers to something not created yet) is shown as it is now.
function renderRecomputed(before: PolicyText): string[] {
  if (before.state !== "known") return ["(known after apply)"];
  const document = parsePolicy(before.text);
  const note = "(known after apply: recomputed during apply; its current statements are)";
  if (!document) return [note, `- ${rawPolicy(before.text)}`];
  if (document.Statement.length === 0) return [`${note} none`];
  return [note, ...document.Statement.map((statement, index) => `- ${statementLabel({ statement, index })}: ${renderStatement(statement)}`)];
}

function rawPolicy(text: string | undefined): string {
  return text === undefined ? "(none)" : literal(text, 2000);
}

function asList(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).map((item) => (typeof item === "string" ? item : JSON.stringify(item)));
}

function literalList(value: unknown): string {
  const items = asList(value);
  return items.length === 0 ? "(none)" : items.map((item) => literal(item)).join(", ");
}

function literalListOrNone(items: readonly string[]): string {
  return literalList(items);
}
