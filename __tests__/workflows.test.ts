import { spawnSync } from "node:child_process";
import MarkdownIt from "markdown-it";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parse } from "yaml";

interface WorkflowStep {
  id?: string;
  name?: string;
  if?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}

interface WorkflowJob {
  name?: string;
  "runs-on": string;
  if?: string;
  needs?: string | string[];
  permissions?: Record<string, string>;
  environment?: string | { name: string };
  env?: Record<string, string>;
  steps: WorkflowStep[];
}

interface Workflow {
  name: string;
  on: Record<string, unknown>;
  permissions?: Record<string, string> | string;
  concurrency?: { group: string; "cancel-in-progress"?: boolean };
  env?: Record<string, string>;
  jobs: Record<string, WorkflowJob>;
}

type StepMatcher = (step: WorkflowStep) => boolean;

const WORKFLOWS = path.join(__dirname, "..", ".github", "workflows");
// Each action at a full commit SHA, with the release it is in a comment.
const PINNED_ACTIONS: Record<string, string> = {
  "actions/checkout": "11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2",
  "actions/setup-node": "49933ea5288caeca8642d1e84afbd3f7d6820020 # v4.4.0",
  "hashicorp/setup-terraform": "b9cd54a3c349d3f38e8881555d616ced269862dd # v3.1.2",
  "aws-actions/configure-aws-credentials": "b47578312673ae6fa5b5096b330d9fbac3d116df # v4.2.1",
  "actions/upload-artifact": "ea165f8d65b6e75b540449e92b4886f43607fa02 # v4.6.2",
  "actions/download-artifact": "d3f86a106a0bac45b974a628896c90dbdf5c8093 # v4.3.0",
  "actions/github-script": "60a0d83039c74a4aee543508d2ffcb1c3799cdea # v7.0.1",
};
const action = (name: string) => `${name}@${(PINNED_ACTIONS[name] ?? "").split(" ")[0]}`;
const BACKEND_VARIABLES = [
  "TF_CLOUD_ORGANIZATION",
  "TF_WORKSPACE",
  "TF_CLOUD_HOSTNAME",
  "TF_CLOUD_PROJECT",
  "SES_EVENTS_STATE_BUCKET",
  "SES_EVENTS_STATE_KEY",
  "SES_EVENTS_STATE_REGION",
];
const MARKER = "<!-- ses-events-plan -->";
const ROOT = path.join(__dirname, "..");

function readWorkflow(file: string): { text: string; workflow: Workflow } {
  const text = readFileSync(path.join(WORKFLOWS, file), "utf8");
  return { text, workflow: parse(text) as Workflow };
}

function jobOf(workflow: Workflow, name: string): WorkflowJob {
  const job = workflow.jobs[name];
  if (!job) throw new Error(`no job ${name}`);
  return job;
}

/** The job that checks out and runs the repository's code (plan or deploy). */
function codeJob(file: string): WorkflowJob {
  const { workflow } = readWorkflow(file);
  return jobOf(workflow, file === "plan.yml" ? "plan" : "deploy");
}

function runs(fragment: string): StepMatcher {
  return (step) => step.run?.includes(fragment) ?? false;
}

function uses(action: string): StepMatcher {
  return (step) => step.uses === action;
}

const isBackendCheck: StepMatcher = (step) => step.id === "backend";

function stepWith(job: WorkflowJob, matcher: StepMatcher): WorkflowStep {
  const step = job.steps.find(matcher);
  if (!step) throw new Error("no matching step");
  return step;
}

/** Index of the first step matching each matcher, in order; -1 for a missing step. */
function stepIndexes(job: WorkflowJob, matchers: readonly StepMatcher[]): number[] {
  return matchers.map((matcher) => job.steps.findIndex(matcher));
}

function isAscending(indexes: readonly number[]): boolean {
  return indexes.every((index, i) => index >= 0 && (i === 0 || index > (indexes[i - 1] as number)));
}

function effectiveEnv(workflow: Workflow, job: WorkflowJob, step: WorkflowStep): Record<string, string> {
  return { ...workflow.env, ...job.env, ...step.env };
}

