// Which creates a security reviewer must see, judged on the values they are created with:
// network rules open to the internet (with their ports), public bucket ACLs and public access
// blocks that do not block everything, endpoints reachable from the internet (databases
// `publicly_accessible`, function URLs and API methods and routes without authorization),
// storage created unencrypted, and long-lived credentials (access keys, console passwords).
// Bucket, key and topic policies are read as grants (grants.ts). A value that is sensitive or
// only known after apply is not judged: it is never shown, and guessing would cry wolf.
import type { ResourceChange } from "./read";
import { afterSide } from "./replacements";
import { isInternetWide } from "./network";
import { PUBLIC_GRANTEES, Severity } from "./severity";
import { literal } from "./markdown";
import { describeAt, formatPath, isHiddenAt, isMarked, isRecord, lookup, valueAt, type PathStep } from "./values";

export interface CreateFinding {
  severity: Severity;
  /** What is risky, in the summary's own words. */
  risk: string;
  /** The attribute paths whose values make it risky, shown with their values. */
  paths: PathStep[][];
}

/** Network rule resources: where their CIDRs, protocol and ports are, and which entries let traffic in. */
interface RuleShape {
  /** The list attribute holding inline rules, or undefined for a rule resource of its own. */
  list?: string;
  cidrs: string[];
  protocol: string;
  from: string;
  to: string;
  /** True when the rule (or inline entry) lets traffic in. */
  inbound: (rule: Record<string, unknown>) => boolean;
}

const ALLOWS = (rule: Record<string, unknown>) => rule.action === undefined || String(rule.action).toLowerCase() === "allow";
const SECURITY_GROUP_INLINE: RuleShape = { list: "ingress", cidrs: ["cidr_blocks", "ipv6_cidr_blocks"], protocol: "protocol", from: "from_port", to: "to_port", inbound: () => true };
const NETWORK_ACL_INLINE: RuleShape = { list: "ingress", cidrs: ["cidr_block", "ipv6_cidr_block"], protocol: "protocol", from: "from_port", to: "to_port", inbound: ALLOWS };

const NETWORK_RULES: Readonly<Record<string, RuleShape>> = {
  aws_security_group: SECURITY_GROUP_INLINE,
  aws_default_security_group: SECURITY_GROUP_INLINE,
  aws_security_group_rule: {
    cidrs: ["cidr_blocks", "ipv6_cidr_blocks"],
    protocol: "protocol",
    from: "from_port",
    to: "to_port",
    inbound: (rule) => rule.type === "ingress",
  },
  aws_vpc_security_group_ingress_rule: { cidrs: ["cidr_ipv4", "cidr_ipv6"], protocol: "ip_protocol", from: "from_port", to: "to_port", inbound: () => true },
  aws_network_acl: NETWORK_ACL_INLINE,
  aws_default_network_acl: NETWORK_ACL_INLINE,
  aws_network_acl_rule: {
    cidrs: ["cidr_block", "ipv6_cidr_block"],
    protocol: "protocol",
    from: "from_port",
    to: "to_port",
    inbound: (rule) => rule.egress !== true && String(rule.rule_action ?? "").toLowerCase() === "allow",
  },
};

const PUBLIC_CANNED_ACLS: ReadonlySet<string> = new Set(["public-read", "public-read-write", "authenticated-read"]);
const PUBLIC_ACCESS_BLOCK_TYPES: ReadonlySet<string> = new Set(["aws_s3_bucket_public_access_block", "aws_s3_account_public_access_block"]);
const PUBLIC_ACCESS_SETTINGS = ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"];

/** Storage created without encryption at rest: the attribute, and whether an unset value means unencrypted. */
const ENCRYPTION_FLAGS: Readonly<Record<string, string>> = {
  aws_ebs_volume: "encrypted",
  aws_efs_file_system: "encrypted",
  aws_db_instance: "storage_encrypted",
  aws_rds_cluster: "storage_encrypted",
  aws_docdb_cluster: "storage_encrypted",
  aws_neptune_cluster: "storage_encrypted",
  aws_redshift_cluster: "encrypted",
  aws_elasticache_replication_group: "at_rest_encryption_enabled",
  aws_dax_cluster: "server_side_encryption",
};

const LONG_LIVED_CREDENTIALS: Readonly<Record<string, string>> = {
  aws_iam_access_key: "a long-lived access key",
  aws_iam_user_login_profile: "a console password for an IAM user",
  aws_iam_service_specific_credential: "a long-lived service-specific credential",
  aws_iam_signing_certificate: "a long-lived signing certificate",
};

