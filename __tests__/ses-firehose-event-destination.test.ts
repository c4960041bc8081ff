import { TerraformOutput, TerraformStack, TerraformVariable } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import {
  EventFormat,
  FirehoseCompression,
  SesEventType,
  SesFirehoseEventDestination,
  SesFirehoseEventDestinationProps,
  ValidationError,
} from "../modules";
import { errorOf, newStack, parse, synth, testApp } from "./helpers";

const ACCOUNT = "${data.aws_caller_identity.AwsContext_Account_CAD0E3E2.account_id}";
const REGION = "${data.aws_region.AwsContext_Region_51268B9B.region}";
const PARTITION = "${data.aws_partition.AwsContext_Partition_821FC74B.partition}";
const STREAM_ARN = "${aws_kinesis_firehose_delivery_stream.Events_Stream_DD98C46B.arn}";
const BUCKET_ARN = "${aws_s3_bucket.Events_Bucket_C2BC09FD.arn}";
const EXISTING_STREAM = "arn:aws:firehose:us-east-1:123456789012:deliverystream/existing";
const EXISTING_ROLE = "arn:aws:iam::123456789012:role/ses-events";
const EXISTING_BUCKET = "arn:aws:s3:::existing-events";
const KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

describe("configuration set and event destination", () => {
  it("creates the configuration set by default", () => {
    expect(synth().resource("aws_sesv2_configuration_set")).toMatchObject({ configuration_set_name: "ses-events" });
  });

  it("publishes all ten event types to the stream through the SES role, enabled, as destination firehose", () => {
    const destination = synth().resource("aws_sesv2_configuration_set_event_destination");
    expect(destination.configuration_set_name).toBe("${aws_sesv2_configuration_set.Events_ConfigurationSet_6B5CCE2B.configuration_set_name}");
    expect(destination.event_destination_name).toBe("firehose");
    expect(destination.event_destination).toEqual({
      enabled: true,
      matching_event_types: [
        "SEND", "REJECT", "BOUNCE", "COMPLAINT", "DELIVERY", "OPEN", "CLICK", "RENDERING_FAILURE", "DELIVERY_DELAY", "SUBSCRIPTION",
      ],
      kinesis_firehose_destination: {
        delivery_stream_arn: STREAM_ARN,
        iam_role_arn: "${aws_iam_role.Events_SesRole_422B17D5.arn}",
      },
    });
  });

  it("writes enabled false explicitly when publishing is turned off", () => {
    const destination = synth({ enabled: false }).resource("aws_sesv2_configuration_set_event_destination");
    expect(destination.event_destination.enabled).toBe(false);
  });

  it("publishes only the chosen event types under the chosen destination name", () => {
    const destination = synth({
      eventTypes: [SesEventType.BOUNCE, SesEventType.COMPLAINT],
      eventDestinationName: "bounces",
    }).resource("aws_sesv2_configuration_set_event_destination");
    expect(destination.event_destination.matching_event_types).toEqual(["BOUNCE", "COMPLAINT"]);
    expect(destination.event_destination_name).toBe("bounces");
  });

  it("attaches to an existing configuration set without creating one", () => {
    const out = synth({ createConfigurationSet: false });
    expect(out.resources("aws_sesv2_configuration_set")).toHaveLength(0);
    expect(out.resource("aws_sesv2_configuration_set_event_destination").configuration_set_name).toBe("ses-events");
  });

  it("orders the event destination after the SES role's policy", () => {
    expect(synth().resource("aws_sesv2_configuration_set_event_destination").depends_on).toEqual([
      "aws_iam_role_policy.Events_SesRolePolicy_C8ECF251",
    ]);
  });

  it("exposes the names and ARNs whether created or passed in", () => {
    const stack = newStack();
    const created = new SesFirehoseEventDestination(stack, "Created", { configurationSetName: "a" });
    const existing = new SesFirehoseEventDestination(stack, "Existing", {
      configurationSetName: "b",
      createConfigurationSet: false,
      deliveryStreamArn: EXISTING_STREAM,
      sesRoleArn: EXISTING_ROLE,
    });
    expect(created.deliveryStream).toBeDefined();
    expect(created.sesRole).toBeDefined();
    expect(created.bucket).toBeDefined();
    expect(existing.configurationSetName).toBe("b");
    expect(existing.deliveryStreamArn).toBe(EXISTING_STREAM);
    expect(existing.sesRoleArn).toBe(EXISTING_ROLE);
    expect(existing.deliveryStream).toBeUndefined();
    expect(existing.sesRole).toBeUndefined();
    expect(existing.bucket).toBeUndefined();
    expect(existing.bucketName).toBeUndefined();
  });
});

describe("SES role", () => {
  it("trusts only SES acting for this account and this configuration set", () => {
    const trust = synth().policy("aws_iam_role", "assume_role_policy", (r) => r.name_prefix === "ses-events-ses-");
    expect(trust.Statement).toEqual([
      {
        Sid: "AllowSesForThisConfigurationSet",
        Effect: "Allow",
        Principal: { Service: "ses.amazonaws.com" },
        Action: ["sts:AssumeRole"],
        Condition: {
          StringEquals: {
            "AWS:SourceAccount": ACCOUNT,
            "AWS:SourceArn": `arn:${PARTITION}:ses:${REGION}:${ACCOUNT}:configuration-set/ses-events`,
          },
        },
      },
    ]);
  });

  it("may only put record batches into this stream", () => {
    const policy = synth().policy("aws_iam_role_policy", "policy", (r) => r.name === "put-ses-events");
    expect(policy.Statement).toEqual([
      { Sid: "PutEventRecords", Effect: "Allow", Action: ["firehose:PutRecordBatch"], Resource: [STREAM_ARN] },
    ]);
  });

  it("may only put records into an existing stream passed by ARN", () => {
    const policy = synth({ deliveryStreamArn: EXISTING_STREAM }).policy("aws_iam_role_policy", "policy");
    expect(policy.Statement[0].Resource).toEqual([EXISTING_STREAM]);
  });

  it("uses an existing role passed by ARN and creates none", () => {
    const out = synth({ sesRoleArn: EXISTING_ROLE });
    expect(out.resources("aws_iam_role").map((r) => r.name_prefix)).toEqual(["ses-events-firehose-"]);
    expect(out.resources("aws_iam_role_policy").map((r) => r.name)).toEqual(["deliver-ses-events"]);
    const destination = out.resource("aws_sesv2_configuration_set_event_destination");
    expect(destination.event_destination.kinesis_firehose_destination.iam_role_arn).toBe(EXISTING_ROLE);
    expect(destination.depends_on).toBeUndefined();
  });

  it("takes a fixed name when sesRoleName is set", () => {
    const roles = synth({ sesRoleName: "ses-to-firehose" }).resources("aws_iam_role");
    expect(roles.find((r) => r.name === "ses-to-firehose")).toBeDefined();
  });

  it("derives a short name prefix from a long configuration set name", () => {
    const name = "A_very-long-configuration-set-name-that-goes-on-and-on-1234";
    const prefixes = synth({ configurationSetName: name }).resources("aws_iam_role").map((r) => r.name_prefix);
    expect(prefixes).toEqual(["a-very-long-configuration-se-firehose-", "a-very-long-configuration-set-nam-ses-"]);
    for (const prefix of prefixes) expect(prefix.length).toBeLessThanOrEqual(38);
  });
});

