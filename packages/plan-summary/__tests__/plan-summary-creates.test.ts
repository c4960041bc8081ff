// Creates are judged on the values they are created with: a rule open to the internet, a public
// bucket ACL, a public access block that blocks nothing, a public endpoint, unencrypted storage
// or a long-lived credential is listed under Risky creates with the values that make it risky,
// above the routine creates, and survives the size cap. A rule open only to a private range is not.
import { DEFAULT_MAX_CHARS, isInternetWide, summarizePlan } from "..";
import { codeTexts, managed, planOf, SUMMARY_TAGS, tagNames, toHtml } from "./plan-summary-helpers";

function create(address: string, after: object, extra: { after_unknown?: object; after_sensitive?: object } = {}) {
  return managed(address, { actions: ["create"], after, ...extra });
}

/** The entry under Risky creates for the one resource of the plan, or "routine" when it is not there. */
function riskyEntry(address: string, after: object, extra?: { after_unknown?: object; after_sensitive?: object }): string {
  const markdown = summarizePlan(planOf(create(address, after, extra)));
  const at = markdown.indexOf("### Risky creates (1)\n\n");
  if (at < 0) {
    expect(markdown).toContain(`### Create (1)\n\n- \`${address}\`\n`);
    return "routine";
  }
  return (markdown.slice(at + "### Risky creates (1)\n\n".length).split("\n\n")[0] as string).trimEnd();
}

