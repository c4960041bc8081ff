import { readFileSync } from "fs";
import * as path from "path";
import { TerraformStack, Testing } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { SesEventLake, SesFirehoseEventDestination, SesFirehoseEventDestinationProps } from "../modules";
import { destinationWarnings, errorOf, synth } from "./helpers";

/** A source account's destination that delivers to a central lake (deliveryStream.lake). */
const LAKE_BUCKET = "arn:aws:s3:::ses-event-lake-111111111111-us-east-1";
const LAKE_KEY = "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const ACCOUNT = "${data.aws_caller_identity.AwsContext_Account_CAD0E3E2.account_id}";
const REGION = "${data.aws_region.AwsContext_Region_51268B9B.region}";

const toLake = (lake: NonNullable<NonNullable<SesFirehoseEventDestinationProps["deliveryStream"]>["lake"]>, more: Partial<SesFirehoseEventDestinationProps> = {}) =>
  synth({ ...more, deliveryStream: { ...more.deliveryStream, lake } });

const statement = (policy: { Statement: Array<Record<string, any>> }, sid: string) => {
  const found = policy.Statement.filter((s) => s.Sid === sid);
  expect(found).toHaveLength(1);
  return found[0]!;
};

describe("deliveryStream.lake", () => {
  it("delivers under the source's own account and Region in the lake bucket, errors too", () => {
    const s3 = toLake({ bucketArn: LAKE_BUCKET }).resource("aws_kinesis_firehose_delivery_stream").extended_s3_configuration;
    expect(s3.bucket_arn).toBe(LAKE_BUCKET);
    expect(s3.prefix).toBe(
      `events/account_id=${ACCOUNT}/region=${REGION}/event_type=!{partitionKeyFromQuery:event_type}/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/`,
    );
    expect(s3.error_output_prefix).toBe(
      `errors/account_id=${ACCOUNT}/region=${REGION}/!{firehose:error-output-type}/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/`,
    );
    expect(s3.compression_format).toBe("GZIP");
  });

  it("creates no bucket and no query layer in the source account", () => {
    const stack = toLake({ bucketArn: LAKE_BUCKET });
    for (const type of ["aws_s3_bucket", "aws_glue_catalog_database", "aws_glue_catalog_table", "aws_athena_workgroup", "aws_athena_named_query", "aws_iam_policy"]) {
      expect({ type, count: stack.resources(type).length }).toEqual({ type, count: 0 });
    }
  });

  it("lets the delivery role write only under its account and Region's folders of the lake", () => {
    const policy = toLake({ bucketArn: LAKE_BUCKET }).policy("aws_iam_role_policy", "policy", (p) => p.name === "deliver-ses-events");
    expect(statement(policy, "WriteOwnLakeFolders")).toEqual({
      Sid: "WriteOwnLakeFolders",
      Effect: "Allow",
      Action: ["s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject"],
      Resource: [`${LAKE_BUCKET}/events/account_id=${ACCOUNT}/region=${REGION}/*`, `${LAKE_BUCKET}/errors/account_id=${ACCOUNT}/region=${REGION}/*`],
    });
    expect(statement(policy, "LocateLake")).toEqual({
      Sid: "LocateLake",
      Effect: "Allow",
      Action: ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"],
      Resource: [LAKE_BUCKET],
    });
    expect(policy.Statement.map((s) => s.Sid)).toEqual(["LocateLake", "WriteOwnLakeFolders", "WriteDeliveryErrorLogs"]);
  });

  it("uses the lake key only through S3 in the lake's Region, for the lake bucket, and only in the lake's account", () => {
    const stack = toLake({ bucketArn: LAKE_BUCKET, kmsKeyArn: LAKE_KEY });
    expect(stack.resource("aws_kinesis_firehose_delivery_stream").extended_s3_configuration.kms_key_arn).toBe(LAKE_KEY);
    const policy = stack.policy("aws_iam_role_policy", "policy", (p) => p.name === "deliver-ses-events");
    expect(statement(policy, "EncryptLakeObjects")).toEqual({
      Sid: "EncryptLakeObjects",
      Effect: "Allow",
      Action: ["kms:GenerateDataKey", "kms:Decrypt"],
      Resource: [LAKE_KEY],
      Condition: {
        StringEquals: { "kms:ViaService": "s3.us-east-1.${data.aws_partition.AwsContext_Partition_821FC74B.dns_suffix}" },
        StringLike: { "kms:EncryptionContext:aws:s3:arn": [LAKE_BUCKET, `${LAKE_BUCKET}/*`] },
      },
    });
    // The bucket must be the lake account's: a bucket of that name elsewhere never receives events.
    expect(statement(policy, "WriteOwnLakeFolders").Condition).toEqual({ StringEquals: { "s3:ResourceAccount": "111111111111" } });
    expect(statement(policy, "LocateLake").Condition).toEqual({ StringEquals: { "s3:ResourceAccount": "111111111111" } });
    // The stream itself stays encrypted with an AWS owned key: the lake key is for the lake's objects.
    expect(stack.resource("aws_kinesis_firehose_delivery_stream").server_side_encryption).toEqual({ enabled: true, key_type: "AWS_OWNED_CMK" });
  });

  it("holds the bucket to the lake's account when accountId is given", () => {
    const policy = toLake({ bucketArn: LAKE_BUCKET, accountId: "111111111111" }).policy("aws_iam_role_policy", "policy", (p) => p.name === "deliver-ses-events");
    expect(statement(policy, "WriteOwnLakeFolders").Condition).toEqual({ StringEquals: { "s3:ResourceAccount": "111111111111" } });
  });

  const warnings = (lake: NonNullable<NonNullable<SesFirehoseEventDestinationProps["deliveryStream"]>["lake"]>) => destinationWarnings({ deliveryStream: { lake } });

  it("warns at synth when nothing names the lake's account, and not when accountId or the key does", () => {
    expect(warnings({ bucketArn: LAKE_BUCKET })).toEqual([
      "deliveryStream.lake gives neither accountId nor kmsKeyArn, so the delivery role may write to a bucket of this name in any account (s3:ResourceAccount is not checked); set deliveryStream.lake.accountId to the lake's account (SesEventLake.accountId).",
    ]);
    const policy = toLake({ bucketArn: LAKE_BUCKET }).policy("aws_iam_role_policy", "policy", (p) => p.name === "deliver-ses-events");
    expect(statement(policy, "WriteOwnLakeFolders").Condition).toBeUndefined();
    expect(warnings({ bucketArn: LAKE_BUCKET, accountId: "111111111111" })).toEqual([]);
    expect(warnings({ bucketArn: LAKE_BUCKET, kmsKeyArn: LAKE_KEY })).toEqual([]);
  });

  // One app, the lake in one stack and a source in another: cdktf passes the values between them.
  it("holds the bucket to the lake's account when the lake's values come from another stack", () => {
    const app = Testing.app();
    const lakeStack = new TerraformStack(app, "lake");
    new AwsProvider(lakeStack, "aws", { region: "us-east-1" });
    const lake = new SesEventLake(lakeStack, "Lake", { sourceAccountIds: ["222222222222"], regions: ["us-east-1"], createKmsKey: true });
    const sourceStack = new TerraformStack(app, "source");
    new AwsProvider(sourceStack, "aws", { region: "us-east-1" });
    const source = (lakeOptions: { bucketArn: string; kmsKeyArn?: string; accountId?: string }, id: string) =>
      new SesFirehoseEventDestination(sourceStack, id, { configurationSetName: id.toLowerCase(), deliveryStream: { lake: lakeOptions } });
    source({ bucketArn: lake.bucketArn, kmsKeyArn: lake.kmsKeyArn! }, "ByKey");
    source({ bucketArn: lake.bucketArn, accountId: lake.accountId }, "ByAccount");
    app.synth();
    const json = JSON.parse(readFileSync(path.join(app.outdir, "stacks", "source", "cdk.tf.json"), "utf8"));
    // The policies are Terraform templates (an interpolation may hold quotes): read as text.
    const policies = Object.values(json.resource.aws_iam_role_policy as Record<string, { name: string; policy: string }>)
      .filter((p) => p.name === "deliver-ses-events")
      .map((p) => p.policy);
    const held = (policy: string) => [...policy.matchAll(/"s3:ResourceAccount":"(\$\{[^}]*\})"/g)].map((match) => match[1]);
    const input = "data.terraform_remote_state.cross-stack-reference-input-lake.outputs.cross-stack-output-";
    // LocateLake and WriteOwnLakeFolders: the key's account, read from its ARN at apply; or the lake's account.
    const account = `\${${input}dataaws_caller_identityAwsContext_Account_CAD0E3E2account_id}`;
    const keyAccount = `\${element(split(":", ${input}aws_kms_keyLake_Key_8B60BDDFarn), 4)}`;
    expect(policies.map(held).sort()).toEqual([
      [account, account],
      [keyAccount, keyAccount],
    ]);
  });

  it("refuses what the lake decides: the bucket, the prefixes, the compression, partitioning and the query layer", () => {
    const message = errorOf({
      deliveryStream: {
        lake: { bucketArn: LAKE_BUCKET },
        bucketArn: "arn:aws:s3:::other",
        prefix: "mine/!{partitionKeyFromQuery:event_type}/!{timestamp:yyyy}/!{timestamp:MM}/!{timestamp:dd}/",
        errorOutputPrefix: "errs/!{firehose:error-output-type}/",
        compression: "Snappy" as never,
      },
      analytics: { enabled: true },
    });
    expect(message).toContain(
      "deliveryStream.lake and deliveryStream.bucketArn are both set: the stream delivers to the lake's bucket; remove deliveryStream.bucketArn.",
    );
    expect(message).toContain(
      "deliveryStream.lake and deliveryStream.prefix are both set: a source writes under events/account_id=<account>/region=<region>/ of the lake, which its table reads and its bucket policy allows; remove deliveryStream.prefix.",
    );
    expect(message).toContain("deliveryStream.lake and deliveryStream.errorOutputPrefix are both set");
    expect(message).toContain('deliveryStream.compression "Snappy" is invalid with deliveryStream.lake: the lake\'s table reads GZIP; remove it or use GZIP.');
    expect(message).toContain("analytics.enabled is true with deliveryStream.lake: the query layer is the lake's, in its own account; remove analytics.enabled.");
    expect(errorOf({ deliveryStream: { lake: { bucketArn: LAKE_BUCKET }, partitionByEventType: false } })).toContain(
      "deliveryStream.partitionByEventType is false with deliveryStream.lake: the lake's table is partitioned by event type; remove it.",
    );
    expect(errorOf({ deliveryStream: { lake: { bucketArn: LAKE_BUCKET }, bucket: { forceDestroy: true } } })).toContain(
      "deliveryStream.lake and deliveryStream.bucket are both set",
    );
  });

  it("delivers GZIP JSON as SES wrote it, the format the lake's table reads: no conversion, no source record backup", () => {
    const s3 = toLake({ bucketArn: LAKE_BUCKET }).resource("aws_kinesis_firehose_delivery_stream").extended_s3_configuration;
    expect(s3.compression_format).toBe("GZIP");
    expect(s3.data_format_conversion_configuration).toBeUndefined();
    expect(s3.s3_backup_mode).toBeUndefined();
    expect(s3.s3_backup_configuration).toBeUndefined();
  });

  it("refuses Parquet and the source record backup with a lake", () => {
    const message = errorOf({ deliveryStream: { lake: { bucketArn: LAKE_BUCKET }, format: "parquet" as never, sourceRecordBackup: { enabled: true } } });
    expect(message).toContain(
      'deliveryStream.format is "parquet" with deliveryStream.lake: the lake\'s table reads the GZIP JSON its sources deliver, and Firehose would need a schema table of its own in this account; remove deliveryStream.format or set it to "json".',
    );
    expect(message).toContain(
      "deliveryStream.sourceRecordBackup.enabled is true with deliveryStream.lake: a source delivers JSON as SES wrote it, and may write only under its own folders of the lake; remove deliveryStream.sourceRecordBackup.",
    );
    // Said once, as the lake's rule, not again as the query layer's.
    expect(message).not.toContain("but the query layer is off");
    expect(() => toLake({ bucketArn: LAKE_BUCKET }, { deliveryStream: { format: "json" as never } })).not.toThrow();
  });

  it("with createKmsKey, encrypts the stream and its logs with the key made here, the objects with the lake's", () => {
    const stack = toLake({ bucketArn: LAKE_BUCKET, kmsKeyArn: LAKE_KEY }, { deliveryStream: { createKmsKey: true } });
    const made = "${aws_kms_key.Events_Key_958BE3C3.arn}";
    const stream = stack.resource("aws_kinesis_firehose_delivery_stream");
    expect(stream.extended_s3_configuration.kms_key_arn).toBe(LAKE_KEY);
    expect(stream.server_side_encryption).toEqual({ enabled: true, key_type: "CUSTOMER_MANAGED_CMK", key_arn: made });
    expect(stack.resource("aws_cloudwatch_log_group").kms_key_id).toBe(made);
    const policy = stack.policy("aws_iam_role_policy", "policy", (p) => p.name === "deliver-ses-events");
    // The made key is not the objects' key: no statement lets the role use it through S3.
    expect(policy.Statement.map((s) => s.Sid)).toEqual(["LocateLake", "WriteOwnLakeFolders", "EncryptLakeObjects", "WriteDeliveryErrorLogs"]);
    const keyPolicy = stack.policy("aws_kms_key", "policy");
    expect(JSON.stringify(keyPolicy)).not.toContain("s3.");
  });

  it("checks the lake's ARNs and account", () => {
    const message = errorOf({ deliveryStream: { lake: { bucketArn: "ses-event-lake", kmsKeyArn: "alias/lake", accountId: "123" } } });
    expect(message).toContain('deliveryStream.lake.bucketArn "ses-event-lake" is invalid: use an S3 bucket ARN, arn:<partition>:s3:::<bucket-name>.');
    expect(message).toContain('deliveryStream.lake.kmsKeyArn "alias/lake" is invalid: use a KMS key ARN');
    expect(message).toContain('deliveryStream.lake.accountId "123" is invalid: use a 12-digit AWS account ID.');
    expect(errorOf({ deliveryStream: { lake: { bucketArn: LAKE_BUCKET, kmsKeyArn: LAKE_KEY, accountId: "222222222222" } } })).toContain(
      "deliveryStream.lake.accountId 222222222222 is not the account of deliveryStream.lake.kmsKeyArn (111111111111): the lake's key is in the lake's account; make them agree.",
    );
  });
});
