import { Construct } from "constructs";
import { TerraformProvider } from "cdktf";
import { Sesv2ConfigurationSet, Sesv2ConfigurationSetConfig } from "@cdktf/provider-aws/lib/sesv2-configuration-set";
import * as defaults from "./private/defaults";
import { defined } from "./private/defined";
import { CONFIGURATION_SET_PROPS } from "./private/prop-shapes";
import * as rules from "./private/validation";

/** Whether SES delivers a message over a connection that is not TLS (AWS CDK `ConfigurationSetTlsPolicy`). */
export enum ConfigurationSetTlsPolicy {
  /** Deliver only over TLS; a message to a server that does not offer it is not delivered. */
  REQUIRE = "REQUIRE",
  /** Use TLS when the receiving server offers it (SES always tries it first). */
  OPTIONAL = "OPTIONAL",
}

/** Which events put an address on the account suppression list (AWS CDK `SuppressionReasons`). */
export enum SuppressionReasons {
  /** Addresses that bounce or complain. */
  BOUNCES_AND_COMPLAINTS = "BOUNCES_AND_COMPLAINTS",
  /** Addresses that bounce. */
  BOUNCES_ONLY = "BOUNCES_ONLY",
  /** Addresses that complain. */
  COMPLAINTS_ONLY = "COMPLAINTS_ONLY",
}

/** How open and click tracking links use HTTPS (AWS CDK `HttpsPolicy`). */
export enum HttpsPolicy {
  /** Open and click links use HTTPS. */
  REQUIRE = "REQUIRE",
  /** The open pixel uses HTTPS, click links use the protocol of the original link. */
  REQUIRE_OPEN_ONLY = "REQUIRE_OPEN_ONLY",
  /** Both use the protocol of the original link. */
  OPTIONAL = "OPTIONAL",
}

/** Virtual Deliverability Manager options of the set; unset ones follow the account's VDM settings. */
export interface VdmOptions {
  /** Engagement tracking (opens and clicks) in the VDM dashboard. @default - the account's setting */
  readonly engagementMetrics?: boolean;
  /** Optimized shared delivery (Guardian). @default - the account's setting */
  readonly optimizedSharedDelivery?: boolean;
}

/** The options of a configuration set, named as AWS CDK's aws-ses `ConfigurationSet` names them. */
export interface ConfigurationSetOptions {
  /**
   * Publish the set's Reputation.BounceRate and Reputation.ComplaintRate to CloudWatch.
   * @default true
   */
  readonly reputationMetrics?: boolean;
  /**
   * Let messages be sent with the set; false pauses it.
   * @default - as SES has it (enabled on a new set); never re-enables a set SES or an operator paused
   */
  readonly sendingEnabled?: boolean;
  /**
   * Whether messages may be delivered without TLS.
   * @default - OPTIONAL, SES's own default: TLS whenever the receiving server offers it
   */
  readonly tlsPolicy?: ConfigurationSetTlsPolicy;
  /**
   * Events that put an address on the account suppression list for mail of this set; not with
   * `disableSuppressionList`.
   * @default - the account's suppression list settings
   */
  readonly suppressionReasons?: SuppressionReasons;
  /**
   * Ignore the account suppression list for mail of this set; not with `suppressionReasons`.
   * @default false
   */
  readonly disableSuppressionList?: boolean;
  /**
   * Host name (not a URL) of the domain open and click tracking links use, such as `track.example.com`.
   * @default - SES's own tracking domain
   */
  readonly customTrackingRedirectDomain?: string;
  /**
   * HTTPS use of tracking links; needs `customTrackingRedirectDomain`.
   * @default - OPTIONAL when a domain is set: REQUIRE needs HTTPS served for the domain first
   */
  readonly customTrackingHttpsPolicy?: HttpsPolicy;
  /**
   * Dedicated IP pool that sends the set's mail: 1-64 lowercase letters, digits, '_' or '-'.
   * @default - the shared pool (or the account's default dedicated pool)
   */
  readonly dedicatedIpPool?: string;
  /**
   * Seconds SES keeps trying to deliver a message before it gives up: 300-50400 (AWS CDK's
   * `maxDeliveryDuration`, in seconds).
   * @default - 50400 (14 hours), SES's own
   */
  readonly maxDeliveryDurationSeconds?: number;
  /** @default - the account's VDM settings */
  readonly vdmOptions?: VdmOptions;
}

