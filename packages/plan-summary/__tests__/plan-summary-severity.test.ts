// Inside the risky sections, entries come in order of severity: exposure to the internet and loss
// of data or events, then weakening, then the rest. The size cap drops from the bottom of that
// order and says how many of each severity it dropped.
import { DEFAULT_MAX_CHARS, summarizePlan } from "..";
import { managed, planOf } from "./plan-summary-helpers";

describe("3,000 log-retention updates, a disabled event destination and an opened public access block", () => {
  const retention = Array.from({ length: 3000 }, (_, i) =>
    managed(`aws_cloudwatch_log_group.app_${i}`, { actions: ["update"], before: { name: `/app/${i}`, retention_in_days: 90 }, after: { name: `/app/${i}`, retention_in_days: 30 } }),
  );
  const destination = managed("aws_sesv2_configuration_set_event_destination.events", {
    actions: ["update"],
    before: { event_destination: [{ enabled: true, matching_event_types: ["SEND", "BOUNCE"] }] },
    after: { event_destination: [{ enabled: false, matching_event_types: ["SEND", "BOUNCE"] }] },
  });
  const block = managed("aws_s3_bucket_public_access_block.events", {
    actions: ["update"],
    before: { bucket: "events", block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true },
    after: { bucket: "events", block_public_acls: false, block_public_policy: false, ignore_public_acls: true, restrict_public_buckets: true },
  });
  // Buried in the middle, as a real plan orders them by address.
  const plan = planOf(...retention.slice(0, 1500), destination, ...retention.slice(1500, 2200), block, ...retention.slice(2200));
  const markdown = summarizePlan(plan);

  test("the disabled destination and the opened public access block come first", () => {
    expect(markdown).toContain(
      "### Security-relevant updates (3,002)\n\n" +
        "By type: `aws_cloudwatch_log_group` 3,000, `aws_s3_bucket_public_access_block` 1, `aws_sesv2_configuration_set_event_destination` 1.\n\n" +
        "- `aws_sesv2_configuration_set_event_destination.events`: **exposure or loss:** enabled or sending\n" +
        "  - `event_destination[0].enabled`: `true` → `false`\n" +
        "- `aws_s3_bucket_public_access_block.events`: **exposure or loss:** public access\n" +
        "  - `block_public_acls`: `true` → `false`\n" +
        "  - `block_public_policy`: `true` → `false`\n" +
        "- `aws_cloudwatch_log_group.app_0`: **weakening:** retention\n" +
        "  - `retention_in_days`: `90` → `30`\n",
    );
  });

  test("the cap drops log groups from the bottom and says they are weakening changes", () => {
    expect(markdown.length).toBeLessThanOrEqual(DEFAULT_MAX_CHARS);
    const shown = markdown.match(/^- `aws_cloudwatch_log_group\.app_\d+`/gm)?.length ?? 0;
    expect(shown).toBeGreaterThan(100);
    expect(shown).toBeLessThan(3000);
    const dropped = (3000 - shown).toLocaleString("en-US");
    expect(markdown).toContain(`- … and ${dropped} more (${dropped} weakening), left out for length (see the note at the end)\n`);
    expect(markdown).toContain(`**Not listed here, to fit 65,000 characters:** Security-relevant updates: ${dropped} of 3,002 (${dropped} weakening).`);
  });
});

