import { spawn } from "child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { App, Testing } from "cdktf";
// Type-only: declares the matchers Testing.setupJest() (in setup.ts) installs on expect.
import type {} from "cdktf/lib/testing/adapters/jest";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { KinesisFirehoseDeliveryStream } from "@cdktf/provider-aws/lib/kinesis-firehose-delivery-stream";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { Sesv2ConfigurationSet } from "@cdktf/provider-aws/lib/sesv2-configuration-set";
import { Sesv2ConfigurationSetEventDestination } from "@cdktf/provider-aws/lib/sesv2-configuration-set-event-destination";
import { CONTEXT_KEYS, StackSettings, TOKEN_RULE, readSettings } from "../settings";
import { SesEventsStack } from "../stack";
import { TOOLCHAIN_FIELDS, toolchainUnderTest } from "./helpers";

const ROOT = path.join(__dirname, "..");
const ALL_EVENT_TYPES = [
  "SEND",
  "REJECT",
  "BOUNCE",
  "COMPLAINT",
  "DELIVERY",
  "OPEN",
  "CLICK",
  "RENDERING_FAILURE",
  "DELIVERY_DELAY",
  "SUBSCRIPTION",
];

type Json = Record<string, any>;

const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "ses-events-stack-test-"));
  tempDirs.push(dir);
  return dir;
}

/** A test app writing to a temporary directory this file removes afterwards. */
function testApp(): App {
  return Testing.app({ outdir: tempDir() });
}

/** The one stack of these settings. */
function settingsOf(context: Record<string, unknown>, env: Record<string, string> = {}): StackSettings {
  const stacks = readSettings(context, env);
  expect(stacks).toHaveLength(1);
  return stacks[0];
}

function stackOf(context: Record<string, unknown>, env: Record<string, string> = {}): SesEventsStack {
  return new SesEventsStack(testApp(), settingsOf(context, env));
}

/**
 * The synthesized Terraform JSON text of the stack of these settings. Synthesis is deterministic,
 * so tests that ask for the same settings share one synth (each parses its own copy).
 */
const synthesized = new Map<string, string>();
function synthText(context: Record<string, unknown>, env: Record<string, string> = {}): string {
  const key = JSON.stringify([context, env]);
  let text = synthesized.get(key);
  if (text === undefined) {
    text = Testing.synth(stackOf(context, env));
    synthesized.set(key, text);
  }
  return text;
}

/** The synthesized Terraform JSON of the stack of these settings. */
function synth(context: Record<string, unknown>, env: Record<string, string> = {}): Json {
  return JSON.parse(synthText(context, env));
}

/** `<type>.<name>` of the only resource (or `data.<type>.<name>` of the only data source) of a type. */
function address(json: Json, type: string, kind: "resource" | "data" = "resource"): string {
  const names = Object.keys(json[kind]?.[type] ?? {});
  expect(names).toHaveLength(1);
  return kind === "data" ? `data.${type}.${names[0]}` : `${type}.${names[0]}`;
}

/** cdktf.json's context as main.ts passes it: only the keys the app reads. */
function repoContext(): Record<string, unknown> {
  const cdktfJson = JSON.parse(readFileSync(path.join(ROOT, "cdktf.json"), "utf8")) as { context?: Record<string, unknown> };
  const context = cdktfJson.context ?? {};
  return Object.fromEntries(CONTEXT_KEYS.filter((key) => key in context).map((key) => [key, context[key]]));
}

