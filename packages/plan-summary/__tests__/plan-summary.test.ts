import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import {
  type CliIo,
  type Plan,
  type ResourceChange,
  classifyActions,
  countPlan,
  diffPolicies,
  explainReplacement,
  parsePlan,
  parsePolicy,
  planLine,
  readPlanFile,
  renderPolicyAttribute,
  renderStatement,
  runCli,
  summarizePlan,
} from "..";
import { fixture, managed, planOf, policy, summary } from "./plan-summary-helpers";

const CLI = path.join(__dirname, "..", "bin", "plan-summary.js");

const STREAM = "aws_kinesis_firehose_delivery_stream.events_delivery-stream_3D4E5F6A";
const FIREHOSE_ROLE = "aws_iam_role.events_firehose-role_2B3C4D5E";
const FIREHOSE_ROLE_POLICY = "aws_iam_role_policy.events_firehose-role-policy_6F7A8B9C";
const SES_ROLE = "aws_iam_role.events_ses-role_7B8C9D0E";
const SES_ROLE_POLICY = "aws_iam_role_policy.events_ses-role-policy_1A2B3C4D";
const BUCKET = "aws_s3_bucket.events_bucket_1F2D3C4B";
const BUCKET_POLICY = "aws_s3_bucket_policy.events_bucket-policy_0E9F8A7B";
const CONFIGURATION_SET = "aws_sesv2_configuration_set.events_configuration-set_9E8D7C6B";
const EVENT_DESTINATION = "aws_sesv2_configuration_set_event_destination.events_event-destination_4F5E6D7C";
const LOG_GROUP = "aws_cloudwatch_log_group.events_delivery-log-group_5A6B7C8D";
const LOG_STREAM = "aws_cloudwatch_log_stream.events_delivery-log-stream_9D8C7B6A";
const BUCKET_ARN = "arn:aws:s3:::ses-events-111122223333";

function resource(plan: Plan, address: string): ResourceChange {
  const found = plan.resource_changes.find((change) => change.address === address);
  if (!found) throw new Error(`no ${address} in plan`);
  return found;
}

/** The lines of one section (from its ### heading to the next). */
function section(markdown: string, title: string): string {
  const start = markdown.indexOf(`\n### ${title} (`);
  if (start < 0) throw new Error(`no section ${title}`);
  const body = markdown.slice(start + 1);
  const end = body.indexOf("\n### ", 1);
  return (end < 0 ? body : body.slice(0, end)).trim();
}

/** The lines under one policy attribute entry, up to the next entry. */
function policyEntry(markdown: string, address: string, attribute: string): string {
  const heading = `- \`${address}\` \`${attribute}\`:\n`;
  const start = markdown.indexOf(heading);
  if (start < 0) throw new Error(`no policy entry for ${address} ${attribute}`);
  const body = markdown.slice(start + heading.length);
  const end = body.search(/\n(?! )/);
  return (end < 0 ? body : body.slice(0, end))
    .split("\n")
    .map((line) => line.replace(/^  /, ""))
    .join("\n");
}

function rolePolicyUpdate(before: string, after: string): ResourceChange {
  return managed("aws_iam_role_policy.example", { actions: ["update"], before: { policy: before }, after: { policy: after } });
}

function fakeIo(files: Record<string, string> = {}) {
  const out = { stdout: "", stderr: "", written: {} as Record<string, string> };
  const io: CliIo = {
    readFile: (file) => {
      if (!(file in files)) throw Object.assign(new Error(`ENOENT: ${file}`), { code: "ENOENT" });
      return files[file] as string;
    },
    writeFile: (file, text) => {
      out.written[file] = text;
    },
    stdout: (text) => {
      out.stdout += text;
    },
    stderr: (text) => {
      out.stderr += text;
    },
  };
  return { io, out };
}

describe("classifyActions", () => {
  test.each([
    [["create"], "create"],
    [["update"], "update"],
    [["delete"], "delete"],
    [["delete", "create"], "replace"],
    [["create", "delete"], "replace"],
    [["no-op"], "no-op"],
    [["read"], "read"],
    [["forget"], "forget"],
    [["create", "forget"], "other"],
  ])("classifies %j as %s", (actions, kind) => {
    expect(classifyActions(actions)).toBe(kind);
  });
});

