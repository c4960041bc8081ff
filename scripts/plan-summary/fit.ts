// Fitting the summary to a size limit. Sections arrive in order of risk and get room in that
// order: a full section lists every entry while any room is left; a condensed one lists entries
// only in what the full ones left over. Every section's heading and counts are kept (their room is
// reserved before any entries), and a closing note counts what was left out and says where the
// full summary is. Entries are complete lines, so the summary is only ever cut at a line break.
import { cutAtLine } from "./markdown";

export interface Section {
  title: string;
  /** Listed in full before any condensed section gets room. */
  full: boolean;
  intro: string[];
  entries: string[];
}

const NOTE_ROOM = 400;
const SECTION_ROOM = 120;

export function fit(header: string, sections: readonly Section[], maxChars: number, location: string): string {
  const parts: string[] = [header];
  const budget = maxChars - NOTE_ROOM - location.length;
  const heads = sections.map(
    (section) =>
      `\n### ${section.title} (${section.entries.length.toLocaleString("en-US")})\n\n${section.intro.map((line) => `${line}\n\n`).join("")}`,
  );
  // Every section's heading and counts get room before any section's entries.
  const headsAfter = heads.map((_, index) => heads.slice(index + 1).reduce((sum, head) => sum + head.length, 0));
  let length = header.length;
  const add = (text: string) => {
    parts.push(text);
    length += text.length;
  };
  const left: string[] = [];
  sections.forEach((section, index) => {
    const total = section.entries.length;
    const head = heads[index] as string;
    // Room for this section's entries and its "and N more" line; what follows keeps its heading.
    const room = budget - (headsAfter[index] as number) - SECTION_ROOM * (sections.length - index);
    if (length + head.length > room) {
      left.push(`${section.title}: all ${total.toLocaleString("en-US")}`);
      return;
    }
    add(head);
    let shown = 0;
    let partial = false;
    for (const entry of section.entries) {
      if (length + entry.length + 1 <= room) {
        add(`${entry}\n`);
        shown += 1;
        continue;
      }
      // An entry of a full section that is too long on its own is cut at a line, not dropped.
      const start = section.full ? cutAtLine(`${entry}\n`, room - length - PARTIAL_NOTE.length) : "";
      if (start !== "") {
        add(`${start}${PARTIAL_NOTE}`);
        shown += 1;
        partial = true;
      }
      break;
    }
    if (shown < total || partial) {
      const missing = total - shown;
      if (missing > 0) add(`- … and ${missing.toLocaleString("en-US")} more, left out for length (see the note at the end)\n`);
      left.push(`${section.title}: ${missing.toLocaleString("en-US")} of ${total.toLocaleString("en-US")}${partial ? " (and part of one)" : ""}`);
    }
  });
  if (left.length > 0) {
    add(`\n**Not listed here, to fit ${maxChars.toLocaleString("en-US")} characters:** ${left.join("; ")}. `);
    add(`The full summary is in ${location}.\n`);
  }
  return cutAtLine(parts.join(""), maxChars);
}

const PARTIAL_NOTE = "  - … (the rest of this entry is left out for length)\n";