describe("provider", () => {
  test("the AWS provider uses the stack's region", () => {
    expect(synthText({ region: "eu-west-1" })).toHaveProviderWithProperties(AwsProvider, { region: "eu-west-1" });
  });

  test("the stack's tags become the provider's default_tags", () => {
    const json = synth({ tags: { team: "email", cost: "mail" } });
    expect(json.provider.aws).toEqual([{ region: "us-east-1", default_tags: [{ tags: { team: "email", cost: "mail" } }] }]);
  });

  test("an environment's stack tags its resources with the environment", () => {
    const [staging] = readSettings({ environments: { staging: {}, production: {} } }, {});
    const json = JSON.parse(Testing.synth(new SesEventsStack(testApp(), staging)));
    expect(json.provider.aws[0].default_tags).toEqual([{ tags: { Environment: "staging" } }]);
  });

  test("accountId becomes the provider's allowed_account_ids, so other credentials fail before any change", () => {
    expect(synth({ accountId: "123456789012" }).provider.aws).toEqual([{ region: "us-east-1", allowed_account_ids: ["123456789012"] }]);
  });

  test("each environment's provider allows only its own account", () => {
    const stacks = readSettings({ environments: { staging: { accountId: "111111111111" }, production: { accountId: "222222222222" } } }, {});
    const accounts = stacks.map((stack) => JSON.parse(Testing.synth(new SesEventsStack(testApp(), stack))).provider.aws[0].allowed_account_ids);
    expect(accounts).toEqual([["111111111111"], ["222222222222"]]);
  });

  test("without accountId any account is allowed", () => {
    expect(synth({}).provider.aws[0]).not.toHaveProperty("allowed_account_ids");
  });

  test("a Region in cdktf.json is the provider's Region even when AWS_REGION says another", () => {
    expect(synth({ region: "eu-west-1" }, { AWS_REGION: "us-west-2" }).provider.aws[0].region).toBe("eu-west-1");
  });

  test("without tags the provider has no default_tags block", () => {
    const json = synth({});
    expect(json.provider.aws).toHaveLength(1);
    expect(json.provider.aws[0]).not.toHaveProperty("default_tags");
  });
});

describe("backends", () => {
  test("a local stack synthesizes no backend block in Testing.synth", () => {
    const json = synth({});
    expect(json.terraform).not.toHaveProperty("backend");
    expect(json.terraform).not.toHaveProperty("cloud");
  });

  test("a local stack gets cdktf's default local backend, an absolute terraform.<stack>.tfstate in the working directory, when the app synthesizes", () => {
    const app = testApp();
    new SesEventsStack(app, settingsOf({ stackName: "mail" }));
    app.synth();
    const json = JSON.parse(readFileSync(path.join(app.outdir, "stacks", "mail", "cdk.tf.json"), "utf8"));
    expect(json.terraform.backend).toEqual({ local: { path: path.join(process.cwd(), "terraform.mail.tfstate") } });
    expect(json["//"].metadata.backend).toBe("local");
  });

  test("an HCP Terraform stack has a cloud block with the organization and the named workspace", () => {
    const json = synth({}, { TF_CLOUD_ORGANIZATION: "acme", TF_WORKSPACE: "ses-prod" });
    expect(json.terraform.cloud).toEqual({ organization: "acme", workspaces: { name: "ses-prod" } });
    expect(json.terraform).not.toHaveProperty("backend");
  });

  test("the cloud block carries the hostname and the workspace's project", () => {
    const json = synth({}, { TF_CLOUD_ORGANIZATION: "acme", TF_CLOUD_HOSTNAME: "tfe.example.com", TF_CLOUD_PROJECT: "mail" });
    expect(json.terraform.cloud).toEqual({ hostname: "tfe.example.com", organization: "acme", workspaces: { name: "ses-events", project: "mail" } });
  });

  test("cloud.workspaceTags select workspaces by tags in the cloud block", () => {
    const json = synth({ cloud: { organization: "acme", workspaceTags: ["ses-events", "prod"], project: "mail" } });
    expect(json.terraform.cloud).toEqual({ organization: "acme", workspaces: { tags: ["ses-events", "prod"], project: "mail" } });
  });

  test("an S3 stack has an encrypted S3 backend with S3 native locking and no DynamoDB table", () => {
    const json = synth({ region: "eu-west-1" }, { SES_EVENTS_STATE_BUCKET: "tf-state" });
    expect(json.terraform.backend).toEqual({
      s3: { bucket: "tf-state", key: "ses-events/ses-events.tfstate", region: "eu-west-1", encrypt: true, use_lockfile: true },
    });
    expect(json.terraform.backend.s3).not.toHaveProperty("dynamodb_table");
    expect(json.terraform).not.toHaveProperty("cloud");
  });

  test("the S3 backend uses SES_EVENTS_STATE_KEY and SES_EVENTS_STATE_REGION", () => {
    const json = synth({}, { SES_EVENTS_STATE_BUCKET: "tf-state", SES_EVENTS_STATE_KEY: "mail.tfstate", SES_EVENTS_STATE_REGION: "us-west-2" });
    expect(json.terraform.backend.s3).toMatchObject({ key: "mail.tfstate", region: "us-west-2" });
  });
});

