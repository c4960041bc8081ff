import { Construct } from "constructs";
import { TerraformStack } from "cdktf";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { DataAwsRegion } from "@cdktf/provider-aws/lib/data-aws-region";

const CONTEXT_ID = "AwsContext";

/**
 * The account, Region and partition of a stack, read from data sources once per stack and
 * shared by every construct in it.
 */
export class AwsContext extends Construct {
  /** The one context of the stack that holds `scope`, created on first use. */
  static of(scope: Construct): AwsContext {
    const stack = TerraformStack.of(scope);
    const existing = stack.node.tryFindChild(CONTEXT_ID);
    return existing instanceof AwsContext ? existing : new AwsContext(stack, CONTEXT_ID);
  }

  readonly accountId: string;
  readonly region: string;
  readonly partition: string;
  readonly dnsSuffix: string;

  private constructor(scope: Construct, id: string) {
    super(scope, id);
    this.accountId = new DataAwsCallerIdentity(this, "Account").accountId;
    this.region = new DataAwsRegion(this, "Region").region;
    const partition = new DataAwsPartition(this, "Partition");
    this.partition = partition.partition;
    this.dnsSuffix = partition.dnsSuffix;
  }

  /** `arn:<partition>:<service>:<region>:<account>:<resource>`, in this stack's account and Region. */
  arn(service: string, resource: string): string {
    return `arn:${this.partition}:${service}:${this.region}:${this.accountId}:${resource}`;
  }
}
