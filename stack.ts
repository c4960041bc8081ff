import { Construct } from "constructs";
import { Annotations, CloudBackend, NamedCloudWorkspace, S3Backend, TaggedCloudWorkspaces, TerraformOutput, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { SesEventLake, SesFirehoseEventDestination, ValidationError } from "./modules";
import { BackendSettings, LakeStackSettings, StackSettings, nameOfSetting } from "./settings";

/** One environment: the AWS provider, its state backend, the event destination and its outputs. */
export class SesEventsStack extends TerraformStack {
  readonly events: SesFirehoseEventDestination;

  constructor(scope: Construct, settings: StackSettings) {
    super(scope, settings.stackName);
    awsProvider(this, settings);
    useBackend(this, settings.backend);
    for (const warning of settings.warnings ?? []) Annotations.of(this).addWarning(warning);

    try {
      this.events = new SesFirehoseEventDestination(this, "SesEvents", settings.destination);
    } catch (error) {
      // Name each setting as the user wrote it: the environment variable or environments entry.
      throw error instanceof ValidationError
        ? error.renamed((setting) => nameOfSetting(settings, setting), Object.keys(settings.settingNames))
        : error;
    }

    new TerraformOutput(this, "configuration_set_name", {
      value: this.events.configurationSetName,
      description: "SES configuration set whose events are published; send with it to record events.",
    });
    new TerraformOutput(this, "delivery_stream_arn", {
      value: this.events.deliveryStreamArn,
      description: "Firehose delivery stream receiving the events.",
    });
    new TerraformOutput(this, "ses_role_arn", {
      value: this.events.sesRoleArn,
      description: "IAM role SES assumes to put records into the stream.",
    });
    const bucketName = this.events.bucketName;
    if (bucketName !== undefined) {
      new TerraformOutput(this, "bucket_name", { value: bucketName, description: "S3 bucket the events land in." });
    }
    const analytics = this.events.analytics;
    if (analytics !== undefined) {
      new TerraformOutput(this, "analytics_database", { value: analytics.databaseName, description: "Glue database of the event table." });
      new TerraformOutput(this, "analytics_table", { value: analytics.tableName, description: "Glue table of the delivered events, queryable in Athena." });
      new TerraformOutput(this, "analytics_workgroup", {
        value: analytics.workgroupName,
        description: "Athena workgroup holding the saved deliverability queries; run them in it.",
      });
      new TerraformOutput(this, "analytics_reader_policy_arn", {
        value: analytics.readerPolicyArn,
        description: "IAM managed policy that lets a reader run the saved queries; attach it to their role.",
      });
    }
  }
}

/**
 * A central event lake in its own account and Region (`lake`): the bucket every environment's
 * stream writes to under its account and Region, and the query layer over all of them.
 */
export class SesEventLakeStack extends TerraformStack {
  readonly lake: SesEventLake;

  constructor(scope: Construct, settings: LakeStackSettings) {
    super(scope, settings.stackName);
    awsProvider(this, settings);
    useBackend(this, settings.backend);
    try {
      this.lake = new SesEventLake(this, "Lake", settings.lake);
    } catch (error) {
      // The lake's settings are under `lake` in cdktf.json.
      throw error instanceof ValidationError ? error.renamed((setting) => `lake.${setting}`, Object.keys(settings.lake)) : error;
    }
    new TerraformOutput(this, "lake_bucket_arn", {
      value: this.lake.bucketArn,
      description: "The lake bucket: each environment's deliveryStream.lake.bucketArn.",
    });
    if (this.lake.kmsKeyArn !== undefined) {
      new TerraformOutput(this, "lake_kms_key_arn", {
        value: this.lake.kmsKeyArn,
        description: "The lake's KMS key: each environment's deliveryStream.lake.kmsKeyArn.",
      });
    }
    new TerraformOutput(this, "analytics_database", { value: this.lake.databaseName, description: "Glue database of the lake's table." });
    new TerraformOutput(this, "analytics_table", { value: this.lake.tableName, description: "Glue table of every account's and Region's events." });
    new TerraformOutput(this, "analytics_workgroup", {
      value: this.lake.workgroupName,
      description: "Athena workgroup holding the saved queries over the lake; run them in it.",
    });
    new TerraformOutput(this, "analytics_reader_policy_arn", {
      value: this.lake.analytics.readerPolicyArn,
      description: "IAM managed policy that lets a reader run the lake's saved queries; attach it to their role.",
    });
  }
}

/** The stack's AWS provider: its Region, its account guard, the role it assumes and the default tags. */
function awsProvider(stack: TerraformStack, settings: Pick<StackSettings, "region" | "accountId" | "assumeRoleArn" | "tags">): AwsProvider {
  return new AwsProvider(stack, "aws", {
    region: settings.region,
    allowedAccountIds: settings.accountId === undefined ? undefined : [settings.accountId],
    ...(settings.assumeRoleArn === undefined ? {} : { assumeRole: [{ roleArn: settings.assumeRoleArn }] }),
    defaultTags: Object.keys(settings.tags).length > 0 ? [{ tags: { ...settings.tags } }] : undefined,
  });
}

function useBackend(stack: TerraformStack, backend: BackendSettings): void {
  switch (backend.kind) {
    case "cloud":
      new CloudBackend(stack, {
        organization: backend.organization,
        hostname: backend.hostname,
        workspaces:
          backend.workspaceTags === undefined
            ? new NamedCloudWorkspace(backend.workspace!, backend.project)
            : new TaggedCloudWorkspaces([...backend.workspaceTags], backend.project),
      });
      return;
    case "s3":
      new S3Backend(stack, { bucket: backend.bucket, key: backend.key, region: backend.region, encrypt: true }).addOverride(
        "use_lockfile",
        true,
      );
      return;
    case "local":
      return;
  }
}
