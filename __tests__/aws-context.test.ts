import { AwsContext, SesFirehoseEventDestination } from "../modules";
import { newStack, parse } from "./helpers";

describe("AwsContext", () => {
  it("reads account, Region and partition once per stack for any number of destinations", () => {
    const stack = newStack();
    new SesFirehoseEventDestination(stack, "A", { configurationSetName: "tenant-a" });
    new SesFirehoseEventDestination(stack, "B", { configurationSetName: "tenant-b" });
    const out = parse(stack);
    for (const type of ["aws_caller_identity", "aws_region", "aws_partition"]) {
      expect(Object.keys(out.json.data?.[type] ?? {})).toHaveLength(1);
    }
  });

  it("is one per stack, whichever construct asks", () => {
    const stack = newStack();
    const a = new SesFirehoseEventDestination(stack, "A", { configurationSetName: "tenant-a" });
    expect(AwsContext.of(a)).toBe(AwsContext.of(stack));
    expect(AwsContext.of(newStack())).not.toBe(AwsContext.of(stack));
  });

  it("builds ARNs in the stack's partition, Region and account", () => {
    const stack = newStack();
    new SesFirehoseEventDestination(stack, "A", { configurationSetName: "a" });
    const out = parse(stack);
    const trust = JSON.parse(out.resources("aws_iam_role").find((r) => r.name_prefix === "a-ses-")!.assume_role_policy);
    expect(trust.Statement[0].Condition.StringEquals["AWS:SourceArn"]).toBe(
      "arn:${data.aws_partition.AwsContext_Partition_821FC74B.partition}:ses:${data.aws_region.AwsContext_Region_51268B9B.region}:${data.aws_caller_identity.AwsContext_Account_CAD0E3E2.account_id}:configuration-set/a",
    );
  });
});