export interface ConfigurationSetProps extends ConfigurationSetOptions {
  /** Name of the set: 1-64 letters, digits, '_' or '-'. Changing it replaces the set. */
  readonly configurationSetName: string;
  /**
   * Adopt the existing set of that name (a Terraform import block). Terraform clears every
   * delivery, suppression, tracking and VDM option the configuration leaves out, so state the
   * options the set has.
   * @default false
   */
  readonly importExisting?: boolean;
  /** @default - none beyond the provider's default tags */
  readonly tags?: Record<string, string>;
  /** @default - the stack's default AWS provider */
  readonly provider?: TerraformProvider;
}

/** An SES v2 configuration set with its sending options. */
export class ConfigurationSet extends Construct {
  /** Name of the configuration set. */
  readonly configurationSetName: string;
  /** ARN of the configuration set. */
  readonly configurationSetArn: string;
  /** True when the set publishes reputation metrics (the reputation alarms need them). */
  readonly reputationMetrics: boolean;
  /** The `aws_sesv2_configuration_set` resource. */
  readonly resource: Sesv2ConfigurationSet;

  constructor(scope: Construct, id: string, props: ConfigurationSetProps) {
    super(scope, id);
    // Read once into a plain copy, which the checks judge and everything below reads.
    props = rules.plainProps(props, CONFIGURATION_SET_PROPS);
    const problems = new rules.Problems();
    if (!rules.checkKnownProps(problems, "", props, CONFIGURATION_SET_PROPS)) problems.throwIfAny(`ConfigurationSet "${this.node.path}"`);
    problems.check("configurationSetName", props.configurationSetName, rules.SES_NAME);
    checkConfigurationSetOptions(problems, "", props);
    rules.checkTags(problems, "tags", props.tags);
    problems.throwIfAny(`ConfigurationSet "${this.node.path}"`);

    this.reputationMetrics = props.reputationMetrics ?? defaults.DEFAULT_REPUTATION_METRICS;
    // "Default" keeps the resource's Terraform address that of a set created directly under `scope`.
    this.resource = new Sesv2ConfigurationSet(this, "Default", defined({
      configurationSetName: props.configurationSetName,
      ...configurationSetBlocks(props),
      tags: props.tags,
      provider: props.provider,
    }));
    if (props.importExisting === true) this.resource.importFrom(props.configurationSetName, props.provider);
    this.configurationSetName = this.resource.configurationSetName;
    this.configurationSetArn = this.resource.arn;
  }
}

const REASONS: Record<SuppressionReasons, string[]> = {
  [SuppressionReasons.BOUNCES_AND_COMPLAINTS]: ["BOUNCE", "COMPLAINT"],
  [SuppressionReasons.BOUNCES_ONLY]: ["BOUNCE"],
  [SuppressionReasons.COMPLAINTS_ONLY]: ["COMPLAINT"],
};

const enabledOrNot = (on: boolean) => (on ? "ENABLED" : "DISABLED");

