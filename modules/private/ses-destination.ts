import { Construct } from "constructs";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { Sesv2ConfigurationSetEventDestination } from "@cdktf/provider-aws/lib/sesv2-configuration-set-event-destination";
import { AwsContext } from "../aws-context";
import * as defaults from "./defaults";
import { defined } from "./defined";
import { roleName } from "./helpers";
import { policyDocument, trustPolicy } from "./policy";
import { ResolvedDestination } from "./resolve";

/** The role SES assumes to put records into the stream, and its policy. */
export interface SesRole {
  readonly role: IamRole;
  readonly policy: IamRolePolicy;
}

/**
 * The role SES assumes for this configuration set only (`AWS:SourceAccount` and `AWS:SourceArn`),
 * allowed `firehose:PutRecordBatch` on the stream only.
 */
export function createSesRole(
  scope: Construct,
  resolved: ResolvedDestination,
  aws: AwsContext,
  arns: { readonly configurationSet: string; readonly deliveryStream: string },
): SesRole {
  const { props, provider, sesRole: adopted } = resolved;
  const role = new IamRole(scope, "SesRole", defined({
    ...roleName(adopted.name, `${resolved.baseName.slice(0, 33)}-ses-`),
    path: adopted.path,
    description: `Lets SES publish events of configuration set ${props.configurationSetName} to Firehose.`,
    assumeRolePolicy: trustPolicy("AllowSesForThisConfigurationSet", "ses.amazonaws.com", {
      StringEquals: { "AWS:SourceAccount": aws.accountId, "AWS:SourceArn": arns.configurationSet },
    }),
    tags: resolved.tags,
    provider,
  }));
  if (resolved.imports.sesRole) role.importFrom(adopted.name!, provider);
  const policy = new IamRolePolicy(scope, "SesRolePolicy", defined({
    name: defaults.SES_ROLE_POLICY_NAME,
    role: role.id,
    policy: policyDocument({
      Sid: "PutEventRecords",
      Effect: "Allow",
      Action: ["firehose:PutRecordBatch"],
      Resource: [arns.deliveryStream],
    }),
    provider,
  }));
  return { role, policy };
}

/** The event destination that publishes the set's events to the stream. */
export function createEventDestination(
  scope: Construct,
  resolved: ResolvedDestination,
  target: { readonly configurationSetName: string; readonly deliveryStreamArn: string; readonly sesRoleArn: string; readonly sesRolePolicy?: IamRolePolicy | undefined },
): Sesv2ConfigurationSetEventDestination {
  const { props, provider, eventDestinationName } = resolved;
  const destination = new Sesv2ConfigurationSetEventDestination(scope, "EventDestination", defined({
    configurationSetName: target.configurationSetName,
    eventDestinationName,
    eventDestination: {
      enabled: resolved.enabled,
      matchingEventTypes: [...resolved.eventTypes],
      kinesisFirehoseDestination: { deliveryStreamArn: target.deliveryStreamArn, iamRoleArn: target.sesRoleArn },
    },
    dependsOn: target.sesRolePolicy ? [target.sesRolePolicy] : undefined,
    provider,
  }));
  if (resolved.imports.eventDestination) {
    destination.importFrom(`${props.configurationSetName}|${eventDestinationName}`, provider);
  }
  return destination;
}

/**
 * The CloudWatch event destination that counts the set's sends, deliveries, bounces and complaints
 * by the `ses:configuration-set` dimension, which the silent pipeline alarm and the dashboard read.
 */
export function createMetricsDestination(
  scope: Construct,
  resolved: ResolvedDestination,
  configurationSetName: string,
): Sesv2ConfigurationSetEventDestination {
  return new Sesv2ConfigurationSetEventDestination(scope, "MetricsDestination", defined({
    provider: resolved.provider,
    configurationSetName,
    eventDestinationName: defaults.METRICS_EVENT_DESTINATION_NAME,
    eventDestination: {
      enabled: true,
      matchingEventTypes: [...defaults.METRICS_EVENT_TYPES],
      cloudWatchDestination: {
        dimensionConfiguration: [
          {
            dimensionName: defaults.CONFIGURATION_SET_DIMENSION,
            dimensionValueSource: "MESSAGE_TAG",
            defaultDimensionValue: resolved.props.configurationSetName,
          },
        ],
      },
    },
  }));
}
