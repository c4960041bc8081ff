import { Construct } from "constructs";
import { TerraformProvider, Token } from "cdktf";
import { CloudwatchDashboard } from "@cdktf/provider-aws/lib/cloudwatch-dashboard";
import { checkReputationThresholds } from "./delivery-alarms";
import * as defaults from "./private/defaults";
import { defined } from "./private/defined";
import { percent } from "./private/helpers";
import { PIPELINE_DASHBOARD_PROPS } from "./private/prop-shapes";
import * as rules from "./private/validation";

/** A CloudWatch dashboard of the event pipeline. */
export interface PipelineDashboardOptions {
  /**
   * Create the dashboard.
   * @default - the value of alarms.enabled
   */
  readonly enabled?: boolean;
}

/** Props of `PipelineDashboard`. */
export interface PipelineDashboardProps {
  /** Name of the configuration set whose sends the dashboard shows. */
  readonly configurationSetName: string;
  /** Name of the delivery stream whose deliveries the dashboard shows. */
  readonly deliveryStreamName: string;
  /**
   * Name of the dashboard: letters, digits, '-' and '_'.
   * @default - "<deliveryStreamName>-ses-events", with any other character replaced by '-'
   */
  readonly dashboardName?: string;
  /** Region of the metrics (each widget names it). */
  readonly region: string;
  /** Show the reputation rates: the set publishes them. */
  readonly reputationMetrics: boolean;
  /** Show the dynamic partitioning widget: the stream partitions by event type. */
  readonly partitioned: boolean;
  /** Alarm thresholds to draw on the rate widgets. @default - SES's review levels only */
  readonly bounceRateThreshold?: number;
  /** The complaint rate alarm's threshold to draw. @default - SES's review levels only */
  readonly complaintRateThreshold?: number;
  /** @default - the stack's default AWS provider */
  readonly provider?: TerraformProvider;
}

type Metric = (string | Record<string, unknown>)[];

interface Widget {
  readonly type: "metric";
  readonly width: number;
  readonly height: number;
  readonly properties: Record<string, unknown>;
}

/**
 * One page an operator reads the pipeline on: what SES sent and what became of it, the set's
 * reputation, and what Firehose received and delivered.
 */
export class PipelineDashboard extends Construct {
  /** The dashboard. */
  readonly dashboard: CloudwatchDashboard;
  /** Name of the dashboard. */
  readonly dashboardName: string;