describe("outputs", () => {
  test("a stack that creates everything outputs the set name, stream ARN, SES role ARN and bucket name by reference", () => {
    const json = synth({});
    const value = (name: string) => json.output[name].value;
    expect(Object.keys(json.output).sort()).toEqual([
      "analytics_database",
      "analytics_reader_policy_arn",
      "analytics_table",
      "analytics_workgroup",
      "bucket_name",
      "configuration_set_name",
      "delivery_stream_arn",
      "ses_role_arn",
    ]);
    expect(value("configuration_set_name")).toBe(`\${${address(json, "aws_sesv2_configuration_set")}.configuration_set_name}`);
    expect(value("delivery_stream_arn")).toBe(`\${${address(json, "aws_kinesis_firehose_delivery_stream")}.arn}`);
    expect(value("bucket_name")).toBe(`\${${address(json, "aws_s3_bucket")}.bucket}`);
    const sesRole = Object.entries(json.resource.aws_iam_role).find(([, role]: [string, any]) => role.name_prefix?.endsWith("-ses-"));
    expect(sesRole).toBeDefined();
    expect(value("ses_role_arn")).toBe(`\${aws_iam_role.${sesRole![0]}.arn}`);
  });

  test("the query layer's database, table, workgroup and reader policy ARN are output by reference", () => {
    const json = synth({});
    const value = (name: string) => json.output[name].value;
    expect(value("analytics_database")).toBe(`\${${address(json, "aws_glue_catalog_database")}.name}`);
    // The Parquet event table; the JSON history table beside it is not an output.
    const table = Object.keys(json.resource.aws_glue_catalog_table).find((name) => !name.includes("HistoryTable"));
    expect(value("analytics_table")).toBe(`\${aws_glue_catalog_table.${table}.name}`);
    expect(value("analytics_workgroup")).toBe(`\${${address(json, "aws_athena_workgroup")}.name}`);
    expect(value("analytics_reader_policy_arn")).toBe(`\${${address(json, "aws_iam_policy")}.arn}`);
  });

  test("without the query layer there are no analytics outputs", () => {
    const json = synth({ analytics: { enabled: false } });
    expect(Object.keys(json.output).filter((name) => name.startsWith("analytics_"))).toEqual([]);
  });

  test("every output has a description", () => {
    const json = synth({});
    for (const output of Object.values(json.output) as Json[]) expect(output.description).toEqual(expect.any(String));
  });

  test("an existing configuration set's name is output as given", () => {
    const json = synth({ createConfigurationSet: false, configurationSetName: "existing" });
    expect(json.output.configuration_set_name.value).toBe("existing");
    expect(json.resource).not.toHaveProperty("aws_sesv2_configuration_set");
  });

  test("an existing bucket's name is taken from its ARN", () => {
    const json = synth({ deliveryStream: { bucketArn: "arn:aws:s3:::acme-ses-events" } });
    expect(json.output.bucket_name.value).toBe("acme-ses-events");
    expect(json.resource).not.toHaveProperty("aws_s3_bucket");
  });

  test("with an existing delivery stream the stream ARN is output as given and there is no bucket_name", () => {
    const arn = "arn:aws:firehose:us-east-1:123456789012:deliverystream/existing";
    const json = synth({}, { SES_EVENTS_DELIVERY_STREAM_ARN: arn });
    expect(json.output.delivery_stream_arn.value).toBe(arn);
    expect(json.output).not.toHaveProperty("bucket_name");
    expect(json.resource).not.toHaveProperty("aws_kinesis_firehose_delivery_stream");
  });

  test("an existing SES role's ARN is output as given", () => {
    const arn = "arn:aws:iam::123456789012:role/ses-publisher";
    expect(synth({}, { SES_EVENTS_SES_ROLE_ARN: arn }).output.ses_role_arn.value).toBe(arn);
  });
});