describe("the order inside the risky sections", () => {
  const update = (address: string, before: object, after: object) => managed(address, { actions: ["update"], before, after });

  test("exposure or loss first, then weakening, then the rest, each kept in plan order", () => {
    const markdown = summarizePlan(
      planOf(
        update("aws_cloudwatch_log_group.longer", { retention_in_days: 30 }, { retention_in_days: 90 }),
        update("aws_kms_key.rotation", { enable_key_rotation: true }, { enable_key_rotation: false }),
        update("aws_kinesis_firehose_delivery_stream.sse", { server_side_encryption: [{ enabled: true, key_arn: "arn:aws:kms:eu-west-1:1:key/a" }] }, { server_side_encryption: [{ enabled: true, key_arn: "arn:aws:kms:eu-west-1:1:key/b" }] }),
        update("aws_security_group_rule.open", { cidr_blocks: ["10.0.0.0/8"] }, { cidr_blocks: ["0.0.0.0/0"] }),
        update("aws_s3_bucket_logging.a", { target_prefix: "a/" }, { target_prefix: "b/" }),
        update("aws_sesv2_configuration_set.sending", { sending_options: [{ sending_enabled: true }] }, { sending_options: [{ sending_enabled: false }] }),
      ),
    );
    const order = [...markdown.matchAll(/^- `([^`]+)`/gm)].map((match) => match[1]);
    expect(order).toEqual([
      "aws_security_group_rule.open",
      "aws_sesv2_configuration_set.sending",
      "aws_kms_key.rotation",
      "aws_kinesis_firehose_delivery_stream.sse",
      "aws_cloudwatch_log_group.longer",
      "aws_s3_bucket_logging.a",
    ]);
  });

  test("a sensitive value is not read to rank it", () => {
    const markdown = summarizePlan(
      planOf(
        managed("aws_s3_bucket_public_access_block.hidden", {
          actions: ["update"],
          before: { block_public_acls: true },
          after: { block_public_acls: false },
          before_sensitive: { block_public_acls: true },
          after_sensitive: { block_public_acls: true },
        }),
      ),
    );
    expect(markdown).toContain("- `aws_s3_bucket_public_access_block.hidden`: public access\n  - `block_public_acls`: (sensitive) → (sensitive)\n");
  });
});

describe("tags do not set the severity", () => {
  test("a tag named status set to disabled, or a tag named kms emptied, does not make a retention change an exposure", () => {
    const decoys = Array.from({ length: 3000 }, (_, i) =>
      managed(`aws_cloudwatch_log_group.app_${i}`, {
        actions: ["update"],
        before: { retention_in_days: 90, tags: { status: "on", kms: "a", cidr: "" } },
        after: { retention_in_days: 30, tags: { status: "disabled", kms: "", cidr: "0.0.0.0/0" } },
      }),
    );
    const block = managed("aws_s3_bucket_public_access_block.events", {
      actions: ["update"],
      before: { bucket: "events", block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true },
      after: { bucket: "events", block_public_acls: false, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true },
    });
    const markdown = summarizePlan(planOf(...decoys, block));
    expect(markdown).toContain(
      "By type: `aws_cloudwatch_log_group` 3,000, `aws_s3_bucket_public_access_block` 1.\n\n" +
        "- `aws_s3_bucket_public_access_block.events`: **exposure or loss:** public access\n" +
        "  - `block_public_acls`: `true` → `false`\n" +
        "- `aws_cloudwatch_log_group.app_0`: **weakening:** retention\n",
    );
  });
});

describe("an ACL grant to everyone added by an update", () => {
  test.each([
    [
      "aws_s3_bucket_acl.a",
      { access_control_policy: [{ grant: [{ grantee: [{ type: "CanonicalUser", id: "o", uri: "" }], permission: "FULL_CONTROL" }] }] },
      {
        access_control_policy: [
          {
            grant: [
              { grantee: [{ type: "CanonicalUser", id: "o", uri: "" }], permission: "FULL_CONTROL" },
              { grantee: [{ type: "Group", id: "", uri: "http://acs.amazonaws.com/groups/global/AllUsers" }], permission: "READ" },
            ],
          },
        ],
      },
    ],
    [
      "aws_s3_bucket_acl.b",
      { access_control_policy: [{ grant: [{ grantee: [{ type: "Group", id: "", uri: "http://acs.amazonaws.com/groups/global/AuthenticatedUsers" }], permission: "READ" }] }] },
      { access_control_policy: [{ grant: [{ grantee: [{ type: "Group", id: "", uri: "http://acs.amazonaws.com/groups/global/AuthenticatedUsers" }], permission: "WRITE" }] }] },
    ],
    ["aws_s3_bucket.c", { grant: [] }, { grant: [{ type: "Group", uri: "http://acs.amazonaws.com/groups/global/AllUsers", permissions: ["WRITE"] }] }],
  ])("%s is an exposure, listed before shorter retentions", (address, before, after) => {
    const retention = managed("aws_cloudwatch_log_group.a", { actions: ["update"], before: { retention_in_days: 90 }, after: { retention_in_days: 30 } });
    const markdown = summarizePlan(planOf(retention, managed(address, { actions: ["update"], before, after })));
    expect(markdown).toContain(`- \`${address}\`: **exposure or loss:** public access\n`);
    expect(markdown.indexOf(address)).toBeLessThan(markdown.indexOf("aws_cloudwatch_log_group.a"));
  });

  test("a grant to one account is not", () => {
    const markdown = summarizePlan(
      planOf(managed("aws_s3_bucket.d", { actions: ["update"], before: { grant: [] }, after: { grant: [{ type: "CanonicalUser", id: "abc", uri: "", permissions: ["READ"] }] } })),
    );
    expect(markdown).toContain("- `aws_s3_bucket.d`: public access\n");
  });
});

describe("an update that widens what a rule open to the internet lets in", () => {
  const rule = (address: string, cidr: string) =>
    managed(address, {
      actions: ["update"],
      before: { cidr_ipv4: cidr, ip_protocol: "tcp", from_port: 443, to_port: 443, security_group_id: "sg-1" },
      after: { cidr_ipv4: cidr, ip_protocol: "-1", from_port: null, to_port: null, security_group_id: "sg-1" },
    });

  test("all ports opened on a rule already open to 0.0.0.0/0 is an exposure", () => {
    const markdown = summarizePlan(planOf(managed("aws_cloudwatch_log_group.a", { actions: ["update"], before: { retention_in_days: 90 }, after: { retention_in_days: 30 } }), rule("aws_vpc_security_group_ingress_rule.https", "0.0.0.0/0")));
    expect(markdown).toContain("### Security-relevant updates (2)\n\nBy type: `aws_cloudwatch_log_group` 1, `aws_vpc_security_group_ingress_rule` 1.\n\n- `aws_vpc_security_group_ingress_rule.https`: **exposure or loss:** network exposure\n");
  });

  test("the same change on a rule open only to a private range is not", () => {
    expect(summarizePlan(planOf(rule("aws_vpc_security_group_ingress_rule.inside", "10.0.0.0/8")))).toContain("- `aws_vpc_security_group_ingress_rule.inside`: network exposure\n");
  });
});

test("a function's environment variable named status set to disabled is not an exposure either", () => {
  const decoys = Array.from({ length: 3 }, (_, i) =>
    managed(`aws_lambda_function.app_${i}`, {
      actions: ["update"],
      before: { environment: [{ variables: { status: "on", kms_key: "k" } }] },
      after: { environment: [{ variables: { status: "disabled" } }] },
    }),
  );
  const markdown = summarizePlan(planOf(...decoys));
  expect(markdown).toContain("- `aws_lambda_function.app_0`: encryption, deletion protection\n");
  expect(markdown).not.toContain("exposure or loss");
});
