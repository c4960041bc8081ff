import { IConstruct } from "constructs";
import { TerraformStack } from "cdktf";
import type { SesFirehoseEventDestinationProps } from "../ses-firehose-event-destination";
import { ResolvedDestination, resolveDestination } from "./resolve";
import { ValidationError, isToken, show } from "./validation";

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

/** The fixed names of what a destination with `props` creates; generated names never collide. */
export function physicalNames(props: SesFirehoseEventDestinationProps): PhysicalName[] {
  return physicalNamesOf(resolveDestination(props));
}

/** The fixed names of what a destination with these resolved settings creates. */
export function physicalNamesOf(resolved: ResolvedDestination): PhysicalName[] {
  const { props, stream, analytics } = resolved;
  const names: PhysicalName[] = [];
  const add = (kind: PhysicalNameKind, name: string | undefined, setting: string, derived = false) => {
    if (name !== undefined && !isToken(name)) names.push({ kind, name, setting, derived, regional: kind !== PhysicalNameKind.ROLE });
  };
  if (resolved.managesSet) add(PhysicalNameKind.CONFIGURATION_SET, props.configurationSetName, "configurationSetName");
  if (!isToken(props.configurationSetName)) {
    add(PhysicalNameKind.EVENT_DESTINATION, `${props.configurationSetName}|${resolved.eventDestinationName}`, "eventDestinationName");
  }
  if (props.sesRoleArn === undefined) add(PhysicalNameKind.ROLE, resolved.sesRole.name, "sesRoleName");
  if (resolved.createsStream) {
    add(PhysicalNameKind.DELIVERY_STREAM, stream.name, "deliveryStream.name", stream.nameDerived);
    add(PhysicalNameKind.ROLE, stream.role.name, "deliveryStream.roleName");
  }
  if (analytics !== undefined) {
    add(PhysicalNameKind.GLUE_DATABASE, analytics.databaseName, "analytics.databaseName", analytics.options.databaseName === undefined);
    add(PhysicalNameKind.ATHENA_WORKGROUP, analytics.workgroupName, "analytics.workgroupName", analytics.options.workgroupName === undefined);
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
