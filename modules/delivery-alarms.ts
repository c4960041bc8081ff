import { Construct } from "constructs";
import { TerraformProvider } from "cdktf";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import * as defaults from "./private/defaults";
import { defined } from "./private/defined";
import { percent } from "./private/helpers";
import { DELIVERY_ALARMS_PROPS } from "./private/prop-shapes";
import * as rules from "./private/validation";

/** CloudWatch alarms on the delivery stream and the configuration set; off unless `enabled` is true. */
export interface DeliveryAlarmOptions {
  /**
   * Create the alarms.
   * @default false
   */
  readonly enabled?: boolean;
  /**
   * SNS topic the alarms notify.
   * @default - a topic is created for you
   */
  readonly snsTopicArn?: string;
  /**
   * Alarm when the oldest record in the stream is older than this (DeliveryToS3.DataFreshness).
   * Keep it above the buffering interval.
   * @default 900
   */
  readonly freshnessThresholdSeconds?: number;
  /**
   * Period of the two delivery alarms, a multiple of 60.
   * @default 300
   */
  readonly periodSeconds?: number;
  /**
   * Alarm on the configuration set's Reputation.BounceRate and Reputation.ComplaintRate; needs
   * `configurationSet.reputationMetrics`.
   * @default - true when the module manages the configuration set, false with createConfigurationSet false
   */
  readonly reputation?: boolean;
  /**
   * Bounce rate (0-1) that raises the bounce rate alarm; SES reviews an account at 0.05.
   * @default 0.025
   */
  readonly bounceRateThreshold?: number;
  /**
   * Complaint rate (0-1) that raises the complaint rate alarm; SES reviews an account at 0.001.
   * @default 0.0005
   */
  readonly complaintRateThreshold?: number;
  /**
   * Alarm when SES sends with the set for two whole hours in a row and no record reaches the stream.
   * @default - true when the destination is enabled and publishes SEND events
   */
  readonly silentPipeline?: boolean;
}

/** Props of `DeliveryAlarms`, the alarms on one delivery stream and its configuration set. */
export interface DeliveryAlarmsProps extends Omit<DeliveryAlarmOptions, "enabled" | "reputation" | "silentPipeline"> {
  /** Name of the delivery stream the alarms watch. */
  readonly deliveryStreamName: string;
  /**
   * KMS key of the created topic (not used with `snsTopicArn`); its key policy must let CloudWatch use it.
   * @default - SNS's own encryption
   */
  readonly topicKmsKeyArn?: string;
  /**
   * Prefix of the generated name of the created topic (not used with `snsTopicArn`): 1-200
   * letters, digits, '_' or '-'. Changing it later keeps the existing topic and its subscriptions.
   * @default - `<deliveryStreamName>-alarms-` ('.' as '-'), or `ses-events-delivery-alarms-` when the stream's name is a token
   */
  readonly topicNamePrefix?: string;
  /**
   * The configuration set whose reputation and sends the alarms watch; needed by `reputation` and
   * `silentPipeline`.
   * @default - no alarm on the configuration set
   */
  readonly configurationSetName?: string;
  /**
   * Create the reputation alarms (needs `configurationSetName`).
   * @default false
   */
  readonly reputation?: boolean;
  /**
   * Create the silent pipeline alarm (needs `configurationSetName` and the set's SES Send metric
   * by the `ses:configuration-set` dimension, which a CloudWatch event destination publishes).
   * @default false
   */
  readonly silentPipeline?: boolean;
  /**
   * Tags on the topic and the alarms.
   * @default - none beyond the provider's default tags
   */
  readonly tags?: Record<string, string>;
  /** @default - the stack's default AWS provider */
  readonly provider?: TerraformProvider;
}

/**
 * Checks the options the alarms share with `DeliveryAlarmOptions` into `problems`; `at` is how the
 * user reaches them (`alarms.`). `freshness` adds a rule on the freshness threshold.
 */
export function checkDeliveryAlarmOptions(problems: rules.Problems, at: string, options: DeliveryAlarmOptions, ...freshness: rules.Rule<number>[]): void {
  problems.check(`${at}snsTopicArn`, options.snsTopicArn, rules.SNS_TOPIC_ARN);
  problems.check(`${at}periodSeconds`, options.periodSeconds, rules.integerBetween(60, 86400), {
    test: (v) => v % 60 === 0,
    text: "use a multiple of 60",
  });
  problems.check(`${at}freshnessThresholdSeconds`, options.freshnessThresholdSeconds, rules.integerBetween(60, 86400), ...freshness);
}

