import { Token } from "cdktf";
import { EventBucket, EventBucketProps } from "../modules";
import { errorOf, newStack, synth } from "./helpers";

const KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const BUCKET = "${aws_s3_bucket.Events_Bucket_C2BC09FD.id}";
const BUCKET_ARN = "${aws_s3_bucket.Events_Bucket_C2BC09FD.arn}";

describe("event bucket", () => {
  it("gets a unique name from the configuration set and is never force-destroyed by default", () => {
    expect(synth().resource("aws_s3_bucket")).toMatchObject({ bucket_prefix: "ses-events-", force_destroy: false });
  });

  it("steers a name prefix derived from the configuration set clear of the starts S3 reserves", () => {
    expect(synth({ configurationSetName: "sthree-mail" }).resource("aws_s3_bucket").bucket_prefix).toBe("ses-sthree-mail-");
  });

  it("lets the user opt into force_destroy and choose the name prefix", () => {
    const bucket = synth({ deliveryStream: { bucket: { forceDestroy: true, bucketPrefix: "mail-events-" } } }).resource("aws_s3_bucket");
    expect(bucket).toMatchObject({ bucket_prefix: "mail-events-", force_destroy: true });
  });

  it("is protected from deletion and keeps its name prefix once created", () => {
    expect(synth().resource("aws_s3_bucket").lifecycle).toEqual({ ignore_changes: ["bucket_prefix"], prevent_destroy: true });
  });

  it("may be deleted with its events only with forceDestroy, still keeping its name prefix", () => {
    const bucket = synth({ deliveryStream: { bucket: { forceDestroy: true } } }).resource("aws_s3_bucket");
    expect(bucket.lifecycle).toEqual({ ignore_changes: ["bucket_prefix"], prevent_destroy: false });
  });

  it("stays protected when forceDestroy is a Terraform token, which prevent_destroy cannot take", () => {
    const bucket = synth({ deliveryStream: { bucket: { forceDestroy: Token.asAny("${var.force}") as unknown as boolean } } }).resource("aws_s3_bucket");
    expect(bucket).toMatchObject({ force_destroy: "${var.force}", lifecycle: { prevent_destroy: true } });
  });

  it("is versioned", () => {
    expect(synth().resource("aws_s3_bucket_versioning")).toEqual(
      expect.objectContaining({ bucket: BUCKET, versioning_configuration: { status: "Enabled" } }),
    );
  });

  it("blocks all public access", () => {
    expect(synth().resource("aws_s3_bucket_public_access_block")).toMatchObject({
      bucket: BUCKET,
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
  });

  it("enforces bucket owner object ownership", () => {
    expect(synth().resource("aws_s3_bucket_ownership_controls")).toMatchObject({
      bucket: BUCKET,
      rule: { object_ownership: "BucketOwnerEnforced" },
    });
  });

  it("encrypts objects with SSE-S3 by default", () => {
    expect(synth().resource("aws_s3_bucket_server_side_encryption_configuration").rule).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } },
    ]);
  });

  it("encrypts objects with the customer managed key and a bucket key when kmsKeyArn is set", () => {
    expect(synth({ deliveryStream: { kmsKeyArn: KEY } }).resource("aws_s3_bucket_server_side_encryption_configuration").rule).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: KEY }, bucket_key_enabled: true },
    ]);
  });

  it("denies every request made without TLS", () => {
    const out = synth();
    expect(out.resource("aws_s3_bucket_policy").bucket).toBe(BUCKET);
    expect(out.policy("aws_s3_bucket_policy", "policy").Statement).toEqual([
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: { AWS: "*" },
        Action: ["s3:*"],
        Resource: [BUCKET_ARN, `${BUCKET_ARN}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ]);
  });

  it("aborts stale uploads, moves events to Standard-IA, keeps them, expires old versions, query results and source records", () => {
    expect(synth().resource("aws_s3_bucket_lifecycle_configuration").rule).toEqual([
      {
        id: "abort-incomplete-multipart-uploads",
        status: "Enabled",
        filter: [{ prefix: "" }],
        abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }],
      },
      {
        id: "event-objects",
        status: "Enabled",
        filter: [{ prefix: "" }],
        transition: [{ days: 30, storage_class: "STANDARD_IA" }],
        noncurrent_version_expiration: [{ noncurrent_days: 90 }],
      },
      {
        id: "query-results",
        status: "Enabled",
        filter: [{ prefix: "athena-results/" }],
        expiration: [{ days: 30 }],
        noncurrent_version_expiration: [{ noncurrent_days: 1 }],
      },
      {
        id: "source-records",
        status: "Enabled",
        filter: [{ prefix: "source-records/" }],
        expiration: [{ days: 365 }],
      },
    ]);
  });

  it("applies the lifecycle it is given", () => {
    const rules = synth({
      deliveryStream: {
        bucket: {
          lifecycle: {
            abortIncompleteMultipartUploadDays: 2,
            transitionToInfrequentAccessDays: 0,
            expirationDays: 400,
            noncurrentVersionExpirationDays: 30,
          },
        },
      },
    }).resource("aws_s3_bucket_lifecycle_configuration").rule;
    expect(rules[0].abort_incomplete_multipart_upload).toEqual([{ days_after_initiation: 2 }]);
    expect(rules[1].transition).toBeUndefined();
    expect(rules[1].expiration).toEqual([{ days: 400 }]);
    expect(rules[1].noncurrent_version_expiration).toEqual([{ noncurrent_days: 30 }]);
  });

  it("applies the lifecycle after versioning is on", () => {
    expect(synth().resource("aws_s3_bucket_lifecycle_configuration").depends_on).toEqual([
      "aws_s3_bucket_versioning.Events_Bucket_Versioning_91B90094",
    ]);
  });

  it("has no server access logging unless a log bucket is named", () => {
    expect(synth().resources("aws_s3_bucket_logging")).toHaveLength(0);
  });

  it("sends server access logs to the named bucket", () => {
    const logging = synth({ deliveryStream: { bucket: { accessLogBucketName: "access-logs", accessLogPrefix: "events/" } } }).resource(
      "aws_s3_bucket_logging",
    );
    expect(logging).toMatchObject({ bucket: BUCKET, target_bucket: "access-logs", target_prefix: "events/" });
  });

  it("uses the default access log prefix", () => {
    const logging = synth({ deliveryStream: { bucket: { accessLogBucketName: "access-logs" } } }).resource("aws_s3_bucket_logging");
    expect(logging.target_prefix).toBe("s3-access-logs/");
  });

  it.each<[string, object, string]>([
    ["a bucket prefix with capitals", { bucketPrefix: "Events-" }, `deliveryStream.bucket.bucketPrefix "Events-" is invalid: use lowercase letters, digits, '.' or '-', starting with a letter or digit, without '..'.`],
    ["a bucket prefix over 37 characters", { bucketPrefix: "a".repeat(38) }, `deliveryStream.bucket.bucketPrefix "${"a".repeat(38)}" is invalid: use at most 37 characters.`],
    ["an access log bucket name", { accessLogBucketName: "Logs" }, `deliveryStream.bucket.accessLogBucketName "Logs" is invalid: use 3-63 lowercase letters, digits, '.' or '-', starting and ending with a letter or digit, without '..' or a prefix or suffix S3 reserves.`],
    ["an access log bucket name S3 reserves", { accessLogBucketName: "logs-s3alias" }, `deliveryStream.bucket.accessLogBucketName "logs-s3alias" is invalid: use 3-63 lowercase letters, digits, '.' or '-', starting and ending with a letter or digit, without '..' or a prefix or suffix S3 reserves.`],
    ["a bucket prefix S3 reserves", { bucketPrefix: "xn--events-" }, `deliveryStream.bucket.bucketPrefix "xn--events-" is invalid: S3 reserves names starting with xn--, sthree- or amzn-s3-demo-.`],
    ["a Standard-IA transition before 30 days", { lifecycle: { transitionToInfrequentAccessDays: 10 } }, "deliveryStream.bucket.lifecycle.transitionToInfrequentAccessDays 10 is invalid: S3 moves objects to Standard-IA only after 30 days: use 0 (off) or at least 30."],
    ["expiry before the transition", { lifecycle: { expirationDays: 30 } }, "deliveryStream.bucket.lifecycle.expirationDays 30 is invalid: objects must expire after they move to Standard-IA (day 30); raise it or set transitionToInfrequentAccessDays to 0."],
    ["a fractional expiry", { lifecycle: { expirationDays: 1.5 } }, "deliveryStream.bucket.lifecycle.expirationDays 1.5 is invalid: use a whole number from 0 to 36500."],
    ["zero days for incomplete uploads", { lifecycle: { abortIncompleteMultipartUploadDays: 0 } }, "deliveryStream.bucket.lifecycle.abortIncompleteMultipartUploadDays 0 is invalid: use a whole number from 1 to 36500."],
    ["zero days for noncurrent versions", { lifecycle: { noncurrentVersionExpirationDays: 0 } }, "deliveryStream.bucket.lifecycle.noncurrentVersionExpirationDays 0 is invalid: use a whole number from 1 to 36500."],
  ])("rejects %s", (_, bucket, message) => {
    expect(errorOf({ deliveryStream: { bucket } })).toContain(`\n  - ${message}`);
  });
});

describe("renames keep the event bucket", () => {
  const buckets = (props: Parameters<typeof synth>[0]) => synth(props).json.resource!.aws_s3_bucket!;
  const before = buckets({});

  it.each([
    ["configurationSetName", { configurationSetName: "mail-events" }],
    ["deliveryStream.name", { deliveryStream: { name: "mail-events-stream" } }],
    ["the Glue and Athena names", { analytics: { databaseName: "mail", tableName: "ses", workgroupName: "mail" } }],
  ])("renaming %s keeps the bucket at its address, with only an ignored bucket_prefix differing", (_, props) => {
    const after = buckets(props);
    expect(Object.keys(after)).toEqual(Object.keys(before));
    const [key] = Object.keys(before);
    const { bucket_prefix: oldPrefix, ...oldRest } = before[key!]!;
    const { bucket_prefix: newPrefix, ...newRest } = after[key!]!;
    expect(newRest).toEqual(oldRest);
    if (newPrefix !== oldPrefix) expect(after[key!]!.lifecycle.ignore_changes).toContain("bucket_prefix");
    expect(after[key!]!.lifecycle.prevent_destroy).toBe(true);
  });

  it("renaming the configuration set would change the prefix a new bucket gets, which Terraform ignores", () => {
    expect(Object.values(buckets({ configurationSetName: "mail-events" }))[0]!.bucket_prefix).toBe("mail-events-");
    expect(Object.values(before)[0]!.bucket_prefix).toBe("ses-events-");
  });
});

describe("query results bucket (for a given event bucket)", () => {
  const results = () =>
    synth({ deliveryStream: { bucketArn: "arn:aws:s3:::existing-events" }, analytics: { enabled: true } }).resource("aws_s3_bucket");

  it("holds only expiring results, so it may be deleted with them, and keeps its name prefix", () => {
    expect(results()).toMatchObject({
      bucket_prefix: "ses-events-results-",
      force_destroy: true,
      lifecycle: { ignore_changes: ["bucket_prefix"], prevent_destroy: false },
    });
  });
});

describe("EventBucket on its own", () => {
  function errorOfBucket(props: Partial<EventBucketProps>): string {
    try {
      new EventBucket(newStack(), "Bucket", { bucketPrefix: "mail-", ...props });
    } catch (error) {
      return (error as Error).message;
    }
    throw new Error("expected the props to be rejected");
  }

  it("checks its own props, every problem in one error, naming them as its props", () => {
    expect(
      errorOfBucket({
        bucketPrefix: "Mail_",
        kmsKeyArn: "key",
        lifecycle: { transitionToInfrequentAccessDays: 10 },
        queryResults: { prefix: "results/", expirationDays: 0 },
      }),
    ).toMatch(
      new RegExp(
        [
          '^EventBucket "test/Bucket": invalid settings:',
          `  - bucketPrefix "Mail_" is invalid: use lowercase letters, digits, '\\.' or '-', starting with a letter or digit, without '\\.\\.'\\.`,
          "  - lifecycle\\.transitionToInfrequentAccessDays 10 is invalid: S3 moves objects to Standard-IA only after 30 days: use 0 \\(off\\) or at least 30\\.",
          '  - kmsKeyArn "key" is invalid: .*',
          "  - queryResults\\.expirationDays 0 is invalid: use a whole number from 1 to 36500\\.$",
        ].join("\n"),
      ),
    );
  });

  it("refuses an access log prefix that Terraform would read as an expression", () => {
    expect(errorOfBucket({ accessLogBucketName: "logs-bucket", accessLogPrefix: "logs/${var.env}/" })).toBe(
      'EventBucket "test/Bucket": invalid settings:\n  - accessLogPrefix "logs/${var.env}/" is invalid: Terraform reads ${ and %{ as the start of an expression; remove them.',
    );
  });

  it("still names the destination's settings when the destination checks the same options", () => {
    expect(errorOf({ deliveryStream: { bucket: { bucketPrefix: "Mail_" } } })).toContain('\n  - deliveryStream.bucket.bucketPrefix "Mail_" is invalid:');
  });
});
