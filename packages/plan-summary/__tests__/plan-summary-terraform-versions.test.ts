// The summary of plans written by real Terraform 1.11.4 and 1.16.4 (and the AWS provider the
// check builds) from the main.tf beside each: packages/plan-summary/__tests__/fixtures/plans/terraform-versions/generate.sh.
// Both plan JSON formats give the same summary; Terraform 1.15 and later leave a resource that a
// `removed` block forgets out of planned_values, and actions (1.14+) come from the provider's own
// aws_sns_publish.
import { readFileSync } from "node:fs";
import { readPlanFile, summarizePlan } from "..";
import { fixture } from "./plan-summary-helpers";

const VERSIONS = ["1.11.4", "1.16.4"];
const plan = (name: string, version: string) => readPlanFile(fixture(`terraform-versions/${name}/plan-${version}.json`));
const raw = (name: string, version: string) => JSON.parse(readFileSync(fixture(`terraform-versions/${name}/plan-${version}.json`), "utf8"));

describe.each(VERSIONS)("plans written by Terraform %s", (version) => {
  test("were written by that version", () => {
    for (const name of ["risky-creates", "removed-forget"]) expect(raw(name, version).terraform_version).toBe(version);
  });

  test("a public bucket ACL, open public access blocks and long-lived credentials are risky creates, with their values", () => {
    const markdown = summarizePlan(plan("risky-creates", version));
    expect(markdown).toContain("Plan: 7 to add, 0 to change, 0 to destroy.\n");
    expect(markdown).toContain(
      "### Risky creates (5)\n\n" +
        "By type: `aws_s3_bucket_public_access_block` 2, `aws_iam_access_key` 1, `aws_iam_user_login_profile` 1, `aws_s3_bucket_acl` 1.\n\n" +
        "- `aws_s3_bucket_acl.open`: **exposure or loss**\n" +
        "  - **a public bucket ACL:** `acl` = `public-read-write`\n" +
        "- `aws_s3_bucket_public_access_block.half`: **exposure or loss**\n" +
        "  - **public access not fully blocked (3 of 4 settings off):** `block_public_policy` = `false`, `ignore_public_acls` = `false`, `restrict_public_buckets` = `false`\n" +
        "- `aws_s3_bucket_public_access_block.off`: **exposure or loss**\n" +
        "  - **public access not fully blocked (4 of 4 settings off):** `block_public_acls` = `false`, `block_public_policy` = `false`, `ignore_public_acls` = `false`, `restrict_public_buckets` = `false`\n" +
        "- `aws_iam_access_key.ci`: **weakening**\n" +
        "  - **a long-lived access key:** `user` = `fixture-ci`, `status` = `Active`\n" +
        "- `aws_iam_user_login_profile.ci`: **weakening**\n" +
        "  - **a console password for an IAM user:** `user` = `fixture-ci`, `password_reset_required` = `true`\n",
    );
    expect(markdown).toContain("### Create (2)\n\nBy type: `aws_iam_user` 1, `aws_s3_bucket` 1.\n\n- `aws_iam_user.ci`\n- `aws_s3_bucket.events`\n");
  });

  test("a resource forgotten by a removed block is listed as forgotten, whatever planned_values says", () => {
    expect(summarizePlan(plan("removed-forget", version))).toBe(
      "## Terraform plan\n\nPlan: 0 to add, 0 to change, 0 to destroy, 1 to forget.\n\n1 unchanged.\n\n" +
        "### Forget (removed from state, not destroyed) (1)\n\n- `terraform_data.forgotten`\n",
    );
  });
});

test("Terraform 1.15 and later leave the forgotten resource out of planned_values; 1.11 lists it", () => {
  const planned = (version: string) => raw("removed-forget", version).planned_values.root_module.resources.map((r: { address: string }) => r.address);
  expect(planned("1.11.4")).toEqual(["terraform_data.forgotten", "terraform_data.kept"]);
  expect(planned("1.16.4")).toEqual(["terraform_data.kept"]);
});

describe("actions, planned by Terraform 1.16.4 with the built provider's aws_sns_publish", () => {
  test("the built provider has that action", () => {
    expect(JSON.parse(readFileSync(fixture("terraform-versions/actions-invoke/provider-actions.json"), "utf8"))).toContain("aws_sns_publish");
  });

  test("an invocation by -invoke, with no resource change, is summarized as that invocation", () => {
    expect(summarizePlan(plan("actions-invoke", "1.16.4"))).toBe(
      "## Terraform plan\n\n" +
        "Plan: 0 to add, 0 to change, 0 to destroy. Actions: 1 to invoke.\n" +
        "\n### Actions to invoke (1)\n\n" +
        "- `action.aws_sns_publish.ping` (`aws_sns_publish`, provider `registry.terraform.io/hashicorp/aws`): runs because the plan was made with -invoke\n" +
        "  - `message`: `ping`\n" +
        "  - `topic_arn`: `arn:aws:sns:eu-west-1:111122223333:fixture-events`\n",
    );
  });

  test("an invocation after a create names its trigger, masks the sensitive message and marks the unknown ARN", () => {
    const markdown = summarizePlan(plan("actions-lifecycle", "1.16.4"));
    // Terraform writes the sensitive value in config_values and marks it in config_sensitive.
    expect(raw("actions-lifecycle", "1.16.4").action_invocations[0].config_values.message).toContain("hunter2");
    expect(markdown).not.toContain("hunter2");
    expect(markdown).toContain("Plan: 1 to add, 0 to change, 0 to destroy. Actions: 1 to invoke.\n");
    expect(markdown).toContain(
      "- `action.aws_sns_publish.deployed` (`aws_sns_publish`, provider `registry.terraform.io/hashicorp/aws`): runs after creating `aws_sns_topic.events`; a failure stops the apply\n" +
        "  - `message`: (sensitive)\n" +
        "  - `subject`: `Deployed`\n" +
        "  - `topic_arn`: (known after apply)\n",
    );
  });
});
