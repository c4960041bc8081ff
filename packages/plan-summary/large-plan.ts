// A plan in the format of `terraform show -json` with many changes of every kind, for the plan
// summary's size and speed: the bench times it, and the tests check its size and ordering.
import type { Change, Plan, ResourceChange } from ".";

export interface LargePlanMix {
  deletes: number;
  replacements: number;
  policyUpdates: number;
  imports: number;
  moves: number;
  updates: number;
  /** Policy attachments and Lambda permissions created: grants without a policy document. */
  grants?: number;
  /** Updates that turn off a public access block: security-relevant. */
  securityUpdates?: number;
  /** Updates of a long saved query, changed deep inside. */
  queryUpdates?: number;
  /** Resources changed outside Terraform. */
  drift?: number;
}

/** The mix of a 5,000-change plan: mostly creates, with enough of each risky kind to crowd a comment. */
export const DEFAULT_MIX: LargePlanMix = {
  deletes: 150,
  replacements: 50,
  policyUpdates: 40,
  imports: 20,
  moves: 20,
  updates: 700,
  grants: 20,
  securityUpdates: 20,
  queryUpdates: 20,
  drift: 10,
};

const QUERY = `SELECT eventType, count(*) FROM events WHERE ${Array.from({ length: 20 }, (_, i) => `tag_${i} = 'v${i}'`).join(" AND ")} GROUP BY 1`;

const PROVIDER = "registry.terraform.io/hashicorp/aws";
const ACCOUNT = "111122223333";

export function largePlan(changes: number, mix: LargePlanMix = DEFAULT_MIX): Plan {
  const resources: ResourceChange[] = [];
  const add = (kind: string, count: number, make: (i: number) => ResourceChange) => {
    for (let i = 0; i < count && resources.length < changes; i++) resources.push(make(i));
    return kind;
  };
  add("delete", mix.deletes, (i) => resource("aws_s3_bucket", `old_${i}`, { actions: ["delete"], before: bucket(`old-${i}`), after: null }, "delete_because_no_resource_config"));
  add("replace", mix.replacements, (i) => resource("aws_kinesis_firehose_delivery_stream", `stream_${i}`, {
    actions: ["delete", "create"],
    before: { name: `stream-${i}`, arn: firehoseArn(`stream-${i}`) },
    after: { name: `stream-${i}-v2` },
    after_unknown: { arn: true },
    replace_paths: [["name"]],
  }, "replace_because_cannot_update"));
  add("policy", mix.policyUpdates, (i) => resource("aws_iam_role_policy", `policy_${i}`, {
    actions: ["update"],
    before: { name: `policy-${i}`, policy: policy(`arn:aws:s3:::bucket-${i}/*`) },
    after: { name: `policy-${i}`, policy: policy(`arn:aws:s3:::bucket-${i}/events/*`) },
  }));
  add("import", mix.imports, (i) => ({
    ...resource("aws_sesv2_configuration_set", `set_${i}`, { actions: ["no-op"], before: { configuration_set_name: `set-${i}` }, after: { configuration_set_name: `set-${i}` } }),
    change: { ...change({ actions: ["no-op"], before: { configuration_set_name: `set-${i}` }, after: { configuration_set_name: `set-${i}` } }), importing: { id: `set-${i}` } },
  }));
  add("move", mix.moves, (i) => ({
    ...resource("aws_iam_role", `role_${i}`, { actions: ["no-op"], before: { name: `role-${i}` }, after: { name: `role-${i}` } }),
    previous_address: `aws_iam_role.legacy_role_${i}`,
  }));
  add("grant", mix.grants ?? 0, (i) =>
    i % 2 === 0
      ? resource("aws_iam_role_policy_attachment", `attach_${i}`, { actions: ["create"], after: { role: `role-${i}`, policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" } })
      : resource("aws_lambda_permission", `invoke_${i}`, { actions: ["create"], after: { principal: "sns.amazonaws.com", action: "lambda:InvokeFunction", function_name: `fn-${i}` } }),
  );
  add("security", mix.securityUpdates ?? 0, (i) => resource("aws_s3_bucket_public_access_block", `block_${i}`, {
    actions: ["update"],
    before: { bucket: `b-${i}`, block_public_policy: true },
    after: { bucket: `b-${i}`, block_public_policy: false },
  }));
  add("query", mix.queryUpdates ?? 0, (i) => resource("aws_athena_named_query", `query_${i}`, {
    actions: ["update"],
    before: { name: `query-${i}`, query: QUERY },
    after: { name: `query-${i}`, query: QUERY.replace("'v10'", `'w${i}'`) },
  }));
  add("update", mix.updates, (i) => resource("aws_s3_bucket", `tagged_${i}`, {
    actions: ["update"],
    before: { ...bucket(`tagged-${i}`), tags: { team: "email" } },
    after: { ...bucket(`tagged-${i}`), tags: { team: "email", owner: `owner-${i}` } },
  }));
  add("create", changes, (i) => resource("aws_s3_bucket", `new_${i}`, {
    actions: ["create"],
    before: null,
    after: { bucket: `new-${i}`, force_destroy: false },
    after_unknown: { arn: true, id: true },
  }));
  const drift = Array.from({ length: mix.drift ?? 0 }, (_, i) =>
    resource("aws_s3_bucket_versioning", `drifted_${i}`, {
      actions: ["update"],
      before: { versioning_configuration: [{ status: "Enabled" }] },
      after: { versioning_configuration: [{ status: "Suspended" }] },
    }),
  );
  return { format_version: "1.2", terraform_version: "1.11.4", resource_changes: resources, output_changes: {}, resource_drift: drift };
}

function resource(type: string, name: string, partial: Partial<Change> & Pick<Change, "actions">, reason?: string): ResourceChange {
  return {
    address: `${type}.${name}`,
    mode: "managed",
    type,
    name,
    provider_name: PROVIDER,
    ...(reason ? { action_reason: reason } : {}),
    change: change(partial),
  };
}

function change(partial: Partial<Change> & Pick<Change, "actions">): Change {
  return { before: null, after: null, after_unknown: {}, before_sensitive: {}, after_sensitive: {}, ...partial };
}

function bucket(name: string) {
  return { bucket: name, arn: `arn:aws:s3:::${name}`, force_destroy: false, tags: {} };
}

function firehoseArn(name: string): string {
  return `arn:aws:firehose:us-east-1:${ACCOUNT}:deliverystream/${name}`;
}

function policy(resource: string): string {
  return JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "Write", Effect: "Allow", Action: "s3:PutObject", Resource: resource }] });
}
