import { IConstruct } from "constructs";
import { TerraformStack } from "cdktf";
import * as defaults from "./defaults";
import type { SesFirehoseEventDestinationProps } from "./ses-firehose-event-destination";
import { ValidationError, isToken, roleArnParts, show } from "./validation";

/** A name AWS holds once per account and Region (`regional`) or once per account (IAM). */
export interface PhysicalName {
  /** What the name names, e.g. "configuration set". */
  readonly kind: string;
  readonly name: string;
  /** The prop that sets it. */
  readonly setting: string;
  readonly regional: boolean;
}

/** The name and path of a role the module creates: as set, or taken from the ARN given to import it. */
export function adoptedRole(
  imported: boolean | string | undefined,
  name: string | undefined,
  path: string | undefined,
): { name?: string; path?: string } {
  const fromArn = typeof imported === "string" ? roleArnParts(imported) : undefined;
  return { name: name ?? fromArn?.name, path: path ?? (fromArn?.path === "/" ? undefined : fromArn?.path) };
}

/** The fixed names of what a destination with `props` creates; generated names never collide. */
export function physicalNames(props: SesFirehoseEventDestinationProps): PhysicalName[] {
  const names: PhysicalName[] = [];
  const add = (kind: string, name: string | undefined, setting: string, regional = true) => {
    if (name !== undefined && !isToken(name)) names.push({ kind, name, setting, regional });
  };
  if (props.createConfigurationSet ?? defaults.DEFAULT_CREATE_CONFIGURATION_SET) {
    add("configuration set", props.configurationSetName, "configurationSetName");
  }
  const destination = props.eventDestinationName ?? defaults.DEFAULT_EVENT_DESTINATION_NAME;
  if (!isToken(props.configurationSetName)) {
    add("event destination", `${props.configurationSetName}|${destination}`, "eventDestinationName");
  }
  const imports = props.importExisting ?? {};
  if (props.sesRoleArn === undefined) {
    add("IAM role", adoptedRole(imports.sesRole, props.sesRoleName, props.sesRolePath).name, "sesRoleName", false);
  }
  if (props.deliveryStreamArn === undefined) {
    const options = props.deliveryStream ?? {};
    add(
      "delivery stream (with its log group and alarms)",
      options.name ?? props.configurationSetName,
      options.name === undefined ? "deliveryStream.name (default: configurationSetName)" : "deliveryStream.name",
    );
    add("IAM role", adoptedRole(imports.deliveryRole, options.roleName, options.rolePath).name, "deliveryStream.roleName", false);
  }
  return names;
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
      const key = `${name.kind}\u0000${name.name}`;
      const other = taken.get(key);
      if (other === undefined) continue;
      problems.push(
        `${name.setting} ${show(name.name.split("|").pop())} gives the ${name.kind} ${show(name.name)} that ${other.owner} (${other.name.setting}) creates too: ${name.regional ? "an account holds one per Region" : "an account holds one for all Regions"}; give each destination its own ${name.setting.split(" ")[0]}.`,
      );
    }
    if (problems.length > 0) throw new ValidationError(owner, problems);
    for (const name of names) taken.set(`${name.kind}\u0000${name.name}`, { owner, name });
  }
}
