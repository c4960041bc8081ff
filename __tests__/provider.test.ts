import { TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { AwsContext, DeliveryAlarms, EventBucket, SesFirehoseEventDestination } from "../modules";
import { TerraformJson, newStack, parse } from "./helpers";

const KEY = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

/** A stack with a default AWS provider and one aliased `eu` in another Region. */
function twoProviders(): { stack: TerraformStack; eu: AwsProvider } {
  const stack = newStack();
  new AwsProvider(stack, "Aws", { region: "us-east-1" });
  const eu = new AwsProvider(stack, "AwsEu", { region: "eu-west-1", alias: "eu" });
  return { stack, eu };
}

/** `provider` of every resource and data source in `json`, keyed by `type.name`. */
function providers(json: TerraformJson): Record<string, unknown> {
  const found: Record<string, unknown> = {};
  for (const [kind, blocks] of [["resource", json.resource], ["data", json.data]] as const) {
    for (const [type, named] of Object.entries(blocks ?? {})) {
      for (const [name, block] of Object.entries(named)) found[`${kind}.${type}.${name}`] = block.provider;
    }
  }
  return found;
}

/** The one data source of `type` on `provider` (undefined for the default one): its address. */
function lookup(json: TerraformJson, type: string, provider: string | undefined): string {
  const names = Object.entries(json.data?.[type] ?? {})
    .filter(([, block]) => block.provider === provider)
    .map(([name]) => name);
  if (names.length !== 1) throw new Error(`expected one data.${type} on ${provider ?? "the default provider"}, found ${names.length}`);
  return `data.${type}.${names[0]}`;
}

function trustOf(json: TerraformJson, namePrefix: string): Record<string, any> {
  const role = Object.values(json.resource?.aws_iam_role ?? {}).find((r) => r.name_prefix === namePrefix);
  if (role === undefined) throw new Error(`no aws_iam_role with name_prefix ${namePrefix}`);
  return JSON.parse(role.assume_role_policy).Statement[0];
}

describe("provider", () => {
  it("puts every resource and data source of the destination on the provider given", () => {
    const { stack, eu } = twoProviders();
    new SesFirehoseEventDestination(stack, "Eu", {
      configurationSetName: "eu-events",
      provider: eu,
      deliveryStream: { kmsKeyArn: KEY },
      alarms: { enabled: true },
    });
    const found = providers(parse(stack).json);
    expect(Object.keys(found).length).toBeGreaterThan(30);
    for (const type of ["aws_s3_bucket", "aws_kinesis_firehose_delivery_stream", "aws_sns_topic", "aws_athena_workgroup", "aws_glue_catalog_table"]) {
      expect(Object.keys(found).some((address) => address.startsWith(`resource.${type}.`))).toBe(true);
    }
    expect(Object.entries(found).filter(([, provider]) => provider !== "aws.eu")).toEqual([]);
  });

  it("leaves the provider unset without one, so Terraform uses the stack's default", () => {
    const { stack } = twoProviders();
    new SesFirehoseEventDestination(stack, "Default", { configurationSetName: "default-events" });
    const found = providers(parse(stack).json);
    expect(Object.entries(found).filter(([, provider]) => provider !== undefined)).toEqual([]);
  });

  it("reads account, Region and partition once per provider", () => {
    const { stack, eu } = twoProviders();
    new SesFirehoseEventDestination(stack, "Default", { configurationSetName: "default-events" });
    new SesFirehoseEventDestination(stack, "Eu", { configurationSetName: "eu-events", provider: eu });
    new SesFirehoseEventDestination(stack, "Eu2", { configurationSetName: "eu-events-2", provider: eu });
    const { json } = parse(stack);
    for (const type of ["aws_caller_identity", "aws_region", "aws_partition"]) {
      expect(Object.values(json.data?.[type] ?? {}).map((block) => block.provider ?? "default").sort()).toEqual(["aws.eu", "default"]);
    }
    expect(AwsContext.of(stack, eu)).toBe(AwsContext.of(stack, eu));
    expect(AwsContext.of(stack, eu)).not.toBe(AwsContext.of(stack));
  });

  it("builds the SES trust policy from the lookups of the destination's provider", () => {
    const { stack, eu } = twoProviders();
    new SesFirehoseEventDestination(stack, "Default", { configurationSetName: "default-events" });
    new SesFirehoseEventDestination(stack, "Eu", { configurationSetName: "eu-events", provider: eu });
    const { json } = parse(stack);
    const [partition, region, account] = ["aws_partition", "aws_region", "aws_caller_identity"].map((type) => lookup(json, type, "aws.eu"));
    expect(trustOf(json, "eu-events-ses-").Condition.StringEquals).toEqual({
      "AWS:SourceAccount": `\${${account}.account_id}`,
      "AWS:SourceArn": `arn:\${${partition}.partition}:ses:\${${region}.region}:\${${account}.account_id}:configuration-set/eu-events`,
    });
    expect(trustOf(json, "default-events-ses-").Condition.StringEquals["AWS:SourceAccount"]).toBe(
      `\${${lookup(json, "aws_caller_identity", undefined)}.account_id}`,
    );
  });

  it("limits the delivery role's KMS use to S3 in the Region of the destination's provider", () => {
    const { stack, eu } = twoProviders();
    new SesFirehoseEventDestination(stack, "Default", { configurationSetName: "default-events" });
    new SesFirehoseEventDestination(stack, "Eu", { configurationSetName: "eu-events", provider: eu, deliveryStream: { kmsKeyArn: KEY } });
    const { json } = parse(stack);
    const policies = Object.values(json.resource?.aws_iam_role_policy ?? {}).map((p) => JSON.parse(p.policy));
    const encrypt = policies.flatMap((p) => p.Statement).find((s) => s.Sid === "EncryptEventObjects");
    const region = lookup(json, "aws_region", "aws.eu");
    const partition = lookup(json, "aws_partition", "aws.eu");
    expect(encrypt.Condition.StringEquals["kms:ViaService"]).toBe(`s3.\${${region}.region}.\${${partition}.dns_suffix}`);
  });

  it("imports existing resources through the provider given", () => {
    const { stack, eu } = twoProviders();
    new SesFirehoseEventDestination(stack, "Eu", {
      configurationSetName: "eu-events",
      provider: eu,
      sesRoleName: "eu-events-ses",
      configurationSet: {},
      deliveryStream: { partitionByEventType: false, roleName: "eu-events-firehose" },
      importExisting: { configurationSet: true, eventDestination: true, deliveryStream: true, sesRole: true, deliveryRole: true, deliveryLogs: true },
    });
    const imports = (parse(stack).json.import ?? []) as Array<{ to: string; provider?: string }>;
    expect(imports).toHaveLength(7);
    expect(imports.filter((block) => block.provider !== "aws.eu")).toEqual([]);
  });

  it("puts a bucket and alarms made on their own on the provider given", () => {
    const { stack, eu } = twoProviders();
    new EventBucket(stack, "Bucket", { bucketPrefix: "events-", accessLogBucketName: "logs", provider: eu });
    new DeliveryAlarms(stack, "Alarms", { deliveryStreamName: "stream", provider: eu });
    const found = providers(parse(stack).json);
    expect(Object.keys(found)).toHaveLength(11);
    expect(Object.entries(found).filter(([, provider]) => provider !== "aws.eu")).toEqual([]);
  });

  it("refuses two providers whose lookups would share a construct ID", () => {
    const { stack } = twoProviders();
    const a = new AwsProvider(stack, "Same", { region: "eu-north-1" });
    const b = new AwsProvider(stack, "Other", { region: "eu-south-1", alias: "Same" });
    AwsContext.of(stack, a);
    expect(() => AwsContext.of(stack, b)).toThrow(
      'AwsContext "AwsContext-Same" is taken in stack "test" by another provider: give the AWS provider "test/Other" an alias no other provider of the stack has.',
    );
  });
});