/** The resource's option blocks: each only when one of its options is set, reputation always. */
function configurationSetBlocks(options: ConfigurationSetOptions): Partial<Sesv2ConfigurationSetConfig> {
  const blocks: { -readonly [K in keyof Sesv2ConfigurationSetConfig]?: Sesv2ConfigurationSetConfig[K] } = {
    reputationOptions: { reputationMetricsEnabled: options.reputationMetrics ?? defaults.DEFAULT_REPUTATION_METRICS },
  };
  if (options.sendingEnabled !== undefined) blocks.sendingOptions = { sendingEnabled: options.sendingEnabled };
  if (options.tlsPolicy !== undefined || options.dedicatedIpPool !== undefined || options.maxDeliveryDurationSeconds !== undefined) {
    blocks.deliveryOptions = defined({
      tlsPolicy: options.tlsPolicy,
      sendingPoolName: options.dedicatedIpPool,
      maxDeliverySeconds: options.maxDeliveryDurationSeconds,
    });
  }
  if (options.disableSuppressionList === true) blocks.suppressionOptions = { suppressedReasons: [] };
  else if (options.suppressionReasons !== undefined) blocks.suppressionOptions = { suppressedReasons: [...REASONS[options.suppressionReasons]] };
  if (options.customTrackingRedirectDomain !== undefined) {
    blocks.trackingOptions = {
      customRedirectDomain: options.customTrackingRedirectDomain,
      httpsPolicy: options.customTrackingHttpsPolicy ?? defaults.DEFAULT_TRACKING_HTTPS_POLICY,
    };
  }
  const vdm = options.vdmOptions;
  if (vdm?.engagementMetrics !== undefined || vdm?.optimizedSharedDelivery !== undefined) {
    blocks.vdmOptions = defined({
      dashboardOptions: vdm.engagementMetrics === undefined ? undefined : { engagementMetrics: enabledOrNot(vdm.engagementMetrics) },
      guardianOptions: vdm.optimizedSharedDelivery === undefined ? undefined : { optimizedSharedDelivery: enabledOrNot(vdm.optimizedSharedDelivery) },
    });
  }
  return blocks;
}

/**
 * A DNS host name: labels of letters, digits and '-', at least two, 253 characters at most; the
 * last label (a top-level domain) is never all digits, so an IP address is not one.
 */
const HOST_NAME = /^(?=.{1,253}$)(?!-)[A-Za-z0-9-]{1,63}(?<!-)(\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))*\.(?!-)(?![0-9]+$)[A-Za-z0-9-]{1,63}(?<!-)$/;

/** The rules the SES API and the provider enforce on a set's options; `at` prefixes each setting ("configurationSet."). */
export function checkConfigurationSetOptions(problems: rules.Problems, at: string, options: ConfigurationSetOptions): void {
  problems.check(`${at}tlsPolicy`, options.tlsPolicy, rules.oneOf(Object.values(ConfigurationSetTlsPolicy)));
  problems.check(`${at}suppressionReasons`, options.suppressionReasons, rules.oneOf(Object.values(SuppressionReasons)));
  problems.check(`${at}customTrackingHttpsPolicy`, options.customTrackingHttpsPolicy, rules.oneOf(Object.values(HttpsPolicy)));
  problems.check(
    `${at}customTrackingRedirectDomain`,
    options.customTrackingRedirectDomain,
    {
      test: (v) => typeof v === "string" && !/^[a-z][a-z0-9+.-]*:\/\//i.test(v) && !v.includes("/"),
      text: "use a host name such as track.example.com, not a URL: no scheme and no path",
    },
    rules.pattern(HOST_NAME, "use a host name such as track.example.com: at least two labels of letters, digits or '-', 253 characters at most, not an IP address"),
  );
  problems.check(
    `${at}dedicatedIpPool`,
    options.dedicatedIpPool,
    rules.pattern(/^[a-z0-9_-]{1,64}$/, "use 1-64 lowercase letters, digits, '_' or '-', the name of a dedicated IP pool of the account"),
  );
  problems.check(
    `${at}maxDeliveryDurationSeconds`,
    options.maxDeliveryDurationSeconds,
    rules.integerBetween(defaults.MIN_MAX_DELIVERY_SECONDS, defaults.MAX_MAX_DELIVERY_SECONDS),
  );
  problems.when(
    options.customTrackingHttpsPolicy !== undefined && options.customTrackingRedirectDomain === undefined,
    `${at}customTrackingHttpsPolicy is set but ${at}customTrackingRedirectDomain is not: the HTTPS policy applies to a custom tracking domain; set the domain or remove the policy.`,
  );
  problems.when(
    options.disableSuppressionList === true && options.suppressionReasons !== undefined,
    `${at}suppressionReasons and ${at}disableSuppressionList are both set: a set either ignores the account suppression list or adds addresses to it for the reasons given; remove one of them.`,
  );
}

/** True when any option of a set is given (the ones a set the module does not create cannot take). */
export function hasConfigurationSetOptions(options: ConfigurationSetOptions): boolean {
  return Object.values(options).some((value) => value !== undefined);
}
