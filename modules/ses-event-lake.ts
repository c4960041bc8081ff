import { Construct } from "constructs";
import { TerraformProvider } from "cdktf";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { KmsKeyPolicy } from "@cdktf/provider-aws/lib/kms-key-policy";
import { AwsContext } from "./aws-context";
import * as defaults from "./private/defaults";
import { defined } from "./private/defined";
import { EventAnalytics, EventAnalyticsOptions } from "./event-analytics";
import { checkEventAnalyticsOptions } from "./private/check-event-analytics";
import { EventBucket, EventBucketOptions, checkEventBucketOptions } from "./event-bucket";
import { LAKE_ACCOUNT_KEY, LAKE_REGION_KEY, LAKE_TABLE_ERROR_PREFIX, LAKE_TABLE_PREFIX } from "./private/lake-layout";
import { LakeSources, lakeBucketStatements, lakeKeyStatements } from "./private/lake-policies";
import { policyDocument } from "./private/policy";
import { SES_EVENT_LAKE_PROPS } from "./private/prop-shapes";
import { EventFormat, FirehoseCompression } from "./ses-event-type";
import * as rules from "./private/validation";

/** Props of `SesEventLake`; the bucket settings are those of the event bucket. */
export interface SesEventLakeProps extends EventBucketOptions {
  /**
   * The accounts whose delivery streams write to the lake (12 digits each); each writes only under
   * its own `events/account_id=<account>/` and `errors/account_id=<account>/`. One of
   * `sourceAccountIds` and `organizationId` is required.
   * @default - none: `organizationId` is required
   */
  readonly sourceAccountIds?: readonly string[];
  /**
   * The AWS Organizations ID (`o-...`) whose accounts may write to the lake, each under its own
   * folders (`aws:PrincipalOrgID`). The table reads the accounts of `accountIds`.
   * @default - none: `sourceAccountIds` is required
   */
  readonly organizationId?: string;
  /**
   * The accounts the table reads (its `account_id` partition projection). Events of an account not
   * listed are kept under its folder and found once it is added. Required with `organizationId`.
   * @default - sourceAccountIds
   */
  readonly accountIds?: readonly string[];
  /**
   * The Regions the sources send from (the table's `region` partition projection). Events of a
   * Region not listed are kept under its folder and found once it is added.
   */
  readonly regions: readonly string[];
  /**
   * Create a customer managed KMS key (rotated yearly) for the bucket, the sources' objects and the
   * query results; the sources may use it only through S3 in the lake's Region, for this bucket.
   * @default false - SSE-S3
   */
  readonly createKmsKey?: boolean;
  /**
   * The Glue table, Athena workgroup and saved queries over the lake.
   * @default - database and workgroup named after `name`, table "events"
   */
  readonly analytics?: Omit<EventAnalyticsOptions, "enabled">;
  /**
   * A fixed name for the lake bucket, which the sources can then name before it exists (such as
   * `<name>-<account>-<region>`); each source's role writes only to a bucket the lake's account
   * owns (`deliveryStream.lake.accountId`), so another account's bucket of that name gets nothing.
   * @default - generated from `bucketPrefix`
   */
  readonly bucketName?: string;
  /**
   * Start of the generated names (bucket prefix, Glue database, workgroup): 1-28 lowercase letters,
   * digits or '-', starting with a letter.
   * @default "ses-event-lake"
   */
  readonly name?: string;
  /**
   * Tags on every taggable resource created.
   * @default - none beyond the provider's default tags
   */
  readonly tags?: Record<string, string>;
  /**
   * AWS provider of every resource and data source created.
   * @default - the stack's default AWS provider
   */
  readonly provider?: TerraformProvider;
}

export const DEFAULT_LAKE_NAME = "ses-event-lake";
export const ACCOUNT_ID = rules.pattern(/^\d{12}$/, "use a 12-digit AWS account ID");
export const REGION_NAME = rules.pattern(/^[a-z]{2,4}(-[a-z]+)+-\d{1,2}$/, "use an AWS Region name such as us-east-1");
export const ORGANIZATION_ID = rules.pattern(/^o-[a-z0-9]{10,32}$/, "use an AWS Organizations ID: o- then 10-32 lowercase letters or digits");
const LAKE_NAME = rules.pattern(/^[a-z][a-z0-9-]{0,27}$/, "use 1-28 lowercase letters, digits or '-', starting with a letter");