describe("Terraform's plan line", () => {
  test("a first apply counts every resource to add and leaves data source reads out", () => {
    const markdown = summary("create-all.json");
    expect(markdown).toContain("\nPlan: 10 to add, 0 to change, 0 to destroy.\n");
    expect(markdown).toContain("1 data source to read.");
  });

  test("a replacement counts once to add and once to destroy, as Terraform counts it", () => {
    expect(summary("replace-stream.json")).toContain(
      "\nPlan: 1 to add, 2 to change, 1 to destroy.\n\n1 replacement (counted to add and to destroy), 7 unchanged.\n",
    );
  });

  test("imports lead the line and forgets end it, as Terraform 1.7 and later print them", () => {
    expect(summary("import-move-forget.json")).toContain(
      "\nPlan: 3 to import, 0 to add, 1 to change, 0 to destroy, 1 to forget.\n\n1 moved, 7 unchanged.\n",
    );
  });

  test("the import part is left out when nothing is imported", () => {
    expect(planLine(countPlan(planOf(managed("aws_s3_bucket.a", { actions: ["delete"] }))))).toBe(
      "Plan: 0 to add, 0 to change, 1 to destroy.",
    );
  });

  test("a deposed object being destroyed counts to destroy; a data source never counts", () => {
    const counts = countPlan(
      planOf(
        managed("aws_s3_bucket.a", { actions: ["delete"] }, { deposed: "00000001" }),
        managed("data.aws_region.current", { actions: ["read"] }, { mode: "data", type: "aws_region" }),
        managed("data.aws_region.old", { actions: ["delete"] }, { mode: "data", type: "aws_region" }),
      ),
    );
    expect(planLine(counts)).toBe("Plan: 0 to add, 0 to change, 1 to destroy.");
    expect(counts.read).toBe(1);
  });

  test("a plan with only no-ops says so in Terraform's words", () => {
    expect(summary("no-changes.json")).toBe(
      "## Terraform plan\n\nNo changes. Your infrastructure matches the configuration (10 unchanged).\n",
    );
  });

  test("a plan that changes only outputs still has the plan line, as Terraform prints it", () => {
    const plan = planOf();
    plan.output_changes = { name: { actions: ["update"], before: "a", after: "b", after_unknown: false, before_sensitive: false, after_sensitive: false } };
    const markdown = summarizePlan(plan);
    expect(markdown).toContain("\nPlan: 0 to add, 0 to change, 0 to destroy.\n");
    expect(section(markdown, "Output changes")).toBe("### Output changes (1)\n\n- `name`: `a` → `b`");
  });

  test("the heading names the stack as literal text", () => {
    expect(summary("no-changes.json", { stack: "ses-events" }).startsWith("## Terraform plan for stack `ses-events`\n")).toBe(true);
  });
});

describe("sections", () => {
  test("creates are listed with their counts per resource type", () => {
    const created = section(summary("create-all.json"), "Create");
    expect(created).toContain(
      "By type: `aws_iam_role` 2, `aws_iam_role_policy` 2, `aws_kinesis_firehose_delivery_stream` 1, `aws_s3_bucket` 1,",
    );
    expect(created).toContain(`- \`${STREAM}\`\n`);
    expect(created).toContain(`- \`${EVENT_DESTINATION}\``);
  });

  test("data source reads and unchanged resources are not listed", () => {
    expect(summary("create-all.json")).not.toContain("data.aws_iam_policy_document");
    expect(summary("policy-change.json")).not.toContain(`\`${BUCKET}\``);
  });

  test("sections come in order of risk: destroy, replace, IAM, security-relevant updates, forget, import, move, outputs, update, create", () => {
    const plan = planOf(
      managed("aws_s3_bucket.created", { actions: ["create"], after: { bucket: "c" } }),
      managed("aws_s3_bucket.updated", { actions: ["update"], before: { bucket: "u", acl: "a" }, after: { bucket: "u", acl: "b" } }),
      managed("aws_s3_bucket.moved", { actions: ["no-op"], before: {}, after: {} }, { previous_address: "aws_s3_bucket.old" }),
      managed("aws_s3_bucket.imported", { actions: ["no-op"], before: {}, after: {}, importing: { id: "imported" } }),
      managed("aws_s3_bucket.forgotten", { actions: ["forget"], before: {} }),
      managed("aws_iam_role_policy.p", { actions: ["update"], before: { policy: policy() }, after: { policy: policy({ Effect: "Allow", Action: "s3:A", Resource: "arn:x" }) } }),
      managed("aws_s3_bucket.replaced", { actions: ["delete", "create"], before: { bucket: "r" }, after: { bucket: "r2" }, replace_paths: [["bucket"]] }),
      managed("aws_s3_bucket.deleted", { actions: ["delete"], before: { bucket: "d" } }),
    );
    plan.output_changes = { out: { actions: ["create"], before: null, after: "x", after_unknown: false, before_sensitive: false, after_sensitive: false } };
    const headings = summarizePlan(plan).split("\n").filter((line) => line.startsWith("### "));
    expect(headings).toEqual([
      "### Destroy (1)",
      "### Replace (1)",
      "### IAM policy changes (1)",
      "### Security-relevant updates (2)",
      "### Forget (removed from state, not destroyed) (1)",
      "### Import (1)",
      "### Move (1)",
      "### Output changes (1)",
      "### Create (1)",
    ]);
  });

  test("a deleted resource says why Terraform deletes it", () => {
    const markdown = summarizePlan(
      planOf(managed("aws_s3_bucket.gone", { actions: ["delete"], before: {} }, { action_reason: "delete_because_no_resource_config" })),
    );
    expect(section(markdown, "Destroy")).toBe("### Destroy (1)\n\n- `aws_s3_bucket.gone`: its resource block was removed from the configuration");
  });

  test("an unusual combination of actions is listed in full with its actions", () => {
    const markdown = summarizePlan(planOf(managed("aws_s3_bucket.odd", { actions: ["create", "forget"] })));
    expect(section(markdown, "Unknown or unusual actions")).toBe(
      "### Unknown or unusual actions (1)\n\n- `aws_s3_bucket.odd`: actions `create`, `forget` (an unusual combination: read Terraform's own plan)",
    );
  });
});

