import { Fn } from "cdktf";
import { LAKE_ACCOUNT_KEY, LAKE_ERRORS_ROOT, LAKE_EVENTS_ROOT, lakeAccountErrors, lakeAccountEvents } from "./lake-layout";
import { PolicyStatement } from "./policy";
import { isToken } from "./validation";

/** Who may write to a lake: listed accounts, or every account of an AWS Organization. */
export type LakeSources = { readonly accountIds: readonly string[] } | { readonly organizationId: string };

/** What a source's delivery role does to the lake bucket's objects (Firehose's S3 destination needs). */
export const SOURCE_OBJECT_ACTIONS = ["s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject"] as const;
/** What it does to the bucket itself: find it and its uploads. No object is read through these. */
export const SOURCE_BUCKET_ACTIONS = ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"] as const;

/** `aws:PrincipalAccount` as an IAM policy variable; `$${` keeps Terraform from reading it as its own. */
const PRINCIPAL_ACCOUNT = "$${aws:PrincipalAccount}";

const root = (partition: string, account: string) => `arn:${partition}:iam::${account}:root`;

/**
 * The lake bucket's grants to its sources: each account may write only under its own
 * `events/account_id=<account>/` and `errors/account_id=<account>/` folders. Listed accounts get one
 * statement each (the account in the resource); an organization one statement whose resource holds
 * `${aws:PrincipalAccount}`, conditioned on `aws:PrincipalOrgID`. No statement names an
 * unconditioned `*` principal.
 */
export function lakeBucketStatements(bucketArn: string, partition: string, sources: LakeSources): PolicyStatement[] {
  if ("organizationId" in sources) {
    const inOrganization = { StringEquals: { "aws:PrincipalOrgID": sources.organizationId } };
    return [
      {
        Sid: "LocateLakeFromOrganization",
        Effect: "Allow",
        Principal: { AWS: "*" },
        Action: [...SOURCE_BUCKET_ACTIONS],
        Resource: [bucketArn],
        Condition: inOrganization,
      },
      {
        Sid: "WriteOwnAccountFoldersFromOrganization",
        Effect: "Allow",
        Principal: { AWS: "*" },
        Action: [...SOURCE_OBJECT_ACTIONS],
        Resource: [
          `${bucketArn}/${LAKE_EVENTS_ROOT}${LAKE_ACCOUNT_KEY}=${PRINCIPAL_ACCOUNT}/*`,
          `${bucketArn}/${LAKE_ERRORS_ROOT}${LAKE_ACCOUNT_KEY}=${PRINCIPAL_ACCOUNT}/*`,
        ],
        Condition: inOrganization,
      },
    ];
  }
  return [
    {
      Sid: "LocateLakeFromSourceAccounts",
      Effect: "Allow",
      Principal: { AWS: sources.accountIds.map((account) => root(partition, account)) },
      Action: [...SOURCE_BUCKET_ACTIONS],
      Resource: [bucketArn],
    },
    ...sources.accountIds.map(
      (account): PolicyStatement => ({
        Sid: `WriteOwnFoldersFrom${account}`,
        Effect: "Allow",
        Principal: { AWS: root(partition, account) },
        Action: [...SOURCE_OBJECT_ACTIONS],
        Resource: [`${bucketArn}/${lakeAccountEvents(account)}*`, `${bucketArn}/${lakeAccountErrors(account)}*`],
      }),
    ),
  ];
}

/** Every KMS action on a symmetric encryption key itself (Service Authorization Reference, AWS KMS). */
export const KEY_ACTIONS = [
  "kms:CancelKeyDeletion",
  "kms:CreateGrant",
  "kms:Decrypt",
  "kms:DescribeKey",
  "kms:DisableKey",
  "kms:DisableKeyRotation",
  "kms:EnableKey",
  "kms:EnableKeyRotation",
  "kms:Encrypt",
  "kms:GenerateDataKey",
  "kms:GenerateDataKeyWithoutPlaintext",
  "kms:GetKeyPolicy",
  "kms:GetKeyRotationStatus",
  "kms:ListGrants",
  "kms:ListKeyPolicies",
  "kms:ListKeyRotations",
  "kms:ListResourceTags",
  "kms:PutKeyPolicy",
  "kms:ReEncryptFrom",
  "kms:ReEncryptTo",
  "kms:RetireGrant",
  "kms:RevokeGrant",
  "kms:RotateKeyOnDemand",
  "kms:ScheduleKeyDeletion",
  "kms:TagResource",
  "kms:UntagResource",
  "kms:UpdateKeyDescription",
] as const;

