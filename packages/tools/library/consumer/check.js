// Checks the stack library/consumer/main.ts synthesized: node check.js <cdk.tf.json> <cdktf|cdktn>.
// Exits 1 with every failed check listed.
"use strict";
const fs = require("fs");

const [file, toolchain] = process.argv.slice(2);
const stack = JSON.parse(fs.readFileSync(file, "utf8"));
const failures = [];
const check = (ok, message) => ok || failures.push(message);

/** Every resource and data source as { address, type, path, block }, path being its construct path. */
const blocks = [];
for (const [kind, types] of [["resource", stack.resource], ["data", stack.data]]) {
  for (const [type, named] of Object.entries(types ?? {})) {
    for (const [name, block] of Object.entries(named)) {
      const address = `${kind === "data" ? "data." : ""}${type}.${name}`;
      blocks.push({ address, kind, type, path: block["//"]?.metadata?.path ?? "", block });
    }
  }
}
const under = (prefix) => blocks.filter((b) => b.path.startsWith(`consumer/${prefix}/`));
const one = (prefix, type) => {
  const found = under(prefix).filter((b) => b.type === type && b.kind === "resource");
  check(found.length === 1, `expected one ${type} under ${prefix}, found ${found.length}`);
  return found[0]?.block ?? {};
};
const ref = (type, id, attribute) => {
  const found = blocks.filter((b) => b.type === type && b.path === `consumer/${id}`);
  check(found.length === 1, `expected the consumer's own ${type} ${id}`);
  return `\${${found[0]?.address}.${attribute}}`;
};

const source = { cdktf: "aws", cdktn: "hashicorp/aws" }[toolchain];
check(stack.terraform?.required_providers?.aws?.source === source, `required_providers.aws.source is ${JSON.stringify(stack.terraform?.required_providers?.aws)}, expected ${source}`);

// One: the KMS key's ARN on the stream, the objects and the log group; the consumer's SES role used, none created.
const keyArn = ref("aws_kms_key", "Key", "arn");
const stream = one("Primary", "aws_kinesis_firehose_delivery_stream");
check(stream.server_side_encryption?.key_arn === keyArn, `Primary stream key_arn is ${stream.server_side_encryption?.key_arn}, expected ${keyArn}`);
check(stream.server_side_encryption?.key_type === "CUSTOMER_MANAGED_CMK", "Primary stream is not encrypted with the customer managed key");
check(stream.extended_s3_configuration?.kms_key_arn === keyArn, "Primary stream does not encrypt delivered objects with the key");
check(one("Primary", "aws_cloudwatch_log_group").kms_key_id === keyArn, "Primary log group is not encrypted with the key");
const destination = one("Primary", "aws_sesv2_configuration_set_event_destination");
const sesRoleArn = ref("aws_iam_role", "SesRole", "arn");
check(destination.event_destination?.kinesis_firehose_destination?.iam_role_arn === sesRoleArn, `Primary event destination role is ${destination.event_destination?.kinesis_firehose_destination?.iam_role_arn}, expected ${sesRoleArn}`);
check(JSON.stringify(destination.event_destination?.matching_event_types) === JSON.stringify(["BOUNCE", "COMPLAINT", "DELIVERY"]), "Primary event types differ");
check(!under("Primary").some((b) => b.type === "aws_iam_role" && b.path.endsWith("/SesRole")), "Primary created an SES role although one was given");
const encrypt = JSON.parse(under("Primary").find((b) => b.path.endsWith("/DeliveryRolePolicy"))?.block.policy ?? "{}");
const kms = (encrypt.Statement ?? []).find((s) => s.Sid === "EncryptEventObjects");
check(JSON.stringify(kms?.Resource) === JSON.stringify([keyArn]), "Primary delivery role may not use the key, or may use more");
check(under("Primary").every((b) => b.block.provider === undefined), "a Primary resource is not on the default provider");

// Two: everything on aws.eu, the existing bucket's ARN as the destination, no bucket created.
const europe = under("Europe");
check(europe.length > 0, "nothing under Europe");
check(europe.every((b) => b.block.provider === "aws.eu"), `not on aws.eu: ${europe.filter((b) => b.block.provider !== "aws.eu").map((b) => b.address).join(", ")}`);
const bucketArn = ref("aws_s3_bucket", "Existing", "arn");
const euStream = one("Europe", "aws_kinesis_firehose_delivery_stream");
check(euStream.extended_s3_configuration?.bucket_arn === bucketArn, `Europe stream bucket_arn is ${euStream.extended_s3_configuration?.bucket_arn}, expected ${bucketArn}`);
check(!europe.some((b) => b.type === "aws_s3_bucket"), "Europe created a bucket although one was given");
const euLookups = blocks.filter((b) => b.kind === "data" && b.type === "aws_region" && b.block.provider === "aws.eu");
check(euLookups.length === 1, `expected one aws_region lookup on aws.eu, found ${euLookups.length}`);
const euTrust = JSON.parse(under("Europe").find((b) => b.path.endsWith("/SesRole"))?.block.assume_role_policy ?? "{}");
const sourceArn = euTrust.Statement?.[0]?.Condition?.StringEquals?.["AWS:SourceArn"] ?? "";
check(sourceArn.includes(`\${${euLookups[0]?.address}.region}`), `Europe SES trust policy's SourceArn ${sourceArn} is not in aws.eu's Region`);

if (failures.length > 0) {
  process.stderr.write(`${file} (${toolchain}):\n${failures.map((f) => `  - ${f}`).join("\n")}\n`);
  process.exit(1);
}
process.stderr.write(`test:consumer: ${toolchain}: ${blocks.length} resources and data sources as expected\n`);
