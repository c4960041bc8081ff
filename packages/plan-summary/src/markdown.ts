// Markdown building blocks. Every string that comes from a plan or the command line goes through
// `literal`, which renders it as an inline code span. Inside a code span CommonMark (and GitHub)
// interpret nothing: no HTML, no links, no images, no emphasis, no @mentions, no #references.
// What a code span cannot neutralize on its own is handled before it is built:
// - a backtick run in the text would close a shorter fence: the fence is one backtick longer
//   than the longest run in the text, and padded with a space when the text starts or ends with
//   a backtick or a space (CommonMark strips exactly one space on each side);
// - a line ending would end the list item or paragraph (a blank line ends the span itself):
//   CR, LF and the other line and paragraph separators are shown as escapes such as `\n`;
// - control, bidirectional and invisible format characters could hide or reorder what a
//   reviewer reads: they are shown as `<U+202E>`;
// - a very long text is shortened, keeping its start and saying how much was left out.
// The summary's own words never contain `<`, `&`, `[`, `!`, `@` or a backtick, so no construct can
// start outside a code span and end inside one. Every line the summary writes is complete on
// its own, which is why it may be cut only at a line break.

/** Longest text shown for one value before it is shortened. */
export const MAX_LITERAL = 200;

const LINE_BREAKS: Readonly<Record<string, string>> = {
  "\r\n": "\\r\\n",
  "\r": "\\r",
  "\n": "\\n",
  "\u000b": "\\v",
  "\f": "\\f",
  "\u0085": "\\u0085",
  "\u2028": "\\u2028",
  "\u2029": "\\u2029",
};

// C0 and C1 controls, DEL, zero-width and bidirectional formatting characters, the BOM,
// interlinear annotation and the replacement-prone noncharacters of the BMP specials block.
const HIDDEN = /^[\u0000-\u0008\u000e-\u001f\u007f-\u0084\u0086-\u009f\u00ad\u061c\u115f\u1160\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufeff\ufff9-\ufffb\ud800-\udfff]$/u;

/** Shows line breaks and invisible characters as visible escapes. */
export function visible(text: string): string {
  return visiblePrefix(text, Infinity).shown;
}

/**
 * The visible form of `text`, cut to at most `max` characters (never inside an escape or a
 * surrogate pair); `left` counts the characters of `text` that were not shown.
 */
function visiblePrefix(text: string, max: number): { shown: string; left: number } {
  let shown = "";
  let consumed = 0;
  while (consumed < text.length) {
    const pair = text.startsWith("\r\n", consumed);
    const point = text.codePointAt(consumed) ?? 0;
    const char = pair ? "\r\n" : String.fromCodePoint(point);
    const piece = escapeChar(char);
    if (shown.length + piece.length > max) break;
    shown += piece;
    consumed += char.length;
  }
  return { shown, left: text.length - consumed };
}

function escapeChar(char: string): string {
  const lineBreak = LINE_BREAKS[char];
  if (lineBreak !== undefined) return lineBreak;
  if (char === "\t") return "\\t";
  if (HIDDEN.test(char)) return `<U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}>`;
  return char;
}

/** Keeps the first `max` characters (never half a surrogate pair) and says how many were left out. */
export function shorten(text: string, max: number = MAX_LITERAL): string {
  if (text.length <= max) return text;
  let end = max;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}… (${text.length - end} more characters)`;
}

/** An inline code span that renders `text` as exactly that text, whatever it contains. */
export function literal(text: string, max: number = MAX_LITERAL): string {
  const { shown, left } = visiblePrefix(text, max);
  return codeSpan(left > 0 ? `${shown}… (${left} more characters)` : shown);
}

// CommonMark has no empty code span: a lone pair of backticks would be left open and could pair
// with the fence of the next span on the line, putting that span's text outside code.
const EMPTY = "(empty)";

function codeSpan(text: string): string {
  if (text === "") return EMPTY;
  let longest = 0;
  for (const run of text.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  const fence = "`".repeat(longest + 1);
  const pad = /^[` ]|[` ]$/.test(text) ? " " : "";
  return `${fence}${pad}${text}${pad}${fence}`;
}

/** Cuts Markdown to at most `max` characters at a line break, so no code span is left open. */
export function cutAtLine(markdown: string, max: number): string {
  if (markdown.length <= max) return markdown;
  const end = markdown.lastIndexOf("\n", max - 1);
  return end < 0 ? "" : markdown.slice(0, end + 1);
}

/** "1 resource", "2 resources". */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString("en-US")} ${count === 1 ? one : many}`;
}
