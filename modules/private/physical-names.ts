import { IConstruct } from "constructs";
import { TerraformProvider, TerraformStack } from "cdktf";
import type { SesFirehoseEventDestinationProps } from "../ses-firehose-event-destination";
import { dashboardName } from "../pipeline-dashboard";
import * as defaults from "./defaults";
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
  DASHBOARD = "CloudWatch dashboard",
}

/** Kinds AWS holds once per account for all Regions. */
const ACCOUNT_GLOBAL: readonly PhysicalNameKind[] = [PhysicalNameKind.ROLE, PhysicalNameKind.DASHBOARD];

/** A name AWS holds once per account and Region (`regional`) or once per account (IAM roles, dashboards). */
export interface PhysicalName {
  readonly kind: PhysicalNameKind;
  readonly name: string;
  /** The prop that sets it. */
  readonly setting: string;
  /** True when the name is another prop's value (a stream named after its configuration set). */
  readonly derived: boolean;
  readonly regional: boolean;
  /** How to resolve a clash, when it is not to give each its own `setting`. */
  readonly fix?: string | undefined;
}

/** How to resolve a clash of the CloudWatch metrics event destination, whose name is fixed. */
const METRICS_DESTINATION_FIX = `a configuration set holds one event destination named ${defaults.METRICS_EVENT_DESTINATION_NAME}, which counts its sends for the silent pipeline alarm and the dashboard: turn alarms.silentPipeline and dashboard.enabled off on every destination of the set but one`;

/** The fixed names of what a destination with `props` creates; generated names never collide. */
export function physicalNames(props: SesFirehoseEventDestinationProps): PhysicalName[] {
  return physicalNamesOf(resolveDestination(props));
}

