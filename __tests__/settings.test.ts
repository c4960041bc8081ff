import { readFileSync } from "fs";
import * as path from "path";
import { CONTEXT_KEYS, SettingsError, StackSettings, readSettings } from "../settings";

type Env = Record<string, string | undefined>;

/** The one stack of a context without environments. */
function only(context: Record<string, unknown>, env: Env = {}): StackSettings {
  const stacks = readSettings(context, env);
  expect(stacks).toHaveLength(1);
  return stacks[0];
}

/** The stacks keyed by name. */
function byName(context: Record<string, unknown>, env: Env = {}): Record<string, StackSettings> {
  return Object.fromEntries(readSettings(context, env).map((stack) => [stack.stackName, stack]));
}

/** The problems readSettings reports; fails the test when it does not throw a SettingsError. */
function problemsOf(context: Record<string, unknown>, env: Env = {}): readonly string[] {
  let thrown: unknown;
  try {
    readSettings(context, env);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(SettingsError);
  return (thrown as SettingsError).problems;
}

const TWO_ENVIRONMENTS = { environments: { staging: {}, production: {} } };
const WORKSPACE_RULE = "an HCP Terraform workspace name uses 1-90 letters, digits, '_' or '-'";

/** cdktf.json's context as main.ts passes it: only the keys the app reads. */
function repoContext(): Record<string, unknown> {
  const cdktfJson = JSON.parse(readFileSync(path.join(__dirname, "..", "cdktf.json"), "utf8")) as { context?: Record<string, unknown> };
  const context = cdktfJson.context ?? {};
  return Object.fromEntries(CONTEXT_KEYS.filter((key) => key in context).map((key) => [key, context[key]]));
}

describe("defaults", () => {
  test("an empty context and environment give one local stack ses-events in us-east-1 with no tags", () => {
    expect(readSettings({}, {})).toEqual([
      {
        stackName: "ses-events",
        region: "us-east-1",
        tags: {},
        backend: { kind: "local" },
        destination: {
          configurationSetName: "ses-events",
          createConfigurationSet: undefined,
          eventDestinationName: undefined,
          eventTypes: undefined,
          enabled: undefined,
          deliveryStreamArn: undefined,
          deliveryStream: undefined,
          sesRoleArn: undefined,
          sesRoleName: undefined,
          alarms: undefined,
          importExisting: undefined,
        },
        settingNames: {},
        warnings: [],
      },
    ]);
  });

  test("the repository's cdktf.json context gives the documented defaults, with its tags as default tags", () => {
    const context = repoContext();
    const stack = only(context);
    expect(stack.stackName).toBe("ses-events");
    expect(stack.region).toBe("us-east-1");
    expect(stack.destination.configurationSetName).toBe("ses-events");
    expect(stack.backend).toEqual({ kind: "local" });
    expect(stack.tags).toEqual(context.tags ?? {});
    expect({ ...stack, tags: {} }).toEqual(only({}));
  });

  test("empty TF_ and AWS_ variables are unset, as Terraform and the AWS SDKs take them", () => {
    const env = { AWS_REGION: "", AWS_DEFAULT_REGION: "", TF_WORKSPACE: "", TF_CLOUD_ORGANIZATION: "", TF_CLOUD_HOSTNAME: "", TF_CLOUD_PROJECT: "" };
    expect(readSettings({}, env)).toEqual(readSettings({}, {}));
  });

  test("the context's stackName names the single stack", () => {
    expect(only({ stackName: "mail-events" }).stackName).toBe("mail-events");
  });

  test("context settings pass through to the event destination", () => {
    const destination = only({
      createConfigurationSet: false,
      eventDestinationName: "to-firehose",
      eventTypes: ["SEND", "BOUNCE"],
      enabled: false,
      sesRoleName: "ses-events-publisher",
      deliveryStream: { name: "events", bufferingIntervalSeconds: 60 },
      alarms: { enabled: true },
      importExisting: { eventDestination: true },
    }).destination;
    expect(destination).toMatchObject({
      createConfigurationSet: false,
      eventDestinationName: "to-firehose",
      eventTypes: ["SEND", "BOUNCE"],
      enabled: false,
      sesRoleName: "ses-events-publisher",
      deliveryStream: { name: "events", bufferingIntervalSeconds: 60 },
      alarms: { enabled: true },
      importExisting: { eventDestination: true },
    });
  });
});

describe("environment variable overrides", () => {
  test("SES_EVENTS_REGION beats the context's region", () => {
    expect(only({ region: "eu-west-1" }, { SES_EVENTS_REGION: "eu-central-1", AWS_REGION: "ap-south-1" }).region).toBe("eu-central-1");
  });

  test("SES_EVENTS_CONFIGURATION_SET_NAME beats the context's configurationSetName, trimmed", () => {
    expect(only({ configurationSetName: "from-context" }, { SES_EVENTS_CONFIGURATION_SET_NAME: " from-env " }).destination.configurationSetName).toBe(
      "from-env",
    );
  });

  test("a text value starting with '!' is a value, not a parse error", () => {
    expect(problemsOf({}, { SES_EVENTS_CONFIGURATION_SET_NAME: "!bang" })).toEqual([
      `SES_EVENTS_CONFIGURATION_SET_NAME "!bang" is invalid: use 1-64 letters, digits, '_' or '-'.`,
    ]);
  });

  test("SES_EVENTS_EVENT_DESTINATION_NAME beats the context's eventDestinationName", () => {
    expect(only({ eventDestinationName: "a" }, { SES_EVENTS_EVENT_DESTINATION_NAME: "b" }).destination.eventDestinationName).toBe("b");
  });

  test("SES_EVENTS_EVENT_TYPES is a comma list that beats the context's eventTypes, with blanks dropped", () => {
    expect(only({ eventTypes: ["SEND"] }, { SES_EVENTS_EVENT_TYPES: " BOUNCE, COMPLAINT,, " }).destination.eventTypes).toEqual(["BOUNCE", "COMPLAINT"]);
  });

  test.each([
    ["true", true],
    ["TRUE", true],
    ["1", true],
    ["false", false],
    [" False ", false],
    ["0", false],
  ])("SES_EVENTS_ENABLED=%j beats the context's enabled as %j", (raw, expected) => {
    expect(only({ enabled: !expected }, { SES_EVENTS_ENABLED: raw }).destination.enabled).toBe(expected);
  });

  test("SES_EVENTS_CREATE_CONFIGURATION_SET beats the context's createConfigurationSet", () => {
    expect(only({ createConfigurationSet: true }, { SES_EVENTS_CREATE_CONFIGURATION_SET: "false" }).destination.createConfigurationSet).toBe(false);
  });

  test("SES_EVENTS_DELIVERY_STREAM_ARN beats the context's deliveryStreamArn", () => {
    const arn = "arn:aws:firehose:us-east-1:123456789012:deliverystream/from-env";
    expect(
      only({ deliveryStreamArn: "arn:aws:firehose:us-east-1:123456789012:deliverystream/ctx" }, { SES_EVENTS_DELIVERY_STREAM_ARN: arn }).destination
        .deliveryStreamArn,
    ).toBe(arn);
  });

  test("SES_EVENTS_SES_ROLE_ARN beats the context's sesRoleArn", () => {
    const arn = "arn:aws:iam::123456789012:role/from-env";
    expect(only({ sesRoleArn: "arn:aws:iam::123456789012:role/ctx" }, { SES_EVENTS_SES_ROLE_ARN: arn }).destination.sesRoleArn).toBe(arn);
  });

  test("analytics that is not an object is refused", () => {
    expect(problemsOf({ analytics: true })).toEqual(["analytics true is invalid: use an object."]);
  });

  test("SES_EVENTS_ANALYTICS sets analytics.enabled and keeps the context's other analytics settings", () => {
    expect(only({ analytics: { enabled: true, queryWindowDays: 7 } }, { SES_EVENTS_ANALYTICS: "false" }).destination.analytics).toEqual({
      enabled: false,
      queryWindowDays: 7,
    });
  });

  test("SES_EVENTS_ALARMS sets alarms.enabled and keeps the context's other alarm settings", () => {
    expect(only({ alarms: { enabled: false, periodSeconds: 600 } }, { SES_EVENTS_ALARMS: "true" }).destination.alarms).toEqual({
      enabled: true,
      periodSeconds: 600,
    });
  });

  test("SES_EVENTS_ALARM_TOPIC_ARN sets alarms.snsTopicArn over the context's", () => {
    const topic = "arn:aws:sns:us-east-1:123456789012:from-env";
    expect(
      only({ alarms: { enabled: true, snsTopicArn: "arn:aws:sns:us-east-1:123456789012:ctx" } }, { SES_EVENTS_ALARM_TOPIC_ARN: topic }).destination.alarms,
    ).toEqual({ enabled: true, snsTopicArn: topic });
  });

  test("SES_EVENTS_TAGS is a JSON object whose tags merge over the context's, the variable winning per key", () => {
    expect(only({ tags: { team: "ctx", owner: "ctx" } }, { SES_EVENTS_TAGS: '{"team":"email","cost":"42"}' }).tags).toEqual({
      team: "email",
      owner: "ctx",
      cost: "42",
    });
  });

  test("SES_EVENTS_TAGS merges over each environment's tags, and an environment's own tags still win", () => {
    const stacks = byName(
      { tags: { team: "ctx", owner: "ctx" }, environments: { staging: {}, production: { tags: { team: "prod" } } } },
      { SES_EVENTS_TAGS: '{"team":"env","cost":"42"}' },
    );
    expect(stacks.staging.tags).toEqual({ Environment: "staging", team: "env", owner: "ctx", cost: "42" });
    expect(stacks.production.tags).toEqual({ Environment: "production", team: "prod", owner: "ctx", cost: "42" });
  });

  test("SES_EVENTS_STATE_BUCKET, _KEY and _REGION beat the context's state", () => {
    expect(
      only(
        { state: { bucket: "ctx-bucket", key: "ctx.tfstate", region: "eu-west-1" } },
        { SES_EVENTS_STATE_BUCKET: "env-bucket", SES_EVENTS_STATE_KEY: "env.tfstate", SES_EVENTS_STATE_REGION: "eu-central-1" },
      ).backend,
    ).toEqual({ kind: "s3", bucket: "env-bucket", key: "env.tfstate", region: "eu-central-1" });
  });

  test("TF_CLOUD_ORGANIZATION, TF_CLOUD_HOSTNAME and TF_CLOUD_PROJECT beat the context's cloud", () => {
    expect(
      only(
        { cloud: { organization: "ctx-org", hostname: "ctx.example.com", project: "ctx-project" } },
        { TF_CLOUD_ORGANIZATION: "env-org", TF_CLOUD_HOSTNAME: "tfe.example.com", TF_CLOUD_PROJECT: "env-project" },
      ).backend,
    ).toEqual({ kind: "cloud", organization: "env-org", workspace: "ses-events", hostname: "tfe.example.com", project: "env-project" });
  });

  test("TF_WORKSPACE that disagrees with the context's cloud.workspace is refused, as Terraform refuses it at init", () => {
    expect(problemsOf({ cloud: { organization: "acme", workspace: "from-context" } }, { TF_WORKSPACE: "from-env" })).toEqual([
      'TF_WORKSPACE "from-env" and cloud.workspace "from-context" disagree: Terraform refuses to initialize when TF_WORKSPACE names another workspace than the cloud block; unset TF_WORKSPACE or make them the same.',
    ]);
  });

  test("TF_WORKSPACE that names the context's cloud.workspace passes", () => {
    expect(only({ cloud: { organization: "acme", workspace: "same" } }, { TF_WORKSPACE: "same" }).backend).toMatchObject({ workspace: "same" });
  });

  test("a flag that is not true/false/1/0 is reported with the variable and its value", () => {
    expect(problemsOf({}, { SES_EVENTS_ENABLED: "yes" })).toEqual(['SES_EVENTS_ENABLED "yes" is invalid: use true or false.']);
  });

  test.each(["SES_EVENTS_CREATE_CONFIGURATION_SET", "SES_EVENTS_ALARMS", "SES_EVENTS_ANALYTICS"])("a bad %s flag is reported with the variable", (variable) => {
    expect(problemsOf({}, { [variable]: "on" })).toEqual([`${variable} "on" is invalid: use true or false.`]);
  });

  test("SES_EVENTS_TAGS that is not JSON is reported with an example", () => {
    expect(problemsOf({}, { SES_EVENTS_TAGS: "team=email" })).toEqual([
      'SES_EVENTS_TAGS "team=email" is invalid: use a JSON object of tag values, e.g. {"team":"email"}.',
    ]);
  });

  test.each(['["team"]', '"team"', "null", "1"])("SES_EVENTS_TAGS JSON %s that is not an object is reported", (raw) => {
    expect(problemsOf({}, { SES_EVENTS_TAGS: raw })).toEqual([`SES_EVENTS_TAGS ${JSON.stringify(raw)} is invalid: use a JSON object of tag values, e.g. {"team":"email"}.`]);
  });

  test("a SES_EVENTS_TAGS value that is not a string is reported under the variable and the tag", () => {
    expect(problemsOf({}, { SES_EVENTS_TAGS: '{"cost":1,"team":null}' })).toEqual([
      'SES_EVENTS_TAGS["cost"] 1 is invalid: use a string.',
      'SES_EVENTS_TAGS["team"] null is invalid: use a string.',
    ]);
  });

  test("a SES_EVENTS_TAGS tag that breaks the AWS tag rules is reported under the variable", () => {
    expect(problemsOf({ tags: { team: "ok" } }, { SES_EVENTS_TAGS: '{"aws:cost":"1","team":"<b>x</b>"}' })).toEqual([
      'SES_EVENTS_TAGS["team"] "<b>x</b>" is invalid: use letters, digits, spaces and _ . : / = + - @.',
      'SES_EVENTS_TAGS key "aws:cost" is invalid: the aws: prefix is reserved for AWS.',
    ]);
  });

  test("the error message lists every problem under one heading", () => {
    let thrown: unknown;
    try {
      readSettings({}, { SES_EVENTS_ENABLED: "yes", SES_EVENTS_ALARMS: "no" });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SettingsError);
    expect((thrown as Error).name).toBe("SettingsError");
    expect((thrown as Error).message).toBe(
      'invalid app settings:\n  - SES_EVENTS_ENABLED "yes" is invalid: use true or false.\n  - SES_EVENTS_ALARMS "no" is invalid: use true or false.',
    );
  });
});

describe("backends", () => {
  test("without cloud or state settings the stack keeps local state", () => {
    expect(only({}).backend).toEqual({ kind: "local" });
  });

  test("TF_CLOUD_ORGANIZATION with TF_WORKSPACE selects that HCP Terraform workspace", () => {
    expect(only({}, { TF_CLOUD_ORGANIZATION: "acme", TF_WORKSPACE: "ses-prod" }).backend).toEqual({
      kind: "cloud",
      organization: "acme",
      workspace: "ses-prod",
      hostname: undefined,
      project: undefined,
    });
  });

  test("TF_WORKSPACE alone does not select a cloud backend", () => {
    expect(only({}, { TF_WORKSPACE: "ses-prod" }).backend).toEqual({ kind: "local" });
  });

  test("the cloud workspace defaults to the stack name", () => {
    expect(only({ stackName: "mail" }, { TF_CLOUD_ORGANIZATION: "acme" }).backend).toMatchObject({ kind: "cloud", workspace: "mail" });
  });

  test("the context's cloud.workspace names the workspace", () => {
    expect(only({ cloud: { organization: "acme", workspace: "named" } }).backend).toMatchObject({ workspace: "named" });
  });

  test("TF_CLOUD_HOSTNAME and TF_CLOUD_PROJECT are honoured", () => {
    expect(only({}, { TF_CLOUD_ORGANIZATION: "acme", TF_CLOUD_HOSTNAME: "tfe.example.com", TF_CLOUD_PROJECT: "mail" }).backend).toMatchObject({
      hostname: "tfe.example.com",
      project: "mail",
    });
  });

  test("cloud.workspaceTags select workspaces by tags and name no workspace, even with TF_WORKSPACE", () => {
    const backend = only({ cloud: { organization: "acme", workspaceTags: ["ses-events", "prod"] } }, { TF_WORKSPACE: "ses-prod" }).backend;
    expect(backend).toEqual({ kind: "cloud", organization: "acme", workspaceTags: ["ses-events", "prod"], hostname: undefined, project: undefined });
    expect(backend).not.toHaveProperty("workspace");
  });

  test("SES_EVENTS_STATE_BUCKET selects S3 with key ses-events/<stack>.tfstate in the stack's region", () => {
    expect(only({ region: "eu-west-1" }, { SES_EVENTS_STATE_BUCKET: "tf-state" }).backend).toEqual({
      kind: "s3",
      bucket: "tf-state",
      key: "ses-events/ses-events.tfstate",
      region: "eu-west-1",
    });
  });

  test("the default S3 key follows the stack name", () => {
    expect(only({ stackName: "mail", state: { bucket: "tf-state" } }).backend).toMatchObject({ key: "ses-events/mail.tfstate" });
  });

  test("SES_EVENTS_STATE_KEY and SES_EVENTS_STATE_REGION are honoured", () => {
    expect(only({}, { SES_EVENTS_STATE_BUCKET: "tf-state", SES_EVENTS_STATE_KEY: "mail/state.tfstate", SES_EVENTS_STATE_REGION: "us-west-2" }).backend).toEqual({
      kind: "s3",
      bucket: "tf-state",
      key: "mail/state.tfstate",
      region: "us-west-2",
    });
  });

  test("state settings without a bucket keep local state", () => {
    expect(only({}, { SES_EVENTS_STATE_KEY: "k.tfstate", SES_EVENTS_STATE_REGION: "us-west-2" }).backend).toEqual({ kind: "local" });
  });

  test("an HCP Terraform organization and an S3 bucket together are refused", () => {
    expect(problemsOf({}, { TF_CLOUD_ORGANIZATION: "acme", SES_EVENTS_STATE_BUCKET: "tf-state" })).toEqual([
      'TF_CLOUD_ORGANIZATION (cloud.organization) "acme" and SES_EVENTS_STATE_BUCKET (state.bucket) "tf-state" are both set: a stack keeps its state in one backend; unset one of them.',
    ]);
  });

  test("cloud.workspace with cloud.workspaceTags is refused", () => {
    expect(problemsOf({ cloud: { organization: "acme", workspace: "w", workspaceTags: ["t"] } })).toEqual([
      "cloud.workspace and cloud.workspaceTags are both set: name one workspace or select workspaces by tags, not both.",
    ]);
  });

  test("cloud.workspaceTags that are not a list of strings are refused", () => {
    expect(problemsOf({ cloud: { organization: "acme", workspaceTags: "prod" } })).toEqual([
      'cloud.workspaceTags "prod" is invalid: use a list of strings.',
    ]);
  });

  test("state that is not an object is refused", () => {
    expect(problemsOf({ state: "tf-state" })).toEqual(['state "tf-state" is invalid: use an object.']);
  });
});

describe("environments", () => {
  test("two environments give two stacks named after them, in order", () => {
    expect(readSettings(TWO_ENVIRONMENTS, {}).map((stack) => stack.stackName)).toEqual(["staging", "production"]);
  });

  test("each environment has its own region, defaulting to the top-level one", () => {
    const stacks = byName({ region: "eu-west-1", environments: { staging: {}, production: { region: "eu-central-1" } } });
    expect(stacks.staging.region).toBe("eu-west-1");
    expect(stacks.production.region).toBe("eu-central-1");
  });

  test("an environment's configuration set is <base>-<environment> unless it names its own", () => {
    const stacks = byName({ configurationSetName: "mail", environments: { staging: {}, production: { configurationSetName: "prod-mail" } } });
    expect(stacks.staging.destination.configurationSetName).toBe("mail-staging");
    expect(stacks.production.destination.configurationSetName).toBe("prod-mail");
  });

  test("without a top-level configurationSetName the base is ses-events", () => {
    expect(byName(TWO_ENVIRONMENTS).staging.destination.configurationSetName).toBe("ses-events-staging");
  });

  test("SES_EVENTS_CONFIGURATION_SET_NAME sets the base of the environments' names", () => {
    const stacks = byName({ configurationSetName: "ctx", environments: { staging: {}, production: { configurationSetName: "own" } } }, {
      SES_EVENTS_CONFIGURATION_SET_NAME: "env",
    });
    expect(stacks.staging.destination.configurationSetName).toBe("env-staging");
    expect(stacks.production.destination.configurationSetName).toBe("own");
  });

  test("environment tags merge over top-level tags and add an Environment tag", () => {
    const stacks = byName({
      tags: { team: "email", cost: "shared" },
      environments: { staging: {}, production: { tags: { cost: "prod" } } },
    });
    expect(stacks.staging.tags).toEqual({ Environment: "staging", team: "email", cost: "shared" });
    expect(stacks.production.tags).toEqual({ Environment: "production", team: "email", cost: "prod" });
  });

  test("environments merge nested settings over the top-level ones", () => {
    const stacks = byName({
      deliveryStream: { bufferingIntervalSeconds: 60, logging: false },
      environments: { staging: {}, production: { deliveryStream: { bufferingIntervalSeconds: 900 } } },
    });
    expect(stacks.staging.destination.deliveryStream).toEqual({ bufferingIntervalSeconds: 60, logging: false });
    expect(stacks.production.destination.deliveryStream).toEqual({ bufferingIntervalSeconds: 900, logging: false });
  });

  test("each environment keeps its S3 state under its own default key", () => {
    const stacks = byName(TWO_ENVIRONMENTS, { SES_EVENTS_STATE_BUCKET: "tf-state" });
    expect(stacks.staging.backend).toEqual({ kind: "s3", bucket: "tf-state", key: "ses-events/staging.tfstate", region: "us-east-1" });
    expect(stacks.production.backend).toEqual({ kind: "s3", bucket: "tf-state", key: "ses-events/production.tfstate", region: "us-east-1" });
  });

  test("an environment's S3 state defaults to its own region", () => {
    const stacks = byName({ state: { bucket: "tf-state" }, environments: { staging: { region: "eu-west-1" }, production: {} } });
    expect(stacks.staging.backend).toMatchObject({ region: "eu-west-1" });
    expect(stacks.production.backend).toMatchObject({ region: "us-east-1" });
  });

  test("each environment's own state.key is used", () => {
    const stacks = byName({
      state: { bucket: "tf-state" },
      environments: { staging: { state: { key: "s.tfstate" } }, production: { state: { key: "p.tfstate" } } },
    });
    expect(stacks.staging.backend).toMatchObject({ key: "s.tfstate" });
    expect(stacks.production.backend).toMatchObject({ key: "p.tfstate" });
  });

  test("each environment gets its own HCP Terraform workspace, the app's prefix and its name", () => {
    const stacks = byName(TWO_ENVIRONMENTS, { TF_CLOUD_ORGANIZATION: "acme" });
    expect(stacks.staging.backend).toMatchObject({ kind: "cloud", organization: "acme", workspace: "ses-events-staging" });
    expect(stacks.production.backend).toMatchObject({ kind: "cloud", organization: "acme", workspace: "ses-events-production" });
  });

  test("cloud.workspacePrefix replaces the prefix of every environment's workspace", () => {
    const stacks = byName({ cloud: { workspacePrefix: "mail_events" }, ...TWO_ENVIRONMENTS }, { TF_CLOUD_ORGANIZATION: "acme" });
    expect(stacks.staging.backend).toMatchObject({ workspace: "mail_events-staging" });
    expect(stacks.production.backend).toMatchObject({ workspace: "mail_events-production" });
  });

  test("an environment's own cloud.workspace keeps an existing workspace name over the prefix", () => {
    const stacks = byName(
      { cloud: { workspacePrefix: "mail" }, environments: { staging: {}, production: { cloud: { workspace: "production" } } } },
      { TF_CLOUD_ORGANIZATION: "acme" },
    );
    expect(stacks.staging.backend).toMatchObject({ workspace: "mail-staging" });
    expect(stacks.production.backend).toMatchObject({ workspace: "production" });
  });

  test("a prefix and the longest environment name still make a valid workspace name", () => {
    const longest = "e".repeat(64);
    const stacks = byName(
      { cloud: { workspacePrefix: "p".repeat(25) }, environments: { [longest]: { configurationSetName: "events" } } },
      { TF_CLOUD_ORGANIZATION: "acme" },
    );
    expect(stacks[longest]?.backend).toMatchObject({ workspace: `${"p".repeat(25)}-${longest}` });
    expect(`${"p".repeat(25)}-${longest}`).toHaveLength(90);
  });

  test.each([
    ["p".repeat(26), `"${"p".repeat(26)}"`],
    ["ses events", '"ses events"'],
    ["ses.events", '"ses.events"'],
  ])("cloud.workspacePrefix %j is refused with the rule", (prefix, shown) => {
    expect(problemsOf({ cloud: { workspacePrefix: prefix }, ...TWO_ENVIRONMENTS }, { TF_CLOUD_ORGANIZATION: "acme" })).toEqual([
      `cloud.workspacePrefix ${shown} is invalid: a workspace prefix uses 1-25 letters, digits, '_' or '-', so that with '-' and an environment name of up to 64 characters it stays within HCP Terraform's 90.`,
    ]);
  });

  test("cloud.workspacePrefix without environments is refused, as it would name nothing", () => {
    expect(problemsOf({ cloud: { workspacePrefix: "mail" } }, { TF_CLOUD_ORGANIZATION: "acme" })).toEqual([
      'cloud.workspacePrefix "mail" is set but there are no environments: it names only environments\' workspaces, and a single stack\'s is cloud.workspace, else TF_WORKSPACE, else the stack name; remove it or set cloud.workspace.',
    ]);
  });

  test("an environment variable beats the top-level context", () => {
    const stacks = byName({ region: "eu-west-1", ...TWO_ENVIRONMENTS }, { SES_EVENTS_REGION: "ap-southeast-2" });
    expect(stacks.staging.region).toBe("ap-southeast-2");
    expect(stacks.production.region).toBe("ap-southeast-2");
  });

  test("an environment's own entry beats the environment variable", () => {
    const stacks = byName({ environments: { staging: {}, production: { region: "eu-central-1" } } }, { SES_EVENTS_REGION: "ap-southeast-2" });
    expect(stacks.staging.region).toBe("ap-southeast-2");
    expect(stacks.production.region).toBe("eu-central-1");
  });

  test("an environment's own cloud.workspace names its workspace", () => {
    const stacks = byName(
      { environments: { staging: { cloud: { workspace: "ses-staging" } }, production: { cloud: { workspace: "ses-production" } } } },
      { TF_CLOUD_ORGANIZATION: "acme" },
    );
    expect(stacks.staging.backend).toMatchObject({ workspace: "ses-staging" });
    expect(stacks.production.backend).toMatchObject({ workspace: "ses-production" });
  });

  test("TF_WORKSPACE that disagrees with environments' own cloud.workspace is refused for each", () => {
    expect(
      problemsOf(
        { environments: { staging: { cloud: { workspace: "ses-staging" } }, production: { cloud: { workspace: "ses-production" } } } },
        { TF_CLOUD_ORGANIZATION: "acme", TF_WORKSPACE: "ci" },
      ),
    ).toEqual([
      'TF_WORKSPACE "ci" and environments.staging.cloud.workspace "ses-staging" disagree: Terraform refuses to initialize when TF_WORKSPACE names another workspace than the cloud block; unset TF_WORKSPACE or make them the same.',
      'TF_WORKSPACE "ci" and environments.production.cloud.workspace "ses-production" disagree: Terraform refuses to initialize when TF_WORKSPACE names another workspace than the cloud block; unset TF_WORKSPACE or make them the same.',
    ]);
  });

  test("a shared SES_EVENTS_STATE_KEY across two stacks is refused", () => {
    expect(problemsOf(TWO_ENVIRONMENTS, { SES_EVENTS_STATE_BUCKET: "tf-state", SES_EVENTS_STATE_KEY: "ses.tfstate" })).toEqual([
      'stacks staging and production would share the S3 state "s3://tf-state/ses.tfstate" (one object, whatever state.region says): give each environment its own state.key in its environments entry, and leave SES_EVENTS_STATE_KEY unset.',
    ]);
  });

  test("the same S3 key in different buckets is not shared state", () => {
    const stacks = byName({
      state: { key: "ses.tfstate" },
      environments: { staging: { state: { bucket: "staging-state" } }, production: { state: { bucket: "production-state" } } },
    });
    expect(stacks.staging.backend).toMatchObject({ bucket: "staging-state", key: "ses.tfstate" });
    expect(stacks.production.backend).toMatchObject({ bucket: "production-state", key: "ses.tfstate" });
  });

  test("a shared TF_WORKSPACE across two stacks is refused", () => {
    expect(problemsOf(TWO_ENVIRONMENTS, { TF_CLOUD_ORGANIZATION: "acme", TF_WORKSPACE: "ses" })).toEqual([
      'stacks staging and production would share the HCP Terraform workspace "ses": give each environment its own cloud.workspace in its environments entry, and leave TF_WORKSPACE unset.',
    ]);
  });

  test("the same workspace name in different organizations is not shared state", () => {
    const stacks = byName({
      cloud: { workspace: "ses" },
      environments: { staging: { cloud: { organization: "acme-staging" } }, production: { cloud: { organization: "acme-production" } } },
    });
    expect(stacks.staging.backend).toMatchObject({ organization: "acme-staging", workspace: "ses" });
    expect(stacks.production.backend).toMatchObject({ organization: "acme-production", workspace: "ses" });
  });

  test("an environment name that is not a valid stack name is refused", () => {
    expect(problemsOf({ environments: { "prod env": {} } })).toEqual([
      `environments "prod env" is invalid: a stack name uses 1-64 letters, digits, '_' or '-'.`,
    ]);
  });

  test("an invalid top-level stackName is refused", () => {
    expect(problemsOf({ stackName: "my stack" })).toEqual([`stackName "my stack" is invalid: a stack name uses 1-64 letters, digits, '_' or '-'.`]);
  });

  test("an empty environments object is refused", () => {
    expect(problemsOf({ environments: {} })).toEqual([
      'environments {} is invalid: use an object of environment name to settings, e.g. {"staging": {}, "production": {}}.',
    ]);
  });

  test("environments that is a list is refused", () => {
    expect(problemsOf({ environments: ["staging"] })).toEqual([
      'environments ["staging"] is invalid: use an object of environment name to settings, e.g. {"staging": {}, "production": {}}.',
    ]);
  });

  test("an environment entry that is not an object is refused", () => {
    expect(problemsOf({ environments: { staging: {}, production: "eu-west-1" } })).toEqual([
      'environments.production "eu-west-1" is invalid: use an object of settings.',
    ]);
  });

  test("an environment's region that is not a string is refused under its entry", () => {
    expect(problemsOf({ environments: { staging: {}, production: { region: 1 } } })).toEqual(["environments.production.region 1 is invalid: use a string."]);
  });

  test("an environment's region that is not a Region code is refused under its entry", () => {
    expect(problemsOf({ environments: { staging: {}, production: { region: "Frankfurt" } } })).toEqual([
      'environments.production.region "Frankfurt" is invalid: use an AWS Region code such as us-east-1.',
    ]);
  });

  test("an environment's eventTypes that is not a list is refused under its entry", () => {
    expect(problemsOf({ environments: { staging: { eventTypes: "SEND" }, production: {} } })).toEqual([
      'environments.staging.eventTypes "SEND" is invalid: use a list of strings.',
    ]);
  });

  test("a bad top-level setting is reported once under its own name, not under each environment", () => {
    expect(problemsOf({ region: 5, ...TWO_ENVIRONMENTS })).toEqual(["region 5 is invalid: use a string."]);
  });

  test("an environment's cloud.workspace with top-level cloud.workspaceTags names both places", () => {
    expect(
      problemsOf({ cloud: { organization: "acme", workspaceTags: ["ses"] }, environments: { staging: { cloud: { workspace: "s" } }, production: {} } }),
    ).toEqual([
      "environments.staging.cloud.workspace and cloud.workspaceTags are both set: name one workspace or select workspaces by tags, not both.",
    ]);
  });

  test("several problems are reported together, the checks between stacks with the schema's in one round", () => {
    expect(
      problemsOf(
        { tags: ["team"], environments: { staging: { region: 1 }, production: { eventTypes: "SEND", enabled: "yes" } } },
        { SES_EVENTS_ENABLED: "maybe", SES_EVENTS_STATE_BUCKET: "tf-state", SES_EVENTS_STATE_KEY: "ses.tfstate" },
      ),
    ).toEqual([
      'SES_EVENTS_ENABLED "maybe" is invalid: use true or false.',
      "environments.staging.region 1 is invalid: use a string.",
      'environments.production.eventTypes "SEND" is invalid: use a list of strings.',
      'environments.production.enabled "yes" is invalid: use true or false.',
      'tags ["team"] is invalid: use an object of string values.',
      'stacks staging and production would share the S3 state "s3://tf-state/ses.tfstate" (one object, whatever state.region says): give each environment its own state.key in its environments entry, and leave SES_EVENTS_STATE_KEY unset.',
    ]);
  });
});

describe("wrong types at the top level", () => {
  test.each([
    [{ region: 1 }, "region 1 is invalid: use a string."],
    [{ region: "Virginia" }, 'region "Virginia" is invalid: use an AWS Region code such as us-east-1.'],
    [{ configurationSetName: 7 }, "configurationSetName 7 is invalid: use a string."],
    [{ createConfigurationSet: "no" }, 'createConfigurationSet "no" is invalid: use true or false.'],
    [{ eventTypes: "SEND" }, 'eventTypes "SEND" is invalid: use a list of strings.'],
    [{ eventTypes: ["SEND", 1] }, "eventTypes[1] 1 is invalid: use one of SEND, REJECT, BOUNCE, COMPLAINT, DELIVERY, OPEN, CLICK, RENDERING_FAILURE, DELIVERY_DELAY, SUBSCRIPTION."],
    [{ deliveryStream: "events" }, 'deliveryStream "events" is invalid: use an object.'],
    [{ alarms: true }, "alarms true is invalid: use an object."],
    [{ importExisting: [] }, "importExisting [] is invalid: use an object."],
    [{ tags: { cost: 1 } }, 'tags["cost"] 1 is invalid: use a string.'],
    [{ stackName: 3 }, "stackName 3 is invalid: use a string."],
  ])("context %j is refused", (context, problem) => {
    expect(problemsOf(context)).toEqual([problem]);
  });
});

describe("unknown settings", () => {
  test("a misspelt top-level setting is refused with the settings that exist", () => {
    expect(problemsOf({ configurationSetname: "x" })).toEqual([
      "configurationSetname is not a setting: use one of stackName, environments, lake, region, accountId, assumeRoleArn, configurationSetName, createConfigurationSet, configurationSet, eventDestinationName, eventTypes, enabled, deliveryStreamArn, deliveryStream, sesRoleArn, sesRoleName, sesRolePath, alarms, dashboard, analytics, importExisting, tags, state, cloud.",
    ]);
  });

  test("a misspelt analytics option is refused with the options that exist", () => {
    expect(problemsOf({ analytics: { workGroupName: "x" } })).toEqual([
      "analytics.workGroupName is not a setting: use one of enabled, databaseName, tableName, workgroupName, resultsPrefix, resultsExpirationDays, bytesScannedCutoffPerQuery, firstYear, queryWindowDays, tagName.",
    ]);
  });

  test("a misspelt stream option is refused with the options that exist", () => {
    expect(problemsOf({ deliveryStream: { bufferSizeMiB: 64 } })).toEqual([
      "deliveryStream.bufferSizeMiB is not a setting: use one of name, bucketArn, bucket, prefix, errorOutputPrefix, bufferingSizeMiB, bufferingIntervalSeconds, compression, format, jsonPrefix, sourceRecordBackup, kmsKeyArn, createKmsKey, partitionByEventType, partitioningRetrySeconds, roleName, rolePath, logging, logRetentionDays, lake.",
    ]);
  });

  test("misspelt settings deep in the bucket lifecycle, alarms, imports, state and cloud are refused", () => {
    expect(
      problemsOf({
        deliveryStream: { bucket: { lifecycle: { expireDays: 1 } } },
        alarms: { topicArn: "x" },
        importExisting: { stream: true },
        state: { table: "locks" },
        cloud: { org: "acme" },
      }),
    ).toEqual([
      "deliveryStream.bucket.lifecycle.expireDays is not a setting: use one of abortIncompleteMultipartUploadDays, transitionToInfrequentAccessDays, expirationDays, noncurrentVersionExpirationDays.",
      "alarms.topicArn is not a setting: use one of enabled, snsTopicArn, freshnessThresholdSeconds, periodSeconds, reputation, bounceRateThreshold, complaintRateThreshold, silentPipeline.",
      "importExisting.stream is not a setting: use one of configurationSet, eventDestination, deliveryStream, sesRole, deliveryRole, deliveryLogs.",
      "state.table is not a setting: use one of bucket, key, region.",
      "cloud.org is not a setting: use one of organization, workspace, workspacePrefix, workspaceTags, hostname, project.",
    ]);
  });

  test("an environment entry may not set stackName or nest environments", () => {
    expect(problemsOf({ environments: { staging: { stackName: "x", regoin: "eu-west-1" } } })).toEqual([
      expect.stringMatching(/^environments\.staging\.stackName is not a setting: use one of region, /),
      expect.stringMatching(/^environments\.staging\.regoin is not a setting: use one of region, /),
    ]);
  });

  test("cdktf's own context keys are not the app's settings and pass", () => {
    const stacks = readSettings({ cdktfVersion: "0.21.0", cdktfRelativeModules: [], excludeStackIdFromLogicalIds: "true" }, {});
    expect(stacks.map((s) => s.stackName)).toEqual(["ses-events"]);
  });

  test("tags may hold any key", () => {
    expect(readSettings({ tags: { "cost-center": "42" } }, {})[0].tags).toEqual({ "cost-center": "42" });
  });
});

describe("checks that need the stack's Region", () => {
  test("app tags follow the AWS tag rules", () => {
    expect(problemsOf({ tags: { "aws:team": "x", team: "y".repeat(257) } })).toEqual([
      'tags key "aws:team" is invalid: the aws: prefix is reserved for AWS.',
      `tags["team"] "${"y".repeat(180)}…" (257 characters) is invalid: use at most 256 characters.`,
    ]);
  });

  test("a stream, key or topic in another Region than the stack is refused", () => {
    expect(
      problemsOf({
        region: "us-east-1",
        deliveryStreamArn: "arn:aws:firehose:eu-west-1:123456789012:deliverystream/events",
        alarms: { snsTopicArn: "arn:aws:sns:eu-west-1:123456789012:oncall" },
      }),
    ).toEqual([
      'deliveryStreamArn "arn:aws:firehose:eu-west-1:123456789012:deliverystream/events" is invalid: it is in eu-west-1 but the AWS provider is in us-east-1, and SES publishes only to a stream in its own Region; use one in us-east-1.',
      'alarms.snsTopicArn "arn:aws:sns:eu-west-1:123456789012:oncall" is invalid: it is in eu-west-1 but the AWS provider is in us-east-1, and CloudWatch alarms notify topics in their own Region; use one in us-east-1.',
    ]);
    expect(problemsOf({ region: "us-east-1", deliveryStream: { kmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/abc" } })).toEqual([
      'deliveryStream.kmsKeyArn "arn:aws:kms:eu-west-1:123456789012:key/abc" is invalid: it is in eu-west-1 but the AWS provider is in us-east-1, and Firehose, S3 and CloudWatch use a KMS key in their own Region; use one in us-east-1.',
    ]);
  });

  test("an ARN in the stack's own Region passes", () => {
    const [stack] = readSettings({ region: "eu-west-1", deliveryStreamArn: "arn:aws:firehose:eu-west-1:123456789012:deliverystream/events" }, {});
    expect(stack.destination.deliveryStreamArn).toBe("arn:aws:firehose:eu-west-1:123456789012:deliverystream/events");
  });
});

describe("wrong types at every depth", () => {
  test.each([
    [{ region: null }, "region null is invalid: use a string."],
    [{ configurationSetName: "" }, 'configurationSetName "" is invalid: it is empty; give a value or remove the setting.'],
    [{ deliveryStream: { partitionByEventType: "false" } }, 'deliveryStream.partitionByEventType "false" is invalid: use true or false.'],
    [{ deliveryStream: { createKmsKey: "yes" } }, 'deliveryStream.createKmsKey "yes" is invalid: use true or false.'],
    [{ deliveryStream: { bucket: null } }, "deliveryStream.bucket null is invalid: use an object."],
    [{ deliveryStream: { errorOutputPrefix: 5 } }, "deliveryStream.errorOutputPrefix 5 is invalid: use a string."],
    [{ deliveryStream: { compression: "gzip" } }, 'deliveryStream.compression "gzip" is invalid: use one of UNCOMPRESSED, GZIP, ZIP, Snappy, HADOOP_SNAPPY.'],
    [{ deliveryStream: { bufferingSizeMiB: "64" } }, 'deliveryStream.bufferingSizeMiB "64" is invalid: use a number.'],
    [{ deliveryStream: { bucket: { lifecycle: [] } } }, "deliveryStream.bucket.lifecycle [] is invalid: use an object."],
    [{ deliveryStream: { bucket: { lifecycle: { expirationDays: "30" } } } }, 'deliveryStream.bucket.lifecycle.expirationDays "30" is invalid: use a number.'],
    [{ deliveryStream: { bucket: { forceDestroy: 1 } } }, "deliveryStream.bucket.forceDestroy 1 is invalid: use true or false."],
    [{ alarms: { enabled: "false" } }, 'alarms.enabled "false" is invalid: use true or false.'],
    [{ alarms: { snsTopicArn: {} } }, "alarms.snsTopicArn {} is invalid: use a string."],
    [{ analytics: { enabled: "false" } }, 'analytics.enabled "false" is invalid: use true or false.'],
    [{ analytics: { databaseName: "" } }, 'analytics.databaseName "" is invalid: it is empty; give a value or remove the setting.'],
    [{ analytics: { queryWindowDays: "30" } }, 'analytics.queryWindowDays "30" is invalid: use a number.'],
    [{ analytics: { tagName: null } }, "analytics.tagName null is invalid: use a string."],
    [{ importExisting: { configurationSet: "false" } }, 'importExisting.configurationSet "false" is invalid: use true or false.'],
    [{ importExisting: { sesRole: 1 } }, "importExisting.sesRole 1 is invalid: use true or false, or the role's ARN."],
    [{ importExisting: { deliveryRole: "" } }, 'importExisting.deliveryRole "" is invalid: it is empty; give a value or remove the setting.'],
    [{ state: { bucket: "" } }, 'state.bucket "" is invalid: it is empty; give a value or remove the setting.'],
    [{ state: { key: null } }, "state.key null is invalid: use a string."],
    [{ cloud: { organization: "" } }, 'cloud.organization "" is invalid: it is empty; give a value or remove the setting.'],
    [{ cloud: { organization: "acme", workspaceTags: [] } }, "cloud.workspaceTags [] is invalid: list at least one tag."],
    [{ cloud: { organization: "acme", workspaceTags: ["ses", ""] } }, 'cloud.workspaceTags[1] "" is invalid: it is empty; give a value or remove the setting.'],
    [{ accountId: "12345" }, 'accountId "12345" is invalid: use the 12-digit AWS account ID.'],
    [{ accountId: 123456789012 }, "accountId 123456789012 is invalid: use a string."],
    [{ sesRolePath: [] }, "sesRolePath [] is invalid: use a string."],
    [{ environments: { staging: null } }, "environments.staging null is invalid: use an object of settings."],
    [{ environments: { staging: { deliveryStream: { bucket: { lifecycle: { expirationDays: null } } } } } }, "environments.staging.deliveryStream.bucket.lifecycle.expirationDays null is invalid: use a number."],
    [{ environments: { staging: { deliveryStream: [] } } }, "environments.staging.deliveryStream [] is invalid: use an object."],
    [{ environments: { staging: { deliveryStream: { bucket: { lifecycle: { expireDays: 1 } } } } } }, "environments.staging.deliveryStream.bucket.lifecycle.expireDays is not a setting: use one of abortIncompleteMultipartUploadDays, transitionToInfrequentAccessDays, expirationDays, noncurrentVersionExpirationDays."],
  ])("context %j is refused with one line naming the setting, the value and the rule", (context, problem) => {
    expect(problemsOf(context)).toEqual([problem]);
  });

  test("wrong types in several settings are all refused, each under its own path, without a TypeError", () => {
    expect(
      problemsOf({
        deliveryStream: { partitionByEventType: "false", bucket: null, errorOutputPrefix: 5 },
        alarms: { enabled: "false" },
        importExisting: { configurationSet: "false" },
        state: { bucket: "" },
        cloud: { organization: "" },
      }),
    ).toEqual([
      "deliveryStream.bucket null is invalid: use an object.",
      "deliveryStream.errorOutputPrefix 5 is invalid: use a string.",
      'deliveryStream.partitionByEventType "false" is invalid: use true or false.',
      'alarms.enabled "false" is invalid: use true or false.',
      'importExisting.configurationSet "false" is invalid: use true or false.',
      'state.bucket "" is invalid: it is empty; give a value or remove the setting.',
      'cloud.organization "" is invalid: it is empty; give a value or remove the setting.',
    ]);
  });

  test("a huge value is cut short in the message", () => {
    expect(problemsOf({ configurationSetName: "a".repeat(100_000) })).toEqual([
      `configurationSetName "${"a".repeat(180)}…" (100000 characters) is invalid: use at most 1024 characters.`,
    ]);
  });

  test("a huge object is cut short in the message", () => {
    const buckets = Array.from({ length: 1000 }, (_, i) => `b${i}`);
    expect(problemsOf({ deliveryStream: { bucket: buckets } })).toEqual([
      `deliveryStream.bucket ${JSON.stringify(buckets).slice(0, 180)}… (6891 characters of JSON) is invalid: use an object.`,
    ]);
  });

  test("HTML and Markdown in values and keys are shown as JSON text on one line", () => {
    expect(problemsOf({ region: "<script>alert(1)</script>\n# Title", "**bold** <b>": 1 })).toEqual([
      'region "<script>alert(1)</script>\\n# Title" is invalid: use an AWS Region code such as us-east-1.',
      '["**bold** <b>"] is not a setting: use one of stackName, environments, lake, region, accountId, assumeRoleArn, configurationSetName, createConfigurationSet, configurationSet, eventDestinationName, eventTypes, enabled, deliveryStreamArn, deliveryStream, sesRoleArn, sesRoleName, sesRolePath, alarms, dashboard, analytics, importExisting, tags, state, cloud.',
    ]);
    expect(problemsOf({ region: "<script>alert(1)</script>\n# Title" })).toEqual([
      'region "<script>alert(1)</script>\\n# Title" is invalid: use an AWS Region code such as us-east-1.',
    ]);
  });

  test("an environment name with a line break stays on one line", () => {
    const problems = problemsOf({ environments: { "a\nb": { region: 1 } } });
    expect(problems).toEqual([
      'environments["a\\nb"].region 1 is invalid: use a string.',
      'environments "a\\nb" is invalid: a stack name uses 1-64 letters, digits, \'_\' or \'-\'.',
    ]);
  });

  test("values that look like credentials are never repeated", () => {
    const accessKey = "AKIAIOSFODNN7EXAMPLE";
    const githubToken = `ghp_${"a1".repeat(18)}`;
    const problems = problemsOf(
      { tags: { "api-token": 5, owner: ["x"] }, eventDestinationName: { secret: accessKey } },
      { SES_EVENTS_ALARMS: githubToken },
    );
    expect(problems).toEqual([
      "SES_EVENTS_ALARMS (a value that looks like a secret, not shown) is invalid: use true or false.",
      'eventDestinationName {"secret":"(a secret, not shown)"} is invalid: use a string.',
      'tags["api-token"] (a secret, not shown) is invalid: use a string.',
      'tags["owner"] ["x"] is invalid: use a string.',
    ]);
    expect(problems.join("\n")).not.toContain(accessKey);
    expect(problems.join("\n")).not.toContain(githubToken);
  });

  test("a tag named like a credential is checked without repeating its value", () => {
    expect(problemsOf({ tags: { "db-password": "<hunter2>" } })).toEqual([
      'tags["db-password"] (a secret, not shown) is invalid: use letters, digits, spaces and _ . : / = + - @.',
    ]);
  });

  test("a __proto__ key, which JavaScript would drop silently, is refused wherever it is", () => {
    const context = JSON.parse('{"environments": {"__proto__": {}, "staging": {"tags": {"__proto__": "x"}}}}');
    expect(problemsOf(context)).toEqual([
      'environments["__proto__"] is not a setting: the name __proto__ is reserved; remove it.',
      'environments.staging.tags["__proto__"] is not a setting: the name __proto__ is reserved; remove it.',
    ]);
    expect(problemsOf({}, { SES_EVENTS_TAGS: '{"__proto__": {"team": "x"}}' })).toEqual([
      'SES_EVENTS_TAGS["__proto__"] is not a setting: the name __proto__ is reserved; remove it.',
    ]);
  });

  test("an HCP Terraform token in a setting is not repeated", () => {
    const token = "abcdefghijklmn.atlasv1.opqrstuvwxyz0123456789";
    expect(problemsOf({ region: token })).toEqual([
      "region (a value that looks like a secret, not shown) is invalid: use an AWS Region code such as us-east-1.",
    ]);
  });
});

describe("Region precedence", () => {
  test("without any Region setting the stack is in us-east-1", () => {
    expect(only({}).region).toBe("us-east-1");
  });

  test("AWS_REGION is the fallback when nothing else names a Region", () => {
    expect(only({}, { AWS_REGION: "eu-west-3" }).region).toBe("eu-west-3");
  });

  test("AWS_DEFAULT_REGION is the fallback when AWS_REGION is unset", () => {
    expect(only({}, { AWS_DEFAULT_REGION: "eu-north-1" }).region).toBe("eu-north-1");
  });

  test("AWS_REGION beats AWS_DEFAULT_REGION, as the AWS SDKs do", () => {
    expect(only({}, { AWS_REGION: "eu-west-3", AWS_DEFAULT_REGION: "eu-north-1" }).region).toBe("eu-west-3");
  });

  test("cdktf.json's region beats an ambient AWS_REGION", () => {
    expect(only({ region: "eu-west-1" }, { AWS_REGION: "us-west-2", AWS_DEFAULT_REGION: "us-west-1" }).region).toBe("eu-west-1");
  });

  test("an environment's own region beats AWS_REGION; one without a region takes it when the top level has none", () => {
    const stacks = byName({ environments: { staging: {}, production: { region: "eu-central-1" } } }, { AWS_REGION: "us-west-2" });
    expect(stacks.staging.region).toBe("us-west-2");
    expect(stacks.production.region).toBe("eu-central-1");
  });

  test("an ambient AWS_REGION no stack uses is not judged", () => {
    const stacks = readSettings({ environments: { staging: { region: "eu-west-1" }, production: { region: "us-west-2" } } }, { AWS_REGION: "garbage" });
    expect(stacks.map((stack) => stack.region)).toEqual(["eu-west-1", "us-west-2"]);
  });

  test("an ambient AWS_REGION that a stack uses is judged under its own name", () => {
    expect(problemsOf({ environments: { staging: { region: "eu-west-1" }, production: {} } }, { AWS_REGION: "garbage" })).toEqual([
      'AWS_REGION "garbage" is invalid: use an AWS Region code such as us-east-1.',
    ]);
  });

  test("SES_EVENTS_REGION beats cdktf.json's top-level region and AWS_REGION", () => {
    expect(only({ region: "eu-west-1" }, { SES_EVENTS_REGION: "ap-northeast-1", AWS_REGION: "us-west-2" }).region).toBe("ap-northeast-1");
  });

  test("the S3 state Region follows the stack's Region from cdktf.json, not AWS_REGION", () => {
    expect(only({ region: "eu-west-1", state: { bucket: "tf-state" } }, { AWS_REGION: "us-west-2" }).backend).toMatchObject({ region: "eu-west-1" });
  });

  test.each(["AWS_REGION", "AWS_DEFAULT_REGION", "SES_EVENTS_REGION"])("a bad Region from %s is reported under the variable", (variable) => {
    expect(problemsOf({}, { [variable]: "Frankfurt" })).toEqual([`${variable} "Frankfurt" is invalid: use an AWS Region code such as us-east-1.`]);
  });
});

describe("account IDs", () => {
  test("accountId is the stack's only allowed account", () => {
    expect(only({ accountId: "123456789012" }).accountId).toBe("123456789012");
  });

  test("without accountId no account is pinned", () => {
    expect(only({}).accountId).toBeUndefined();
  });

  test("SES_EVENTS_ACCOUNT_ID sets it, and a bad one is reported under the variable", () => {
    expect(only({ accountId: "111111111111" }, { SES_EVENTS_ACCOUNT_ID: "222222222222" }).accountId).toBe("222222222222");
    expect(problemsOf({}, { SES_EVENTS_ACCOUNT_ID: "1234-5678-9012" })).toEqual([
      'SES_EVENTS_ACCOUNT_ID "1234-5678-9012" is invalid: use the 12-digit AWS account ID.',
    ]);
  });

  test("each environment has its own accountId", () => {
    const stacks = byName({ environments: { staging: { accountId: "111111111111" }, production: { accountId: "222222222222" } } });
    expect(stacks.staging.accountId).toBe("111111111111");
    expect(stacks.production.accountId).toBe("222222222222");
  });

  test("a role to import by ARN from another account than accountId is refused", () => {
    expect(problemsOf({ accountId: "111111111111", importExisting: { sesRole: "arn:aws:iam::123456789012:role/service-role/ses" } })).toEqual([
      'importExisting.sesRole "arn:aws:iam::123456789012:role/service-role/ses" is invalid: it is in account 123456789012 but accountId is 111111111111, and Terraform imports only from the account it applies to; use the role of account 111111111111.',
    ]);
  });
});

describe("state that two stacks would share", () => {
  test("workspace tags with TF_WORKSPACE put two environments in one workspace: refused, naming both", () => {
    expect(problemsOf({ cloud: { organization: "acme", workspaceTags: ["ses"] }, ...TWO_ENVIRONMENTS }, { TF_WORKSPACE: "ses-ci" })).toEqual([
      'stacks staging and production would share the HCP Terraform workspace "ses-ci", which TF_WORKSPACE picks among the workspaces tagged ses: give each environment its own cloud.workspace in its environments entry, and leave TF_WORKSPACE unset.',
    ]);
  });

  test("workspace tags without TF_WORKSPACE leave each stack to pick its workspace", () => {
    expect(readSettings({ cloud: { organization: "acme", workspaceTags: ["ses"] }, ...TWO_ENVIRONMENTS }, {}).map((s) => s.backend)).toEqual([
      { kind: "cloud", organization: "acme", workspaceTags: ["ses"], hostname: undefined, project: undefined },
      { kind: "cloud", organization: "acme", workspaceTags: ["ses"], hostname: undefined, project: undefined },
    ]);
  });

  test("a tagged stack and a named stack meet in the workspace TF_WORKSPACE names", () => {
    expect(
      problemsOf(
        { cloud: { organization: "acme" }, environments: { staging: { cloud: { workspaceTags: ["ses"] } }, production: { cloud: { workspace: "ses-ci" } } } },
        { TF_WORKSPACE: "ses-ci" },
      ),
    ).toEqual([
      'stacks staging and production would share the HCP Terraform workspace "ses-ci": give each environment its own cloud.workspace in its environments entry, and leave TF_WORKSPACE unset.',
    ]);
  });

  test("one workspace name on two hostnames is not shared state", () => {
    const stacks = byName({
      cloud: { organization: "acme", workspace: "ses" },
      environments: { staging: { cloud: { hostname: "tfe.example.com" } }, production: {} },
    });
    expect(stacks.staging.backend).toMatchObject({ hostname: "tfe.example.com", workspace: "ses" });
  });

  test.each([
    ["app.terraform.io named or not is one host", "app.terraform.io"],
    ["a hostname in other letter case is the same host", "APP.Terraform.io"],
  ])("%s", (_, hostname) => {
    expect(
      problemsOf({
        cloud: { organization: "acme", workspace: "ses" },
        environments: { staging: { cloud: { hostname } }, production: {} },
      }),
    ).toEqual([
      'stacks staging and production would share the HCP Terraform workspace "ses": give each environment its own cloud.workspace in its environments entry, and leave TF_WORKSPACE unset.',
    ]);
  });

  test("one S3 bucket and key is one state even from two Regions", () => {
    expect(
      problemsOf({ state: { bucket: "tf-state", key: "ses.tfstate" }, environments: { staging: { region: "eu-west-1" }, production: { state: { region: "us-west-2" } } } }),
    ).toEqual([
      'stacks staging and production would share the S3 state "s3://tf-state/ses.tfstate" (one object, whatever state.region says): give each environment its own state.key in its environments entry, and leave SES_EVENTS_STATE_KEY unset.',
    ]);
  });

  test("an environment's own key that equals another's default key is refused", () => {
    expect(problemsOf({ state: { bucket: "tf-state" }, environments: { staging: { state: { key: "ses-events/production.tfstate" } }, production: {} } })).toEqual([
      'stacks staging and production would share the S3 state "s3://tf-state/ses-events/production.tfstate" (one object, whatever state.region says): give each environment its own state.key in its environments entry, and leave SES_EVENTS_STATE_KEY unset.',
    ]);
  });

  test("environment names that differ only in case would share a local state file on macOS and Windows", () => {
    expect(problemsOf({ environments: { Prod: {}, prod: {} } })).toEqual([
      'environments "Prod" and "prod" differ only in case: on a case-insensitive file system (macOS, Windows) they would share one cdktf.out folder and one local state file; rename one.',
      'stacks Prod and prod would both create the Glue database "ses_events_prod" (configurationSetName, inherited by both) in us-east-1 of an account they may share (accountId is not set on both): give each environment its own analytics.databaseName in its environments entry, or, if they use different accounts, set accountId on each.',
      'stacks Prod and prod would both create the Athena workgroup "ses-events-prod" (configurationSetName, inherited by both) in us-east-1 of an account they may share (accountId is not set on both): give each environment its own analytics.workgroupName in its environments entry, or, if they use different accounts, set accountId on each.',
    ]);
  });

  test("local stacks with distinct names keep distinct state files", () => {
    expect(readSettings(TWO_ENVIRONMENTS, {}).map((s) => s.backend)).toEqual([{ kind: "local" }, { kind: "local" }]);
  });
});

describe("physical names that two environments would share", () => {
  test("a fixed role name at the top level, inherited by two environments, is refused even across Regions", () => {
    expect(problemsOf({ sesRoleName: "ses-publisher", environments: { staging: { region: "eu-west-1" }, production: {} } })).toEqual([
      'stacks staging and production would both create the IAM role "ses-publisher" (sesRoleName, inherited by both) in an account they may share (accountId is not set on both): give each environment its own sesRoleName in its environments entry, or, if they use different accounts, set accountId on each.',
    ]);
  });

  test("a fixed Firehose role name inherited by two environments is refused", () => {
    expect(problemsOf({ deliveryStream: { roleName: "firehose" }, ...TWO_ENVIRONMENTS })).toEqual([
      'stacks staging and production would both create the IAM role "firehose" (deliveryStream.roleName, inherited by both) in an account they may share (accountId is not set on both): give each environment its own deliveryStream.roleName in its environments entry, or, if they use different accounts, set accountId on each.',
    ]);
  });

  test("a fixed stream name inherited by two environments in one Region is refused", () => {
    expect(problemsOf({ deliveryStream: { name: "events" }, ...TWO_ENVIRONMENTS })).toEqual([
      'stacks staging and production would both create the delivery stream (with its log group and alarms) "events" (deliveryStream.name, inherited by both) in us-east-1 of an account they may share (accountId is not set on both): give each environment its own deliveryStream.name in its environments entry, or, if they use different accounts, set accountId on each.',
    ]);
  });

  test("a fixed stream name in two Regions is two streams", () => {
    expect(byName({ deliveryStream: { name: "events" }, environments: { staging: { region: "eu-west-1" }, production: {} } }).staging.destination.deliveryStream).toEqual({
      name: "events",
    });
  });

  test("one configuration set name in two environments is refused once, naming both entries", () => {
    expect(problemsOf({ environments: { staging: { configurationSetName: "mail" }, production: { configurationSetName: "mail" } } })).toEqual([
      'stacks staging and production would both create the configuration set "mail" (staging: environments.staging.configurationSetName, production: environments.production.configurationSetName) in us-east-1 of an account they may share (accountId is not set on both): give each environment its own configurationSetName in its environments entry, or, if they use different accounts, set accountId on each.',
    ]);
  });

  test("a stream named like another environment's configuration set is refused, naming where each name comes from", () => {
    expect(problemsOf({ environments: { staging: { deliveryStream: { name: "mail" } }, production: { configurationSetName: "mail" } } })).toEqual([
      'stacks staging and production would both create the delivery stream (with its log group and alarms) "mail" (staging: environments.staging.deliveryStream.name, production: environments.production.configurationSetName) in us-east-1 of an account they may share (accountId is not set on both): give each environment its own deliveryStream.name in its environments entry, or, if they use different accounts, set accountId on each.',
    ]);
  });

  test("two environments attaching one event destination name to one existing set, each with a stream named after it, are refused", () => {
    expect(
      problemsOf({
        createConfigurationSet: false,
        environments: { staging: { configurationSetName: "shared" }, production: { configurationSetName: "shared" } },
      }),
    ).toEqual([
      'stacks staging and production would both create the event destination "shared|firehose" (eventDestinationName, inherited by both) in us-east-1 of an account they may share (accountId is not set on both): give each environment its own eventDestinationName in its environments entry, or, if they use different accounts, set accountId on each.',
      'stacks staging and production would both create the delivery stream (with its log group and alarms) "shared" (staging: environments.staging.configurationSetName, production: environments.production.configurationSetName) in us-east-1 of an account they may share (accountId is not set on both): give each environment its own deliveryStream.name in its environments entry, or, if they use different accounts, set accountId on each.',
      'stacks staging and production would both create the Glue database "shared" (staging: environments.staging.configurationSetName, production: environments.production.configurationSetName) in us-east-1 of an account they may share (accountId is not set on both): give each environment its own analytics.databaseName in its environments entry, or, if they use different accounts, set accountId on each.',
      'stacks staging and production would both create the Athena workgroup "shared" (staging: environments.staging.configurationSetName, production: environments.production.configurationSetName) in us-east-1 of an account they may share (accountId is not set on both): give each environment its own analytics.workgroupName in its environments entry, or, if they use different accounts, set accountId on each.',
    ]);
  });

  test("the same account named on both is said", () => {
    expect(problemsOf({ accountId: "123456789012", sesRoleName: "ses", ...TWO_ENVIRONMENTS })).toEqual([
      'stacks staging and production would both create the IAM role "ses" (sesRoleName, inherited by both) in account 123456789012: give each environment its own sesRoleName in its environments entry, or, if they use different accounts, set accountId on each.',
    ]);
  });

  test("fixed names in environments with different accountIds pass", () => {
    const stacks = byName({
      sesRoleName: "ses",
      deliveryStream: { name: "events", roleName: "firehose" },
      environments: { staging: { accountId: "111111111111" }, production: { accountId: "222222222222" } },
    });
    expect(Object.keys(stacks)).toEqual(["staging", "production"]);
  });

  test("a role name set by an adopted role's ARN counts too", () => {
    expect(
      problemsOf({
        environments: {
          staging: { importExisting: { sesRole: "arn:aws:iam::123456789012:role/service-role/ses" } },
          production: { sesRoleName: "ses" },
        },
      }),
    ).toEqual([
      'stacks staging and production would both create the IAM role "ses" (staging: sesRoleName, production: environments.production.sesRoleName) in an account they may share (accountId is not set on both): give each environment its own sesRoleName in its environments entry, or, if they use different accounts, set accountId on each.',
    ]);
  });
});

describe("adoption settings", () => {
  test("role paths and role ARNs to import pass through to the module", () => {
    const destination = only({
      sesRolePath: "/service-role/",
      deliveryStream: { rolePath: "/service-role/", partitionByEventType: false },
      importExisting: { sesRole: "arn:aws:iam::123456789012:role/service-role/ses", deliveryRole: "arn:aws:iam::123456789012:role/service-role/firehose", deliveryStream: true },
    }).destination;
    expect(destination).toMatchObject({
      sesRolePath: "/service-role/",
      deliveryStream: { rolePath: "/service-role/", partitionByEventType: false },
      importExisting: { sesRole: "arn:aws:iam::123456789012:role/service-role/ses", deliveryRole: "arn:aws:iam::123456789012:role/service-role/firehose", deliveryStream: true },
    });
  });
});

describe("names of settings in the module's messages", () => {
  test("a setting from an environment variable is named after the variable", () => {
    expect(only({}, { SES_EVENTS_CONFIGURATION_SET_NAME: "x", SES_EVENTS_ALARM_TOPIC_ARN: "arn:aws:sns:us-east-1:123456789012:t" }).settingNames).toEqual({
      configurationSetName: "SES_EVENTS_CONFIGURATION_SET_NAME",
      "alarms.snsTopicArn": "SES_EVENTS_ALARM_TOPIC_ARN",
    });
  });

  test("a setting of an environments entry is named under the entry; inherited ones keep their top-level name", () => {
    const stacks = byName({ deliveryStream: { bufferingIntervalSeconds: 60 }, environments: { staging: { deliveryStream: { bucket: { lifecycle: { expirationDays: 500 } } } }, production: {} } });
    expect(stacks.staging.settingNames).toEqual({
      "deliveryStream.bucket.lifecycle.expirationDays": "environments.staging.deliveryStream.bucket.lifecycle.expirationDays",
    });
    expect(stacks.production.settingNames).toEqual({});
  });

  test("an environments entry beats the variable in names as in values", () => {
    const stacks = byName({ environments: { staging: { enabled: true }, production: {} } }, { SES_EVENTS_ENABLED: "false" });
    expect(stacks.staging.settingNames).toEqual({ enabled: "environments.staging.enabled" });
    expect(stacks.production.settingNames).toEqual({ enabled: "SES_EVENTS_ENABLED" });
  });
});

describe("values in messages cannot forge lines or terminal escapes", () => {
  /** A problem line must be one line of printable text: no line breaks, no terminal controls. */
  const PRINTABLE_LINE = /^[^\u0000-\u001f\u007f-\u009f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2066-\u2069]*$/;

  test("a malformed ARN with a line break and an escape is shown as a value, not pasted", () => {
    const problems = problemsOf({ deliveryStreamArn: "arn:aws:firehose:us\n  - forged \u001b[31m:123456789012:deliverystream/x" });
    expect(problems).toEqual([
      'deliveryStreamArn "arn:aws:firehose:us\\n  - forged \\u001b[31m:123456789012:deliverystream/x" is invalid: use a Firehose delivery stream ARN, arn:<partition>:firehose:<region>:<account>:deliverystream/<name>.',
    ]);
  });

  test("workspace tags in a shared-workspace message are shown as values", () => {
    const problems = problemsOf({ cloud: { organization: "acme", workspaceTags: ["ses\n  - forged\u001b[2J"] }, ...TWO_ENVIRONMENTS }, { TF_WORKSPACE: "ses-ci" });
    expect(problems).toEqual([
      'stacks staging and production would share the HCP Terraform workspace "ses-ci", which TF_WORKSPACE picks among the workspaces tagged "ses\\n  - forged\\u001b[2J": give each environment its own cloud.workspace in its environments entry, and leave TF_WORKSPACE unset.',
    ]);
  });

  test("environment names that are not stack names are shown as values in every message", () => {
    const state = { state: { bucket: "tf-state", key: "ses.tfstate" } };
    const problems = problemsOf({ environments: { "x\u001b[31m": state, "y\r\u001b[2K": state } });
    expect(problems).toContain(
      'stacks "x\\u001b[31m" and "y\\r\\u001b[2K" would share the S3 state "s3://tf-state/ses.tfstate" (one object, whatever state.region says): give each environment its own state.key in its environments entry, and leave SES_EVENTS_STATE_KEY unset.',
    );
    for (const problem of problems) expect(problem).toMatch(PRINTABLE_LINE);
  });

  test.each([
    ["a line separator", "r\u2028  - forged"],
    ["a paragraph separator", "r\u2029x"],
    ["an 8-bit CSI", "r\u009b31m"],
    ["DEL", "r\u007f"],
    ["a right-to-left override", "r\u202eb"],
    ["a zero-width space", "r\u200bb"],
  ])("%s in a value is shown as an escape", (_, value) => {
    const [problem] = problemsOf({ region: value });
    expect(problem).toMatch(PRINTABLE_LINE);
    expect(problem).toBe(`region ${JSON.stringify(value).replace(/[\u007f-\u009f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)} is invalid: use an AWS Region code such as us-east-1.`);
  });
});

describe("blank values and state backend names", () => {
  test.each<[string, Record<string, unknown>, string]>([
    ["state.bucket", { state: { bucket: "  " } }, 'state.bucket "  " is invalid: it is blank; give a value or remove the setting.'],
    ["state.key", { state: { bucket: "tf-state", key: " " } }, 'state.key " " is invalid: it is blank; give a value or remove the setting.'],
    ["cloud.organization", { cloud: { organization: "\t" } }, 'cloud.organization "\\t" is invalid: it is blank; give a value or remove the setting.'],
    ["cloud.workspace", { cloud: { organization: "acme", workspace: " " } }, 'cloud.workspace " " is invalid: it is blank; give a value or remove the setting.'],
    ["cloud.hostname", { cloud: { organization: "acme", hostname: " " } }, 'cloud.hostname " " is invalid: it is blank; give a value or remove the setting.'],
    ["cloud.project", { cloud: { organization: "acme", project: "  " } }, 'cloud.project "  " is invalid: it is blank; give a value or remove the setting.'],
    ["a workspace tag", { cloud: { organization: "acme", workspaceTags: [" "] } }, 'cloud.workspaceTags[0] " " is invalid: it is blank; give a value or remove the setting.'],
    ["importExisting.sesRole", { importExisting: { sesRole: " " } }, 'importExisting.sesRole " " is invalid: it is blank; give a value or remove the setting.'],
  ])("a blank %s is refused like an empty one", (_, context, message) => {
    expect(problemsOf(context)).toEqual([message]);
  });

  test("a state bucket that is not a bucket name is refused", () => {
    expect(problemsOf({ state: { bucket: "Terraform State" } })).toEqual([
      `state.bucket "Terraform State" is invalid: use 3-63 lowercase letters, digits, '.' or '-', starting and ending with a letter or digit, without '..' or a prefix or suffix S3 reserves.`,
    ]);
  });

  test("a state bucket from the environment is named after its variable", () => {
    expect(problemsOf({}, { SES_EVENTS_STATE_BUCKET: "tf_state" })).toEqual([
      `SES_EVENTS_STATE_BUCKET "tf_state" is invalid: use 3-63 lowercase letters, digits, '.' or '-', starting and ending with a letter or digit, without '..' or a prefix or suffix S3 reserves.`,
    ]);
  });

  test("a state Region that is not a Region code is refused", () => {
    expect(problemsOf({ state: { bucket: "tf-state", region: "US East" } })).toEqual(['state.region "US East" is invalid: use an AWS Region code such as us-east-1.']);
  });

  test.each(["/ses.tfstate", "ses/", "ses//prod.tfstate"])("a state key the S3 backend refuses (%s) is refused", (key) => {
    expect(problemsOf({ state: { bucket: "tf-state", key } })).toEqual([
      `state.key ${JSON.stringify(key)} is invalid: Terraform's S3 backend takes a key that neither starts nor ends with '/' and has no '//'.`,
    ]);
  });
});

describe("the number of tags", () => {
  const tagsOf = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${i}`, "v"]));

  test("10,000 tags are refused in one line", () => {
    expect(problemsOf({ tags: tagsOf(10_000) })).toEqual(["tags holds 10000 tags: AWS allows at most 50 on a resource; remove some."]);
  });

  test("50 tags pass, and the Environment tag counts toward the 50", () => {
    expect(only({ tags: tagsOf(50) }).tags).toEqual(tagsOf(50));
    expect(problemsOf({ tags: tagsOf(50), environments: { staging: {} } })).toEqual([
      "tags holds 51 tags (with Environment): AWS allows at most 50 on a resource; remove some.",
    ]);
  });
});

describe("HCP Terraform workspace names", () => {
  test("a cloud.workspace HCP Terraform would refuse is refused", () => {
    expect(problemsOf({ cloud: { organization: "acme", workspace: "ses events" } })).toEqual([
      `cloud.workspace "ses events" is invalid: ${WORKSPACE_RULE}.`,
    ]);
  });

  test("a TF_WORKSPACE HCP Terraform would refuse is refused for a stack in HCP Terraform", () => {
    expect(problemsOf({ cloud: { organization: "acme" } }, { TF_WORKSPACE: "ses\u001b[2J" })).toEqual([
      `TF_WORKSPACE "ses\\u001b[2J" is invalid: ${WORKSPACE_RULE}.`,
    ]);
  });

  test("TF_WORKSPACE is not judged for stacks that keep their state elsewhere", () => {
    expect(only({}, { TF_WORKSPACE: "any name" }).backend).toEqual({ kind: "local" });
  });
});

describe("deeply nested values", () => {
  /** `{"a": {"a": ... 1}}`, `depth` levels deep, built without recursion. */
  function nested(depth: number): unknown {
    let value: unknown = 1;
    for (let i = 0; i < depth; i++) value = { a: value };
    return value;
  }

  test("20,000 levels under a tag are refused where they start, in one line", () => {
    expect(problemsOf({ tags: { team: nested(20_000) } })).toEqual(['tags["team"] (a value JSON cannot show: nested too deep or circular) is invalid: use a string.']);
  });

  test("a value nested deeper than any setting goes is refused by the setting that holds it", () => {
    expect(problemsOf({ deliveryStream: { bucket: { lifecycle: { expirationDays: nested(40) } } } })).toEqual([
      `deliveryStream.bucket.lifecycle.expirationDays ${JSON.stringify(nested(40)).slice(0, 180)}… (${JSON.stringify(nested(40)).length} characters of JSON) is invalid: use a number.`,
    ]);
  });
});

describe("keys that look like credentials", () => {
  const token = `ghp_${"a1B2".repeat(9)}`;

  test.each<[string, Record<string, unknown>, string]>([
    ["an unknown top-level key", { [token]: 1 }, "[(a value that looks like a secret, not shown)] is not a setting"],
    ["an unknown nested key", { deliveryStream: { [token]: 1 } }, "deliveryStream[(a value that looks like a secret, not shown)] is not a setting"],
    ["an environment name", { environments: { [token]: { region: 5 } } }, "environments[(a value that looks like a secret, not shown)].region 5 is invalid"],
    ["an environment name in a clash", { sesRoleName: "x", environments: { AKIAABCDEFGHIJKLMNOP: {}, b: {} } }, "stacks (a value that looks like a secret, not shown) and b would both create"],
  ])("%s is never repeated", (_, context, start) => {
    const problems = problemsOf(context);
    expect(problems.join("\n")).not.toMatch(/ghp_|AKIA/);
    expect(problems.some((problem) => problem.startsWith(start))).toBe(true);
  });
});

describe("IAM role names that differ only in case", () => {
  test("two environments whose role names differ only in case would create one role: refused", () => {
    expect(problemsOf({ environments: { staging: { sesRoleName: "SesPublisher" }, production: { sesRoleName: "sespublisher" } } })).toEqual([
      'stacks staging and production would both create the IAM role "SesPublisher" (the same as "sespublisher": IAM role names ignore case) (staging: environments.staging.sesRoleName, production: environments.production.sesRoleName) in an account they may share (accountId is not set on both): give each environment its own sesRoleName in its environments entry, or, if they use different accounts, set accountId on each.',
    ]);
  });

  test("stream names that differ only in case are two streams", () => {
    expect(readSettings({ environments: { staging: { deliveryStream: { name: "Events" } }, production: { deliveryStream: { name: "events" } } } }, {})).toHaveLength(2);
  });
});

describe("environment variables the app does not read", () => {
  test("a misspelt SES_EVENTS_ variable is refused instead of silently changing nothing", () => {
    expect(problemsOf({}, { SES_EVENTS_REGON: "eu-west-1" })).toEqual([
      "SES_EVENTS_REGON is not a setting: use one of SES_EVENTS_REGION, SES_EVENTS_ACCOUNT_ID, SES_EVENTS_CONFIGURATION_SET_NAME, SES_EVENTS_CREATE_CONFIGURATION_SET, SES_EVENTS_EVENT_DESTINATION_NAME, SES_EVENTS_EVENT_TYPES, SES_EVENTS_ENABLED, SES_EVENTS_DELIVERY_STREAM_ARN, SES_EVENTS_SES_ROLE_ARN, SES_EVENTS_ALARMS, SES_EVENTS_ALARM_TOPIC_ARN, SES_EVENTS_ANALYTICS, SES_EVENTS_STATE_BUCKET, SES_EVENTS_STATE_KEY, SES_EVENTS_STATE_REGION, SES_EVENTS_TAGS, SES_EVENTS_DEBUG, or unset it.",
    ]);
  });

  test("the debug variable and other tools' variables are not settings problems", () => {
    expect(only({}, { SES_EVENTS_DEBUG: "1", AWS_PROFILE: "x", TF_LOG: "debug" }).region).toBe("us-east-1");
  });
});


describe("many environments", () => {
  // Clashes are looked for only between stacks that share a name, not between every pair:
  // comparing every pair of 10,000 stacks took minutes.
  test("10,000 environments are read, each its own stack", () => {
    const environments = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`e${i}`, {}]));
    const stacks = readSettings({ environments }, {});
    expect(stacks).toHaveLength(10_000);
    expect(stacks[9_999].destination.configurationSetName).toBe("ses-events-e9999");
  }, 20_000);

  test("among many environments, the two that share a name are still found", () => {
    const environments: Record<string, object> = Object.fromEntries(Array.from({ length: 1_000 }, (_, i) => [`e${i}`, {}]));
    environments.e500 = { deliveryStream: { roleName: "shared" } };
    environments.e7 = { deliveryStream: { roleName: "shared" } };
    expect(problemsOf({ environments })).toEqual([
      'stacks e7 and e500 would both create the IAM role "shared" (e7: environments.e7.deliveryStream.roleName, e500: environments.e500.deliveryStream.roleName) in an account they may share (accountId is not set on both): give each environment its own deliveryStream.roleName in its environments entry, or, if they use different accounts, set accountId on each.',
    ]);
  });
});

describe("configuration set, reputation alarm and dashboard settings", () => {
  const configurationSet = {
    reputationMetrics: true,
    sendingEnabled: true,
    tlsPolicy: "REQUIRE",
    suppressionReasons: "BOUNCES_AND_COMPLAINTS",
    customTrackingRedirectDomain: "track.example.com",
    customTrackingHttpsPolicy: "REQUIRE_OPEN_ONLY",
    dedicatedIpPool: "transactional",
    maxDeliveryDurationSeconds: 3600,
    vdmOptions: { engagementMetrics: true, optimizedSharedDelivery: true },
  };

  test("pass through to the event destination as the module's props", () => {
    const alarms = { enabled: true, reputation: true, bounceRateThreshold: 0.04, complaintRateThreshold: 0.0008, silentPipeline: false };
    const destination = only({ configurationSet, alarms, dashboard: { enabled: true } }).destination;
    expect(destination).toMatchObject({ configurationSet, alarms, dashboard: { enabled: true } });
  });

  test("an environments entry merges its configuration set options over the top-level ones", () => {
    const stacks = byName({ configurationSet: { tlsPolicy: "REQUIRE" }, environments: { staging: { configurationSet: { dedicatedIpPool: "staging" } }, production: {} } });
    expect(stacks.staging.destination.configurationSet).toEqual({ tlsPolicy: "REQUIRE", dedicatedIpPool: "staging" });
    expect(stacks.production.destination.configurationSet).toEqual({ tlsPolicy: "REQUIRE" });
  });

  test("values outside the closed sets are refused naming the values allowed", () => {
    expect(
      problemsOf({ configurationSet: { tlsPolicy: "require", suppressionReasons: "BOUNCE", customTrackingHttpsPolicy: "ON", vdmOptions: { engagementMetrics: "yes" } } }),
    ).toEqual([
      'configurationSet.tlsPolicy "require" is invalid: use one of REQUIRE, OPTIONAL.',
      'configurationSet.suppressionReasons "BOUNCE" is invalid: use one of BOUNCES_AND_COMPLAINTS, BOUNCES_ONLY, COMPLAINTS_ONLY.',
      'configurationSet.customTrackingHttpsPolicy "ON" is invalid: use one of REQUIRE, REQUIRE_OPEN_ONLY, OPTIONAL.',
      'configurationSet.vdmOptions.engagementMetrics "yes" is invalid: use true or false.',
    ]);
  });

  test("misspelt configuration set and dashboard settings are refused with the settings that exist", () => {
    expect(problemsOf({ configurationSet: { tls: "REQUIRE", vdmOptions: { engagement: true } }, dashboard: { on: true } })).toEqual([
      "configurationSet.vdmOptions.engagement is not a setting: use one of engagementMetrics, optimizedSharedDelivery.",
      "configurationSet.tls is not a setting: use one of reputationMetrics, sendingEnabled, tlsPolicy, suppressionReasons, disableSuppressionList, customTrackingRedirectDomain, customTrackingHttpsPolicy, dedicatedIpPool, maxDeliveryDurationSeconds, vdmOptions.",
      "dashboard.on is not a setting: use one of enabled.",
    ]);
  });

  test("a module rule on a configuration set option of an environments entry is named under the entry", () => {
    expect(problemsOf({ environments: { staging: { configurationSet: { maxDeliveryDurationSeconds: 60 } }, production: {} } })).toEqual([
      "environments.staging.configurationSet.maxDeliveryDurationSeconds 60 is invalid: use a whole number from 300 to 50400.",
    ]);
  });
});
