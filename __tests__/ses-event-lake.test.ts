import { mkdtempSync, readFileSync, rmSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { SesEventLake, SesEventLakeProps } from "../modules";
import { EVENT_TYPE_PARTITION_QUERY } from "../modules/private/defaults";
import { lakeErrorOutputPrefix, lakePrefix } from "../modules/private/lake-layout";
import { AthenaStandIn, Json, deliver, glueTable, projectedObjects } from "../scripts/athena-harness";
import { Synthesized, newStack, parse } from "./helpers";

const A = "111111111111";
const B = "222222222222";
const C = "333333333333";
const BASE: SesEventLakeProps = { sourceAccountIds: [A, B], regions: ["us-east-1", "eu-west-1"] };

function synthLake(props: Partial<SesEventLakeProps> = {}): Synthesized {
  const stack = newStack();
  new SesEventLake(stack, "Lake", { ...BASE, ...props } as SesEventLakeProps);
  return parse(stack);
}

function errorOf(props: Partial<SesEventLakeProps>): string {
  try {
    synthLake(props);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("expected the props to be rejected");
}

const statement = (policy: { Statement: Json[] }, sid: string) => {
  const found = policy.Statement.filter((s) => s.Sid === sid);
  expect(found).toHaveLength(1);
  return found[0];
};
const bucketPolicy = (stack: Synthesized) => stack.policy("aws_s3_bucket_policy", "policy");
const BUCKET = "${aws_s3_bucket.Lake_Bucket_9C28363D.arn}";

describe("the lake bucket", () => {
  it("is versioned, private, owner-enforced and encrypted with SSE-S3 by default", () => {
    const stack = synthLake();
    expect(stack.resource("aws_s3_bucket")).toMatchObject({ bucket_prefix: "ses-event-lake-", force_destroy: false, lifecycle: { prevent_destroy: true } });
    expect(stack.resource("aws_s3_bucket_versioning").versioning_configuration).toEqual({ status: "Enabled" });
    expect(stack.resource("aws_s3_bucket_ownership_controls").rule).toEqual({ object_ownership: "BucketOwnerEnforced" });
    expect(stack.resource("aws_s3_bucket_public_access_block")).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(stack.resource("aws_s3_bucket_server_side_encryption_configuration").rule).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } },
    ]);
    expect(stack.resources("aws_kms_key")).toEqual([]);
  });

  it("keeps events as the event bucket does, and expires query results", () => {
    const rules: Json[] = synthLake().resource("aws_s3_bucket_lifecycle_configuration").rule;
    expect(rules.map((rule) => rule.id)).toEqual(["abort-incomplete-multipart-uploads", "event-objects", "query-results"]);
    expect(rules[1]).toEqual({
      id: "event-objects",
      status: "Enabled",
      filter: [{ prefix: "" }],
      transition: [{ days: 30, storage_class: "STANDARD_IA" }],
      noncurrent_version_expiration: [{ noncurrent_days: 90 }],
    });
    expect(rules[2]).toMatchObject({ filter: [{ prefix: "athena-results/" }], expiration: [{ days: 30 }] });
  });

  it("denies requests without TLS", () => {
    expect(statement(bucketPolicy(synthLake()), "DenyInsecureTransport")).toEqual({
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: { AWS: "*" },
      Action: ["s3:*"],
      Resource: [BUCKET, `${BUCKET}/*`],
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    });
  });

  it("lets each listed account write only under its own account folders", () => {
    const policy = bucketPolicy(synthLake());
    for (const account of [A, B]) {
      expect(statement(policy, `WriteOwnFoldersFrom${account}`)).toEqual({
        Sid: `WriteOwnFoldersFrom${account}`,
        Effect: "Allow",
        Principal: { AWS: `arn:\${data.aws_partition.AwsContext_Partition_821FC74B.partition}:iam::${account}:root` },
        Action: ["s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject"],
        Resource: [`${BUCKET}/events/account_id=${account}/*`, `${BUCKET}/errors/account_id=${account}/*`],
      });
    }
    expect(statement(policy, "LocateLakeFromSourceAccounts")).toMatchObject({
      Action: ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"],
      Resource: [BUCKET],
    });
    expect(policy.Statement).toHaveLength(4);
  });

  it("lets an organization's accounts write only under their own folders, through aws:PrincipalAccount", () => {
    const policy = bucketPolicy(synthLake({ sourceAccountIds: undefined, organizationId: "o-a1b2c3d4e5", accountIds: [A] }));
    expect(statement(policy, "WriteOwnAccountFoldersFromOrganization")).toEqual({
      Sid: "WriteOwnAccountFoldersFromOrganization",
      Effect: "Allow",
      Principal: { AWS: "*" },
      Action: ["s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject"],
      // Terraform turns $${ into ${: IAM reads the policy variable.
      Resource: [`${BUCKET}/events/account_id=$\${aws:PrincipalAccount}/*`, `${BUCKET}/errors/account_id=$\${aws:PrincipalAccount}/*`],
      Condition: { StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } },
    });
    expect(statement(policy, "LocateLakeFromOrganization").Condition).toEqual({ StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } });
  });

  it("grants nothing to an unconditioned * principal", () => {
    for (const props of [{}, { sourceAccountIds: undefined, organizationId: "o-a1b2c3d4e5", accountIds: [A] }]) {
      const open = bucketPolicy(synthLake(props)).Statement.filter((s) => s.Effect === "Allow" && JSON.stringify(s.Principal).includes('"*"'));
      for (const s of open) expect(s.Condition).toBeDefined();
    }
  });
});

