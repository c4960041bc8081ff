// What a plan says about itself: failed (errored), incomplete (complete, deferred_changes),
// changed outside Terraform (resource_drift), failing checks (checks), unknown actions. None of
// them may read as "No changes". The plans under fixtures/plans/terraform/ were written by
// Terraform 1.11.4 (`terraform plan -out` then `terraform show -json`) from the main.tf beside
// each. Deferred changes are hand-written, because Terraform 1.11 cannot produce them (deferral is
// an experiment of its alpha builds). Drift comes from a plan the real AWS provider wrote against
// the mock (fixtures/plans/real/1.11.4/) and from hand-written plans, for the shapes that one lacks
// (a deleted object, sensitive values).
import * as path from "node:path";
import { type CliIo, parsePlan, type Plan, readPlanFile, runCli, summarizePlan } from "..";
import { FIXTURES, managed, planOf, toHtml, codeTexts } from "./plan-summary-helpers";

const TERRAFORM = path.join(FIXTURES, "terraform");
const real = (name: string): Plan => readPlanFile(path.join(TERRAFORM, name, "plan.json"));

function cli(plan: object): { code: number; stdout: string; stderr: string } {
  let stdout = "";
  let stderr = "";
  const io: CliIo = { readFile: () => JSON.stringify(plan), writeFile: () => undefined, stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) };
  return { code: runCli(["plan.json"], io), stdout, stderr };
}

function raw(name: string): object {
  return JSON.parse(JSON.stringify(real(name)));
}

describe("a plan that errored (real Terraform: a failing precondition)", () => {
  const markdown = summarizePlan(real("errored"));

  test("heads the summary as a failure and lists what was planned before the error", () => {
    expect(markdown).toBe(
      "## Terraform plan\n\n" +
        "**Plan failed.** Terraform stopped with an error, so this plan cannot be applied; only the changes planned before the error are listed. Read the error in Terraform's output.\n\n" +
        "**1 check failing** (listed under Failing checks).\n\n" +
        "Planned before the error: Plan: 1 to add, 0 to change, 0 to destroy.\n\n" +
        "### Failing checks (1)\n\n" +
        "- `terraform_data.bucket` (`resource`): `fail`\n" +
        "  - `Retention is below 30 days.`\n\n" +
        "### Create (1)\n\n" +
        "- `terraform_data.log_group`\n",
    );
  });

  test("never says No changes, even with no change planned before the error", () => {
    const only = summarizePlan(real("errored-only"));
    expect(only).not.toContain("No changes.");
    expect(only).toContain("\n\n**Plan failed.** Terraform stopped with an error");
    expect(only).toContain("\nNo changes to apply.\n");
    expect(only).toContain("- `terraform_data.bucket` (`resource`): `fail`\n  - `This change may not be planned for prod.`\n");
  });

  test("makes the command exit 2 after writing the summary, saying why on stderr", () => {
    const { code, stdout, stderr } = cli(raw("errored"));
    expect(code).toBe(2);
    expect(stdout).toBe(markdown);
    expect(stderr).toBe("plan-summary: the plan failed (errored); the summary lists only the changes planned before the error.\n");
  });

  test("a plan that did not error exits 0", () => {
    expect(cli(raw("checks")).code).toBe(0);
  });
});

