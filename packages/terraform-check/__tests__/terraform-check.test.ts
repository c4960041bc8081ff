import { spawnSync } from "child_process";
import { existsSync, mkdtempSync, readFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";

// Plain JavaScript helpers of terraform-check.sh (npm run terraform:check).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { prepareStack } = require("../prepare-stack");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { planLine, changedAttributes, stackRecord } = require("../check-plan");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { buildSummary, profileComplete, summaryLines } = require("../summary");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { FAULTS, seed, verdict } = require("../faults");

const ROOT = path.join(__dirname, "..", "..", "..");
const ISOLATION = path.join(ROOT, "packages/terraform-check/isolation.sh");
const MOCK = "http://127.0.0.1:45678";

function synthesizedStack(): Record<string, any> {
  return {
    terraform: {
      backend: { s3: { bucket: "acme-terraform-state", key: "ses-events/ses-events.tfstate", region: "us-east-1" } },
      required_providers: { aws: { source: "aws", version: "6.25.0" } },
    },
    provider: { aws: [{ region: "eu-west-1", default_tags: [{ tags: { Application: "ses-events" } }] }] },
    import: [
      { id: "ses-events", to: "aws_sesv2_configuration_set.Set" },
      { id: "ses-events|firehose", to: "aws_sesv2_configuration_set_event_destination.Destination" },
    ],
    resource: { aws_sesv2_configuration_set: { Set: { configuration_set_name: "ses-events" } } },
  };
}

const OPTIONS = { mockUrl: MOCK, providerVersion: "6.47.1", endpointNames: ["firehose", "iam", "s3", "sesv2", "sts"] };

describe("the stack copy the real Terraform runs on", () => {
  it("points every endpoint at the mock and keeps the provider off the network", () => {
    const { copy } = prepareStack(synthesizedStack(), OPTIONS);
    expect(copy.provider.aws).toEqual([
      {
        region: "eu-west-1",
        default_tags: [{ tags: { Application: "ses-events" } }],
        skip_credentials_validation: true,
        skip_requesting_account_id: true,
        skip_metadata_api_check: true,
        skip_region_validation: true,
        s3_use_path_style: true,
        max_retries: 2,
        endpoints: [{ firehose: MOCK, iam: MOCK, s3: MOCK, sesv2: MOCK, sts: MOCK }],
      },
    ]);
  });

  it("rewrites the provider version and the backend, and says so", () => {
    const { copy, notes } = prepareStack(synthesizedStack(), OPTIONS);
    expect(copy.terraform.required_providers.aws).toEqual({ source: "aws", version: "6.47.1" });
    expect(copy.terraform.backend).toEqual({ local: { path: "terraform.tfstate" } });
    expect(notes).toContain('required_providers.aws.version "6.25.0" -> "6.47.1" (the provider that was built)');
    expect(notes).toContain("backend s3 -> local state in the working directory");
  });

  it("leaves out allowed_account_ids, which the provider cannot check with the account lookup skipped, and says so", () => {
    const stack = synthesizedStack();
    stack.provider.aws[0].allowed_account_ids = ["111122223333"];
    const { copy, notes } = prepareStack(stack, OPTIONS);
    expect(copy.provider.aws[0]).not.toHaveProperty("allowed_account_ids");
    expect(notes).toContain('aws provider: allowed_account_ids ["111122223333"] left out: the account lookup is skipped against the mock');
  });

  it("leaves out the imports the mock cannot serve, naming each", () => {
    const { copy, notes } = prepareStack(synthesizedStack(), {
      ...OPTIONS,
      noImportTypes: ["aws_sesv2_configuration_set_event_destination"],
    });
    expect(copy.import).toEqual([{ id: "ses-events", to: "aws_sesv2_configuration_set.Set" }]);
    expect(notes).toContain(
      "import of aws_sesv2_configuration_set_event_destination.Destination left out: the mock cannot serve aws_sesv2_configuration_set_event_destination",
    );
  });

  it("never modifies what was synthesized", () => {
    const stack = synthesizedStack();
    const before = JSON.stringify(stack);
    prepareStack(stack, { ...OPTIONS, noImportTypes: ["aws_sesv2_configuration_set_event_destination"] });
    expect(JSON.stringify(stack)).toBe(before);
  });

  it.each([
    ["https://sts.amazonaws.com", "a real endpoint"],
    ["http://127.0.0.1.example.com:4566", "a look-alike host"],
    ["http://localhost:4566", "a name to resolve"],
    ["", "nothing"],
  ])("refuses the mock URL %j (%s)", (mockUrl) => {
    expect(() => prepareStack(synthesizedStack(), { ...OPTIONS, mockUrl })).toThrow(
      `mock URL ${JSON.stringify(mockUrl)} is not http://127.0.0.1:PORT: the mock runs on loopback only`,
    );
  });

  it.each(["access_key", "profile", "assume_role"])("refuses a provider block that sets %s", (key) => {
    const stack = synthesizedStack();
    stack.provider.aws[0][key] = "x";
    expect(() => prepareStack(stack, OPTIONS)).toThrow(`the aws provider block sets ${key}: credentials must come from the environment`);
  });

  it.each([null, [], "stack"])("refuses a stack that is %j", (stack) => {
    expect(() => prepareStack(stack, OPTIONS)).toThrow("the stack is not a JSON object");
  });
});

/** Runs `script` in bash with isolation.sh sourced; returns stdout, stderr, status, seconds. */
function bash(script: string, env: Record<string, string> = {}) {
  const started = Date.now();
  const result = spawnSync("bash", ["-c", `set -euo pipefail; die() { echo "die: $*" >&2; exit 2; }; source "${ISOLATION}"; ${script}`], {
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
    timeout: 30_000,
  });
  return { ...result, seconds: (Date.now() - started) / 1000 };
}

describe("the check's isolated environment", () => {
  it("sends every request that is not for the mock to a closed loopback proxy", () => {
    const { stdout, status } = bash("run_isolated /tmp/terraformrc env", {
      AWS_PROFILE: "production",
      AWS_SESSION_TOKEN: "real-token",
      HTTPS_PROXY: "http://corporate-proxy:3128",
      TF_TOKEN_app_terraform_io: "secret",
    });
    expect(status).toBe(0);
    const vars = Object.fromEntries(stdout.trim().split("\n").map((line) => line.split(/=(.*)/s).slice(0, 2)));
    expect(vars.HTTPS_PROXY).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(vars.HTTP_PROXY).toBe(vars.HTTPS_PROXY);
    expect(vars.NO_PROXY).toBe("127.0.0.1");
    expect(vars.AWS_EC2_METADATA_DISABLED).toBe("true");
    expect(vars.AWS_CONFIG_FILE).toBe("/dev/null");
    expect(vars.TF_CLI_CONFIG_FILE).toBe("/tmp/terraformrc");
    expect(vars).not.toHaveProperty("AWS_PROFILE");
    expect(vars).not.toHaveProperty("AWS_SESSION_TOKEN");
    expect(vars).not.toHaveProperty("TF_TOKEN_app_terraform_io");
  });

  it("makes a stray HTTPS request fail at once with a refused connection, without a DNS lookup", () => {
    // curl honours https_proxy like the Go and Python clients of the check: the name is never
    // resolved locally (the proxy would do that), and the proxy port refuses the connection.
    const { stderr, status, seconds } = bash(
      "run_isolated /dev/null curl --silent --show-error --max-time 20 https://sts.amazonaws.com/",
    );
    expect(status).toBe(7); // CURLE_COULDNT_CONNECT: to the proxy, not to AWS
    expect(stderr).toMatch(/^curl: \(7\) Failed to connect to 127\.0\.0\.1 port \d+ after \d+ ms: (Couldn't connect to server|Connection refused)$/m);
    expect(seconds).toBeLessThan(5);
  });
});

describe("the saved real plans", () => {
  const dir = path.join(ROOT, "packages/plan-summary/__tests__/fixtures/plans/real");
  const read = (name: string) => JSON.parse(readFileSync(path.join(dir, `${name}.json`), "utf8"));

  it.each(["create", "update-in-place", "replace", "iam-change", "import", "destroy"])("include %s.json, written by Terraform", (name) => {
    expect(existsSync(path.join(dir, `${name}.json`))).toBe(true);
    const plan = read(name);
    expect(plan.terraform_version).toBe("1.11.4");
    expect(plan.format_version).toMatch(/^1\./);
    expect(JSON.stringify(plan)).not.toContain(ROOT);
  });

  it("count the way Terraform's Plan: line does", () => {
    expect(planLine(read("destroy"))).toMatch(/^Plan: 0 to add, 0 to change, \d+ to destroy\.$/);
    expect(planLine(read("import"))).toMatch(/^Plan: \d+ to import, \d+ to add, \d+ to change, 0 to destroy\.$/);
  });

  it("name the attribute that forces the replacement", () => {
    const stream = read("replace").resource_changes.find((rc: any) => rc.type === "aws_kinesis_firehose_delivery_stream");
    expect(stream.change.actions).toEqual(["delete", "create"]);
    expect(stream.change.replace_paths).toEqual([
      ["extended_s3_configuration", 0, "dynamic_partitioning_configuration"],
      ["extended_s3_configuration", 0, "dynamic_partitioning_configuration", 0, "enabled"],
    ]);
  });

  it("show the role policy statement change", () => {
    const policy = read("iam-change").resource_changes.find((rc: any) => rc.address.includes("DeliveryRolePolicy"));
    expect(policy.change.actions).toEqual(["update"]);
    expect(changedAttributes(policy.change)).toEqual(["policy"]);
  });
});

describe("the check's summary.json", () => {
  const change = (address: string, actions: string[], before: object | null = null, after: object | null = {}) => ({
    address,
    mode: "managed",
    type: address.split(".")[0],
    change: { actions, before, after, after_unknown: {} },
  });
  const createPlan = { resource_changes: [change("aws_s3_bucket.Bucket", ["create"]), change("aws_iam_role.Role", ["create"])] };
  const state = { values: { root_module: { resources: [{ address: "aws_s3_bucket.Bucket", mode: "managed" }] } } };
  const afterPlan = {
    resource_changes: [change("aws_s3_bucket.Bucket", ["no-op"], {}, {}), change("aws_iam_role.Role", ["create"])],
  };

  it("counts a stack's planned and applied resources and names what was not applied", () => {
    expect(stackRecord(createPlan, state, afterPlan)).toEqual({
      planned: 2,
      applied: 1,
      notApplied: [{ address: "aws_iam_role.Role", reason: "not in the state after apply" }],
      postApplyChanges: 1,
      excluded: [],
    });
  });

  it("has exactly the fields of its interface, and adds up the stacks of a profile", () => {
    const record = { planned: 25, applied: 25, notApplied: [], postApplyChanges: 0, excluded: [] };
    const summary = buildSummary({
      provider: "hashicorp/aws 6.47.1",
      emulator: "ministack 1.5.33 for every service",
      stacks: [
        { profile: "default", record },
        { profile: "multi-environment", record },
        { profile: "multi-environment", record },
      ],
      eventFlow: {
        eventFlow: { recordsPut: 10, objectsWritten: 10, eventTypesLanded: ["Bounce"], problems: [] },
        iam: { allowedAsExpected: 5, deniedAsExpected: 7, unexpected: [] },
      },
      queries: { queriesChecked: 5, queriesMatched: 5 },
      faults: [{ name: "disabled-destination", caught: true, by: "ses: no enabled event destination ...", extra: 1 }],
    });
    expect(Object.keys(summary)).toEqual(["provider", "emulator", "profiles", "eventFlow", "iam", "faults"]);
    expect(summary.faults).toEqual([{ name: "disabled-destination", caught: true, by: "ses: no enabled event destination ..." }]);
    expect(summary.profiles["multi-environment"]).toEqual({ planned: 50, applied: 50, notApplied: [], postApplyChanges: 0, excluded: [] });
    expect(Object.keys(summary.eventFlow)).toEqual([
      "recordsPut",
      "objectsWritten",
      "eventTypesLanded",
      "queriesChecked",
      "queriesMatched",
      "accountsLanded",
      "regionsLanded",
    ]);
    expect(summary.iam).toEqual({ allowedAsExpected: 5, deniedAsExpected: 7, unexpected: [] });
    expect(summaryLines(summary)[1]).toBe("default: planned 25, applied 25, not applied 0, post-apply changes 0, excluded 0");
  });

  it("adds the organization's events, queries and probes, and lists the accounts and Regions that landed", () => {
    const summary = buildSummary({
      provider: "p",
      emulator: "e",
      stacks: [],
      eventFlow: {
        eventFlow: { recordsPut: 10, objectsWritten: 10, eventTypesLanded: ["Bounce"], problems: [] },
        iam: { allowedAsExpected: 5, deniedAsExpected: 7, unexpected: [] },
      },
      queries: { queriesChecked: 5, queriesMatched: 5 },
      organization: {
        eventFlow: {
          recordsPut: 30,
          objectsWritten: 21,
          eventTypesLanded: ["Send", "Bounce"],
          accountsLanded: ["222222222222", "333333333333"],
          regionsLanded: ["eu-west-1", "us-east-1"],
          problems: [],
        },
        iam: { allowedAsExpected: 4, deniedAsExpected: 6, unexpected: ["x"] },
      },
      organizationQueries: { queriesChecked: 5, queriesMatched: 4 },
    });
    expect(summary.eventFlow).toEqual({
      recordsPut: 40,
      objectsWritten: 31,
      eventTypesLanded: ["Bounce", "Send"],
      queriesChecked: 10,
      queriesMatched: 9,
      accountsLanded: ["222222222222", "333333333333"],
      regionsLanded: ["eu-west-1", "us-east-1"],
    });
    expect(summary.iam).toEqual({ allowedAsExpected: 9, deniedAsExpected: 13, unexpected: ["x"] });
  });

  it("calls a profile incomplete when anything was left out, changed after apply or excluded", () => {
    const whole = { planned: 2, applied: 2, notApplied: [], postApplyChanges: 0, excluded: [] };
    expect(profileComplete(whole)).toBe(true);
    expect(profileComplete({ ...whole, postApplyChanges: 1 })).toBe(false);
    expect(profileComplete({ ...whole, excluded: [{ address: "a", attribute: "b", evidence: "c" }] })).toBe(false);
    expect(profileComplete({ ...whole, applied: 1, notApplied: [{ address: "a", reason: "r" }] })).toBe(false);
  });
});

describe("the check's summary of the seeded faults", () => {
  const base = { provider: "p", emulator: "e", stacks: [], eventFlow: undefined, queries: undefined };

  it("is an empty list when no fault was seeded", () => {
    expect(buildSummary(base).faults).toEqual([]);
    expect(summaryLines(buildSummary(base)).some((line: string) => line.startsWith("faults"))).toBe(false);
  });

  it("names the faults that were not caught", () => {
    const faults = [
      { name: "a", caught: true, by: "ses: x" },
      { name: "b", caught: false, by: "not caught by iam (failed: nothing)" },
    ];
    expect(summaryLines(buildSummary({ ...base, faults })).at(-1)).toBe("faults: 1 of 2 caught (NOT CAUGHT: b)");
  });
});

describe("the faults seeded into the default stack", () => {
  let stack: Record<string, any>;
  beforeAll(() => {
    const out = mkdtempSync(path.join(tmpdir(), "faults-"));
    const context = JSON.parse(readFileSync(path.join(ROOT, "cdktf.json"), "utf8")).context;
    const run = spawnSync("node", ["scripts/app.js"], {
      cwd: ROOT,
      encoding: "utf8",
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", CHECKPOINT_DISABLE: "1", CDKTF_CONTEXT_JSON: JSON.stringify(context), CDKTF_OUTDIR: out },
    });
    if (run.status !== 0) throw new Error(run.stderr);
    stack = JSON.parse(readFileSync(path.join(out, "stacks/ses-events/cdk.tf.json"), "utf8"));
  }, 60_000);
  const resources = (s: Record<string, any>, type: string) => Object.values(s.resource[type]) as any[];
  const sesRole = (s: Record<string, any>) => resources(s, "aws_iam_role").find((r) => r.assume_role_policy.includes("ses.amazonaws.com"));

  it("are the nine the check must catch, each naming its check", () => {
    expect(Object.fromEntries(Object.entries(FAULTS).map(([name, f]: [string, any]) => [name, f.catches]))).toEqual({
      "delivery-role-without-put-object": "delivery",
      "bucket-policy-denies-delivery-role": "delivery",
      "ses-trust-without-conditions": "iam",
      "delivery-trust-for-another-service": "delivery",
      "ses-role-limited-to-another-stream": "ses",
      "disabled-destination": "ses",
      "destination-names-wrong-role": "ses",
      "events-partitioned-by-wrong-field": "events",
      "table-reads-wrong-prefix": "queries",
    });
  });

  it("each change the stack, and only a copy of it", () => {
    const before = JSON.stringify(stack);
    for (const name of Object.keys(FAULTS)) expect(JSON.stringify(seed(name, stack))).not.toBe(before);
    expect(JSON.stringify(stack)).toBe(before);
  });

  it("take s3:PutObject out of the delivery role's policy", () => {
    const seeded = seed("delivery-role-without-put-object", stack);
    const policy = resources(seeded, "aws_iam_role_policy").find((p) => p.policy.includes("WriteEventObjects"));
    const actions = JSON.parse(policy.policy).Statement.flatMap((st: any) => st.Action);
    expect(actions).not.toContain("s3:PutObject");
    expect(actions).toContain("s3:GetObject");
  });

  it("deny the delivery role in the bucket policy", () => {
    const policy = JSON.parse(resources(seed("bucket-policy-denies-delivery-role", stack), "aws_s3_bucket_policy")[0].policy);
    expect(policy.Statement.at(-1)).toEqual({
      Sid: "DenyDeliveryRole",
      Effect: "Deny",
      Principal: { AWS: expect.stringMatching(/^\$\{aws_iam_role\.SesEvents_DeliveryRole_\w+\.arn\}$/) },
      Action: "s3:PutObject",
      Resource: expect.stringMatching(/^\$\{aws_s3_bucket\.SesEvents_Bucket_\w+\.arn\}\/\*$/),
    });
  });

  it("drop the SES role's source conditions", () => {
    expect(JSON.parse(sesRole(stack).assume_role_policy).Statement[0].Condition).toBeDefined();
    expect(JSON.parse(sesRole(seed("ses-trust-without-conditions", stack)).assume_role_policy).Statement[0].Condition).toBeUndefined();
  });

  it("disable the event destination, or point it at the delivery role", () => {
    expect(resources(seed("disabled-destination", stack), "aws_sesv2_configuration_set_event_destination")[0].event_destination.enabled).toBe(false);
    const wrong = resources(seed("destination-names-wrong-role", stack), "aws_sesv2_configuration_set_event_destination")[0];
    expect(wrong.event_destination.kinesis_firehose_destination.iam_role_arn).toMatch(/^\$\{aws_iam_role\.SesEvents_DeliveryRole_/);
  });

  it("partition by the sender, and move the table's location", () => {
    const stream = resources(seed("events-partitioned-by-wrong-field", stack), "aws_kinesis_firehose_delivery_stream")[0];
    expect(JSON.stringify(stream.extended_s3_configuration.processing_configuration)).toContain('"parameter_value":"{event_type: .mail.source}"');
    const table = resources(seed("table-reads-wrong-prefix", stack), "aws_glue_catalog_table").find((t: { name: string }) => t.name === "events");
    expect(table.parameters["storage.location.template"]).toMatch(/^s3:\/\/\$\{aws_s3_bucket\.\w+\.bucket\}\/events-parquet-moved\/event_type=/);
  });

  it("refuse an unknown name, or a stack without what the fault edits", () => {
    expect(() => seed("no-such-fault", stack)).toThrow('faults: no fault named "no-such-fault"');
    expect(() => seed("disabled-destination", { resource: {} })).toThrow("faults: expected one aws_sesv2_configuration_set_event_destination in the stack, found 0");
  });

  it("count as caught only by the check they name, with its first complaint", () => {
    const flow = (failedChecks: string[], problems: string[], unexpected: string[] = []) => ({ failedChecks, eventFlow: { problems }, iam: { unexpected } });
    expect(verdict("disabled-destination", flow(["ses"], ["ses: no enabled event destination of configuration set ses-events matches SEND"]), true)).toEqual({
      name: "disabled-destination",
      caught: true,
      by: "ses: no enabled event destination of configuration set ses-events matches SEND",
    });
    expect(verdict("ses-trust-without-conditions", flow(["iam"], [], ["SES role sts:AssumeRole by SES with no source context: allowed, expected denied"]), true).by).toBe(
      "iam: SES role sts:AssumeRole by SES with no source context: allowed, expected denied",
    );
    expect(verdict("disabled-destination", flow(["events"], ["events: x"]), true)).toEqual({
      name: "disabled-destination",
      caught: false,
      by: "not caught by ses (failed: events)",
    });
    expect(verdict("table-reads-wrong-prefix", flow([], []), false).caught).toBe(true);
    expect(verdict("table-reads-wrong-prefix", undefined, true)).toEqual({ name: "table-reads-wrong-prefix", caught: false, by: "not caught by queries (failed: event-flow)" });
  });
});

describe("the check's shell scripts", () => {
  const files = ["packages/terraform-check/terraform-check.sh", ...["isolation.sh", "mock.sh", "organization.sh", "provider.sh", "stack.sh", "terraform-build.sh", "unit-tests.sh"].map((f) => `packages/terraform-check/${f}`)];
  const text = files.map((f) => readFileSync(path.join(ROOT, f), "utf8")).join("\n");

  it("call only functions they define", () => {
    const defined = new Set([...text.matchAll(/^([a-z_]+)\(\) \{/gm)].map((m) => m[1]));
    const variables = new Set([...text.matchAll(/\b([a-z_]+)=/g)].map((m) => m[1]));
    // A command word with an underscore (function names do, commands and keywords do not), not a
    // variable in arithmetic nor a block of the Terraform CLI configuration written by a heredoc.
    const called = new Set(
      [...text.matchAll(/(?:^\s*|&& |\|\| |\$\(|; |then |do |! )([a-z]+_[a-z_]+)(?=\s|$|\))(?! \{)/gm)].map((m) => m[1]).filter((name) => !variables.has(name)),
    );
    expect(called.size).toBeGreaterThan(20);
    expect([...called].filter((name) => !defined.has(name)).sort()).toEqual([]);
  });
});
