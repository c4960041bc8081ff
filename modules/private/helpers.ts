import { Token } from "cdktf";

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
