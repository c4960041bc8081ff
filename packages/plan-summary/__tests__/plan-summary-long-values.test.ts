// A long value shows where it changed: a window around each changed part on both sides, the
// unchanged rest left out; without a size limit both values are shown whole.
import { changedParts, summarizePlan } from "..";
import { managed, planOf } from "./plan-summary-helpers";

const QUERY =
  "SELECT date_trunc('day', from_iso8601_timestamp(mail.timestamp)) AS day, count(DISTINCT mail.messageId) AS hard_bounces " +
  "FROM ses_events.events CROSS JOIN UNNEST(bounce.bouncedRecipients) AS t(recipient) " +
  "WHERE eventType = 'Bounce' AND bounce.bounceType = 'Permanent' " +
  "AND bounce.bounceSubType NOT IN ('OnAccountSuppressionList', 'OnSuppressionList') " +
  "GROUP BY 1 ORDER BY 1 DESC LIMIT 90 -- per recipient, each event once, whatever Firehose redelivered";
const CHANGED = QUERY.replace("'Permanent'", "'Transient'");
const at = QUERY.indexOf("Permanent");

function plan() {
  return planOf(managed("aws_athena_named_query.hard_bounces", { actions: ["update"], before: { query: QUERY }, after: { query: CHANGED } }));
}

describe("a long value changed deep inside", () => {
  test("shows the changed word on both sides with the text around it, and where it is", () => {
    expect(QUERY.length).toBeGreaterThan(400);
    expect(summarizePlan(plan())).toContain(
      "- `aws_athena_named_query.hard_bounces`\n" +
        `  - \`query\` (${QUERY.length} → ${CHANGED.length} characters, 1 changed part shown with the text around it, the unchanged rest left out):\n` +
        `    - before, characters ${at + 1}–${at + 9} of ${QUERY.length}: \`…${QUERY.slice(at - 60, at + 9 + 60)}…\`\n` +
        `    - after, characters ${at + 1}–${at + 9} of ${CHANGED.length}: \`…${CHANGED.slice(at - 60, at + 9 + 60)}…\`\n`,
    );
  });

  test("without a size limit both values are shown whole", () => {
    expect(summarizePlan(plan(), { maxChars: Infinity })).toContain(
      `  - \`query\` (${QUERY.length} → ${CHANGED.length} characters, 1 changed part shown with the text around it, the unchanged rest left out):\n` +
        `    - before: \`${QUERY}\`\n    - after: \`${CHANGED}\`\n`,
    );
  });

  test("changes far apart are shown as separate parts; close ones as one", () => {
    const far = CHANGED.replace("redelivered", "delivered");
    expect(changedParts(QUERY, far)).toHaveLength(2);
    const close = QUERY.replace("'Bounce' AND bounce.bounceType = 'Permanent'", "'Complaint' AND bounce.bounceType = 'Transient'");
    expect(changedParts(QUERY, close)).toHaveLength(1);
  });

  test("more than five changed parts are counted", () => {
    const before = Array.from({ length: 8 }, (_, i) => `${"x".repeat(150)} value${i} `).join("");
    const after = before.replace(/value(\d)/g, "other$1");
    const markdown = summarizePlan(planOf(managed("aws_s3_object.o", { actions: ["update"], before: { content: before }, after: { content: after } })));
    expect(markdown.match(/^ {4}- before, /gm)).toHaveLength(5);
    expect(markdown).toContain("    - (3 more changed parts; the full summary shows both values whole)\n");
  });

  test("a long JSON value is diffed on its text, masked parts staying masked", () => {
    const before = { rules: Array.from({ length: 12 }, (_, i) => ({ id: `rule-${i}`, days: 30 })), token: "secret-token" };
    const after = { ...before, rules: before.rules.map((rule, i) => (i === 7 ? { ...rule, days: 1 } : rule)) };
    const markdown = summarizePlan(
      planOf(managed("aws_s3_bucket_lifecycle_configuration.l", { actions: ["update"], before: { config: before }, after: { config: after }, before_sensitive: { config: { token: true } }, after_sensitive: { config: { token: true } } })),
    );
    expect(markdown).toContain('  - `config.rules[7].days`: `30` → `1`');
    expect(markdown).not.toContain("secret-token");
  });

  test("two hostile values of 50,000 different characters are compared from both ends, quickly", () => {
    const before = "a".repeat(25_000) + "b".repeat(25_000);
    const after = "c".repeat(25_000) + "d".repeat(25_000);
    const start = Date.now();
    const markdown = summarizePlan(planOf(managed("aws_s3_object.o", { actions: ["update"], before: { content: before }, after: { content: after } })));
    expect(Date.now() - start).toBeLessThan(2_000);
    expect(markdown).toContain("    - before, characters 1–50,000 of 50,000: `");
  });
});