describe("checks (real Terraform: check blocks)", () => {
  test("a failing check gets its own section with its message; an unknown one is not listed as failing", () => {
    const markdown = summarizePlan(real("checks"));
    expect(markdown).toContain("## Terraform plan\n\n**1 check failing** (listed under Failing checks).\n\nPlan: 1 to add, 0 to change, 0 to destroy.\n");
    expect(markdown).toContain("### Failing checks (1)\n\n- `check.retention` (`check`): `fail`\n  - `Retention is below 30 days.`\n");
    expect(markdown).not.toContain("check.private");
  });

  test("a plan with no changes but a failing check does not say the infrastructure matches", () => {
    const markdown = summarizePlan(real("nochange-check"));
    expect(markdown).toBe(
      "## Terraform plan\n\n**1 check failing** (listed under Failing checks).\n\nNo changes to apply (1 unchanged).\n\n" +
        "### Failing checks (1)\n\n- `check.retention` (`check`): `fail`\n  - `Retention is below 30 days.`\n",
    );
  });

  test("each failing instance of a check with several is listed with its status and problems", () => {
    const plan = planOf();
    plan.checks = [
      {
        address: { kind: "resource", to_display: "terraform_data.bucket" },
        status: "error",
        instances: [
          { address: { to_display: 'terraform_data.bucket["a"]' }, status: "pass", problems: [] },
          { address: { to_display: 'terraform_data.bucket["b"]' }, status: "fail", problems: [{ message: "one" }, { message: "two" }] },
          { address: { to_display: 'terraform_data.bucket["c"]' }, status: "error", problems: [] },
        ],
      },
    ];
    expect(summarizePlan(plan)).toContain(
      "- `terraform_data.bucket` (`resource`): `error`\n" +
        '  - `terraform_data.bucket["b"]` `fail`: `one`; `two`\n' +
        '  - `terraform_data.bucket["c"]` `error`: no message\n',
    );
  });

  test("a check status this summary does not know counts as failing", () => {
    const plan = planOf();
    plan.checks = [{ address: { to_display: "check.x" }, status: "broken", instances: [] }];
    expect(summarizePlan(plan)).toContain("**1 check failing**");
    expect(summarizePlan(plan)).toContain("- `check.x`: `broken`");
  });
});

describe("an incomplete plan (hand-written: deferred changes)", () => {
  const plan = planOf(managed("aws_s3_bucket.events", { actions: ["create"], after: { bucket: "events" } }));
  plan.complete = false;
  plan.applyable = true;
  plan.deferred_changes = [
    { reason: "instance_count_unknown", resource_change: managed('aws_iam_role.sender["a"]', { actions: ["create"], after: {} }) },
    { reason: "provider_config_unknown", resource_change: managed("aws_s3_bucket.logs", { actions: ["update"], before: {}, after: {} }) },
    { reason: "something_new", resource_change: managed("aws_s3_bucket.other", { actions: ["delete"], before: {} }) },
  ];
  const markdown = summarizePlan(plan);

  test("says so in the headline and lists each deferred change with why", () => {
    expect(markdown).toContain(
      "## Terraform plan\n\n**Incomplete plan.** Terraform deferred 3 changes (listed under Deferred) until this plan is applied: another plan and apply follow.\n\n" +
        "Plan: 1 to add, 0 to change, 0 to destroy.\n",
    );
    expect(markdown).toContain(
      "### Deferred (3)\n\n" +
        '- `aws_iam_role.sender["a"]`: `create`, deferred: its count or for_each is only known after apply\n' +
        "- `aws_s3_bucket.logs`: `update`, deferred: its provider's configuration is only known after apply\n" +
        "- `aws_s3_bucket.other`: `delete`, deferred: reason `something_new`\n",
    );
  });

  test("an incomplete plan with nothing else to do is not No changes", () => {
    const empty = planOf();
    empty.complete = false;
    expect(summarizePlan(empty)).toBe(
      "## Terraform plan\n\n**Incomplete plan.** Terraform deferred some changes until this plan is applied: another plan and apply follow.\n\nNo changes to apply.\n",
    );
  });
});

describe("drift in a plan the real AWS provider wrote", () => {
  const markdown = summarizePlan(readPlanFile(path.join(FIXTURES, "real", "1.11.4", "update-in-place.json")));

  test("lists what changed outside Terraform, leaving out the empty values a provider only filled in", () => {
    expect(markdown).toContain("**4 resources changed outside Terraform** (listed under Changed outside Terraform).\n");
    expect(markdown).toContain(
      "- `aws_s3_bucket.SesEvents_Bucket_7ECDF5ED`: changed outside Terraform (this plan's changes depend on it): " +
        "deletion protection, enabled or sending, retention, IAM\n",
    );
    // The check's IAM probe attached the reader policy to a role of its own between the two plans.
    expect(markdown).toContain("- `aws_iam_policy.SesEvents_Analytics_ReaderPolicy_79686567`: changed outside Terraform: IAM\n  - `attachment_count`: `0` → `1`\n");
    expect(markdown).toContain("  - `versioning[0].enabled`: `false` → `true`\n");
    // The refresh also turned unset tags and parameters into empty maps: nobody changed those.
    expect(markdown).not.toContain("`tags`: (none) → `{}`");
    expect(markdown).not.toContain("aws_athena_workgroup.SesEvents_Analytics_Workgroup_AC783732`: changed outside Terraform");
  });
});

