import { synth } from "./helpers";

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
    const alarms = out.resources("aws_cloudwatch_metric_alarm");
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
    const freshness = out.resources("aws_cloudwatch_metric_alarm")[0];
    expect(freshness).toMatchObject({ alarm_actions: [topic], threshold: 1200, period: 600 });
  });
});