/** Checks a list of IDs: each valid, none twice, at least one. */
function checkList(problems: rules.Problems, setting: string, values: readonly string[] | undefined, rule: rules.Rule<string>): void {
  if (values === undefined || rules.isListToken(values)) return;
  problems.whenAbout(setting, values.length === 0, "[] is invalid: list at least one.");
  values.forEach((value, i) => problems.check(`${setting}[${i}]`, value, rule));
  const repeated = values.filter((value, i) => !rules.isToken(value) && values.indexOf(value) !== i);
  problems.whenAbout(setting, repeated.length > 0, `lists ${[...new Set(repeated)].map(rules.plain).join(", ")} more than once: list each once.`);
}

/** Checks `props` into `problems`. */
export function checkLakeProps(problems: rules.Problems, props: SesEventLakeProps): void {
  // The checks below read the props as their types say: a value of another kind is reported alone.
  if (!rules.checkKnownProps(problems, "", props, SES_EVENT_LAKE_PROPS)) return;
  problems.when(
    props.sourceAccountIds === undefined && props.organizationId === undefined,
    "neither sourceAccountIds nor organizationId is set: list the accounts that send to the lake, or give their AWS Organizations ID.",
  );
  problems.when(
    props.sourceAccountIds !== undefined && props.organizationId !== undefined,
    "sourceAccountIds and organizationId are both set: the lake admits the listed accounts or the whole organization; remove one of them.",
  );
  problems.when(
    props.organizationId !== undefined && props.accountIds === undefined,
    "accountIds is not set with organizationId: partition projection cannot list an organization's accounts, so list the accounts whose events the table reads (extend it as accounts join; events of an account not listed are kept and found once it is).",
  );
  checkList(problems, "sourceAccountIds", props.sourceAccountIds, ACCOUNT_ID);
  checkList(problems, "accountIds", props.accountIds, ACCOUNT_ID);
  checkList(problems, "regions", props.regions ?? [], REGION_NAME);
  problems.check("organizationId", props.organizationId, ORGANIZATION_ID);
  problems.check("name", props.name, LAKE_NAME);
  const sources = props.sourceAccountIds;
  if (sources !== undefined && props.accountIds !== undefined && !rules.isToken(sources) && !rules.isToken(props.accountIds)) {
    const unknown = props.accountIds.filter((account) => !sources.includes(account));
    problems.whenAbout(
      "accountIds",
      unknown.length > 0,
      `lists ${unknown.map(rules.plain).join(", ")}, not in sourceAccountIds: the lake refuses their writes, so the table would read nothing for them; add them to sourceAccountIds or remove them.`,
    );
  }
  checkEventBucketOptions(problems, "", props);
  problems.check("bucketName", props.bucketName, rules.BUCKET_NAME);
  problems.when(
    props.bucketName !== undefined && props.bucketPrefix !== undefined,
    "bucketName and bucketPrefix are both set: the bucket has a fixed name or a generated one; remove one of them.",
  );
  if (props.analytics !== undefined) checkEventAnalyticsOptions(problems, "analytics.", props.analytics);
  rules.checkTags(problems, "tags", props.tags);
}

/** The problems `SesEventLake` finds in `props`: pure checks, nothing is created. */
export function lakeProblemsOf(props: SesEventLakeProps): readonly rules.Problem[] {
  const problems = new rules.Problems();
  checkLakeProps(problems, props);
  return problems.all;
}

/**
 * A central event lake for SES events sent from many accounts and Regions, such as in an
 * organization's log archive account: one bucket (encrypted, versioned, public access blocked,
 * `BucketOwnerEnforced`, TLS only) that each source account's delivery stream writes to under its
 * own `events/account_id=<account>/region=<region>/` folders, an optional customer managed key, and
 * one Glue table, Athena workgroup and set of saved queries over every account and Region.
 */
