import { EventKey, SesFirehoseEventDestination } from "../modules";
import { errorOf, newStack, parse, synth, Synthesized } from "./helpers";

const ACCOUNT = "${data.aws_caller_identity.AwsContext_Account_CAD0E3E2.account_id}";
const REGION = "${data.aws_region.AwsContext_Region_51268B9B.region}";
const PARTITION = "${data.aws_partition.AwsContext_Partition_821FC74B.partition}";
const DNS_SUFFIX = "${data.aws_partition.AwsContext_Partition_821FC74B.dns_suffix}";

function keyOf(build: (key: EventKey) => void = () => undefined, preventDestroy?: boolean): Synthesized {
  const stack = newStack();
  const key = new EventKey(stack, "Key", { purpose: "stream ses-events", ...(preventDestroy === undefined ? {} : { preventDestroy }) });
  build(key);
  return parse(stack);
}

function statements(synthesized: Synthesized): Array<Record<string, any>> {
  return synthesized.policy("aws_kms_key", "policy").Statement;
}

describe("EventKey", () => {
  it("rotates the key, waits the longest window before deleting it and protects it from destroy", () => {
    const key = keyOf().resource("aws_kms_key");
    expect(key).toMatchObject({ enable_key_rotation: true, deletion_window_in_days: 30, lifecycle: { prevent_destroy: true } });
    expect(key.description).toBe(
      "Encrypts the SES events of stream ses-events: the stream, the delivered objects, the delivery-error logs and the alarm topic.",
    );
  });

  it("lifts prevent_destroy only when asked", () => {
    expect(keyOf(undefined, false).resource("aws_kms_key").lifecycle).toEqual({ prevent_destroy: false });
  });

  it("holds only the account's statement until a service is allowed", () => {
    expect(statements(keyOf())).toEqual([
      {
        Sid: "EnableIamPoliciesOfThisAccount",
        Effect: "Allow",
        Principal: { AWS: `arn:${PARTITION}:iam::${ACCOUNT}:root` },
        Action: ["kms:*"],
        Resource: ["*"],
      },
    ]);
  });

  it("lets the delivery role use it through S3 for the bucket and its objects only", () => {
    const policy = statements(keyOf((key) => key.allowDeliveryThroughS3("${aws_iam_role.r.arn}", "${aws_s3_bucket.b.arn}")));
    expect(policy.find((statement) => statement.Sid === "FirehoseDeliveryThroughS3")).toEqual({
      Sid: "FirehoseDeliveryThroughS3",
      Effect: "Allow",
      Principal: { AWS: "${aws_iam_role.r.arn}" },
      Action: ["kms:GenerateDataKey", "kms:Decrypt"],
      Resource: ["*"],
      Condition: {
        StringEquals: { "kms:ViaService": `s3.${REGION}.${DNS_SUFFIX}` },
        StringLike: { "kms:EncryptionContext:aws:s3:arn": ["${aws_s3_bucket.b.arn}", "${aws_s3_bucket.b.arn}/*"] },
      },
    });
  });

  it("lets CloudWatch Logs of this Region use it for the log groups under one prefix only", () => {
    const policy = statements(keyOf((key) => key.allowLogGroups("/aws/kinesisfirehose/")));
    expect(policy.find((statement) => statement.Sid === "CloudWatchLogsForTheDeliveryLogGroup")).toEqual({
      Sid: "CloudWatchLogsForTheDeliveryLogGroup",
      Effect: "Allow",
      Principal: { Service: `logs.${REGION}.${DNS_SUFFIX}` },
      Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:DescribeKey"],
      Resource: ["*"],
      Condition: {
        ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:${PARTITION}:logs:${REGION}:${ACCOUNT}:log-group:/aws/kinesisfirehose/*` },
      },
    });
  });

  it("lets CloudWatch use it only for alarms of this account and Region", () => {
    const policy = statements(keyOf((key) => key.allowAlarms()));
    expect(policy.find((statement) => statement.Sid === "CloudWatchAlarmsToTheTopic")).toEqual({
      Sid: "CloudWatchAlarmsToTheTopic",
      Effect: "Allow",
      Principal: { Service: "cloudwatch.amazonaws.com" },
      Action: ["kms:Decrypt", "kms:GenerateDataKey"],
      Resource: ["*"],
      Condition: {
        StringEquals: { "aws:SourceAccount": ACCOUNT },
        ArnLike: { "aws:SourceArn": `arn:${PARTITION}:cloudwatch:${REGION}:${ACCOUNT}:alarm:*` },
      },
    });
  });

  it("names no principal '*' and gives every service statement a condition", () => {
    const policy = statements(
      keyOf((key) => {
        key.allowDeliveryThroughS3("${aws_iam_role.r.arn}", "${aws_s3_bucket.b.arn}");
        key.allowLogGroups("/aws/kinesisfirehose/");
        key.allowAlarms();
      }),
    );
    expect(policy.map((statement) => statement.Sid)).toEqual([
      "EnableIamPoliciesOfThisAccount",
      "FirehoseDeliveryThroughS3",
      "CloudWatchLogsForTheDeliveryLogGroup",
      "CloudWatchAlarmsToTheTopic",
    ]);
    expect(policy.flatMap((statement) => Object.values(statement.Principal).flat()).filter((principal) => String(principal).includes("*"))).toEqual([]);
    expect(policy.slice(1).filter((statement) => statement.Condition === undefined)).toEqual([]);
  });
});

describe("deliveryStream.createKmsKey", () => {
  const keyPolicy = (synthesized: Synthesized) => statements(synthesized).map((statement) => statement.Sid);

  it("encrypts the stream, the objects, the bucket, the log group, the alarm topic and the query results with the key it makes", () => {
    const synthesized = synth({ deliveryStream: { createKmsKey: true }, alarms: { enabled: true } });
    const arn = `\${aws_kms_key.${Object.keys(synthesized.json.resource!.aws_kms_key)[0]}.arn}`;
    const stream = synthesized.resource("aws_kinesis_firehose_delivery_stream");
    expect(stream.server_side_encryption).toEqual({ enabled: true, key_type: "CUSTOMER_MANAGED_CMK", key_arn: arn });
    expect(stream.extended_s3_configuration.kms_key_arn).toBe(arn);
    expect(synthesized.resource("aws_s3_bucket_server_side_encryption_configuration").rule).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: arn }, bucket_key_enabled: true },
    ]);
    expect(synthesized.resource("aws_cloudwatch_log_group").kms_key_id).toBe(arn);
    expect(synthesized.resource("aws_sns_topic").kms_master_key_id).toBe(arn);
    expect(synthesized.resource("aws_athena_workgroup").configuration.result_configuration.encryption_configuration).toEqual({
      encryption_option: "SSE_KMS",
      kms_key_arn: arn,
    });
    const encrypt = synthesized.policy("aws_iam_role_policy", "policy", (policy) => policy.name === "deliver-ses-events").Statement.find(
      (statement: Record<string, unknown>) => statement.Sid === "EncryptEventObjects",
    );
    expect(encrypt?.Resource).toEqual([arn]);
  });

  it("gives the key a statement for the delivery role on this bucket, CloudWatch Logs and the alarms, in that order", () => {
    const synthesized = synth({ deliveryStream: { createKmsKey: true }, alarms: { enabled: true } });
    const policy = statements(synthesized);
    expect(policy.map((statement) => statement.Sid)).toEqual([
      "EnableIamPoliciesOfThisAccount",
      "FirehoseDeliveryThroughS3",
      "CloudWatchLogsForTheDeliveryLogGroup",
      "CloudWatchAlarmsToTheTopic",
    ]);
    const role = Object.keys(synthesized.json.resource!.aws_iam_role).find((name) => name.includes("DeliveryRole"));
    const bucket = Object.keys(synthesized.json.resource!.aws_s3_bucket)[0];
    const delivery = policy[1]!;
    expect(delivery.Principal).toEqual({ AWS: `\${aws_iam_role.${role}.arn}` });
    expect(delivery.Condition.StringLike).toEqual({ "kms:EncryptionContext:aws:s3:arn": [`\${aws_s3_bucket.${bucket}.arn}`, `\${aws_s3_bucket.${bucket}.arn}/*`] });
  });

  it("leaves out the statements of what is not created: no alarms, no logging, a topic of your own", () => {
    expect(keyPolicy(synth({ deliveryStream: { createKmsKey: true } }))).toEqual([
      "EnableIamPoliciesOfThisAccount",
      "FirehoseDeliveryThroughS3",
      "CloudWatchLogsForTheDeliveryLogGroup",
    ]);
    expect(keyPolicy(synth({ deliveryStream: { createKmsKey: true, logging: false } }))).toEqual(["EnableIamPoliciesOfThisAccount", "FirehoseDeliveryThroughS3"]);
    expect(
      keyPolicy(synth({ deliveryStream: { createKmsKey: true }, alarms: { enabled: true, snsTopicArn: "arn:aws:sns:us-east-1:123456789012:oncall" } })),
    ).toEqual(["EnableIamPoliciesOfThisAccount", "FirehoseDeliveryThroughS3", "CloudWatchLogsForTheDeliveryLogGroup"]);
  });

  it("lets the delivery role use the key for a bucket of your own, by its ARN", () => {
    const policy = statements(synth({ deliveryStream: { createKmsKey: true, bucketArn: "arn:aws:s3:::acme-events" } }));
    expect(policy[1]!.Condition.StringLike).toEqual({ "kms:EncryptionContext:aws:s3:arn": ["arn:aws:s3:::acme-events", "arn:aws:s3:::acme-events/*"] });
  });

  it("keeps the key from destroy unless the bucket may be destroyed too", () => {
    expect(synth({ deliveryStream: { createKmsKey: true } }).resource("aws_kms_key").lifecycle).toEqual({ prevent_destroy: true });
    expect(synth({ deliveryStream: { createKmsKey: true, bucket: { forceDestroy: true } } }).resource("aws_kms_key").lifecycle).toEqual({
      prevent_destroy: false,
    });
  });

  it("exposes the key and its ARN", () => {
    const stack = newStack();
    const made = new SesFirehoseEventDestination(stack, "Events", { configurationSetName: "ses-events", deliveryStream: { createKmsKey: true } });
    expect(made.key).toBeInstanceOf(EventKey);
    expect(made.kmsKeyArn).toBe(made.key!.keyArn);
    const given = new SesFirehoseEventDestination(stack, "Given", {
      configurationSetName: "ses-events-given",
      deliveryStream: { kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab" },
    });
    expect([given.key, given.kmsKeyArn]).toEqual([undefined, "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"]);
  });

  it("makes no key by default, nor with createKmsKey false", () => {
    expect(synth({}).json.resource!.aws_kms_key).toBeUndefined();
    expect(synth({ deliveryStream: { createKmsKey: false } }).json.resource!.aws_kms_key).toBeUndefined();
  });

  it("refuses a key ARN given while one is to be made", () => {
    expect(
      errorOf({ deliveryStream: { createKmsKey: true, kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab" } }),
    ).toBe(
      'SesFirehoseEventDestination "test/Events": invalid settings:\n' +
        "  - deliveryStream.kmsKeyArn and deliveryStream.createKmsKey are both set: createKmsKey has the module create the key, kmsKeyArn uses an existing one; remove one of them.",
    );
  });

  it("refuses a key to be made for a stream the module does not create", () => {
    expect(errorOf({ deliveryStreamArn: "arn:aws:firehose:us-east-1:123456789012:deliverystream/events", deliveryStream: { createKmsKey: true } })).toContain(
      "deliveryStreamArn and deliveryStream are both set",
    );
  });
});