describe("the lake key", () => {
  const stack = synthLake({ createKmsKey: true });
  const KEY = "${aws_kms_key.Lake_Key_8B60BDDF.arn}";

  it("is rotated and encrypts the bucket with a bucket key", () => {
    expect(stack.resource("aws_kms_key")).toMatchObject({ enable_key_rotation: true, deletion_window_in_days: 30 });
    expect(stack.resource("aws_s3_bucket_server_side_encryption_configuration").rule).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: KEY }, bucket_key_enabled: true },
    ]);
    expect(stack.resource("aws_athena_workgroup").configuration.result_configuration.encryption_configuration).toEqual({
      encryption_option: "SSE_KMS",
      kms_key_arn: KEY,
    });
  });

  it("lets the sources use it only through S3 in the lake's Region, for the lake bucket", () => {
    const policy = stack.policy("aws_kms_key_policy", "policy");
    expect(statement(policy, "EncryptLakeObjectsFromSourceAccounts")).toEqual({
      Sid: "EncryptLakeObjectsFromSourceAccounts",
      Effect: "Allow",
      Principal: { AWS: [A, B].map((account) => `arn:\${data.aws_partition.AwsContext_Partition_821FC74B.partition}:iam::${account}:root`) },
      Action: ["kms:Decrypt", "kms:GenerateDataKey"],
      Resource: [KEY],
      Condition: {
        StringEquals: { "kms:ViaService": "s3.${data.aws_region.AwsContext_Region_51268B9B.region}.${data.aws_partition.AwsContext_Partition_821FC74B.dns_suffix}" },
        StringLike: { "kms:EncryptionContext:aws:s3:arn": [BUCKET, `${BUCKET}/*`] },
      },
    });
    expect(statement(policy, "AdministerThroughLakeAccountIam").Principal).toEqual({
      AWS: "arn:${data.aws_partition.AwsContext_Partition_821FC74B.partition}:iam::${data.aws_caller_identity.AwsContext_Account_CAD0E3E2.account_id}:root",
    });
    // The lake account administers the key itself through IAM: no account-level action, no "*".
    const administer = statement(policy, "AdministerThroughLakeAccountIam");
    expect(administer.Resource).toEqual([KEY]);
    expect(administer.Action).toContain("kms:PutKeyPolicy");
    expect(administer.Action.filter((action: string) => action.includes("*") || /Alias|CreateKey|ListKeys/.test(action))).toEqual([]);
    expect(policy.Statement).toHaveLength(2);
  });

  it("lets an organization's accounts use it only with their organization ID", () => {
    const org = synthLake({ createKmsKey: true, sourceAccountIds: undefined, organizationId: "o-a1b2c3d4e5", accountIds: [A] });
    const grant = statement(org.policy("aws_kms_key_policy", "policy"), "EncryptLakeObjectsFromOrganization");
    expect(grant.Principal).toEqual({ AWS: "*" });
    expect(grant.Condition.StringEquals["aws:PrincipalOrgID"]).toBe("o-a1b2c3d4e5");
    expect(grant.Condition.StringEquals["kms:ViaService"]).toMatch(/^s3\./);
  });
});