export class SesEventLake extends Construct {
  /** ARN of the lake bucket: the sources' `deliveryStream.lake.bucketArn`. */
  readonly bucketArn: string;
  /** Name of the lake bucket. */
  readonly bucketName: string;
  /**
   * The lake's account (of its provider): the sources' `deliveryStream.lake.accountId`, so that
   * their delivery roles write only to a bucket this account owns.
   */
  readonly accountId: string;
  /** ARN of the lake key, when `createKmsKey` made one: the sources' `deliveryStream.lake.kmsKeyArn`. */
  readonly kmsKeyArn?: string;
  /** Name of the Glue database. */
  readonly databaseName: string;
  /** Name of the Glue table of every source's events. */
  readonly tableName: string;
  /** Name of the Athena workgroup of the saved queries. */
  readonly workgroupName: string;
  /** The lake bucket. */
  readonly bucket: EventBucket;
  /** The lake key, when `createKmsKey` is true. */
  readonly kmsKey?: KmsKey;
  /** The table, workgroup, saved queries and reader policy. */
  readonly analytics: EventAnalytics;

  constructor(scope: Construct, id: string, props: SesEventLakeProps) {
    super(scope, id);
    // Read once into a plain copy, which the checks judge and everything below reads.
    props = rules.plainProps(props, SES_EVENT_LAKE_PROPS);
    const problems = new rules.Problems();
    checkLakeProps(problems, props);
    problems.throwIfAny(`SesEventLake "${this.node.path}"`);

    const provider = props.provider;
    const tags = props.tags;
    const aws = AwsContext.of(this, provider);
    this.accountId = aws.accountId;
    const name = props.name ?? DEFAULT_LAKE_NAME;
    const sources: LakeSources =
      props.organizationId !== undefined ? { organizationId: props.organizationId } : { accountIds: props.sourceAccountIds! };
    const analytics = props.analytics ?? {};
    const resultsPrefix = analytics.resultsPrefix ?? defaults.DEFAULT_RESULTS_PREFIX;

    if (props.createKmsKey === true) {
      this.kmsKey = new KmsKey(this, "Key", defined({
        description: `Encrypts the SES event lake ${name}: its bucket, the sources' objects and the query results.`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        tags,
        provider,
      }));
      this.kmsKeyArn = this.kmsKey.arn;
    }
    this.bucket = new EventBucket(this, "Bucket", defined({
      bucketPrefix: props.bucketPrefix ?? `${name}-`,
      bucketName: props.bucketName,
      forceDestroy: props.forceDestroy,
      accessLogBucketName: props.accessLogBucketName,
      accessLogPrefix: props.accessLogPrefix,
      lifecycle: props.lifecycle,
      kmsKeyArn: this.kmsKeyArn,
      queryResults: { prefix: resultsPrefix, expirationDays: analytics.resultsExpirationDays ?? defaults.DEFAULT_RESULTS_EXPIRATION_DAYS },
      policyStatements: (bucketArn: string) => lakeBucketStatements(bucketArn, aws.partition, sources),
      tags,
      provider,
    }));
    this.bucketArn = this.bucket.bucketArn;
    this.bucketName = this.bucket.bucketName;
    if (this.kmsKey !== undefined) {
      new KmsKeyPolicy(this, "KeyPolicy", defined({
        keyId: this.kmsKey.keyId,
        policy: policyDocument(
          ...lakeKeyStatements(
            { keyArn: this.kmsKey.arn, bucketArn: this.bucketArn, accountId: aws.accountId, region: aws.region, partition: aws.partition, dnsSuffix: aws.dnsSuffix },
            sources,
          ),
        ),
        provider,
      }));
    }

    this.analytics = new EventAnalytics(this, "Analytics", defined({
      ...analytics,
      prefix: LAKE_TABLE_PREFIX,
      errorOutputPrefix: LAKE_TABLE_ERROR_PREFIX,
      // The sources deliver GZIP JSON (see deliveryStream.lake): the table reads it as it lands.
      format: EventFormat.JSON,
      compression: FirehoseCompression.GZIP,
      eventsBucketName: this.bucketName,
      eventsBucketArn: this.bucketArn,
      resultsBucket: { bucketName: this.bucketName, bucketArn: this.bucketArn },
      kmsKeyArn: this.kmsKeyArn,
      nameBase: name,
      partitionValues: {
        [LAKE_ACCOUNT_KEY]: props.accountIds ?? props.sourceAccountIds!,
        [LAKE_REGION_KEY]: props.regions,
      },
      groupBy: [LAKE_ACCOUNT_KEY, LAKE_REGION_KEY],
      tags,
      provider,
    }));
    this.databaseName = this.analytics.databaseName;
    this.tableName = this.analytics.tableName;
    this.workgroupName = this.analytics.workgroupName;
  }
}