describe("delivery stream", () => {
  it("delivers JSON to S3 partitioned by event type, GZIP, with a 64 MiB buffer and an error prefix", () => {
    const stream = synth({ deliveryStream: { format: EventFormat.JSON } }).resource("aws_kinesis_firehose_delivery_stream");
    expect(stream.name).toBe("ses-events");
    expect(stream.destination).toBe("extended_s3");
    expect(stream.extended_s3_configuration).toMatchObject({
      bucket_arn: BUCKET_ARN,
      role_arn: "${aws_iam_role.Events_DeliveryRole_893F12D8.arn}",
      buffering_size: 64,
      buffering_interval: 300,
      compression_format: "GZIP",
      prefix: "events/event_type=!{partitionKeyFromQuery:event_type}/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/",
      error_output_prefix: "errors/!{firehose:error-output-type}/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/",
      dynamic_partitioning_configuration: { enabled: true, retry_duration: 300 },
      processing_configuration: {
        enabled: true,
        processors: [
          {
            type: "MetadataExtraction",
            parameters: [
              { parameter_name: "MetadataExtractionQuery", parameter_value: "{event_type: .eventType}" },
              { parameter_name: "JsonParsingEngine", parameter_value: "JQ-1.6" },
            ],
          },
        ],
      },
    });
  });

  it("writes JSON under a dated prefix with a 5 MiB buffer and no partitioning when partitionByEventType is false", () => {
    const s3 = synth({ deliveryStream: { partitionByEventType: false, format: EventFormat.JSON } }).resource("aws_kinesis_firehose_delivery_stream")
      .extended_s3_configuration;
    expect(s3.prefix).toBe("events/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/");
    expect(s3.buffering_size).toBe(5);
    expect(s3.dynamic_partitioning_configuration).toBeUndefined();
    expect(s3.processing_configuration).toBeUndefined();
    expect(s3.error_output_prefix).toMatch(/^errors\//);
  });

  it("applies the stream settings it is given", () => {
    const stream = synth({
      deliveryStream: {
        name: "my.stream",
        prefix: "ses/!{partitionKeyFromQuery:event_type}/",
        errorOutputPrefix: "failed/",
        bufferingSizeMiB: 128,
        bufferingIntervalSeconds: 60,
        compression: FirehoseCompression.SNAPPY,
        partitioningRetrySeconds: 900,
      },
      analytics: { enabled: false },
    }).resource("aws_kinesis_firehose_delivery_stream");
    expect(stream.name).toBe("my.stream");
    expect(stream.extended_s3_configuration).toMatchObject({
      prefix: "ses/!{partitionKeyFromQuery:event_type}/",
      error_output_prefix: "failed/",
      buffering_size: 128,
      buffering_interval: 60,
      compression_format: "Snappy",
      dynamic_partitioning_configuration: { enabled: true, retry_duration: 900 },
    });
  });

  it("is encrypted with an AWS owned key by default", () => {
    expect(synth().resource("aws_kinesis_firehose_delivery_stream").server_side_encryption).toEqual({
      enabled: true,
      key_type: "AWS_OWNED_CMK",
    });
  });

  it("is encrypted with the customer managed key when kmsKeyArn is set, and so are its objects", () => {
    const stream = synth({ deliveryStream: { kmsKeyArn: KEY } }).resource("aws_kinesis_firehose_delivery_stream");
    expect(stream.server_side_encryption).toEqual({ enabled: true, key_type: "CUSTOMER_MANAGED_CMK", key_arn: KEY });
    expect(stream.extended_s3_configuration.kms_key_arn).toBe(KEY);
  });

  it("logs delivery errors to its own log group and stream, kept 365 days", () => {
    const out = synth();
    expect(out.resource("aws_cloudwatch_log_group")).toMatchObject({ name: "/aws/kinesisfirehose/ses-events", retention_in_days: 365 });
    expect(out.resource("aws_cloudwatch_log_stream")).toMatchObject({
      name: "DestinationDelivery",
      log_group_name: "${aws_cloudwatch_log_group.Events_LogGroup_B009084F.name}",
    });
    expect(out.resource("aws_kinesis_firehose_delivery_stream").extended_s3_configuration.cloudwatch_logging_options).toEqual({
      enabled: true,
      log_group_name: "${aws_cloudwatch_log_group.Events_LogGroup_B009084F.name}",
      log_stream_name: "${aws_cloudwatch_log_stream.Events_LogStream_7929B159.name}",
    });
  });

  it("encrypts the delivery log group with the customer managed key when kmsKeyArn is set", () => {
    expect(synth().resource("aws_cloudwatch_log_group").kms_key_id).toBeUndefined();
    expect(synth({ deliveryStream: { kmsKeyArn: KEY } }).resource("aws_cloudwatch_log_group").kms_key_id).toBe(KEY);
  });

  it("accepts zero buffering and a never-expiring log group without partitioning", () => {
    const out = synth({ deliveryStream: { partitionByEventType: false, bufferingIntervalSeconds: 0, logRetentionDays: 0 } });
    expect(out.resource("aws_kinesis_firehose_delivery_stream").extended_s3_configuration.buffering_interval).toBe(0);
    expect(out.resource("aws_cloudwatch_log_group").retention_in_days).toBe(0);
  });

  it("keeps delivery logs for the chosen retention", () => {
    expect(synth({ deliveryStream: { logRetentionDays: 30 } }).resource("aws_cloudwatch_log_group").retention_in_days).toBe(30);
  });

  it("creates no log group and grants no logging when logging is off", () => {
    const out = synth({ deliveryStream: { logging: false, format: EventFormat.JSON } });
    expect(out.resources("aws_cloudwatch_log_group")).toHaveLength(0);
    expect(out.resources("aws_cloudwatch_log_stream")).toHaveLength(0);
    expect(out.resource("aws_kinesis_firehose_delivery_stream").extended_s3_configuration.cloudwatch_logging_options).toEqual({
      enabled: false,
    });
    const sids = out.policy("aws_iam_role_policy", "policy", (r) => r.name === "deliver-ses-events").Statement.map((s) => s.Sid);
    expect(sids).toEqual(["WriteEventObjects"]);
  });

  it("orders the stream after its role's policy", () => {
    expect(synth().resource("aws_kinesis_firehose_delivery_stream").depends_on).toEqual([
      "aws_iam_role_policy.Events_DeliveryRolePolicy_597E3B6B",
    ]);
  });

  it("uses an existing stream passed by ARN and creates no stream, bucket, Firehose role or log group", () => {
    const out = synth({ deliveryStreamArn: EXISTING_STREAM });
    for (const type of [
      "aws_kinesis_firehose_delivery_stream",
      "aws_s3_bucket",
      "aws_cloudwatch_log_group",
      "aws_cloudwatch_metric_alarm",
    ]) {
      expect(out.resources(type)).toHaveLength(0);
    }
    expect(out.resources("aws_iam_role").map((r) => r.name_prefix)).toEqual(["ses-events-ses-"]);
    expect(out.resource("aws_sesv2_configuration_set_event_destination").event_destination.kinesis_firehose_destination.delivery_stream_arn).toBe(
      EXISTING_STREAM,
    );
  });
});

describe("Firehose delivery role", () => {
  const deliveryPolicy = (props = {}) =>
    synth(props).policy("aws_iam_role_policy", "policy", (r) => r.name === "deliver-ses-events");

  it("trusts only Firehose with this account as external ID", () => {
    const trust = synth().policy("aws_iam_role", "assume_role_policy", (r) => r.name_prefix === "ses-events-firehose-");
    expect(trust.Statement).toEqual([
      {
        Sid: "AllowFirehoseInThisAccount",
        Effect: "Allow",
        Principal: { Service: "firehose.amazonaws.com" },
        Action: ["sts:AssumeRole"],
        Condition: { StringEquals: { "sts:ExternalId": ACCOUNT } },
      },
    ]);
  });

  it("may write only to the event bucket and its objects, and only to its log stream (JSON: no schema to read)", () => {
    expect(deliveryPolicy({ deliveryStream: { format: EventFormat.JSON } }).Statement).toEqual([
      {
        Sid: "WriteEventObjects",
        Effect: "Allow",
        Action: [
          "s3:AbortMultipartUpload",
          "s3:GetBucketLocation",
          "s3:GetObject",
          "s3:ListBucket",
          "s3:ListBucketMultipartUploads",
          "s3:PutObject",
        ],
        Resource: [BUCKET_ARN, `${BUCKET_ARN}/*`],
      },
      {
        Sid: "WriteDeliveryErrorLogs",
        Effect: "Allow",
        Action: ["logs:PutLogEvents"],
        Resource: [
          `arn:${PARTITION}:logs:${REGION}:${ACCOUNT}:log-group:\${aws_cloudwatch_log_group.Events_LogGroup_B009084F.name}:log-stream:\${aws_cloudwatch_log_stream.Events_LogStream_7929B159.name}`,
        ],
      },
    ]);
  });

  it("may use the customer managed key only through S3 for this bucket", () => {
    const kms = deliveryPolicy({ deliveryStream: { kmsKeyArn: KEY } }).Statement.find((s) => s.Sid === "EncryptEventObjects");
    expect(kms).toEqual({
      Sid: "EncryptEventObjects",
      Effect: "Allow",
      Action: ["kms:GenerateDataKey", "kms:Decrypt"],
      Resource: [KEY],
      Condition: {
        StringEquals: { "kms:ViaService": `s3.${REGION}.\${data.aws_partition.AwsContext_Partition_821FC74B.dns_suffix}` },
        StringLike: { "kms:EncryptionContext:aws:s3:arn": [BUCKET_ARN, `${BUCKET_ARN}/*`] },
      },
    });
  });

  it("writes to an existing bucket passed by ARN and creates no bucket", () => {
    const out = synth({ deliveryStream: { bucketArn: EXISTING_BUCKET } });
    expect(out.resources("aws_s3_bucket")).toHaveLength(0);
    expect(out.resources("aws_s3_bucket_policy")).toHaveLength(0);
    expect(out.resource("aws_kinesis_firehose_delivery_stream").extended_s3_configuration.bucket_arn).toBe(EXISTING_BUCKET);
    const s3 = out.policy("aws_iam_role_policy", "policy", (r) => r.name === "deliver-ses-events").Statement[0];
    expect(s3.Resource).toEqual([EXISTING_BUCKET, `${EXISTING_BUCKET}/*`]);
  });

  it("takes a fixed name when deliveryStream.roleName is set", () => {
    const roles = synth({ deliveryStream: { roleName: "firehose-ses" } }).resources("aws_iam_role");
    expect(roles.find((r) => r.name === "firehose-ses")).toBeDefined();
  });
});

describe("least privilege", () => {
  const everything = {
    deliveryStream: { kmsKeyArn: KEY, bucket: { accessLogBucketName: "access-logs" } },
    alarms: { enabled: true },
  };

  it("grants no wildcard action or resource in any Allow statement", () => {
    const out = synth(everything);
    const documents = [
      ...out.resources("aws_iam_role").map((r) => r.assume_role_policy),
      ...out.resources("aws_iam_role_policy").map((r) => r.policy),
      ...out.resources("aws_s3_bucket_policy").map((r) => r.policy),
    ].map((doc) => JSON.parse(doc));
    const allows = documents.flatMap((doc) => doc.Statement).filter((s) => s.Effect === "Allow");
    expect(allows.length).toBeGreaterThanOrEqual(6);
    for (const statement of allows) {
      for (const action of statement.Action) expect(action).not.toMatch(/\*/);
      for (const resource of statement.Resource ?? []) expect(resource).not.toBe("*");
    }
  });

  it("gives every statement a Sid", () => {
    const out = synth(everything);
    const statements = [
      ...out.resources("aws_iam_role").map((r) => r.assume_role_policy),
      ...out.resources("aws_iam_role_policy").map((r) => r.policy),
    ].flatMap((doc) => JSON.parse(doc).Statement);
    for (const statement of statements) expect(statement.Sid).toMatch(/^[A-Za-z0-9]+$/);
  });
});

describe("several instances", () => {
  it("keeps two destinations in one stack apart", () => {
    const stack = newStack();
    new SesFirehoseEventDestination(stack, "A", { configurationSetName: "tenant-a" });
    new SesFirehoseEventDestination(stack, "B", { configurationSetName: "tenant-b" });
    const out = parse(stack);
    expect(out.resources("aws_sesv2_configuration_set").map((r) => r.configuration_set_name)).toEqual(["tenant-a", "tenant-b"]);
    expect(out.resources("aws_kinesis_firehose_delivery_stream").map((r) => r.name)).toEqual(["tenant-a", "tenant-b"]);
    expect(out.resources("aws_s3_bucket").map((r) => r.bucket_prefix)).toEqual(["tenant-a-", "tenant-b-"]);
    expect(out.resources("aws_cloudwatch_log_group").map((r) => r.name)).toEqual([
      "/aws/kinesisfirehose/tenant-a",
      "/aws/kinesisfirehose/tenant-b",
    ]);
    const sourceArns = out
      .resources("aws_iam_role")
      .map((r) => JSON.parse(r.assume_role_policy).Statement[0].Condition.StringEquals["AWS:SourceArn"])
      .filter(Boolean);
    expect(sourceArns).toEqual([
      `arn:${PARTITION}:ses:${REGION}:${ACCOUNT}:configuration-set/tenant-a`,
      `arn:${PARTITION}:ses:${REGION}:${ACCOUNT}:configuration-set/tenant-b`,
    ]);
  });

  /** The message of building destination B next to A in one stack. */
  function clashOf(a: Partial<SesFirehoseEventDestinationProps>, b: Partial<SesFirehoseEventDestinationProps>): string {
    const stack = newStack();
    new SesFirehoseEventDestination(stack, "A", { configurationSetName: "tenant-a", ...a });
    try {
      new SesFirehoseEventDestination(stack, "B", { configurationSetName: "tenant-b", ...b });
    } catch (error) {
      return (error as Error).message;
    }
    throw new Error("expected the second destination to be refused");
  }

  // The names in the set or after it by default follow it: renaming configurationSetName alone is the fix.
  it("refuses two destinations creating one configuration set, naming both, and it alone", () => {
    expect(clashOf({ configurationSetName: "mail" }, { configurationSetName: "mail" })).toBe(
      'SesFirehoseEventDestination "test/B": invalid settings:\n' +
        '  - the configuration set "mail" (configurationSetName) is also created by SesFirehoseEventDestination "test/A" (configurationSetName): an account holds one per Region; give each destination its own configurationSetName: the event destination, delivery stream (with its log group and alarms), Glue database and Athena workgroup that clash too are in it or named after it, and follow it.',
    );
    // A name given explicitly is named beside it: renaming the set does not move it.
    expect(clashOf({ configurationSetName: "mail", deliveryStream: { name: "events" } }, { configurationSetName: "mail", deliveryStream: { name: "events" } })).toContain(
      '  - the delivery stream (with its log group and alarms) "events" (deliveryStream.name) is also created by SesFirehoseEventDestination "test/A" (deliveryStream.name): an account holds one per Region; give each destination its own deliveryStream.name.',
    );
  });

  it("refuses two destinations creating one stream (and so one log group and one pair of alarms)", () => {
    expect(clashOf({ deliveryStream: { name: "events" } }, { deliveryStream: { name: "events" } })).toContain(
      '\n  - the delivery stream (with its log group and alarms) "events" (deliveryStream.name) is also created by SesFirehoseEventDestination "test/A" (deliveryStream.name): an account holds one per Region; give each destination its own deliveryStream.name.',
    );
  });

  it("refuses two destinations whose role names differ only in case", () => {
    expect(clashOf({ sesRoleName: "Publisher" }, { sesRoleName: "publisher" })).toBe(
      'SesFirehoseEventDestination "test/B": invalid settings:\n' +
        '  - the IAM role "publisher" (the same as "Publisher": IAM role names ignore case) (sesRoleName) is also created by SesFirehoseEventDestination "test/A" (sesRoleName): an account holds one for all Regions; give each destination its own sesRoleName.',
    );
  });

  it("refuses a stream named like another destination's configuration set", () => {
    expect(clashOf({ configurationSetName: "events" }, { deliveryStream: { name: "events" } })).toContain(
      '"events" (deliveryStream.name) is also created by SesFirehoseEventDestination "test/A" (deliveryStream.name, default: configurationSetName)',
    );
  });

  it.each([
    ["sesRoleName", { sesRoleName: "ses" }, "sesRoleName"],
    ["deliveryStream.roleName", { deliveryStream: { roleName: "ses" } }, "deliveryStream.roleName"],
  ])("refuses two destinations creating one IAM role through %s", (_, props, setting) => {
    expect(clashOf({ sesRoleName: "ses" }, props)).toContain(
      `\n  - the IAM role "ses" (${setting}) is also created by SesFirehoseEventDestination "test/A" (sesRoleName): an account holds one for all Regions; give each destination its own ${setting}.`,
    );
  });

  it("refuses two event destinations of one name on one existing configuration set", () => {
    expect(
      clashOf(
        { configurationSetName: "shared", createConfigurationSet: false, deliveryStreamArn: EXISTING_STREAM },
        { configurationSetName: "shared", createConfigurationSet: false, deliveryStreamArn: EXISTING_STREAM },
      ),
    ).toBe(
      'SesFirehoseEventDestination "test/B": invalid settings:\n  - the event destination "shared|firehose" (eventDestinationName) is also created by SesFirehoseEventDestination "test/A" (eventDestinationName): an account holds one per Region; give each destination its own eventDestinationName.',
    );
  });

  it("refuses two destinations on one existing configuration set that both create its CloudWatch metrics destination", () => {
    const onShared = (stream: string, destination: string) => ({
      configurationSetName: "shared",
      createConfigurationSet: false,
      eventDestinationName: destination,
      deliveryStream: { name: stream },
      analytics: { enabled: false },
      alarms: { enabled: true },
    });
    expect(clashOf(onShared("stream-a", "to-a"), onShared("stream-b", "to-b"))).toBe(
      'SesFirehoseEventDestination "test/B": invalid settings:\n' +
        '  - the event destination "shared|cloudwatch-metrics" (alarms) is also created by SesFirehoseEventDestination "test/A" (alarms): an account holds one per Region; a configuration set holds one event destination named cloudwatch-metrics, which counts its sends for the silent pipeline alarm and the dashboard: turn alarms.silentPipeline and dashboard.enabled off on every destination of the set but one.',
    );
  });

  it("lets the metrics destination of one existing set be created by one destination while another has alarms without it", () => {
    const stack = newStack();
    const shared = { configurationSetName: "shared", createConfigurationSet: false, analytics: { enabled: false } };
    new SesFirehoseEventDestination(stack, "A", { ...shared, eventDestinationName: "to-a", deliveryStream: { name: "a" }, alarms: { enabled: true } });
    new SesFirehoseEventDestination(stack, "B", {
      ...shared,
      eventDestinationName: "to-b",
      deliveryStream: { name: "b" },
      alarms: { enabled: true, silentPipeline: false },
      dashboard: { enabled: false },
    });
    const names = parse(stack).resources("aws_sesv2_configuration_set_event_destination").map((r) => r.event_destination_name);
    expect(names.sort()).toEqual(["cloudwatch-metrics", "to-a", "to-b"]);
  });

  it("names each destination's alarm topic after its stream", () => {
    const stack = newStack();
    new SesFirehoseEventDestination(stack, "A", { configurationSetName: "tenant-a", alarms: { enabled: true } });
    new SesFirehoseEventDestination(stack, "B", { configurationSetName: "tenant-b", deliveryStream: { name: "tenant.b" }, alarms: { enabled: true } });
    const topics = parse(stack).resources("aws_sns_topic");
    expect(topics.map((topic) => topic.name_prefix)).toEqual(["tenant-a-alarms-", "tenant-b-alarms-"]);
    for (const topic of topics) expect(topic.lifecycle).toEqual({ ignore_changes: ["name_prefix"] });
  });

  it("lets two destinations share an existing stream, an existing bucket and an existing SES role", () => {
    const stack = newStack();
    for (const id of ["A", "B"]) {
      new SesFirehoseEventDestination(stack, id, { configurationSetName: `tenant-${id}`, deliveryStreamArn: EXISTING_STREAM, sesRoleArn: EXISTING_ROLE });
    }
    expect(parse(stack).resources("aws_sesv2_configuration_set")).toHaveLength(2);
  });

  it("does not judge names that are Terraform variables", () => {
    const stack = newStack();
    const name = new TerraformVariable(stack, "name", { type: "string" }).stringValue;
    new SesFirehoseEventDestination(stack, "A", { configurationSetName: name, analytics: { databaseName: "a", workgroupName: "a" } });
    new SesFirehoseEventDestination(stack, "B", { configurationSetName: name, analytics: { databaseName: "b", workgroupName: "b" } });
    expect(parse(stack).resources("aws_sesv2_configuration_set")).toHaveLength(2);
  });

  it("refuses two query layers that would share a Glue database or Athena workgroup", () => {
    expect(clashOf({ configurationSetName: "mail-events" }, { configurationSetName: "mail_events" })).toBe(
      'SesFirehoseEventDestination "test/B": invalid settings:\n' +
        '  - the Glue database "mail_events" (analytics.databaseName, default: configurationSetName) is also created by SesFirehoseEventDestination "test/A" (analytics.databaseName, default: configurationSetName): an account holds one per Region; give each destination its own analytics.databaseName.\n' +
        '  - the Athena workgroup "mail-events" (analytics.workgroupName, default: configurationSetName) is also created by SesFirehoseEventDestination "test/A" (analytics.workgroupName, default: configurationSetName): an account holds one per Region; give each destination its own analytics.workgroupName.',
    );
  });

  it("refuses two query layers over Terraform variable set names, whose database and workgroup take one fixed name", () => {
    const stack = newStack();
    const name = new TerraformVariable(stack, "name", { type: "string" }).stringValue;
    new SesFirehoseEventDestination(stack, "A", { configurationSetName: name });
    expect(() => new SesFirehoseEventDestination(stack, "B", { configurationSetName: name })).toThrow(
      'the Glue database "ses_events" (analytics.databaseName, default: configurationSetName) is also created by SesFirehoseEventDestination "test/A"',
    );
  });

  it("keeps the names of different stacks apart", () => {
    const app = testApp();
    const stacks = ["one", "two"].map((id) => new TerraformStack(app, id));
    for (const stack of stacks) new SesFirehoseEventDestination(stack, "Events", { configurationSetName: "mail" });
    expect(stacks.map((stack) => parse(stack).resource("aws_sesv2_configuration_set").configuration_set_name)).toEqual(["mail", "mail"]);
  });
});

describe("the Region of the AWS provider", () => {
  const EU_KEY = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
  const EU_STREAM = "arn:aws:firehose:eu-west-1:123456789012:deliverystream/existing";
  const EU_TOPIC = "arn:aws:sns:eu-west-1:123456789012:oncall";

  /** The message of building a destination with `props` in a stack whose default AWS provider has `config`. */
  function errorIn(config: { region?: string }, props: Partial<SesFirehoseEventDestinationProps>): string {
    const stack = newStack();
    new AwsProvider(stack, "aws", config);
    try {
      new SesFirehoseEventDestination(stack, "Events", { configurationSetName: "mail", ...props });
    } catch (error) {
      return (error as Error).message;
    }
    return "";
  }

  it("refuses a KMS key, a stream and a topic in another Region than the stack's provider, as the app does", () => {
    expect(errorIn({ region: "us-east-1" }, { deliveryStream: { kmsKeyArn: EU_KEY } })).toBe(
      'SesFirehoseEventDestination "test/Events": invalid settings:\n' +
        `  - deliveryStream.kmsKeyArn "${EU_KEY}" is invalid: it is in eu-west-1 but the AWS provider is in us-east-1, and Firehose, S3 and CloudWatch use a KMS key in their own Region; use one in us-east-1.`,
    );
    expect(errorIn({ region: "us-east-1" }, { deliveryStreamArn: EU_STREAM })).toBe(
      'SesFirehoseEventDestination "test/Events": invalid settings:\n' +
        `  - deliveryStreamArn "${EU_STREAM}" is invalid: it is in eu-west-1 but the AWS provider is in us-east-1, and SES publishes only to a stream in its own Region; use one in us-east-1.`,
    );
    expect(errorIn({ region: "us-east-1" }, { alarms: { enabled: true, snsTopicArn: EU_TOPIC } })).toBe(
      'SesFirehoseEventDestination "test/Events": invalid settings:\n' +
        `  - alarms.snsTopicArn "${EU_TOPIC}" is invalid: it is in eu-west-1 but the AWS provider is in us-east-1, and CloudWatch alarms notify topics in their own Region; use one in us-east-1.`,
    );
  });

  it("judges against the provider it is given, not the stack's default one", () => {
    const stack = newStack();
    new AwsProvider(stack, "aws", { region: "us-east-1" });
    const eu = new AwsProvider(stack, "eu", { region: "eu-west-1", alias: "eu" });
    new SesFirehoseEventDestination(stack, "Events", { configurationSetName: "mail", deliveryStream: { kmsKeyArn: EU_KEY }, provider: eu });
    expect(parse(stack).resource("aws_kinesis_firehose_delivery_stream").provider).toBe("aws.eu");
    const us = new AwsProvider(stack, "us", { region: "us-east-1", alias: "us" });
    expect(() => new SesFirehoseEventDestination(stack, "Other", { configurationSetName: "other", deliveryStream: { kmsKeyArn: EU_KEY }, provider: us })).toThrow(
      "it is in eu-west-1 but the AWS provider is in us-east-1",
    );
  });

  it("does not judge when the provider's Region is a variable or not written", () => {
    expect(errorIn({}, { deliveryStream: { kmsKeyArn: EU_KEY } })).toBe("");
    const stack = newStack();
    const region = new TerraformVariable(stack, "region", { type: "string" }).stringValue;
    new AwsProvider(stack, "aws", { region });
    new SesFirehoseEventDestination(stack, "Events", { configurationSetName: "mail", deliveryStream: { kmsKeyArn: EU_KEY } });
    expect(parse(stack).resources("aws_kinesis_firehose_delivery_stream")).toHaveLength(1);
  });

  it("accepts a key in the provider's Region", () => {
    expect(errorIn({ region: "eu-west-1" }, { deliveryStream: { kmsKeyArn: EU_KEY } })).toBe("");
  });
});

describe("bucketName", () => {
  /** What `bucketName` synthesizes to, as an output of the stack. */
  function synthesized(stack: TerraformStack, bucketName: string | undefined): unknown {
    new TerraformOutput(stack, "bucket_name", { value: bucketName });
    return parse(stack).json.output?.bucket_name?.value;
  }

  it("is the created bucket's name", () => {
    const stack = newStack();
    const events = new SesFirehoseEventDestination(stack, "Events", { configurationSetName: "mail" });
    expect(synthesized(stack, events.bucketName)).toBe("${aws_s3_bucket.Events_Bucket_C2BC09FD.bucket}");
  });

  it("is taken from deliveryStream.bucketArn when the bucket is given", () => {
    const events = new SesFirehoseEventDestination(newStack(), "Events", { configurationSetName: "mail", deliveryStream: { bucketArn: EXISTING_BUCKET } });
    expect(events.bucketName).toBe("existing-events");
  });

  it("is taken out of a bucket ARN known only at apply time by an expression", () => {
    const stack = newStack();
    const arn = new TerraformVariable(stack, "bucket_arn", { type: "string" }).stringValue;
    const events = new SesFirehoseEventDestination(stack, "Events", { configurationSetName: "mail", deliveryStream: { bucketArn: arn } });
    expect(synthesized(stack, events.bucketName)).toBe('${element(split(":", var.bucket_arn), 5)}');
  });

  it("is undefined with an existing delivery stream, whose bucket the module does not know", () => {
    const events = new SesFirehoseEventDestination(newStack(), "Events", { configurationSetName: "mail", deliveryStreamArn: EXISTING_STREAM });
    expect(events.bucketName).toBeUndefined();
  });
});

describe("tags", () => {
  it("tags every taggable resource it creates", () => {
    const tags = { team: "email" };
    const out = synth({ tags, alarms: { enabled: true } });
    for (const type of [
      "aws_sesv2_configuration_set",
      "aws_kinesis_firehose_delivery_stream",
      "aws_iam_role",
      "aws_s3_bucket",
      "aws_cloudwatch_log_group",
      "aws_cloudwatch_metric_alarm",
      "aws_sns_topic",
    ]) {
      for (const resource of out.resources(type)) expect(resource.tags).toEqual(tags);
    }
  });
});

describe("importing existing resources", () => {
  it("imports each adopted resource with its provider import ID", () => {
    const out = synth({
      sesRoleName: "ses-role",
      deliveryStream: { roleName: "firehose-role", partitionByEventType: true },
      configurationSet: {},
      importExisting: {
        configurationSet: true,
        eventDestination: true,
        deliveryStream: true,
        sesRole: true,
        deliveryRole: true,
        deliveryLogs: true,
      },
    });
    expect(out.json.import).toEqual(
      expect.arrayContaining([
        { to: "aws_sesv2_configuration_set.Events_ConfigurationSet_6B5CCE2B", id: "ses-events" },
        { to: "aws_sesv2_configuration_set_event_destination.Events_EventDestination_48FDD069", id: "ses-events|firehose" },
        {
          to: "aws_kinesis_firehose_delivery_stream.Events_Stream_DD98C46B",
          id: `arn:${PARTITION}:firehose:${REGION}:${ACCOUNT}:deliverystream/ses-events`,
        },
        { to: "aws_iam_role.Events_SesRole_422B17D5", id: "ses-role" },
        { to: "aws_iam_role.Events_DeliveryRole_893F12D8", id: "firehose-role" },
        { to: "aws_cloudwatch_log_group.Events_LogGroup_B009084F", id: "/aws/kinesisfirehose/ses-events" },
        { to: "aws_cloudwatch_log_stream.Events_LogStream_7929B159", id: "/aws/kinesisfirehose/ses-events:DestinationDelivery" },
      ]),
    );
    expect(out.json.import).toHaveLength(7);
  });

  it("imports nothing by default", () => {
    expect(synth().json.import).toBeUndefined();
  });
});

describe("adopting console-created roles", () => {
  const CONSOLE_SES_ROLE = "arn:aws:iam::123456789012:role/service-role/ses-firehose";
  const CONSOLE_FIREHOSE_ROLE = "arn:aws:iam::123456789012:role/service-role/KinesisFirehoseServiceRole-events-us-east-1-1700000000000";

  /** The role created with construct ID `id`. */
  function role(out: ReturnType<typeof synth>, id: string): Record<string, any> {
    return out.json.resource!.aws_iam_role[Object.keys(out.json.resource!.aws_iam_role).find((key) => key.startsWith(`Events_${id}_`))!];
  }

  it("places the roles it creates at the root path unless told otherwise", () => {
    const out = synth();
    expect(role(out, "SesRole")).not.toHaveProperty("path");
    expect(role(out, "DeliveryRole")).not.toHaveProperty("path");
  });

  it("places the roles under sesRolePath and deliveryStream.rolePath", () => {
    const out = synth({ sesRolePath: "/service-role/", deliveryStream: { rolePath: "/ses/events/" } });
    expect(role(out, "SesRole").path).toBe("/service-role/");
    expect(role(out, "DeliveryRole").path).toBe("/ses/events/");
  });

  it("takes each role's name and path from the ARN given to import it, and imports it by that name", () => {
    const out = synth({
      deliveryStream: { partitionByEventType: false },
      importExisting: { sesRole: CONSOLE_SES_ROLE, deliveryRole: CONSOLE_FIREHOSE_ROLE },
    });
    expect(role(out, "SesRole")).toMatchObject({ name: "ses-firehose", path: "/service-role/" });
    expect(role(out, "DeliveryRole")).toMatchObject({ name: "KinesisFirehoseServiceRole-events-us-east-1-1700000000000", path: "/service-role/" });
    expect(role(out, "SesRole")).not.toHaveProperty("name_prefix");
    expect(out.json.import).toEqual([
      { to: "aws_iam_role.Events_DeliveryRole_893F12D8", id: "KinesisFirehoseServiceRole-events-us-east-1-1700000000000" },
      { to: "aws_iam_role.Events_SesRole_422B17D5", id: "ses-firehose" },
    ]);
  });

  it("writes no path for a role ARN at the root path", () => {
    const out = synth({ importExisting: { sesRole: "arn:aws:iam::123456789012:role/ses-firehose" } });
    expect(role(out, "SesRole")).toMatchObject({ name: "ses-firehose" });
    expect(role(out, "SesRole")).not.toHaveProperty("path");
  });

  it("accepts a name and path that agree with the ARN", () => {
    const out = synth({ sesRoleName: "ses-firehose", sesRolePath: "/service-role/", importExisting: { sesRole: CONSOLE_SES_ROLE } });
    expect(role(out, "SesRole")).toMatchObject({ name: "ses-firehose", path: "/service-role/" });
  });

  it.each([
    [
      "a role name that disagrees with the ARN",
      { sesRoleName: "other", importExisting: { sesRole: CONSOLE_SES_ROLE } },
      `importExisting.sesRole "${CONSOLE_SES_ROLE}" names the role "ses-firehose" but sesRoleName is "other": the import ID and the role must be the same; remove sesRoleName or make them agree.`,
    ],
    [
      "a role path that disagrees with the ARN",
      { sesRolePath: "/", importExisting: { sesRole: CONSOLE_SES_ROLE } },
      `importExisting.sesRole "${CONSOLE_SES_ROLE}" has the path "/service-role/" but sesRolePath is "/": Terraform would replace the role to move it; remove sesRolePath or make them agree.`,
    ],
    [
      "a Firehose role path that disagrees with the ARN",
      { deliveryStream: { rolePath: "/x/" }, importExisting: { deliveryRole: CONSOLE_FIREHOSE_ROLE } },
      `importExisting.deliveryRole "${CONSOLE_FIREHOSE_ROLE}" has the path "/service-role/" but deliveryStream.rolePath is "/x/": Terraform would replace the role to move it; remove deliveryStream.rolePath or make them agree.`,
    ],
    [
      "a role to import that is not a role ARN",
      { importExisting: { sesRole: "ses-firehose" } },
      'importExisting.sesRole "ses-firehose" is invalid: use an IAM role ARN, arn:<partition>:iam::<account>:role/<name>.',
    ],
    [
      "an SES role to import with sesRoleArn",
      { sesRoleArn: EXISTING_ROLE, importExisting: { sesRole: CONSOLE_SES_ROLE } },
      "importExisting.sesRole is set with sesRoleArn: a role passed by sesRoleArn is used as it is, not imported; remove one of them.",
    ],
    [
      "a Firehose role to import with deliveryStreamArn",
      { deliveryStreamArn: EXISTING_STREAM, importExisting: { deliveryRole: CONSOLE_FIREHOSE_ROLE } },
      "importExisting.deliveryRole is set with deliveryStreamArn: the module creates no Firehose role for an existing stream; remove it.",
    ],
    [
      "a role path without slashes",
      { sesRolePath: "service-role" },
      `sesRolePath "service-role" is invalid: use / or a path that starts and ends with '/', such as /service-role/, of at most 512 ASCII characters.`,
    ],
    [
      "a Firehose role path with a space",
      { deliveryStream: { rolePath: "/my path/" } },
      `deliveryStream.rolePath "/my path/" is invalid: use / or a path that starts and ends with '/', such as /service-role/, of at most 512 ASCII characters.`,
    ],
    [
      "sesRolePath with sesRoleArn",
      { sesRoleArn: EXISTING_ROLE, sesRolePath: "/service-role/" },
      "sesRoleArn and sesRolePath are both set: sesRolePath places the role the module creates, sesRoleArn uses an existing one; remove one of them.",
    ],
    [
      "a stream to import without saying whether it is partitioned",
      { importExisting: { deliveryStream: true } },
      "importExisting.deliveryStream is true but deliveryStream.partitionByEventType is not set: Firehose turns dynamic partitioning on only when it creates a stream, so set it as the existing stream has it (false for a stream created without dynamic partitioning, as the console does by default), or Terraform replaces the stream.",
    ],
  ])("rejects %s", (_, props, message) => {
    expect(errorOf(props)).toContain(`\n  - ${message}`);
  });

  it("imports a console-created stream without partitioning as it is: no partitioning, no processor", () => {
    const stream = synth({ deliveryStream: { partitionByEventType: false }, importExisting: { deliveryStream: true } }).resource(
      "aws_kinesis_firehose_delivery_stream",
    );
    expect(stream.extended_s3_configuration).not.toHaveProperty("dynamic_partitioning_configuration");
    expect(stream.extended_s3_configuration).not.toHaveProperty("processing_configuration");
  });
});

describe("validation", () => {
  it.each<[string, object, string]>([
    ["configurationSetName", { configurationSetName: "my set" }, `configurationSetName "my set" is invalid: use 1-64 letters, digits, '_' or '-'.`],
    ["a too long configurationSetName", { configurationSetName: "a".repeat(65) }, `configurationSetName "${"a".repeat(65)}" is invalid: use 1-64 letters, digits, '_' or '-'.`],
    ["an empty configurationSetName", { configurationSetName: "" }, `configurationSetName "" is invalid: use 1-64 letters, digits, '_' or '-'.`],
    ["eventDestinationName", { eventDestinationName: "fire.hose" }, `eventDestinationName "fire.hose" is invalid: use 1-64 letters, digits, '_' or '-'.`],
    ["empty eventTypes", { eventTypes: [] }, "eventTypes [] is invalid: list at least one of SEND, REJECT, BOUNCE, COMPLAINT, DELIVERY, OPEN, CLICK, RENDERING_FAILURE, DELIVERY_DELAY, SUBSCRIPTION."],
    ["an unknown event type", { eventTypes: ["BOUNCE", "Bounce"] }, `eventTypes entry "Bounce" is invalid: use one of SEND, REJECT, BOUNCE, COMPLAINT, DELIVERY, OPEN, CLICK, RENDERING_FAILURE, DELIVERY_DELAY, SUBSCRIPTION.`],
    ["a repeated event type", { eventTypes: ["SEND", "SEND"] }, "eventTypes lists SEND more than once: list each event type once."],
    ["a repeated unknown event type with a line break", { eventTypes: ["SEND", "X\n  - forged", "X\n  - forged"] }, `eventTypes entry "X\\n  - forged" is invalid: use one of SEND, REJECT, BOUNCE, COMPLAINT, DELIVERY, OPEN, CLICK, RENDERING_FAILURE, DELIVERY_DELAY, SUBSCRIPTION.`],
    ["51 tags", { tags: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, "v"])) }, "tags holds 51 tags: AWS allows at most 50 on a resource; remove some."],
    ["a repeated event type named with a line break", { eventTypes: ["X\n  - forged", "X\n  - forged"] }, `eventTypes lists "X\\n  - forged" more than once: list each event type once.`],
    ["deliveryStreamArn of another service", { deliveryStreamArn: "arn:aws:kinesis:us-east-1:123456789012:stream/x" }, `deliveryStreamArn "arn:aws:kinesis:us-east-1:123456789012:stream/x" is invalid: use a Firehose delivery stream ARN, arn:<partition>:firehose:<region>:<account>:deliverystream/<name>.`],
    ["sesRoleArn that is not a role", { sesRoleArn: "arn:aws:iam::123456789012:user/bob" }, `sesRoleArn "arn:aws:iam::123456789012:user/bob" is invalid: use an IAM role ARN, arn:<partition>:iam::<account>:role/<name>.`],
    ["sesRoleName", { sesRoleName: "ses role" }, `sesRoleName "ses role" is invalid: use 1-64 letters, digits or '+=,.@_-'.`],
    ["both deliveryStreamArn and deliveryStream", { deliveryStreamArn: EXISTING_STREAM, deliveryStream: {} }, "deliveryStreamArn and deliveryStream are both set: deliveryStream configures the stream the module creates, deliveryStreamArn uses an existing one; remove one of them."],
    ["both sesRoleArn and sesRoleName", { sesRoleArn: EXISTING_ROLE, sesRoleName: "x" }, "sesRoleArn and sesRoleName are both set: sesRoleName names the role the module creates, sesRoleArn uses an existing one; remove one of them."],
    ["a stream name", { deliveryStream: { name: "my stream" } }, `deliveryStream.name "my stream" is invalid: use 1-64 letters, digits, '_', '.' or '-'.`],
    ["bucketArn of an object", { deliveryStream: { bucketArn: "arn:aws:s3:::bucket/key" } }, `deliveryStream.bucketArn "arn:aws:s3:::bucket/key" is invalid: use an S3 bucket ARN, arn:<partition>:s3:::<bucket-name>.`],
    ["a KMS alias instead of a key", { deliveryStream: { kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:alias/events" } }, `deliveryStream.kmsKeyArn "arn:aws:kms:us-east-1:123456789012:alias/events" is invalid: use a KMS key ARN, arn:<partition>:kms:<region>:<account>:key/<key-id> (not an alias).`],
    ["a delivery role name", { deliveryStream: { roleName: "a/b" } }, `deliveryStream.roleName "a/b" is invalid: use 1-64 letters, digits or '+=,.@_-'.`],
    ["an unknown compression", { deliveryStream: { compression: "BZIP2" } }, `deliveryStream.compression "BZIP2" is invalid: use one of UNCOMPRESSED, GZIP, ZIP, Snappy, HADOOP_SNAPPY.`],
    ["a buffering interval over 900", { deliveryStream: { bufferingIntervalSeconds: 901 } }, "deliveryStream.bufferingIntervalSeconds 901 is invalid: use a whole number from 0 to 900."],
    ["a buffering size over 128", { deliveryStream: { bufferingSizeMiB: 129 } }, "deliveryStream.bufferingSizeMiB 129 is invalid: use a whole number from 1 to 128."],
    ["a partitioned buffer under 64 MiB", { deliveryStream: { bufferingSizeMiB: 32, format: EventFormat.JSON } }, "deliveryStream.bufferingSizeMiB 32 is invalid: Firehose needs at least 64 MiB of buffer with dynamic partitioning (partitionByEventType); use 64-128 or turn partitioning off."],
    ["a partitioning retry over 7200", { deliveryStream: { partitioningRetrySeconds: 7201 } }, "deliveryStream.partitioningRetrySeconds 7201 is invalid: use a whole number from 0 to 7200."],
    ["a partitioning retry without partitioning", { deliveryStream: { partitionByEventType: false, partitioningRetrySeconds: 60 } }, "deliveryStream.partitioningRetrySeconds is set but partitionByEventType is false: it applies only to dynamic partitioning; remove it or turn partitioning on."],
    ["a log retention CloudWatch does not offer", { deliveryStream: { logRetentionDays: 10 } }, "deliveryStream.logRetentionDays 10 is invalid: use one of 0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."],
    ["a log retention with logging off", { deliveryStream: { logging: false, logRetentionDays: 30 } }, "deliveryStream.logRetentionDays is set but logging is false: remove it or turn logging on."],
    ["a partitioned prefix without the partition key", { deliveryStream: { prefix: "events/" } }, `deliveryStream.prefix "events/" is invalid: with partitionByEventType the prefix must contain !{partitionKeyFromQuery:event_type}.`],
    ["a partition key without partitioning", { deliveryStream: { partitionByEventType: false, prefix: "e/!{partitionKeyFromQuery:event_type}/" } }, `deliveryStream.prefix "e/!{partitionKeyFromQuery:event_type}/" is invalid: partitionKeyFromQuery needs dynamic partitioning: turn partitionByEventType on or remove it.`],
    ["an empty error prefix", { deliveryStream: { errorOutputPrefix: "" } }, `deliveryStream.errorOutputPrefix "" is invalid: use 1-1024 characters (Firehose needs an error prefix when the prefix has expressions).`],
    ["an error prefix with expressions but no error type", { deliveryStream: { errorOutputPrefix: "errors/!{timestamp:yyyy}/" } }, `deliveryStream.errorOutputPrefix "errors/!{timestamp:yyyy}/" is invalid: an error prefix with expressions must contain !{firehose:error-output-type}.`],
    ["an error prefix with a partition key", { deliveryStream: { errorOutputPrefix: "e/!{firehose:error-output-type}/!{partitionKeyFromQuery:event_type}/" } }, `deliveryStream.errorOutputPrefix "e/!{firehose:error-output-type}/!{partitionKeyFromQuery:event_type}/" is invalid: an error prefix cannot use partitionKeyFromQuery.`],
    ["both bucketArn and bucket", { deliveryStream: { bucketArn: EXISTING_BUCKET, bucket: {} } }, "deliveryStream.bucketArn and deliveryStream.bucket are both set: bucket configures the bucket the module creates, bucketArn uses an existing one; remove one of them."],
    ["an SNS topic ARN of another service", { alarms: { enabled: true, snsTopicArn: "arn:aws:sqs:us-east-1:123456789012:q" } }, `alarms.snsTopicArn "arn:aws:sqs:us-east-1:123456789012:q" is invalid: use an SNS topic ARN, arn:<partition>:sns:<region>:<account>:<topic-name>.`],
    ["an alarm period that is not a multiple of 60", { alarms: { enabled: true, periodSeconds: 90 } }, "alarms.periodSeconds 90 is invalid: use a multiple of 60."],
    ["a freshness threshold under 1.5 buffering intervals", { alarms: { enabled: true, freshnessThresholdSeconds: 450 } }, "alarms.freshnessThresholdSeconds 450 is invalid: it must exceed 450 s (1.5 times the 300 s buffering interval, a normal delivery delay), or the alarm fires on normal deliveries."],
    ["a freshness threshold under 1.5 of a longer interval", { deliveryStream: { bufferingIntervalSeconds: 600 }, alarms: { enabled: true, freshnessThresholdSeconds: 660 } }, "alarms.freshnessThresholdSeconds 660 is invalid: it must exceed 900 s (1.5 times the 600 s buffering interval, a normal delivery delay), or the alarm fires on normal deliveries."],
    ["zero buffering with partitioning", { deliveryStream: { bufferingIntervalSeconds: 0 } }, "deliveryStream.bufferingIntervalSeconds 0 is invalid: Firehose offers no zero buffering with dynamic partitioning (partitionByEventType); use 1-900 or turn partitioning off."],
    ["the error type expression in the prefix", { deliveryStream: { prefix: "x/!{firehose:error-output-type}/!{partitionKeyFromQuery:event_type}/" } }, `deliveryStream.prefix "x/!{firehose:error-output-type}/!{partitionKeyFromQuery:event_type}/" is invalid: !{firehose:error-output-type} belongs in errorOutputPrefix only.`],
    ["a tag key with characters AWS does not allow", { tags: { "team!": "x" } }, `tags key "team!" is invalid: use letters, digits, spaces and _ . : / = + - @.`],
    ["alarms on an existing stream", { deliveryStreamArn: EXISTING_STREAM, alarms: { enabled: true } }, "alarms.enabled is true with deliveryStreamArn: alarms are created only for a stream the module creates; set alarms on your own stream instead."],
    ["importing a configuration set it does not create", { createConfigurationSet: false, importExisting: { configurationSet: true } }, "importExisting.configurationSet is true but createConfigurationSet is false: only a configuration set the module manages can be imported."],
    ["importing a stream passed by ARN", { deliveryStreamArn: EXISTING_STREAM, importExisting: { deliveryStream: true } }, "importExisting.deliveryStream is true with deliveryStreamArn: an existing stream passed by ARN is used as it is; remove one of them."],
    ["importing an SES role without its name", { importExisting: { sesRole: true } }, "importExisting.sesRole is true but sesRoleName is not set: name the existing role to import (its name is the import ID), or give its ARN as importExisting.sesRole."],
    ["importing delivery logs the module does not create", { deliveryStream: { logging: false }, importExisting: { deliveryLogs: true } }, "importExisting.deliveryLogs is true but the module creates no delivery-error logs (deliveryStreamArn is set or deliveryStream.logging is false): remove it."],
    ["importing a delivery role without its name", { importExisting: { deliveryRole: true } }, "importExisting.deliveryRole is true but deliveryStream.roleName is not set: name the existing role to import (its name is the import ID), or give its ARN as importExisting.deliveryRole."],
    ["a reserved tag key", { tags: { "aws:team": "x" } }, `tags key "aws:team" is invalid: the aws: prefix is reserved for AWS.`],
    ["a too long tag value", { tags: { team: "x".repeat(257) } }, `tags["team"] "${"x".repeat(180)}…" (257 characters) is invalid: use at most 256 characters.`],
  ])("rejects %s", (_, props, message) => {
    expect(errorOf(props)).toContain(`\n  - ${message}`);
  });

  it("names the construct and reports every problem together", () => {
    const message = errorOf({ configurationSetName: "my set", eventTypes: [], deliveryStream: { bufferingIntervalSeconds: -1 } });
    expect(message).toBe(
      [
        `SesFirehoseEventDestination "test/Events": invalid settings:`,
        `  - configurationSetName "my set" is invalid: use 1-64 letters, digits, '_' or '-'.`,
        "  - eventTypes [] is invalid: list at least one of SEND, REJECT, BOUNCE, COMPLAINT, DELIVERY, OPEN, CLICK, RENDERING_FAILURE, DELIVERY_DELAY, SUBSCRIPTION.",
        "  - deliveryStream.bufferingIntervalSeconds -1 is invalid: use a whole number from 0 to 900.",
      ].join("\n"),
    );
  });

  it("throws a ValidationError before creating any resource", () => {
    const stack = newStack();
    expect(() => new SesFirehoseEventDestination(stack, "Events", { configurationSetName: "my set" })).toThrow(ValidationError);
    expect(stack.node.findAll().filter((c) => c.node.id === "ConfigurationSet")).toHaveLength(0);
  });

  it("does not judge values that are Terraform variables", () => {
    const stack = newStack();
    const name = new TerraformVariable(stack, "name", { type: "string" });
    const size = new TerraformVariable(stack, "size", { type: "number" });
    const types = new TerraformVariable(stack, "types", { type: "list(string)" });
    new SesFirehoseEventDestination(stack, "Events", {
      configurationSetName: name.stringValue,
      eventTypes: types.listValue as SesEventType[],
      deliveryStream: { bufferingSizeMiB: size.numberValue, name: "events" },
    });
    const out = parse(stack);
    expect(out.resource("aws_sesv2_configuration_set").configuration_set_name).toBe("${var.name}");
    expect(out.resource("aws_kinesis_firehose_delivery_stream").extended_s3_configuration.buffering_size).toBe("${var.size}");
    expect(out.resource("aws_s3_bucket").bucket_prefix).toBe("ses-events-");
  });
});

describe("renaming the configuration set", () => {
  /** Per resource whose synthesized attributes differ: each changed attribute, and whether Terraform ignores its change. */
  function renameDiff(before: Partial<SesFirehoseEventDestinationProps>, after: Partial<SesFirehoseEventDestinationProps>) {
    const [old, renamed] = [synth(before).json.resource!, synth(after).json.resource!];
    const diff: Record<string, Record<string, "ignored" | "changed">> = {};
    for (const [type, resources] of Object.entries(old)) {
      for (const [key, resource] of Object.entries(resources)) {
        const next = renamed[type]?.[key];
        if (next === undefined) throw new Error(`${type}.${key} is gone after the rename`);
        const ignored: string[] = resource.lifecycle?.ignore_changes ?? [];
        for (const attribute of new Set([...Object.keys(resource), ...Object.keys(next)])) {
          if (attribute === "//" || JSON.stringify(resource[attribute]) === JSON.stringify(next[attribute])) continue;
          (diff[type] ??= {})[attribute] = ignored.includes(attribute) ? "ignored" : "changed";
        }
      }
    }
    return diff;
  }

  it("keeps the bucket, stream, log group, roles and reader policy: every name they take from the set is ignored once created", () => {
    expect(renameDiff({}, { configurationSetName: "mail-events" })).toEqual({
      aws_s3_bucket: { bucket_prefix: "ignored" },
      aws_kinesis_firehose_delivery_stream: { name: "ignored" },
      aws_cloudwatch_log_group: { name: "ignored" },
      aws_iam_role: { name_prefix: "ignored", description: "changed", assume_role_policy: "changed" },
      aws_iam_policy: { name_prefix: "ignored", description: "ignored" },
      // Replaced: they hold no events (the table is metadata, results stay in the bucket and expire).
      aws_sesv2_configuration_set: { configuration_set_name: "changed" },
      aws_glue_catalog_database: { name: "changed" },
      aws_athena_workgroup: { name: "changed" },
      aws_athena_named_query: { query: "changed" },
    });
  });

  it("renames a stream named by deliveryStream.name, replacing it, as asked", () => {
    const diff = renameDiff({ deliveryStream: { name: "events-a" } }, { deliveryStream: { name: "events-b" } });
    expect(diff.aws_kinesis_firehose_delivery_stream).toEqual({ name: "changed" });
    expect(diff.aws_cloudwatch_log_group).toEqual({ name: "changed" });
    expect(diff.aws_s3_bucket).toBeUndefined();
  });

  it("keeps role names given as roleName and sesRoleName without a lifecycle of their own", () => {
    const out = synth({ sesRoleName: "ses-events-publisher", deliveryStream: { roleName: "ses-events-firehose" } });
    for (const role of out.resources("aws_iam_role")) expect(role.lifecycle).toBeUndefined();
    expect(synth().resources("aws_iam_role").map((role) => role.lifecycle)).toEqual([
      { ignore_changes: ["name_prefix"] },
      { ignore_changes: ["name_prefix"] },
    ]);
  });
});
