// Every resource that grants access is listed as a grant, created, changed or deleted: policy
// documents statement by statement, attachments and permissions as who gets what, and wide
// grants flagged.
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { POLICY_ATTRIBUTES, policyAttributesFromSchema, summarizePlan } from "..";
import { FIXTURES, managed, planOf, policy } from "./plan-summary-helpers";

/** The grants section of a plan with these changes. */
function grants(...changes: Parameters<typeof planOf>): string {
  const markdown = summarizePlan(planOf(...changes));
  const start = markdown.indexOf("### IAM policy changes (");
  if (start < 0) return "";
  const rest = markdown.slice(start);
  const end = rest.indexOf("\n### ", 1);
  return (end < 0 ? rest : rest.slice(0, end)).trim();
}

const ROOT = { Sid: "Root", Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:root" }, Action: "kms:*", Resource: "*" };

describe("policy documents of every policy-bearing resource", () => {
  test("a key policy whose new statement opens the key to anyone is flagged, in a create as in an update", () => {
    const open = { Effect: "Allow", Principal: "*", Action: "kms:*", Resource: "*" };
    expect(grants(managed("aws_kms_key_policy.events", { actions: ["update"], before: { policy: policy(ROOT) }, after: { policy: policy(ROOT, open) } }))).toBe(
      "### IAM policy changes (1)\n\n- `aws_kms_key_policy.events` `policy`:\n" +
        "  - added statement 2: `Allow` `kms:*` on `*`; principal `*`; **wide:** public principal `*`; **wide:** every action of `kms:*`",
    );
    expect(grants(managed("aws_kms_key.events", { actions: ["create"], after: { policy: policy(open) } }))).toBe(
      "### IAM policy changes (1)\n\n- `aws_kms_key.events` `policy`:\n" +
        "  - added statement 1: `Allow` `kms:*` on `*`; principal `*`; **wide:** public principal `*`; **wide:** every action of `kms:*`",
    );
  });

  test("a trust policy that lets a federated provider assume the role without a condition is flagged", () => {
    const oidc = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com";
    const trust = (extra: object) =>
      grants(
        managed("aws_iam_role.deploy", {
          actions: ["create"],
          after: { assume_role_policy: policy({ Effect: "Allow", Principal: { Federated: oidc }, Action: "sts:AssumeRoleWithWebIdentity", ...extra }) },
        }),
      );
    expect(trust({})).toContain(
      "**missing condition:** federated principal `arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com` without a condition: any identity of that provider can assume the role",
    );
    expect(trust({ Condition: { StringEquals: { "token.actions.githubusercontent.com:sub": "repo:o/r:environment:production" } } })).not.toContain("missing condition");
  });

  test("an empty Condition does not limit a public principal", () => {
    for (const Condition of [{}, { StringEquals: {} }, null]) {
      const open = { Effect: "Allow", Principal: { AWS: ["*"] }, Action: "sqs:SendMessage", Resource: "arn:aws:sqs:eu-west-1:111122223333:q", Condition };
      expect(grants(managed("aws_sqs_queue_policy.q", { actions: ["create"], after: { policy: policy(open) } }))).toContain("**wide:** public principal `*`");
    }
  });

  test("a key policy's Resource * is not flagged (it means the key), an identity policy's is", () => {
    expect(grants(managed("aws_kms_key.k", { actions: ["create"], after: { policy: policy({ ...ROOT, Action: "kms:Decrypt" }) } }))).not.toContain("wide");
    expect(grants(managed("aws_iam_policy.p", { actions: ["create"], after: { policy: policy({ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }) } }))).toBe(
      "### IAM policy changes (1)\n\n- `aws_iam_policy.p` `policy`:\n  - added statement 1: `Allow` `s3:GetObject` on `*`; **wide:** resource `*`",
    );
  });

  test("a deleted bucket policy lists the statements it removes", () => {
    const read = { Sid: "Read", Effect: "Allow", Principal: { AWS: "arn:aws:iam::444455556666:root" }, Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" };
    expect(grants(managed("aws_s3_bucket_policy.b", { actions: ["delete"], before: { policy: policy(read) } }))).toBe(
      "### IAM policy changes (1)\n\n- `aws_s3_bucket_policy.b` `policy`:\n" +
        "  - removed `Read`: `Allow` `s3:GetObject` on `arn:aws:s3:::b/*`; principal `AWS` `arn:aws:iam::444455556666:root`",
    );
  });

  test.each([
    ["aws_sqs_queue_policy", "policy"],
    ["aws_sns_topic_policy", "policy"],
    ["aws_secretsmanager_secret_policy", "policy"],
    ["aws_ecr_repository_policy", "policy"],
    ["aws_glue_resource_policy", "policy"],
    ["aws_kinesis_resource_policy", "policy"],
    ["aws_cloudwatch_log_resource_policy", "policy_document"],
    ["aws_opensearch_domain_policy", "access_policies"],
    ["aws_iam_user_policy", "policy"],
    ["aws_iam_group_policy", "policy"],
  ])("a %s is read as a resource or identity policy", (type, attribute) => {
    const statement = { Sid: "Send", Effect: "Allow", Principal: { AWS: "arn:aws:iam::444455556666:root" }, Action: "sqs:SendMessage", Resource: "arn:x" };
    expect(grants(managed(`${type}.p`, { actions: ["create"], after: { [attribute]: policy(statement) } }))).toContain(
      `- \`${type}.p\` \`${attribute}\`:\n  - added \`Send\`: \`Allow\` \`sqs:SendMessage\` on \`arn:x\`; principal \`AWS\` \`arn:aws:iam::444455556666:root\``,
    );
  });

  test("a service principal in a trust or resource policy without aws:SourceAccount or aws:SourceArn is flagged", () => {
    const trust = (condition?: object) =>
      policy({ Effect: "Allow", Principal: { Service: "ses.amazonaws.com" }, Action: "sts:AssumeRole", ...(condition ? { Condition: condition } : {}) });
    expect(grants(managed("aws_iam_role.ses", { actions: ["create"], after: { assume_role_policy: trust() } }))).toBe(
      "### IAM policy changes (1)\n\n- `aws_iam_role.ses` `assume_role_policy`:\n" +
        "  - added statement 1: `Allow` `sts:AssumeRole`; principal `Service` `ses.amazonaws.com`; " +
        "**missing condition:** service principal `ses.amazonaws.com` without aws:SourceAccount, aws:SourceArn or sts:ExternalId",
    );
    const limited = grants(managed("aws_iam_role.ses", { actions: ["create"], after: { assume_role_policy: trust({ StringEquals: { "AWS:SourceAccount": "111122223333" } }) } }));
    expect(limited).not.toContain("missing condition");
  });

  test("a Deny statement is never flagged as wide", () => {
    const deny = { Effect: "Deny", Principal: "*", Action: "s3:*", Resource: "*" };
    expect(grants(managed("aws_s3_bucket_policy.b", { actions: ["create"], after: { policy: policy(deny) } }))).not.toContain("wide");
  });

  test("a removed Deny statement is flagged: what it denied is allowed again", () => {
    const deny = { Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: "arn:aws:s3:::b/*", Condition: { Bool: { "aws:SecureTransport": "false" } } };
    const read = { Sid: "Read", Effect: "Allow", Principal: { AWS: "arn:aws:iam::444455556666:root" }, Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" };
    expect(grants(managed("aws_s3_bucket_policy.b", { actions: ["update"], before: { policy: policy(read, deny) }, after: { policy: policy(read) } }))).toBe(
      "### IAM policy changes (1)\n\n- `aws_s3_bucket_policy.b` `policy`:\n" +
        "  - removed `DenyInsecureTransport`: `Deny` `s3:*` on `arn:aws:s3:::b/*`; principal `*`; condition `Bool` `aws:SecureTransport` = `false`; " +
        "**wider:** a Deny statement removed, what it denied may now be allowed",
    );
  });

  test("a statement changed to a wider grant is flagged with its new fields", () => {
    const before = { Sid: "Write", Effect: "Allow", Action: "s3:PutObject", Resource: "arn:aws:s3:::b/*" };
    expect(grants(managed("aws_iam_role_policy.p", { actions: ["update"], before: { policy: policy(before) }, after: { policy: policy({ ...before, Action: "s3:*" }) } }))).toBe(
      "### IAM policy changes (1)\n\n- `aws_iam_role_policy.p` `policy`:\n" +
        "  - changed `Write`: Action `s3:PutObject` → `s3:*`; **wide:** every action of `s3:*`",
    );
  });

  test("a long policy that is not valid JSON shows where its text changed, not two identical starts", () => {
    const statements = Array.from({ length: 6 }, (_, i) => `{"Sid":"S${i}","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:Decrypt","Resource":"*"}`);
    const before = `{"Version":"2012-10-17","Statement":[${statements.join(",")}]`;
    const after = before.replace('"S5","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"}', '"S5","Effect":"Allow","Principal":"*"');
    const at = before.indexOf('{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:Decrypt","Resource":"*"}]');
    const lines = grants(managed("aws_kms_key_policy.k", { actions: ["update"], before: { policy: before }, after: { policy: after } }));
    expect(lines).toContain(`- \`aws_kms_key_policy.k\` \`policy\`:\n  Not valid policy JSON; where its text changed (${before.length} → ${after.length} characters, 1 changed part`);
    expect(lines).toContain(`  - before, characters ${at + 1}–`);
    expect(lines).toContain('"Principal":"*","Action":"kms:Decrypt"');
  });

  test("attributes named like a policy that hold no grant are not read as policies", () => {
    const plan = planOf(
      managed("aws_sns_topic_subscription.s", { actions: ["create"], after: { filter_policy: JSON.stringify({ eventType: ["Bounce"] }) } }),
      managed("aws_sesv2_configuration_set.c", { actions: ["create"], after: { delivery_options: [{ tls_policy: "REQUIRE" }] } }),
    );
    expect(summarizePlan(plan)).not.toContain("IAM policy changes");
  });
});

describe("grants without a policy document", () => {
  test("an attachment of AdministratorAccess names the policy and the role, flagged", () => {
    expect(grants(managed("aws_iam_role_policy_attachment.admin", { actions: ["create"], after: { role: "ses-events", policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" } }))).toBe(
      "### IAM policy changes (1)\n\n- `aws_iam_role_policy_attachment.admin`:\n" +
        "  - granted: policy `arn:aws:iam::aws:policy/AdministratorAccess`; role `ses-events`; **wide:** AWS-managed `AdministratorAccess`, full administrator access",
    );
  });

  test.each([
    ["PowerUserAccess", "**wide:** AWS-managed `PowerUserAccess`, power user access: everything but IAM and Organizations"],
    ["IAMFullAccess", "**wide:** AWS-managed `IAMFullAccess`, full IAM access, enough to grant itself anything"],
    ["AmazonS3FullAccess", "**wide:** AWS-managed `AmazonS3FullAccess`, full access to a service"],
    ["service-role/AWSLambdaBasicExecutionRole", ""],
  ])("an attached AWS-managed %s is flagged as it deserves", (name, flag) => {
    const lines = grants(managed("aws_iam_user_policy_attachment.a", { actions: ["create"], after: { user: "ci", policy_arn: `arn:aws:iam::aws:policy/${name}` } }));
    expect(lines).toContain(`  - granted: policy \`arn:aws:iam::aws:policy/${name}\`; user \`ci\`${flag ? `; ${flag}` : ""}`);
    if (!flag) expect(lines).not.toContain("wide");
  });

  test("an SSO permission set's attached AdministratorAccess is flagged too", () => {
    expect(
      grants(
        managed("aws_ssoadmin_managed_policy_attachment.a", {
          actions: ["create"],
          after: { permission_set_arn: "arn:aws:sso:::permissionSet/ssoins-1/ps-1", managed_policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" },
        }),
      ),
    ).toContain(
      "  - granted: policy `arn:aws:iam::aws:policy/AdministratorAccess`; permission set `arn:aws:sso:::permissionSet/ssoins-1/ps-1`; **wide:** AWS-managed `AdministratorAccess`",
    );
  });

  test("a customer-managed policy of the same name is not flagged as AWS-managed", () => {
    expect(grants(managed("aws_iam_group_policy_attachment.a", { actions: ["create"], after: { group: "ops", policy_arn: "arn:aws:iam::111122223333:policy/AdministratorAccess" } }))).not.toContain("wide");
  });

  test("a removed attachment says what it took away; a changed one shows was and now", () => {
    expect(grants(managed("aws_iam_role_policy_attachment.a", { actions: ["delete"], before: { role: "r", policy_arn: "arn:aws:iam::aws:policy/ReadOnlyAccess" } }))).toBe(
      "### IAM policy changes (1)\n\n- `aws_iam_role_policy_attachment.a`:\n  - removed: policy `arn:aws:iam::aws:policy/ReadOnlyAccess`; role `r`",
    );
    expect(
      grants(
        managed("aws_iam_role_policy_attachment.a", {
          actions: ["delete", "create"],
          before: { role: "r", policy_arn: "arn:aws:iam::aws:policy/ReadOnlyAccess" },
          after: { role: "r", policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" },
        }),
      ),
    ).toBe(
      "### IAM policy changes (1)\n\n- `aws_iam_role_policy_attachment.a`:\n" +
        "  - removed: policy `arn:aws:iam::aws:policy/ReadOnlyAccess`; role `r`\n" +
        "  - granted: policy `arn:aws:iam::aws:policy/AdministratorAccess`; role `r`; **wide:** AWS-managed `AdministratorAccess`, full administrator access",
    );
  });

  test("managed policies listed on a role or in an exclusive attachment are grants, flagged like attachments", () => {
    const admin = "arn:aws:iam::aws:policy/AdministratorAccess";
    const read = "arn:aws:iam::aws:policy/ReadOnlyAccess";
    expect(grants(managed("aws_iam_role.r", { actions: ["create"], after: { name: "r", managed_policy_arns: [admin] } }))).toBe(
      "### IAM policy changes (1)\n\n- `aws_iam_role.r` `managed_policy_arns`:\n" +
        "  - attached `arn:aws:iam::aws:policy/AdministratorAccess`; **wide:** AWS-managed `AdministratorAccess`, full administrator access",
    );
    expect(
      grants(managed("aws_iam_role_policy_attachments_exclusive.r", { actions: ["update"], before: { role_name: "r", policy_arns: [read] }, after: { role_name: "r", policy_arns: [admin] } })),
    ).toBe(
      "### IAM policy changes (1)\n\n- `aws_iam_role_policy_attachments_exclusive.r` `policy_arns`:\n" +
        "  - attached `arn:aws:iam::aws:policy/AdministratorAccess`; **wide:** AWS-managed `AdministratorAccess`, full administrator access\n" +
        "  - detached `arn:aws:iam::aws:policy/ReadOnlyAccess`",
    );
    expect(grants(managed("aws_iam_role.r", { actions: ["create"], after: { name: "r", managed_policy_arns: [] } }))).toBe("");
  });

  test("a Lambda permission for principal * is flagged as public", () => {
    expect(grants(managed("aws_lambda_permission.p", { actions: ["create"], after: { principal: "*", action: "lambda:InvokeFunction", function_name: "process" } }))).toBe(
      "### IAM policy changes (1)\n\n- `aws_lambda_permission.p`:\n" +
        "  - granted: action `lambda:InvokeFunction`; on `process`; principal `*`; **wide:** public principal `*`",
    );
  });

  test("a Lambda permission for a service without source_arn or source_account is flagged; with one it is not", () => {
    const permission = (extra: object) =>
      grants(managed("aws_lambda_permission.p", { actions: ["create"], after: { principal: "sns.amazonaws.com", action: "lambda:InvokeFunction", function_name: "f", ...extra } }));
    expect(permission({})).toContain(
      "  - granted: action `lambda:InvokeFunction`; on `f`; principal `sns.amazonaws.com`; " +
        "**missing condition:** a service principal without source_arn or source_account (any account's resource can invoke it)",
    );
    expect(permission({ source_arn: "arn:aws:sns:us-east-1:111122223333:alarms" })).toBe(
      "### IAM policy changes (1)\n\n- `aws_lambda_permission.p`:\n" +
        "  - granted: action `lambda:InvokeFunction`; on `f`; principal `sns.amazonaws.com`; source ARN `arn:aws:sns:us-east-1:111122223333:alarms`",
    );
  });

  test("a function URL permission without authentication is flagged", () => {
    expect(
      grants(managed("aws_lambda_permission.url", { actions: ["create"], after: { principal: "*", action: "lambda:InvokeFunctionUrl", function_name: "f", function_url_auth_type: "NONE" } })),
    ).toContain("**wide:** public principal `*`; **wide:** function URL without authentication");
  });

  test("a KMS grant without constraints is flagged", () => {
    expect(grants(managed("aws_kms_grant.g", { actions: ["create"], after: { grantee_principal: "arn:aws:iam::1:role/r", operations: ["Decrypt"], key_id: "k" } }))).toBe(
      "### IAM policy changes (1)\n\n- `aws_kms_grant.g`:\n" +
        '  - granted: operations `["Decrypt"]`; on `k`; grantee `arn:aws:iam::1:role/r`; **missing condition:** no encryption context constraints',
    );
  });
});

describe("the list of policy-bearing resource types", () => {
  // The attributes of the AWS provider build (6.47.1, trimmed to the project's services), from
  // `terraform providers schema -json`, reduced to the attributes whose names hold "policy".
  const schema: unknown = JSON.parse(readFileSync(path.join(FIXTURES, "terraform", "aws-provider-schema-policies.json"), "utf8"));

  test("every top-level policy attribute the provider's schema has is read as a grant", () => {
    const derived = policyAttributesFromSchema(schema);
    const topLevel = Object.entries(derived).flatMap(([type, attributes]) => attributes.filter((name) => !name.includes(".")).map((name) => `${type}.${name}`));
    const listed = Object.entries(POLICY_ATTRIBUTES).flatMap(([type, attributes]) => attributes.map((name) => `${type}.${name}`));
    expect(topLevel.length).toBeGreaterThan(20);
    expect(topLevel.filter((entry) => !listed.includes(entry))).toEqual([]);
  });

  test("the schema's policy-named attributes that hold no grant are left out", () => {
    const derived = policyAttributesFromSchema(schema);
    expect(derived.aws_sns_topic).toEqual(["policy"]);
    expect(derived.aws_sesv2_configuration_set).toBeUndefined();
    expect(derived.aws_sns_topic_subscription).toBeUndefined();
  });
});
