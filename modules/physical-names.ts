import { IConstruct } from "constructs";
import { TerraformStack } from "cdktf";
import * as defaults from "./defaults";
import type { SesFirehoseEventDestinationProps } from "./ses-firehose-event-destination";
import { ValidationError, isToken, roleArnParts, show } from "./validation";

/** What a physical name names. */
export enum PhysicalNameKind {
  CONFIGURATION_SET = "configuration set",
  EVENT_DESTINATION = "event destination",
  DELIVERY_STREAM = "delivery stream (with its log group and alarms)",
  ROLE = "IAM role",
  GLUE_DATABASE = "Glue database",
  ATHENA_WORKGROUP = "Athena workgroup",
}

/** A name AWS holds once per account and Region (`regional`) or once per account (IAM). */
export interface PhysicalName {
  readonly kind: PhysicalNameKind;
  readonly name: string;
  /** The prop that sets it. */
  readonly setting: string;
  /** True when the name is another prop's value (a stream named after its configuration set). */
  readonly derived: boolean;
  readonly regional: boolean;
}

/** The name and path of a role the module creates: as set, or taken from the ARN given to import it. */
export function adoptedRole(
  imported: boolean | string | undefined,
  name: string | undefined,
  path: string | undefined,
): { name?: string | undefined; path?: string | undefined } {
  const fromArn = typeof imported === "string" ? roleArnParts(imported) : undefined;
  return { name: name ?? fromArn?.name, path: path ?? (fromArn?.path === "/" ? undefined : fromArn?.path) };
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

/** The fixed names of what a destination with `props` creates; generated names never collide. */
export function physicalNames(props: SesFirehoseEventDestinationProps): PhysicalName[] {
  const names: PhysicalName[] = [];
  const add = (kind: PhysicalNameKind, name: string | undefined, setting: string, derived = false) => {
    if (name !== undefined && !isToken(name)) names.push({ kind, name, setting, derived, regional: kind !== PhysicalNameKind.ROLE });
  };
  if (props.createConfigurationSet ?? defaults.DEFAULT_CREATE_CONFIGURATION_SET) {
    add(PhysicalNameKind.CONFIGURATION_SET, props.configurationSetName, "configurationSetName");
  }
  const destination = props.eventDestinationName ?? defaults.DEFAULT_EVENT_DESTINATION_NAME;
  if (!isToken(props.configurationSetName)) {
    add(PhysicalNameKind.EVENT_DESTINATION, `${props.configurationSetName}|${destination}`, "eventDestinationName");
  }
  const imports = props.importExisting ?? {};
  if (props.sesRoleArn === undefined) {
    add(PhysicalNameKind.ROLE, adoptedRole(imports.sesRole, props.sesRoleName, props.sesRolePath).name, "sesRoleName");
  }
  if (props.deliveryStreamArn === undefined) {
    const options = props.deliveryStream ?? {};
    add(PhysicalNameKind.DELIVERY_STREAM, options.name ?? props.configurationSetName, "deliveryStream.name", options.name === undefined);
    add(PhysicalNameKind.ROLE, adoptedRole(imports.deliveryRole, options.roleName, options.rolePath).name, "deliveryStream.roleName");
    const analytics = props.analytics ?? {};
    if (analytics.enabled ?? options.bucketArn === undefined) {
      const base = nameBase(props.configurationSetName);
      add(PhysicalNameKind.GLUE_DATABASE, analytics.databaseName ?? defaultDatabaseName(base), "analytics.databaseName", analytics.databaseName === undefined);
      add(PhysicalNameKind.ATHENA_WORKGROUP, analytics.workgroupName ?? base, "analytics.workgroupName", analytics.workgroupName === undefined);
    }
  }
  return names;
}

/** What makes two names one resource: IAM role names are unique in an account whatever their case. */
export function identityOf(name: PhysicalName): string {
  return `${name.kind}\u0000${name.kind === PhysicalNameKind.ROLE ? name.name.toLowerCase() : name.name}`;
}

/** The name for messages: both spellings when they differ only in case. */
export function showClash(name: PhysicalName, other: PhysicalName): string {
  return name.name === other.name ? show(name.name) : `${show(name.name)} (the same as ${show(other.name)}: IAM role names ignore case)`;
}

const claimed = new WeakMap<TerraformStack, Map<string, { owner: string; name: PhysicalName }>>();

/** The fixed names claimed in one stack, so that two destinations never create the same resource. */
export class PhysicalNames {
  static of(scope: IConstruct): PhysicalNames {
    return new PhysicalNames(TerraformStack.of(scope));
  }

  private constructor(private readonly stack: TerraformStack) {}

  /** Records `names` for `owner`; throws when another destination of the stack has one of them. */
  claim(owner: string, names: readonly PhysicalName[]): void {
    let taken = claimed.get(this.stack);
    if (taken === undefined) claimed.set(this.stack, (taken = new Map()));
    const problems: string[] = [];
    for (const name of names) {
      const other = taken.get(identityOf(name));
      if (other === undefined) continue;
      problems.push(
        `the ${name.kind} ${showClash(name, other.name)} (${settingOf(name)}) is also created by ${other.owner} (${settingOf(other.name)}): ${name.regional ? "an account holds one per Region" : "an account holds one for all Regions"}; give each destination its own ${name.setting}.`,
      );
    }
    if (problems.length > 0) throw new ValidationError(owner, problems);
    for (const name of names) taken.set(identityOf(name), { owner, name });
  }
}

/** The prop a name comes from, for messages. */
export function settingOf(name: PhysicalName): string {
  return name.derived ? `${name.setting}, default: configurationSetName` : name.setting;
}
