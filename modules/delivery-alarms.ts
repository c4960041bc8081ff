import { Construct } from "constructs";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { ALARM_TOPIC_NAME_PREFIX, DEFAULT_ALARM_PERIOD_SECONDS, DEFAULT_FRESHNESS_THRESHOLD_SECONDS } from "./defaults";

/** CloudWatch alarms on the delivery stream; off unless `enabled` is true. */
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
   * Period of both alarms, a multiple of 60.
   * @default 300
   */
  readonly periodSeconds?: number;
}

export interface DeliveryAlarmsProps {
  readonly deliveryStreamName: string;
  readonly snsTopicArn?: string;
  readonly freshnessThresholdSeconds?: number;
  readonly periodSeconds?: number;
  /** KMS key of the created topic; its key policy must let CloudWatch use it. */
  readonly topicKmsKeyArn?: string;
  readonly tags?: Record<string, string>;
}

/** Alarms on a Firehose stream's delivery to S3: freshness and success. */
export class DeliveryAlarms extends Construct {
  /** The topic created for the alarms, when none was given. */
  readonly topic?: SnsTopic;
  readonly topicArn: string;
  readonly freshnessAlarm: CloudwatchMetricAlarm;
  readonly successAlarm: CloudwatchMetricAlarm;

  constructor(scope: Construct, id: string, props: DeliveryAlarmsProps) {
    super(scope, id);
    if (props.snsTopicArn === undefined) {
      this.topic = new SnsTopic(this, "Topic", {
        namePrefix: ALARM_TOPIC_NAME_PREFIX,
        kmsMasterKeyId: props.topicKmsKeyArn,
        tags: props.tags,
      });
    }
    this.topicArn = props.snsTopicArn ?? this.topic!.arn;
    const stream = props.deliveryStreamName;
    const common = {
      namespace: "AWS/Firehose",
      dimensions: { DeliveryStreamName: stream },
      period: props.periodSeconds ?? DEFAULT_ALARM_PERIOD_SECONDS,
      evaluationPeriods: 1,
      alarmActions: [this.topicArn],
      okActions: [this.topicArn],
      tags: props.tags,
    };
    const threshold = props.freshnessThresholdSeconds ?? DEFAULT_FRESHNESS_THRESHOLD_SECONDS;
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
  }
}