describe("risky creates", () => {
  test.each([
    [
      "aws_security_group_rule.ssh",
      { type: "ingress", protocol: "tcp", from_port: 22, to_port: 22, cidr_blocks: ["0.0.0.0/0"], ipv6_cidr_blocks: ["::/0"] },
      "- `aws_security_group_rule.ssh`: **exposure or loss**\n" +
        "  - **open to the internet (tcp port 22):** `cidr_blocks[0]` = `0.0.0.0/0`, `ipv6_cidr_blocks[0]` = `::/0`, `protocol` = `tcp`, `from_port` = `22`, `to_port` = `22`",
    ],
    [
      "aws_vpc_security_group_ingress_rule.all",
      { ip_protocol: "-1", cidr_ipv4: "0.0.0.0/0", from_port: null, to_port: null, security_group_id: "sg-1" },
      "- `aws_vpc_security_group_ingress_rule.all`: **exposure or loss**\n" +
        "  - **open to the internet (all protocols and ports):** `cidr_ipv4` = `0.0.0.0/0`, `ip_protocol` = `-1`",
    ],
    [
      "aws_security_group.web",
      {
        name: "web",
        ingress: [
          { protocol: "tcp", from_port: 443, to_port: 443, cidr_blocks: ["10.0.0.0/8"], ipv6_cidr_blocks: [] },
          { protocol: "tcp", from_port: 3306, to_port: 3306, cidr_blocks: ["0.0.0.0/0"], ipv6_cidr_blocks: [] },
        ],
        egress: [{ protocol: "-1", from_port: 0, to_port: 0, cidr_blocks: ["0.0.0.0/0"] }],
      },
      "- `aws_security_group.web`: **exposure or loss**\n" +
        "  - **open to the internet (tcp port 3306):** `ingress[1].cidr_blocks[0]` = `0.0.0.0/0`, `ingress[1].protocol` = `tcp`, `ingress[1].from_port` = `3306`, `ingress[1].to_port` = `3306`",
    ],
    [
      "aws_network_acl_rule.in",
      { egress: false, rule_action: "allow", protocol: "6", from_port: 1024, to_port: 65535, cidr_block: "0.0.0.0/0", rule_number: 100 },
      "- `aws_network_acl_rule.in`: **exposure or loss**\n" +
        "  - **open to the internet (tcp ports 1024–65535):** `cidr_block` = `0.0.0.0/0`, `protocol` = `6`, `from_port` = `1024`, `to_port` = `65535`",
    ],
    [
      "aws_network_acl.main",
      { ingress: [{ action: "allow", protocol: "-1", from_port: 0, to_port: 0, cidr_block: "", ipv6_cidr_block: "::/0", rule_no: 1 }] },
      "- `aws_network_acl.main`: **exposure or loss**\n" +
        "  - **open to the internet (all protocols and ports):** `ingress[0].ipv6_cidr_block` = `::/0`, `ingress[0].protocol` = `-1`, `ingress[0].from_port` = `0`, `ingress[0].to_port` = `0`",
    ],
    [
      "aws_s3_bucket_acl.events",
      { bucket: "events", acl: "public-read-write" },
      "- `aws_s3_bucket_acl.events`: **exposure or loss**\n  - **a public bucket ACL:** `acl` = `public-read-write`",
    ],
    [
      "aws_s3_bucket_acl.grant",
      {
        bucket: "events",
        access_control_policy: [{ grant: [{ grantee: [{ type: "Group", uri: "http://acs.amazonaws.com/groups/global/AllUsers" }], permission: "READ" }], owner: [{ id: "o" }] }],
      },
      "- `aws_s3_bucket_acl.grant`: **exposure or loss**\n" +
        "  - **a bucket ACL grant to everyone:** `access_control_policy[0].grant[0].grantee[0].uri` = `http://acs.amazonaws.com/groups/global/AllUsers`, `access_control_policy[0].grant[0].permission` = `READ`",
    ],
    [
      "aws_s3_bucket_public_access_block.events",
      { bucket: "events", block_public_acls: false, block_public_policy: false, ignore_public_acls: false, restrict_public_buckets: false },
      "- `aws_s3_bucket_public_access_block.events`: **exposure or loss**\n" +
        "  - **public access not fully blocked (4 of 4 settings off):** `block_public_acls` = `false`, `block_public_policy` = `false`, `ignore_public_acls` = `false`, `restrict_public_buckets` = `false`",
    ],
    [
      "aws_s3_account_public_access_block.account",
      { block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: null },
      "- `aws_s3_account_public_access_block.account`: **exposure or loss**\n" +
        "  - **public access not fully blocked (1 of 4 settings off):** `restrict_public_buckets` = (none)",
    ],
    [
      "aws_db_instance.db",
      { identifier: "db", publicly_accessible: true, storage_encrypted: true },
      "- `aws_db_instance.db`: **exposure or loss**\n  - **reachable from the internet:** `publicly_accessible` = `true`",
    ],
    [
      "aws_lambda_function_url.hook",
      { function_name: "hook", authorization_type: "NONE" },
      "- `aws_lambda_function_url.hook`: **exposure or loss**\n  - **a function URL anyone can call:** `authorization_type` = `NONE`, `function_name` = `hook`",
    ],
    [
      "aws_api_gateway_method.get",
      { http_method: "GET", authorization: "NONE", api_key_required: false },
      "- `aws_api_gateway_method.get`: **exposure or loss**\n  - **an API method anyone can call:** `http_method` = `GET`, `authorization` = `NONE`, `api_key_required` = `false`",
    ],
    [
      "aws_apigatewayv2_route.post",
      { route_key: "POST /events", authorization_type: "NONE" },
      "- `aws_apigatewayv2_route.post`: **exposure or loss**\n  - **an API route anyone can call:** `route_key` = `POST /events`, `authorization_type` = `NONE`",
    ],
    [
      "aws_rds_cluster.db",
      { cluster_identifier: "db", storage_encrypted: false },
      "- `aws_rds_cluster.db`: **weakening**\n  - **storage not encrypted at rest:** `storage_encrypted` = `false`",
    ],
    ["aws_ebs_volume.data", { size: 100, encrypted: false }, "- `aws_ebs_volume.data`: **weakening**\n  - **storage not encrypted at rest:** `encrypted` = `false`"],
    [
      "aws_iam_access_key.ci",
      { user: "ci", status: "Active" },
      "- `aws_iam_access_key.ci`: **weakening**\n  - **a long-lived access key:** `user` = `ci`, `status` = `Active`",
    ],
    [
      "aws_iam_user_login_profile.alice",
      { user: "alice", password_reset_required: true },
      "- `aws_iam_user_login_profile.alice`: **weakening**\n  - **a console password for an IAM user:** `user` = `alice`, `password_reset_required` = `true`",
    ],
  ])("a new %s is flagged with the values that make it risky", (address, after, entry) => {
    expect(riskyEntry(address, after)).toBe(entry);
  });

  test.each([
    ["aws_security_group_rule.vpc", { type: "ingress", protocol: "tcp", from_port: 22, to_port: 22, cidr_blocks: ["10.0.0.0/8", "172.16.0.0/12", "192.168.1.0/24"], ipv6_cidr_blocks: ["fd00::/8"] }],
    ["aws_security_group_rule.office", { type: "ingress", protocol: "tcp", from_port: 22, to_port: 22, cidr_blocks: ["203.0.113.7/32"] }],
    ["aws_security_group_rule.out", { type: "egress", protocol: "-1", from_port: 0, to_port: 0, cidr_blocks: ["0.0.0.0/0"], ipv6_cidr_blocks: ["::/0"] }],
    ["aws_vpc_security_group_ingress_rule.vpc", { ip_protocol: "tcp", from_port: 443, to_port: 443, cidr_ipv4: "10.20.0.0/16" }],
    ["aws_network_acl_rule.deny", { egress: false, rule_action: "deny", protocol: "-1", cidr_block: "0.0.0.0/0", rule_number: 1 }],
    ["aws_network_acl_rule.out", { egress: true, rule_action: "allow", protocol: "-1", cidr_block: "0.0.0.0/0", rule_number: 1 }],
    ["aws_security_group.internal", { ingress: [{ protocol: "tcp", from_port: 5432, to_port: 5432, cidr_blocks: ["100.64.0.0/10"] }], egress: [{ protocol: "-1", cidr_blocks: ["0.0.0.0/0"] }] }],
    ["aws_s3_bucket_acl.private", { bucket: "events", acl: "private" }],
    ["aws_s3_bucket_public_access_block.events", { bucket: "events", block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true }],
    ["aws_db_instance.db", { publicly_accessible: false, storage_encrypted: true }],
    ["aws_lambda_function_url.hook", { function_name: "hook", authorization_type: "AWS_IAM" }],
    ["aws_ebs_volume.data", { size: 100, encrypted: true }],
    ["aws_iam_user.alice", { name: "alice" }],
  ])("a new %s, open only to private ranges or otherwise safe, stays a routine create", (address, after) => {
    expect(riskyEntry(address, after)).toBe("routine");
  });

  test("0.0.0.0/0 split in two halves is still open to the internet", () => {
    expect(riskyEntry("aws_security_group_rule.halves", { type: "ingress", protocol: "tcp", from_port: 22, to_port: 22, cidr_blocks: ["0.0.0.0/1", "128.0.0.0/1"] })).toContain(
      "`cidr_blocks[0]` = `0.0.0.0/1`, `cidr_blocks[1]` = `128.0.0.0/1`",
    );
  });

  test.each([
    ["0.0.0.0/0", true],
    ["::/0", true],
    ["2000::/3", true],
    ["8.0.0.0/8", true],
    [" 0.0.0.0/0 ", true],
    ["10.0.0.0/8", false],
    ["10.0.0.0/7", true],
    ["172.16.0.0/12", false],
    ["192.168.0.0/16", false],
    ["fc00::/7", false],
    ["fe80::/10", false],
    ["1.2.3.4/32", false],
    ["2001:db8::/32", false],
    ["0.0.0.0", false],
    ["999.0.0.0/0", false],
    ["::1::/0", false],
    ["not a cidr", false],
  ])("isInternetWide(%j) is %s", (cidr, wide) => {
    expect(isInternetWide(cidr)).toBe(wide);
  });

  test("a CIDR that is sensitive or only known after apply is neither judged nor shown, nor taken as safe", () => {
    const hidden = "inbound sources the plan does not show (sensitive or known only after apply), not judged (tcp port 22)";
    expect(
      riskyEntry(
        "aws_security_group_rule.hidden",
        { type: "ingress", protocol: "tcp", from_port: 22, to_port: 22, cidr_blocks: ["0.0.0.0/0"] },
        { after_sensitive: { cidr_blocks: true } },
      ),
    ).toBe(`- \`aws_security_group_rule.hidden\`: **other**\n  - **${hidden}:** \`cidr_blocks\` = (sensitive), \`protocol\` = \`tcp\`, \`from_port\` = \`22\`, \`to_port\` = \`22\``);
    expect(riskyEntry("aws_security_group_rule.later", { type: "ingress", protocol: "tcp", from_port: 22, to_port: 22 }, { after_unknown: { cidr_blocks: true } })).toBe(
      `- \`aws_security_group_rule.later\`: **other**\n  - **${hidden}:** \`cidr_blocks\` = (known after apply), \`protocol\` = \`tcp\`, \`from_port\` = \`22\`, \`to_port\` = \`22\``,
    );
    expect(
      riskyEntry("aws_security_group_rule.partly", { type: "ingress", protocol: "tcp", from_port: 22, to_port: 22, cidr_blocks: ["10.0.0.0/8", null] }, { after_unknown: { cidr_blocks: [false, true] } }),
    ).toBe(`- \`aws_security_group_rule.partly\`: **other**\n  - **${hidden}:** \`cidr_blocks[1]\` = (known after apply), \`protocol\` = \`tcp\`, \`from_port\` = \`22\`, \`to_port\` = \`22\``);
    expect(riskyEntry("aws_security_group.dynamic", { name: "web" }, { after_unknown: { ingress: true } })).toBe(
      "- `aws_security_group.dynamic`: **other**\n  - **inbound rules the plan does not show (sensitive or known only after apply), not judged:** `ingress` = (known after apply)",
    );
    expect(riskyEntry("aws_network_acl.part", { ingress: [{ action: "allow", cidr_block: "10.0.0.0/8", protocol: "-1", from_port: 0, to_port: 0 }, null] }, { after_unknown: { ingress: [false, true] } })).toBe(
      "- `aws_network_acl.part`: **other**\n  - **inbound rules the plan does not show (sensitive or known only after apply), not judged:** `ingress[1]` = (known after apply)",
    );
    // Egress, and a rule from another security group (no CIDR at all), are not listed.
    expect(riskyEntry("aws_security_group_rule.out", { type: "egress", protocol: "tcp", from_port: 22, to_port: 22 }, { after_unknown: { cidr_blocks: true } })).toBe("routine");
    expect(riskyEntry("aws_security_group_rule.peer", { type: "ingress", protocol: "tcp", from_port: 22, to_port: 22, cidr_blocks: null, source_security_group_id: null }, { after_unknown: { source_security_group_id: true } })).toBe(
      "routine",
    );
  });

  test("a sensitive value behind a risky create is masked, the rest shown", () => {
    expect(riskyEntry("aws_iam_user_login_profile.bob", { user: "bob", password_reset_required: false }, { after_sensitive: { user: true } })).toBe(
      "- `aws_iam_user_login_profile.bob`: **weakening**\n  - **a console password for an IAM user:** `user` = (sensitive), `password_reset_required` = `false`",
    );
  });

  test("values of the wrong type are not judged, and never break the summary", () => {
    for (const after of [
      { type: "ingress", cidr_blocks: "0.0.0.0/0 is not a list" },
      { type: "ingress", cidr_blocks: [{ cidr: "0.0.0.0/0" }, 7, null] },
      { type: ["ingress"], cidr_blocks: ["0.0.0.0/0"] },
    ]) {
      expect(() => summarizePlan(planOf(create("aws_security_group_rule.odd", after)))).not.toThrow();
    }
    expect(riskyEntry("aws_security_group_rule.odd", { type: "ingress", cidr_blocks: [{ cidr: "0.0.0.0/0" }, 7, null] })).toBe("routine");
    expect(riskyEntry("aws_security_group.odd", { ingress: { protocol: "tcp", cidr_blocks: ["0.0.0.0/0"] } })).toBe("routine");
    expect(riskyEntry("aws_security_group_rule.ports", { type: "ingress", protocol: "tcp", from_port: "x", to_port: {}, cidr_blocks: ["0.0.0.0/0"] })).toContain(
      "**open to the internet (tcp, ports as listed):**",
    );
  });

  test("hostile strings in a risky create stay literal text", () => {
    const address = "aws_lambda_function_url.x</details>`@admin";
    const markdown = summarizePlan(planOf(create(address, { function_name: "[click](https://evil.example) <img src=x> `` @org/team", authorization_type: "NONE" })));
    const html = toHtml(markdown);
    expect(tagNames(html).filter((tag) => !SUMMARY_TAGS.has(tag))).toEqual([]);
    expect(codeTexts(html)).toEqual(expect.arrayContaining([address, "[click](https://evil.example) <img src=x> `` @org/team"]));
  });
});

