// A plan of 5,000 changes: the summary fits a pull-request comment, lists every risky change in
// full, and condenses the rest with counts and a note. (Its speed is measured by npm run bench.)
import { DEFAULT_MAX_CHARS, summarizePlan } from "..";
import { DEFAULT_MIX, largePlan } from "../large-plan";
import { codeTexts, managed, planOf, policy, SUMMARY_TAGS, tagNames, toHtml } from "./plan-summary-helpers";

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
    expect(markdown).toContain("\nPlan: 20 to import, 4030 to add, 780 to change, 200 to destroy.\n");
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

  test("lists the policy and public access updates as security-relevant, in full, above the routine updates", () => {
    const security = markdown.slice(
      markdown.indexOf("### Security-relevant updates (60)\n\nBy type: `aws_iam_role_policy` 40, `aws_s3_bucket_public_access_block` 20.\n\n"),
    );
    expect(security.match(/^- `aws_iam_role_policy\.policy_\d+`: IAM\n {2}- `policy`: see IAM policy changes$/gm)).toHaveLength(40);
    expect(security.match(/^- `aws_s3_bucket_public_access_block\.block_\d+`: \*\*exposure or loss:\*\* public access\n {2}- `block_public_policy`: `true` → `false`$/gm)).toHaveLength(20);
    expect(markdown.indexOf("### Security-relevant updates")).toBeLessThan(markdown.indexOf("### Update in place"));
  });

  test("lists every grant without a policy document, flagged", () => {
    expect(markdown.match(/^ {2}- granted: policy `arn:aws:iam::aws:policy\/AdministratorAccess`; role `role-\d+`; \*\*wide:\*\* AWS-managed/gm)).toHaveLength(10);
    expect(markdown.match(/^ {2}- granted: .*principal `sns\.amazonaws\.com`; \*\*missing condition:\*\*/gm)).toHaveLength(10);
  });

  test("lists every drifted resource", () => {
    expect(markdown).toContain("\n**10 resources changed outside Terraform** (listed under Changed outside Terraform).\n");
    expect(markdown.match(/^- `aws_s3_bucket_versioning\.drifted_\d+`: changed outside Terraform: deletion protection$/gm)).toHaveLength(10);
  });

  test("condenses routine updates and creates: counts per type, then as many as fit", () => {
    expect(markdown).toContain("### Update in place (720)\n\nBy type: `aws_s3_bucket` 700, `aws_athena_named_query` 20.\n\n");
    expect(markdown).toContain("### Create (3,980)\n\nBy type: `aws_s3_bucket` 3,960, `aws_iam_role_policy_attachment` 10, `aws_lambda_permission` 10.\n\n");
    expect(markdown).toMatch(/- … and [\d,]+ more, left out for length \(see the note at the end\)\n\n\*\*Not listed here/);
  });

  test("ends with a note of what was left out and where the full list is", () => {
    expect(markdown).toMatch(
      /\n\*\*Not listed here, to fit 65,000 characters:\*\* Update in place: [\d,]+ of 720; Create: [\d,]+ of 3,980\. The full summary is in the job summary\.\n$/,
    );
  });

  test("the full summary lists every change", () => {
    const codes = new Set(codeTexts(toHtml(full)));
    for (const resource of plan.resource_changes) expect(codes).toContain(resource.address);
    expect(full).not.toContain("Not listed here");
  });

  test("risky changes alone beyond the limit still fit, with their counts by type and the note", () => {
    const deletesOnly = largePlan(5000, { deletes: 5000, replacements: 0, policyUpdates: 0, imports: 0, moves: 0, updates: 0 });
    const summary = summarizePlan(deletesOnly);
    expect(summary.length).toBeLessThanOrEqual(DEFAULT_MAX_CHARS);
    expect(summary).toContain("### Destroy (5,000)\n\nBy type: `aws_s3_bucket` 5,000.\n\n");
    expect(summary).toMatch(/Destroy: [\d,]+ of 5,000\. The full summary is in/);
  });
});