/** The fixed names of what a destination with these resolved settings creates. */
export function physicalNamesOf(resolved: ResolvedDestination): PhysicalName[] {
  const { props, stream, analytics } = resolved;
  const names: PhysicalName[] = [];
  const add = (kind: PhysicalNameKind, name: string | undefined, setting: string, derived = false, fix?: string) => {
    if (name !== undefined && !isToken(name)) names.push({ kind, name, setting, derived, regional: !ACCOUNT_GLOBAL.includes(kind), fix });
  };
  if (resolved.managesSet) add(PhysicalNameKind.CONFIGURATION_SET, props.configurationSetName, "configurationSetName");
  if (!isToken(props.configurationSetName)) {
    add(PhysicalNameKind.EVENT_DESTINATION, `${props.configurationSetName}|${resolved.eventDestinationName}`, "eventDestinationName");
    if (resolved.monitoring.metricsDestination) {
      const metrics = `${props.configurationSetName}|${defaults.METRICS_EVENT_DESTINATION_NAME}`;
      add(PhysicalNameKind.EVENT_DESTINATION, metrics, "alarms", false, METRICS_DESTINATION_FIX);
    }
  }
  if (props.sesRoleArn === undefined) add(PhysicalNameKind.ROLE, resolved.sesRole.name, "sesRoleName");
  if (resolved.createsStream) {
    add(PhysicalNameKind.DELIVERY_STREAM, stream.name, "deliveryStream.name", stream.nameDerived);
    add(PhysicalNameKind.ROLE, stream.role.name, "deliveryStream.roleName");
  }
  // A dashboard placed through a given provider carries that provider's Region (see dashboardName).
  if (resolved.monitoring.dashboard && props.provider === undefined) {
    add(PhysicalNameKind.DASHBOARD, dashboardName(stream.name), "deliveryStream.name", stream.nameDerived);
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

/** Where a provider creates resources, as far as its settings tell at synth time. */
export interface ProviderScope {
  /** The account: its only `allowedAccountIds` entry, else the account of the role it assumes. */
  readonly account?: string | undefined;
  readonly region?: string | undefined;
}

/** The AWS provider of the stack without an alias: the one a construct without `provider` uses. */
function defaultAwsProvider(stack: TerraformStack): TerraformProvider | undefined {
  return stack.node.children.find(
    (child): child is TerraformProvider => child instanceof TerraformProvider && child.terraformResourceType === "aws" && child.alias === undefined,
  );
}

/** The account and Region of `provider` (the stack's default AWS provider when undefined), where literals give them. */
export function providerScope(stack: TerraformStack, provider: TerraformProvider | undefined): ProviderScope {
  const settings = (provider ?? defaultAwsProvider(stack)) as { region?: unknown; allowedAccountIds?: unknown; assumeRole?: unknown } | undefined;
  if (settings === undefined) return {};
  const literal = (value: unknown) => (typeof value === "string" && !isToken(value) ? value : undefined);
  const allowed = Array.isArray(settings.allowedAccountIds) && settings.allowedAccountIds.length === 1 ? literal(settings.allowedAccountIds[0]) : undefined;
  // With a chain of roles, the last one is where the provider works.
  const roles = Array.isArray(settings.assumeRole) ? settings.assumeRole : [];
  const roleArn = literal((roles[roles.length - 1] as { roleArn?: unknown } | undefined)?.roleArn);
  const assumed = roleArn === undefined ? undefined : /^arn:[^:]+:iam::(\d{12}):role\//.exec(roleArn)?.[1];
  return { account: allowed ?? assumed, region: literal(settings.region) };
}

/** True when `a` and `b` are known to be apart for `name`: other accounts, or, for a regional name, other Regions. */
function apart(name: PhysicalName, a: ProviderScope, b: ProviderScope): boolean {
  if (a.account !== undefined && b.account !== undefined && a.account !== b.account) return true;
  return name.regional && a.region !== undefined && b.region !== undefined && a.region !== b.region;
}

const claimed = new WeakMap<TerraformStack, Map<string, Array<{ owner: string; name: PhysicalName; scope: ProviderScope }>>>();

/**
 * The fixed names claimed in one stack, so that two destinations never create the same resource:
 * a name clashes with the same name claimed through a provider not known to be in another account
 * or (for a regional name) another Region.
 */
export class PhysicalNames {
  static of(scope: IConstruct): PhysicalNames {
    return new PhysicalNames(TerraformStack.of(scope));
  }

  private constructor(private readonly stack: TerraformStack) {}

  /** Records `names` for `owner`, placed through `provider`; throws when another destination of the stack has one of them there. */
  claim(owner: string, names: readonly PhysicalName[], provider?: TerraformProvider): void {
    let taken = claimed.get(this.stack);
    if (taken === undefined) claimed.set(this.stack, (taken = new Map()));
    const scope = providerScope(this.stack, provider);
    const clashes = names.flatMap((name) => {
      const other = (taken.get(identityOf(name)) ?? []).find((claim) => !apart(name, scope, claim.scope));
      return other === undefined ? [] : [{ name, other }];
    });
    // A configuration set both create: the names within it or after it by default clash with it, and
    // follow it when it is renamed, so only it is named (with what else is named explicitly).
    const set = clashes.find((clash) => clash.name.kind === PhysicalNameKind.CONFIGURATION_SET)?.name;
    const follows = (name: PhysicalName) => set !== undefined && name !== set && (name.derived || (name.kind === PhysicalNameKind.EVENT_DESTINATION && name.name.startsWith(`${set.name}|`)));
    const kinds = [...new Set(clashes.filter((clash) => follows(clash.name)).map((clash) => clash.name.kind))];
    const listed = kinds.length < 2 ? kinds.join("") : `${kinds.slice(0, -1).join(", ")} and ${kinds[kinds.length - 1]}`;
    const problems = clashes
      .filter((clash) => !follows(clash.name))
      .map(({ name, other }) => {
        const then = name === set && kinds.length > 0 ? `: the ${listed} that clash too are in it or named after it, and follow it` : "";
        return `the ${name.kind} ${showClash(name, other.name)} (${settingOf(name)}) is also created by ${other.owner} (${settingOf(other.name)}): ${name.regional ? "an account holds one per Region" : "an account holds one for all Regions"}; ${name.fix ?? `give each destination its own ${name.setting}`}${then}.`;
      });
    if (problems.length > 0) throw new ValidationError(owner, problems);
    for (const name of names) taken.set(identityOf(name), [...(taken.get(identityOf(name)) ?? []), { owner, name, scope }]);
  }
}

/** The prop a name comes from, for messages. */
export function settingOf(name: PhysicalName): string {
  return name.derived ? `${name.setting}, default: configurationSetName` : name.setting;
}
