import { readFileSync } from "fs";
import * as path from "path";
import { Testing } from "cdktf";
import { readSettings } from "../settings";
import { SesEventsStack } from "../stack";
import { testApp } from "./helpers";

/**
 * Checks the security scanner lacks for this product, run over the same two profiles that
 * `npm run scan` scans: the default app and the app with every option on.
 */
const ROOT = path.join(__dirname, "..");
const PROFILES: Record<string, Record<string, unknown>> = {
  default: JSON.parse(readFileSync(path.join(ROOT, "cdktf.json"), "utf8")).context,
  "all-options": JSON.parse(readFileSync(path.join(ROOT, "scripts", "scan-all-options.json"), "utf8")),
};
const POLICY_ATTRIBUTES = ["policy", "assume_role_policy"];

interface Statement {
  Sid?: string;
  Effect: string;
  Principal?: Record<string, string>;
  Action: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

interface PolicyFound {
  address: string;
  attribute: string;
  statements: Statement[];
}

function synthProfile(context: Record<string, unknown>): Record<string, any> {
  const [settings] = readSettings(context, {});
  return JSON.parse(Testing.synth(new SesEventsStack(testApp(), settings)));
}

/** Every policy document held by any resource of the stack. */
function policies(stack: Record<string, any>): PolicyFound[] {
  const found: PolicyFound[] = [];
  for (const [type, resources] of Object.entries<Record<string, any>>(stack.resource ?? {})) {
    for (const [name, resource] of Object.entries<Record<string, any>>(resources)) {
      for (const attribute of POLICY_ATTRIBUTES) {
        if (typeof resource[attribute] !== "string") continue;
        const statements = JSON.parse(resource[attribute]).Statement;
        found.push({ address: `${type}.${name}`, attribute, statements: [statements].flat() });
      }
    }
  }
  return found;
}

const list = (value: string | string[] | undefined): string[] => (value === undefined ? [] : [value].flat());

describe.each(Object.keys(PROFILES))("the %s profile", (profile) => {
  const stack = synthProfile(PROFILES[profile]);
  const all = policies(stack);

  it("has policies to check", () => {
    expect(all.length).toBeGreaterThanOrEqual(5);
  });

  it("grants no wildcard action in any Allow statement", () => {
    const wildcards = all.flatMap(({ address, statements }) =>
      statements.filter((s) => s.Effect === "Allow" && list(s.Action).some((a) => a.includes("*"))).map(() => address),
    );
    expect(wildcards).toEqual([]);
  });

  it("grants no wildcard resource in any Allow statement", () => {
    const wildcards = all.flatMap(({ address, statements }) =>
      statements.filter((s) => s.Effect === "Allow" && list(s.Resource).some((r) => r === "*" || r.endsWith(":*"))).map(() => address),
    );
    expect(wildcards).toEqual([]);
  });

  it("trusts no wildcard principal in any Allow statement", () => {
    const wildcards = all.flatMap(({ address, statements }) =>
      statements
        .filter((s) => s.Effect === "Allow" && Object.values(s.Principal ?? {}).flat().some((p) => p === "*"))
        .map(() => address),
    );
    expect(wildcards).toEqual([]);
  });

  it("lets SES assume a role only for this account and this configuration set", () => {
    const sesTrust = all
      .filter(({ attribute }) => attribute === "assume_role_policy")
      .flatMap(({ statements }) => statements)
      .filter((s) => list(s.Principal?.Service).includes("ses.amazonaws.com"));
    expect(sesTrust).toHaveLength(1);
    for (const statement of sesTrust) {
      const equals = statement.Condition?.StringEquals ?? {};
      expect(equals["AWS:SourceAccount"]).toMatch(/^\$\{data\.aws_caller_identity\.[^}]+\.account_id\}$/);
      expect(equals["AWS:SourceArn"]).toMatch(/:ses:\$\{data\.aws_region\.[^}]+\}:\$\{data\.aws_caller_identity\.[^}]+\}:configuration-set\/[\w-]+$/);
    }
  });

  it("gives the SES role no permission beyond putting records into one stream", () => {
    const sesRole = Object.entries<Record<string, any>>(stack.resource.aws_iam_role).find(([, role]) =>
      role.assume_role_policy.includes("ses.amazonaws.com"),
    )![0];
    const sesPolicies = Object.values<Record<string, any>>(stack.resource.aws_iam_role_policy).filter(
      (p) => p.role === `\${aws_iam_role.${sesRole}.id}`,
    );
    const statements = sesPolicies.flatMap((p) => JSON.parse(p.policy).Statement);
    expect(statements.map((s) => [list(s.Action), list(s.Resource).length])).toEqual([[["firehose:PutRecordBatch"], 1]]);
  });
});