describe("the lake table", () => {
  it("projects account_id, region, event_type and the date over the account folders", () => {
    const table = synthLake().resource("aws_glue_catalog_table");
    expect(table.partition_keys.map((key: Json) => key.name)).toEqual(["account_id", "region", "event_type", "year", "month", "day"]);
    expect(table.parameters).toMatchObject({
      "projection.account_id.type": "enum",
      "projection.account_id.values": `${A},${B}`,
      "projection.region.type": "enum",
      "projection.region.values": "us-east-1,eu-west-1",
      "projection.event_type.type": "enum",
      "storage.location.template":
        "s3://${aws_s3_bucket.Lake_Bucket_9C28363D.bucket}/events/account_id=$${account_id}/region=$${region}/event_type=$${event_type}/year=$${year}/month=$${month}/day=$${day}/",
    });
    expect(table.storage_descriptor.location).toBe("s3://${aws_s3_bucket.Lake_Bucket_9C28363D.bucket}/events/");
  });

  it("reads the accounts of accountIds when they are given", () => {
    const table = synthLake({ accountIds: [B] }).resource("aws_glue_catalog_table");
    expect(table.parameters["projection.account_id.values"]).toBe(B);
  });

  it("names its database and workgroup after the lake", () => {
    const stack = synthLake();
    expect(stack.resource("aws_glue_catalog_database").name).toBe("ses_event_lake");
    expect(stack.resource("aws_athena_workgroup").name).toBe("ses-event-lake");
  });
});

describe("validation", () => {
  it("requires sourceAccountIds or organizationId", () => {
    expect(errorOf({ sourceAccountIds: undefined })).toContain(
      "neither sourceAccountIds nor organizationId is set: list the accounts that send to the lake, or give their AWS Organizations ID.",
    );
  });

  it("refuses both sourceAccountIds and organizationId", () => {
    expect(errorOf({ organizationId: "o-a1b2c3d4e5" })).toContain("sourceAccountIds and organizationId are both set");
  });

  it("requires accountIds with organizationId", () => {
    expect(errorOf({ sourceAccountIds: undefined, organizationId: "o-a1b2c3d4e5" })).toContain(
      "accountIds is not set with organizationId: partition projection cannot list an organization's accounts",
    );
  });

  it("names each bad account ID, Region and organization ID", () => {
    const message = errorOf({ sourceAccountIds: ["12345", A, A], regions: ["US East"] });
    expect(message).toContain('sourceAccountIds[0] "12345" is invalid: use a 12-digit AWS account ID.');
    expect(message).toContain(`sourceAccountIds lists ${A} more than once: list each once.`);
    expect(message).toContain('regions[0] "US East" is invalid: use an AWS Region name such as us-east-1.');
    expect(errorOf({ sourceAccountIds: undefined, organizationId: "org-1", accountIds: [A] })).toContain(
      'organizationId "org-1" is invalid: use an AWS Organizations ID: o- then 10-32 lowercase letters or digits.',
    );
    expect(errorOf({ regions: [] })).toContain("regions [] is invalid: list at least one.");
  });

  it("refuses a table account the bucket would not admit", () => {
    expect(errorOf({ accountIds: [C] })).toContain(
      `accountIds lists ${C}, not in sourceAccountIds: the lake refuses their writes, so the table would read nothing for them; add them to sourceAccountIds or remove them.`,
    );
  });

  it("names the lake's own bucket settings", () => {
    expect(errorOf({ bucketPrefix: "Bad_Prefix" })).toContain('bucketPrefix "Bad_Prefix" is invalid');
    expect(errorOf({ lifecycle: { transitionToInfrequentAccessDays: 10 } })).toContain("lifecycle.transitionToInfrequentAccessDays 10 is invalid");
  });
});

/**
 * The saved queries run on DuckDB over the SES developer guide's examples delivered as each
 * source's stream writes them, per account and Region; answers worked out by hand.
 */
