/** One IAM policy statement; `Sid` is required so each statement says what it is for. */
export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: "Allow" | "Deny";
  readonly Principal?: { readonly Service: string } | { readonly AWS: string };
  readonly Action: readonly string[];
  /** Omitted only in trust policies, where IAM forbids it. */
  readonly Resource?: readonly string[];
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