/** Checks the alarm thresholds on the set's reputation into `problems`. */
export function checkReputationThresholds(problems: rules.Problems, at: string, options: DeliveryAlarmOptions): void {
  const rate = (example: string) => ({
    test: (v: number) => typeof v === "number" && v > 0 && v <= 1,
    text: `use a rate above 0 and at most 1, such as ${example}`,
  });
  problems.check(`${at}bounceRateThreshold`, options.bounceRateThreshold, rate("0.025 for 2.5%"));
  problems.check(`${at}complaintRateThreshold`, options.complaintRateThreshold, rate("0.0005 for 0.05%"));
}

/** SNS topic names take letters, digits, '_' and '-' (256 at most, with Terraform's 26-character suffix). */
const TOPIC_NAME_PREFIX = /^[A-Za-z0-9_-]{1,200}$/;

/** The default topic name prefix of the alarms on `stream`: one per stream, so each destination's topic says whose it is. */
export function alarmTopicNamePrefix(stream: string): string {
  return rules.isToken(stream) ? defaults.ALARM_TOPIC_NAME_PREFIX : `${stream.replace(/[^A-Za-z0-9_-]/g, "-")}-alarms-`;
}

function checkProps(scope: string, props: DeliveryAlarmsProps): void {
  const problems = new rules.Problems();
  if (!rules.checkKnownProps(problems, "", props, DELIVERY_ALARMS_PROPS)) problems.throwIfAny(scope);
  problems.check("deliveryStreamName", props.deliveryStreamName, rules.STREAM_NAME);
  checkDeliveryAlarmOptions(problems, "", props);
  checkReputationThresholds(problems, "", props);
  problems.check("topicKmsKeyArn", props.topicKmsKeyArn, rules.KMS_KEY_ARN);
  problems.check("topicNamePrefix", props.topicNamePrefix, rules.pattern(TOPIC_NAME_PREFIX, "use 1-200 letters, digits, '_' or '-'"));
  problems.check("configurationSetName", props.configurationSetName, rules.SES_NAME);
  for (const alarm of ["reputation", "silentPipeline"] as const) {
    problems.when(
      props[alarm] === true && props.configurationSetName === undefined,
      `${alarm} is true but configurationSetName is not set: the alarm watches the configuration set's metrics; name the set or set ${alarm} to false.`,
    );
  }
  rules.checkTags(problems, "tags", props.tags);
  problems.throwIfAny(scope);
}

/**
 * Alarms on a Firehose stream's delivery to S3 (freshness and success) and, for its configuration
 * set, on reputation (bounce and complaint rates) and on sends that never reach the stream.
 */
export class DeliveryAlarms extends Construct {
  /** The topic created for the alarms, when none was given. */
  readonly topic?: SnsTopic;
  /** ARN of the topic the alarms notify, given or created. */
  readonly topicArn: string;
  /** Alarms when records wait longer than `freshnessThresholdSeconds` (DeliveryToS3.DataFreshness). */
  readonly freshnessAlarm: CloudwatchMetricAlarm;
  /** Alarms when a delivery to S3 fails (DeliveryToS3.Success below 1). */
  readonly successAlarm: CloudwatchMetricAlarm;
  /** The bounce rate alarm, with `reputation`. */
  readonly bounceRateAlarm?: CloudwatchMetricAlarm;
  /** The complaint rate alarm, with `reputation`. */
  readonly complaintRateAlarm?: CloudwatchMetricAlarm;
  /** Alarms when the set sends but nothing reaches the stream, with `silentPipeline`. */
  readonly silentPipelineAlarm?: CloudwatchMetricAlarm;

