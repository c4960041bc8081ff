// The summary as an attacker and a careless user would try it: every string a plan can carry is
// put where the summary prints it, the Markdown is rendered with CommonMark (markdown-it, raw
// HTML and autolinks on), and the HTML is checked for markup that came from the input.
import { literal, type Plan, type ResourceChange, summarizePlan, visible } from "..";
import { codeTexts, managed, outsideCode, planOf, policy, SUMMARY_TAGS, tagNames, toHtml } from "./plan-summary-helpers";

const ATTACKS: Record<string, string> = {
  "comment that hides the rest": "Allow\n\n<!--",
  "closing details": "</details>",
  "image tag": "<img src=x onerror=alert(1)>",
  script: "<script>alert(1)</script>",
  "team mention": "@org/team",
  "user mention": "ping @octocat please",
  "javascript link": "[x](javascript:alert(1))",
  "remote image": "![i](http://evil.example/i.png)",
  "bare URL": "see https://evil.example/x and www.evil.example",
  "table pipes": "| a | b |\n| --- | --- |\n| c | d |",
  "backtick runs": "a`b``c```d````e",
  "leading backtick": "`start",
  "trailing backtick": "end`",
  "only backticks": "```",
  "CRLF and CR": "one\r\ntwo\rthree\n\nfour",
  "unicode bidi": "safe\u202Eexe.txt\u202C\u2066x\u2069",
  "zero width": "ad\u200Bmin\uFEFF",
  "heading and list": "# title\n- item\n1. item\n> quote",
  "emphasis and escapes": "_a_ *b* **c** \\` \\\\ ~~d~~",
  entities: "&lt;b&gt; &amp; &#64;x &copy;",
  "issue reference": "#1 GH-2 owner/repo#3",
  "html block": "<div>\n\n*markdown inside*\n\n</div>",
  "fenced code opener": "~~~\n```js\nalert(1)\n```",
  "nul and controls": "a\u0000b\u0007c\u001bd\u0085e\u2028f",
  "lone surrogate": "x\uD800y",
};
const ENTRIES = Object.entries(ATTACKS);