/** Runs the workflow's "Check state backends" script on one synthesized stack with the given `terraform` block. */
function runBackendCheck(file: string, terraform: object) {
  const script = stepWith(codeJob(file), isBackendCheck).run ?? "";
  const dir = mkdtempSync(path.join(tmpdir(), "backend-check-"));
  const stack = path.join(dir, "cdktf.out", "stacks", "ses-events");
  mkdirSync(stack, { recursive: true });
  writeFileSync(path.join(stack, "cdk.tf.json"), JSON.stringify({ terraform }));
  const outputFile = path.join(dir, "github-output");
  writeFileSync(outputFile, "");
  const result = spawnSync("bash", ["-e", "-c", script], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, GITHUB_OUTPUT: outputFile },
  });
  return { status: result.status, stdout: result.stdout, output: readFileSync(outputFile, "utf8") };
}

function allSteps(file: string): WorkflowStep[] {
  return Object.values(readWorkflow(file).workflow.jobs).flatMap((job) => job.steps);
}

/** Runs a step's bash script in a scratch directory with the given environment. */
function runStep(script: string, env: Record<string, string>, cwd: string) {
  return spawnSync("bash", ["-e", "-o", "pipefail", "-c", script], { cwd, encoding: "utf8", env: { ...process.env, ...env } });
}

interface FakeComment {
  id: number;
  user: { login: string; type: string };
  body: string;
}

/** Runs the comment job's github-script with a fake GitHub client; returns the calls it made. */
async function runCommentScript(summary: string, comments: FakeComment[]) {
  const dir = mkdtempSync(path.join(tmpdir(), "comment-"));
  const file = path.join(dir, "comment.md");
  writeFileSync(file, summary);
  const job = jobOf(readWorkflow("plan.yml").workflow, "comment");
  const step = stepWith(job, uses(action("actions/github-script")));
  const calls: { method: string; args: Record<string, unknown> }[] = [];
  const record = (method: string) => async (args: Record<string, unknown>) => {
    calls.push({ method, args });
    return { data: {} };
  };
  const github = {
    paginate: async () => comments,
    rest: { issues: { listComments: record("listComments"), updateComment: record("updateComment"), createComment: record("createComment") } },
  };
  const context = { repo: { owner: "acme", repo: "email" }, issue: { number: 7 } };
  const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (...args: string[]) => (...values: unknown[]) => Promise<void>;
  const script = new AsyncFunction("require", "github", "context", "process", String(step.with?.script));
  await script(require, github, context, { env: { SUMMARY_FILE: step.env?.SUMMARY_FILE === "${{ runner.temp }}/plan-summary/comment.md" ? file : "" } });
  return calls;
}

