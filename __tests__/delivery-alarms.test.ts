import { TerraformVariable } from "cdktf";
import { errorOf, newStack, parse, synth } from "./helpers";
import { DeliveryAlarms, DeliveryAlarmsProps, SesEventType, SesFirehoseEventDestination } from "../modules";

const KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

describe("alarms", () => {
  it("creates no alarms by default", () => {
    const out = synth();
    expect(out.resources("aws_cloudwatch_metric_alarm")).toHaveLength(0);
    expect(out.resources("aws_sns_topic")).toHaveLength(0);
  });

  it("alarms on delivery freshness and success into a topic it creates", () => {
    const out = synth({ alarms: { enabled: true } });
    const topic = "${aws_sns_topic.Events_Alarms_Topic_D9F7CAB9.arn}";
    const alarms = out.resources("aws_cloudwatch_metric_alarm").filter((a) => a.namespace === "AWS/Firehose");
    expect(alarms.map((a) => [a.metric_name, a.statistic, a.comparison_operator, a.threshold])).toEqual([
      ["DeliveryToS3.DataFreshness", "Maximum", "GreaterThanThreshold", 900],
      ["DeliveryToS3.Success", "Minimum", "LessThanThreshold", 1],
    ]);
    for (const alarm of alarms) {
      expect(alarm).toMatchObject({
        namespace: "AWS/Firehose",
        dimensions: { DeliveryStreamName: "${aws_kinesis_firehose_delivery_stream.Events_Stream_DD98C46B.name}" },
        period: 300,
        alarm_actions: [topic],
        ok_actions: [topic],
      });
    }
  });

  it("encrypts the alarm topic it creates with the customer managed key when kmsKeyArn is set", () => {
    expect(synth({ alarms: { enabled: true } }).resource("aws_sns_topic").kms_master_key_id).toBeUndefined();
    const topic = synth({ alarms: { enabled: true }, deliveryStream: { kmsKeyArn: KEY } }).resource("aws_sns_topic");
    expect(topic.kms_master_key_id).toBe(KEY);
  });

  it("notifies the topic it is given and creates none", () => {
    const topic = "arn:aws:sns:us-east-1:123456789012:oncall";
    const out = synth({ alarms: { enabled: true, snsTopicArn: topic, freshnessThresholdSeconds: 1200, periodSeconds: 600 } });
    expect(out.resources("aws_sns_topic")).toHaveLength(0);
    const freshness = out.resources("aws_cloudwatch_metric_alarm").find((a) => a.metric_name === "DeliveryToS3.DataFreshness");
    expect(freshness).toMatchObject({ alarm_actions: [topic], threshold: 1200, period: 600 });
  });
});

const SET_NAME = "${aws_sesv2_configuration_set.Events_ConfigurationSet_6B5CCE2B.configuration_set_name}";
const STREAM_NAME = "${aws_kinesis_firehose_delivery_stream.Events_Stream_DD98C46B.name}";

/** The alarm named `<set or stream name>-<suffix>`. */
function alarm(out: ReturnType<typeof synth>, suffix: string) {
  const found = out.resources("aws_cloudwatch_metric_alarm").filter((a) => String(a.alarm_name).endsWith(`-${suffix}`));
  if (found.length !== 1) throw new Error(`expected one alarm named <name>-${suffix}, found ${found.length}`);
  return found[0]!;
}