describe("a plan of 5,000 creates with eight risky ones in the middle", () => {
  const risky = [
    create("aws_security_group_rule.ssh", { type: "ingress", protocol: "tcp", from_port: 22, to_port: 22, cidr_blocks: ["0.0.0.0/0"], ipv6_cidr_blocks: ["::/0"] }),
    create("aws_vpc_security_group_ingress_rule.all", { ip_protocol: "-1", cidr_ipv4: "0.0.0.0/0" }),
    create("aws_s3_bucket_acl.open", { bucket: "events", acl: "public-read-write" }),
    create("aws_s3_bucket_public_access_block.off", { bucket: "events", block_public_acls: false, block_public_policy: false, ignore_public_acls: false, restrict_public_buckets: false }),
    create("aws_db_instance.public", { identifier: "db", publicly_accessible: true, storage_encrypted: true }),
    create("aws_lambda_function_url.open", { function_name: "hook", authorization_type: "NONE" }),
    create("aws_ebs_volume.plain", { size: 10, encrypted: false }),
    create("aws_iam_access_key.ci", { user: "ci", status: "Active" }),
  ];
  const routine = Array.from({ length: 4992 }, (_, i) => create(`aws_s3_bucket.routine_${i}`, { bucket: `routine-${i}`, force_destroy: false, tags: { team: "events" } }));
  const plan = planOf(...routine.slice(0, 2496), ...risky, ...routine.slice(2496));
  const markdown = summarizePlan(plan);

  test("the comment still fits 65,000 characters", () => {
    expect(markdown.length).toBeLessThanOrEqual(DEFAULT_MAX_CHARS);
    expect(markdown).toContain("Plan: 5000 to add, 0 to change, 0 to destroy.");
  });

  test("each risky create is listed, above the routine creates, with the values that make it risky", () => {
    const section = markdown.slice(markdown.indexOf("### Risky creates (8)"), markdown.indexOf("### Create (4,992)"));
    expect(markdown.indexOf("### Risky creates (8)")).toBeGreaterThan(0);
    expect(section).toContain("- `aws_security_group_rule.ssh`: **exposure or loss**\n  - **open to the internet (tcp port 22):** `cidr_blocks[0]` = `0.0.0.0/0`, `ipv6_cidr_blocks[0]` = `::/0`");
    expect(section).toContain("- `aws_vpc_security_group_ingress_rule.all`: **exposure or loss**\n  - **open to the internet (all protocols and ports):** `cidr_ipv4` = `0.0.0.0/0`");
    expect(section).toContain("- `aws_s3_bucket_acl.open`: **exposure or loss**\n  - **a public bucket ACL:** `acl` = `public-read-write`");
    expect(section).toContain("- `aws_s3_bucket_public_access_block.off`: **exposure or loss**\n  - **public access not fully blocked (4 of 4 settings off):**");
    expect(section).toContain("- `aws_db_instance.public`: **exposure or loss**\n  - **reachable from the internet:** `publicly_accessible` = `true`");
    expect(section).toContain("- `aws_lambda_function_url.open`: **exposure or loss**\n  - **a function URL anyone can call:** `authorization_type` = `NONE`");
    expect(section).toContain("- `aws_ebs_volume.plain`: **weakening**\n  - **storage not encrypted at rest:** `encrypted` = `false`");
    expect(section).toContain("- `aws_iam_access_key.ci`: **weakening**\n  - **a long-lived access key:** `user` = `ci`, `status` = `Active`");
    // Exposure first, then weakening.
    expect(section.indexOf("aws_lambda_function_url.open")).toBeLessThan(section.indexOf("aws_ebs_volume.plain"));
  });

  test("the routine creates are counted, listed as far as they fit, and the rest named in the note", () => {
    expect(markdown).toContain("### Create (4,992)\n\nBy type: `aws_s3_bucket` 4,992.\n\n");
    expect(markdown).toMatch(/\*\*Not listed here, to fit 65,000 characters:\*\* Create: [\d,]+ of 4,992\./);
  });
});