describe("plan workflow", () => {
  const { workflow } = readWorkflow("plan.yml");
  const job = jobOf(workflow, "plan");
  const comment = jobOf(workflow, "comment");

  test("runs on pull requests only", () => {
    expect(Object.keys(workflow.on)).toEqual(["pull_request"]);
  });

  test("grants nothing at the workflow level", () => {
    expect(workflow.permissions).toEqual({});
  });

  test("the job that runs pull-request code may only read the code and get the plan role's OIDC token", () => {
    expect(job.permissions).toEqual({ contents: "read", "id-token": "write" });
  });

  test("a separate job that runs no pull-request code posts the comment, with write access to pull requests only", () => {
    expect(comment.permissions).toEqual({ "pull-requests": "write" });
    expect(comment.needs).toBe("plan");
    expect(comment.steps.map((step) => step.uses)).toEqual([action("actions/download-artifact"), action("actions/github-script")]);
    expect(comment.steps.some((step) => step.run !== undefined)).toBe(false);
  });

  test("the comment job reads the summary the plan job uploaded", () => {
    const upload = stepWith(job, (step) => step.with?.name === "plan-summary");
    const download = stepWith(comment, uses(action("actions/download-artifact")));
    expect(upload.uses).toBe(action("actions/upload-artifact"));
    expect(String(upload.with?.path).trim().split("\n")).toEqual([
      "${{ runner.temp }}/plan-summary/comment.md",
      "${{ runner.temp }}/plan-summary/full.md",
    ]);
    expect(download.with).toEqual({ name: "plan-summary", path: "${{ runner.temp }}/plan-summary" });
  });

  test("installs, tests, synthesizes, plans, summarizes and uploads in that order", () => {
    const order = stepIndexes(job, [
      uses(action("actions/checkout")),
      uses(action("actions/setup-node")),
      runs("npm ci"),
      runs("npm test"),
      runs("npx cdktf synth"),
      isBackendCheck,
      uses(action("aws-actions/configure-aws-credentials")),
      uses(action("hashicorp/setup-terraform")),
      runs("terraform init"),
      runs("terraform plan -input=false"),
      runs("npm run --silent plan-summary --"),
      uses(action("actions/upload-artifact")),
    ]);
    expect(order).not.toContain(-1);
    expect(isAscending(order)).toBe(true);
  });

  test("sets up Node 20 with the npm cache", () => {
    expect(stepWith(job, uses(action("actions/setup-node"))).with).toEqual({ "node-version": 20, cache: "npm" });
  });

  test("disables the cdktf checkpoint for synth", () => {
    expect(effectiveEnv(workflow, job, stepWith(job, runs("npx cdktf synth"))).CHECKPOINT_DISABLE).toBe("1");
  });

  test("plans every synthesized stack without taking the state lock and saves the plan", () => {
    const plan = stepWith(job, runs("terraform plan -input=false")).run ?? "";
    expect(plan).toContain("for dir in cdktf.out/stacks/*/");
    expect(plan).toMatch(/terraform plan -input=false -no-color -lock=false -out="\$out\/plan\.tfplan"/);
    expect(plan).toMatch(/terraform show -json "\$out\/plan\.tfplan"\) > "\$out\/plan\.json"/);
  });

  test("pastes the text plan instead of a saved plan for a stack on HCP Terraform", () => {
    const plan = stepWith(job, runs("terraform plan -input=false")).run ?? "";
    expect(plan).toMatch(
      /terraform\?\.cloud \? 0 : 1\)' "\$PWD\/\$\{dir\}cdk\.tf\.json"; then\n\s+\(cd "\$dir" && terraform plan -input=false -no-color\) \| tee "\$out\/plan\.txt"/,
    );
  });

  describe("the summarize step, run on a saved plan and an HCP Terraform text plan", () => {
    const temp = mkdtempSync(path.join(tmpdir(), "summarize-"));
    const stepSummary = path.join(temp, "step-summary.md");
    let result: ReturnType<typeof runStep>;

    beforeAll(() => {
      mkdirSync(path.join(temp, "plans", "ses-events"), { recursive: true });
      mkdirSync(path.join(temp, "plans", "hcp"), { recursive: true });
      writeFileSync(path.join(temp, "plans", "ses-events", "plan.json"), readFileSync(path.join(__dirname, "fixtures", "plans", "replace-stream.json")));
      const filler = Array.from({ length: 3000 }, (_, i) => `  # resource ${i} will be created`).join("\n");
      writeFileSync(path.join(temp, "plans", "hcp", "plan.txt"), `Plan: 1 to add\n</details> <img src=x> @org/team\n\`\`\`\n\n<!--\nWarning: x\r<img src=y onerror=alert(1)> @octocat\n${filler}\n`);
      writeFileSync(stepSummary, "");
      const script = stepWith(job, runs("plan-summary")).run ?? "";
      result = runStep(script, {
        RUNNER_TEMP: temp,
        GITHUB_STEP_SUMMARY: stepSummary,
        GITHUB_SHA: "0123456789abcdef",
        GITHUB_SERVER_URL: "https://github.com",
        GITHUB_REPOSITORY: "acme/email",
        GITHUB_RUN_ID: "42",
      }, ROOT);
    }, 30_000);

    test("succeeds", () => {
      expect(result.stderr).toBe("");
      expect(result.status).toBe(0);
    });

    test("writes the comment: a header with the run link, then each stack's summary", () => {
      const text = readFileSync(path.join(temp, "plan-summary", "comment.md"), "utf8");
      expect(text.startsWith("**Terraform plan** for 0123456 ([workflow run](https://github.com/acme/email/actions/runs/42))\n\n")).toBe(true);
      expect(text).toContain("## Terraform plan for stack `ses-events`\n\nPlan: 1 to add, 2 to change, 1 to destroy.\n");
    });

    test("puts a text plan in an indented code block that its content cannot end", () => {
      const text = readFileSync(path.join(temp, "plan-summary", "comment.md"), "utf8");
      expect(text).toContain(
        "## Terraform plan for stack `hcp` (HCP Terraform, text)\n\n    Plan: 1 to add\n    </details> <img src=x> @org/team\n    ```\n    \n    <!--\n",
      );
    });

    test("shows a carriage return in a text plan as \\r, which would otherwise end the code block", () => {
      const comment = readFileSync(path.join(temp, "plan-summary", "comment.md"), "utf8");
      expect(comment).toContain("\n    Warning: x\\r<img src=y onerror=alert(1)> @octocat\n");
      const html = new MarkdownIt({ html: true }).render(comment);
      expect(html).not.toMatch(/<img|<\/details>/);
    });

    test("cuts a long text plan to the stack's share of the comment at a line, keeping it whole in the full summary", () => {
      const comment = readFileSync(path.join(temp, "plan-summary", "comment.md"), "utf8");
      const hcp = comment.slice(comment.indexOf("## Terraform plan for stack `hcp`"), comment.indexOf("## Terraform plan for stack `ses-events`"));
      expect(hcp.length).toBeLessThanOrEqual(30_000 + 1);
      expect(hcp).toMatch(/\n {4} {2}# resource \d+ will be created\n\n$/);
      expect(readFileSync(path.join(temp, "plan-summary", "full.md"), "utf8")).toContain("\n      # resource 2999 will be created\n");
    });

    test("writes the full summaries to the job summary", () => {
      expect(readFileSync(stepSummary, "utf8")).toBe(readFileSync(path.join(temp, "plan-summary", "full.md"), "utf8"));
    });

    test("never uploads the saved plans, which can hold sensitive values", () => {
      expect(existsSync(path.join(temp, "plan-summary", "plan.json"))).toBe(false);
    });
  });

  describe("the comment script", () => {
    const bot = { login: "github-actions[bot]", type: "Bot" };

    test("creates one comment that starts with the hidden marker", async () => {
      const calls = await runCommentScript("summary\n", []);
      expect(calls).toEqual([{ method: "createComment", args: { owner: "acme", repo: "email", issue_number: 7, body: `${MARKER}\nsummary\n` } }]);
    });

    test("updates the workflow's own earlier comment", async () => {
      const calls = await runCommentScript("new\n", [{ id: 5, user: bot, body: `${MARKER}\nold` }]);
      expect(calls).toEqual([{ method: "updateComment", args: { owner: "acme", repo: "email", comment_id: 5, body: `${MARKER}\nnew\n` } }]);
    });

    test("never edits someone else's comment that quotes the marker", async () => {
      const calls = await runCommentScript("new\n", [{ id: 9, user: { login: "mallory", type: "User" }, body: `${MARKER}\nfake` }]);
      expect(calls.map((call) => call.method)).toEqual(["createComment"]);
    });

    test("cuts a body over 65,000 characters at a line break and says where the full plan is", async () => {
      const line = `- ${"`x`".repeat(30)}\n`;
      const calls = await runCommentScript(line.repeat(1000), []);
      const body = String(calls[0]?.args.body);
      expect(body.length).toBeLessThanOrEqual(65_100);
      expect(body).toMatch(/`x`\n\n_Cut to fit a comment: the workflow run's job summary and its plan-summary artifact have the full plan\._\n$/);
    });
  });

  test("assumes the plan role by OIDC when a stack uses the S3 backend", () => {
    const aws = stepWith(job, uses(action("aws-actions/configure-aws-credentials")));
    expect(aws.if).toBe("${{ steps.backend.outputs.aws == 'true' }}");
    expect(aws.with?.["role-to-assume"]).toBe("${{ vars.AWS_PLAN_ROLE_ARN }}");
    expect(aws.with?.["aws-region"]).toBe("${{ vars.AWS_REGION }}");
  });

  test("gives Terraform the HCP Terraform token from a secret and no output wrapper", () => {
    const terraform = stepWith(job, uses(action("hashicorp/setup-terraform")));
    expect(terraform.with?.cli_config_credentials_token).toBe("${{ secrets.TF_API_TOKEN }}");
    expect(terraform.with?.terraform_wrapper).toBe(false);
  });

  test("passes the backend settings from repository variables", () => {
    const exported = stepWith(job, runs("GITHUB_ENV")).env ?? {};
    for (const name of BACKEND_VARIABLES) expect(exported[name]).toBe(`\${{ vars.${name} }}`);
  });

  test("cancels the plan of an outdated commit of the same pull request", () => {
    expect(workflow.concurrency).toEqual({
      group: "plan-${{ github.event.pull_request.number }}",
      "cancel-in-progress": true,
    });
  });
});

