import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import {
  type CliIo,
  type Plan,
  type ResourceChange,
  classifyActions,
  diffPolicies,
  explainReplacement,
  parsePlan,
  parsePolicy,
  readPlanFile,
  renderPolicyAttribute,
  renderStatement,
  runCli,
  summarizePlan,
} from "../scripts/plan-summary";

const FIXTURES = path.join(__dirname, "fixtures", "plans");
const CLI = path.join(__dirname, "..", "scripts", "plan-summary-cli.js");

const STREAM = "aws_kinesis_firehose_delivery_stream.events_delivery-stream_3D4E5F6A";
const FIREHOSE_ROLE = "aws_iam_role.events_firehose-role_2B3C4D5E";
const FIREHOSE_ROLE_POLICY = "aws_iam_role_policy.events_firehose-role-policy_6F7A8B9C";
const SES_ROLE = "aws_iam_role.events_ses-role_7B8C9D0E";
const SES_ROLE_POLICY = "aws_iam_role_policy.events_ses-role-policy_1A2B3C4D";
const BUCKET = "aws_s3_bucket.events_bucket_1F2D3C4B";
const BUCKET_POLICY = "aws_s3_bucket_policy.events_bucket-policy_0E9F8A7B";
const CONFIGURATION_SET = "aws_sesv2_configuration_set.events_configuration-set_9E8D7C6B";
const EVENT_DESTINATION = "aws_sesv2_configuration_set_event_destination.events_event-destination_4F5E6D7C";
const BUCKET_ARN = "arn:aws:s3:::ses-events-111122223333";

function fixture(name: string): string {
  return path.join(FIXTURES, name);
}

function summary(name: string): string {
  return summarizePlan(readPlanFile(fixture(name)));
}

function resource(plan: Plan, address: string): ResourceChange {
  const found = plan.resource_changes.find((change) => change.address === address);
  if (!found) throw new Error(`no ${address} in plan`);
  return found;
}

/** The lines under one policy attribute heading, up to the next heading. */
function policySection(markdown: string, address: string, attribute: string): string {
  const heading = `#### \`${address}\` \`${attribute}\`\n\n`;
  const start = markdown.indexOf(heading);
  if (start < 0) throw new Error(`no policy section for ${address} ${attribute}`);
  const body = markdown.slice(start + heading.length);
  const end = body.indexOf("\n#");
  return (end < 0 ? body : body.slice(0, end)).trim();
}

function policy(...statements: object[]): string {
  return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}

function rolePolicyUpdate(before: string, after: string): ResourceChange {
  return {
    address: "aws_iam_role_policy.example",
    type: "aws_iam_role_policy",
    change: { actions: ["update"], before: { policy: before }, after: { policy: after }, after_unknown: {} },
  };
}

function planOf(...changes: ResourceChange[]): Plan {
  return { format_version: "1.2", resource_changes: changes };
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
    [["forget"], "other"],
  ])("classifies %j as %s", (actions, kind) => {
    expect(classifyActions(actions)).toBe(kind);
  });
});

describe("counts and change table", () => {
  test("a first apply counts every resource as a create and data source reads separately", () => {
    expect(summary("create-all.json")).toContain(
      "**Plan:** 10 to create, 0 to update, 0 to replace, 0 to delete (1 data source to read).",
    );
  });

  test("the change table lists each created resource with its action, address and type", () => {
    const markdown = summary("create-all.json");
    expect(markdown).toContain("| Action | Address | Type |\n| --- | --- | --- |\n");
    expect(markdown).toContain(`| create | \`${STREAM}\` | \`aws_kinesis_firehose_delivery_stream\` |`);
    expect(markdown).toContain(`| create | \`${EVENT_DESTINATION}\` | \`aws_sesv2_configuration_set_event_destination\` |`);
  });

  test("the change table leaves out data source reads", () => {
    expect(summary("create-all.json")).not.toContain("data.aws_iam_policy_document");
  });

  test("the change table leaves out resources that do not change", () => {
    const markdown = summary("policy-change.json");
    expect(markdown).toContain(`| update | \`${BUCKET_POLICY}\` | \`aws_s3_bucket_policy\` |`);
    expect(markdown).not.toContain(BUCKET);
  });

  test("unchanged resources are counted next to the changes", () => {
    expect(summary("policy-change.json")).toContain(
      "**Plan:** 0 to create, 4 to update, 0 to replace, 0 to delete (6 unchanged).",
    );
  });

  test("a plan with only no-ops prints the heading and a no-changes line", () => {
    expect(summary("no-changes.json")).toBe(
      "## Terraform plan\n\n**No changes.** Infrastructure matches the configuration (10 unchanged).\n",
    );
  });

  test("the heading uses the given title", () => {
    const markdown = summarizePlan(readPlanFile(fixture("no-changes.json")), { title: "Stack `ses-events`" });
    expect(markdown.startsWith("## Stack `ses-events`\n")).toBe(true);
  });

  test("a pipe in an address is escaped in the table", () => {
    const markdown = summarizePlan(
      planOf({ address: 'aws_s3_bucket.b["a|b"]', type: "aws_s3_bucket", change: { actions: ["delete"] } }),
    );
    expect(markdown).toContain('| delete | `aws_s3_bucket.b["a\\|b"]` | `aws_s3_bucket` |');
  });
});

