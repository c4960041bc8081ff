import { Construct } from "constructs";
import { TerraformProvider } from "cdktf";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration, S3BucketLifecycleConfigurationRule } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketLoggingA } from "@cdktf/provider-aws/lib/s3-bucket-logging";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import {
  DEFAULT_ABORT_INCOMPLETE_UPLOAD_DAYS,
  DEFAULT_ACCESS_LOG_PREFIX,
  DEFAULT_EXPIRATION_DAYS,
  DEFAULT_FORCE_DESTROY,
  DEFAULT_NONCURRENT_VERSION_EXPIRATION_DAYS,
  DEFAULT_TRANSITION_TO_INFREQUENT_ACCESS_DAYS,
  RESERVED_BUCKET_PREFIX,
} from "./private/defaults";
import { defined } from "./private/defined";
import { PolicyStatement, policyDocument } from "./private/policy";
import { EVENT_BUCKET_PROPS } from "./private/prop-shapes";
import { BUCKET_NAME, KMS_KEY_ARN, NO_TERRAFORM_TEMPLATE, Problems, checkKnownProps, checkTags, integerBetween, isToken, maxLength, pattern, plainProps } from "./private/validation";

/** How long delivered event objects are kept and where they move. */
export interface EventBucketLifecycle {
  /**
   * Days after which multipart uploads that never completed are removed.
   * @default 7
   */
  readonly abortIncompleteMultipartUploadDays?: number;
  /**
   * Days after which event objects move to S3 Standard-IA; 0 keeps them in S3 Standard.
   * @default 30
   */
  readonly transitionToInfrequentAccessDays?: number;
  /**
   * Days after which event objects expire; 0 keeps them until you delete them.
   * @default 0 - events are never deleted by the lifecycle
   */
  readonly expirationDays?: number;
  /**
   * Days after which overwritten or deleted object versions are removed for good.
   * @default 90
   */
  readonly noncurrentVersionExpirationDays?: number;
}

/** Settings of the bucket the module creates for delivered events. */
export interface EventBucketOptions {
  /**
   * Start of the generated bucket name (S3 appends a unique suffix); at most 37 characters. Read
   * only when the bucket is created: changing it later (or renaming the configuration set it is
   * derived from) keeps the bucket and its events (`lifecycle.ignore_changes`).
   * @default - derived from the configuration set name
   */
  readonly bucketPrefix?: string;
  /**
   * Let Terraform delete the bucket with every event in it. Unless it is true, the bucket carries
   * `lifecycle.prevent_destroy`: a plan that would delete or replace it (`cdktf destroy` included)
   * fails before it changes anything.
   * @default false
   */
  readonly forceDestroy?: boolean;
  /**
   * Name of an existing bucket that receives S3 server access logs for this bucket.
   * @default - no server access logging
   */
  readonly accessLogBucketName?: string;
  /**
   * Key prefix of the access logs in `accessLogBucketName`.
   * @default "s3-access-logs/"
   */
  readonly accessLogPrefix?: string;
  /** @default - see EventBucketLifecycle */
  readonly lifecycle?: EventBucketLifecycle;
}

/** Props of `EventBucket`. */
export interface EventBucketProps extends EventBucketOptions {
  /** Start of the generated bucket name (S3 appends a unique suffix); at most 37 characters. */
  readonly bucketPrefix: string;
  /**
   * A fixed bucket name instead of one generated from `bucketPrefix`, for a bucket other accounts
   * must name before it exists (a lake's). Read only when the bucket is created.
   * @default - generated from `bucketPrefix`
   */
  readonly bucketName?: string;
  /**
   * Customer managed KMS key for default bucket encryption (SSE-KMS).
   * @default - SSE-S3
   */
  readonly kmsKeyArn?: string;
  /**
   * Where query results go, expiring sooner than the events. Keep it when the query layer is turned
   * off: results already written hold recipient addresses and must still expire.
   * @default - no query results
   */
  readonly queryResults?: {
    /** Key prefix of the query results. */
    readonly prefix: string;
    /** Days after which query results expire. */
    readonly expirationDays: number;
  };
  /**
   * Statements the bucket policy holds after the one denying requests without TLS, built from the
   * bucket's ARN (such as a lake's grants to the accounts that write to it).
   * @default - none
   */
  readonly policyStatements?: (bucketArn: string) => readonly PolicyStatement[];
  /**
   * Where Firehose keeps the source records beside converted events, expiring on their own.
   * @default - no source records
   */
  readonly sourceRecords?: {
    /** Key prefix of the source records. */
    readonly prefix: string;
    /** Days after which a source record expires. */
    readonly expirationDays: number;
  };
  /**
   * Tags on the bucket.
   * @default - none beyond the provider's default tags
   */
  readonly tags?: Record<string, string>;
  /**
   * AWS provider of every resource and data source created, such as an aliased `AwsProvider` for
   * another Region or account.
   * @default - the stack's default AWS provider
   */
  readonly provider?: TerraformProvider;
}

