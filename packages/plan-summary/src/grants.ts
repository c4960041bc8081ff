// Which resources grant access, and how wide a grant is. Two kinds:
// - policy documents in an attribute: identity policies (role, user, group, managed), trust
//   policies (assume_role_policy) and resource policies (bucket, topic, queue, key, and so on),
//   diffed statement by statement in iam-diff.ts;
// - grants without a document: policy attachments, Lambda and layer permissions, KMS grants,
//   rendered here as "who gets what".
// The attribute list was derived from the AWS provider's schema (`terraform providers schema
// -json`: every string attribute named policy, *_policy or *_policies that holds an IAM policy
// document; see policyAttributesFromSchema) for the services the project's provider build has,
// and completed by hand for the provider's other services, which that build leaves out.
import { literal } from "./markdown";
import type { ResourceChange } from "./read";
import { afterSide, beforeSide } from "./replacements";
import { describeAt, isHiddenAt, isMarked, isRecord, lookup, valueAt, type AttributePath } from "./values";

/** From the schema of the provider build (athena, cloudwatch, glue, iam, kinesis, kms, s3, s3control, sesv2, sns). */
const SCHEMA_POLICY_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  aws_cloudwatch_log_delivery_destination_policy: ["delivery_destination_policy"],
  aws_cloudwatch_log_destination_policy: ["access_policy"],
  aws_glue_resource_policy: ["policy"],
  aws_iam_group_policy: ["policy"],
  aws_iam_policy: ["policy"],
  aws_iam_role: ["assume_role_policy"],
  aws_iam_role_policy: ["policy"],
  aws_iam_user_policy: ["policy"],
  aws_kms_external_key: ["policy"],
  aws_kms_key: ["policy"],
  aws_kms_key_policy: ["policy"],
  aws_kms_replica_external_key: ["policy"],
  aws_kms_replica_key: ["policy"],
  aws_s3_access_point: ["policy"],
  aws_s3_bucket: ["policy"],
  aws_s3_bucket_policy: ["policy"],
  aws_s3control_access_grants_instance_resource_policy: ["policy"],
  aws_s3control_access_point_policy: ["policy"],
  aws_s3control_bucket_policy: ["policy"],
  aws_s3control_object_lambda_access_point_policy: ["policy"],
  aws_sesv2_email_identity_policy: ["policy"],
  aws_sns_topic: ["policy"],
  aws_sns_topic_policy: ["policy"],
};

/** Resource policies of services the provider build leaves out, from the provider's documentation. */
const OTHER_POLICY_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  aws_api_gateway_rest_api: ["policy"],
  aws_api_gateway_rest_api_policy: ["policy"],
  aws_backup_vault_policy: ["policy"],
  aws_cloudwatch_event_bus_policy: ["policy"],
  aws_cloudwatch_log_resource_policy: ["policy_document"],
  aws_codeartifact_domain_permissions_policy: ["policy_document"],
  aws_codeartifact_repository_permissions_policy: ["policy_document"],
  aws_dynamodb_resource_policy: ["policy"],
  aws_ecr_registry_policy: ["policy"],
  aws_ecr_repository_policy: ["policy"],
  aws_ecrpublic_repository_policy: ["policy"],
  aws_efs_file_system_policy: ["policy"],
  aws_elasticsearch_domain: ["access_policies"],
  aws_elasticsearch_domain_policy: ["access_policies"],
  aws_glacier_vault: ["access_policy"],
  aws_kinesis_resource_policy: ["policy"],
  aws_media_store_container_policy: ["policy"],
  aws_opensearch_domain: ["access_policies"],
  aws_opensearch_domain_policy: ["access_policies"],
  aws_organizations_policy: ["content"],
  aws_schemas_registry_policy: ["policy"],
  aws_secretsmanager_secret: ["policy"],
  aws_secretsmanager_secret_policy: ["policy"],
  aws_ses_identity_policy: ["policy"],
  aws_sqs_queue: ["policy"],
  aws_sqs_queue_policy: ["policy"],
  aws_ssoadmin_permission_set_inline_policy: ["inline_policy"],
  aws_vpc_endpoint: ["policy"],
  aws_vpc_endpoint_policy: ["policy"],
};

