/** One IAM policy statement; `Sid` is required so each statement says what it is for. */
export interface PolicyStatement {
  /** What the statement is for, in PascalCase. */
  readonly Sid: string;
  /** Allow or Deny. */
  readonly Effect: "Allow" | "Deny";
  /** Who the statement is about: a service, or AWS principals (ARNs, account IDs or `*`); only in resource and trust policies. */
  readonly Principal?: {
    /** A service principal such as `firehose.amazonaws.com`. */
    readonly Service: string;
  } | {
    /** One or more AWS principals. */
    readonly AWS: string | readonly string[];
  };
  /** The actions, such as `s3:PutObject`. */
  readonly Action: readonly string[];
  /** Omitted only in trust policies, where IAM forbids it. */
  readonly Resource?: readonly string[];
  /** Conditions: operator, then condition key, then value or values. */
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}
/** A policy document as JSON. Tokens inside (ARNs, account IDs) resolve to Terraform references. */
export function policyDocument(...statements: PolicyStatement[]): string {
  return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}

/** A trust policy letting `service` assume the role under `condition`. */
export function trustPolicy(sid: string, service: string, condition: NonNullable<PolicyStatement["Condition"]>): string {
  return policyDocument({
    Sid: sid,
    Effect: "Allow",
    Principal: { Service: service },
    Action: ["sts:AssumeRole"],
    Condition: condition,
  });
}