  constructor(scope: Construct, id: string, props: DeliveryAlarmsProps) {
    super(scope, id);
    // Read once into a plain copy, which the checks judge and everything below reads.
    props = rules.plainProps(props, DELIVERY_ALARMS_PROPS);
    checkProps(`DeliveryAlarms "${this.node.path}"`, props);
    const provider = defined({ provider: props.provider });
    const tags = defined({ tags: props.tags });
    if (props.snsTopicArn === undefined) {
      this.topic = new SnsTopic(this, "Topic", defined({
        namePrefix: props.topicNamePrefix ?? alarmTopicNamePrefix(props.deliveryStreamName),
        // A new prefix would replace the topic, and lose its subscriptions.
        lifecycle: { ignoreChanges: ["name_prefix"] },
        kmsMasterKeyId: props.topicKmsKeyArn,
        tags: props.tags,
        provider: props.provider,
      }));
    }
    this.topicArn = props.snsTopicArn ?? this.topic!.arn;
    const stream = props.deliveryStreamName;
    const notify = { alarmActions: [this.topicArn], okActions: [this.topicArn], ...tags, ...provider };
    const common = {
      ...notify,
      namespace: "AWS/Firehose",
      dimensions: { DeliveryStreamName: stream },
      period: props.periodSeconds ?? defaults.DEFAULT_ALARM_PERIOD_SECONDS,
      evaluationPeriods: 1,
    };
    const threshold = props.freshnessThresholdSeconds ?? defaults.DEFAULT_FRESHNESS_THRESHOLD_SECONDS;
    this.freshnessAlarm = new CloudwatchMetricAlarm(this, "Freshness", {
      ...common,
      alarmName: `${stream}-delivery-freshness`,
      alarmDescription: `SES events wait more than ${threshold} s in Firehose before reaching S3.`,
      metricName: "DeliveryToS3.DataFreshness",
      statistic: "Maximum",
      comparisonOperator: "GreaterThanThreshold",
      threshold,
      treatMissingData: "notBreaching",
    });
    this.successAlarm = new CloudwatchMetricAlarm(this, "Success", {
      ...common,
      alarmName: `${stream}-delivery-success`,
      alarmDescription: "Firehose failed to deliver some SES events to S3; see the stream's error logs and error prefix.",
      metricName: "DeliveryToS3.Success",
      statistic: "Minimum",
      comparisonOperator: "LessThanThreshold",
      threshold: 1,
      treatMissingData: "notBreaching",
    });

    const set = props.configurationSetName;
    if (set === undefined) return;
    if (props.reputation === true) {
      const reputation = {
        ...notify,
        namespace: "AWS/SES",
        dimensions: { [defaults.CONFIGURATION_SET_DIMENSION]: set },
        statistic: "Maximum",
        period: defaults.REPUTATION_ALARM_PERIOD_SECONDS,
        evaluationPeriods: 1,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        // SES publishes a rate only once there is a bounce or complaint to rate, and the rate
        // holds between points: keep the last state rather than call no data good or bad.
        treatMissingData: "ignore",
      };
      const bounce = props.bounceRateThreshold ?? defaults.DEFAULT_BOUNCE_RATE_THRESHOLD;
      this.bounceRateAlarm = new CloudwatchMetricAlarm(this, "BounceRate", {
        ...reputation,
        alarmName: `${set}-bounce-rate`,
        alarmDescription: `The bounce rate of configuration set ${set} is at least ${percent(bounce)} (SES reviews an account at ${percent(defaults.BOUNCE_RATE_REVIEW_LEVEL)} and may pause sending at ${percent(defaults.BOUNCE_RATE_PAUSE_LEVEL)}).`,
        metricName: "Reputation.BounceRate",
        threshold: bounce,
      });
      const complaint = props.complaintRateThreshold ?? defaults.DEFAULT_COMPLAINT_RATE_THRESHOLD;
      this.complaintRateAlarm = new CloudwatchMetricAlarm(this, "ComplaintRate", {
        ...reputation,
        alarmName: `${set}-complaint-rate`,
        alarmDescription: `The complaint rate of configuration set ${set} is at least ${percent(complaint)} (SES reviews an account at ${percent(defaults.COMPLAINT_RATE_REVIEW_LEVEL)} and may pause sending at ${percent(defaults.COMPLAINT_RATE_PAUSE_LEVEL)}).`,
        metricName: "Reputation.ComplaintRate",
        threshold: complaint,
      });
    }
    if (props.silentPipeline === true) {
      const period = defaults.SILENT_PIPELINE_PERIOD_SECONDS;
      const hours = defaults.SILENT_PIPELINE_EVALUATION_PERIODS;
      this.silentPipelineAlarm = new CloudwatchMetricAlarm(this, "SilentPipeline", {
        ...notify,
        alarmName: `${stream}-silent-pipeline`,
        alarmDescription: `SES sent with configuration set ${set} in each of ${hours} hours in a row but no record reached delivery stream ${stream}.`,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        threshold: 1,
        evaluationPeriods: hours,
        datapointsToAlarm: hours,
        // No sends and no records give no data at all: a quiet sender is fine.
        treatMissingData: "notBreaching",
        metricQuery: [
          {
            id: "sends",
            label: "Sends",
            returnData: false,
            metric: {
              namespace: "AWS/SES",
              metricName: "Send",
              dimensions: { [defaults.CONFIGURATION_SET_DIMENSION]: set },
              period,
              stat: "Sum",
            },
          },
          {
            id: "records",
            label: "Records in",
            returnData: false,
            metric: { namespace: "AWS/Firehose", metricName: "IncomingRecords", dimensions: { DeliveryStreamName: stream }, period, stat: "Sum" },
          },
          {
            id: "silent",
            // Firehose publishes nothing for an hour without records: read that as 0 records.
            expression: "IF(FILL(sends, 0) > 0 AND FILL(records, 0) == 0, 1, 0)",
            label: "Sends with no record in the stream",
            returnData: true,
          },
        ],
      });
    }
  }
}