/** Resource types whose attributes hold a policy document, and those attributes. */
export const POLICY_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = { ...OTHER_POLICY_ATTRIBUTES, ...SCHEMA_POLICY_ATTRIBUTES };

/**
 * Attributes named like a policy that hold no IAM policy document (an SES TLS policy, an SNS
 * delivery or filter policy, a data protection policy): the schema cannot tell them apart.
 */
export const NOT_GRANTS: ReadonlySet<string> = new Set([
  "aws_sesv2_configuration_set.delivery_options.tls_policy",
  "aws_sesv2_configuration_set.tracking_options.https_policy",
  "aws_sns_topic.archive_policy",
  "aws_sns_topic.delivery_policy",
  "aws_sns_topic_data_protection_policy.policy",
  "aws_sns_topic_subscription.delivery_policy",
  "aws_sns_topic_subscription.filter_policy",
  "aws_sns_topic_subscription.redrive_policy",
  "aws_sns_topic_subscription.replay_policy",
  // Nested: read by iam-diff.ts as the role's inline policies.
  "aws_iam_role.inline_policy.policy",
  // Nested under details; a policy whose attribute this summary does not open.
  "aws_s3control_multi_region_access_point_policy.details.policy",
]);

/**
 * The policy-document attributes of each resource type in `terraform providers schema -json`
 * output: string attributes named policy, *_policy or *_policies at any block depth, as
 * "type.block.attribute" paths, less those in NOT_GRANTS.
 */
export function policyAttributesFromSchema(schema: unknown, provider = "registry.terraform.io/hashicorp/aws"): Record<string, string[]> {
  const schemas = isRecord(schema) && isRecord(schema.provider_schemas) ? schema.provider_schemas[provider] : undefined;
  const resources = isRecord(schemas) && isRecord(schemas.resource_schemas) ? schemas.resource_schemas : {};
  const found: Record<string, string[]> = {};
  const walk = (type: string, block: unknown, path: string[]) => {
    if (!isRecord(block)) return;
    const attributes = isRecord(block.attributes) ? block.attributes : {};
    for (const [name, attribute] of Object.entries(attributes)) {
      const named = name === "policy" || name.endsWith("_policy") || name.endsWith("_policies");
      const dotted = [...path, name].join(".");
      if (named && isRecord(attribute) && attribute.type === "string" && !NOT_GRANTS.has(`${type}.${dotted}`)) {
        (found[type] ??= []).push(dotted);
      }
    }
    const nested = isRecord(block.block_types) ? block.block_types : {};
    for (const [name, inner] of Object.entries(nested)) walk(type, isRecord(inner) ? inner.block : undefined, [...path, name]);
  };
  for (const [type, resource] of Object.entries(resources)) walk(type, isRecord(resource) ? resource.block : undefined, []);
  return found;
}

/** AWS-managed policies that grant administrator or near-administrator access. */
const ADMIN_POLICIES: Readonly<Record<string, string>> = {
  AdministratorAccess: "full administrator access",
  PowerUserAccess: "power user access: everything but IAM and Organizations",
  IAMFullAccess: "full IAM access, enough to grant itself anything",
  AWSOrganizationsFullAccess: "full Organizations access",
  "AdministratorAccess-Amplify": "administrator access for Amplify, including IAM",
};

/** A warning for an attached AWS-managed policy that grants wide access, or "". */
export function managedPolicyFlag(arn: string): string {
  const match = /^arn:aws[a-z-]*:iam::aws:policy\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]+)$/.exec(arn);
  if (match === null) return "";
  const name = match[1] ?? "";
  const admin = lookup(ADMIN_POLICIES, name);
  if (admin !== undefined) return `**wide:** AWS-managed ${literal(name)}, ${admin}`;
  if (/FullAccess$/.test(name)) return `**wide:** AWS-managed ${literal(name)}, full access to a service`;
  return "";
}

