import { TerraformVariable } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { PipelineDashboard } from "../modules";
import { errorOf, newStack, parse, synth } from "./helpers";

const EXISTING_STREAM = "arn:aws:firehose:us-east-1:123456789012:deliverystream/existing";
const REGION = "${data.aws_region.AwsContext_Region_51268B9B.region}";
const STREAM_NAME = "${aws_kinesis_firehose_delivery_stream.Events_Stream_DD98C46B.name}";

interface Widget {
  type: string;
  properties: { title: string; region: string; metrics: unknown[][]; annotations?: { horizontal: { label: string; value: number }[] } };
}

function widgetsOf(out: ReturnType<typeof synth>): Widget[] {
  return JSON.parse(out.resource("aws_cloudwatch_dashboard").dashboard_body).widgets;
}

function widget(widgets: Widget[], title: string): Widget {
  const found = widgets.find((w) => w.properties.title === title);
  if (found === undefined) throw new Error(`no widget ${title}: ${widgets.map((w) => w.properties.title).join(", ")}`);
  return found;
}

describe("pipeline dashboard", () => {
  it("is created with the alarms, and on its own with dashboard.enabled", () => {
    expect(synth().resources("aws_cloudwatch_dashboard")).toHaveLength(0);
    expect(synth({ alarms: { enabled: true } }).resources("aws_cloudwatch_dashboard")).toHaveLength(1);
    expect(synth({ alarms: { enabled: true }, dashboard: { enabled: false } }).resources("aws_cloudwatch_dashboard")).toHaveLength(0);
    const alone = synth({ dashboard: { enabled: true } });
    expect(alone.resource("aws_cloudwatch_dashboard").dashboard_name).toBe("ses-events-ses-events");
    expect(alone.resources("aws_cloudwatch_metric_alarm")).toHaveLength(0);
    expect(alone.resources("aws_sesv2_configuration_set_event_destination").map((d) => d.event_destination_name)).toEqual(["firehose", "cloudwatch-metrics"]);
  });

  it("names the dashboard after the stream, with characters dashboards do not take replaced", () => {
    const out = synth({ deliveryStream: { name: "mail.events" }, dashboard: { enabled: true } });
    expect(out.resource("aws_cloudwatch_dashboard").dashboard_name).toBe("mail-events-ses-events");
  });

  it("follows the stream's name in state, which a renamed set keeps, while the dashboard is named from the settings", () => {
    const out = synth({ configurationSetName: "renamed", dashboard: { enabled: true } });
    expect(out.resource("aws_kinesis_firehose_delivery_stream").lifecycle).toEqual({ ignore_changes: ["name"] });
    expect(out.resource("aws_cloudwatch_dashboard").dashboard_name).toBe("renamed-ses-events");
    const records = widget(widgetsOf(out), "Records in and delivered to S3").properties.metrics[0];
    expect(records?.[3]).toBe(STREAM_NAME);
  });

  it("shows the set's sends, deliveries, bounces and complaints by the ses:configuration-set dimension", () => {
    const counts = widget(widgetsOf(synth({ dashboard: { enabled: true } })), "Sends, deliveries, bounces and complaints");
    expect(counts).toMatchObject({ type: "metric", properties: { region: REGION, period: 300, view: "timeSeries" } });
    expect(counts.properties.metrics).toEqual([
      ["AWS/SES", "Send", "ses:configuration-set", "ses-events", { stat: "Sum", id: "sends", label: "Sends" }],
      ["AWS/SES", "Delivery", "ses:configuration-set", "ses-events", { stat: "Sum", id: "deliveries", label: "Deliveries" }],
      ["AWS/SES", "Bounce", "ses:configuration-set", "ses-events", { stat: "Sum", id: "bounces", label: "Bounces" }],
      ["AWS/SES", "Complaint", "ses:configuration-set", "ses-events", { stat: "Sum", id: "complaints", label: "Complaints" }],
    ]);
  });

  it("computes bounces and complaints per send with metric math that never divides by zero", () => {
    const rates = widget(widgetsOf(synth({ dashboard: { enabled: true } })), "Bounce and complaint rates per period (of sends)");
    expect(rates.properties.metrics.slice(3)).toEqual([
      [{ expression: "IF(s > 0, b / s, 0)", label: "Bounces / sends", id: "bounceRate" }],
      [{ expression: "IF(s > 0, c / s, 0)", label: "Complaints / sends", id: "complaintRate" }],
    ]);
    expect(rates.properties.metrics.slice(0, 3).map((m) => m[4])).toEqual([
      { stat: "Sum", id: "s", visible: false },
      { stat: "Sum", id: "b", visible: false },
      { stat: "Sum", id: "c", visible: false },
    ]);
  });

  it("draws the reputation rates with SES's review levels and the alarm thresholds", () => {
    const widgets = widgetsOf(synth({ alarms: { enabled: true, bounceRateThreshold: 0.03 } }));
    const bounce = widget(widgets, "Reputation: bounce rate");
    expect(bounce.properties.metrics).toEqual([["AWS/SES", "Reputation.BounceRate", "ses:configuration-set", "ses-events", { stat: "Maximum", label: "Bounce rate" }]]);
    expect(bounce.properties.annotations!.horizontal).toEqual([
      { label: "SES review (5%)", value: 0.05 },
      { label: "Alarm", value: 0.03 },
    ]);
    expect(widget(widgets, "Reputation: complaint rate").properties.annotations!.horizontal).toEqual([
      { label: "SES review (0.1%)", value: 0.001 },
      { label: "Alarm", value: 0.0005 },
    ]);
  });

  it("leaves the reputation widgets out when the set publishes no reputation metrics", () => {
    const titles = widgetsOf(synth({ configurationSet: { reputationMetrics: false }, dashboard: { enabled: true } })).map((w) => w.properties.title);
    expect(titles).toEqual([
      "Sends, deliveries, bounces and complaints",
      "Bounce and complaint rates per period (of sends)",
      "Records in and delivered to S3",
      "Delivery freshness (seconds)",
      "Delivery success (1 = every delivery succeeded)",
      "Dynamic partitioning errors",
    ]);
  });

  it("shows records in, delivery freshness, success and partitioning errors of the stream", () => {
    const widgets = widgetsOf(synth({ dashboard: { enabled: true } }));
    const stream = (metric: string, stat: string, extra: object) => ["AWS/Firehose", metric, "DeliveryStreamName", STREAM_NAME, { stat, ...extra }];
    expect(widget(widgets, "Records in and delivered to S3").properties.metrics).toEqual([
      stream("IncomingRecords", "Sum", { label: "Records in" }),
      stream("DeliveryToS3.Records", "Sum", { label: "Records delivered to S3" }),
    ]);
    expect(widget(widgets, "Delivery freshness (seconds)").properties.metrics).toEqual([stream("DeliveryToS3.DataFreshness", "Maximum", { label: "Oldest record" })]);
    expect(widget(widgets, "Delivery success (1 = every delivery succeeded)").properties.metrics).toEqual([
      stream("DeliveryToS3.Success", "Minimum", { label: "Success" }),
    ]);
    expect(widget(widgets, "Dynamic partitioning errors").properties.metrics).toEqual([
      stream("PartitionCountExceeded", "Maximum", { label: "Partition count exceeded" }),
      stream("JQProcessing.Duration", "Maximum", { label: "JQ processing (ms)", yAxis: "right" }),
    ]);
  });

  it("has no partitioning widget for a stream without dynamic partitioning", () => {
    const titles = widgetsOf(synth({ deliveryStream: { partitionByEventType: false }, dashboard: { enabled: true } })).map((w) => w.properties.title);
    expect(titles).not.toContain("Dynamic partitioning errors");
  });

  it("refuses a dashboard for a stream it does not create", () => {
    expect(errorOf({ deliveryStreamArn: EXISTING_STREAM, dashboard: { enabled: true } })).toContain(
      "\n  - dashboard.enabled is true with deliveryStreamArn: the dashboard is created only for a stream the module creates; remove one of them.",
    );
  });

  it("creates its dashboard with the provider it is given", () => {
    const stack = newStack();
    const eu = new AwsProvider(stack, "eu", { region: "eu-west-1", alias: "eu" });
    new PipelineDashboard(stack, "Board", {
      configurationSetName: "mail",
      deliveryStreamName: "mail",
      region: "eu-west-1",
      reputationMetrics: true,
      partitioned: false,
      provider: eu,
    });
    const board = parse(stack).resource("aws_cloudwatch_dashboard");
    expect(board.provider).toBe("aws.eu");
    expect(JSON.parse(board.dashboard_body).widgets[0].properties.region).toBe("eu-west-1");
  });
});