describe("the lake's saved queries over several accounts and Regions", () => {
  const EXAMPLES: Json[] = JSON.parse(readFileSync(path.join(__dirname, "fixtures", "ses-event-examples.json"), "utf8"));
  const TODAY = "2022-01-31";
  const TABLE = '"ses_event_lake"."events"';
  const analytics = { firstYear: 2016, queryWindowDays: 36500, tagName: "myCustomTag1" };
  const source = (account: string, region: string) => ({
    name: `events-${account}-${region}`,
    prefix: lakePrefix(account, region),
    compression: "GZIP",
    jqQuery: EVENT_TYPE_PARTITION_QUERY,
  });
  let root: string;

  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), "ses-event-lake-"));
    await deliver(root, source(A, "us-east-1"), EXAMPLES);
    await deliver(root, source(B, "eu-west-1"), EXAMPLES.filter((r) => ["Send", "Delivery"].includes(r.eventType)));
    // An account the table does not read yet (it joined after the lake was deployed).
    await deliver(root, source(C, "us-east-1"), EXAMPLES.filter((r) => r.eventType === "Bounce"));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  async function engineFor(stack: Json): Promise<AthenaStandIn> {
    const engine = await AthenaStandIn.open(TODAY);
    await engine.load(root, glueTable(stack), projectedObjects(root, glueTable(stack), new Date(TODAY)));
    return engine;
  }
  const namedQuery = (stack: Json, name: string): string =>
    Object.values<Json>(stack.resource.aws_athena_named_query).find((query) => query.name === name)!.query;

  it("daily-bounce-and-complaint-rates: per account and Region", async () => {
    const stack = synthLake({ analytics }).json;
    const engine = await engineFor(stack);
    try {
      const rows = await engine.query(namedQuery(stack, "daily-bounce-and-complaint-rates"), TABLE);
      expect(rows.map(({ account_id, region, event_date, sends, hard_bounces, complaints }) => ({ account_id, region, event_date, sends, hard_bounces, complaints }))).toEqual([
        { account_id: A, region: "us-east-1", event_date: "2017-08-05", sends: 0, hard_bounces: 1, complaints: 1 },
        { account_id: A, region: "us-east-1", event_date: "2016-10-14", sends: 1, hard_bounces: 0, complaints: 0 },
        { account_id: B, region: "eu-west-1", event_date: "2016-10-14", sends: 1, hard_bounces: 0, complaints: 0 },
      ]);
    } finally {
      engine.close();
    }
  });

  it("hard-bounces-to-suppress: per account and Region, and not yet the account the table does not read", async () => {
    const stack = synthLake({ analytics }).json;
    const engine = await engineFor(stack);
    try {
      expect(await engine.query(namedQuery(stack, "hard-bounces-to-suppress"), TABLE)).toEqual([
        { account_id: A, region: "us-east-1", email_address: "recipient@example.com", hard_bounces: 1, last_bounced_at: "2017-08-05T00:41:02.669Z" },
      ]);
    } finally {
      engine.close();
    }
  });

  it("keeps the events of an account the table does not read under its folder, and finds them once it is added", async () => {
    const before = synthLake({ analytics }).json;
    expect(projectedObjects(root, glueTable(before), new Date(TODAY)).some((o) => o.key.includes(`account_id=${C}`))).toBe(false);
    const after = synthLake({ analytics, sourceAccountIds: [A, B, C] }).json;
    const engine = await engineFor(after);
    try {
      expect(await engine.query(namedQuery(after, "hard-bounces-to-suppress"), TABLE)).toEqual([
        { account_id: A, region: "us-east-1", email_address: "recipient@example.com", hard_bounces: 1, last_bounced_at: "2017-08-05T00:41:02.669Z" },
        { account_id: C, region: "us-east-1", email_address: "recipient@example.com", hard_bounces: 1, last_bounced_at: "2017-08-05T00:41:02.669Z" },
      ]);
    } finally {
      engine.close();
    }
  });

  it("writes each source's errors under its own account and Region", () => {
    expect(lakeErrorOutputPrefix(A, "eu-west-1")).toBe(
      `errors/account_id=${A}/region=eu-west-1/!{firehose:error-output-type}/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/`,
    );
    expect(lakePrefix(A, "eu-west-1")).toBe(
      `events/account_id=${A}/region=eu-west-1/event_type=!{partitionKeyFromQuery:event_type}/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/`,
    );
  });
});
