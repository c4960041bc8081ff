/**
 * A role's name, or a prefix for a generated one. A generated name stays when the prefix changes
 * (a renamed configuration set): replacing the role would leave SES or Firehose without it between
 * its deletion and the update of what uses it.
 */
export function roleName(name: string | undefined, prefix: string): { name: string } | { namePrefix: string; lifecycle: { ignoreChanges: string[] } } {
  return name === undefined ? { namePrefix: prefix, lifecycle: { ignoreChanges: ["name_prefix"] } } : { name };
}
