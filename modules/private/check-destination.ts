import type { ImportExistingOptions } from "../delivery-stream-options";
import type { SesFirehoseEventDestinationProps } from "../ses-firehose-event-destination";
import { Construct } from "constructs";
import { ConfigurationSet, checkConfigurationSetOptions, hasConfigurationSetOptions } from "../configuration-set";
import * as defaults from "./defaults";
import { DESTINATION_PROPS } from "./prop-shapes";
import { ResolvedDestination, resolveDestination } from "./resolve";
import * as rules from "./validation";
import { checkAlarms, checkAnalytics, checkDeliveryStream, checkSourceRecordsPrefix } from "./check-delivery-stream";

/*
 * The checks of a SesFirehoseEventDestination's props, collected and thrown together: the SES side
 * (names, roles, the configuration set, imports) here, the Firehose side in check-delivery-stream.
 */

/** What the checks know of where a destination is built. */
export interface DestinationContext {
  /** Region of the destination's AWS provider, when it is a literal. */
  readonly region?: string | undefined;
}

/**
 * Checks every prop of a destination, after checkPropKinds found `found`; throws one ValidationError
 * naming `scope` with every problem.
 */
export function checkDestination(scope: string, resolved: ResolvedDestination, context: DestinationContext, found: rules.Problems): void {
  destinationProblems(resolved, context, found).throwIfAny(scope);
}

/**
 * Refuses props given with a value of the wrong kind (and unknown ones with them) before anything
 * reads them: resolving `null` for a group, or a number for a name, would fail without naming the prop.
 * Returns what else it found (unknown props), to be reported with the other checks' problems.
 */
export function checkPropKinds(scope: string, props: SesFirehoseEventDestinationProps): rules.Problems {
  const problems = new rules.Problems();
  const set: unknown = props?.configurationSet;
  const otherConstruct = Construct.isConstruct(set) && !(set instanceof ConfigurationSet);
  problems.whenAbout(
    "configurationSet",
    otherConstruct,
    `is a construct of class ${otherConstruct ? set.constructor.name : ""} ("${otherConstruct ? set.node.path : ""}"): give a ConfigurationSet construct, or the options of the set the module creates.`,
  );
  if (!rules.checkKnownProps(problems, "", props, DESTINATION_PROPS, { hints: APP_SETTINGS }) || otherConstruct) problems.throwIfAny(scope);
  return problems;
}

/** The app's settings that are no prop of the construct, and where each goes instead. */
const APP_SETTINGS: Readonly<Record<string, string>> = {
  region: "the app's region is its AWS provider's: give the construct an AwsProvider of that Region (provider), or set it on the stack's",
  accountId: "the app's accountId pins its AWS provider to the account: set allowedAccountIds on the AwsProvider",
  assumeRoleArn: "the app's assumeRoleArn is its AWS provider's role: set assumeRole on the AwsProvider",
  state: "the app's state is its stack's backend: add an S3Backend to the stack",
  cloud: "the app's cloud is its stack's backend: add a CloudBackend to the stack",
  environments: "the app's environments are stacks: create a stack and a construct for each",
  lake: "the app's lake is a stack of its own: create a SesEventLake there, and give this destination deliveryStream.lake",
};

/** The problems a destination's constructor finds in `props` under an AWS provider in `region`. */
export function destinationProblemsOf(props: SesFirehoseEventDestinationProps, region: string | undefined): readonly rules.Problem[] {
  // The app's settings name a value they leave out (a lake's bucket it does not know yet) their own way.
  const problems = new rules.Problems();
  if (!rules.checkKnownProps(problems, "", props, DESTINATION_PROPS, { required: false })) return problems.all;
  return destinationProblems(resolveDestination(props), { region }, problems).all;
}

/**
 * Every problem of a destination's props, added to `problems` (what the props check found before
 * resolving them: their kinds and unknown ones): pure checks, nothing is created.
 */
