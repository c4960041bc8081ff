import { TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { SesFirehoseEventDestination, SesFirehoseEventDestinationProps } from "../modules";
import { newStack, parse } from "./helpers";

/**
 * Names AWS holds once per account and Region may repeat across providers that differ in Region or
 * account; names it holds once per account (IAM roles, dashboards) may repeat only across accounts.
 */
function build(stack: TerraformStack, id: string, props: Partial<SesFirehoseEventDestinationProps> = {}) {
  return new SesFirehoseEventDestination(stack, id, { configurationSetName: "transactional", ...props });
}

function errorOf(make: (stack: TerraformStack) => void): string {
  try {
    make(newStack());
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("expected the destinations to be refused");
}

describe("names scoped like AWS scopes them", () => {
  it("lets one configuration set name be used in two Regions through an aliased provider", () => {
    const stack = newStack();
    new AwsProvider(stack, "aws", { region: "us-east-1" });
    const eu = new AwsProvider(stack, "eu", { region: "eu-west-1", alias: "eu" });
    build(stack, "Us");
    build(stack, "Eu", { provider: eu });
    const sets = parse(stack).resources("aws_sesv2_configuration_set");
    expect(sets.map((set) => [set.configuration_set_name, set.provider]).sort()).toEqual([
      ["transactional", undefined],
      ["transactional", "aws.eu"],
    ]);
  });

  it("lets one configuration set name be used in two accounts of one Region (allowedAccountIds)", () => {
    const stack = newStack();
    new AwsProvider(stack, "aws", { region: "us-east-1", allowedAccountIds: ["111111111111"] });
    const other = new AwsProvider(stack, "other", { region: "us-east-1", alias: "other", allowedAccountIds: ["222222222222"] });
    build(stack, "A");
    build(stack, "B", { provider: other });
    expect(parse(stack).resources("aws_sesv2_configuration_set")).toHaveLength(2);
  });

  it("lets one configuration set name be used in two accounts of one Region (assumeRole)", () => {
    const stack = newStack();
    new AwsProvider(stack, "aws", { region: "us-east-1" });
    const other = new AwsProvider(stack, "other", {
      region: "us-east-1",
      alias: "other",
      assumeRole: [{ roleArn: "arn:aws:iam::222222222222:role/deployer" }],
    });
    const third = new AwsProvider(stack, "third", {
      region: "us-east-1",
      alias: "third",
      assumeRole: [{ roleArn: "arn:aws:iam::333333333333:role/deployer" }],
    });
    build(stack, "B", { provider: other });
    build(stack, "C", { provider: third });
    expect(parse(stack).resources("aws_sesv2_configuration_set")).toHaveLength(2);
  });

  it("still refuses one name twice in one account and Region, naming the setting", () => {
    expect(
      errorOf((stack) => {
        new AwsProvider(stack, "aws", { region: "us-east-1" });
        const again = new AwsProvider(stack, "again", { region: "us-east-1", alias: "again" });
        build(stack, "A");
        build(stack, "B", { provider: again });
      }),
    ).toContain(
      'the configuration set "transactional" (configurationSetName) is also created by SesFirehoseEventDestination "test/A" (configurationSetName): an account holds one per Region; give each destination its own configurationSetName:',
    );
  });

  it("refuses when a provider's Region or account cannot be known, since they may be the same", () => {
    expect(
      errorOf((stack) => {
        new AwsProvider(stack, "aws", { region: "us-east-1" });
        const unknown = new AwsProvider(stack, "unknown", { alias: "unknown" });
        build(stack, "A");
        build(stack, "B", { provider: unknown });
      }),
    ).toContain('the configuration set "transactional" (configurationSetName) is also created by');
  });

  it("refuses one fixed IAM role name in two Regions of one account: IAM names are global to an account", () => {
    expect(
      errorOf((stack) => {
        new AwsProvider(stack, "aws", { region: "us-east-1", allowedAccountIds: ["111111111111"] });
        const eu = new AwsProvider(stack, "eu", { region: "eu-west-1", alias: "eu", allowedAccountIds: ["111111111111"] });
        build(stack, "A", { sesRoleName: "publisher" });
        build(stack, "B", { provider: eu, sesRoleName: "publisher" });
      }),
    ).toContain('the IAM role "publisher" (sesRoleName) is also created by SesFirehoseEventDestination "test/A" (sesRoleName): an account holds one for all Regions');
  });

  it("lets one fixed IAM role name be used in two accounts", () => {
    const stack = newStack();
    new AwsProvider(stack, "aws", { region: "us-east-1", allowedAccountIds: ["111111111111"] });
    const other = new AwsProvider(stack, "other", { region: "eu-west-1", alias: "other", allowedAccountIds: ["222222222222"] });
    build(stack, "A", { sesRoleName: "publisher" });
    build(stack, "B", { provider: other, sesRoleName: "publisher" });
    expect(parse(stack).resources("aws_iam_role").filter((role) => role.name === "publisher")).toHaveLength(2);
  });

  it("derives the dashboard name, global to an account, with the Region of a given provider; the default provider's keeps its name", () => {
    const stack = newStack();
    new AwsProvider(stack, "aws", { region: "us-east-1" });
    const eu = new AwsProvider(stack, "eu", { region: "eu-west-1", alias: "eu" });
    build(stack, "Us", { dashboard: { enabled: true } });
    build(stack, "Eu", { provider: eu, dashboard: { enabled: true } });
    expect(parse(stack).resources("aws_cloudwatch_dashboard").map((d) => d.dashboard_name).sort()).toEqual([
      "transactional-ses-events",
      "transactional-ses-events-eu-west-1",
    ]);
  });

  it("keeps the generated role and bucket names apart across Regions (name prefixes)", () => {
    const stack = newStack();
    new AwsProvider(stack, "aws", { region: "us-east-1" });
    const eu = new AwsProvider(stack, "eu", { region: "eu-west-1", alias: "eu" });
    build(stack, "Us");
    build(stack, "Eu", { provider: eu });
    const synthesized = parse(stack);
    expect(synthesized.resources("aws_iam_role").every((role) => role.name === undefined && typeof role.name_prefix === "string")).toBe(true);
    expect(synthesized.resources("aws_s3_bucket").every((bucket) => bucket.bucket === undefined && typeof bucket.bucket_prefix === "string")).toBe(true);
  });
});
