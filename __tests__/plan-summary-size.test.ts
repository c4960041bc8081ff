// A plan of 5,000 changes: the summary fits a pull-request comment, lists every risky change in
// full, and condenses the rest with counts and a note. (Its speed is measured by npm run bench.)
import { DEFAULT_MAX_CHARS, summarizePlan } from "../scripts/plan-summary";
import { DEFAULT_MIX, largePlan } from "../bench/large-plan";
import { codeTexts, toHtml } from "./plan-summary-helpers";

const plan = largePlan(5000);
const markdown = summarizePlan(plan, { fullLocation: "the job summary" });
const full = summarizePlan(plan, { maxChars: Infinity });
const addresses = (type: string, prefix: string) =>
  plan.resource_changes.filter((r) => r.type === type && r.name?.startsWith(prefix)).map((r) => r.address);

describe("a 5,000-change plan", () => {
  test("has 5,000 changes and a full summary far larger than a comment", () => {
    expect(plan.resource_changes).toHaveLength(5000);
    expect(full.length).toBeGreaterThan(2 * DEFAULT_MAX_CHARS);
  });

  test("fits in 65,000 characters", () => {
    expect(markdown.length).toBeLessThanOrEqual(DEFAULT_MAX_CHARS);
    expect(markdown.length).toBeGreaterThan(DEFAULT_MAX_CHARS - 5_000);
  });

  test("keeps Terraform's plan line", () => {
    expect(markdown).toContain("\nPlan: 20 to import, 4070 to add, 740 to change, 200 to destroy.\n");
  });

  test("lists every delete, every replacement with its cause, and every IAM policy change", () => {
    const codes = new Set(codeTexts(toHtml(markdown)));
    const deletes = addresses("aws_s3_bucket", "old_");
    const replaced = addresses("aws_kinesis_firehose_delivery_stream", "stream_");
    const policies = addresses("aws_iam_role_policy", "policy_");
    expect([deletes.length, replaced.length, policies.length]).toEqual([DEFAULT_MIX.deletes, DEFAULT_MIX.replacements, DEFAULT_MIX.policyUpdates]);
    for (const address of [...deletes, ...replaced, ...policies]) expect(codes).toContain(address);
    expect(markdown.match(/\(destroy, then create\): forced by `name`\n  - `name`: `stream-\d+` → `stream-\d+-v2`/g)).toHaveLength(DEFAULT_MIX.replacements);
    expect(markdown.match(/- changed `Write`: Resource `arn:aws:s3:::bucket-\d+\/\*` → `arn:aws:s3:::bucket-\d+\/events\/\*`/g)).toHaveLength(DEFAULT_MIX.policyUpdates);
  });

  test("condenses updates and creates: counts per type, then as many as fit", () => {
    expect(markdown).toContain("### Update in place (740)\n\nBy type: `aws_s3_bucket` 700, `aws_iam_role_policy` 40.\n\n");
    expect(markdown).toContain("### Create (4,020)\n\nBy type: `aws_s3_bucket` 4,020.\n\n");
    expect(markdown).toMatch(/- … and [\d,]+ more, left out for length \(see the note at the end\)\n\n\*\*Not listed here/);
  });

  test("ends with a note of what was left out and where the full list is", () => {
    expect(markdown).toMatch(
      /\n\*\*Not listed here, to fit 65,000 characters:\*\* Update in place: [\d,]+ of 740; Create: [\d,]+ of 4,020\. The full summary is in the job summary\.\n$/,
    );
  });

  test("the full summary lists every change", () => {
    const codes = new Set(codeTexts(toHtml(full)));
    for (const resource of plan.resource_changes) expect(codes).toContain(resource.address);
    expect(full).not.toContain("Not listed here");
  });

  test("risky changes alone beyond the limit still fit, with the note", () => {
    const deletesOnly = largePlan(5000, { deletes: 5000, replacements: 0, policyUpdates: 0, imports: 0, moves: 0, updates: 0 });
    const summary = summarizePlan(deletesOnly);
    expect(summary.length).toBeLessThanOrEqual(DEFAULT_MAX_CHARS);
    expect(summary).toMatch(/Destroy: [\d,]+ of 5,000\. The full summary is in/);
  });
});