describe("imports, moves and forgets", () => {
  test("each import is listed with its import ID", () => {
    const imported = section(summary("import-move-forget.json"), "Import");
    expect(imported).toContain(`- \`${CONFIGURATION_SET}\` from ID \`ses-events\`\n`);
    expect(imported).toContain(`- \`${LOG_GROUP}\` from ID \`/aws/kinesisfirehose/ses-events\``);
  });

  test("an import that also updates lists the attributes it changes", () => {
    expect(section(summary("import-move-forget.json"), "Import")).toContain(
      `- \`${EVENT_DESTINATION}\` from ID \`ses-events|firehose\`, then updated in place\n` +
        "  - `event_destination[0].enabled`: `false` → `true`",
    );
  });

  test("a moved resource is listed with its old and new address", () => {
    expect(section(summary("import-move-forget.json"), "Move")).toBe(
      `### Move (1)\n\n- \`aws_iam_role.firehose_role\` → \`${FIREHOSE_ROLE}\``,
    );
  });

  test("a forgotten resource is listed as removed from state, not destroyed", () => {
    expect(section(summary("import-move-forget.json"), "Forget")).toBe(
      `### Forget (removed from state, not destroyed) (1)\n\n- \`${LOG_STREAM}\``,
    );
  });

  test("an import whose ID is only known after apply says so", () => {
    const markdown = summarizePlan(planOf(managed("aws_s3_bucket.a", { actions: ["no-op"], before: {}, after: {}, importing: { unknown: true } })));
    expect(markdown).toContain("- `aws_s3_bucket.a` from an ID known after apply");
  });

  test("a replaced resource that also moved names its old address", () => {
    const markdown = summarizePlan(
      planOf(managed("aws_s3_bucket.b", { actions: ["delete", "create"], before: { bucket: "a" }, after: { bucket: "b" }, replace_paths: [["bucket"]] }, { previous_address: "aws_s3_bucket.a" })),
    );
    expect(markdown).toContain("- `aws_s3_bucket.b` (moved from `aws_s3_bucket.a`) (destroy, then create): forced by `bucket`");
  });
});

describe("in-place updates and outputs", () => {
  test("an update lists each changed attribute path with its old and new value", () => {
    expect(section(summary("policy-change.json"), "Update in place")).toContain(
      `- \`${FIREHOSE_ROLE}\`\n  - \`tags.Owner\`: (none) → \`messaging\`\n  - \`tags_all.Owner\`: (none) → \`messaging\``,
    );
  });

  test("a changed policy attribute points to the IAM section instead of printing the JSON twice", () => {
    expect(section(summary("policy-change.json"), "Security-relevant updates")).toContain(
      `- \`${FIREHOSE_ROLE_POLICY}\`: IAM\n  - \`policy\`: see IAM policy changes`,
    );
  });

  test("a value only known after apply is shown as such", () => {
    expect(section(summary("replace-stream.json"), "Update in place")).toContain(
      "  - `event_destination[0].kinesis_firehose_destination[0].delivery_stream_arn`: " +
        "`arn:aws:firehose:us-east-1:111122223333:deliverystream/ses-events` → (known after apply)",
    );
  });

  test("a long value replaced whole shows both sides, the long one shortened, saying how much was left out", () => {
    const markdown = summarizePlan(
      planOf(managed("aws_s3_bucket.a", { actions: ["update"], before: { note: "a" }, after: { note: "x".repeat(500) } })),
    );
    expect(markdown).toContain(
      "  - `note` (1 → 500 characters, 1 changed part shown with the text around it, the unchanged rest left out):\n" +
        "    - before, characters 1–1 of 1: `a`\n" +
        `    - after, characters 1–500 of 500: \`${"x".repeat(400)}… (100 more characters)\`\n`,
    );
  });

  test("changed outputs are listed; created ones with their value, unknown ones as known after apply", () => {
    expect(section(summary("create-all.json"), "Output changes")).toBe(
      "### Output changes (2)\n\n- `configuration_set_name`: added, `ses-events`\n- `delivery_stream_arn`: added, (known after apply)",
    );
  });
});