describe("a risky object created by a replacement", () => {
  test("a rule replaced for another attribute, opened to the internet in the same change, says so", () => {
    const rule = managed("aws_vpc_security_group_ingress_rule.ssh", {
      actions: ["delete", "create"],
      before: { security_group_id: "sg-1", cidr_ipv4: "10.0.0.0/8", ip_protocol: "tcp", from_port: 22, to_port: 22 },
      after: { security_group_id: "sg-2", cidr_ipv4: "0.0.0.0/0", ip_protocol: "tcp", from_port: 22, to_port: 22 },
      replace_paths: [["security_group_id"]],
    });
    expect(summarizePlan(planOf(rule))).toContain(
      "- `aws_vpc_security_group_ingress_rule.ssh` (destroy, then create): forced by `security_group_id`\n" +
        "  - **open to the internet (tcp port 22):** `cidr_ipv4` = `0.0.0.0/0`, `ip_protocol` = `tcp`, `from_port` = `22`, `to_port` = `22`\n" +
        "  - `security_group_id`: `sg-1` → `sg-2`\n",
    );
  });

  test("a public access block replaced on request with its settings off says so, and is listed before routine replacements", () => {
    const routine = Array.from({ length: 3000 }, (_, i) =>
      managed(`aws_instance.app_${String(i).padStart(4, "0")}`, { actions: ["delete", "create"], before: { ami: "ami-1" }, after: { ami: "ami-2" }, replace_paths: [["ami"]] }),
    );
    const block = managed(
      "aws_s3_bucket_public_access_block.events",
      { actions: ["delete", "create"], before: { bucket: "events", block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true }, after: { bucket: "events", block_public_acls: false, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true } },
      { action_reason: "replace_by_request" },
    );
    const markdown = summarizePlan(planOf(...routine, block));
    expect(markdown.length).toBeLessThanOrEqual(DEFAULT_MAX_CHARS);
    expect(markdown).toContain(
      "### Replace (3,001)\n\nBy type: `aws_instance` 3,000, `aws_s3_bucket_public_access_block` 1.\n\n" +
        "- `aws_s3_bucket_public_access_block.events` (destroy, then create): replacement was requested with -replace\n" +
        "  - **public access not fully blocked (1 of 4 settings off):** `block_public_acls` = `false`\n",
    );
  });
});