const MAX_BUCKET_PREFIX = 37;
const STANDARD_IA_MIN_DAYS = 30;
const MAX_LIFECYCLE_DAYS = 36500;

/** Checks `options` into `problems`; `at` is how the user reaches them (e.g. `deliveryStream.bucket.`). */
export function checkEventBucketOptions(problems: Problems, at: string, options: EventBucketOptions): void {
  problems.check(
    `${at}bucketPrefix`,
    options.bucketPrefix,
    maxLength(MAX_BUCKET_PREFIX),
    {
      test: (v) => /^[a-z0-9][a-z0-9.-]*$/.test(v) && !v.includes(".."),
      text: "use lowercase letters, digits, '.' or '-', starting with a letter or digit, without '..'",
    },
    { test: (v) => !RESERVED_BUCKET_PREFIX.test(v), text: "S3 reserves names starting with xn--, sthree- or amzn-s3-demo-" },
  );
  problems.check(`${at}accessLogBucketName`, options.accessLogBucketName, BUCKET_NAME);
  problems.check(`${at}accessLogPrefix`, options.accessLogPrefix, maxLength(1024), NO_TERRAFORM_TEMPLATE);
  const lifecycle = options.lifecycle ?? {};
  const days = integerBetween(0, MAX_LIFECYCLE_DAYS);
  const lifecycleAt = `${at}lifecycle`;
  problems.check(`${lifecycleAt}.abortIncompleteMultipartUploadDays`, lifecycle.abortIncompleteMultipartUploadDays, integerBetween(1, MAX_LIFECYCLE_DAYS));
  problems.check(`${lifecycleAt}.transitionToInfrequentAccessDays`, lifecycle.transitionToInfrequentAccessDays, days, {
    test: (v) => v === 0 || v >= STANDARD_IA_MIN_DAYS,
    text: `S3 moves objects to Standard-IA only after ${STANDARD_IA_MIN_DAYS} days: use 0 (off) or at least ${STANDARD_IA_MIN_DAYS}`,
  });
  problems.check(`${lifecycleAt}.expirationDays`, lifecycle.expirationDays, days);
  problems.check(`${lifecycleAt}.noncurrentVersionExpirationDays`, lifecycle.noncurrentVersionExpirationDays, integerBetween(1, MAX_LIFECYCLE_DAYS));
  const transition = lifecycle.transitionToInfrequentAccessDays ?? DEFAULT_TRANSITION_TO_INFREQUENT_ACCESS_DAYS;
  const expiration = lifecycle.expirationDays ?? DEFAULT_EXPIRATION_DAYS;
  problems.when(
    !isToken(transition) && !isToken(expiration) && expiration > 0 && transition > 0 && expiration <= transition,
    `${lifecycleAt}.expirationDays ${expiration} is invalid: objects must expire after they move to Standard-IA (day ${transition}); raise it or set transitionToInfrequentAccessDays to 0.`,
  );
}

/**
 * A private, encrypted, versioned S3 bucket for delivered events: public access blocked, object
 * ownership enforced, TLS required, a lifecycle that never deletes current events by default, and
 * optional server access logging.
 */
export class EventBucket extends Construct {
  /** The bucket. */
  readonly bucket: S3Bucket;
  /** ARN of the bucket. */
  readonly bucketArn: string;
  /** Name of the bucket, generated from `bucketPrefix`. */
  readonly bucketName: string;
  /** The bucket policy, which denies requests without TLS; add statements to it with care. */
  readonly policy: S3BucketPolicy;