describe("replacements", () => {
  test("the replacement line names every attribute from replace_paths", () => {
    expect(summary("replace-stream.json")).toContain(
      `- \`${STREAM}\` (destroy, then create): forced by \`name\`, ` +
        "`extended_s3_configuration[0].dynamic_partitioning_configuration`\n",
    );
  });

  test("a forcing stream name shows its old and new value and why it forces replacement", () => {
    expect(summary("replace-stream.json")).toContain(
      "  - `name`: `ses-events` → `ses-events-v2`. A Firehose stream cannot be renamed:",
    );
  });

  test("a forcing dynamic partitioning block shows its values and the create-time-only hint", () => {
    expect(summary("replace-stream.json")).toContain(
      '  - `extended_s3_configuration[0].dynamic_partitioning_configuration`: `[]` → `[{"enabled":true,"retry_duration":300}]`. ' +
        "Dynamic partitioning can only be set when a stream is created",
    );
  });

  test("a forcing block with a sensitive child lists the block's changed attributes, the secret masked", () => {
    const markdown = summary("replace-sensitive-block.json");
    expect(markdown).toContain(
      "forced by `http_endpoint_configuration`\n" +
        '  - `http_endpoint_configuration`: `[{"access_key":(sensitive),"buffering_interval":300,',
    );
    expect(markdown).toContain(
      "    - `http_endpoint_configuration[0].access_key`: (sensitive) → (sensitive)\n" +
        "    - `http_endpoint_configuration[0].url`: `https://collector.example.com/v1` → `https://collector.example.com/v2`\n",
    );
    expect(markdown).not.toContain("hk_live_");
  });

  test("a forcing path inside the dynamic partitioning block gets the same hint", () => {
    const plan = readPlanFile(fixture("replace-stream.json"));
    const stream = structuredClone(resource(plan, STREAM));
    stream.change.replace_paths = [["extended_s3_configuration", 0, "dynamic_partitioning_configuration", 0, "enabled"]];
    const [cause] = explainReplacement(stream).causes;
    expect(cause?.hint).toMatch(/^Dynamic partitioning can only be set when a stream is created/);
    expect(cause?.after).toBe("true");
  });

  test("without replace_paths a changed configuration set name is named as the probable cause", () => {
    expect(summary("replace-legacy.json")).toContain(
      `- \`${CONFIGURATION_SET}\` (destroy, then create): probably forced by \`configuration_set_name\` ` +
        "(the plan does not list replace_paths)\n" +
        "  - **Breaking for senders:** mail sent with the name `ses-events` is rejected between its delete and create " +
        "(and after it, if the name changes); move senders to the new set first.\n" +
        "  - `configuration_set_name`: `ses-events` → `ses-events-prod`. An SES configuration set cannot be renamed",
    );
  });

  test("without replace_paths the event destination's moved configuration set gets its own hint", () => {
    expect(summary("replace-legacy.json")).toContain(
      "  - `configuration_set_name`: `ses-events` → `ses-events-prod`. The event destination moves to another configuration set",
    );
  });

  test("a replacement with no changed attribute is explained by its action_reason", () => {
    expect(summary("replace-legacy.json")).toContain(`- \`${SES_ROLE}\` (destroy, then create): the object is tainted\n`);
    expect(explainReplacement(resource(readPlanFile(fixture("replace-legacy.json")), SES_ROLE)).source).toBe("unreported");
  });

  test("an action_reason Terraform may add later is shown as literal text", () => {
    const markdown = summarizePlan(planOf(managed("aws_s3_bucket.a", { actions: ["delete", "create"] }, { action_reason: "replace_because_<new>" })));
    expect(markdown).toContain("- `aws_s3_bucket.a` (destroy, then create): the plan does not say which attribute forces it (reason `replace_because_<new>`)");
  });

  test("a create_before_destroy replacement says the new object is created first", () => {
    const markdown = summarizePlan(
      planOf(managed("aws_iam_role.example", { actions: ["create", "delete"], before: { name: "a" }, after: { name: "b" }, replace_paths: [["name"]] })),
    );
    expect(markdown).toContain("- `aws_iam_role.example` (create new, then destroy old): forced by `name`\n");
  });

  test("a forcing value that is unknown until apply is shown as known after apply", () => {
    const [cause] = explainReplacement(
      managed("aws_sesv2_configuration_set_event_destination.example", {
        actions: ["delete", "create"],
        before: { configuration_set_name: "ses-events" },
        after: {},
        after_unknown: { configuration_set_name: true },
        replace_paths: [["configuration_set_name"]],
      }),
    ).causes;
    expect(cause?.after).toBe("(known after apply)");
  });
});