describe("drift (hand-written: resource_drift)", () => {
  test("changes made outside Terraform get their own section, even when nothing is planned", () => {
    const plan = planOf();
    plan.resource_drift = [
      managed("aws_s3_bucket_public_access_block.events", { actions: ["update"], before: { block_public_policy: true }, after: { block_public_policy: false } }),
      managed("aws_sns_topic.alarms", { actions: ["delete"], before: { name: "alarms" } }),
      managed("aws_s3_bucket.same", { actions: ["no-op"], before: {}, after: {} }),
    ];
    plan.relevant_attributes = [{ resource: "aws_s3_bucket_public_access_block.events", attribute: ["block_public_policy"] }];
    expect(summarizePlan(plan)).toBe(
      "## Terraform plan\n\n**2 resources changed outside Terraform** (listed under Changed outside Terraform).\n\nNo changes to apply.\n\n" +
        "### Changed outside Terraform (2)\n\n" +
        "By type: `aws_s3_bucket_public_access_block` 1, `aws_sns_topic` 1.\n\n" +
        "- `aws_s3_bucket_public_access_block.events`: changed outside Terraform (this plan's changes depend on it): public access\n" +
        "  - `block_public_policy`: `true` → `false`\n" +
        "- `aws_sns_topic.alarms`: deleted outside Terraform\n",
    );
  });

  test("a real change after many empty values a provider filled in is still drift", () => {
    const filled = (value: unknown) => Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`a${String(i).padStart(2, "0")}`, value]));
    const plan = planOf();
    plan.resource_drift = [
      managed("aws_s3_bucket.events", { actions: ["update"], before: { ...filled(null), versioning: [{ enabled: true }] }, after: { ...filled(""), versioning: [{ enabled: false }] } }),
    ];
    const markdown = summarizePlan(plan);
    expect(markdown).toContain("**1 resource changed outside Terraform**");
    expect(markdown).toContain("- `aws_s3_bucket.events`: changed outside Terraform: deletion protection, enabled or sending\n  - `versioning[0].enabled`: `true` → `false`\n");
  });

  test("drifted sensitive values stay masked", () => {
    const plan = planOf();
    plan.resource_drift = [
      managed("aws_secretsmanager_secret_version.key", {
        actions: ["update"],
        before: { secret_string: "old-secret" },
        after: { secret_string: "new-secret" },
        before_sensitive: { secret_string: true },
        after_sensitive: { secret_string: true },
      }),
    ];
    const markdown = summarizePlan(plan);
    expect(markdown).toContain("  - `secret_string`: (sensitive) → (sensitive)\n");
    expect(markdown).not.toMatch(/old-secret|new-secret/);
  });
});

describe("unknown actions", () => {
  test("an action this summary does not know is flagged in the headline and listed, never No changes", () => {
    const markdown = summarizePlan(planOf(managed("aws_s3_bucket.events", { actions: ["upgrade"] })));
    expect(markdown).toBe(
      "## Terraform plan\n\n" +
        "**1 resource with actions this summary does not know** (listed under Unknown or unusual actions): read Terraform's own plan for them.\n\n" +
        "Plan: 0 to add, 0 to change, 0 to destroy.\n\n" +
        "### Unknown or unusual actions (1)\n\n" +
        "- `aws_s3_bucket.events`: actions `upgrade` (**unknown action** `upgrade`: not an action of Terraform's JSON format this summary knows; read Terraform's own plan)\n",
    );
  });
});

describe("a resource with thousands of unknown actions", () => {
  test("lists a few of them, so the unknown actions after it are still in the comment", () => {
    const actions = Array.from({ length: 5000 }, (_, i) => `upgrade${i}`);
    const markdown = summarizePlan(planOf(managed("aws_s3_bucket.aaa", { actions }), managed("aws_s3_bucket.events", { actions: ["upgrade"] })));
    expect(markdown).toContain("- `aws_s3_bucket.aaa`: actions `upgrade0`, `upgrade1`");
    expect(markdown).toContain("`upgrade9` and 4,990 more (**unknown action** `upgrade0`");
    expect(markdown).toContain("- `aws_s3_bucket.events`: actions `upgrade` (**unknown action** `upgrade`:");
    expect(markdown.length).toBeLessThan(3_000);
  });
});