describe("reputation alarms", () => {
  const TOPIC = "${aws_sns_topic.Events_Alarms_Topic_D9F7CAB9.arn}";

  it("alarms on the set's bounce rate at 2.5%, half of SES's review level, into the delivery alarms' topic", () => {
    expect(alarm(synth({ alarms: { enabled: true } }), "bounce-rate")).toEqual({
      alarm_name: `${SET_NAME}-bounce-rate`,
      alarm_description: `The bounce rate of configuration set ${SET_NAME} is at least 2.5% (SES reviews an account at 5% and may pause sending at 10%).`,
      namespace: "AWS/SES",
      metric_name: "Reputation.BounceRate",
      dimensions: { "ses:configuration-set": SET_NAME },
      statistic: "Maximum",
      period: 3600,
      evaluation_periods: 1,
      comparison_operator: "GreaterThanOrEqualToThreshold",
      threshold: 0.025,
      treat_missing_data: "ignore",
      alarm_actions: [TOPIC],
      ok_actions: [TOPIC],
    });
  });

  it("alarms on the set's complaint rate at 0.05%, half of SES's review level", () => {
    expect(alarm(synth({ alarms: { enabled: true } }), "complaint-rate")).toMatchObject({
      namespace: "AWS/SES",
      metric_name: "Reputation.ComplaintRate",
      statistic: "Maximum",
      comparison_operator: "GreaterThanOrEqualToThreshold",
      threshold: 0.0005,
      treat_missing_data: "ignore",
      alarm_actions: [TOPIC],
    });
  });

  it("takes the thresholds it is given", () => {
    const out = synth({ alarms: { enabled: true, bounceRateThreshold: 0.05, complaintRateThreshold: 0.001 } });
    expect(alarm(out, "bounce-rate").threshold).toBe(0.05);
    expect(alarm(out, "complaint-rate")).toMatchObject({
      threshold: 0.001,
      alarm_description: expect.stringMatching(/ is at least 0\.1% \(SES reviews an account at 0\.1% and may pause sending at 0\.5%\)\.$/),
    });
  });

  it("creates no reputation alarms with alarms.reputation false, or for a set the module does not manage", () => {
    const names = (out: ReturnType<typeof synth>) => out.resources("aws_cloudwatch_metric_alarm").map((a) => a.metric_name);
    expect(names(synth({ alarms: { enabled: true, reputation: false } }))).not.toContain("Reputation.BounceRate");
    expect(names(synth({ createConfigurationSet: false, alarms: { enabled: true } }))).not.toContain("Reputation.BounceRate");
    const existing = synth({ createConfigurationSet: false, alarms: { enabled: true, reputation: true } });
    expect(alarm(existing, "bounce-rate")).toMatchObject({ alarm_name: "ses-events-bounce-rate", dimensions: { "ses:configuration-set": "ses-events" } });
  });

  it.each([
    ["reputation alarms by default without reputation metrics", { configurationSet: { reputationMetrics: false }, alarms: { enabled: true } }, "alarms.reputation is on by default but configurationSet.reputationMetrics is false: SES publishes a set's Reputation.BounceRate and Reputation.ComplaintRate only with reputation metrics on; turn them on, or set alarms.reputation to false."],
    ["reputation alarms without reputation metrics", { configurationSet: { reputationMetrics: false }, alarms: { enabled: true, reputation: true } }, "alarms.reputation is true but configurationSet.reputationMetrics is false: SES publishes a set's Reputation.BounceRate and Reputation.ComplaintRate only with reputation metrics on; turn them on, or set alarms.reputation to false."],
    ["a bounce rate threshold given in percent", { alarms: { enabled: true, bounceRateThreshold: 5 } }, "alarms.bounceRateThreshold 5 is invalid: use a rate above 0 and at most 1, such as 0.025 for 2.5%."],
    ["a zero complaint rate threshold", { alarms: { enabled: true, complaintRateThreshold: 0 } }, "alarms.complaintRateThreshold 0 is invalid: use a rate above 0 and at most 1, such as 0.0005 for 0.05%."],
    ["a silent pipeline alarm without SEND events", { eventTypes: [SesEventType.BOUNCE], alarms: { enabled: true, silentPipeline: true } }, "alarms.silentPipeline is true but eventTypes does not list SEND: the alarm expects a record in the stream for each hour with sends; list SEND in eventTypes or set alarms.silentPipeline to false."],
    ["a silent pipeline alarm while publishing is off", { enabled: false, alarms: { enabled: true, silentPipeline: true } }, "alarms.silentPipeline is true but enabled is false: a destination that publishes nothing would raise the alarm whenever SES sends; set alarms.silentPipeline to false while publishing is off."],
    ["an event destination named as the metrics destination", { eventDestinationName: "cloudwatch-metrics", alarms: { enabled: true } }, 'eventDestinationName "cloudwatch-metrics" is the name of the CloudWatch event destination the alarms and the dashboard use; choose another name.'],
  ])("rejects %s", (_, props, message) => {
    expect(errorOf(props)).toContain(`\n  - ${message}`);
  });

  it("accepts reputation metrics off with alarms.reputation false", () => {
    const out = synth({ configurationSet: { reputationMetrics: false }, alarms: { enabled: true, reputation: false } });
    expect(out.resources("aws_cloudwatch_metric_alarm").map((a) => a.metric_name)).not.toContain("Reputation.BounceRate");
  });
});