test("a bucket created with an inline grant to everyone is a public bucket ACL", () => {
  expect(
    riskyEntry("aws_s3_bucket.legacy", {
      bucket: "legacy",
      grant: [
        { id: "abc", type: "CanonicalUser", uri: "", permissions: ["FULL_CONTROL"] },
        { id: "", type: "Group", uri: "http://acs.amazonaws.com/groups/global/AllUsers", permissions: ["READ", "WRITE"] },
      ],
    }),
  ).toBe(
    "- `aws_s3_bucket.legacy`: **exposure or loss**\n" +
      '  - **a bucket ACL grant to everyone:** `grant[1].uri` = `http://acs.amazonaws.com/groups/global/AllUsers`, `grant[1].permissions` = `["READ","WRITE"]`',
  );
});

test("a public access block setting that is sensitive is not judged off", () => {
  expect(
    riskyEntry(
      "aws_s3_bucket_public_access_block.hidden",
      { bucket: "b", block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true },
      { after_sensitive: { block_public_acls: true } },
    ),
  ).toBe("routine");
});

test("a prefix list created with an internet-wide entry is open to the internet wherever a rule names it", () => {
  expect(riskyEntry("aws_ec2_managed_prefix_list.office", { name: "office", address_family: "IPv4", max_entries: 5, entry: [{ cidr: "10.1.0.0/16", description: "vpn" }, { cidr: "0.0.0.0/0", description: "office" }] })).toBe(
    "- `aws_ec2_managed_prefix_list.office`: **exposure or loss**\n  - **a prefix list holding the internet (open wherever a rule names it):** `entry[1].cidr` = `0.0.0.0/0`",
  );
  expect(riskyEntry("aws_ec2_managed_prefix_list_entry.office", { prefix_list_id: "pl-1", cidr: "::/0" })).toBe(
    "- `aws_ec2_managed_prefix_list_entry.office`: **exposure or loss**\n  - **a prefix list holding the internet (open wherever a rule names it):** `cidr` = `::/0`",
  );
  expect(riskyEntry("aws_ec2_managed_prefix_list.vpn", { name: "vpn", entry: [{ cidr: "10.1.0.0/16" }] })).toBe("routine");
});