describe("multi-stack app", () => {
  test("an app with both environment stacks synthesizes two stacks with their own set names, regions and local states", () => {
    const app = testApp();
    const context = { region: "eu-west-1", environments: { staging: {}, production: { region: "eu-central-1" } } };
    for (const settings of readSettings(context, {})) new SesEventsStack(app, settings);
    app.synth();

    const manifest = JSON.parse(readFileSync(path.join(app.outdir, "manifest.json"), "utf8"));
    expect(Object.keys(manifest.stacks).sort()).toEqual(["production", "staging"]);
    const read = (name: string): Json => JSON.parse(readFileSync(path.join(app.outdir, "stacks", name, "cdk.tf.json"), "utf8"));
    const staging = read("staging");
    const production = read("production");
    expect(staging.provider.aws[0].region).toBe("eu-west-1");
    expect(production.provider.aws[0].region).toBe("eu-central-1");
    expect(Object.values(staging.resource.aws_sesv2_configuration_set)).toEqual([
      expect.objectContaining({ configuration_set_name: "ses-events-staging" }),
    ]);
    expect(Object.values(production.resource.aws_sesv2_configuration_set)).toEqual([
      expect.objectContaining({ configuration_set_name: "ses-events-production" }),
    ]);
    expect(staging.terraform.backend.local.path).toBe(path.join(process.cwd(), "terraform.staging.tfstate"));
    expect(production.terraform.backend.local.path).toBe(path.join(process.cwd(), "terraform.production.tfstate"));
  });

  test("environment stacks with an S3 bucket keep their state under separate keys", () => {
    const app = testApp();
    const stacks = readSettings({ environments: { staging: {}, production: {} } }, { SES_EVENTS_STATE_BUCKET: "tf-state" }).map(
      (settings) => new SesEventsStack(app, settings),
    );
    const keys = stacks.map((stack) => JSON.parse(Testing.synth(stack)).terraform.backend.s3.key);
    expect(keys).toEqual(["ses-events/staging.tfstate", "ses-events/production.tfstate"]);
  });
});

describe("the module's messages name settings as the user wrote them", () => {
  /** The message the settings are refused with: the module's checks run when they are read. */
  function messageOf(context: Record<string, unknown>, env: Record<string, string> = {}): string {
    try {
      for (const stack of readSettings(context, env)) new SesEventsStack(testApp(), stack);
    } catch (error) {
      return (error as Error).message;
    }
    throw new Error("expected the settings to be refused");
  }

  test("a stack built from settings by hand still names the module's problems as the settings name them", () => {
    const [stack] = readSettings({}, { SES_EVENTS_CONFIGURATION_SET_NAME: "events" });
    const bad = { ...stack, destination: { ...stack.destination, configurationSetName: "bad name" } };
    expect(() => new SesEventsStack(testApp(), bad)).toThrow(
      'SesFirehoseEventDestination "ses-events/SesEvents": invalid settings:\n  - SES_EVENTS_CONFIGURATION_SET_NAME "bad name" is invalid: use 1-64 letters, digits, \'_\' or \'-\'.',
    );
  });

  test("a value from an environment variable is reported under the variable", () => {
    expect(messageOf({}, { SES_EVENTS_DELIVERY_STREAM_ARN: "arn:aws:firehose:us-east-1:123456789012:stream/x" })).toBe(
      'invalid app settings:\n  - SES_EVENTS_DELIVERY_STREAM_ARN "arn:aws:firehose:us-east-1:123456789012:stream/x" is invalid: use a Firehose delivery stream ARN, arn:<partition>:firehose:<region>:<account>:deliverystream/<name>.',
    );
  });

  test("a value from an environments entry is reported under the entry", () => {
    expect(messageOf({ environments: { staging: { deliveryStream: { bufferingIntervalSeconds: 1000 } } } })).toBe(
      'invalid app settings:\n  - environments.staging.deliveryStream.bufferingIntervalSeconds 1000 is invalid: use a whole number from 0 to 900.',
    );
  });

  test("a value from the top level keeps its own name", () => {
    expect(messageOf({ deliveryStream: { logRetentionDays: 2 } })).toBe(
      'invalid app settings:\n  - deliveryStream.logRetentionDays 2 is invalid: use one of 0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653.',
    );
  });
});

