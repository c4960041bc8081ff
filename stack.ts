import { Construct } from "constructs";
import { CloudBackend, NamedCloudWorkspace, S3Backend, TaggedCloudWorkspaces, TerraformOutput, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { SesFirehoseEventDestination, ValidationError } from "./modules";
import { BackendSettings, StackSettings, nameOfSetting } from "./settings";

/** One environment: the AWS provider, its state backend, the event destination and its outputs. */
export class SesEventsStack extends TerraformStack {
  readonly events: SesFirehoseEventDestination;

  constructor(scope: Construct, settings: StackSettings) {
    super(scope, settings.stackName);
    new AwsProvider(this, "aws", {
      region: settings.region,
      allowedAccountIds: settings.accountId === undefined ? undefined : [settings.accountId],
      defaultTags: Object.keys(settings.tags).length > 0 ? [{ tags: { ...settings.tags } }] : undefined,
    });
    useBackend(this, settings.backend);

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