describe("PipelineDashboard on its own", () => {
  const valid = { configurationSetName: "mail", deliveryStreamName: "mail", region: "eu-west-1", reputationMetrics: true, partitioned: false };

  function errorOfBoard(props: Partial<ConstructorParameters<typeof PipelineDashboard>[2]>): string {
    try {
      new PipelineDashboard(newStack(), "Board", { ...valid, ...props });
    } catch (error) {
      return (error as Error).message;
    }
    throw new Error("expected the props to be rejected");
  }

  it("checks its own props, every problem in one error", () => {
    expect(
      errorOfBoard({
        configurationSetName: "my set",
        deliveryStreamName: "a/b",
        dashboardName: "a.b",
        region: "Europe",
        bounceRateThreshold: 5,
        complaintRateThreshold: 0,
      }),
    ).toBe(
      [
        'PipelineDashboard "test/Board": invalid settings:',
        `  - configurationSetName "my set" is invalid: use 1-64 letters, digits, '_' or '-'.`,
        `  - deliveryStreamName "a/b" is invalid: use 1-64 letters, digits, '_', '.' or '-'.`,
        `  - dashboardName "a.b" is invalid: use 1-255 letters, digits, '-' or '_'.`,
        `  - region "Europe" is invalid: use a Region code such as us-east-1.`,
        "  - bounceRateThreshold 5 is invalid: use a rate above 0 and at most 1, such as 0.025 for 2.5%.",
        "  - complaintRateThreshold 0 is invalid: use a rate above 0 and at most 1, such as 0.0005 for 0.05%.",
      ].join("\n"),
    );
  });

  it("refuses alarm thresholds to draw without the reputation widgets", () => {
    expect(errorOfBoard({ reputationMetrics: false, bounceRateThreshold: 0.02 })).toContain(
      "\n  - bounceRateThreshold or complaintRateThreshold is set but reputationMetrics is false: the thresholds are drawn on the reputation widgets; remove them or set reputationMetrics to true.",
    );
  });

  it("does not judge names and a Region only known at apply time", () => {
    const stack = newStack();
    const variable = (name: string) => new TerraformVariable(stack, name, { type: "string" }).stringValue;
    new PipelineDashboard(stack, "Board", { ...valid, deliveryStreamName: variable("stream"), region: variable("region") });
    expect(parse(stack).resource("aws_cloudwatch_dashboard").dashboard_name).toBe("${var.stream}-ses-events");
  });
});
