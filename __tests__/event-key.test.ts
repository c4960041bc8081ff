import { EventKey } from "../modules/event-key";
import { newStack, parse, Synthesized } from "./helpers";

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