  constructor(scope: Construct, id: string, props: PipelineDashboardProps) {
    super(scope, id);
    // Read once into a plain copy, which the checks judge and everything below reads.
    props = rules.plainProps(props, PIPELINE_DASHBOARD_PROPS);
    checkProps(`PipelineDashboard "${this.node.path}"`, props);
    const set = props.configurationSetName;
    const stream = props.deliveryStreamName;
    const ses = (metric: string, extra: Record<string, unknown> = {}): Metric => [
      "AWS/SES",
      metric,
      defaults.CONFIGURATION_SET_DIMENSION,
      set,
      { stat: "Sum", ...extra },
    ];
    const firehose = (metric: string, stat: string, extra: Record<string, unknown> = {}): Metric => [
      "AWS/Firehose",
      metric,
      "DeliveryStreamName",
      stream,
      { stat, ...extra },
    ];
    const widget = (title: string, metrics: Metric[], extra: Record<string, unknown> = {}): Widget => ({
      type: "metric",
      width: 12,
      height: 6,
      properties: { title, region: props.region, view: "timeSeries", period: defaults.DASHBOARD_PERIOD_SECONDS, metrics, ...extra },
    });
    const line = (label: string, value: number) => ({ label, value });

    const widgets: Widget[] = [
      widget("Sends, deliveries, bounces and complaints", [
        ses("Send", { id: "sends", label: "Sends" }),
        ses("Delivery", { id: "deliveries", label: "Deliveries" }),
        ses("Bounce", { id: "bounces", label: "Bounces" }),
        ses("Complaint", { id: "complaints", label: "Complaints" }),
      ]),
      widget(
        "Bounce and complaint rates per period (of sends)",
        [
          ses("Send", { id: "s", visible: false }),
          ses("Bounce", { id: "b", visible: false }),
          ses("Complaint", { id: "c", visible: false }),
          [{ expression: "IF(s > 0, b / s, 0)", label: "Bounces / sends", id: "bounceRate" }],
          [{ expression: "IF(s > 0, c / s, 0)", label: "Complaints / sends", id: "complaintRate" }],
        ],
        { yAxis: { left: { min: 0 } } },
      ),
    ];
    if (props.reputationMetrics) {
      widgets.push(
        widget("Reputation: bounce rate", [ses("Reputation.BounceRate", { stat: "Maximum", label: "Bounce rate" })], {
          yAxis: { left: { min: 0 } },
          annotations: {
            horizontal: [
              line(`SES review (${percent(defaults.BOUNCE_RATE_REVIEW_LEVEL)})`, defaults.BOUNCE_RATE_REVIEW_LEVEL),
              ...(props.bounceRateThreshold === undefined ? [] : [line("Alarm", props.bounceRateThreshold)]),
            ],
          },
        }),
        widget("Reputation: complaint rate", [ses("Reputation.ComplaintRate", { stat: "Maximum", label: "Complaint rate" })], {
          yAxis: { left: { min: 0 } },
          annotations: {
            horizontal: [
              line(`SES review (${percent(defaults.COMPLAINT_RATE_REVIEW_LEVEL)})`, defaults.COMPLAINT_RATE_REVIEW_LEVEL),
              ...(props.complaintRateThreshold === undefined ? [] : [line("Alarm", props.complaintRateThreshold)]),
            ],
          },
        }),
      );
    }
    widgets.push(
      widget("Records in and delivered to S3", [
        firehose("IncomingRecords", "Sum", { label: "Records in" }),
        firehose("DeliveryToS3.Records", "Sum", { label: "Records delivered to S3" }),
      ]),
      widget("Delivery freshness (seconds)", [firehose("DeliveryToS3.DataFreshness", "Maximum", { label: "Oldest record" })]),
      widget("Delivery success (1 = every delivery succeeded)", [firehose("DeliveryToS3.Success", "Minimum", { label: "Success" })], {
        yAxis: { left: { min: 0, max: 1 } },
      }),
    );
    if (props.partitioned) {
      widgets.push(
        widget("Dynamic partitioning errors", [
          firehose("PartitionCountExceeded", "Maximum", { label: "Partition count exceeded" }),
          firehose("JQProcessing.Duration", "Maximum", { label: "JQ processing (ms)", yAxis: "right" }),
        ]),
      );
    }

    this.dashboardName = props.dashboardName ?? dashboardName(stream);
    this.dashboard = new CloudwatchDashboard(this, "Dashboard", defined({
      dashboardName: this.dashboardName,
      dashboardBody: JSON.stringify({ widgets }),
      provider: props.provider,
    }));
  }
}

const DASHBOARD_NAME = rules.pattern(/^[A-Za-z0-9_-]{1,255}$/, "use 1-255 letters, digits, '-' or '_'");
const REGION = rules.pattern(/^[a-z]{2,4}(-[a-z]+)+-\d{1,2}$/, "use a Region code such as us-east-1");

function checkProps(scope: string, props: PipelineDashboardProps): void {
  const problems = new rules.Problems();
  if (!rules.checkKnownProps(problems, "", props, PIPELINE_DASHBOARD_PROPS)) problems.throwIfAny(scope);
  problems.check("configurationSetName", props.configurationSetName, rules.SES_NAME);
  problems.check("deliveryStreamName", props.deliveryStreamName, rules.STREAM_NAME);
  problems.check("dashboardName", props.dashboardName, DASHBOARD_NAME);
  problems.check("region", props.region, REGION);
  checkReputationThresholds(problems, "", props);
  problems.when(
    !props.reputationMetrics && (props.bounceRateThreshold !== undefined || props.complaintRateThreshold !== undefined),
    "bounceRateThreshold or complaintRateThreshold is set but reputationMetrics is false: the thresholds are drawn on the reputation widgets; remove them or set reputationMetrics to true.",
  );
  problems.throwIfAny(scope);
}

/**
 * Dashboard names take letters, digits, '-' and '_': the stream name with its '.' replaced, then
 * `-<region>` when given (dashboards are global to an account, streams are not).
 */
export function dashboardName(streamName: string, region?: string): string {
  const base = Token.isUnresolved(streamName) ? `${streamName}-ses-events` : `${streamName.replace(/[^A-Za-z0-9_-]/g, "-")}-ses-events`;
  return region === undefined ? base : `${base}-${region}`;
}
