// How bad a security-relevant change is, for the order inside the risky sections (and so for what
// the size cap keeps): first what exposes something to the internet or loses data or events
// (public access opened, a destination, stream or flag disabled, encryption removed, a network
// rule opened to the internet), then what weakens a protection (shorter retention, another
// encryption key, deletion protection, versioning or key rotation turned off, unencrypted storage,
// long-lived credentials), then the rest. Judged on values that are neither sensitive nor unknown.
import type { AttributeChange } from "./attributes";
import { isInternetWide } from "./network";
import type { ResourceChange } from "./read";
import { TAG_ATTRIBUTES } from "./security";
import { isHiddenAt, isMarked, isRecord, valueAt, type PathStep } from "./values";

export enum Severity {
  Exposure = 1,
  Weakening = 2,
  Other = 3,
}

export const SEVERITY_LABELS: Readonly<Record<Severity, string>> = {
  [Severity.Exposure]: "exposure or loss",
  [Severity.Weakening]: "weakening",
  [Severity.Other]: "other",
};

const PUBLIC_ACCESS_SETTINGS = /^(block_public_acls|block_public_policy|ignore_public_acls|restrict_public_buckets)$/;
const PUBLIC_ACLS = /^(public-read|public-read-write|authenticated-read)$/;
const DISABLED_STATES = /^(disabled?|inactive|stopped|off)$/i;
const ENCRYPTION = /encrypt|kms|^sse|server_side/;
const RETENTION = /retention|expiration|expire|days|ttl|max_delivery_duration/;

/** The most severe of an update's changed attributes. */
export function updateSeverity(resource: ResourceChange, changes: readonly AttributeChange[]): Severity {
  let worst = Severity.Other;
  for (const { path } of changes) {
    // A tag is a label, and an environment variable a name the user chose: a tag or variable
    // named "status" set to "disabled" exposes nothing.
    if (TAG_ATTRIBUTES.has(String(path[0])) || path.includes("variables")) continue;
    worst = Math.min(worst, changeSeverity(resource, path));
    if (worst === Severity.Exposure) break;
  }
  return worst;
}

function changeSeverity(resource: ResourceChange, path: PathStep[]): Severity {
  const { change } = resource;
  const before = isHiddenAt(change.before, change.before_sensitive, path) ? undefined : valueAt(change.before, path);
  const unknownAfter = isMarked(change.after_unknown, path);
  const after = unknownAfter || isHiddenAt(change.after, change.after_sensitive, path) ? undefined : valueAt(change.after, path);
  const names = path.filter((step): step is string => typeof step === "string");
  const name = names[names.length - 1] ?? "";
  const within = (pattern: RegExp) => names.some((step) => pattern.test(step));
  const gone = !unknownAfter && (after === null || after === undefined || after === "" || after === false || (Array.isArray(after) && after.length === 0));
  const present = (value: unknown) => value !== null && value !== undefined && value !== "" && value !== false && !(Array.isArray(value) && value.length === 0);

  // Protections against deleting data, turned off: weakening, though their names say "enabled".
  if (/^(deletion_protection(_enabled)?|enable_key_rotation|prevent_destroy)$/.test(name) && before === true && after === false) return Severity.Weakening;
  if (name === "status" && after === "Suspended" && before !== "Suspended") return Severity.Weakening;

  // Exposure to the internet and loss of data or events.
  if (PUBLIC_ACCESS_SETTINGS.test(name) && before === true && after !== true && !unknownAfter) return Severity.Exposure;
  if (name === "acl" && typeof after === "string" && PUBLIC_ACLS.test(after)) return Severity.Exposure;
  if (grantsToEveryone(resource, path)) return Severity.Exposure;
  if (/^(publicly_accessible|associate_public_ip_address)$/.test(name) && after === true) return Severity.Exposure;
  if (/^(authorization_type|auth_type|authorization)$/.test(name) && after === "NONE") return Severity.Exposure;
  if ((/enabled$|^enable$/.test(name) && before === true && after === false) || (/^disabled?$/.test(name) && after === true)) return Severity.Exposure;
  if (/^(state|status)$/.test(name) && typeof after === "string" && DISABLED_STATES.test(after) && !(typeof before === "string" && DISABLED_STATES.test(before))) {
    return Severity.Exposure;
  }
  if (within(ENCRYPTION) && present(before) && gone) return Severity.Exposure;
  if (within(/cidr|ingress/) && opensToInternet(before, after)) return Severity.Exposure;

  // Weakening.
  if (within(RETENTION) && typeof before === "number" && typeof after === "number" && shorter(name, before, after)) return Severity.Weakening;
  if (within(ENCRYPTION) && present(before) && present(after)) return Severity.Weakening;
  if (/^(force_destroy|skip_final_snapshot)$/.test(name) && after === true && before !== true) return Severity.Weakening;
  return Severity.Other;
}

/** Grantee URIs that name all users, or every AWS account: a grant to either is public. */
export const PUBLIC_GRANTEES = /acs\.amazonaws\.com\/groups\/global\/(AllUsers|AuthenticatedUsers)$/;

/**
 * True when the change at `path` is inside an ACL grant (the whole `grant` list, or one grant and
 * what it holds: its grantee, its permission) whose new value grants to everyone.
 */
function grantsToEveryone(resource: ResourceChange, path: PathStep[]): boolean {
  const at = path.indexOf("grant");
  if (at < 0) return false;
  const scope = path.slice(0, Math.min(path.length, at + 2));
  const { change } = resource;
  if (isMarked(change.after_unknown, scope) || isHiddenAt(change.after, change.after_sensitive, scope)) return false;
  return strings(valueAt(change.after, scope)).some((text) => PUBLIC_GRANTEES.test(text));
}

/** Log group retention 0 means "never expire": going to 0 is longer, leaving it is shorter. */
function shorter(name: string, before: number, after: number): boolean {
  if (name === "retention_in_days") {
    if (after === 0) return false;
    if (before === 0) return true;
  }
  return after < before;
}

/** True when the after value holds an internet-wide CIDR the before value did not. */
function opensToInternet(before: unknown, after: unknown): boolean {
  const old = new Set(strings(before));
  return strings(after).some((text) => !old.has(text) && isInternetWide(text));
}

function strings(value: unknown, depth = 0, out: string[] = []): string[] {
  if (depth > 6 || out.length > 500) return out;
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) for (const item of value) strings(item, depth + 1, out);
  else if (isRecord(value)) for (const item of Object.values(value)) strings(item, depth + 1, out);
  return out;
}