describe("import blocks", () => {
  const importContext = {
    configurationSetName: "mail",
    eventDestinationName: "to-firehose",
    sesRoleName: "mail-ses-publisher",
    deliveryStream: { name: "mail-events", roleName: "mail-firehose-delivery", partitionByEventType: false },
    configurationSet: {},
    importExisting: { configurationSet: true, eventDestination: true, deliveryStream: true, sesRole: true, deliveryRole: true },
  };

  /** The import block for one resource address. */
  function importTo(json: Json, to: string): Json[] {
    return (json.import as Json[]).filter((block) => block.to === to);
  }

  test("importExisting renders one top-level Terraform import block per adopted resource", () => {
    const json = synth(importContext);
    expect(Array.isArray(json.import)).toBe(true);
    expect(json.import).toHaveLength(5);
    for (const block of json.import as Json[]) expect(Object.keys(block).sort()).toEqual(["id", "to"]);
  });

  test("the configuration set is imported by its name", () => {
    const json = synth(importContext);
    expect(importTo(json, address(json, "aws_sesv2_configuration_set"))).toEqual([
      { id: "mail", to: address(json, "aws_sesv2_configuration_set") },
    ]);
  });

  test("the event destination is imported as <configuration set>|<destination>", () => {
    const json = synth(importContext);
    const to = address(json, "aws_sesv2_configuration_set_event_destination");
    expect(importTo(json, to)).toEqual([{ id: "mail|to-firehose", to }]);
  });

  test("the delivery stream is imported by its ARN built from the partition, region and account data sources", () => {
    const json = synth(importContext);
    const to = address(json, "aws_kinesis_firehose_delivery_stream");
    const partition = address(json, "aws_partition", "data");
    const region = address(json, "aws_region", "data");
    const account = address(json, "aws_caller_identity", "data");
    expect(importTo(json, to)).toEqual([
      { id: `arn:\${${partition}.partition}:firehose:\${${region}.region}:\${${account}.account_id}:deliverystream/mail-events`, to },
    ]);
  });

  test("the SES role and the Firehose role are imported by their names", () => {
    const json = synth(importContext);
    const roles = json.resource.aws_iam_role as Record<string, Json>;
    const addressOfRole = (name: string) => {
      const entry = Object.entries(roles).find(([, role]) => role.name === name);
      expect(entry).toBeDefined();
      return `aws_iam_role.${entry![0]}`;
    };
    expect(importTo(json, addressOfRole("mail-ses-publisher"))).toEqual([{ id: "mail-ses-publisher", to: addressOfRole("mail-ses-publisher") }]);
    expect(importTo(json, addressOfRole("mail-firehose-delivery"))).toEqual([
      { id: "mail-firehose-delivery", to: addressOfRole("mail-firehose-delivery") },
    ]);
  });

  test("the stream's import ID defaults to the configuration set name as the stream name", () => {
    const json = synth({ configurationSetName: "mail", deliveryStream: { partitionByEventType: true }, importExisting: { deliveryStream: true } });
    expect(json.import).toHaveLength(1);
    expect(json.import[0].id).toMatch(/:deliverystream\/mail$/);
  });

  test("without importExisting there are no import blocks", () => {
    expect(synth({})).not.toHaveProperty("import");
  });
});

