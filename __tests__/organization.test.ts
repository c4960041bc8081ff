import { TerraformStack, Testing } from "cdktf";
import { AppSettings, SettingsError, readApp } from "../settings";
import { SesEventLakeStack, SesEventsStack } from "../stack";
import { testApp } from "./helpers";

type Json = Record<string, any>;

/** An organization as cdktf.json describes it: a lake, and one account in two Regions and another in one. */
const ORGANIZATION = {
  configurationSetName: "transactional",
  state: { bucket: "acme-terraform-state", region: "us-east-1" },
  lake: { accountId: "111111111111", region: "us-east-1" },
  environments: {
    "app-a-us": { accountId: "222222222222", region: "us-east-1", configurationSetName: "transactional" },
    "app-a-eu": { accountId: "222222222222", region: "eu-west-1", configurationSetName: "transactional" },
    "app-b-us": { accountId: "333333333333", region: "us-east-1", configurationSetName: "transactional" },
  },
};

function read(context: Json = ORGANIZATION): AppSettings {
  return readApp(context, {});
}

function problemsOf(context: Json): readonly string[] {
  try {
    read(context);
  } catch (error) {
    if (error instanceof SettingsError) return error.problems;
    throw error;
  }
  throw new Error("expected the settings to be refused");
}

function synthesize(settings: AppSettings): Record<string, Json> {
  const app = testApp();
  const stacks: TerraformStack[] = [];
  if (settings.lake !== undefined) stacks.push(new SesEventLakeStack(app, settings.lake));
  for (const stack of settings.stacks) stacks.push(new SesEventsStack(app, stack));
  return Object.fromEntries(stacks.map((stack) => [stack.node.id, JSON.parse(Testing.synth(stack))]));
}

const BUCKET_ARN = "arn:aws:s3:::ses-event-lake-111111111111-us-east-1";