/** What makes a create risky; [] for a routine one. */
export function createFindings(resource: ResourceChange): CreateFinding[] {
  return [
    ...networkFindings(resource),
    ...prefixListFindings(resource),
    ...publicDataFindings(resource),
    ...publicEndpointFindings(resource),
    ...encryptionFindings(resource),
    ...credentialFindings(resource),
  ];
}

/** The after value at `path` when it may be read: known and not sensitive; undefined otherwise. */
function known(resource: ResourceChange, path: PathStep[]): unknown {
  const { after, after_sensitive: sensitive, after_unknown: unknown } = resource.change;
  if (isHiddenAt(after, sensitive, path) || isMarked(unknown, path)) return undefined;
  return valueAt(after, path);
}

function networkFindings(resource: ResourceChange): CreateFinding[] {
  const shape = lookup(NETWORK_RULES, resource.type);
  if (shape === undefined) return [];
  const rules: PathStep[][] = [];
  if (shape.list === undefined) rules.push([]);
  else {
    const list = known(resource, [shape.list]);
    if (Array.isArray(list)) list.forEach((_, index) => rules.push([shape.list as string, index]));
    // Rules the plan does not show cannot be judged, and are not taken as safe either.
    else if (unreadable(resource, [shape.list])) return [{ severity: Severity.Other, risk: UNREADABLE_RULES, paths: [[shape.list]] }];
  }
  return rules.flatMap((at): CreateFinding[] => {
    const rule = known(resource, at);
    if (at.length > 0 && unreadable(resource, at)) return [{ severity: Severity.Other, risk: UNREADABLE_RULES, paths: [at] }];
    if (!isRecord(rule) || !shape.inbound(rule)) return [];
    const hidden: PathStep[][] = [];
    const open = shape.cidrs.flatMap((attribute) => {
      if (unreadable(resource, [...at, attribute])) hidden.push([...at, attribute]);
      const value = known(resource, [...at, attribute]);
      const cidrs = Array.isArray(value) ? value.map((cidr, index) => ({ cidr, path: [...at, attribute, index] })) : [{ cidr: value, path: [...at, attribute] }];
      for (const { path } of Array.isArray(value) ? cidrs : []) if (unreadable(resource, path)) hidden.push(path);
      return cidrs.filter(({ path, cidr }) => typeof cidr === "string" && isInternetWide(cidr) && known(resource, path) !== undefined);
    });
    const ports = [shape.protocol, shape.from, shape.to].map((attribute) => [...at, attribute]).filter((path) => known(resource, path) !== null);
    if (open.length > 0) return [{ severity: Severity.Exposure, risk: `open to the internet (${portsOf(rule, shape)})`, paths: [...open.map(({ path }) => path), ...ports] }];
    if (hidden.length > 0) return [{ severity: Severity.Other, risk: `${UNREADABLE_SOURCES} (${portsOf(rule, shape)})`, paths: [...hidden, ...ports] }];
    return [];
  });
}

const UNREADABLE_RULES = "inbound rules the plan does not show (sensitive or known only after apply), not judged";
const UNREADABLE_SOURCES = "inbound sources the plan does not show (sensitive or known only after apply), not judged";

/** True when the value at `path` is sensitive or only known after apply: it cannot be judged. */
function unreadable(resource: ResourceChange, path: PathStep[]): boolean {
  const { after, after_sensitive: sensitive, after_unknown: unknown } = resource.change;
  return isHiddenAt(after, sensitive, path) || isMarked(unknown, path);
}

/** "all protocols and ports", "tcp port 22", "tcp ports 1000–2000". */
function portsOf(rule: Record<string, unknown>, shape: RuleShape): string {
  const protocol = String(rule[shape.protocol] ?? "");
  if (protocol === "-1" || protocol.toLowerCase() === "all") return "all protocols and ports";
  const name = /^(6|tcp)$/i.test(protocol) ? "tcp" : /^(17|udp)$/i.test(protocol) ? "udp" : /^(1|icmp|58|icmpv6)$/i.test(protocol) ? "icmp" : "protocol";
  const from = Number(rule[shape.from]);
  const to = Number(rule[shape.to]);
  if (name === "icmp") return "icmp";
  if (!Number.isInteger(from) || !Number.isInteger(to)) return `${name}, ports as listed`;
  if ((from === 0 || from === -1) && (to === 65535 || to === 0 || to === -1) && name !== "protocol") return `${name}, all ports`;
  return from === to ? `${name} port ${from}` : `${name} ports ${from}–${to}`;
}

