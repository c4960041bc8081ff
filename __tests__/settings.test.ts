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

  test("environment variables set to blanks are ignored", () => {
    expect(readSettings({}, { AWS_REGION: "  ", SES_EVENTS_ENABLED: "", TF_WORKSPACE: " " })).toEqual(readSettings({}, {}));
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
      importExisting: { configurationSet: true },
    }).destination;
    expect(destination).toMatchObject({
      createConfigurationSet: false,
      eventDestinationName: "to-firehose",
      eventTypes: ["SEND", "BOUNCE"],
      enabled: false,
      sesRoleName: "ses-events-publisher",
      deliveryStream: { name: "events", bufferingIntervalSeconds: 60 },
      alarms: { enabled: true },
      importExisting: { configurationSet: true },
    });
  });
});

describe("environment variable overrides", () => {
  test("AWS_REGION beats the context's region", () => {
    expect(only({ region: "eu-west-1" }, { AWS_REGION: "eu-central-1" }).region).toBe("eu-central-1");
  });

  test("SES_EVENTS_CONFIGURATION_SET_NAME beats the context's configurationSetName, trimmed", () => {
    expect(only({ configurationSetName: "from-context" }, { SES_EVENTS_CONFIGURATION_SET_NAME: " from-env " }).destination.configurationSetName).toBe(
      "from-env",
    );
  });

  test("a text value starting with '!' is a value, not a parse error", () => {
    expect(only({}, { SES_EVENTS_CONFIGURATION_SET_NAME: "!bang" }).destination.configurationSetName).toBe("!bang");
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

  test("SES_EVENTS_TAGS is a JSON object that replaces the context's tags", () => {
    expect(only({ tags: { team: "ctx", owner: "ctx" } }, { SES_EVENTS_TAGS: '{"team":"email"}' }).tags).toEqual({ team: "email" });
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

  test("the context's cloud.workspace beats TF_WORKSPACE, as the README documents", () => {
    expect(only({ cloud: { organization: "acme", workspace: "from-context" } }, { TF_WORKSPACE: "from-env" }).backend).toMatchObject({
      workspace: "from-context",
    });
  });

  test("a flag that is not true/false/1/0 is reported with the variable and its value", () => {
    expect(problemsOf({}, { SES_EVENTS_ENABLED: "yes" })).toEqual(['SES_EVENTS_ENABLED "yes" is invalid: use true or false.']);
  });

  test.each(["SES_EVENTS_CREATE_CONFIGURATION_SET", "SES_EVENTS_ALARMS", "SES_EVENTS_ANALYTICS"])("a bad %s flag is reported with the variable", (variable) => {
    expect(problemsOf({}, { [variable]: "on" })).toEqual([`${variable} "on" is invalid: use true or false.`]);
  });

  test("SES_EVENTS_TAGS that is not JSON is reported with an example", () => {
    expect(problemsOf({}, { SES_EVENTS_TAGS: "team=email" })).toEqual([
      'SES_EVENTS_TAGS "team=email" is invalid: use a JSON object, e.g. {"team":"email"}.',
    ]);
  });

  test("SES_EVENTS_TAGS JSON that is not an object of strings is reported", () => {
    expect(problemsOf({}, { SES_EVENTS_TAGS: '{"cost":1}' })).toEqual(['tags {"cost":1} is invalid: use an object of string values.']);
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

  test("each environment gets its own HCP Terraform workspace named after it", () => {
    const stacks = byName(TWO_ENVIRONMENTS, { TF_CLOUD_ORGANIZATION: "acme" });
    expect(stacks.staging.backend).toMatchObject({ kind: "cloud", organization: "acme", workspace: "staging" });
    expect(stacks.production.backend).toMatchObject({ kind: "cloud", organization: "acme", workspace: "production" });
  });

  test("an environment variable beats the top-level context", () => {
    const stacks = byName({ region: "eu-west-1", ...TWO_ENVIRONMENTS }, { AWS_REGION: "ap-southeast-2" });
    expect(stacks.staging.region).toBe("ap-southeast-2");
    expect(stacks.production.region).toBe("ap-southeast-2");
  });

  test("an environment's own entry beats the environment variable", () => {
    const stacks = byName({ environments: { staging: {}, production: { region: "eu-central-1" } } }, { AWS_REGION: "ap-southeast-2" });
    expect(stacks.staging.region).toBe("ap-southeast-2");
    expect(stacks.production.region).toBe("eu-central-1");
  });

  test("an environment's own cloud.workspace beats TF_WORKSPACE", () => {
    const stacks = byName(
      { environments: { staging: { cloud: { workspace: "ses-staging" } }, production: { cloud: { workspace: "ses-production" } } } },
      { TF_CLOUD_ORGANIZATION: "acme", TF_WORKSPACE: "ci" },
    );
    expect(stacks.staging.backend).toMatchObject({ workspace: "ses-staging" });
    expect(stacks.production.backend).toMatchObject({ workspace: "ses-production" });
  });

  test("a shared SES_EVENTS_STATE_KEY across two stacks is refused", () => {
    expect(problemsOf(TWO_ENVIRONMENTS, { SES_EVENTS_STATE_BUCKET: "tf-state", SES_EVENTS_STATE_KEY: "ses.tfstate" })).toEqual([
      'stacks staging and production would share the S3 state key "ses.tfstate": give each environment its own (state.key or cloud.workspace in its environments entry, and leave SES_EVENTS_STATE_KEY / TF_WORKSPACE unset).',
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
      'stacks staging and production would share the HCP Terraform workspace "ses": give each environment its own (state.key or cloud.workspace in its environments entry, and leave SES_EVENTS_STATE_KEY / TF_WORKSPACE unset).',
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

  test("several problems are reported together", () => {
    expect(
      problemsOf(
        { tags: ["team"], environments: { staging: { region: 1 }, production: { eventTypes: "SEND", enabled: "yes" } } },
        { SES_EVENTS_ENABLED: "maybe", SES_EVENTS_STATE_BUCKET: "tf-state", SES_EVENTS_STATE_KEY: "ses.tfstate" },
      ),
    ).toEqual([
      'SES_EVENTS_ENABLED "maybe" is invalid: use true or false.',
      "environments.staging.region 1 is invalid: use a string.",
      'tags ["team"] is invalid: use an object of string values.',
      'environments.production.eventTypes "SEND" is invalid: use a list of strings.',
      'environments.production.enabled "yes" is invalid: use true or false.',
      'stacks staging and production would share the S3 state key "ses.tfstate": give each environment its own (state.key or cloud.workspace in its environments entry, and leave SES_EVENTS_STATE_KEY / TF_WORKSPACE unset).',
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
    [{ eventTypes: ["SEND", 1] }, 'eventTypes ["SEND",1] is invalid: use a list of strings.'],
    [{ deliveryStream: "events" }, 'deliveryStream "events" is invalid: use an object.'],
    [{ alarms: true }, "alarms true is invalid: use an object."],
    [{ importExisting: [] }, "importExisting [] is invalid: use an object."],
    [{ tags: { cost: 1 } }, 'tags {"cost":1} is invalid: use an object of string values.'],
    [{ stackName: 3 }, "stackName 3 is invalid: use a string."],
  ])("context %j is refused", (context, problem) => {
    expect(problemsOf(context)).toEqual([problem]);
  });
});

describe("unknown settings", () => {
  test("a misspelt top-level setting is refused with the settings that exist", () => {
    expect(problemsOf({ configurationSetname: "x" })).toEqual([
      "configurationSetname is not a setting: use one of stackName, environments, region, configurationSetName, createConfigurationSet, eventDestinationName, eventTypes, enabled, deliveryStreamArn, deliveryStream, sesRoleArn, sesRoleName, alarms, analytics, importExisting, tags, state, cloud.",
    ]);
  });

  test("a misspelt analytics option is refused with the options that exist", () => {
    expect(problemsOf({ analytics: { workGroupName: "x" } })).toEqual([
      "analytics.workGroupName is not a setting: use one of enabled, databaseName, tableName, workgroupName, resultsPrefix, resultsExpirationDays, bytesScannedCutoffPerQuery, firstYear, queryWindowDays, tagName.",
    ]);
  });

  test("a misspelt stream option is refused with the options that exist", () => {
    expect(problemsOf({ deliveryStream: { bufferSizeMiB: 64 } })).toEqual([
      "deliveryStream.bufferSizeMiB is not a setting: use one of name, bucketArn, bucket, prefix, errorOutputPrefix, bufferingSizeMiB, bufferingIntervalSeconds, compression, kmsKeyArn, partitionByEventType, partitioningRetrySeconds, roleName, logging, logRetentionDays.",
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
      "alarms.topicArn is not a setting: use one of enabled, snsTopicArn, freshnessThresholdSeconds, periodSeconds.",
      "importExisting.stream is not a setting: use one of configurationSet, eventDestination, deliveryStream, sesRole, deliveryRole, deliveryLogs.",
      "state.table is not a setting: use one of bucket, key, region.",
      "cloud.org is not a setting: use one of organization, workspace, workspaceTags, hostname, project.",
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
      `tags["team"] "${"y".repeat(257)}" is invalid: use at most 256 characters.`,
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
      'deliveryStreamArn "arn:aws:firehose:eu-west-1:123456789012:deliverystream/events" is invalid: it is in eu-west-1 but the stack is in us-east-1, and SES publishes only to a stream in its own Region; use one in us-east-1.',
      'alarms.snsTopicArn "arn:aws:sns:eu-west-1:123456789012:oncall" is invalid: it is in eu-west-1 but the stack is in us-east-1, and CloudWatch alarms notify topics in their own Region; use one in us-east-1.',
    ]);
    expect(problemsOf({ region: "us-east-1", deliveryStream: { kmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/abc" } })).toEqual([
      'deliveryStream.kmsKeyArn "arn:aws:kms:eu-west-1:123456789012:key/abc" is invalid: it is in eu-west-1 but the stack is in us-east-1, and Firehose, S3 and CloudWatch use a KMS key in their own Region; use one in us-east-1.',
    ]);
  });

  test("an ARN in the stack's own Region passes", () => {
    const [stack] = readSettings({ region: "eu-west-1", deliveryStreamArn: "arn:aws:firehose:eu-west-1:123456789012:deliverystream/events" }, {});
    expect(stack.destination.deliveryStreamArn).toBe("arn:aws:firehose:eu-west-1:123456789012:deliverystream/events");
  });
});