describe("silent pipeline alarm", () => {
  it("alarms when SES sends with the set in two whole hours in a row and no record reaches the stream", () => {
    const silent = alarm(synth({ alarms: { enabled: true } }), "silent-pipeline");
    expect(silent).toMatchObject({
      comparison_operator: "GreaterThanOrEqualToThreshold",
      threshold: 1,
      evaluation_periods: 2,
      datapoints_to_alarm: 2,
      treat_missing_data: "notBreaching",
      alarm_actions: ["${aws_sns_topic.Events_Alarms_Topic_D9F7CAB9.arn}"],
    });
    expect(silent).not.toHaveProperty("metric_name");
    expect(silent.metric_query).toEqual([
      {
        id: "sends",
        label: "Sends",
        return_data: false,
        metric: {
          namespace: "AWS/SES",
          metric_name: "Send",
          dimensions: { "ses:configuration-set": SET_NAME },
          period: 3600,
          stat: "Sum",
        },
      },
      {
        id: "records",
        label: "Records in",
        return_data: false,
        metric: {
          namespace: "AWS/Firehose",
          metric_name: "IncomingRecords",
          dimensions: { DeliveryStreamName: STREAM_NAME },
          period: 3600,
          stat: "Sum",
        },
      },
      {
        id: "silent",
        expression: "IF(FILL(sends, 0) > 0 AND FILL(records, 0) == 0, 1, 0)",
        label: "Sends with no record in the stream",
        return_data: true,
      },
    ]);
  });

  it("counts the set's sends with a CloudWatch event destination by the ses:configuration-set message tag", () => {
    const destinations = synth({ alarms: { enabled: true } }).resources("aws_sesv2_configuration_set_event_destination");
    const metrics = destinations.find((d) => d.event_destination_name === "cloudwatch-metrics");
    expect(metrics).toEqual({
      configuration_set_name: "${aws_sesv2_configuration_set.Events_ConfigurationSet_6B5CCE2B.configuration_set_name}",
      event_destination_name: "cloudwatch-metrics",
      event_destination: {
        enabled: true,
        matching_event_types: ["SEND", "DELIVERY", "BOUNCE", "COMPLAINT"],
        cloud_watch_destination: {
          dimension_configuration: [
            { dimension_name: "ses:configuration-set", dimension_value_source: "MESSAGE_TAG", default_dimension_value: "ses-events" },
          ],
        },
      },
    });
  });

  it("is not created when the destination does not publish SEND events or publishes nothing, or when turned off", () => {
    const has = (props: Parameters<typeof synth>[0]) =>
      synth(props).resources("aws_cloudwatch_metric_alarm").some((a) => a.alarm_name === `${STREAM_NAME}-silent-pipeline`);
    expect(has({ alarms: { enabled: true } })).toBe(true);
    expect(has({ eventTypes: [SesEventType.BOUNCE, SesEventType.COMPLAINT], alarms: { enabled: true } })).toBe(false);
    expect(has({ enabled: false, alarms: { enabled: true } })).toBe(false);
    expect(has({ alarms: { enabled: true, silentPipeline: false } })).toBe(false);
  });

  it("creates no metrics destination without alarms or a dashboard", () => {
    const names = synth().resources("aws_sesv2_configuration_set_event_destination").map((d) => d.event_destination_name);
    expect(names).toEqual(["firehose"]);
  });
});

describe("reputation alarm thresholds from Terraform", () => {
  it("passes a threshold that is a token through unchecked and does not print it as a percentage", () => {
    const stack = newStack();
    const threshold = new TerraformVariable(stack, "bounce", { type: "number" });
    new SesFirehoseEventDestination(stack, "Events", {
      configurationSetName: "ses-events",
      alarms: { enabled: true, bounceRateThreshold: threshold.numberValue },
    });
    const bounce = parse(stack).resources("aws_cloudwatch_metric_alarm").find((a) => a.metric_name === "Reputation.BounceRate")!;
    expect(bounce.threshold).toBe("${var.bounce}");
    expect(bounce.alarm_description).toContain(" is at least the threshold (SES reviews an account at 5%");
  });
});