describe("IAM policy changes", () => {
  test("a statement added to a role policy is shown with its actions, resource and condition", () => {
    expect(policyEntry(summary("policy-change.json"), FIREHOSE_ROLE_POLICY, "policy")).toContain(
      "- added `KmsForS3`: `Allow` `kms:Decrypt`, `kms:GenerateDataKey` on " +
        "`arn:aws:kms:us-east-1:111122223333:key/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d`; " +
        "condition `StringEquals` `kms:ViaService` = `s3.us-east-1.amazonaws.com`",
    );
  });

  test("a statement whose resources change lists the added and removed resources", () => {
    expect(policyEntry(summary("policy-change.json"), FIREHOSE_ROLE_POLICY, "policy")).toContain(
      `- changed \`S3Write\`: Resource added \`${BUCKET_ARN}/events/*\`, \`${BUCKET_ARN}/errors/*\` ` +
        `and removed \`${BUCKET_ARN}/*\``,
    );
  });

  test("unchanged statements of a changed policy are not listed", () => {
    const entry = policyEntry(summary("policy-change.json"), FIREHOSE_ROLE_POLICY, "policy");
    expect(entry).not.toContain("S3Bucket");
    expect(entry).not.toContain("logs:PutLogEvents");
    expect(entry.split("\n")).toHaveLength(2);
  });

  test("a trust policy statement without a Sid is matched by position and shows its condition change", () => {
    expect(policyEntry(summary("policy-change.json"), SES_ROLE, "assume_role_policy")).toBe(
      "- changed statement 1: Condition `StringEquals` `aws:SourceAccount` = `111122223333` → " +
        "`StringEquals` `aws:SourceAccount` = `111122223333` and " +
        "`ArnLike` `aws:SourceArn` = `arn:aws:ses:us-east-1:111122223333:configuration-set/ses-events`",
    );
  });

  test("a statement removed from a bucket policy is shown with its principal", () => {
    expect(policyEntry(summary("policy-change.json"), BUCKET_POLICY, "policy")).toBe(
      `- removed \`DenyUnencryptedUploads\`: \`Deny\` \`s3:PutObject\` on \`${BUCKET_ARN}/*\`; principal \`*\`; ` +
        "condition `StringNotEquals` `s3:x-amz-server-side-encryption` = `AES256`; **wider:** a Deny statement removed, what it denied may now be allowed",
    );
  });

  test("a role whose trust policy does not change gets no policy entry", () => {
    expect(summary("policy-change.json")).not.toContain(`- \`${FIREHOSE_ROLE}\` \`assume_role_policy\``);
  });

  test("the trust policy of a new role is listed statement by statement as added", () => {
    expect(policyEntry(summary("create-all.json"), FIREHOSE_ROLE, "assume_role_policy")).toBe(
      "- added `FirehoseAssumeRole`: `Allow` `sts:AssumeRole`; principal `Service` `firehose.amazonaws.com`; " +
        "condition `StringEquals` `sts:ExternalId` = `111122223333`",
    );
  });

  test("a new policy only known after apply is shown as known after apply", () => {
    expect(policyEntry(summary("create-all.json"), BUCKET_POLICY, "policy")).toBe("(known after apply)");
  });

  test("a changed policy only known after apply shows its current statements and says it is recomputed", () => {
    expect(policyEntry(summary("replace-stream.json"), SES_ROLE_POLICY, "policy")).toBe(
      "(known after apply: recomputed during apply; its current statements are)\n" +
        "- `PutEvents`: `Allow` `firehose:PutRecord`, `firehose:PutRecordBatch` on " +
        "`arn:aws:firehose:us-east-1:111122223333:deliverystream/ses-events`",
    );
  });

  test("a single changed resource is shown as before → after", () => {
    const lines = renderPolicyAttribute({
      label: "policy",
      before: { state: "known", text: policy({ Sid: "Put", Effect: "Allow", Action: "firehose:PutRecordBatch", Resource: "arn:a" }) },
      after: { state: "known", text: policy({ Sid: "Put", Effect: "Allow", Action: "firehose:PutRecordBatch", Resource: "arn:b" }) },
    });
    expect(lines).toEqual(["- changed `Put`: Resource `arn:a` → `arn:b`"]);
  });

  test("several changed fields of one statement are listed together", () => {
    const lines = renderPolicyAttribute({
      label: "policy",
      before: { state: "known", text: policy({ Sid: "S", Effect: "Allow", Action: "s3:GetObject", Resource: "*" }) },
      after: { state: "known", text: policy({ Sid: "S", Effect: "Deny", Action: ["s3:GetObject", "s3:PutObject"], Resource: "*" }) },
    });
    expect(lines).toEqual(["- changed `S`: Effect `Allow` → `Deny`; Action added `s3:PutObject`"]);
  });

  test("a string and a one-element list, or reordered lists, are the same statement", () => {
    const before = parsePolicy(policy({ Sid: "S", Effect: "Allow", Action: ["s3:A", "s3:B"], Resource: ["arn:x"] }));
    const after = parsePolicy(policy({ Sid: "S", Effect: "Allow", Action: ["s3:B", "s3:A"], Resource: "arn:x" }));
    expect(before && after && diffPolicies(before, after)).toEqual([]);
  });

  test("statements are matched by Sid when their order changes", () => {
    const read = { Sid: "Read", Effect: "Allow", Action: "s3:GetObject", Resource: "*" };
    const write = { Sid: "Write", Effect: "Allow", Action: "s3:PutObject", Resource: "*" };
    const before = parsePolicy(policy(read, write));
    const after = parsePolicy(policy({ ...write, Resource: "arn:x" }, read));
    expect(before && after && diffPolicies(before, after).map((diff) => `${diff.kind} ${diff.label}`)).toEqual([
      "changed `Write`",
    ]);
  });

  test("a statement whose Sid changes shows as removed and added", () => {
    const before = parsePolicy(policy({ Sid: "Old", Effect: "Allow", Action: "s3:A", Resource: "*" }));
    const after = parsePolicy(policy({ Sid: "New", Effect: "Allow", Action: "s3:A", Resource: "*" }));
    expect(before && after && diffPolicies(before, after).map((diff) => `${diff.kind} ${diff.label}`)).toEqual([
      "added `New`",
      "removed `Old`",
    ]);
  });

  test("a policy that is not valid JSON is shown raw, as literal text", () => {
    const markdown = summarizePlan(planOf(rolePolicyUpdate("{not json", policy())));
    expect(policyEntry(markdown, "aws_iam_role_policy.example", "policy")).toBe(
      'Not valid policy JSON; raw values:\n- before: `{not json`\n- after: `{"Version":"2012-10-17","Statement":[]}`',
    );
  });

  test("a policy with a sensitive value is not printed", () => {
    const change = rolePolicyUpdate(policy(), policy({ Effect: "Allow", Action: "s3:A", Resource: "*" }));
    change.change.after_sensitive = { policy: true };
    expect(policyEntry(summarizePlan(planOf(change)), "aws_iam_role_policy.example", "policy")).toBe("(sensitive value hidden)");
  });

  test("inline policies of a role are matched by name", () => {
    const statement = { Sid: "Logs", Effect: "Allow", Action: "logs:PutLogEvents", Resource: "*" };
    const markdown = summarizePlan(
      planOf(
        managed("aws_iam_role.example", {
          actions: ["update"],
          before: { assume_role_policy: policy(), inline_policy: [{ name: "logs", policy: policy(statement) }] },
          after: {
            assume_role_policy: policy(),
            inline_policy: [
              { name: "kms", policy: policy() },
              { name: "logs", policy: policy({ ...statement, Resource: "arn:aws:logs:*" }) },
            ],
          },
          after_unknown: { inline_policy: [{}, {}] },
        }),
      ),
    );
    expect(policyEntry(markdown, "aws_iam_role.example", 'inline_policy "logs"')).toBe("- changed `Logs`: Resource `*` → `arn:aws:logs:*`");
    expect(markdown).not.toContain('inline_policy "kms"');
  });

  test("NotAction, NotResource and NotPrincipal statements are rendered as exceptions", () => {
    expect(
      renderStatement({ Effect: "Deny", NotAction: "iam:*", NotResource: ["arn:x"], NotPrincipal: { AWS: "arn:root" } }),
    ).toBe("`Deny` all actions except `iam:*` on all resources except `arn:x`; principal anyone except `AWS` `arn:root`");
  });

  test("a deleted policy lists the statements it removes", () => {
    const change = managed("aws_iam_role_policy.gone", { actions: ["delete"], before: { policy: policy({ Effect: "Allow", Action: "s3:A", Resource: "*" }) } });
    expect(section(summarizePlan(planOf(change)), "IAM policy changes")).toBe(
      "### IAM policy changes (1)\n\n- `aws_iam_role_policy.gone` `policy`:\n  - removed statement 1: `Allow` `s3:A` on `*`",
    );
  });
});