describe("the default app", () => {
  const defaultSynth = () => synthText(repoContext());

  // One snapshot for both toolchains: the fields that tell them apart are checked in the next test.
  test("the default app's stack matches the snapshot", () => {
    const aws = { source: expect.any(String), version: expect.any(String) };
    expect(JSON.parse(defaultSynth())).toMatchSnapshot({ terraform: { required_providers: { aws } } });
  });

  test("the default app requires the AWS provider its toolchain binds: aws 6.25.0 with cdktf, hashicorp/aws 6.66.0 with cdktn", () => {
    const json = JSON.parse(defaultSynth());
    expect(json.terraform.required_providers).toEqual({ aws: TOOLCHAIN_FIELDS[toolchainUnderTest().name].awsProvider });
  });

  test("the default app creates configuration set ses-events", () => {
    expect(defaultSynth()).toHaveResourceWithProperties(Sesv2ConfigurationSet, { configuration_set_name: "ses-events" });
  });

  test("the default app publishes all ten event types to the Firehose stream", () => {
    const json = JSON.parse(defaultSynth());
    const stream = address(json, "aws_kinesis_firehose_delivery_stream");
    expect(defaultSynth()).toHaveResourceWithProperties(Sesv2ConfigurationSetEventDestination, {
      event_destination_name: "firehose",
      event_destination: expect.objectContaining({
        enabled: true,
        matching_event_types: ALL_EVENT_TYPES,
        kinesis_firehose_destination: expect.objectContaining({ delivery_stream_arn: `\${${stream}.arn}` }),
      }),
    });
  });

  test("the default app creates stream ses-events delivering to a created bucket", () => {
    const json = JSON.parse(defaultSynth());
    expect(defaultSynth()).toHaveResourceWithProperties(KinesisFirehoseDeliveryStream, {
      name: "ses-events",
      destination: "extended_s3",
      extended_s3_configuration: expect.objectContaining({ bucket_arn: `\${${address(json, "aws_s3_bucket")}.arn}` }),
    });
    expect(defaultSynth()).toHaveResource(S3Bucket);
  });

  test("the default app has no alarms, no import blocks, and a us-east-1 provider tagging with cdktf.json's tags", () => {
    const synthesized = defaultSynth();
    const json = JSON.parse(synthesized);
    expect(synthesized).not.toHaveResource(CloudwatchMetricAlarm);
    expect(json).not.toHaveProperty("import");
    const tags = repoContext().tags;
    expect(json.provider.aws).toEqual([tags === undefined ? { region: "us-east-1" } : { region: "us-east-1", default_tags: [{ tags }] }]);
    expect(json.terraform).not.toHaveProperty("backend");
  });
});