describe("an organization in cdktf.json", () => {
  it("builds the lake's stack from the accounts and Regions of the environments that send to it", () => {
    const { lake } = read();
    expect(lake).toMatchObject({
      stackName: "ses-event-lake",
      region: "us-east-1",
      accountId: "111111111111",
      backend: { kind: "s3", bucket: "acme-terraform-state", key: "ses-events/ses-event-lake.tfstate", region: "us-east-1" },
      lake: {
        sourceAccountIds: ["222222222222", "333333333333"],
        regions: ["us-east-1", "eu-west-1"],
        bucketName: "ses-event-lake-111111111111-us-east-1",
      },
    });
  });

  it("sends every environment to the lake, each with its own state and account guard", () => {
    const { stacks } = read();
    expect(stacks.map((stack) => [stack.stackName, stack.accountId, stack.region, stack.destination.deliveryStream?.lake, stack.backend])).toEqual(
      ["app-a-us", "app-a-eu", "app-b-us"].map((name) => [
        name,
        name.startsWith("app-a") ? "222222222222" : "333333333333",
        name.endsWith("eu") ? "eu-west-1" : "us-east-1",
        { bucketArn: BUCKET_ARN, accountId: "111111111111" },
        { kind: "s3", bucket: "acme-terraform-state", key: `ses-events/${name}.tfstate`, region: "us-east-1" },
      ]),
    );
  });

  it("synthesizes one configuration set name in two accounts and two Regions, and no bucket or query layer in a source", () => {
    const stacks = synthesize(read());
    expect(Object.keys(stacks)).toEqual(["ses-event-lake", "app-a-us", "app-a-eu", "app-b-us"]);
    for (const name of ["app-a-us", "app-a-eu", "app-b-us"]) {
      const stack = stacks[name]!;
      expect(Object.values<Json>(stack.resource.aws_sesv2_configuration_set)[0]!.configuration_set_name).toBe("transactional");
      expect(stack.resource.aws_s3_bucket).toBeUndefined();
      expect(stack.resource.aws_glue_catalog_table).toBeUndefined();
      expect(Object.values<Json>(stack.resource.aws_kinesis_firehose_delivery_stream)[0]!.extended_s3_configuration.bucket_arn).toBe(BUCKET_ARN);
    }
    expect(stacks["app-a-eu"]!.provider.aws).toEqual([expect.objectContaining({ region: "eu-west-1", allowed_account_ids: ["222222222222"] })]);
    expect(stacks["ses-event-lake"]!.provider.aws).toEqual([expect.objectContaining({ region: "us-east-1", allowed_account_ids: ["111111111111"] })]);
    expect(stacks["ses-event-lake"]!.terraform.backend.s3.key).toBe("ses-events/ses-event-lake.tfstate");
    expect(Object.keys(stacks["ses-event-lake"]!.output).sort()).toEqual([
      "analytics_database",
      "analytics_reader_policy_arn",
      "analytics_table",
      "analytics_workgroup",
      "lake_bucket_arn",
    ]);
  });

  it("names its HCP Terraform workspaces after each stack", () => {
    const { lake, stacks } = read({ ...ORGANIZATION, state: undefined, cloud: { organization: "acme" } });
    expect([lake!.backend, ...stacks.map((stack) => stack.backend)].map((backend) => (backend as Json).workspace)).toEqual([
      "ses-events-ses-event-lake",
      "ses-events-app-a-us",
      "ses-events-app-a-eu",
      "ses-events-app-b-us",
    ]);
  });

  it("lets an environment keep its own bucket instead of sending to the lake", () => {
    const context = { ...ORGANIZATION, environments: { ...ORGANIZATION.environments, "own-bucket": { accountId: "444444444444", deliveryStream: { bucketArn: "arn:aws:s3:::own" } } } };
    const { lake, stacks } = read(context);
    expect(stacks.find((stack) => stack.stackName === "own-bucket")!.destination.deliveryStream).toEqual({ bucketArn: "arn:aws:s3:::own" });
    expect(lake!.lake.sourceAccountIds).toEqual(["222222222222", "333333333333"]);
  });

  it("uses the environments' accounts as the table's with an organization ID", () => {
    const { lake } = read({ ...ORGANIZATION, lake: { ...ORGANIZATION.lake, organizationId: "o-a1b2c3d4e5" } });
    expect(lake!.lake).toMatchObject({ organizationId: "o-a1b2c3d4e5", accountIds: ["222222222222", "333333333333"] });
    expect(lake!.lake.sourceAccountIds).toBeUndefined();
  });

  it("assumes a role in the stack's account when assumeRoleArn is set", () => {
    const context = { ...ORGANIZATION, environments: { "app-a-us": { ...ORGANIZATION.environments["app-a-us"], assumeRoleArn: "arn:aws:iam::222222222222:role/deployer" } } };
    const stacks = synthesize(read(context));
    expect(stacks["app-a-us"]!.provider.aws[0].assume_role).toEqual([{ role_arn: "arn:aws:iam::222222222222:role/deployer" }]);
    expect(stacks["ses-event-lake"]!.provider.aws[0].assume_role).toBeUndefined();
  });
});