describe("replacements", () => {
  test("a replacement is counted apart from updates", () => {
    expect(summary("replace-stream.json")).toContain(
      "**Plan:** 0 to create, 2 to update, 1 to replace, 0 to delete (7 unchanged).",
    );
  });

  test("the replacement line names every attribute from replace_paths", () => {
    expect(summary("replace-stream.json")).toContain(
      `- \`${STREAM}\` (delete, then create): forced by \`name\`, ` +
        "`extended_s3_configuration.0.dynamic_partitioning_configuration`\n",
    );
  });

  test("a forcing stream name shows its old and new value and why it forces replacement", () => {
    expect(summary("replace-stream.json")).toContain(
      "  - `name`: `ses-events` → `ses-events-v2`. A Firehose stream cannot be renamed:",
    );
  });

  test("a forcing dynamic partitioning block shows its values and the create-time-only hint", () => {
    expect(summary("replace-stream.json")).toContain(
      '  - `extended_s3_configuration.0.dynamic_partitioning_configuration`: `[]` → `[{"enabled":true,"retry_duration":300}]`. ' +
        "Dynamic partitioning can only be set when a stream is created",
    );
  });

  test("a forcing path inside the dynamic partitioning block gets the same hint", () => {
    const plan = readPlanFile(fixture("replace-stream.json"));
    const stream = structuredClone(resource(plan, STREAM));
    stream.change.replace_paths = [["extended_s3_configuration", 0, "dynamic_partitioning_configuration", 0, "enabled"]];
    const [cause] = explainReplacement(stream).causes;
    expect(cause?.hint).toMatch(/^Dynamic partitioning can only be set when a stream is created/);
    expect(cause?.after).toBe("`true`");
  });

  test("without replace_paths a changed configuration set name is named as the probable cause", () => {
    expect(summary("replace-legacy.json")).toContain(
      `- \`${CONFIGURATION_SET}\` (delete, then create): probably forced by \`configuration_set_name\` ` +
        "(the plan does not list replace_paths)\n" +
        "  - `configuration_set_name`: `ses-events` → `ses-events-prod`. An SES configuration set cannot be renamed",
    );
  });

  test("without replace_paths the event destination's moved configuration set gets its own hint", () => {
    expect(summary("replace-legacy.json")).toContain(
      "  - `configuration_set_name`: `ses-events` → `ses-events-prod`. The event destination moves to another configuration set",
    );
  });

  test("a replacement with no changed attribute is explained by its action_reason", () => {
    const markdown = summary("replace-legacy.json");
    expect(markdown).toContain(`- \`${SES_ROLE}\` (delete, then create): the object is tainted\n`);
    expect(explainReplacement(resource(readPlanFile(fixture("replace-legacy.json")), SES_ROLE)).source).toBe(
      "unreported",
    );
  });

  test("a create_before_destroy replacement says the new object is created first", () => {
    const markdown = summarizePlan(
      planOf({
        address: "aws_iam_role.example",
        type: "aws_iam_role",
        change: { actions: ["create", "delete"], before: { name: "a" }, after: { name: "b" }, replace_paths: [["name"]] },
      }),
    );
    expect(markdown).toContain("- `aws_iam_role.example` (create new, then delete old): forced by `name`\n");
  });

  test("a forcing value that is unknown until apply is shown as known after apply", () => {
    const [cause] = explainReplacement({
      address: "aws_sesv2_configuration_set_event_destination.example",
      type: "aws_sesv2_configuration_set_event_destination",
      change: {
        actions: ["delete", "create"],
        before: { configuration_set_name: "ses-events" },
        after: {},
        after_unknown: { configuration_set_name: true },
        replace_paths: [["configuration_set_name"]],
      },
    }).causes;
    expect(cause?.after).toBe("(known after apply)");
  });
});