describe("main.ts", () => {
  /** The environment of a child process without this machine's app settings. */
  function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {};
    for (const [name, value] of Object.entries(process.env)) {
      if (!/^(SES_EVENTS_|TF_|AWS_|CDKTF_)/.test(name)) env[name] = value;
    }
    return { ...env, CHECKPOINT_DISABLE: "1", ...extra };
  }

  /** The stacks and manifest an app run wrote (cdktf makes the empty stacks folder when the app starts). */
  function writtenStacks(outdir: string): string[] {
    const stacks = path.join(outdir, "stacks");
    return [...(existsSync(stacks) ? readdirSync(stacks) : []), ...(existsSync(path.join(outdir, "manifest.json")) ? ["manifest.json"] : [])];
  }

  /** Runs the app as `cdktf synth` does; the runs of this block go concurrently, each its own process. */
  function runApp(extra: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [path.join(ROOT, "scripts", "app.js")], { cwd: ROOT, env: cleanEnv(extra), timeout: 30_000 });
      let stdout = "";
      let stderr = "";
      child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
      child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
      child.on("error", reject);
      child.on("close", (status) => resolve({ status, stdout, stderr }));
    });
  }

  test.concurrent("the app synthesizes the ses-events stack into CDKTF_OUTDIR from the context the cdktf CLI passes", async () => {
    const outdir = tempDir();
    const context = JSON.parse(readFileSync(path.join(ROOT, "cdktf.json"), "utf8")).context;
    const result = await runApp({ CDKTF_OUTDIR: outdir, CDKTF_CONTEXT_JSON: JSON.stringify({ ...context, cdktfRelativeModules: [] }) });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const file = path.join(outdir, "stacks", "ses-events", "cdk.tf.json");
    expect(existsSync(file)).toBe(true);
    const json = JSON.parse(readFileSync(file, "utf8"));
    expect(json.provider.aws).toEqual([expect.objectContaining({ region: "us-east-1" })]);
    expect(Object.values(json.resource.aws_sesv2_configuration_set)).toEqual([expect.objectContaining({ configuration_set_name: "ses-events" })]);
    expect(json.terraform.backend.local.path).toBe(path.join(ROOT, "terraform.ses-events.tfstate"));
  });

  test.concurrent("an invalid configuration set name exits 1 with the validation message, naming the variable it came from, and no stack trace", async () => {
    const outdir = tempDir();
    const result = await runApp({ CDKTF_OUTDIR: outdir, SES_EVENTS_CONFIGURATION_SET_NAME: "bad name" });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      `invalid app settings:\n  - SES_EVENTS_CONFIGURATION_SET_NAME "bad name" is invalid: use 1-64 letters, digits, '_' or '-'.\n`,
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(path.join(outdir, "stacks", "ses-events", "cdk.tf.json"))).toBe(false);
  });

  test.concurrent("an empty list of event types from the environment is named after the variable", async () => {
    const result = await runApp({ CDKTF_OUTDIR: tempDir(), SES_EVENTS_EVENT_TYPES: ",," });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      `invalid app settings:\n  - SES_EVENTS_EVENT_TYPES [] is invalid: list at least one of SEND, REJECT, BOUNCE, COMPLAINT, DELIVERY, OPEN, CLICK, RENDERING_FAILURE, DELIVERY_DELAY, SUBSCRIPTION.\n`,
    );
  });

  test.concurrent("a problem between two settings names the variable that set one of them", async () => {
    const result = await runApp({
      CDKTF_OUTDIR: tempDir(),
      CDKTF_CONTEXT_JSON: JSON.stringify({ sesRoleName: "x", deliveryStream: { name: "events" } }),
      SES_EVENTS_SES_ROLE_ARN: "arn:aws:iam::123456789012:role/r",
      SES_EVENTS_DELIVERY_STREAM_ARN: "arn:aws:firehose:us-east-1:123456789012:deliverystream/events",
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      "invalid app settings:\n" +
        "  - SES_EVENTS_DELIVERY_STREAM_ARN and deliveryStream are both set: deliveryStream configures the stream the module creates, SES_EVENTS_DELIVERY_STREAM_ARN uses an existing one; remove one of them.\n" +
        "  - SES_EVENTS_SES_ROLE_ARN and sesRoleName are both set: sesRoleName names the role the module creates, SES_EVENTS_SES_ROLE_ARN uses an existing one; remove one of them.\n",
    );
  });

  test.concurrent("a key ARN given while the app is asked to make the key exits 1 naming both settings", async () => {
    const result = await runApp({
      CDKTF_OUTDIR: tempDir(),
      CDKTF_CONTEXT_JSON: JSON.stringify({
        deliveryStream: { createKmsKey: true, kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab" },
      }),
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      "invalid app settings:\n" +
        "  - deliveryStream.kmsKeyArn and deliveryStream.createKmsKey are both set: createKmsKey has the module create the key, kmsKeyArn uses an existing one; remove one of them.\n",
    );
  });

  test.concurrent("an invalid app setting exits 1 with the settings message", async () => {
    const result = await runApp({ CDKTF_OUTDIR: tempDir(), SES_EVENTS_ENABLED: "yes" });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe('invalid app settings:\n  - SES_EVENTS_ENABLED "yes" is invalid: use true or false.\n');
  });

  test.concurrent("nested settings of the wrong type exit 1 with one line each, no stack trace and no stack written", async () => {
    const outdir = tempDir();
    const context = {
      deliveryStream: { partitionByEventType: "false", bucket: null, errorOutputPrefix: 5 },
      alarms: { enabled: "false" },
      cloud: { organization: "" },
    };
    const result = await runApp({ CDKTF_OUTDIR: outdir, CDKTF_CONTEXT_JSON: JSON.stringify(context) });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      [
        "invalid app settings:",
        "  - deliveryStream.bucket null is invalid: use an object.",
        "  - deliveryStream.errorOutputPrefix 5 is invalid: use a string.",
        '  - deliveryStream.partitionByEventType "false" is invalid: use true or false.',
        '  - alarms.enabled "false" is invalid: use true or false.',
        '  - cloud.organization "" is invalid: it is empty; give a value or remove the setting.',
        "",
      ].join("\n"),
    );
    expect(writtenStacks(outdir)).toEqual([]);
  });

  test.concurrent("two environments sharing state exit 1 naming both, and write no stack", async () => {
    const outdir = tempDir();
    const result = await runApp({
      CDKTF_OUTDIR: outdir,
      CDKTF_CONTEXT_JSON: JSON.stringify({ cloud: { organization: "acme", workspaceTags: ["ses"] }, environments: { staging: {}, production: {} } }),
      TF_WORKSPACE: "ses-ci",
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      'invalid app settings:\n  - stacks staging and production would share the HCP Terraform workspace "ses-ci", which TF_WORKSPACE picks among the workspaces tagged ses: give each environment its own cloud.workspace in its environments entry, and leave TF_WORKSPACE unset.\n',
    );
    expect(writtenStacks(outdir)).toEqual([]);
  });

  test.concurrent.each([["[1,2]"], ['"str"'], ["null"], ["42"]])(
    "CDKTF_CONTEXT_JSON %s exits 1 saying the context must be an object, and writes no stack",
    async (raw) => {
      const outdir = tempDir();
      const result = await runApp({ CDKTF_OUTDIR: outdir, CDKTF_CONTEXT_JSON: raw });
      expect(result.status).toBe(1);
      expect(result.stderr).toBe(
        `invalid app settings:\n  - CDKTF_CONTEXT_JSON ${raw} is invalid: the context must be a JSON object of settings, such as {"region":"eu-west-1"}.\n`,
      );
      expect(writtenStacks(outdir)).toEqual([]);
    },
  );

  test.concurrent("token-shaped settings from cdktf.json and the environment exit 1 naming each, and write no stack", async () => {
    const outdir = tempDir();
    const result = await runApp({
      CDKTF_OUTDIR: outdir,
      CDKTF_CONTEXT_JSON: JSON.stringify({ configurationSetName: "${TfToken[TOKEN.1]}" }),
      SES_EVENTS_DELIVERY_STREAM_ARN: "${TfToken[TOKEN.2]}",
      SES_EVENTS_REGION: "  ",
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      [
        "invalid app settings:",
        `  - configurationSetName "\${TfToken[TOKEN.1]}" is invalid: ${TOKEN_RULE}.`,
        '  - SES_EVENTS_REGION "  " is invalid: it is blank; give it a value or unset it.',
        `  - SES_EVENTS_DELIVERY_STREAM_ARN "\${TfToken[TOKEN.2]}" is invalid: ${TOKEN_RULE}.`,
        "",
      ].join("\n"),
    );
    expect(writtenStacks(outdir)).toEqual([]);
  });

  test.concurrent("a schema problem and the event destination's own come in one run, and no stack is written", async () => {
    const outdir = tempDir();
    const result = await runApp({
      CDKTF_OUTDIR: outdir,
      CDKTF_CONTEXT_JSON: JSON.stringify({ eventTypes: ["SEND", "SEND"], alarms: { enabled: "yes" } }),
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      'invalid app settings:\n  - alarms.enabled "yes" is invalid: use true or false.\n  - eventTypes lists SEND more than once: list each event type once.\n',
    );
    expect(writtenStacks(outdir)).toEqual([]);
  });

  test.concurrent("an unexpected error is one line, without a stack trace", async () => {
    const result = await runApp({ CDKTF_OUTDIR: tempDir(), CDKTF_CONTEXT_JSON: "{not json" });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^error: .*JSON.* \(set SES_EVENTS_DEBUG=1 for the stack trace\)\n$/);
    expect(result.stderr.split("\n")).toHaveLength(2);
  });

  test.concurrent("an unexpected error that quotes its input stays one line of printable text", async () => {
    const result = await runApp({ CDKTF_OUTDIR: tempDir(), CDKTF_CONTEXT_JSON: '{"a":n\u001b[2J\r\u009b1m' });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      'error: Unexpected token \'\\u001b\', "{"a":n\\u001b[2J\\r\\u009b1m" is not valid JSON (set SES_EVENTS_DEBUG=1 for the stack trace)\n',
    );
  });

  test.concurrent("SES_EVENTS_DEBUG=1 shows the stack trace of an unexpected error", async () => {
    const result = await runApp({ CDKTF_OUTDIR: tempDir(), CDKTF_CONTEXT_JSON: "{not json", SES_EVENTS_DEBUG: "1" });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^SyntaxError: .*JSON/);
    expect(result.stderr).toContain(`(${path.join(ROOT, "main.ts")}:`);
  });
});