describe("DeliveryAlarms on its own", () => {
  function errorOfAlarms(props: Partial<DeliveryAlarmsProps>): string {
    try {
      new DeliveryAlarms(newStack(), "Alarms", { deliveryStreamName: "mail", ...props });
    } catch (error) {
      return (error as Error).message;
    }
    throw new Error("expected the props to be rejected");
  }

  it("checks its own props, every problem in one error", () => {
    expect(
      errorOfAlarms({
        deliveryStreamName: "a/b",
        snsTopicArn: "topic",
        periodSeconds: 90,
        freshnessThresholdSeconds: 30,
        bounceRateThreshold: 2,
        topicKmsKeyArn: "key",
        configurationSetName: "my set",
        tags: { "aws:owner": "me" },
      }),
    ).toMatch(
      new RegExp(
        [
          '^DeliveryAlarms "test/Alarms": invalid settings:',
          `  - deliveryStreamName "a/b" is invalid: use 1-64 letters, digits, '_', '\\.' or '-'\\.`,
          '  - snsTopicArn "topic" is invalid: .*',
          "  - periodSeconds 90 is invalid: use a multiple of 60\\.",
          "  - freshnessThresholdSeconds 30 is invalid: use a whole number from 60 to 86400\\.",
          "  - bounceRateThreshold 2 is invalid: use a rate above 0 and at most 1, such as 0\\.025 for 2\\.5%\\.",
          '  - topicKmsKeyArn "key" is invalid: .*',
          `  - configurationSetName "my set" is invalid: use 1-64 letters, digits, '_' or '-'\\.`,
          "  - tags .*$",
        ].join("\n"),
      ),
    );
  });

  it("refuses alarms on the configuration set without its name", () => {
    expect(errorOfAlarms({ reputation: true, silentPipeline: true })).toBe(
      [
        'DeliveryAlarms "test/Alarms": invalid settings:',
        "  - reputation is true but configurationSetName is not set: the alarm watches the configuration set's metrics; name the set or set reputation to false.",
        "  - silentPipeline is true but configurationSetName is not set: the alarm watches the configuration set's metrics; name the set or set silentPipeline to false.",
      ].join("\n"),
    );
  });

  it("names its topic after the stream, and keeps a topic whose prefix changes later", () => {
    const stack = newStack();
    new DeliveryAlarms(stack, "Alarms", { deliveryStreamName: "mail.events" });
    expect(parse(stack).resource("aws_sns_topic")).toEqual({ name_prefix: "mail-events-alarms-", lifecycle: { ignore_changes: ["name_prefix"] } });
  });

  it("takes a topic name prefix, and a fixed one for a stream named by a token", () => {
    const stack = newStack();
    new DeliveryAlarms(stack, "Alarms", { deliveryStreamName: "mail", topicNamePrefix: "oncall-mail-" });
    const name = new TerraformVariable(stack, "stream", { type: "string" }).stringValue;
    new DeliveryAlarms(stack, "Other", { deliveryStreamName: name });
    expect(parse(stack).resources("aws_sns_topic").map((topic) => topic.name_prefix)).toEqual(["oncall-mail-", "ses-events-delivery-alarms-"]);
  });

  it.each(["mail.alarms-", "", "x".repeat(201)])("refuses the topic name prefix %j", (prefix) => {
    expect(errorOfAlarms({ topicNamePrefix: prefix })).toBe(
      `DeliveryAlarms "test/Alarms": invalid settings:\n  - topicNamePrefix ${JSON.stringify(prefix).length > 202 ? `"${"x".repeat(180)}…" (201 characters)` : JSON.stringify(prefix)} is invalid: use 1-200 letters, digits, '_' or '-'.`,
    );
  });

  it("takes the options DeliveryAlarmOptions has, besides the stream and the set", () => {
    const stack = newStack();
    new DeliveryAlarms(stack, "Alarms", { deliveryStreamName: "mail", configurationSetName: "mail", reputation: true, bounceRateThreshold: 0.04, periodSeconds: 120 });
    const alarms = parse(stack).resources("aws_cloudwatch_metric_alarm");
    expect(alarms.find((a) => a.alarm_name === "mail-bounce-rate")?.threshold).toBe(0.04);
    expect(alarms.find((a) => a.alarm_name === "mail-delivery-success")?.period).toBe(120);
  });
});