/** Where a key may be used: through S3 in the lake's Region, for the lake bucket's objects. */
export interface LakeKeyScope {
  readonly keyArn: string;
  readonly bucketArn: string;
  /** The lake's account, whose IAM policies decide who else in it uses the key. */
  readonly accountId: string;
  readonly region: string;
  readonly partition: string;
  readonly dnsSuffix: string;
}

/**
 * The lake key's policy: the lake account administers it through IAM; the sources may only
 * encrypt and decrypt with it through S3 in the lake's Region, for the lake bucket.
 */
export function lakeKeyStatements(scope: LakeKeyScope, sources: LakeSources): PolicyStatement[] {
  const throughLakeBucket = {
    "kms:ViaService": `s3.${scope.region}.${scope.dnsSuffix}`,
  };
  const forLakeBucket = { "kms:EncryptionContext:aws:s3:arn": [scope.bucketArn, `${scope.bucketArn}/*`] };
  const organization = "organizationId" in sources;
  return [
    {
      // What can be done to this key, delegated to the lake account's IAM policies (AWS's
      // default key statement, without the account-level actions "kms:*" would name too).
      Sid: "AdministerThroughLakeAccountIam",
      Effect: "Allow",
      Principal: { AWS: root(scope.partition, scope.accountId) },
      Action: [...KEY_ACTIONS],
      Resource: [scope.keyArn],
    },
    {
      Sid: organization ? "EncryptLakeObjectsFromOrganization" : "EncryptLakeObjectsFromSourceAccounts",
      Effect: "Allow",
      Principal: { AWS: organization ? "*" : sources.accountIds.map((account) => root(scope.partition, account)) },
      Action: ["kms:Decrypt", "kms:GenerateDataKey"],
      Resource: [scope.keyArn],
      Condition: {
        StringEquals: organization ? { ...throughLakeBucket, "aws:PrincipalOrgID": sources.organizationId } : throughLakeBucket,
        StringLike: forLakeBucket,
      },
    },
  ];
}

/** What a source stream's delivery role needs of the lake. */
export interface LakeSourceScope {
  readonly bucketArn: string;
  /** The folders it writes: `events/account_id=<account>/region=<region>/` and the same under `errors/`. */
  readonly folders: readonly string[];
  readonly kmsKeyArn?: string | undefined;
  /** The lake's account, when known: the bucket must be that account's. */
  readonly lakeAccountId?: string | undefined;
  /** The lake key's Region (S3 uses the key there). */
  readonly keyRegion?: string | undefined;
  readonly dnsSuffix: string;
}

/**
 * A source's delivery role statements: find the lake bucket, write only under its own folders,
 * and use the lake key only through S3 in the key's Region for the lake bucket.
 */
export function lakeSourceStatements(scope: LakeSourceScope): PolicyStatement[] {
  const owned = scope.lakeAccountId === undefined ? {} : { Condition: { StringEquals: { "s3:ResourceAccount": scope.lakeAccountId } } };
  const statements: PolicyStatement[] = [
    { Sid: "LocateLake", Effect: "Allow", Action: [...SOURCE_BUCKET_ACTIONS], Resource: [scope.bucketArn], ...owned },
    {
      Sid: "WriteOwnLakeFolders",
      Effect: "Allow",
      Action: [...SOURCE_OBJECT_ACTIONS],
      Resource: scope.folders.map((folder) => `${scope.bucketArn}/${folder}*`),
      ...owned,
    },
  ];
  if (scope.kmsKeyArn !== undefined) {
    statements.push({
      Sid: "EncryptLakeObjects",
      Effect: "Allow",
      Action: ["kms:GenerateDataKey", "kms:Decrypt"],
      Resource: [scope.kmsKeyArn],
      Condition: {
        StringEquals: { "kms:ViaService": `s3.${scope.keyRegion}.${scope.dnsSuffix}` },
        StringLike: { "kms:EncryptionContext:aws:s3:arn": [scope.bucketArn, `${scope.bucketArn}/*`] },
      },
    });
  }
  return statements;
}

/** The Region and account fields of an ARN: literals from a literal, Terraform expressions from a token. */
export function arnField(arn: string, field: 3 | 4): string {
  return isToken(arn) ? Fn.element(Fn.split(":", arn), field) : (arn.split(":")[field] ?? "");
}