function destinationProblems(resolved: ResolvedDestination, context: DestinationContext, problems: rules.Problems): rules.Problems {
  const { props } = resolved;
  problems.check("configurationSetName", props.configurationSetName, rules.SES_NAME);
  problems.check("eventDestinationName", props.eventDestinationName, rules.SES_NAME);
  checkEventTypes(problems, props.eventTypes);
  problems.check("deliveryStreamArn", props.deliveryStreamArn, rules.DELIVERY_STREAM_ARN);
  problems.check("sesRoleArn", props.sesRoleArn, rules.ROLE_ARN);
  problems.check("sesRoleName", props.sesRoleName, rules.ROLE_NAME);
  problems.check("sesRolePath", props.sesRolePath, rules.ROLE_PATH);
  rules.checkTags(problems, "tags", props.tags);

  problems.when(
    props.deliveryStreamArn !== undefined && props.deliveryStream !== undefined,
    "deliveryStreamArn and deliveryStream are both set: deliveryStream configures the stream the module creates, deliveryStreamArn uses an existing one; remove one of them.",
  );
  problems.when(
    props.sesRoleArn !== undefined && props.sesRoleName !== undefined,
    "sesRoleArn and sesRoleName are both set: sesRoleName names the role the module creates, sesRoleArn uses an existing one; remove one of them.",
  );
  problems.when(
    props.sesRoleArn !== undefined && props.sesRolePath !== undefined,
    "sesRoleArn and sesRolePath are both set: sesRolePath places the role the module creates, sesRoleArn uses an existing one; remove one of them.",
  );
  if (props.deliveryStream !== undefined) checkDeliveryStream(problems, resolved);
  if (resolved.createsStream) checkSourceRecordsPrefix(problems, resolved);
  checkConfigurationSet(problems, resolved);
  if (props.alarms !== undefined) checkAlarms(problems, resolved);
  problems.when(
    resolved.monitoring.metricsDestination && props.eventDestinationName === defaults.METRICS_EVENT_DESTINATION_NAME,
    `eventDestinationName ${rules.show(props.eventDestinationName)} is the name of the CloudWatch event destination the alarms and the dashboard use; choose another name.`,
  );
  problems.when(
    props.dashboard?.enabled === true && props.deliveryStreamArn !== undefined,
    "dashboard.enabled is true with deliveryStreamArn: the dashboard is created only for a stream the module creates; remove one of them.",
  );
  if (props.importExisting !== undefined) checkImports(problems, props, props.importExisting);
  checkAnalytics(problems, resolved);
  if (context.region !== undefined) checkRegions(problems, resolved, context.region);
  return problems;
}

/** ARNs of regional resources the destination uses must be in its provider's Region. */
function checkRegions(problems: rules.Problems, resolved: ResolvedDestination, region: string): void {
  if (rules.isToken(region)) return;
  const { props } = resolved;
  const arns: [string, string | undefined, rules.Rule<string>, string][] = [
    ["deliveryStreamArn", props.deliveryStreamArn, rules.DELIVERY_STREAM_ARN, "SES publishes only to a stream in its own Region"],
    ["alarms.snsTopicArn", props.alarms?.snsTopicArn, rules.SNS_TOPIC_ARN, "CloudWatch alarms notify topics in their own Region"],
    ["deliveryStream.kmsKeyArn", resolved.stream.kmsKeyArn, rules.KMS_KEY_ARN, "Firehose, S3 and CloudWatch use a KMS key in their own Region"],
  ];
  for (const [setting, arn, format, why] of arns) {
    // A malformed ARN is reported by its own rule.
    if (arn === undefined || rules.isToken(arn) || !format.test(arn)) continue;
    const arnRegion = arn.split(":")[3] ?? "";
    problems.whenAbout(
      setting,
      arnRegion !== region,
      `${rules.show(arn)} is invalid: it is in ${rules.plain(arnRegion)} but the AWS provider is in ${rules.plain(region)}, and ${why}; use one in ${rules.plain(region)}.`,
    );
  }
}

function checkEventTypes(problems: rules.Problems, eventTypes: readonly string[] | undefined): void {
  // A whole list token is known later; a token beside literal items leaves the items judged.
  if (eventTypes === undefined || rules.isListToken(eventTypes)) return;
  const known: readonly string[] = defaults.DEFAULT_EVENT_TYPES;
  problems.whenAbout("eventTypes", eventTypes.length === 0, `[] is invalid: list at least one of ${known.join(", ")}.`);
  for (const type of eventTypes) {
    problems.whenAbout("eventTypes", !rules.isToken(type) && !known.includes(type), `entry ${rules.show(type)} is invalid: use one of ${known.join(", ")}.`);
  }
  const repeated = eventTypes.filter((type, i) => eventTypes.indexOf(type) !== i);
  problems.whenAbout("eventTypes", repeated.length > 0, `lists ${[...new Set(repeated)].map(rules.plain).join(", ")} more than once: list each event type once.`);
}

function checkConfigurationSet(problems: rules.Problems, resolved: ResolvedDestination): void {
  const { props, givenSet: given } = resolved;
  const set = props.configurationSet;
  if (given !== undefined) {
    const name = given.resource.configurationSetNameInput;
    problems.when(
      name !== undefined && !rules.isToken(name) && !rules.isToken(props.configurationSetName) && name !== props.configurationSetName,
      `configurationSet is the ConfigurationSet ${rules.show(name)} but configurationSetName is ${rules.show(props.configurationSetName)}: the event destination and the SES role name the set; make them the same.`,
    );
    problems.when(
      props.createConfigurationSet === false,
      "configurationSet is a ConfigurationSet construct and createConfigurationSet is false: the given set is used as it is; remove createConfigurationSet.",
    );
    problems.when(
      props.importExisting?.configurationSet === true,
      "importExisting.configurationSet is true with a ConfigurationSet construct as configurationSet: the construct imports its own set (its importExisting prop); remove one of them.",
    );
    return;
  }
  if (set === undefined) return;
  checkConfigurationSetOptions(problems, "configurationSet.", set);
  problems.when(
    props.createConfigurationSet === false && hasConfigurationSetOptions(set),
    "configurationSet is set but createConfigurationSet is false: options apply only to a set the module creates, and an existing set keeps its own; remove configurationSet, or adopt the set with importExisting.configurationSet.",
  );
}