describe("deploy workflow", () => {
  const { workflow } = readWorkflow("deploy.yml");
  const job = jobOf(workflow, "deploy");
  const refuse = stepWith(job, (step) => step.name === "Refuse any ref but main");

  test("runs on pushes to main and on manual dispatch", () => {
    expect(Object.keys(workflow.on).sort()).toEqual(["push", "workflow_dispatch"]);
    expect(workflow.on.push).toEqual({ branches: ["main"] });
  });

  test("grants nothing at the workflow level, and the job an OIDC token and read access to the code only", () => {
    expect(workflow.permissions).toEqual({});
    expect(job.permissions).toEqual({ contents: "read", "id-token": "write" });
  });

  test("the job runs only for refs/heads/main", () => {
    expect(job.if).toBe("${{ github.ref == 'refs/heads/main' }}");
  });

  test("its first step fails on any other ref", () => {
    expect(job.steps[0]).toBe(refuse);
    const dir = mkdtempSync(path.join(tmpdir(), "deploy-ref-"));
    for (const ref of ["refs/heads/feature", "refs/tags/v1.0.0", "refs/heads/main-old", "refs/pull/1/merge"]) {
      const result = runStep(refuse.run ?? "", { GITHUB_REF: ref }, dir);
      expect(result.status).toBe(1);
      expect(result.stdout).toBe(`::error::deploys run only from refs/heads/main, not ${ref}\n`);
    }
    expect(runStep(refuse.run ?? "", { GITHUB_REF: "refs/heads/main" }, dir).status).toBe(0);
  });

  test("runs in the production environment so its required reviewers approve each deploy", () => {
    expect(job.environment).toBe("production");
  });

  test("queues deploys in one fixed group and never cancels a running one", () => {
    expect(workflow.concurrency?.group).toBe("deploy-production");
    expect(workflow.concurrency?.["cancel-in-progress"]).toBe(false);
  });

  test("installs without a dependency cache", () => {
    expect(stepWith(job, uses(action("actions/setup-node"))).with).toEqual({ "node-version": 20 });
  });

  test("installs, tests, synthesizes and deploys every stack in that order", () => {
    const order = stepIndexes(job, [
      uses(action("actions/checkout")),
      runs("npm ci"),
      runs("npm test"),
      runs("npx cdktf synth"),
      isBackendCheck,
      uses(action("aws-actions/configure-aws-credentials")),
      uses(action("hashicorp/setup-terraform")),
      runs("npx cdktf deploy '*' --auto-approve"),
    ]);
    expect(order).not.toContain(-1);
    expect(isAscending(order)).toBe(true);
  });

  test("disables the cdktf checkpoint for synth and deploy", () => {
    for (const fragment of ["npx cdktf synth", "npx cdktf deploy"]) {
      expect(effectiveEnv(workflow, job, stepWith(job, runs(fragment))).CHECKPOINT_DISABLE).toBe("1");
    }
  });

  test("assumes the deploy role by OIDC when a stack uses the S3 backend", () => {
    const aws = stepWith(job, uses(action("aws-actions/configure-aws-credentials")));
    expect(aws.if).toBe("${{ steps.backend.outputs.aws == 'true' }}");
    expect(aws.with?.["role-to-assume"]).toBe("${{ vars.AWS_DEPLOY_ROLE_ARN }}");
    expect(aws.with?.["aws-region"]).toBe("${{ vars.AWS_REGION }}");
  });

  test("passes the backend settings from repository variables", () => {
    const exported = stepWith(job, runs("GITHUB_ENV")).env ?? {};
    for (const name of BACKEND_VARIABLES) expect(exported[name]).toBe(`\${{ vars.${name} }}`);
  });
});

