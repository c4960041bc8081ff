// Which in-place updates a security reviewer must see even when thousands of routine updates do
// not fit: those of a security resource type (public access blocks, encryption, logging, keys,
// IAM, network rules) and those changing a security attribute anywhere (public access,
// encryption, logging, deletion protection, enabled flags, key rotation, retention, network
// exposure, roles and policies). They are listed in full, with the reason, above routine updates.
import type { AttributeChange } from "./attributes";
import type { ResourceChange } from "./read";
import { isRecord, valueAt } from "./values";

export interface SecurityTopic {
  topic: string;
  types: RegExp;
  attributes: RegExp;
}

/** Tested against resource types and against each step of a changed attribute path. */
export const SECURITY_TOPICS: readonly SecurityTopic[] = [
  {
    topic: "public access",
    types: /_public_access_block$|_acl$|_ownership_controls$|_website_configuration$|^aws_lambda_function_url$/,
    attributes: /public|^acl$|^grant$|block_public|ignore_public|restrict_public|object_ownership|authorization_type|auth_type/,
  },
  {
    topic: "encryption",
    types: /_encryption_configuration$|^aws_kms_|^aws_acm|_tls_|_certificate/,
    attributes: /encrypt|kms|^sse|server_side|tls|ssl|https|certificate|cipher|security_policy/,
  },
  { topic: "logging", types: /_logging$|^aws_cloudtrail|^aws_flow_log|^aws_config_/, attributes: /logging|^log_|_log$|_logs$|audit|trail/ },
  {
    topic: "deletion protection",
    types: /_versioning$|_object_lock_configuration$|^aws_backup_/,
    attributes: /deletion_protection|prevent_destroy|force_destroy|skip_final_snapshot|mfa_delete|versioning|object_lock|^status$/,
  },
  { topic: "enabled or sending", types: /^$/, attributes: /enabled|^enable$|^disabled?$|^state$|suspend/ },
  { topic: "key rotation", types: /_rotation$/, attributes: /rotation/ },
  {
    topic: "retention",
    types: /_lifecycle_configuration$|_retention/,
    attributes: /retention|expiration|expire|ttl|^days$|noncurrent|max_delivery_duration/,
  },
  {
    topic: "network exposure",
    types: /^aws_security_group|^aws_vpc_security_group|^aws_network_acl|^aws_route|^aws_internet_gateway|^aws_eip|^aws_lb_listener/,
    attributes: /cidr|ingress|egress|security_group|publicly_accessible|associate_public|subnet|vpc_endpoint|source_ip|allowed_ip|whitelist/,
  },
  {
    topic: "IAM",
    types: /^aws_iam_|^aws_ssoadmin_|^aws_organizations_policy|_policy$|_permission$|^aws_kms_grant$/,
    attributes: /role_arn|^role$|^policy$|^(assume_role|inline|access|resource|bucket|key|topic|queue)_polic(y|ies)$|^policy_(arn|document)$|principal|permissions_boundary|^roles?$|^users?$|^groups?$|assume_role|trust/,
  },
];

/** The security topics an update touches, by its type and the paths it changes; [] for a routine one. */
export function securityTopics(resource: ResourceChange, changes: readonly AttributeChange[]): string[] {
  // A tag named "public" is a label, not an exposure.
  const paths = changes.map((change) => change.path).filter((path) => !TAG_ATTRIBUTES.has(String(path[0])));
  // A change of tags alone is routine, whatever the resource.
  if (paths.length === 0) return [];
  const names = paths.map((path) => namesAt(resource, path));
  const topics = SECURITY_TOPICS.filter(({ types, attributes }) => types.test(resource.type) || names.some((steps) => steps.some((step) => attributes.test(step))));
  return topics.map(({ topic }) => topic);
}

/**
 * At most `max` of the changes, those that touch a security topic first, so that a change too
 * long to list in full still shows what makes it security-relevant.
 */
export function securityChangesFirst(resource: ResourceChange, changes: readonly AttributeChange[], max: number): AttributeChange[] {
  if (changes.length <= max) return [...changes];
  const relevant = (change: AttributeChange) =>
    !TAG_ATTRIBUTES.has(String(change.path[0])) && namesAt(resource, change.path).some((step) => SECURITY_TOPICS.some(({ attributes }) => attributes.test(step)));
  return [...changes.filter(relevant), ...changes.filter((change) => !relevant(change))].slice(0, max);
}

/** The attribute names of a path; a block that changes whole (a list that grows or empties) counts by the names inside it too. */
function namesAt(resource: ResourceChange, path: readonly (string | number)[]): string[] {
  return [
    ...path.filter((step): step is string => typeof step === "string"),
    ...keysWithin(valueAt(resource.change.before, path)),
    ...keysWithin(valueAt(resource.change.after, path)),
  ];
}

export const TAG_ATTRIBUTES: ReadonlySet<string> = new Set(["tags", "tags_all"]);

/** Attribute names inside a value, a few levels deep: enough for a provider's nested blocks. */
function keysWithin(value: unknown, depth = 0, out: string[] = []): string[] {
  if (depth > MAX_KEY_DEPTH || out.length > MAX_KEYS) return out;
  if (Array.isArray(value)) for (const item of value) keysWithin(item, depth + 1, out);
  else if (isRecord(value)) {
    for (const [key, item] of Object.entries(value)) {
      out.push(key);
      keysWithin(item, depth + 1, out);
    }
  }
  return out;
}

const MAX_KEY_DEPTH = 6;
const MAX_KEYS = 200;