  constructor(scope: Construct, id: string, props: EventBucketProps) {
    super(scope, id);
    // Read once into a plain copy, which the checks judge and everything below reads.
    props = plainProps(props, EVENT_BUCKET_PROPS);
    checkProps(`EventBucket "${this.node.path}"`, props);
    const provider = props.provider;
    const forceDestroy = props.forceDestroy ?? DEFAULT_FORCE_DESTROY;
    this.bucket = new S3Bucket(this, "Bucket", defined({
      ...(props.bucketName === undefined ? { bucketPrefix: props.bucketPrefix } : { bucket: props.bucketName }),
      forceDestroy,
      tags: props.tags,
      lifecycle: {
        // A new prefix would replace the bucket, which S3 refuses while it holds objects, half-way through an apply.
        ignoreChanges: ["bucket_prefix"],
        // prevent_destroy takes a literal: a token forceDestroy keeps the bucket protected.
        preventDestroy: forceDestroy !== true,
      },
      provider,
    }));
    this.bucketArn = this.bucket.arn;
    this.bucketName = this.bucket.bucket;
    const bucket = this.bucket.id;

    new S3BucketOwnershipControls(this, "Ownership", defined({
      bucket,
      rule: { objectOwnership: "BucketOwnerEnforced" },
      provider,
    }));
    const publicAccess = new S3BucketPublicAccessBlock(this, "PublicAccessBlock", defined({
      bucket,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
      provider,
    }));
    const versioning = new S3BucketVersioningA(this, "Versioning", defined({
      bucket,
      versioningConfiguration: { status: "Enabled" },
      provider,
    }));
    new S3BucketServerSideEncryptionConfigurationA(this, "Encryption", defined({
      bucket,
      rule: [
        props.kmsKeyArn === undefined
          ? { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }
          : { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: props.kmsKeyArn }, bucketKeyEnabled: true },
      ],
      provider,
    }));
    this.policy = new S3BucketPolicy(this, "Policy", defined({
      bucket,
      policy: policyDocument(
        {
          Sid: "DenyInsecureTransport",
          Effect: "Deny",
          Principal: { AWS: "*" },
          Action: ["s3:*"],
          Resource: [this.bucketArn, `${this.bucketArn}/*`],
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
        ...(props.policyStatements?.(this.bucketArn) ?? []),
      ),
      dependsOn: [publicAccess],
      provider,
    }));
    new S3BucketLifecycleConfiguration(this, "Lifecycle", defined({
      bucket,
      rule: lifecycleRules(props.lifecycle ?? {}, props.queryResults, props.sourceRecords),
      dependsOn: [versioning],
      provider,
    }));
    if (props.accessLogBucketName !== undefined) {
      new S3BucketLoggingA(this, "AccessLogging", defined({
        bucket,
        targetBucket: props.accessLogBucketName,
        targetPrefix: props.accessLogPrefix ?? DEFAULT_ACCESS_LOG_PREFIX,
        provider,
      }));
    }
  }
}

function checkProps(scope: string, props: EventBucketProps): void {
  const problems = new Problems();
  if (!checkKnownProps(problems, "", props, EVENT_BUCKET_PROPS)) problems.throwIfAny(scope);
  checkEventBucketOptions(problems, "", props);
  problems.check("kmsKeyArn", props.kmsKeyArn, KMS_KEY_ARN);
  problems.check("bucketName", props.bucketName, BUCKET_NAME);
  if (props.queryResults !== undefined) {
    problems.check("queryResults.prefix", props.queryResults.prefix, pattern(/^.{1,1024}$/su, "use 1-1024 characters"), NO_TERRAFORM_TEMPLATE);
    problems.check("queryResults.expirationDays", props.queryResults.expirationDays, integerBetween(1, MAX_LIFECYCLE_DAYS));
  }
  checkTags(problems, "tags", props.tags);
  problems.throwIfAny(scope);
}

function lifecycleRules(
  lifecycle: EventBucketLifecycle,
  expiring: EventBucketProps["queryResults"],
  sourceRecords: EventBucketProps["sourceRecords"],
): S3BucketLifecycleConfigurationRule[] {
  const transitionDays = lifecycle.transitionToInfrequentAccessDays ?? DEFAULT_TRANSITION_TO_INFREQUENT_ACCESS_DAYS;
  const expirationDays = lifecycle.expirationDays ?? DEFAULT_EXPIRATION_DAYS;
  const allObjects = [{ prefix: "" }];
  const rules: S3BucketLifecycleConfigurationRule[] = [
    {
      id: "abort-incomplete-multipart-uploads",
      status: "Enabled",
      filter: allObjects,
      abortIncompleteMultipartUpload: [
        { daysAfterInitiation: lifecycle.abortIncompleteMultipartUploadDays ?? DEFAULT_ABORT_INCOMPLETE_UPLOAD_DAYS },
      ],
    },
    defined({
      id: "event-objects",
      status: "Enabled",
      filter: allObjects,
      transition: transitionDays === 0 ? undefined : [{ days: transitionDays, storageClass: "STANDARD_IA" }],
      expiration: expirationDays === 0 ? undefined : [{ days: expirationDays }],
      noncurrentVersionExpiration: [
        { noncurrentDays: lifecycle.noncurrentVersionExpirationDays ?? DEFAULT_NONCURRENT_VERSION_EXPIRATION_DAYS },
      ],
    }),
  ];
  if (expiring !== undefined) {
    rules.push({
      id: "query-results",
      status: "Enabled",
      filter: [{ prefix: expiring.prefix }],
      expiration: [{ days: expiring.expirationDays }],
      noncurrentVersionExpiration: [{ noncurrentDays: 1 }],
    });
  }
  if (sourceRecords !== undefined) {
    // The folder before the first expression: S3 filters on a literal prefix.
    const expression = sourceRecords.prefix.indexOf("!{");
    const literal = expression < 0 ? sourceRecords.prefix : sourceRecords.prefix.slice(0, sourceRecords.prefix.lastIndexOf("/", expression) + 1);
    rules.push({
      id: "source-records",
      status: "Enabled",
      filter: [{ prefix: literal }],
      expiration: [{ days: sourceRecords.expirationDays }],
    });
  }
  return rules;
}