describe("both workflows", () => {
  test.each(["plan.yml", "deploy.yml"])("%s stops when a synthesized stack would keep local state", (file) => {
    const result = runBackendCheck(file, { backend: { local: { path: "terraform.ses-events.tfstate" } } });
    expect(result.status).toBe(1);
    expect(result.stdout).toContain("::error file=cdktf.out/stacks/ses-events/cdk.tf.json::local state is lost after the job");
  });

  test.each(["plan.yml", "deploy.yml"])("%s asks for AWS credentials for a stack on the S3 backend", (file) => {
    const result = runBackendCheck(file, { backend: { s3: { bucket: "state", key: "ses-events.tfstate" } } });
    expect(result.status).toBe(0);
    expect(result.output).toBe("aws=true\n");
  });

  test.each(["plan.yml", "deploy.yml"])("%s needs no AWS credentials for a stack on HCP Terraform", (file) => {
    const result = runBackendCheck(file, { cloud: { organization: "example", workspaces: { name: "ses-events" } } });
    expect(result.status).toBe(0);
    expect(result.output).toBe("aws=false\n");
  });

  test.each(["plan.yml", "deploy.yml"])("%s contains no literal AWS credentials or role ARNs", (file) => {
    const { text } = readWorkflow(file);
    expect(text).not.toMatch(/\b(AKIA|ASIA)[0-9A-Z]{16}\b/);
    expect(text).not.toMatch(/aws_secret_access_key|aws-secret-access-key|aws-access-key-id/i);
    expect(text).not.toMatch(/arn:aws:iam::\d{12}:/);
  });

  test.each(["plan.yml", "deploy.yml"])("%s takes every secret from the secrets context", (file) => {
    const { workflow } = readWorkflow(file);
    const inputs = Object.values(workflow.jobs).flatMap((job) =>
      job.steps.flatMap((step) => Object.entries({ ...step.with, ...step.env })),
    );
    const secretLike = inputs.filter(([key]) => /token|secret|password/i.test(key));
    expect(secretLike.length).toBeGreaterThan(0);
    for (const [, value] of secretLike) expect(value).toMatch(/^\$\{\{ secrets\.[A-Z_]+ \}\}$/);
  });

  test.each(["plan.yml", "deploy.yml"])("%s pins every action to a full commit SHA with its version in a comment", (file) => {
    const lines = readWorkflow(file).text.split("\n").filter((line) => /^\s*(- )?uses:/.test(line));
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      const [, name, pin] = line.match(/uses: ([\w-]+\/[\w-]+)@(.*)$/) ?? [];
      expect(pin).toMatch(/^[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
      expect(`${name}@${pin}`).toBe(`${name}@${PINNED_ACTIONS[name ?? ""]}`);
    }
  });

  test.each(["plan.yml", "deploy.yml"])("%s checks out without persisting credentials", (file) => {
    const checkouts = allSteps(file).filter((step) => step.uses?.startsWith("actions/checkout@"));
    expect(checkouts.length).toBeGreaterThan(0);
    for (const checkout of checkouts) expect(checkout.with?.["persist-credentials"]).toBe(false);
  });

  test.each(["plan.yml", "deploy.yml"])("%s expands no ${{ }} expression inside a run script", (file) => {
    for (const step of allSteps(file)) expect(step.run ?? "").not.toContain("${{");
  });
});