describe("unknown actions of data sources", () => {
  test("a data source with an action this summary does not know is flagged too, never No changes", () => {
    const markdown = summarizePlan(planOf(managed("data.aws_iam_policy_document.trust", { actions: ["upgrade"] }, { mode: "data", type: "aws_iam_policy_document" })));
    expect(markdown).toContain("**1 resource with actions this summary does not know**");
    expect(markdown).not.toContain("No changes");
    expect(markdown).toContain("### Unknown or unusual actions (1)\n\n- `data.aws_iam_policy_document.trust`: actions `upgrade` (**unknown action** `upgrade`");
  });
});

describe("hostile shapes of the plan's own fields", () => {
  const base = { format_version: "1.2", resource_changes: [] };
  const cases: [string, object, string][] = [
    ["errored as a string", { errored: "false" }, "errored is a string, expected true or false"],
    ["complete as a number", { complete: 0 }, "complete is number 0, expected true or false"],
    ["applyable as an object", { applyable: {} }, "applyable is an object, expected true or false"],
    ["deferred_changes as an object", { deferred_changes: {} }, "deferred_changes is an object, expected an array"],
    ["a deferred change without a reason", { deferred_changes: [{ resource_change: {} }] }, "deferred_changes[0].reason is missing, expected a non-empty string"],
    [
      "a deferred change with a malformed resource change",
      { deferred_changes: [{ reason: "unknown", resource_change: { address: "a.b", type: "a", change: { actions: "create" } } }] },
      "deferred_changes[0].resource_change.change.actions is a string, expected a non-empty array of action names",
    ],
    ["resource_drift as a string", { resource_drift: "x" }, "resource_drift is a string, expected an array"],
    [
      "drift with a string sensitivity marker",
      { resource_drift: [{ address: "a.b", type: "a", change: { actions: ["update"], before_sensitive: "yes" } }] },
      "resource_drift[0].change.before_sensitive is a string, expected true, false, or an object or array of those",
    ],
    ["checks as an object", { checks: {} }, "checks is an object, expected an array"],
    ["a check without an address", { checks: [{ status: "fail" }] }, "checks[0].address is missing, expected an object"],
    ["a check address without to_display", { checks: [{ address: {}, status: "fail" }] }, "checks[0].address.to_display is missing, expected a non-empty string"],
    ["a check status as a boolean", { checks: [{ address: { to_display: "check.x" }, status: false }] }, "checks[0].status is boolean false, expected a non-empty string"],
    [
      "problems as a string",
      { checks: [{ address: { to_display: "check.x" }, status: "fail", instances: [{ address: { to_display: "check.x" }, status: "fail", problems: "bad" }] }] },
      "checks[0].instances[0].problems is a string, expected an array",
    ],
    [
      "a problem message as an object",
      { checks: [{ address: { to_display: "check.x" }, status: "fail", instances: [{ address: { to_display: "check.x" }, status: "fail", problems: [{ message: {} }] }] }] },
      "checks[0].instances[0].problems[0].message is an object, expected a string",
    ],
    ["relevant_attributes as a string", { relevant_attributes: "x" }, "relevant_attributes is a string, expected an array"],
    [
      "a relevant attribute path of objects",
      { relevant_attributes: [{ resource: "a.b", attribute: [{}] }] },
      "relevant_attributes[0].attribute is an array, expected an array of attribute names and list indexes",
    ],
  ];

  test.each(cases)("%s is refused, naming where", (_, fields, message) => {
    expect(() => parsePlan(JSON.stringify({ ...base, ...fields }), "plan.json")).toThrow(
      `"plan.json" is not a Terraform plan: ${message}; pass the output of`,
    );
  });

  test("hostile text in checks, deferred changes and drift renders only as code", () => {
    const text = "<img src=x> @octocat [x](javascript:alert(1))\n\n# heading";
    const plan = planOf();
    plan.checks = [{ address: { to_display: text, kind: text }, status: text, instances: [{ address: { to_display: text }, status: text, problems: [{ message: text }] }] }];
    plan.deferred_changes = [{ reason: text, resource_change: managed(text, { actions: [text] }) }];
    plan.resource_drift = [managed(text, { actions: ["update"], before: { [text]: text }, after: { [text]: `${text}2` } })];
    const html = toHtml(summarizePlan(plan));
    expect(html).not.toMatch(/<img|<a |<h1/);
    expect(html.replace(/<code>[\s\S]*?<\/code>/g, "")).not.toMatch(/@octocat|javascript/);
    expect(codeTexts(html).length).toBeGreaterThan(8);
  });
});