/** A prefix list is a set of CIDRs a rule may name instead of them: one holding the internet opens every such rule. */
function prefixListFindings(resource: ResourceChange): CreateFinding[] {
  const paths: PathStep[][] = [];
  if (resource.type === "aws_ec2_managed_prefix_list_entry") paths.push(["cidr"]);
  if (resource.type === "aws_ec2_managed_prefix_list") {
    const entries = known(resource, ["entry"]);
    if (Array.isArray(entries)) entries.forEach((_, index) => paths.push(["entry", index, "cidr"]));
  }
  const open = paths.filter((path) => {
    const cidr = known(resource, path);
    return typeof cidr === "string" && isInternetWide(cidr);
  });
  return open.length > 0 ? [{ severity: Severity.Exposure, risk: "a prefix list holding the internet (open wherever a rule names it)", paths: open }] : [];
}

function publicDataFindings(resource: ResourceChange): CreateFinding[] {
  const findings: CreateFinding[] = [];
  if (resource.type === "aws_s3_bucket_acl" || resource.type === "aws_s3_bucket") {
    const acl = known(resource, ["acl"]);
    if (typeof acl === "string" && PUBLIC_CANNED_ACLS.has(acl)) findings.push({ severity: Severity.Exposure, risk: "a public bucket ACL", paths: [["acl"]] });
    const grants = publicGrantPaths(resource);
    if (grants.length > 0) findings.push({ severity: Severity.Exposure, risk: "a bucket ACL grant to everyone", paths: grants });
  }
  if (PUBLIC_ACCESS_BLOCK_TYPES.has(resource.type)) {
    // A setting left unset is false: the block then does not block that kind of public access.
    const off = PUBLIC_ACCESS_SETTINGS.filter((setting) => {
      const { after, after_sensitive: sensitive, after_unknown: unknown } = resource.change;
      if (isMarked(unknown, [setting]) || isHiddenAt(after, sensitive, [setting])) return false;
      const value = known(resource, [setting]);
      return value === false || value === null || value === undefined;
    });
    if (off.length > 0) {
      findings.push({ severity: Severity.Exposure, risk: `public access not fully blocked (${off.length} of 4 settings off)`, paths: off.map((setting) => [setting]) });
    }
  }
  return findings;
}

/** The grantee URIs of an `access_control_policy` (or a bucket's inline `grant`) that name all users or all AWS accounts. */
function publicGrantPaths(resource: ResourceChange): PathStep[][] {
  const out: PathStep[][] = [];
  const policies = known(resource, ["access_control_policy"]);
  (Array.isArray(policies) ? policies : []).forEach((policy, p) => {
    const grants = isRecord(policy) ? policy.grant : undefined;
    if (!Array.isArray(grants)) return;
    grants.forEach((grant, g) => {
      const grantees = isRecord(grant) ? grant.grantee : undefined;
      if (!Array.isArray(grantees)) return;
      grantees.forEach((_, e) => {
        const path = ["access_control_policy", p, "grant", g, "grantee", e, "uri"];
        const uri = known(resource, path);
        if (typeof uri === "string" && PUBLIC_GRANTEES.test(uri)) out.push(path, ["access_control_policy", p, "grant", g, "permission"]);
      });
    });
  });
  // aws_s3_bucket's own (deprecated) `grant` blocks: one grantee each, with its permissions.
  const inline = resource.type === "aws_s3_bucket" ? known(resource, ["grant"]) : undefined;
  if (Array.isArray(inline)) {
    inline.forEach((_, g) => {
      const uri = known(resource, ["grant", g, "uri"]);
      if (typeof uri === "string" && PUBLIC_GRANTEES.test(uri)) out.push(["grant", g, "uri"], ["grant", g, "permissions"]);
    });
  }
  return out;
}

