import { readFileSync } from "fs";
import * as path from "path";
import MarkdownIt from "markdown-it";
import { BEGIN, END, SETTINGS_PAGE, settingsPage, settingsTable } from "../scripts/docs/settings-reference";
import { CONTEXT_KEYS, ENV_OVERRIDES } from "../settings";

const read = (file: string) => readFileSync(path.join(__dirname, "..", file), "utf8");

describe("generated references", () => {
  it("docs/settings.md is what npm run docs writes from the settings schema", () => {
    const page = read(SETTINGS_PAGE);
    expect(page).toBe(settingsPage(page));
  });

  it("the settings table names every context key and every variable that sets one", () => {
    const table = settingsTable();
    for (const key of CONTEXT_KEYS) expect(table).toContain(`| \`${key}\` |`);
    for (const [name, setting] of ENV_OVERRIDES) {
      expect(table).toMatch(new RegExp(`^\\| \`${setting.join("\\.")}\` \\|.*\`${name}\``, "m"));
    }
    expect(table).toMatch(/^\| `deliveryStream\.bucket\.lifecycle\.expirationDays` \| number \| 0 \|/m);
  });

  it("the settings table renders as one table whose rows all have six cells", () => {
    const html = new MarkdownIt().render(settingsTable());
    const rows = [...html.matchAll(/<tr>([\s\S]*?)<\/tr>/g)];
    expect(rows.length).toBe(settingsTable().trim().split("\n").length - 1);
    for (const [, row] of rows) expect([...row!.matchAll(/<t[dh]>/g)]).toHaveLength(6);
    expect(html).not.toMatch(/<(?!\/?(table|thead|tbody|tr|th|td|code)>)/);
  });

  it("refuses a page without its markers", () => {
    expect(() => settingsPage("# Settings\n")).toThrow(`docs/settings.md must hold the lines ${BEGIN} and ${END}`);
  });
});
