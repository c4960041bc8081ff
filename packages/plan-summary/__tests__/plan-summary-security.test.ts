// Security-relevant updates are listed in full above the routine ones, each with what makes it
// relevant; a deleted or replaced configuration set is marked as breaking for its senders.
import { DEFAULT_MAX_CHARS, summarizePlan } from "..";
import { managed, planOf } from "./plan-summary-helpers";

function firstLine(type: string, before: object, after: object): string {
  const markdown = summarizePlan(planOf(managed(`${type}.x`, { actions: ["update"], before, after })));
  const line = markdown.split("\n").find((text) => text.startsWith(`- \`${type}.x\``)) ?? "";
  const heading = markdown.includes("### Security-relevant updates (1)") ? "security" : "routine";
  return `${heading}: ${line}`;
}

describe("security-relevant updates", () => {
  test.each([
    ["aws_s3_bucket_public_access_block", { ignore_public_acls: true }, { ignore_public_acls: false }, "**exposure or loss:** public access"],
    ["aws_s3_bucket", { acl: "private" }, { acl: "public-read" }, "**exposure or loss:** public access"],
    ["aws_kinesis_firehose_delivery_stream", { server_side_encryption: [{ enabled: true }] }, { server_side_encryption: [{ enabled: false }] }, "**exposure or loss:** encryption, enabled or sending"],
    ["aws_kms_key", { enable_key_rotation: true }, { enable_key_rotation: false }, "**weakening:** encryption, key rotation"],
    ["aws_s3_bucket_logging", { target_prefix: "a/" }, { target_prefix: "b/" }, "logging"],
    ["aws_dynamodb_table", { deletion_protection_enabled: true }, { deletion_protection_enabled: false }, "**weakening:** deletion protection, enabled or sending"],
    ["aws_s3_bucket_versioning", { versioning_configuration: [{ status: "Enabled" }] }, { versioning_configuration: [{ status: "Suspended" }] }, "**weakening:** deletion protection"],
    ["aws_sesv2_configuration_set", { sending_options: [{ sending_enabled: true }] }, { sending_options: [{ sending_enabled: false }] }, "**exposure or loss:** enabled or sending"],
    ["aws_cloudwatch_log_group", { retention_in_days: 365 }, { retention_in_days: 1 }, "**weakening:** retention"],
    ["aws_security_group_rule", { cidr_blocks: ["10.0.0.0/8"] }, { cidr_blocks: ["0.0.0.0/0"] }, "**exposure or loss:** network exposure"],
    ["aws_kinesis_firehose_delivery_stream", { extended_s3_configuration: [{ role_arn: "arn:a" }] }, { extended_s3_configuration: [{ role_arn: "arn:b" }] }, "IAM"],
    ["aws_cloudwatch_log_group", { retention_in_days: 1 }, { retention_in_days: 365 }, "retention"],
    ["aws_cloudwatch_log_group", { retention_in_days: 365 }, { retention_in_days: 0 }, "retention"],
    ["aws_cloudwatch_log_group", { retention_in_days: 0 }, { retention_in_days: 3653 }, "**weakening:** retention"],
    ["aws_security_group_rule", { cidr_blocks: ["10.0.0.0/8"] }, { cidr_blocks: ["10.0.0.0/8", "192.168.0.0/16"] }, "network exposure"],
    ["aws_kinesis_firehose_delivery_stream", { server_side_encryption: [{ key_arn: "arn:aws:kms:eu-west-1:1:key/a" }] }, { server_side_encryption: [{ key_arn: "arn:aws:kms:eu-west-1:1:key/b" }] }, "**weakening:** encryption"],
    ["aws_kinesis_firehose_delivery_stream", { server_side_encryption: [{ key_arn: "arn:aws:kms:eu-west-1:1:key/a" }] }, { server_side_encryption: [{ key_arn: null }] }, "**exposure or loss:** encryption"],
  ])("an update of %s (%j → %j) is listed as %s", (type, before, after, topics) => {
    expect(firstLine(type, before, after)).toBe(`security: - \`${type}.x\`: ${topics}`);
  });

  test("many tag changes cannot push a security-relevant change out of sight", () => {
    const tags = (suffix: string) => Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`k${String(i).padStart(2, "0")}`, `v${suffix}`]));
    const before = { tags: tags("1"), tracking_options: [{ custom_redirect_domain: "t.example.com", https_policy: "REQUIRE" }] };
    const after = { tags: tags("2"), tracking_options: [{ custom_redirect_domain: "t.example.com", https_policy: "OPTIONAL" }] };
    const markdown = summarizePlan(planOf(managed("aws_sesv2_configuration_set.x", { actions: ["update"], before, after })));
    expect(markdown).toContain("### Security-relevant updates (1)\n\n- `aws_sesv2_configuration_set.x`: encryption\n  - `tracking_options[0].https_policy`: `REQUIRE` → `OPTIONAL`\n");
  });

  test("a routine update stays routine, and so does a tag named public on an IAM role", () => {
    expect(firstLine("aws_athena_named_query", { description: "a" }, { description: "b" })).toBe("routine: - `aws_athena_named_query.x`");
    expect(firstLine("aws_iam_role", { tags: { public: "no" } }, { tags: { public: "yes" } })).toBe("routine: - `aws_iam_role.x`");
  });
});

