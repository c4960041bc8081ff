import { Construct } from "constructs";
import { TerraformProvider, TerraformStack } from "cdktf";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { DataAwsRegion } from "@cdktf/provider-aws/lib/data-aws-region";
import { defined } from "./private/defined";

const CONTEXT_ID = "AwsContext";

/**
 * The account, Region and partition of a stack's AWS provider, read from data sources once per
 * provider and shared by every construct in the stack that uses that provider.
 */
export class AwsContext extends Construct {
  /**
   * The one context of `provider` (the stack's default provider when undefined) in the stack that
   * holds `scope`, created on first use.
   */
  static of(scope: Construct, provider?: TerraformProvider): AwsContext {
    const stack = TerraformStack.of(scope);
    const id = provider === undefined ? CONTEXT_ID : `${CONTEXT_ID}-${provider.alias ?? provider.node.id}`;
    const existing = stack.node.tryFindChild(id);
    if (existing === undefined) return new AwsContext(stack, id, provider);
    if (existing instanceof AwsContext && existing.provider === provider) return existing;
    throw new Error(
      `AwsContext "${id}" is taken in stack "${stack.node.path}" by another provider: give the AWS provider "${provider?.node.path}" an alias no other provider of the stack has.`,
    );
  }

  /** The provider the lookups use; undefined for the stack's default provider. */
  readonly provider?: TerraformProvider | undefined;
  /** ID of the account the provider works in (`aws_caller_identity`). */
  readonly accountId: string;
  /** Region of the provider (`aws_region`). */
  readonly region: string;
  /** Partition of that Region, such as `aws` or `aws-cn` (`aws_partition`). */
  readonly partition: string;
  /** DNS suffix of the partition, such as `amazonaws.com`. */
  readonly dnsSuffix: string;

  private constructor(scope: Construct, id: string, provider: TerraformProvider | undefined) {
    super(scope, id);
    this.provider = provider;
    this.accountId = new DataAwsCallerIdentity(this, "Account", defined({ provider })).accountId;
    this.region = new DataAwsRegion(this, "Region", defined({ provider })).region;
    const partition = new DataAwsPartition(this, "Partition", defined({ provider }));
    this.partition = partition.partition;
    this.dnsSuffix = partition.dnsSuffix;
  }

  /** `arn:<partition>:<service>:<region>:<account>:<resource>`, in this provider's account and Region. */
  arn(service: string, resource: string): string {
    return `arn:${this.partition}:${service}:${this.region}:${this.accountId}:${resource}`;
  }
}