test("a DMS replication instance created without publicly_accessible is public: DMS's default is true", () => {
  expect(riskyEntry("aws_dms_replication_instance.migrate", { replication_instance_class: "dms.t3.micro", publicly_accessible: null }, { after_unknown: { publicly_accessible: true } })).toBe(
    "- `aws_dms_replication_instance.migrate`: **exposure or loss**\n  - **reachable from the internet unless publicly_accessible is false (DMS makes an instance public by default):** `publicly_accessible` = (known after apply)",
  );
  expect(riskyEntry("aws_dms_replication_instance.private", { replication_instance_class: "dms.t3.micro", publicly_accessible: false })).toBe("routine");
});

describe("one create with thousands of risky values", () => {
  const decoy = create("aws_security_group.aaa_decoy", {
    ingress: Array.from({ length: 2000 }, (_, i) => ({ cidr_blocks: ["0.0.0.0/0", "::/0", "0.0.0.0/1", "128.0.0.0/1"], protocol: "tcp", from_port: 10000 + i, to_port: 10000 + i })),
  });
  const ssh = create("aws_security_group_rule.ssh", { type: "ingress", cidr_blocks: ["0.0.0.0/0"], protocol: "tcp", from_port: 22, to_port: 22 });

  test("takes a few lines, so the risky creates after it are still in the comment", () => {
    const markdown = summarizePlan(planOf(decoy, ssh));
    expect(markdown).toContain(
      "  - **open to the internet (tcp port 10004):** `ingress[4].cidr_blocks[0]` = `0.0.0.0/0`, `ingress[4].cidr_blocks[1]` = `::/0`, `ingress[4].cidr_blocks[2]` = `0.0.0.0/1`, `ingress[4].cidr_blocks[3]` = `128.0.0.0/1`, `ingress[4].protocol` = `tcp`, `ingress[4].from_port` = `10004`, `ingress[4].to_port` = `10004`\n" +
        "  - … and 1,995 more risks of this resource, left out for length\n" +
        "- `aws_security_group_rule.ssh`: **exposure or loss**\n",
    );
    expect(markdown.length).toBeLessThan(5_000);
  });

  test("without a size limit, every one is listed", () => {
    const markdown = summarizePlan(planOf(decoy, ssh), { maxChars: Infinity });
    expect(markdown).toContain("  - **open to the internet (tcp port 11999):**");
    expect(markdown).not.toContain("more risks of this resource");
  });
});

