// Shared by the plan-summary tests: fixtures, small plan builders, and the CommonMark rendering
// that the safety assertions are made on.
import * as path from "node:path";
import MarkdownIt from "markdown-it";
import { type Change, literal, type Plan, type ResourceChange, readPlanFile, summarizePlan, type SummaryOptions } from "..";

export const FIXTURES = path.join(__dirname, "fixtures", "plans");

export function fixture(name: string): string {
  return path.join(FIXTURES, name);
}

export function summary(name: string, options?: SummaryOptions): string {
  return summarizePlan(readPlanFile(fixture(name)), options);
}

export function planOf(...changes: ResourceChange[]): Plan {
  return { format_version: "1.2", resource_changes: changes, output_changes: {} };
}

export function managed(address: string, change: Partial<Change> & Pick<Change, "actions">, extra: Partial<ResourceChange> = {}): ResourceChange {
  const type = address.split(".")[0] ?? address;
  return {
    address,
    mode: "managed",
    type,
    change: { before: null, after: null, after_unknown: {}, before_sensitive: {}, after_sensitive: {}, ...change },
    ...extra,
  };
}

export function policy(...statements: object[]): string {
  return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}

// GitHub renders comments as GitHub Flavored Markdown, CommonMark plus tables and autolinks; raw
// HTML is allowed (then sanitized). markdown-it with html and linkify on is the strictest stand-in:
// any markup that came from the input shows up as a tag or a link in its HTML.
const markdown = new MarkdownIt({ html: true, linkify: true });

export function toHtml(text: string): string {
  return markdown.render(text);
}

/** The tags the summary's own Markdown produces; anything else came from the input. */
export const SUMMARY_TAGS = new Set(["h2", "h3", "p", "ul", "li", "code", "strong"]);

export function tagNames(html: string): string[] {
  return [...new Set([...html.matchAll(/<\/?([a-zA-Z][\w-]*)/g)].map((match) => (match[1] as string).toLowerCase()))];
}

export function decode(html: string): string {
  return html.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, "&");
}

/** The text of every <code> element, decoded. */
export function codeTexts(html: string): string[] {
  return [...html.matchAll(/<code>([\s\S]*?)<\/code>/g)].map((match) => decode(match[1] as string));
}

/** The HTML with every <code> element removed: what GitHub would scan for mentions and references. */
export function outsideCode(html: string): string {
  return html.replace(/<code>[\s\S]*?<\/code>/g, "");
}

/** The text a reader sees for a plan string: what its code span renders to. */
export function shownAs(text: string): string {
  return codeTexts(toHtml(literal(text)))[0] ?? "";
}