function publicEndpointFindings(resource: ResourceChange): CreateFinding[] {
  const findings: CreateFinding[] = [];
  if (known(resource, ["publicly_accessible"]) === true) {
    findings.push({ severity: Severity.Exposure, risk: "reachable from the internet", paths: [["publicly_accessible"]] });
  }
  // Optional and computed: left unset it is planned as unknown, and DMS then makes the instance public.
  if (resource.type === "aws_dms_replication_instance" && isMarked(resource.change.after_unknown, ["publicly_accessible"]) && !isMarked(resource.change.after_sensitive, ["publicly_accessible"])) {
    findings.push({ severity: Severity.Exposure, risk: "reachable from the internet unless publicly_accessible is false (DMS makes an instance public by default)", paths: [["publicly_accessible"]] });
  }
  if (resource.type === "aws_instance" && known(resource, ["associate_public_ip_address"]) === true) {
    findings.push({ severity: Severity.Exposure, risk: "a public IP address", paths: [["associate_public_ip_address"]] });
  }
  if (resource.type === "aws_lambda_function_url" && known(resource, ["authorization_type"]) === "NONE") {
    findings.push({ severity: Severity.Exposure, risk: "a function URL anyone can call", paths: [["authorization_type"], ["function_name"]] });
  }
  if (resource.type === "aws_api_gateway_method" && known(resource, ["authorization"]) === "NONE" && known(resource, ["api_key_required"]) !== true) {
    findings.push({ severity: Severity.Exposure, risk: "an API method anyone can call", paths: [["http_method"], ["authorization"], ["api_key_required"]] });
  }
  if (resource.type === "aws_apigatewayv2_route") {
    const type = known(resource, ["authorization_type"]);
    const key = known(resource, ["route_key"]);
    // NONE is the default; a route without an integration answers nothing either way.
    if ((type === "NONE" || type === null || (type === undefined && !isMarked(resource.change.after_unknown, ["authorization_type"]))) && key !== undefined) {
      findings.push({ severity: Severity.Exposure, risk: "an API route anyone can call", paths: [["route_key"], ["authorization_type"]] });
    }
  }
  return findings;
}

function encryptionFindings(resource: ResourceChange): CreateFinding[] {
  const flag = lookup(ENCRYPTION_FLAGS, resource.type);
  const findings: CreateFinding[] = [];
  if (flag !== undefined) {
    const path = resource.type === "aws_dax_cluster" ? [flag, 0, "enabled"] : [flag];
    const value = known(resource, path);
    if (value === false || (value === null && !isMarked(resource.change.after_unknown, path))) {
      findings.push({ severity: Severity.Weakening, risk: "storage not encrypted at rest", paths: [path] });
    }
  }
  if (resource.type === "aws_instance") {
    for (const block of ["root_block_device", "ebs_block_device"]) {
      const devices = known(resource, [block]);
      if (!Array.isArray(devices)) continue;
      devices.forEach((_, index) => {
        if (known(resource, [block, index, "encrypted"]) === false) {
          findings.push({ severity: Severity.Weakening, risk: "a volume not encrypted at rest", paths: [[block, index, "encrypted"]] });
        }
      });
    }
  }
  if (resource.type === "aws_sqs_queue" && known(resource, ["sqs_managed_sse_enabled"]) === false && known(resource, ["kms_master_key_id"]) === null) {
    findings.push({ severity: Severity.Weakening, risk: "a queue not encrypted at rest", paths: [["sqs_managed_sse_enabled"], ["kms_master_key_id"]] });
  }
  if (resource.type === "aws_kinesis_stream" && known(resource, ["encryption_type"]) === "NONE") {
    findings.push({ severity: Severity.Weakening, risk: "a stream not encrypted at rest", paths: [["encryption_type"]] });
  }
  return findings;
}

function credentialFindings(resource: ResourceChange): CreateFinding[] {
  const what = lookup(LONG_LIVED_CREDENTIALS, resource.type);
  if (what === undefined) return [];
  // Who gets it, whether it is active: shown (masked when sensitive) whenever the plan sets them.
  const paths = [["user"], ["user_name"], ["status"], ["password_reset_required"], ["service_name"]].filter((path) => {
    const value = valueAt(resource.change.after, path);
    return (value !== undefined && value !== null) || isMarked(resource.change.after_unknown, path);
  });
  return [{ severity: Severity.Weakening, risk: what, paths }];
}

/**
 * Findings and values listed per resource when the summary has a size limit: one create with
 * thousands of open rules must not take the room of the risky creates after it.
 */
const MAX_FINDINGS = 5;
const MAX_VALUES = 10;

/** One line per finding: what is risky, then each value behind it, masked as everywhere else. */
export function renderFindings(resource: ResourceChange, findings: readonly CreateFinding[], whole = false): string[] {
  const shown = whole ? findings : findings.slice(0, MAX_FINDINGS);
  const lines = shown.map((finding) => {
    const paths = whole ? finding.paths : finding.paths.slice(0, MAX_VALUES);
    const values = paths.map((path) => {
      const text = describeAt(afterSide(resource.change), path);
      return `${literal(formatPath(path))} = ${/^\((sensitive|known after apply|none)\)$/.test(text) ? text : literal(text)}`;
    });
    const more = finding.paths.length - paths.length;
    return `  - **${finding.risk}:** ${values.join(", ")}${more > 0 ? ` and ${more.toLocaleString("en-US")} more` : ""}`;
  });
  const left = findings.length - shown.length;
  if (left > 0) lines.push(`  - … and ${left.toLocaleString("en-US")} more risks of this resource, left out for length`);
  return lines;
}
