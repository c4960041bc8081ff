// Action invocations (Terraform 1.14+) are side effects a provider runs during apply: each is
// listed with its address, type, provider, trigger and configuration (sensitive values masked,
// unknown ones marked), deferred ones with the reason, and a plan with one is never "No changes".
import { DEFAULT_MAX_CHARS, parsePlan, type Plan, summarizePlan } from "..";
import { codeTexts, managed, outsideCode, planOf, SUMMARY_TAGS, tagNames, toHtml } from "./plan-summary-helpers";

const PROVIDER = "registry.terraform.io/hashicorp/aws";

function invocation(extra: object = {}): object {
  return {
    address: "action.aws_ec2_stop_instance.web",
    type: "aws_ec2_stop_instance",
    name: "web",
    provider_name: PROVIDER,
    config_values: { instance_id: "i-0123456789abcdef0", force: false, timeout: 600 },
    config_sensitive: {},
    config_unknown: { instance_id: false, force: false, timeout: false },
    invoke_action_trigger: {},
    ...extra,
  };
}

function plan(fields: object): Plan {
  return parsePlan(JSON.stringify({ format_version: "1.2", terraform_version: "1.16.4", planned_values: { root_module: {} }, ...fields }), "plan.json");
}

describe("action invocations", () => {
  test("a plan of one invocation and no resource change is summarized as that invocation", () => {
    expect(summarizePlan(plan({ action_invocations: [invocation()] }))).toBe(
      "## Terraform plan\n\n" +
        "Plan: 0 to add, 0 to change, 0 to destroy. Actions: 1 to invoke.\n" +
        "\n### Actions to invoke (1)\n\n" +
        "- `action.aws_ec2_stop_instance.web` (`aws_ec2_stop_instance`, provider `registry.terraform.io/hashicorp/aws`): runs because the plan was made with -invoke\n" +
        "  - `force`: `false`\n" +
        "  - `instance_id`: `i-0123456789abcdef0`\n" +
        "  - `timeout`: `600`\n",
    );
  });

  test("a lifecycle trigger names the resource, the event and what a failure does", () => {
    const markdown = summarizePlan(
      plan({
        resource_changes: [managed("aws_sns_topic.events", { actions: ["create"], after: { name: "events" } })],
        action_invocations: [
          invocation({
            address: "action.aws_sns_publish.notify",
            type: "aws_sns_publish",
            config_values: { topic_arn: null, message: "deployed" },
            config_unknown: { topic_arn: true, message: false },
            invoke_action_trigger: undefined,
            lifecycle_action_trigger: {
              triggering_resource_address: "aws_sns_topic.events",
              action_trigger_event: "AfterCreate",
              action_trigger_block_index: 0,
              actions_list_index: 0,
              on_failure: "ActionOnFailureContinue",
            },
          }),
        ],
      }),
    );
    expect(markdown).toContain("Plan: 1 to add, 0 to change, 0 to destroy. Actions: 1 to invoke.\n");
    expect(markdown).toContain(
      "- `action.aws_sns_publish.notify` (`aws_sns_publish`, provider `registry.terraform.io/hashicorp/aws`): runs after creating `aws_sns_topic.events`; a failure lets the apply go on\n" +
        "  - `message`: `deployed`\n" +
        "  - `topic_arn`: (known after apply)\n",
    );
  });

  test("sensitive configuration values are masked at any depth", () => {
    const markdown = summarizePlan(
      plan({
        action_invocations: [
          invocation({
            config_values: { payload: "{\"password\":\"hunter2\"}", nested: { token: "s3cr3t", region: "eu-west-1" } },
            config_sensitive: { payload: true, nested: { token: true } },
            config_unknown: {},
          }),
          invocation({ address: "action.aws_lambda_invoke.all", type: "aws_lambda_invoke", config_values: { payload: "secret" }, config_sensitive: true }),
        ],
      }),
    );
    expect(markdown).not.toContain("hunter2");
    expect(markdown).not.toContain("s3cr3t");
    expect(markdown).not.toContain("`secret`");
    expect(markdown).toContain('  - `nested`: `{"token":(sensitive),"region":"eu-west-1"}`\n  - `payload`: (sensitive)\n');
    expect(markdown).toContain("- `action.aws_lambda_invoke.all` (`aws_lambda_invoke`, provider `registry.terraform.io/hashicorp/aws`): runs because the plan was made with -invoke\n  - configuration: (sensitive)");
  });

  test("a deferred invocation is named with the reason, and the plan is incomplete", () => {
    const markdown = summarizePlan(
      plan({
        complete: false,
        deferred_action_invocations: [{ reason: "resource_config_unknown", action_invocation: invocation({ address: "action.aws_lambda_invoke.later", type: "aws_lambda_invoke", config_values: {} }) }],
      }),
    );
    expect(markdown).toContain("**Incomplete plan.** Terraform deferred 1 action invocation (listed under Actions to invoke) until this plan is applied");
    expect(markdown).toContain(
      "- `action.aws_lambda_invoke.later` (`aws_lambda_invoke`, provider `registry.terraform.io/hashicorp/aws`) (**deferred:** its configuration is only known after apply; it is planned again after this apply): runs because the plan was made with -invoke\n",
    );
    expect(markdown).not.toContain("No changes. Your infrastructure matches");
  });

  test("an event or reason this summary does not know is shown as literal text", () => {
    const markdown = summarizePlan(
      plan({
        action_invocations: [invocation({ invoke_action_trigger: undefined, lifecycle_action_trigger: { triggering_resource_address: "aws_s3_bucket.b", action_trigger_event: "OnFullMoon", on_failure: "Shrug" } })],
        deferred_action_invocations: [{ reason: "stars_unaligned", action_invocation: invocation() }],
      }),
    );
    expect(markdown).toContain("runs on event `OnFullMoon` of `aws_s3_bucket.b`; on failure `Shrug`\n");
    expect(markdown).toContain("(**deferred:** reason `stars_unaligned`; it is planned again after this apply)");
  });

  test("invocations survive the size cap among 5,000 creates", () => {
    const creates = Array.from({ length: 5000 }, (_, i) => managed(`aws_s3_bucket.b_${i}`, { actions: ["create"], after: { bucket: `b-${i}` } }));
    const big = { ...planOf(...creates), action_invocations: [invocation(), invocation({ address: "action.aws_sns_publish.done", type: "aws_sns_publish" })] } as Plan;
    const markdown = summarizePlan(parsePlan(JSON.stringify(big), "plan.json"));
    expect(markdown.length).toBeLessThanOrEqual(DEFAULT_MAX_CHARS);
    expect(markdown).toContain("Plan: 5000 to add, 0 to change, 0 to destroy. Actions: 2 to invoke.");
    expect(markdown).toContain("### Actions to invoke (2)\n\n- `action.aws_ec2_stop_instance.web`");
    expect(markdown).toContain("- `action.aws_sns_publish.done`");
    expect(markdown.indexOf("### Actions to invoke")).toBeLessThan(markdown.indexOf("### Create"));
  });

  test("hostile strings in an invocation stay literal text, and huge values are shortened", () => {
    const hostile = "x`</details><img src=x onerror=alert(1)> [a](https://evil.example) @org/admins\u202e\n- fake entry";
    const markdown = summarizePlan(
      plan({
        action_invocations: [
          invocation({
            address: `action.aws_lambda_invoke.${hostile}`,
            type: hostile,
            provider_name: hostile,
            config_values: { [hostile]: hostile, huge: "A".repeat(1_000_000) },
            config_unknown: {},
            invoke_action_trigger: { calling_resource_address: hostile },
          }),
        ],
      }),
    );
    const html = toHtml(markdown);
    expect(tagNames(html).filter((tag) => !SUMMARY_TAGS.has(tag))).toEqual([]);
    expect(outsideCode(html)).not.toMatch(/@org|evil\.example|fake entry/);
    expect(codeTexts(html).some((text) => text.startsWith("AAAA") && text.endsWith("more characters)"))).toBe(true);
    expect(markdown.length).toBeLessThan(5_000);
  });

  test.each([
    [{ action_invocations: {} }, "action_invocations is an object, expected an array"],
    [{ action_invocations: ["x"] }, "action_invocations[0] is a string, expected an object"],
    [{ action_invocations: [{ type: "aws_lambda_invoke" }] }, "action_invocations[0].address is missing, expected a non-empty string"],
    [{ action_invocations: [{ address: "action.a.b", type: 7 }] }, "action_invocations[0].type is number 7, expected a non-empty string"],
    [{ action_invocations: [{ address: "action.a.b", type: "a", config_sensitive: "yes" }] }, "action_invocations[0].config_sensitive is a string, expected true, false, or an object or array of those"],
    [{ action_invocations: [{ address: "action.a.b", type: "a", lifecycle_action_trigger: [] }] }, "action_invocations[0].lifecycle_action_trigger is an array, expected an object"],
    [{ action_invocations: [{ address: "action.a.b", type: "a", lifecycle_action_trigger: { actions_list_index: -1 } }] }, "action_invocations[0].lifecycle_action_trigger.actions_list_index is number -1, expected a whole number"],
    [{ action_invocations: [{ address: "action.a.b", type: "a", invoke_action_trigger: { calling_resource_address: 1 } }] }, "action_invocations[0].invoke_action_trigger.calling_resource_address is number 1, expected a string"],
    [{ deferred_action_invocations: [{ action_invocation: { address: "action.a.b", type: "a" } }] }, "deferred_action_invocations[0].reason is missing, expected a non-empty string"],
  ])("a wrong type is refused with its place: %j", (fields, problem) => {
    expect(() => plan(fields)).toThrow(`"plan.json" is not a Terraform plan: ${problem}`);
  });

  test("config values nested deeper than any provider writes are refused", () => {
    let deep: unknown = "x";
    for (let i = 0; i < 150; i++) deep = { d: deep };
    expect(() => plan({ action_invocations: [{ address: "action.a.b", type: "a", config_values: deep }] })).toThrow("action_invocations[0].config_values is nested more than 100 levels deep");
  });
});
