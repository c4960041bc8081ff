import { Fn } from "cdktf";
import * as defaults from "./defaults";
import { isToken, roleArnParts } from "./validation";

/** The name and path of a role the module creates: as set, or taken from the ARN given to import it. */
export function adoptedRole(
  imported: boolean | string | undefined,
  name: string | undefined,
  path: string | undefined,
): { name?: string | undefined; path?: string | undefined } {
  const fromArn = typeof imported === "string" ? roleArnParts(imported) : undefined;
  return { name: name ?? fromArn?.name, path: path ?? (fromArn?.path === "/" ? undefined : fromArn?.path) };
}

/**
 * The name of the bucket of an S3 bucket ARN (`arn:<partition>:s3:::<name>`); for an ARN known
 * only at apply time, the expression that takes it out.
 */
export function bucketNameOf(bucketArn: string): string {
  return isToken(bucketArn) ? Fn.element(Fn.split(":", bucketArn), 5) : bucketArn.slice(bucketArn.lastIndexOf(":") + 1);
}

/** A lowercase, hyphenated base for generated names, from the configuration set name. */
export function nameBase(configurationSetName: string): string {
  if (isToken(configurationSetName)) return defaults.DEFAULT_RESOURCE_NAME_BASE;
  const base = configurationSetName
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-+/g, "-")
    .replace(/^-|-$/g, "");
  if (base === "") return defaults.DEFAULT_RESOURCE_NAME_BASE;
  return defaults.RESERVED_BUCKET_PREFIX.test(base) ? `ses-${base}` : base;
}

/** The Glue database named after `nameBase`: Athena reads only lowercase letters, digits and '_'. */
export function defaultDatabaseName(base: string): string {
  return base.replace(/[^a-z0-9_]/g, "_");
}

/** The default workgroup name (`base`) is Athena's own `primary`, which every account and Region has. */
export function defaultsToPrimaryWorkgroup(workgroupName: string | undefined, base: string): boolean {
  return workgroupName === undefined && base === defaults.ATHENA_PRIMARY_WORKGROUP;
}
