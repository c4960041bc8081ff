import { TerraformOutput } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import {
  ConfigurationSet,
  ConfigurationSetProps,
  ConfigurationSetTlsPolicy,
  HttpsPolicy,
  SesFirehoseEventDestination,
  SuppressionReasons,
} from "../modules";
import { errorOf, newStack, parse, synth } from "./helpers";

const SET = "aws_sesv2_configuration_set";

/** Synthesizes one ConfigurationSet with `props` in a fresh stack. */
function synthSet(props: Partial<ConfigurationSetProps> = {}) {
  const stack = newStack();
  new ConfigurationSet(stack, "Set", { configurationSetName: "mail", ...props });
  return parse(stack);
}

function setErrorOf(props: Partial<ConfigurationSetProps>): string {
  try {
    synthSet(props);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("expected the props to be rejected");
}

describe("ConfigurationSet", () => {
  it("turns reputation metrics on and sets nothing else by default", () => {
    const set = synthSet().resource(SET);
    expect(set).toEqual({ configuration_set_name: "mail", reputation_options: { reputation_metrics_enabled: true } });
  });

  it("keeps the Terraform address the destination's set had before it was a construct of its own", () => {
    const out = synth();
    expect(Object.keys(out.json.resource![SET]!)).toEqual(["Events_ConfigurationSet_6B5CCE2B"]);
    expect(out.json).not.toHaveProperty("moved");
  });

  it("keeps the address the app's deployed stacks hold, so they plan no replacement", () => {
    // The address the app's stack gave the set when the destination created the resource itself.
    const stack = newStack();
    new SesFirehoseEventDestination(stack, "SesEvents", { configurationSetName: "ses-events" });
    expect(Object.keys(parse(stack).json.resource![SET]!)).toEqual(["SesEvents_ConfigurationSet_65443E6E"]);
  });

  it("renders every option in its provider block", () => {
    const set = synthSet({
      reputationMetrics: false,
      sendingEnabled: false,
      tlsPolicy: ConfigurationSetTlsPolicy.REQUIRE,
      dedicatedIpPool: "transactional-pool",
      maxDeliveryDurationSeconds: 3600,
      suppressionReasons: SuppressionReasons.BOUNCES_ONLY,
      customTrackingRedirectDomain: "track.example.com",
      customTrackingHttpsPolicy: HttpsPolicy.REQUIRE,
      vdmOptions: { engagementMetrics: true, optimizedSharedDelivery: false },
    }).resource(SET);
    expect(set).toEqual({
      configuration_set_name: "mail",
      reputation_options: { reputation_metrics_enabled: false },
      sending_options: { sending_enabled: false },
      delivery_options: { tls_policy: "REQUIRE", sending_pool_name: "transactional-pool", max_delivery_seconds: 3600 },
      suppression_options: { suppressed_reasons: ["BOUNCE"] },
      tracking_options: { custom_redirect_domain: "track.example.com", https_policy: "REQUIRE" },
      vdm_options: { dashboard_options: { engagement_metrics: "ENABLED" }, guardian_options: { optimized_shared_delivery: "DISABLED" } },
    });
  });

  it.each([
    [SuppressionReasons.BOUNCES_AND_COMPLAINTS, ["BOUNCE", "COMPLAINT"]],
    [SuppressionReasons.BOUNCES_ONLY, ["BOUNCE"]],
    [SuppressionReasons.COMPLAINTS_ONLY, ["COMPLAINT"]],
  ])("suppresses addresses for %s", (reasons, expected) => {
    expect(synthSet({ suppressionReasons: reasons }).resource(SET).suppression_options).toEqual({ suppressed_reasons: expected });
  });

  it("ignores the account suppression list with an empty reason list when disableSuppressionList is true", () => {
    expect(synthSet({ disableSuppressionList: true }).resource(SET).suppression_options).toEqual({ suppressed_reasons: [] });
    expect(synthSet({ disableSuppressionList: false }).resource(SET)).not.toHaveProperty("suppression_options");
  });

  it("gives a tracking domain the OPTIONAL HTTPS policy unless one is set", () => {
    expect(synthSet({ customTrackingRedirectDomain: "track.example.com" }).resource(SET).tracking_options).toEqual({
      custom_redirect_domain: "track.example.com",
      https_policy: "OPTIONAL",
    });
  });

  it("leaves TLS, sending, delivery, tracking and VDM to SES's defaults when they are not set", () => {
    const set = synthSet().resource(SET);
    for (const block of ["delivery_options", "sending_options", "suppression_options", "tracking_options", "vdm_options"]) {
      expect(set).not.toHaveProperty(block);
    }
  });

  it("renders only the VDM block whose option is set", () => {
    expect(synthSet({ vdmOptions: { optimizedSharedDelivery: true } }).resource(SET).vdm_options).toEqual({
      guardian_options: { optimized_shared_delivery: "ENABLED" },
    });
    expect(synthSet({ vdmOptions: {} }).resource(SET)).not.toHaveProperty("vdm_options");
  });

  it("imports the existing set by its name when importExisting is true", () => {
    const out = synthSet({ importExisting: true, tlsPolicy: ConfigurationSetTlsPolicy.REQUIRE });
    expect(out.json.import).toEqual([{ to: "aws_sesv2_configuration_set.Set", id: "mail" }]);
  });

  it("creates its set with the provider it is given", () => {
    const stack = newStack();
    const eu = new AwsProvider(stack, "eu", { region: "eu-west-1", alias: "eu" });
    new ConfigurationSet(stack, "Set", { configurationSetName: "mail", provider: eu });
    expect(parse(stack).resource(SET).provider).toBe("aws.eu");
  });

  it("exposes its name and ARN as references and whether it publishes reputation metrics", () => {
    const stack = newStack();
    const set = new ConfigurationSet(stack, "Set", { configurationSetName: "mail", reputationMetrics: false });
    new TerraformOutput(stack, "name", { value: set.configurationSetName });
    new TerraformOutput(stack, "arn", { value: set.configurationSetArn });
    expect(parse(stack).json.output).toEqual({
      name: { value: "${aws_sesv2_configuration_set.Set.configuration_set_name}" },
      arn: { value: "${aws_sesv2_configuration_set.Set.arn}" },
    });
    expect(set.reputationMetrics).toBe(false);
  });

  it("names itself in its errors and reports every problem together", () => {
    expect(setErrorOf({ configurationSetName: "my set", maxDeliveryDurationSeconds: 60 })).toBe(
      'ConfigurationSet "test/Set": invalid settings:\n' +
        `  - configurationSetName "my set" is invalid: use 1-64 letters, digits, '_' or '-'.\n` +
        "  - maxDeliveryDurationSeconds 60 is invalid: use a whole number from 300 to 50400.",
    );
  });
});

describe("configuration set options of the destination", () => {
  it("passes configurationSet to the set it creates", () => {
    const set = synth({ configurationSet: { tlsPolicy: ConfigurationSetTlsPolicy.REQUIRE, dedicatedIpPool: "pool-1" } }).resource(SET);
    expect(set.delivery_options).toEqual({ tls_policy: "REQUIRE", sending_pool_name: "pool-1" });
  });

  it("uses a ConfigurationSet it is given and creates no other", () => {
    const stack = newStack();
    const set = new ConfigurationSet(stack, "Mail", { configurationSetName: "mail", tlsPolicy: ConfigurationSetTlsPolicy.REQUIRE });
    const events = new SesFirehoseEventDestination(stack, "Events", { configurationSetName: "mail", configurationSet: set });
    const out = parse(stack);
    expect(Object.keys(out.json.resource![SET]!)).toEqual(["Mail"]);
    expect(events.configurationSet).toBe(set);
    expect(out.resource("aws_sesv2_configuration_set_event_destination").configuration_set_name).toBe(
      "${aws_sesv2_configuration_set.Mail.configuration_set_name}",
    );
  });

  it("refuses a given ConfigurationSet of another name", () => {
    const stack = newStack();
    const set = new ConfigurationSet(stack, "Mail", { configurationSetName: "mail" });
    expect(() => new SesFirehoseEventDestination(stack, "Events", { configurationSetName: "other", configurationSet: set })).toThrow(
      '  - configurationSet is the ConfigurationSet "mail" but configurationSetName is "other": the event destination and the SES role name the set; make them the same.',
    );
  });

  it("refuses a given ConfigurationSet with createConfigurationSet false or importExisting.configurationSet", () => {
    const stack = newStack();
    const set = new ConfigurationSet(stack, "Mail", { configurationSetName: "mail" });
    expect(() =>
      new SesFirehoseEventDestination(stack, "Events", {
        configurationSetName: "mail",
        configurationSet: set,
        createConfigurationSet: false,
        importExisting: { configurationSet: true },
      }),
    ).toThrow(
      "  - configurationSet is a ConfigurationSet construct and createConfigurationSet is false: the given set is used as it is; remove createConfigurationSet.\n" +
        "  - importExisting.configurationSet is true with a ConfigurationSet construct as configurationSet: the construct imports its own set (its importExisting prop); remove one of them.",
    );
  });

  it("imports the set with the options it states and plans to clear none it did not state", () => {
    const out = synth({
      configurationSet: { tlsPolicy: ConfigurationSetTlsPolicy.REQUIRE, customTrackingRedirectDomain: "click.example.com" },
      importExisting: { configurationSet: true },
    });
    expect(out.json.import).toEqual([{ to: "aws_sesv2_configuration_set.Events_ConfigurationSet_6B5CCE2B", id: "ses-events" }]);
    expect(out.resource(SET)).toMatchObject({
      delivery_options: { tls_policy: "REQUIRE" },
      tracking_options: { custom_redirect_domain: "click.example.com", https_policy: "OPTIONAL" },
    });
  });

  it.each([
    ["importing a set without stating its options", { importExisting: { configurationSet: true } }, "importExisting.configurationSet is true but configurationSet is not set: Terraform clears every delivery, suppression, tracking and VDM option of the existing set that the configuration leaves out, so state the options the set has (tlsPolicy, dedicatedIpPool, maxDeliveryDurationSeconds, suppressionReasons or disableSuppressionList, customTrackingRedirectDomain and customTrackingHttpsPolicy, vdmOptions; configurationSet {} for a set with none)."],
    ["options on a set the module does not create", { createConfigurationSet: false, configurationSet: { tlsPolicy: ConfigurationSetTlsPolicy.REQUIRE } }, "configurationSet is set but createConfigurationSet is false: options apply only to a set the module creates, and an existing set keeps its own; remove configurationSet, or adopt the set with importExisting.configurationSet."],
    ["a TLS policy SES does not know", { configurationSet: { tlsPolicy: "STRICT" as ConfigurationSetTlsPolicy } }, 'configurationSet.tlsPolicy "STRICT" is invalid: use one of REQUIRE, OPTIONAL.'],
    ["suppression reasons AWS CDK does not name", { configurationSet: { suppressionReasons: "BOUNCE" as SuppressionReasons } }, 'configurationSet.suppressionReasons "BOUNCE" is invalid: use one of BOUNCES_AND_COMPLAINTS, BOUNCES_ONLY, COMPLAINTS_ONLY.'],
    ["an HTTPS policy SES does not know", { configurationSet: { customTrackingRedirectDomain: "t.example.com", customTrackingHttpsPolicy: "ALWAYS" as HttpsPolicy } }, 'configurationSet.customTrackingHttpsPolicy "ALWAYS" is invalid: use one of REQUIRE, REQUIRE_OPEN_ONLY, OPTIONAL.'],
    ["a tracking domain given as a URL", { configurationSet: { customTrackingRedirectDomain: "https://track.example.com" } }, 'configurationSet.customTrackingRedirectDomain "https://track.example.com" is invalid: use a host name such as track.example.com, not a URL: no scheme and no path.'],
    ["a tracking domain with a path", { configurationSet: { customTrackingRedirectDomain: "track.example.com/c" } }, 'configurationSet.customTrackingRedirectDomain "track.example.com/c" is invalid: use a host name such as track.example.com, not a URL: no scheme and no path.'],
    ["a tracking domain of one label", { configurationSet: { customTrackingRedirectDomain: "localhost" } }, `configurationSet.customTrackingRedirectDomain "localhost" is invalid: use a host name such as track.example.com: at least two labels of letters, digits or '-', 253 characters at most, not an IP address.`],
    ["a tracking domain label starting with '-'", { configurationSet: { customTrackingRedirectDomain: "-track.example.com" } }, `configurationSet.customTrackingRedirectDomain "-track.example.com" is invalid: use a host name such as track.example.com: at least two labels of letters, digits or '-', 253 characters at most, not an IP address.`],
    ["a tracking domain given as an IP address", { configurationSet: { customTrackingRedirectDomain: "192.0.2.10" } }, `configurationSet.customTrackingRedirectDomain "192.0.2.10" is invalid: use a host name such as track.example.com: at least two labels of letters, digits or '-', 253 characters at most, not an IP address.`],
    ["an HTTPS policy without a tracking domain", { configurationSet: { customTrackingHttpsPolicy: HttpsPolicy.REQUIRE } }, "configurationSet.customTrackingHttpsPolicy is set but configurationSet.customTrackingRedirectDomain is not: the HTTPS policy applies to a custom tracking domain; set the domain or remove the policy."],
    ["suppression reasons with the suppression list disabled", { configurationSet: { suppressionReasons: SuppressionReasons.BOUNCES_ONLY, disableSuppressionList: true } }, "configurationSet.suppressionReasons and configurationSet.disableSuppressionList are both set: a set either ignores the account suppression list or adds addresses to it for the reasons given; remove one of them."],
    ["a pool name with capitals", { configurationSet: { dedicatedIpPool: "MyPool" } }, `configurationSet.dedicatedIpPool "MyPool" is invalid: use 1-64 lowercase letters, digits, '_' or '-', the name of a dedicated IP pool of the account.`],
    ["a pool name over 64 characters", { configurationSet: { dedicatedIpPool: "p".repeat(65) } }, `configurationSet.dedicatedIpPool "${"p".repeat(65)}" is invalid: use 1-64 lowercase letters, digits, '_' or '-', the name of a dedicated IP pool of the account.`],
    ["an empty pool name", { configurationSet: { dedicatedIpPool: "" } }, `configurationSet.dedicatedIpPool "" is invalid: use 1-64 lowercase letters, digits, '_' or '-', the name of a dedicated IP pool of the account.`],
    ["a delivery duration under 5 minutes", { configurationSet: { maxDeliveryDurationSeconds: 299 } }, "configurationSet.maxDeliveryDurationSeconds 299 is invalid: use a whole number from 300 to 50400."],
    ["a delivery duration over 14 hours", { configurationSet: { maxDeliveryDurationSeconds: 50401 } }, "configurationSet.maxDeliveryDurationSeconds 50401 is invalid: use a whole number from 300 to 50400."],
    ["a fractional delivery duration", { configurationSet: { maxDeliveryDurationSeconds: 600.5 } }, "configurationSet.maxDeliveryDurationSeconds 600.5 is invalid: use a whole number from 300 to 50400."],
  ])("rejects %s", (_, props, message) => {
    expect(errorOf(props)).toContain(`\n  - ${message}`);
  });

  it("accepts the limits of each range and a host name of many labels", () => {
    for (const seconds of [300, 50400]) {
      expect(synth({ configurationSet: { maxDeliveryDurationSeconds: seconds } }).resource(SET).delivery_options).toEqual({
        max_delivery_seconds: seconds,
      });
    }
    expect(synth({ configurationSet: { customTrackingRedirectDomain: "a-1.track.mail.example.co.uk" } }).resource(SET).tracking_options).toMatchObject({
      custom_redirect_domain: "a-1.track.mail.example.co.uk",
    });
    expect(synth({ configurationSet: { dedicatedIpPool: "ses-default-dedicated-pool" } }).resource(SET).delivery_options).toEqual({
      sending_pool_name: "ses-default-dedicated-pool",
    });
  });

  it("allows an empty configurationSet on a set the module does not create", () => {
    expect(synth({ createConfigurationSet: false, configurationSet: {} }).resources(SET)).toHaveLength(0);
  });
});