/** A plan that carries one hostile string in every place the summary prints plan text. */
function hostilePlan(text: string): Plan {
  const statement = { Sid: text, Effect: text, Action: [text, "s3:GetObject"], Resource: text, Principal: { [text]: text }, Condition: { [text]: { [text]: text } } };
  const changes: ResourceChange[] = [
    managed(`aws_s3_bucket.deleted["${text}"]`, { actions: ["delete"], before: { bucket: text } }, { action_reason: text, deposed: text }),
    managed(`aws_s3_bucket.replaced["${text}"]`, { actions: ["delete", "create"], before: { [text]: text }, after: { [text]: `${text}2` }, replace_paths: [[text]] }),
    managed(`aws_iam_role_policy.p["${text}"]`, { actions: ["update"], before: { policy: policy() }, after: { policy: policy(statement) } }),
    managed(`aws_iam_role_policy.raw["${text}"]`, { actions: ["update"], before: { policy: text }, after: { policy: `${text}!` } }),
    managed(`aws_s3_bucket.imported["${text}"]`, { actions: ["no-op"], before: {}, after: {}, importing: { id: text } }),
    managed(`aws_s3_bucket.moved["${text}"]`, { actions: ["no-op"], before: {}, after: {} }, { previous_address: `aws_s3_bucket.old["${text}"]` }),
    managed(`aws_s3_bucket.forgotten["${text}"]`, { actions: ["forget"], before: {} }),
    managed(`aws_s3_bucket.updated["${text}"]`, { actions: ["update"], before: { tags: { [text]: text } }, after: { tags: { [text]: `${text}2` } } }),
    managed(`aws_s3_bucket.created["${text}"]`, { actions: ["create"], after: {} }),
    managed(`aws_s3_bucket.odd["${text}"]`, { actions: [text] }),
  ];
  changes.push({ ...managed(`x.y["${text}"]`, { actions: ["create"] }), type: text });
  // Grants without a policy document, a key policy opened wide, a security-relevant update and
  // a long value changed deep inside: each prints plan text in its own way.
  const long = `${"SELECT 1 ".repeat(40)}${text}${" FROM t".repeat(40)}`;
  changes.push(
    managed(`aws_iam_role_policy_attachment.a["${text}"]`, { actions: ["create"], after: { role: text, policy_arn: text } }),
    managed(`aws_lambda_permission.p["${text}"]`, { actions: ["create"], after: { principal: text, action: text, function_name: text, source_arn: text } }),
    managed(`aws_kms_key_policy.k["${text}"]`, { actions: ["delete"], before: { policy: policy({ ...statement, Principal: "*", Action: "kms:*" }) } }),
    managed(`aws_s3_bucket_public_access_block.b["${text}"]`, { actions: ["update"], before: { bucket: text, block_public_policy: true }, after: { bucket: text, block_public_policy: false } }),
    managed(`aws_athena_named_query.q["${text}"]`, { actions: ["update"], before: { query: long }, after: { query: long.replace(text, `${text}2`) } }),
  );
  const plan = planOf(...changes);
  plan.output_changes = { [text]: { actions: ["update"], before: text, after: `${text}2`, after_unknown: false, before_sensitive: false, after_sensitive: false } };
  plan.errored = true;
  plan.complete = false;
  plan.deferred_changes = [{ reason: text, resource_change: managed(`aws_s3_bucket.deferred["${text}"]`, { actions: ["create"], after: {} }) }];
  plan.resource_drift = [managed(`aws_s3_bucket.drifted["${text}"]`, { actions: ["update"], before: { acl: text }, after: { acl: `${text}2` } })];
  plan.relevant_attributes = [{ resource: `aws_s3_bucket.drifted["${text}"]`, attribute: [text] }];
  plan.checks = [
    {
      address: { kind: text, to_display: `check.c["${text}"]` },
      status: "fail",
      instances: [{ address: { to_display: `check.c["${text}"][0]` }, status: text, problems: [{ message: text }] }],
    },
  ];
  return plan;
}

function render(text: string): { markdown: string; html: string } {
  const markdown = summarizePlan(hostilePlan(text), { stack: text });
  return { markdown, html: toHtml(markdown) };
}