describe("organization settings errors name the environment and the setting", () => {
  it("an environment that sends to the lake without its account", () => {
    const context = { ...ORGANIZATION, environments: { ...ORGANIZATION.environments, "app-c": { region: "us-east-1" } } };
    expect(problemsOf(context)).toContain(
      "environments.app-c.accountId is not set but stack app-c sends to the lake (lake): the lake admits and reads accounts by ID; set accountId to the stack's account.",
    );
  });

  it("an account or Region the lake does not list", () => {
    const context = { ...ORGANIZATION, lake: { ...ORGANIZATION.lake, sourceAccountIds: ["222222222222"], regions: ["us-east-1"] } };
    expect(problemsOf(context)).toEqual([
      "environments.app-a-eu.region eu-west-1 is not in lake.regions: the lake's table would not read stack app-a-eu's events (they are kept, and found once it is added); add it to lake.regions.",
      "environments.app-b-us.accountId 333333333333 is not in lake.sourceAccountIds: the lake would deny stack app-b-us's events; add it to lake.sourceAccountIds.",
    ]);
  });

  it("a lake key the environments do not name yet: a warning on each source, so that the lake stack deploys first", () => {
    const settings = read({ ...ORGANIZATION, lake: { ...ORGANIZATION.lake, createKmsKey: true } });
    expect(settings.stacks.map((stack) => stack.warnings)).toEqual(
      ["app-a-us", "app-a-eu", "app-b-us"].map((name) => [
        `environments.${name}.deliveryStream.lake.kmsKeyArn is not set but lake.createKmsKey is true: the lake bucket encrypts with the lake's key, which the stack's Firehose role must name, so the lake refuses its deliveries; deploy the lake stack first, set its output lake_kms_key_arn as deliveryStream.lake.kmsKeyArn, then deploy this stack.`,
      ]),
    );
    const app = testApp();
    const stack = new SesEventsStack(app, settings.stacks[0]!);
    Testing.synth(stack);
    expect(Testing.synth(stack)).toContain("aws_kinesis_firehose_delivery_stream");
    expect(stack.node.metadata.filter((entry) => entry.type === "@cdktf/warn").map((entry) => String(entry.data))).toEqual([settings.stacks[0]!.warnings![0]]);
    const keyed = read({
      ...ORGANIZATION,
      lake: { ...ORGANIZATION.lake, createKmsKey: true },
      deliveryStream: { lake: { kmsKeyArn: "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab" } },
    });
    expect(keyed.stacks.flatMap((stack) => stack.warnings ?? [])).toEqual([]);
  });

  it("a lake without its account, and a lake stack named like an environment", () => {
    expect([...problemsOf({ ...ORGANIZATION, lake: { region: "us-east-1", stackName: "app-a-us" } })].sort()).toEqual([
      "lake.accountId is not set: name the lake's account; its stack is pinned to it, and each source's Firehose role writes only to a bucket it owns.",
      'lake.stackName "app-a-us" is the name of stack app-a-us too (or differs only in case): each stack has its own cdktf.out folder and state; set lake.stackName to another name.',
    ]);
  });

  it("a role to assume in another account than the stack's", () => {
    const context = { ...ORGANIZATION, environments: { "app-a-us": { ...ORGANIZATION.environments["app-a-us"], assumeRoleArn: "arn:aws:iam::999999999999:role/deployer" } } };
    expect(problemsOf(context)).toEqual([
      'environments.app-a-us.assumeRoleArn "arn:aws:iam::999999999999:role/deployer" is invalid: it is in account 999999999999 but environments.app-a-us.accountId is 222222222222, and the provider would refuse to work there; use a role of account 222222222222.',
    ]);
  });

  it("a lake delivery without the lake's bucket", () => {
    expect(problemsOf({ accountId: "222222222222", deliveryStream: { lake: { kmsKeyArn: "arn:aws:kms:us-east-1:111111111111:key/abc" } } })).toEqual([
      "deliveryStream.lake.bucketArn is not set: give the ARN of the lake bucket (the lake stack's output lake_bucket_arn), or describe the lake with lake so that it is known.",
    ]);
  });

  it("the lake's own rules, under lake, with the other settings' problems", () => {
    const problems = problemsOf({ ...ORGANIZATION, region: "eu-west-1", lake: { ...ORGANIZATION.lake, organizationId: "org-1" }, deliveryStream: { format: "parquet" } });
    expect(problems).toContain('lake.organizationId "org-1" is invalid: use an AWS Organizations ID: o- then 10-32 lowercase letters or digits.');
    expect(problems).toContain(
      'deliveryStream.format is "parquet" with deliveryStream.lake: the lake\'s table reads the GZIP JSON its sources deliver, and Firehose would need a schema table of its own in this account; remove deliveryStream.format or set it to "json".',
    );
  });

  it("a lake setting that is not one", () => {
    expect(problemsOf({ ...ORGANIZATION, lake: { ...ORGANIZATION.lake, sourceAccounts: ["222222222222"] } })[0]).toMatch(/^lake\.sourceAccounts is not a setting: use one of accountId, region, stackName,/);
  });
});