describe("imports that also update", () => {
  test("an import whose update is security-relevant is listed there too, saying it is imported", () => {
    const markdown = summarizePlan(
      planOf(
        managed("aws_sesv2_configuration_set.c", {
          actions: ["update"],
          before: { delivery_options: [{ tls_policy: "REQUIRE" }] },
          after: { delivery_options: [] },
          importing: { id: "ses-events" },
        }),
      ),
    );
    expect(markdown).toContain(
      "### Security-relevant updates (1)\n\n- `aws_sesv2_configuration_set.c` (imported, then updated): encryption\n" +
        '  - `delivery_options`: `[{"tls_policy":"REQUIRE"}]` → `[]`\n',
    );
    expect(markdown).toContain("### Import (1)\n\n- `aws_sesv2_configuration_set.c` from ID `ses-events`, then updated in place\n");
  });
});

describe("destroys", () => {
  test("destroys that lose data or break senders are listed first, the rest in plan order", () => {
    const markdown = summarizePlan(
      planOf(
        managed("aws_iam_role_policy.p", { actions: ["delete"], before: {} }),
        managed("aws_cloudwatch_metric_alarm.a", { actions: ["delete"], before: {} }),
        managed("aws_s3_bucket.events", { actions: ["delete"], before: {} }),
        managed("aws_kms_key.k", { actions: ["delete"], before: {} }),
      ),
    );
    expect(markdown).toContain(
      "### Destroy (4)\n\nBy type: `aws_cloudwatch_metric_alarm` 1, `aws_iam_role_policy` 1, `aws_kms_key` 1, `aws_s3_bucket` 1.\n\n" +
        "- `aws_s3_bucket.events`\n- `aws_kms_key.k`\n- `aws_iam_role_policy.p`\n- `aws_cloudwatch_metric_alarm.a`\n",
    );
  });
});

describe("destroys of what protects or delivers", () => {
  test("a destroyed public access block, encryption configuration or event destination survives thousands of routine destroys", () => {
    const routine = Array.from({ length: 3000 }, (_, i) => managed(`aws_instance.app_${i}`, { actions: ["delete"], before: { ami: "ami-1" } }));
    const protections = [
      "aws_s3_bucket_public_access_block.events",
      "aws_s3_bucket_server_side_encryption_configuration.events",
      "aws_sesv2_configuration_set_event_destination.events",
      "aws_s3_account_public_access_block.account",
      "aws_cloudtrail.audit",
    ].map((address) => managed(address, { actions: ["delete"], before: {} }));
    const markdown = summarizePlan(planOf(...routine, ...protections));
    expect(markdown.length).toBeLessThanOrEqual(DEFAULT_MAX_CHARS);
    expect(markdown).toContain(
      "- `aws_s3_bucket_public_access_block.events`\n- `aws_s3_bucket_server_side_encryption_configuration.events`\n- `aws_sesv2_configuration_set_event_destination.events`\n" +
        "- `aws_s3_account_public_access_block.account`\n- `aws_cloudtrail.audit`\n- `aws_instance.app_0`\n",
    );
  });
});

describe("a configuration set that goes away", () => {
  test("a deleted configuration set is breaking for the senders that use its name", () => {
    const markdown = summarizePlan(planOf(managed("aws_sesv2_configuration_set.c", { actions: ["delete"], before: { configuration_set_name: "ses-events" } })));
    expect(markdown).toContain(
      "### Destroy (1)\n\n- `aws_sesv2_configuration_set.c`\n" +
        "  - **Breaking for senders:** mail sent with the name `ses-events` is rejected once it is deleted; move senders to the new set first.\n",
    );
  });

  test("a configuration set replaced for another reason than its name is breaking too", () => {
    const markdown = summarizePlan(
      planOf(
        managed(
          "aws_sesv2_configuration_set.c",
          { actions: ["delete", "create"], before: { configuration_set_name: "ses-events" }, after: { configuration_set_name: "ses-events" } },
          { action_reason: "replace_because_tainted" },
        ),
      ),
    );
    expect(markdown).toContain(
      "- `aws_sesv2_configuration_set.c` (destroy, then create): the object is tainted\n" +
        "  - **Breaking for senders:** mail sent with the name `ses-events` is rejected between its delete and create (and after it, if the name changes); move senders to the new set first.\n",
    );
  });
});