/** Attributes that list attached managed policies by ARN, by resource type. */
export const MANAGED_POLICY_LISTS: Readonly<Record<string, string>> = {
  aws_iam_role: "managed_policy_arns",
  aws_iam_role_policy_attachments_exclusive: "policy_arns",
  aws_iam_user_policy_attachments_exclusive: "policy_arns",
  aws_iam_group_policy_attachments_exclusive: "policy_arns",
};

export interface ManagedPolicyListChange {
  attribute: string;
  lines: string[];
  /** An attached policy is flagged as wide. */
  flagged: boolean;
}

/** The managed policies a resource's ARN list attaches and detaches, or undefined when it changes none. */
export function managedPolicyListChange(resource: ResourceChange): ManagedPolicyListChange | undefined {
  const attribute = lookup(MANAGED_POLICY_LISTS, resource.type);
  if (attribute === undefined) return undefined;
  const { change } = resource;
  const path = [attribute];
  const arns = (object: unknown, sensitive: unknown): string[] | "sensitive" => {
    if (isHiddenAt(object, sensitive, path)) return "sensitive";
    const value = valueAt(object, path);
    return Array.isArray(value) ? value.filter((arn): arn is string => typeof arn === "string") : [];
  };
  const before = arns(change.before, change.before_sensitive);
  const after = arns(change.after, change.after_sensitive);
  if (before === "sensitive" || after === "sensitive") return { attribute, lines: ["(sensitive value hidden)"], flagged: false };
  if (isMarked(change.after_unknown, path)) {
    return before.length === 0 ? undefined : { attribute, lines: [`(known after apply; attached now: ${before.map((arn) => literal(arn)).join(", ")})`], flagged: false };
  }
  const attached = after.filter((arn) => !before.includes(arn));
  const detached = before.filter((arn) => !after.includes(arn));
  if (attached.length + detached.length === 0) return undefined;
  const flags = attached.map(managedPolicyFlag);
  return {
    attribute,
    lines: [...attached.map((arn, index) => `- attached ${literal(arn)}${flags[index] ? `; ${flags[index]}` : ""}`), ...detached.map((arn) => `- detached ${literal(arn)}`)],
    flagged: flags.some(Boolean),
  };
}

interface GrantShape {
  /** Who gets the grant: [label, attribute]. */
  to: [string, AttributePath][];
  /** What is granted: [label, attribute]. */
  what: [string, AttributePath][];
  /** Conditions that narrow it: [label, attribute]. */
  limits: [string, AttributePath][];
  flags(values: (path: AttributePath) => string): string[];
}

const SERVICE_PRINCIPAL = /\.amazonaws\.com(\.cn)?$|\.amazon\.com$/;
const given = (text: string) => !/^\((none|known after apply|sensitive)\)$/.test(text) && text !== "" && text !== "[]";

const attachment = (to: [string, AttributePath][], policy = "policy_arn"): GrantShape => ({
  to,
  what: [["policy", [policy]]],
  limits: [],
  flags: (values) => [managedPolicyFlag(values([policy]))].filter(Boolean),
});

const permission = (extra: [string, AttributePath][]): GrantShape => ({
  to: [["principal", ["principal"]]],
  what: [
    ["action", ["action"]],
    ["on", ["function_name"]],
    ...extra,
  ],
  limits: [
    ["source ARN", ["source_arn"]],
    ["source account", ["source_account"]],
    ["organization", ["principal_org_id"]],
    ["organization", ["organization_id"]],
    ["URL auth", ["function_url_auth_type"]],
  ],
  flags: (values) => {
    const principal = values(["principal"]);
    const flags: string[] = [];
    if (principal === "*") flags.push(given(values(["principal_org_id"])) ? `principal ${literal("*")} within an organization` : `**wide:** public principal ${literal("*")}`);
    if (SERVICE_PRINCIPAL.test(principal) && !given(values(["source_arn"])) && !given(values(["source_account"]))) {
      flags.push("**missing condition:** a service principal without source_arn or source_account (any account's resource can invoke it)");
    }
    if (values(["function_url_auth_type"]) === "NONE") flags.push("**wide:** function URL without authentication");
    if (values(["action"]) === "lambda:*" || values(["action"]) === "*") flags.push("**wide:** every Lambda action");
    return flags;
  },
});

