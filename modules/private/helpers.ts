import { IConstruct } from "constructs";
import { TerraformProvider, TerraformStack, Token } from "cdktf";
import { isToken } from "./validation";

/**
 * A role's name, or a prefix for a generated one. A generated name stays when the prefix changes
 * (a renamed configuration set): replacing the role would leave SES or Firehose without it between
 * its deletion and the update of what uses it.
 */
export function roleName(name: string | undefined, prefix: string): { name: string } | { namePrefix: string; lifecycle: { ignoreChanges: string[] } } {
  return name === undefined ? { namePrefix: prefix, lifecycle: { ignoreChanges: ["name_prefix"] } } : { name };
}

/** 0.025 as "2.5%"; a rate only known at apply time as "the threshold". */
export function percent(rate: number): string {
  return Token.isUnresolved(rate) ? "the threshold" : `${Number((rate * 100).toPrecision(6))}%`;
}

/**
 * The Region of `provider`, or else of the stack's default AWS provider (the one without an
 * alias), when it is written as a literal; undefined when it is a token or not set (then the
 * provider takes it from the environment at apply time).
 */
export function literalRegion(scope: IConstruct, provider: TerraformProvider | undefined): string | undefined {
  const aws =
    provider ??
    TerraformStack.of(scope)
      .node.findAll()
      .find((child): child is TerraformProvider => child instanceof TerraformProvider && child.terraformResourceType === "aws" && child.alias === undefined);
  const region: unknown = (aws as { region?: unknown } | undefined)?.region;
  return typeof region === "string" && !isToken(region) ? region : undefined;
}