describe("hostile strings in a plan render only as literal text", () => {
  test.each(ENTRIES)("%s: no tag, comment, link or image comes from the input", (_, text) => {
    const { html } = render(text);
    expect(tagNames(html).filter((tag) => !SUMMARY_TAGS.has(tag))).toEqual([]);
    expect(html).not.toContain("<!--");
    expect(html).not.toMatch(/<a[\s>]|<img/);
    expect(outsideCode(html)).not.toMatch(/href=|src=/);
  });

  test.each(ENTRIES)("%s: mentions, references and URLs appear only inside code", (_, text) => {
    const outside = outsideCode(render(text).html);
    expect(outside).not.toMatch(/@|#\d|GH-\d|https?:|www\./);
  });

  test.each(ENTRIES)("%s: each changed address is visible as one piece of literal text", (_, text) => {
    const plan = hostilePlan(text);
    const codes = codeTexts(render(text).html);
    for (const resource of plan.resource_changes) expect(codes).toContain(visible(resource.address));
  });

  test.each(ENTRIES)("%s: the summary keeps its structure (one list item per entry)", (_, text) => {
    const { html } = render(text);
    const headings = [...html.matchAll(/<h3>([^<]*)<\/h3>/g)].map((match) => match[1]);
    expect(headings).toEqual([
      "Destroy (2)",
      "Replace (1)",
      "Unknown or unusual actions (1)",
      "Failing checks (1)",
      "Deferred (1)",
      "IAM policy changes (5)",
      "Security-relevant updates (3)",
      "Changed outside Terraform (1)",
      "Forget (removed from state, not destroyed) (1)",
      "Import (1)",
      "Move (1)",
      "Output changes (1)",
      "Update in place (2)",
      "Create (4)",
    ]);
    expect(html.match(/<h2>/g)).toHaveLength(1);
  });

  test("the text hidden after a comment opener stays visible: a later added statement is still shown", () => {
    const plan = planOf(
      managed("aws_iam_role_policy.a", { actions: ["update"], before: { policy: policy() }, after: { policy: policy({ Sid: "X", Effect: "Allow\n\n<!--", Action: "s3:A", Resource: "arn:x" }) } }),
      managed("aws_iam_role_policy.b", { actions: ["update"], before: { policy: policy() }, after: { policy: policy({ Sid: "All", Effect: "Allow", Action: "*", Resource: "*" }) } }),
    );
    const html = toHtml(summarizePlan(plan));
    expect(html).toContain("<code>Allow\\n\\n&lt;!--</code>");
    expect(html).toContain("<li><code>aws_iam_role_policy.b</code> <code>policy</code>:");
    expect(html).toContain("added <code>All</code>: <code>Allow</code> <code>*</code> on <code>*</code>");
  });

  test("a backtick run in a value cannot close its code span", () => {
    expect(literal("a``b")).toBe("```a``b```");
    expect(codeTexts(toHtml(`- ${literal("x` <img src=x> `y")}`))).toEqual(["x` <img src=x> `y"]);
  });

  test("an empty string beside a value with a backtick cannot pair with its fence", () => {
    const evil = "`<img src=x onerror=alert(1)>";
    const plan = planOf(
      managed("aws_iam_role_policy.p", {
        actions: ["update"],
        before: { policy: policy() },
        after: { policy: policy({ Effect: "Allow", Action: ["", evil], Resource: "arn:x", Principal: { "": evil } }) },
      }),
    );
    plan.checks = [{ address: { kind: "", to_display: "check.c" }, status: evil, instances: [] }];
    const markdown = summarizePlan(plan);
    expect(tagNames(toHtml(markdown)).filter((tag) => !SUMMARY_TAGS.has(tag))).toEqual([]);
    expect(markdown).toContain("- `check.c` ((empty)): `` `<img src=x onerror=alert(1)> ``");
    expect(literal("")).toBe("(empty)");
  });

  test("a value starting or ending with a backtick or space keeps it", () => {
    expect(codeTexts(toHtml(`- ${literal("`a")} ${literal("b `")} ${literal(" c ")}`))).toEqual(["`a", "b `", " c "]);
  });

  test("line breaks and bidi controls are shown as escapes", () => {
    expect(literal("a\r\nb\nc\u202Ed")).toBe("`a\\r\\nb\\nc<U+202E>d`");
  });

  test("no line break, control, bidi or zero-width character reaches the summary", () => {
    for (const [, text] of ENTRIES) {
      expect(render(text).markdown).not.toMatch(/[\r\u0000-\u0008\u000b-\u001f\u0085\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/);
    }
  });

  test("a 1 MB value is shortened everywhere and keeps the summary small", () => {
    const huge = `${"<!--".repeat(100)}${"`".repeat(1000)}${"x".repeat(1_000_000)}`;
    const { markdown, html } = render(huge);
    expect(markdown.length).toBeLessThan(30_000);
    expect(markdown).toContain("more characters)");
    expect(tagNames(html).filter((tag) => !SUMMARY_TAGS.has(tag))).toEqual([]);
  });
});

describe("names that are keys of every JavaScript object", () => {
  const NAMES = ["constructor", "toString", "__proto__", "hasOwnProperty", "valueOf"];

  test.each(NAMES)("%s as a resource type, a reason or a managed policy name is read as plain text", (name) => {
    const plan = planOf(
      { ...managed(`x.${name}`, { actions: ["update"], before: { a: 1 }, after: { a: 2 } }), type: name },
      { ...managed(`y.${name}`, { actions: ["delete"], before: {} }, { action_reason: name }), type: name },
      managed("aws_iam_role_policy_attachment.a", { actions: ["create"], after: { role: "r", policy_arn: `arn:aws:iam::aws:policy/${name}` } }),
    );
    plan.deferred_changes = [{ reason: name, resource_change: managed("aws_s3_bucket.later", { actions: ["create"], after: {} }) }];
    const markdown = summarizePlan(plan);
    expect(markdown).toContain(`- \`y.${name}\`: reason \`${name}\``);
    expect(markdown).toContain(`- \`aws_s3_bucket.later\`: \`create\`, deferred: reason \`${name}\``);
    expect(markdown).toContain(`  - granted: policy \`arn:aws:iam::aws:policy/${name}\`; role \`r\`\n`);
    expect(markdown).not.toMatch(/native code|\[object Object\]/);
  });
});

describe("sensitive values", () => {
  const SECRET = "SECRET-VALUE-1234";

  function expectNoSecret(plan: Plan): string {
    const markdown = summarizePlan(plan, { maxChars: Infinity });
    expect(markdown).not.toContain(SECRET);
    expect(markdown).not.toContain("SECRET");
    return markdown;
  }

  test("a replacement forced by a block whose child is sensitive masks that child", () => {
    const markdown = expectNoSecret(
      planOf(
        managed("aws_kinesis_firehose_delivery_stream.s", {
          actions: ["delete", "create"],
          before: { http_endpoint_configuration: [{ url: "https://a.example", access_key: `${SECRET}-old` }] },
          after: { http_endpoint_configuration: [{ url: "https://b.example", access_key: SECRET }] },
          before_sensitive: { http_endpoint_configuration: [{ access_key: true }] },
          after_sensitive: { http_endpoint_configuration: [{ access_key: true }] },
          replace_paths: [["http_endpoint_configuration"]],
        }),
      ),
    );
    expect(markdown).toContain(
      '  - `http_endpoint_configuration`: `[{"url":"https://a.example","access_key":(sensitive)}]` → `[{"url":"https://b.example","access_key":(sensitive)}]`',
    );
  });

  test("a sensitive value deep in a list of maps is masked in an update", () => {
    const markdown = expectNoSecret(
      planOf(
        managed("aws_s3_bucket.a", {
          actions: ["update"],
          before: { rules: [{ headers: { auth: `${SECRET}-old`, name: "a" } }] },
          after: { rules: [{ headers: { auth: SECRET, name: "b" } }] },
          before_sensitive: { rules: [{ headers: { auth: true } }] },
          after_sensitive: { rules: [{ headers: { auth: true } }] },
        }),
      ),
    );
    expect(markdown).toContain("  - `rules[0].headers.auth`: (sensitive) → (sensitive)");
    expect(markdown).toContain("  - `rules[0].headers.name`: `a` → `b`");
  });

  test("a whole object marked sensitive is never opened", () => {
    expectNoSecret(
      planOf(
        managed("aws_s3_bucket.a", { actions: ["update"], before: { a: `${SECRET}1` }, after: { a: SECRET }, before_sensitive: true, after_sensitive: true }),
        managed("aws_s3_bucket.b", { actions: ["delete", "create"], before: { a: `${SECRET}1` }, after: { a: SECRET }, before_sensitive: true, after_sensitive: true, replace_paths: [["a"]] }),
      ),
    );
  });

  test("a plan value that reads like the mask is quoted, so it cannot pass for a masked value", () => {
    const markdown = summarizePlan(planOf(managed("aws_s3_bucket.a", { actions: ["update"], before: { note: "(sensitive)" }, after: { note: "(known after apply)" } })));
    expect(markdown).toContain('  - `note`: `"(sensitive)"` → `"(known after apply)"`');
  });

  test("a value that becomes sensitive is masked on both sides of the change", () => {
    const markdown = expectNoSecret(
      planOf(managed("aws_s3_bucket.a", { actions: ["update"], before: { token: SECRET }, after: { token: SECRET }, after_sensitive: { token: true } })),
    );
    expect(markdown).toContain("  - `token`: (sensitive) → (sensitive)");
  });

  test("a sensitive output is masked", () => {
    const plan = planOf();
    plan.output_changes = { key: { actions: ["update"], before: `${SECRET}1`, after: SECRET, before_sensitive: true, after_sensitive: true } };
    expect(expectNoSecret(plan)).toContain("- `key`: (sensitive) → (sensitive)");
  });

  test("an output that becomes sensitive does not show its current value", () => {
    const plan = planOf();
    plan.output_changes = { key: { actions: ["update"], before: SECRET, after: SECRET, before_sensitive: false, after_sensitive: true } };
    expect(expectNoSecret(plan)).toContain("- `key`: (sensitive) → (sensitive)");
  });

  test("a sensitive inline policy of a role is not printed", () => {
    expectNoSecret(
      planOf(
        managed("aws_iam_role.r", {
          actions: ["update"],
          before: { inline_policy: [{ name: "p", policy: policy({ Sid: SECRET }) }] },
          after: { inline_policy: [{ name: "p", policy: policy({ Sid: `${SECRET}2` }) }] },
          before_sensitive: { inline_policy: [{ policy: true }] },
          after_sensitive: { inline_policy: [{ policy: true }] },
        }),
      ),
    );
  });

  test("an import of a resource with a sensitive attribute that changes masks it", () => {
    expectNoSecret(
      planOf(managed("aws_s3_bucket.a", { actions: ["update"], before: { k: `${SECRET}1` }, after: { k: SECRET }, before_sensitive: { k: true }, after_sensitive: { k: true }, importing: { id: "a" } })),
    );
  });

  describe("sensitivity markers whose shape does not fit the value", () => {
    // Terraform writes marker trees in the value's shape; a tree of another shape must hide, not reveal.
    test("markers of a list on one side and of an object on the other still mask the object's secret", () => {
      const markdown = expectNoSecret(
        planOf(
          managed("aws_s3_bucket.a", {
            actions: ["update"],
            before: { settings: ["a"] },
            after: { settings: { key: SECRET } },
            before_sensitive: { settings: [] },
            after_sensitive: { settings: { key: true } },
          }),
        ),
      );
      expect(markdown).toContain("  - `settings`: (sensitive) → (sensitive)");
    });

    test("a list of markers for an object value masks the object", () => {
      const markdown = expectNoSecret(
        planOf(managed("aws_s3_bucket.a", { actions: ["update"], before: { settings: null }, after: { settings: { key: SECRET } }, after_sensitive: { settings: [true] } })),
      );
      expect(markdown).toContain("  - `settings`: (none) → (sensitive)");
    });

    test("an object of markers for a list value masks the list", () => {
      const markdown = expectNoSecret(
        planOf(managed("aws_s3_bucket.a", { actions: ["create"], after: { keys: [SECRET] }, after_sensitive: { keys: { secret: true } } })),
      );
      expect(markdown).not.toContain(SECRET);
    });

    test.each<[string, object]>([
      ["an array of markers", { policy: [true] }],
      ["an object of markers", { policy: { statement: true } }],
    ])("%s for a policy string hides the policy", (_, afterSensitive) => {
      const markdown = expectNoSecret(
        planOf(managed("aws_iam_role_policy.p", { actions: ["update"], before: { policy: policy({ Sid: "Old" }) }, after: { policy: policy({ Sid: SECRET }) }, after_sensitive: afterSensitive })),
      );
      expect(markdown).toContain("(sensitive value hidden)");
    });

    test("a marker tree for an inline policy string hides the inline policy", () => {
      expectNoSecret(
        planOf(
          managed("aws_iam_role.r", {
            actions: ["update"],
            before: { inline_policy: [{ name: "p", policy: policy({ Sid: "Old" }) }] },
            after: { inline_policy: [{ name: "p", policy: policy({ Sid: SECRET }) }] },
            after_sensitive: { inline_policy: [{ policy: [true] }] },
          }),
        ),
      );
    });

    test("markers without a true anywhere change nothing", () => {
      const markdown = summarizePlan(
        planOf(managed("aws_s3_bucket.a", { actions: ["update"], before: { settings: null }, after: { settings: { key: "v" } }, after_sensitive: { settings: [false] } })),
      );
      expect(markdown).toContain('  - `settings`: (none) → `{"key":"v"}`');
    });
  });
});