/** Grants that hold no policy document, by resource type. */
export const GRANT_SHAPES: Readonly<Record<string, GrantShape>> = {
  aws_iam_role_policy_attachment: attachment([["role", ["role"]]]),
  aws_iam_user_policy_attachment: attachment([["user", ["user"]]]),
  aws_iam_group_policy_attachment: attachment([["group", ["group"]]]),
  aws_iam_policy_attachment: attachment([
    ["roles", ["roles"]],
    ["users", ["users"]],
    ["groups", ["groups"]],
  ]),
  aws_ssoadmin_managed_policy_attachment: attachment([["permission set", ["permission_set_arn"]]], "managed_policy_arn"),
  aws_lambda_permission: permission([["qualifier", ["qualifier"]]]),
  aws_lambda_layer_version_permission: {
    to: [["principal", ["principal"]]],
    what: [
      ["action", ["action"]],
      ["on", ["layer_name"]],
    ],
    limits: [["organization", ["organization_id"]]],
    flags: (values) => (values(["principal"]) === "*" && !given(values(["organization_id"])) ? [`**wide:** public principal ${literal("*")}`] : []),
  },
  aws_kms_grant: {
    to: [
      ["grantee", ["grantee_principal"]],
      ["retiring principal", ["retiring_principal"]],
    ],
    what: [
      ["operations", ["operations"]],
      ["on", ["key_id"]],
    ],
    limits: [["constraints", ["constraints"]]],
    flags: (values) => (!given(values(["constraints"])) ? ["**missing condition:** no encryption context constraints"] : []),
  },
};

export function isDocumentlessGrant(resource: ResourceChange): boolean {
  return lookup(GRANT_SHAPES, resource.type) !== undefined;
}

/** True when a grant without a document is created or changed into one that is flagged. */
export function isFlaggedGrant(resource: ResourceChange): boolean {
  const shape = lookup(GRANT_SHAPES, resource.type);
  const { actions } = resource.change;
  if (shape === undefined || !(actions.includes("create") || actions.includes("update"))) return false;
  const side = afterSide(resource.change);
  return shape.flags((path) => describeAt(side, path)).length > 0;
}

/** The lines for a grant without a document: what it grants before and after, and its flags. */
export function renderGrant(resource: ResourceChange): string[] {
  const shape = lookup(GRANT_SHAPES, resource.type);
  if (shape === undefined) return [];
  const { actions } = resource.change;
  const sides = [
    ...(actions.includes("delete") ? [{ verb: "removed", side: beforeSide(resource.change) }] : []),
    ...(actions.includes("create") || actions.includes("update") ? [{ verb: actions.includes("update") ? "now" : "granted", side: afterSide(resource.change) }] : []),
  ];
  if (actions.includes("update")) sides.unshift({ verb: "was", side: beforeSide(resource.change) });
  return sides.map(({ verb, side }) => {
    const values = (path: AttributePath) => describeAt(side, path);
    const part = ([label, path]: [string, AttributePath]) => (given(values(path)) ? `${label} ${shown(values(path))}` : "");
    const text = [...shape.what, ...shape.to, ...shape.limits].map(part).filter(Boolean).join("; ");
    const flags = verb === "removed" || verb === "was" ? [] : shape.flags(values);
    return `- ${verb}: ${text || "(nothing known yet)"}${flags.length > 0 ? `; ${flags.join("; ")}` : ""}`;
  });
}

function shown(text: string): string {
  return /^\((sensitive|known after apply|none)\)$/.test(text) ? text : literal(text);
}