describe("input validation", () => {
  test("a file that is not JSON is rejected with its name", () => {
    expect(() => parsePlan("Terraform will perform the following actions:", "plan.txt")).toThrow(
      /^"plan\.txt" is not valid JSON \(/,
    );
  });

  test("a state file is rejected as state, not a plan", () => {
    expect(() => readPlanFile(fixture("state.json"))).toThrow(
      `"${fixture("state.json")}" looks like state, not a plan: it has "values" but no "resource_changes" or "planned_values"`,
    );
  });

  test("JSON without format_version is rejected as not a Terraform plan", () => {
    expect(() => parsePlan('{"resource_changes": []}', "other.json")).toThrow(
      '"other.json" is not a Terraform plan: it has no "format_version"',
    );
  });

  test("an empty state document with only format_version is rejected", () => {
    expect(() => parsePlan('{"format_version": "1.0"}', "empty.json")).toThrow(
      '"empty.json" is not a Terraform plan: it has no "resource_changes" or "planned_values"',
    );
  });

  test("a JSON array is rejected as not a Terraform plan", () => {
    expect(() => parsePlan("[]", "list.json")).toThrow('"list.json" is not a Terraform plan: expected a JSON object');
  });

  test("an unsupported major format version is rejected", () => {
    expect(() => parsePlan('{"format_version": "2.0", "resource_changes": []}', "future.json")).toThrow(
      '"future.json" uses JSON format version 2.0; only 0.x and 1.x are supported.',
    );
  });

  test("plan keys, versions and file names in messages cannot forge lines or terminal escapes", () => {
    const markers = JSON.stringify({ format_version: "1.2", resource_changes: [{ address: "a.b", type: "a", change: { actions: ["update"], after_sensitive: { "x\n\u001b[2J": "yes" } } }] });
    expect(() => parsePlan(markers, "p.json")).toThrow(
      'resource_changes[0].change.after_sensitive["x\\n\\u001b[2J"] is a string, expected true, false, or an object or array of those',
    );
    expect(() => parsePlan('{"format_version": "9\\u001b[2J", "resource_changes": []}', "p.json")).toThrow('uses JSON format version "9\\u001b[2J";');
    expect(() => parsePlan("{", "plan\u009b1m.json")).toThrow(/^"plan\\u009b1m\.json" is not valid JSON/);
    const { io, out } = fakeIo({ "plan.json": readFileSync(fixture("replace-stream.json"), "utf8") });
    expect(runCli(["plan.json", "--\u001b[2J"], io)).toBe(1);
    expect(out.stderr).toContain('plan-summary: Unknown option "--\\u001b[2J".');
  });

  test("a resource change without actions is rejected with its index", () => {
    const text = JSON.stringify({ format_version: "1.2", resource_changes: [{ address: "a.b", type: "a", change: {} }] });
    expect(() => parsePlan(text, "broken.json")).toThrow(
      "resource_changes[0].change.actions is missing, expected a non-empty array of action names",
    );
  });

  test.each([
    [{ resource_changes: {} }, "resource_changes is an object, expected an array"],
    [{ resource_changes: [null] }, "resource_changes[0] is null, expected an object"],
    [{ resource_changes: [{ address: 7, type: "a", change: { actions: ["create"] } }] }, "resource_changes[0].address is number 7, expected a non-empty string"],
    [{ resource_changes: [{ address: "a.b", type: "a", change: { actions: [] } }] }, "resource_changes[0].change.actions is an array, expected a non-empty array of action names"],
    [{ resource_changes: [{ address: "a.b", type: "a", change: { actions: ["update"], after_sensitive: "yes" } }] }, "resource_changes[0].change.after_sensitive is a string, expected true, false, or an object or array of those"],
    [{ resource_changes: [{ address: "a.b", type: "a", change: { actions: ["update"], before_sensitive: { a: [{ b: 1 }] } } }] }, "resource_changes[0].change.before_sensitive.a[0].b is number 1, expected true, false, or an object or array of those"],
    [{ resource_changes: [{ address: "a.b", type: "a", change: { actions: ["delete", "create"], replace_paths: [["a", {}]] } }] }, "resource_changes[0].change.replace_paths[0] is an array, expected an array of attribute names and list indexes"],
    [{ resource_changes: [{ address: "a.b", type: "a", change: { actions: ["no-op"], importing: "id" } }] }, "resource_changes[0].change.importing is a string, expected an object"],
    [{ resource_changes: [{ address: "a.b", type: "a", change: { actions: ["no-op"], importing: { id: 5 } } }] }, "resource_changes[0].change.importing.id is number 5, expected a string"],
    [{ resource_changes: [{ address: "a.b", type: "a", previous_address: [], change: { actions: ["no-op"] } }] }, "resource_changes[0].previous_address is an array, expected a string"],
    [{ resource_changes: [], output_changes: [] }, "output_changes is an array, expected an object"],
    [{ resource_changes: [], output_changes: { x: { actions: "update" } } }, 'output_changes["x"].actions is a string, expected a non-empty array of action names'],
  ])("a wrong type at any depth is named with its place and the expected type (%#)", (plan, problem) => {
    expect(() => parsePlan(JSON.stringify({ format_version: "1.2", ...plan }), "plan.json")).toThrow(
      `"plan.json" is not a Terraform plan: ${problem}; pass the output of`,
    );
  });

  test("a value nested deeper than any provider writes is refused, not a stack overflow", () => {
    const deep = `${"[".repeat(5000)}${"]".repeat(5000)}`;
    const text = `{"format_version":"1.2","resource_changes":[{"address":"a.b","type":"a","change":{"actions":["update"],"before":${deep}}}]}`;
    expect(() => parsePlan(text, "deep.json")).toThrow("resource_changes[0].change.before is nested more than 100 levels deep");
  });

  test("a key named __proto__ in a marker tree is data, not a prototype", () => {
    const text = '{"format_version":"1.2","resource_changes":[{"address":"a.b","type":"a","change":{"actions":["update"],"before":{"__proto__":"old"},"after":{"__proto__":"new"},"after_sensitive":{"__proto__":true}}}]}';
    const markdown = summarizePlan(parsePlan(text, "proto.json"));
    expect(markdown).toContain("  - `__proto__`: (sensitive) → (sensitive)");
  });

  test("a missing file is reported by name", () => {
    expect(() => readPlanFile(fixture("missing.json"))).toThrow(`Cannot read "${fixture("missing.json")}": no such file`);
  });

  test("a plan for a configuration without resources has no changes", () => {
    const plan = parsePlan('{"format_version": "1.2", "planned_values": {"root_module": {}}}', "outputs-only.json");
    expect(summarizePlan(plan)).toBe("## Terraform plan\n\nNo changes. Your infrastructure matches the configuration.\n");
  });
});

describe("runCli", () => {
  const planJson = readFileSync(fixture("replace-stream.json"), "utf8");

  test("prints the summary on stdout and exits 0", () => {
    const { io, out } = fakeIo({ "plan.json": planJson });
    expect(runCli(["plan.json"], io)).toBe(0);
    expect(out.stdout).toContain("\nPlan: 1 to add, 2 to change, 1 to destroy.\n");
    expect(out.stderr).toBe("");
  });

  test("--output writes the summary to the file and nothing to stdout", () => {
    const { io, out } = fakeIo({ "plan.json": planJson });
    expect(runCli(["plan.json", "--output", "summary.md", "--stack", "ses-events"], io)).toBe(0);
    expect(out.written["summary.md"]).toMatch(/^## Terraform plan for stack `ses-events`\n/);
    expect(out.stdout).toBe("");
  });

  test("--output=FILE is accepted too", () => {
    const { io, out } = fakeIo({ "plan.json": planJson });
    expect(runCli(["--output=summary.md", "plan.json"], io)).toBe(0);
    expect(Object.keys(out.written)).toEqual(["summary.md"]);
  });

  test("without a plan file it prints the usage on stderr and exits 1", () => {
    const { io, out } = fakeIo();
    expect(runCli([], io)).toBe(1);
    expect(out.stderr).toContain("plan-summary: Missing the plan JSON file.");
    expect(out.stderr).toContain("Usage: npm run plan-summary -- <plan.json> [--output FILE]");
  });

  test("an unknown option is a usage error", () => {
    const { io, out } = fakeIo({ "plan.json": planJson });
    expect(runCli(["plan.json", "--json"], io)).toBe(1);
    expect(out.stderr).toContain('plan-summary: Unknown option "--json".');
  });

  test("--output without a file name is a usage error", () => {
    const { io, out } = fakeIo({ "plan.json": planJson });
    expect(runCli(["plan.json", "--output"], io)).toBe(1);
    expect(out.stderr).toContain("plan-summary: --output needs a value.");
  });

  test("a state file is reported on stderr without the usage text", () => {
    const { io, out } = fakeIo({ "state.json": readFileSync(fixture("state.json"), "utf8") });
    expect(runCli(["state.json"], io)).toBe(1);
    expect(out.stderr).toMatch(/^plan-summary: "state\.json" looks like state, not a plan/);
    expect(out.stderr).not.toContain("Usage:");
  });

  test("--max-chars bounds the summary and --full-out writes everything, named in the note", () => {
    const resources = Array.from({ length: 400 }, (_, i) => ({ address: `aws_s3_bucket.b${i}`, mode: "managed", type: "aws_s3_bucket", change: { actions: ["create"], before: null, after: {} } }));
    const { io, out } = fakeIo({ "plan.json": JSON.stringify({ format_version: "1.2", resource_changes: resources }) });
    expect(runCli(["plan.json", "--max-chars", "5000", "--full-out", "full.md", "--output", "summary.md"], io)).toBe(0);
    const short = out.written["summary.md"] as string;
    const full = out.written["full.md"] as string;
    expect(short.length).toBeLessThanOrEqual(5000);
    expect(short).toMatch(/\*\*Not listed here, to fit 5,000 characters:\*\* Create: \d+ of 400\. The full summary is in `full\.md`\.\n$/);
    expect(full).toContain("- `aws_s3_bucket.b399`\n");
    expect(full).not.toContain("Not listed here");
  });

  test("--full-location is the caller's own words in the note", () => {
    const resources = Array.from({ length: 400 }, (_, i) => ({ address: `aws_s3_bucket.b${i}`, mode: "managed", type: "aws_s3_bucket", change: { actions: ["create"] } }));
    const { io, out } = fakeIo({ "plan.json": JSON.stringify({ format_version: "1.2", resource_changes: resources }) });
    expect(runCli(["plan.json", "--max-chars=5000", "--full-location", "the job summary"], io)).toBe(0);
    expect(out.stdout).toMatch(/The full summary is in the job summary\.\n$/);
  });

  test.each([
    [["--max-chars", "abc"], '--max-chars "abc" is not a whole number.'],
    [["--max-chars", "100"], "--max-chars 100 is too small: use at least 2000, or 0 for no limit."],
    [["--stack", "a", "--stack", "b"], "--stack is given twice."],
    [["--stack"], "--stack needs a value."],
  ])("%j is a usage error", (args, message) => {
    const { io, out } = fakeIo({ "plan.json": planJson });
    expect(runCli(["plan.json", ...args], io)).toBe(1);
    expect(out.stderr).toContain(`plan-summary: ${message}\n`);
  });

  test("--max-chars 0 lifts the limit", () => {
    const { io, out } = fakeIo({ "plan.json": planJson });
    expect(runCli(["plan.json", "--max-chars", "0"], io)).toBe(0);
    expect(out.stdout).toContain("Plan: 1 to add");
  });

  test("--help prints the usage on stdout and exits 0", () => {
    const { io, out } = fakeIo();
    expect(runCli(["--help"], io)).toBe(0);
    expect(out.stdout).toContain("Usage: npm run plan-summary");
  });
});

describe("bin/plan-summary.js", () => {
  function run(...args: string[]) {
    return spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8" });
  }

  test("prints the Markdown summary of a plan file", () => {
    const result = run(fixture("policy-change.json"));
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("### IAM policy changes (3)");
  });

  test("writes the summary to the --output file", () => {
    const output = path.join(mkdtempSync(path.join(tmpdir(), "plan-summary-")), "summary.md");
    const result = run(fixture("no-changes.json"), "--output", output);
    expect(result.status).toBe(0);
    expect(readFileSync(output, "utf8")).toContain("No changes.");
  });

  test("exits 1 with the message and no stack trace for a missing file", () => {
    const result = run("does-not-exist.json");
    expect(result.status).toBe(1);
    expect(result.stderr).toBe('plan-summary: Cannot read "does-not-exist.json": no such file\n');
  });
});