describe("IAM policy changes", () => {
  test("a statement added to a role policy is shown with its actions, resource and condition", () => {
    expect(policySection(summary("policy-change.json"), FIREHOSE_ROLE_POLICY, "policy")).toContain(
      "- added `KmsForS3`: Allow `kms:Decrypt`, `kms:GenerateDataKey` on " +
        "`arn:aws:kms:us-east-1:111122223333:key/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d`; " +
        "condition StringEquals `kms:ViaService` = `s3.us-east-1.amazonaws.com`",
    );
  });

  test("a statement whose resources change lists the added and removed resources", () => {
    expect(policySection(summary("policy-change.json"), FIREHOSE_ROLE_POLICY, "policy")).toContain(
      `- changed \`S3Write\`: Resource added \`${BUCKET_ARN}/events/*\`, \`${BUCKET_ARN}/errors/*\` ` +
        `and removed \`${BUCKET_ARN}/*\``,
    );
  });

  test("unchanged statements of a changed policy are not listed", () => {
    const section = policySection(summary("policy-change.json"), FIREHOSE_ROLE_POLICY, "policy");
    expect(section).not.toContain("S3Bucket");
    expect(section).not.toContain("logs:PutLogEvents");
    expect(section.split("\n")).toHaveLength(2);
  });

  test("a trust policy statement without a Sid is matched by position and shows its condition change", () => {
    expect(policySection(summary("policy-change.json"), SES_ROLE, "assume_role_policy")).toBe(
      "- changed statement 1: Condition StringEquals `aws:SourceAccount` = `111122223333` → " +
        "StringEquals `aws:SourceAccount` = `111122223333` and " +
        "ArnLike `aws:SourceArn` = `arn:aws:ses:us-east-1:111122223333:configuration-set/ses-events`",
    );
  });

  test("a statement removed from a bucket policy is shown with its principal", () => {
    expect(policySection(summary("policy-change.json"), BUCKET_POLICY, "policy")).toBe(
      `- removed \`DenyUnencryptedUploads\`: Deny \`s3:PutObject\` on \`${BUCKET_ARN}/*\`; principal \`*\`; ` +
        "condition StringNotEquals `s3:x-amz-server-side-encryption` = `AES256`",
    );
  });

  test("a role whose trust policy does not change gets no policy section", () => {
    expect(summary("policy-change.json")).not.toContain(`#### \`${FIREHOSE_ROLE}\``);
  });

  test("the trust policy of a new role is listed statement by statement as added", () => {
    expect(policySection(summary("create-all.json"), FIREHOSE_ROLE, "assume_role_policy")).toBe(
      "- added `FirehoseAssumeRole`: Allow `sts:AssumeRole`; principal Service `firehose.amazonaws.com`; " +
        "condition StringEquals `sts:ExternalId` = `111122223333`",
    );
  });

  test("a policy that is unknown until apply is shown as known after apply", () => {
    const markdown = summary("replace-stream.json");
    expect(policySection(markdown, SES_ROLE_POLICY, "policy")).toBe("(known after apply)");
    expect(policySection(summary("create-all.json"), BUCKET_POLICY, "policy")).toBe("(known after apply)");
  });

  test("a single changed resource is shown as before → after", () => {
    const body = renderPolicyAttribute({
      label: "policy",
      before: { state: "known", text: policy({ Sid: "Put", Effect: "Allow", Action: "firehose:PutRecordBatch", Resource: "arn:a" }) },
      after: { state: "known", text: policy({ Sid: "Put", Effect: "Allow", Action: "firehose:PutRecordBatch", Resource: "arn:b" }) },
    });
    expect(body).toBe("- changed `Put`: Resource `arn:a` → `arn:b`");
  });

  test("several changed fields of one statement are listed together", () => {
    const body = renderPolicyAttribute({
      label: "policy",
      before: { state: "known", text: policy({ Sid: "S", Effect: "Allow", Action: "s3:GetObject", Resource: "*" }) },
      after: { state: "known", text: policy({ Sid: "S", Effect: "Deny", Action: ["s3:GetObject", "s3:PutObject"], Resource: "*" }) },
    });
    expect(body).toBe("- changed `S`: Effect Allow → Deny; Action added `s3:PutObject`");
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

  test("a policy that is not valid JSON is shown raw", () => {
    const markdown = summarizePlan(planOf(rolePolicyUpdate("{not json", policy())));
    expect(policySection(markdown, "aws_iam_role_policy.example", "policy")).toContain(
      "Not valid policy JSON; raw values:\n\nBefore:\n\n```text\n{not json\n```",
    );
  });

  test("a policy with a sensitive value is not printed", () => {
    const change = rolePolicyUpdate(policy(), policy({ Effect: "Allow", Action: "s3:A", Resource: "*" }));
    change.change.after_sensitive = { policy: true };
    expect(policySection(summarizePlan(planOf(change)), "aws_iam_role_policy.example", "policy")).toBe(
      "(sensitive value hidden)",
    );
  });

  test("inline policies of a role are matched by name", () => {
    const statement = { Sid: "Logs", Effect: "Allow", Action: "logs:PutLogEvents", Resource: "*" };
    const markdown = summarizePlan(
      planOf({
        address: "aws_iam_role.example",
        type: "aws_iam_role",
        change: {
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
        },
      }),
    );
    expect(policySection(markdown, "aws_iam_role.example", 'inline_policy "logs"')).toBe(
      "- changed `Logs`: Resource `*` → `arn:aws:logs:*`",
    );
    expect(markdown).not.toContain('inline_policy "kms"');
  });

  test("NotAction, NotResource and NotPrincipal statements are rendered as exceptions", () => {
    expect(
      renderStatement({ Effect: "Deny", NotAction: "iam:*", NotResource: ["arn:x"], NotPrincipal: { AWS: "arn:root" } }),
    ).toBe("Deny all actions except `iam:*` on all resources except `arn:x`; principal anyone except AWS `arn:root`");
  });

  test("policies of deleted resources are not listed", () => {
    const change: ResourceChange = {
      address: "aws_iam_role_policy.gone",
      type: "aws_iam_role_policy",
      change: { actions: ["delete"], before: { policy: policy({ Effect: "Allow", Action: "s3:A", Resource: "*" }) }, after: null },
    };
    expect(summarizePlan(planOf(change))).not.toContain("IAM policy changes");
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

  test("a resource change without actions is rejected with its index", () => {
    const text = JSON.stringify({ format_version: "1.2", resource_changes: [{ address: "a.b", type: "a", change: {} }] });
    expect(() => parsePlan(text, "broken.json")).toThrow("resource_changes[0] has no address, type and change.actions");
  });

  test("a missing file is reported by name", () => {
    expect(() => readPlanFile(fixture("missing.json"))).toThrow(`Cannot read "${fixture("missing.json")}": no such file`);
  });

  test("a plan for a configuration without resources has no changes", () => {
    const plan = parsePlan('{"format_version": "1.2", "planned_values": {"root_module": {}}}', "outputs-only.json");
    expect(summarizePlan(plan)).toBe("## Terraform plan\n\n**No changes.** Infrastructure matches the configuration.\n");
  });
});

describe("runCli", () => {
  const planJson = readFileSync(fixture("replace-stream.json"), "utf8");

  test("prints the summary on stdout and exits 0", () => {
    const { io, out } = fakeIo({ "plan.json": planJson });
    expect(runCli(["plan.json"], io)).toBe(0);
    expect(out.stdout).toContain("**Plan:** 0 to create, 2 to update, 1 to replace, 0 to delete");
    expect(out.stderr).toBe("");
  });

  test("--output writes the summary to the file and nothing to stdout", () => {
    const { io, out } = fakeIo({ "plan.json": planJson });
    expect(runCli(["plan.json", "--output", "summary.md", "--title", "Stack `ses-events`"], io)).toBe(0);
    expect(out.written["summary.md"]).toMatch(/^## Stack `ses-events`\n/);
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

  test("--help prints the usage on stdout and exits 0", () => {
    const { io, out } = fakeIo();
    expect(runCli(["--help"], io)).toBe(0);
    expect(out.stdout).toContain("Usage: npm run plan-summary");
  });
});

describe("plan-summary-cli.js", () => {
  function run(...args: string[]) {
    return spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8" });
  }

  test("prints the Markdown summary of a plan file", () => {
    const result = run(fixture("policy-change.json"));
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("### IAM policy changes");
  });

  test("writes the summary to the --output file", () => {
    const output = path.join(mkdtempSync(path.join(tmpdir(), "plan-summary-")), "summary.md");
    const result = run(fixture("no-changes.json"), "--output", output);
    expect(result.status).toBe(0);
    expect(readFileSync(output, "utf8")).toContain("**No changes.**");
  });

  test("exits 1 with the message and no stack trace for a missing file", () => {
    const result = run("does-not-exist.json");
    expect(result.status).toBe(1);
    expect(result.stderr).toBe('plan-summary: Cannot read "does-not-exist.json": no such file\n');
  });
});
