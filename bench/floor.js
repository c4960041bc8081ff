#!/usr/bin/env node
// The benchmark's floor: the same cdktf and provider packages synthesizing only the bare
// resources of N event destinations (configuration set, event destination, delivery stream,
// bucket, two roles) with literal policies. Hand-written CommonJS, so nothing is compiled at run
// time, and provider classes are required per resource, never from the package root. The stack
// also holds the AWS provider construct: cdktf refuses to synthesize resources without one.
//
//   node bench/floor.js <N> <outdir>        (CDK_TOOLCHAIN=cdktn: on CDK Terrain, as the app)
"use strict";
const { exitOnToolchainError, hookRequire } = require("../scripts/toolchain");
exitOnToolchainError(() => hookRequire());
const { App, TerraformStack } = require("cdktf");
const { AwsProvider } = require("@cdktf/provider-aws/lib/provider");
const { Sesv2ConfigurationSet } = require("@cdktf/provider-aws/lib/sesv2-configuration-set");
const { Sesv2ConfigurationSetEventDestination } = require("@cdktf/provider-aws/lib/sesv2-configuration-set-event-destination");
const { KinesisFirehoseDeliveryStream } = require("@cdktf/provider-aws/lib/kinesis-firehose-delivery-stream");
const { S3Bucket } = require("@cdktf/provider-aws/lib/s3-bucket");
const { IamRole } = require("@cdktf/provider-aws/lib/iam-role");

const n = Number(process.argv[2]);
const outdir = process.argv[3];
if (!Number.isInteger(n) || n < 1 || !outdir) {
  process.stderr.write("usage: node bench/floor.js <N> <outdir>\n");
  process.exit(2);
}

const EVENT_TYPES = [
  "SEND", "REJECT", "BOUNCE", "COMPLAINT", "DELIVERY",
  "OPEN", "CLICK", "RENDERING_FAILURE", "DELIVERY_DELAY", "SUBSCRIPTION",
];
const SES_TRUST = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { Service: "ses.amazonaws.com" }, Action: "sts:AssumeRole" }],
});
const FIREHOSE_TRUST = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { Service: "firehose.amazonaws.com" }, Action: "sts:AssumeRole" }],
});
const SES_POLICY = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: "firehose:PutRecordBatch", Resource: "*" }],
});
const FIREHOSE_POLICY = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: ["s3:PutObject", "s3:GetBucketLocation", "s3:ListBucket"], Resource: "*" }],
});

const app = new App({ outdir });
const stack = new TerraformStack(app, "floor");
new AwsProvider(stack, "aws", { region: "us-east-1" });
for (let i = 0; i < n; i++) {
  const name = `tenant-${i}`;
  const configurationSet = new Sesv2ConfigurationSet(stack, `ConfigurationSet${i}`, { configurationSetName: name });
  const bucket = new S3Bucket(stack, `Bucket${i}`, { bucketPrefix: `${name}-` });
  const deliveryRole = new IamRole(stack, `DeliveryRole${i}`, {
    namePrefix: `${name}-firehose-`,
    assumeRolePolicy: FIREHOSE_TRUST,
    inlinePolicy: [{ name: "deliver", policy: FIREHOSE_POLICY }],
  });
  const stream = new KinesisFirehoseDeliveryStream(stack, `Stream${i}`, {
    name,
    destination: "extended_s3",
    extendedS3Configuration: { roleArn: deliveryRole.arn, bucketArn: bucket.arn },
  });
  const sesRole = new IamRole(stack, `SesRole${i}`, {
    namePrefix: `${name}-ses-`,
    assumeRolePolicy: SES_TRUST,
    inlinePolicy: [{ name: "put", policy: SES_POLICY }],
  });
  new Sesv2ConfigurationSetEventDestination(stack, `EventDestination${i}`, {
    configurationSetName: configurationSet.configurationSetName,
    eventDestinationName: "firehose",
    eventDestination: {
      matchingEventTypes: EVENT_TYPES,
      kinesisFirehoseDestination: { deliveryStreamArn: stream.arn, iamRoleArn: sesRole.arn },
    },
  });
}
app.synth();