test("a replacement with thousands of replace_paths takes a few lines, so the replacements after it are still in the comment", () => {
  const paths = Array.from({ length: 3000 }, (_, i) => `attribute_${i}`);
  const decoy = managed(
    "aws_s3_bucket.aaa",
    { actions: ["delete", "create"], before: Object.fromEntries(paths.map((p) => [p, "a"])), after: Object.fromEntries(paths.map((p) => [p, "b"])), replace_paths: paths.map((p) => [p]) },
  );
  const rule = managed("aws_security_group_rule.ssh", {
    actions: ["delete", "create"],
    before: { type: "ingress", cidr_blocks: ["10.0.0.0/8"], protocol: "tcp", from_port: 22, to_port: 22 },
    after: { type: "ingress", cidr_blocks: ["0.0.0.0/0"], protocol: "tcp", from_port: 22, to_port: 22 },
    replace_paths: [["cidr_blocks"]],
  });
  const markdown = summarizePlan(planOf(decoy, rule));
  expect(markdown).toContain("  - `attribute_19`: `a` → `b`\n  - … and 2,980 more attributes that force it, left out for length\n");
  expect(markdown).toContain("- `aws_s3_bucket.aaa` (destroy, then create): forced by `attribute_0`, `attribute_1`");
  expect(markdown).toContain("`attribute_19` and 2,980 more\n");
  expect(markdown).toContain("- `aws_security_group_rule.ssh` (destroy, then create): forced by `cidr_blocks`\n");
  expect(markdown.length).toBeLessThan(10_000);
  expect(summarizePlan(planOf(decoy, rule), { maxChars: Infinity })).toContain("  - `attribute_2999`: `a` → `b`\n");
});
