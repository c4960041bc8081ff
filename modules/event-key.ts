import { Construct } from "constructs";
import { Lazy, TerraformProvider } from "cdktf";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { AwsContext } from "./aws-context";
import * as defaults from "./private/defaults";
import { defined } from "./private/defined";
import { PolicyStatement, policyDocument } from "./private/policy";
import { EVENT_KEY_PROPS } from "./private/prop-shapes";
import * as rules from "./private/validation";

/** The most characters KMS keeps in a key's description. */
const MAX_KEY_DESCRIPTION = 8192;

function keyDescription(purpose: string): string {
  return `Encrypts the SES events of ${purpose}: the stream, the delivered objects, the delivery-error logs and the alarm topic.`;
}

/** Props of `EventKey`. */
export interface EventKeyProps {
  /** What the key encrypts, for its description, such as the stream's name. */
  readonly purpose: string;
  /**
   * Put `lifecycle.prevent_destroy` on the key: once it is deleted, nothing it encrypted can be read.
   * @default true
   */
  readonly preventDestroy?: boolean;
  /** @default - none beyond the provider's default tags */
  readonly tags?: Record<string, string> | undefined;
  /** @default - the stack's default AWS provider */
  readonly provider?: TerraformProvider | undefined;
}

/**
 * The customer managed KMS key of an event pipeline, with automatic yearly rotation, created with a key
 * policy that holds the account's statement (so that IAM policies of the account, such as the
 * reader policy, can grant its use) and one statement for each service that uses it, added with
 * the `allow*` methods. No statement has a `*` principal.
 */
export class EventKey extends Construct {
  /** The key. */
  readonly key: KmsKey;
  /** ARN of the key. */
  readonly keyArn: string;
  private readonly aws: AwsContext;
  private readonly statements: PolicyStatement[];

  constructor(scope: Construct, id: string, props: EventKeyProps) {
    super(scope, id);
    // Read once into a plain copy, which the checks judge and everything below reads.
    props = rules.plainProps(props, EVENT_KEY_PROPS);
    const problems = new rules.Problems();
    if (!rules.checkKnownProps(problems, "", props, EVENT_KEY_PROPS)) problems.throwIfAny(`EventKey "${this.node.path}"`);
    problems.check("purpose", props.purpose, rules.maxLength(MAX_KEY_DESCRIPTION - keyDescription("").length), rules.NO_TERRAFORM_TEMPLATE);
    rules.checkTags(problems, "tags", props.tags);
    problems.throwIfAny(`EventKey "${this.node.path}"`);
    this.aws = AwsContext.of(this, props.provider);
    this.statements = [accountStatement(this.aws)];
    this.key = new KmsKey(this, "Key", defined({
      description: keyDescription(props.purpose),
      enableKeyRotation: true,
      deletionWindowInDays: defaults.KEY_DELETION_WINDOW_DAYS,
      policy: Lazy.stringValue({ produce: () => policyDocument(...this.statements) }),
      tags: props.tags,
      lifecycle: { preventDestroy: props.preventDestroy ?? true },
      provider: props.provider,
    }));
    this.keyArn = this.key.arn;
  }

  /** Lets `roleArn` encrypt and decrypt objects of `bucketArn`, through S3 only. */
  allowDeliveryThroughS3(roleArn: string, bucketArn: string): void {
    this.statements.push(deliveryStatement(this.aws, roleArn, bucketArn));
  }

  /**
   * Lets CloudWatch Logs use the key for log groups whose names start with `logGroupNamePrefix`.
   * A prefix, not one name: a log group named after the configuration set keeps its first name
   * when the set is renamed, and the key must keep serving it.
   */
  allowLogGroups(logGroupNamePrefix: string): void {
    this.statements.push(logGroupStatement(this.aws, logGroupNamePrefix));
  }

  /**
   * Lets CloudWatch use the key to publish to the topic it encrypts, for alarms of this account and
   * Region. Not by name: the alarms are named after the stream, which is encrypted with this key,
   * so naming them here would make the key depend on itself.
   */
  allowAlarms(): void {
    this.statements.push(alarmStatement(this.aws));
  }
}

/**
 * The account's statement: without it nobody in the account, its administrators included, could
 * manage the key, and IAM policies could not grant its use (AWS KMS developer guide, "Default key
 * policy"). In a key policy the resource `*` is the key itself.
 */
export function accountStatement(aws: AwsContext): PolicyStatement {
  return {
    Sid: "EnableIamPoliciesOfThisAccount",
    Effect: "Allow",
    Principal: { AWS: `arn:${aws.partition}:iam::${aws.accountId}:root` },
    Action: ["kms:*"],
    Resource: ["*"],
  };
}

/** Firehose writes as its delivery role through S3, under the bucket's encryption context (S3 Bucket Keys use the bucket's ARN). */
export function deliveryStatement(aws: AwsContext, roleArn: string, bucketArn: string): PolicyStatement {
  return {
    Sid: "FirehoseDeliveryThroughS3",
    Effect: "Allow",
    Principal: { AWS: roleArn },
    Action: ["kms:GenerateDataKey", "kms:Decrypt"],
    Resource: ["*"],
    Condition: {
      StringEquals: { "kms:ViaService": `s3.${aws.region}.${aws.dnsSuffix}` },
      StringLike: { "kms:EncryptionContext:aws:s3:arn": [bucketArn, `${bucketArn}/*`] },
    },
  };
}

/** CloudWatch Logs, for log groups under one prefix (CloudWatch Logs user guide, "Encrypt log data in CloudWatch Logs using AWS KMS"). */
export function logGroupStatement(aws: AwsContext, logGroupNamePrefix: string): PolicyStatement {
  return {
    Sid: "CloudWatchLogsForTheDeliveryLogGroup",
    Effect: "Allow",
    Principal: { Service: `logs.${aws.region}.${aws.dnsSuffix}` },
    Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:DescribeKey"],
    Resource: ["*"],
    Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": aws.arn("logs", `log-group:${logGroupNamePrefix}*`) } },
  };
}

/**
 * CloudWatch alarms of this account and Region publishing to the topic the key encrypts (Amazon SNS
 * developer guide, "Enable compatibility between event sources from AWS services and encrypted topics").
 */
export function alarmStatement(aws: AwsContext): PolicyStatement {
  return {
    Sid: "CloudWatchAlarmsToTheTopic",
    Effect: "Allow",
    Principal: { Service: "cloudwatch.amazonaws.com" },
    Action: ["kms:Decrypt", "kms:GenerateDataKey"],
    Resource: ["*"],
    Condition: {
      StringEquals: { "aws:SourceAccount": aws.accountId },
      ArnLike: { "aws:SourceArn": aws.arn("cloudwatch", "alarm:*") },
    },
  };
}
