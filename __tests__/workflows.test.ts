import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
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
  "runs-on": string;
  environment?: string | { name: string };
  env?: Record<string, string>;
  steps: WorkflowStep[];
}

interface Workflow {
  name: string;
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  concurrency?: { group: string; "cancel-in-progress"?: boolean };
  env?: Record<string, string>;
  jobs: Record<string, WorkflowJob>;
}

type StepMatcher = (step: WorkflowStep) => boolean;

const WORKFLOWS = path.join(__dirname, "..", ".github", "workflows");
const PINNED_ACTIONS = [
  "actions/checkout@v4",
  "actions/setup-node@v4",
  "hashicorp/setup-terraform@v3",
  "aws-actions/configure-aws-credentials@v4",
  "actions/upload-artifact@v4",
  "actions/github-script@v7",
];
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

function readWorkflow(file: string): { text: string; workflow: Workflow } {
  const text = readFileSync(path.join(WORKFLOWS, file), "utf8");
  return { text, workflow: parse(text) as Workflow };
}

function onlyJob(workflow: Workflow): WorkflowJob {
  const jobs = Object.values(workflow.jobs);
  expect(jobs).toHaveLength(1);
  return jobs[0] as WorkflowJob;
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
  const script = stepWith(onlyJob(readWorkflow(file).workflow), isBackendCheck).run ?? "";
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

function allSteps(): WorkflowStep[] {
  return ["plan.yml", "deploy.yml"].flatMap((file) =>
    Object.values(readWorkflow(file).workflow.jobs).flatMap((job) => job.steps),
  );
}

describe("plan workflow", () => {
  const { workflow } = readWorkflow("plan.yml");
  const job = onlyJob(workflow);

  test("runs on pull requests only", () => {
    expect(Object.keys(workflow.on)).toEqual(["pull_request"]);
  });

  test("grants an OIDC token, read access to the code and write access to pull requests", () => {
    expect(workflow.permissions).toEqual({ "id-token": "write", contents: "read", "pull-requests": "write" });
  });

  test("installs, tests, synthesizes, plans, summarizes, comments and uploads in that order", () => {
    const order = stepIndexes(job, [
      uses("actions/checkout@v4"),
      uses("actions/setup-node@v4"),
      runs("npm ci"),
      runs("npm test"),
      runs("npx cdktf synth"),
      isBackendCheck,
      uses("aws-actions/configure-aws-credentials@v4"),
      uses("hashicorp/setup-terraform@v3"),
      runs("terraform init"),
      runs("terraform plan -input=false"),
      runs("npm run --silent plan-summary --"),
      uses("actions/github-script@v7"),
      uses("actions/upload-artifact@v4"),
    ]);
    expect(order).not.toContain(-1);
    expect(isAscending(order)).toBe(true);
  });

  test("sets up Node 20 with the npm cache", () => {
    expect(stepWith(job, uses("actions/setup-node@v4")).with).toEqual({ "node-version": 20, cache: "npm" });
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

  test("summarizes each plan.json into a file with the plan-summary script", () => {
    expect(stepWith(job, runs("plan-summary")).run).toContain(
      'npm run --silent plan-summary -- "$dir/plan.json" --title "Stack \\`$stack\\`" --output "$dir/summary.md"',
    );
  });

  test("starts the comment with the hidden marker and updates the comment that has it", () => {
    const script = String(stepWith(job, uses("actions/github-script@v7")).with?.script);
    expect(stepWith(job, runs("plan-summary")).run).toContain(`echo '${MARKER}'`);
    expect(script).toContain(`const marker = "${MARKER}";`);
    expect(script).toContain("comment.body?.includes(marker)");
    expect(script).toContain("github.rest.issues.updateComment");
    expect(script).toContain("github.rest.issues.createComment");
  });

  test("uploads the synthesized cdktf.out directory as an artifact", () => {
    const upload = stepWith(job, uses("actions/upload-artifact@v4"));
    expect(String(upload.with?.path).split("\n")).toContain("cdktf.out");
  });

  test("assumes the plan role by OIDC when a stack uses the S3 backend", () => {
    const aws = stepWith(job, uses("aws-actions/configure-aws-credentials@v4"));
    expect(aws.if).toBe("${{ steps.backend.outputs.aws == 'true' }}");
    expect(aws.with?.["role-to-assume"]).toBe("${{ vars.AWS_PLAN_ROLE_ARN }}");
    expect(aws.with?.["aws-region"]).toBe("${{ vars.AWS_REGION }}");
  });

  test("gives Terraform the HCP Terraform token from a secret and no output wrapper", () => {
    const terraform = stepWith(job, uses("hashicorp/setup-terraform@v3"));
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
  const job = onlyJob(workflow);

  test("runs on pushes to main and on manual dispatch", () => {
    expect(Object.keys(workflow.on).sort()).toEqual(["push", "workflow_dispatch"]);
    expect(workflow.on.push).toEqual({ branches: ["main"] });
  });

  test("grants an OIDC token and read access to the code only", () => {
    expect(workflow.permissions).toEqual({ "id-token": "write", contents: "read" });
  });

  test("runs in the production environment so its required reviewers approve each deploy", () => {
    expect(job.environment).toBe("production");
  });

  test("queues deploys in one fixed group and never cancels a running one", () => {
    expect(workflow.concurrency?.group).toBe("deploy-production");
    expect(workflow.concurrency?.["cancel-in-progress"]).toBe(false);
  });

  test("installs, tests, synthesizes and deploys every stack in that order", () => {
    const order = stepIndexes(job, [
      uses("actions/checkout@v4"),
      runs("npm ci"),
      runs("npm test"),
      runs("npx cdktf synth"),
      isBackendCheck,
      uses("aws-actions/configure-aws-credentials@v4"),
      uses("hashicorp/setup-terraform@v3"),
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
    const aws = stepWith(job, uses("aws-actions/configure-aws-credentials@v4"));
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

  test("every action is pinned to its expected major version", () => {
    const used = allSteps().flatMap((step) => (step.uses ? [step.uses] : []));
    expect(used.length).toBeGreaterThan(0);
    for (const action of used) expect(PINNED_ACTIONS).toContain(action);
  });
});
