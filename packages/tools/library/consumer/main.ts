// A consumer's stack: the construct library used twice, as a platform team would, compiled with
// the strictest compiler options. packages/tools/library/test-consumer.sh builds it for CDK for Terraform as it
// is and for CDK Terrain with its imports renamed (cdktn, @cdktn/provider-aws, the /cdktn export).
import { App, TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { SesEventType, SesFirehoseEventDestination, type SesFirehoseEventDestinationProps } from "ses-firehose-events";

class EventsStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new AwsProvider(this, "Aws", { region: "us-east-1" });
    const eu = new AwsProvider(this, "AwsEu", { region: "eu-west-1", alias: "eu" });

    // One: a KMS key made here (its ARN a token) and an SES role the team manages itself.
    const key = new KmsKey(this, "Key", { description: "SES events", enableKeyRotation: true });
    const sesTrust = new DataAwsIamPolicyDocument(this, "SesTrust", {
      statement: [{ actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["ses.amazonaws.com"] }] }],
    });
    const sesRole = new IamRole(this, "SesRole", { name: "consumer-ses-events", assumeRolePolicy: sesTrust.json });
    const props: SesFirehoseEventDestinationProps = {
      configurationSetName: "consumer-events",
      sesRoleArn: sesRole.arn,
      eventTypes: [SesEventType.BOUNCE, SesEventType.COMPLAINT, SesEventType.DELIVERY],
      deliveryStream: { kmsKeyArn: key.arn },
    };
    const primary = new SesFirehoseEventDestination(this, "Primary", props);

    // Two: on the aliased provider, delivering to a bucket that exists already (its ARN a token).
    const existing = new S3Bucket(this, "Existing", { bucketPrefix: "consumer-existing-", provider: eu });
    const europe = new SesFirehoseEventDestination(this, "Europe", {
      configurationSetName: "consumer-events-eu",
      provider: eu,
      deliveryStream: { bucketArn: existing.arn },
    });

    new TerraformOutput(this, "PrimaryStream", { value: primary.deliveryStreamArn });
    new TerraformOutput(this, "EuropeStream", { value: europe.deliveryStreamArn });
    const bucketName: string | undefined = primary.bucket?.bucketName;
    new TerraformOutput(this, "PrimaryBucket", { value: bucketName ?? "" });
  }
}

const app = new App();
new EventsStack(app, "consumer");
app.synth();