function checkImports(problems: rules.Problems, props: ResolvedDestination["props"], imports: ImportExistingOptions): void {
  problems.when(
    imports.configurationSet === true && props.createConfigurationSet !== false && props.configurationSet === undefined,
    "importExisting.configurationSet is true but configurationSet is not set: Terraform clears every delivery, suppression, tracking and VDM option of the existing set that the configuration leaves out, so state the options the set has (tlsPolicy, dedicatedIpPool, maxDeliveryDurationSeconds, suppressionReasons or disableSuppressionList, customTrackingRedirectDomain and customTrackingHttpsPolicy, vdmOptions; configurationSet {} for a set with none).",
  );
  problems.when(
    imports.configurationSet === true && props.createConfigurationSet === false,
    "importExisting.configurationSet is true but createConfigurationSet is false: only a configuration set the module manages can be imported.",
  );
  problems.when(
    imports.deliveryStream === true && props.deliveryStreamArn !== undefined,
    "importExisting.deliveryStream is true with deliveryStreamArn: an existing stream passed by ARN is used as it is; remove one of them.",
  );
  checkRoleImport(problems, "importExisting.sesRole", imports.sesRole, { name: "sesRoleName", path: "sesRolePath" }, props.sesRoleName, props.sesRolePath);
  problems.when(
    imports.sesRole !== undefined && imports.sesRole !== false && props.sesRoleArn !== undefined,
    "importExisting.sesRole is set with sesRoleArn: a role passed by sesRoleArn is used as it is, not imported; remove one of them.",
  );
  problems.when(
    imports.deliveryStream === true && props.deliveryStreamArn === undefined && props.deliveryStream?.partitionByEventType === undefined,
    "importExisting.deliveryStream is true but deliveryStream.partitionByEventType is not set: Firehose turns dynamic partitioning on only when it creates a stream, so set it as the existing stream has it (false for a stream created without dynamic partitioning, as the console does by default), or Terraform replaces the stream.",
  );
  problems.when(
    imports.deliveryLogs === true && (props.deliveryStreamArn !== undefined || props.deliveryStream?.logging === false),
    "importExisting.deliveryLogs is true but the module creates no delivery-error logs (deliveryStreamArn is set or deliveryStream.logging is false): remove it.",
  );
  checkRoleImport(
    problems,
    "importExisting.deliveryRole",
    imports.deliveryRole,
    { name: "deliveryStream.roleName", path: "deliveryStream.rolePath" },
    props.deliveryStream?.roleName,
    props.deliveryStream?.rolePath,
  );
  problems.when(
    imports.deliveryRole !== undefined && imports.deliveryRole !== false && props.deliveryStreamArn !== undefined,
    "importExisting.deliveryRole is set with deliveryStreamArn: the module creates no Firehose role for an existing stream; remove it.",
  );
}

/** A role to import is named by its settings or by its ARN; both, when given, must agree. */
function checkRoleImport(
  problems: rules.Problems,
  setting: string,
  imported: boolean | string | undefined,
  settings: { name: string; path: string },
  name: string | undefined,
  path: string | undefined,
): void {
  problems.when(
    imported === true && name === undefined,
    `${setting} is true but ${settings.name} is not set: name the existing role to import (its name is the import ID), or give its ARN as ${setting}.`,
  );
  if (typeof imported !== "string") return;
  problems.check(setting, imported, rules.ROLE_ARN);
  const parts = rules.roleArnParts(imported);
  if (parts === undefined) return;
  problems.when(
    name !== undefined && !rules.isToken(name) && name !== parts.name,
    `${setting} ${rules.show(imported)} names the role ${rules.show(parts.name)} but ${settings.name} is ${rules.show(name)}: the import ID and the role must be the same; remove ${settings.name} or make them agree.`,
  );
  problems.when(
    path !== undefined && !rules.isToken(path) && path !== parts.path,
    `${setting} ${rules.show(imported)} has the path ${rules.show(parts.path)} but ${settings.path} is ${rules.show(path)}: Terraform would replace the role to move it; remove ${settings.path} or make them agree.`,
  );
}
