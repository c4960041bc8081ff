// Fitting the summary to a size limit. Sections arrive in order of risk, and the entries of a
// risky section in order of severity (severity.ts), so the cap drops the least severe first and
// says how many of each severity it dropped. The full (risky) ones
// share the room first, each an equal share and then what the others leave (see allocate); a
// condensed one lists entries only in what the full ones left over. Every section's heading and counts are kept (their room is
// reserved before any entries), and a closing note counts what was left out and says where the
// full summary is. Entries are complete lines, so the summary is only ever cut at a line break.
import { cutAtLine } from "./markdown";

export interface Section {
  title: string;
  /** Listed in full before any condensed section gets room. */
  full: boolean;
  intro: string[];
  entries: string[];
  /** Each entry's severity, most severe first: what the cap drops from the bottom is counted by it. */
  ranks?: string[];
}

const NOTE_ROOM = 400;
const SECTION_ROOM = 120;

/**
 * How many characters of entries each section may use. Full sections share the room first:
 * each gets an equal share, and what one does not need goes to the others (so thousands of
 * destroys cannot crowd out the grants or the security-relevant updates below them); condensed
 * sections then get what is left, in order.
 */
export function allocate(needs: readonly number[], full: readonly boolean[], room: number): number[] {
  const quota = needs.map(() => 0);
  let left = Math.max(0, room);
  const fullIndexes = needs.map((_, index) => index).filter((index) => full[index]);
  const byNeed = [...fullIndexes].sort((a, b) => (needs[a] as number) - (needs[b] as number));
  byNeed.forEach((index, position) => {
    const share = Math.floor(left / (byNeed.length - position));
    const given = Math.min(needs[index] as number, share);
    quota[index] = given;
    left -= given;
  });
  needs.forEach((need, index) => {
    if (full[index]) return;
    const given = Math.min(need, left);
    quota[index] = given;
    left -= given;
  });
  return quota;
}

export function fit(header: string, sections: readonly Section[], maxChars: number, location: string): string {
  const parts: string[] = [header];
  const budget = maxChars - NOTE_ROOM - location.length;
  const heads = sections.map(
    (section) =>
      `\n### ${section.title} (${section.entries.length.toLocaleString("en-US")})\n\n${section.intro.map((line) => `${line}\n\n`).join("")}`,
  );
  const headRoom = heads.reduce((sum, head) => sum + head.length + SECTION_ROOM, header.length);
  const needs = sections.map((section) => section.entries.reduce((sum, entry) => sum + entry.length + 1, 0));
  const quota = allocate(
    needs,
    sections.map((section) => section.full),
    budget - headRoom,
  );
  let length = header.length;
  const add = (text: string) => {
    parts.push(text);
    length += text.length;
  };
  const left: string[] = [];
  let carry = 0;
  sections.forEach((section, index) => {
    const total = section.entries.length;
    const head = heads[index] as string;
    if (length + head.length > budget) {
      left.push(`${section.title}: all ${total.toLocaleString("en-US")}`);
      return;
    }
    add(head);
    // What an earlier section left of its share (entries end at whole lines) goes to this one.
    const room = Math.min(length + (quota[index] as number) + carry, budget);
    let shown = 0;
    let partial = false;
    for (const entry of section.entries) {
      if (length + entry.length + 1 <= room) {
        add(`${entry}\n`);
        shown += 1;
        continue;
      }
      // An entry of a full section that is too long on its own is cut at a line, not dropped.
      const cut = section.full ? cutAtLine(`${entry}\n`, room - length - PARTIAL_NOTE.length) : "";
      if (cut !== "") {
        add(`${cut}${PARTIAL_NOTE}`);
        shown += 1;
        partial = true;
      }
      break;
    }
    carry = Math.max(0, room - length);
    if (shown < total || partial) {
      const missing = total - shown;
      const dropped = droppedRanks(section, shown);
      if (missing > 0) add(`- … and ${missing.toLocaleString("en-US")} more${dropped ? ` (${dropped})` : ""}, left out for length (see the note at the end)\n`);
      left.push(`${section.title}: ${missing.toLocaleString("en-US")} of ${total.toLocaleString("en-US")}${dropped ? ` (${dropped})` : ""}${partial ? " (and part of one)" : ""}`);
    }
  });
  if (left.length > 0) {
    add(`\n**Not listed here, to fit ${maxChars.toLocaleString("en-US")} characters:** ${left.join("; ")}. `);
    add(`The full summary is in ${location}.\n`);
  }
  return cutAtLine(parts.join(""), maxChars);
}

/** "3 weakening, 2,990 other": the severities of the entries left out, in the section's order. */
function droppedRanks(section: Section, shown: number): string {
  if (section.ranks === undefined || shown >= section.entries.length) return "";
  const counts = new Map<string, number>();
  for (const rank of section.ranks.slice(shown)) counts.set(rank, (counts.get(rank) ?? 0) + 1);
  return [...counts].map(([rank, count]) => `${count.toLocaleString("en-US")} ${rank}`).join(", ");
}

const PARTIAL_NOTE = "  - … (the rest of this entry is left out for length)\n";