describe("a plan of 4,000 destroys, 3,000 routine updates and a few risky changes", () => {
  const routine = largePlan(7000, { deletes: 4000, replacements: 0, policyUpdates: 0, imports: 0, moves: 0, updates: 3000 });
  routine.resource_changes.push(
    managed("aws_s3_bucket_public_access_block.events", {
      actions: ["update"],
      before: { bucket: "events", block_public_policy: true, restrict_public_buckets: true },
      after: { bucket: "events", block_public_policy: false, restrict_public_buckets: false },
    }),
    managed("aws_sesv2_configuration_set_event_destination.events", {
      actions: ["update"],
      before: { event_destination: [{ enabled: true, matching_event_types: ["SEND"] }] },
      after: { event_destination: [{ enabled: false, matching_event_types: ["SEND"] }] },
    }),
    managed("aws_iam_role_policy_attachment.admin", {
      actions: ["create"],
      after: { role: "ses-events-ses", policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" },
    }),
  );
  const markdown = summarizePlan(routine, { fullLocation: "the job summary" });

  test("keeps the public access block and the disabled event destination, with their reasons", () => {
    expect(markdown).toContain(
      "### Security-relevant updates (2)\n\n" +
        "By type: `aws_s3_bucket_public_access_block` 1, `aws_sesv2_configuration_set_event_destination` 1.\n\n" +
        "- `aws_s3_bucket_public_access_block.events`: **exposure or loss:** public access\n" +
        "  - `block_public_policy`: `true` → `false`\n" +
        "  - `restrict_public_buckets`: `true` → `false`\n" +
        "- `aws_sesv2_configuration_set_event_destination.events`: **exposure or loss:** enabled or sending\n" +
        "  - `event_destination[0].enabled`: `true` → `false`\n",
    );
  });

  test("keeps the administrator grant although the destroys alone would fill the comment", () => {
    expect(markdown).toContain(
      "### IAM policy changes (1)\n\n- `aws_iam_role_policy_attachment.admin`:\n" +
        "  - granted: policy `arn:aws:iam::aws:policy/AdministratorAccess`; role `ses-events-ses`; " +
        "**wide:** AWS-managed `AdministratorAccess`, full administrator access\n",
    );
  });

  test("rendered as CommonMark, shows the grant, the public access block and the event destination as literal text", () => {
    const html = toHtml(markdown);
    expect(tagNames(html).filter((tag) => !SUMMARY_TAGS.has(tag))).toEqual([]);
    const codes = new Set(codeTexts(html));
    for (const text of ["aws_iam_role_policy_attachment.admin", "arn:aws:iam::aws:policy/AdministratorAccess", "aws_s3_bucket_public_access_block.events", "aws_sesv2_configuration_set_event_destination.events"]) {
      expect(codes).toContain(text);
    }
    expect(html).toContain("<strong>wide:</strong> AWS-managed <code>AdministratorAccess</code>, full administrator access");
  });

  test("lists as many destroys as fit, counts the rest and says where the full list is", () => {
    const listed = markdown.match(/^- `aws_s3_bucket\.old_\d+`/gm)?.length ?? 0;
    expect(listed).toBeGreaterThan(500);
    expect(markdown).toContain("### Destroy (4,000)\n\nBy type: `aws_s3_bucket` 4,000.\n\n");
    expect(markdown).toContain(`- … and ${(4000 - listed).toLocaleString("en-US")} more, left out for length (see the note at the end)\n`);
    expect(markdown).toMatch(
      new RegExp(`Destroy: ${(4000 - listed).toLocaleString("en-US")} of 4,000; Update in place: 3,000 of 3,000; Create: 1 of 1\\. The full summary is in the job summary\\.\n$`),
    );
    expect(markdown.length).toBeLessThanOrEqual(DEFAULT_MAX_CHARS);
  });
});

describe("a wide grant among thousands of narrow ones", () => {
  const narrow = (i: number) =>
    managed(`aws_iam_role_policy.a${String(i).padStart(4, "0")}`, {
      actions: ["update"],
      before: { policy: policy() },
      after: { policy: policy({ Sid: `Read${i}`, Effect: "Allow", Action: "s3:GetObject", Resource: `arn:aws:s3:::bucket-${i}/*` }) },
    });
  const plan = planOf(
    ...Array.from({ length: 3_000 }, (_, i) => narrow(i)),
    managed("aws_s3_bucket_policy.zz", {
      actions: ["update"],
      before: { policy: policy() },
      after: { policy: policy({ Sid: "Open", Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::events/*" }) },
    }),
    managed("aws_iam_role_policy_attachment.zz", { actions: ["create"], after: { role: "r", policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" } }),
  );

  test("is listed although the narrow ones come first in the plan and do not all fit", () => {
    const markdown = summarizePlan(plan);
    const section = markdown.slice(markdown.indexOf("### IAM policy changes ("));
    expect(section).toContain("left out for length");
    expect(section).toContain("- `aws_s3_bucket_policy.zz` `policy`:\n  - added `Open`: `Allow` `s3:GetObject` on `arn:aws:s3:::events/*`; principal `*`; **wide:** public principal `*`\n");
    expect(section).toContain("**wide:** AWS-managed `AdministratorAccess`, full administrator access");
  });
});

describe("a wide statement behind thousands of narrow ones in one policy", () => {
  const narrow = Array.from({ length: 3_000 }, (_, i) => ({ Sid: `Read${i}`, Effect: "Allow", Action: "s3:GetObject", Resource: `arn:aws:s3:::bucket-${i}/*` }));
  const wide = { Sid: "Everything", Effect: "Allow", Action: "*", Resource: "*" };
  const plan = planOf(managed("aws_iam_role_policy.p", { actions: ["update"], before: { policy: policy() }, after: { policy: policy(...narrow, wide) } }));

  test("is listed first, so cutting the entry for length cannot drop it", () => {
    const markdown = summarizePlan(plan);
    expect(markdown).toContain("(the rest of this entry is left out for length)");
    expect(markdown).toContain("- `aws_iam_role_policy.p` `policy`:\n  - added `Everything`: `Allow` `*` on `*`; **wide:** every action of `*`; **wide:** resource `*`\n  - added `Read0`:");
  });
});

describe("a replaced bucket behind thousands of other replacements", () => {
  const plan = planOf(
    ...Array.from({ length: 3_000 }, (_, i) =>
      managed(`aws_cloudwatch_metric_alarm.a${String(i).padStart(4, "0")}`, { actions: ["delete", "create"], before: { alarm_name: `a${i}` }, after: { alarm_name: `b${i}` }, replace_paths: [["alarm_name"]] }),
    ),
    managed("aws_s3_bucket.events", { actions: ["delete", "create"], before: { bucket: "events-1" }, after: { bucket: "events-2" }, replace_paths: [["bucket"]] }),
  );

  test("is listed first, as a destroy that loses data is", () => {
    const markdown = summarizePlan(plan);
    const section = markdown.slice(markdown.indexOf("### Replace ("));
    expect(section).toContain("left out for length");
    expect(section).toMatch(/^### Replace \(3,001\)\n\nBy type: [^\n]*\n\n- `aws_s3_bucket\.events` \(destroy, then create\)/);
  });
});
