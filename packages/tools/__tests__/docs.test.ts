import { readFileSync } from "fs";
import * as path from "path";
import MarkdownIt from "markdown-it";
import { BEGIN, END, SETTINGS_PAGE, settingsPage, settingsTable } from "../docs/settings-reference";
import * as resources from "../docs/resource-reference";
import { CONTEXT_KEYS, ENV_OVERRIDES } from "../../../settings";

const read = (file: string) => readFileSync(path.join(__dirname, "..", "..", "..", file), "utf8");

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

describe("the resource table of README.md", () => {
  const counts = { default: resources.countResources(resources.PROFILES.default()), "all-options": resources.countResources(resources.PROFILES["all-options"]()) };
  const table = resources.resourcesTable(counts);

  it("is what npm run docs counts in the synthesized default and all-options stacks", () => {
    const readme = read(resources.RESOURCES_PAGE);
    expect(readme).toBe(resources.resourcesPage(readme, table));
  });

  it("counts what the stacks create: five alarms and two event destinations with every option on", () => {
    expect(table).toMatch(/^\| `aws_cloudwatch_metric_alarm` \| 0 \| 5 \|/m);
    expect(table).toMatch(/^\| `aws_sesv2_configuration_set_event_destination` \| 1 \| 2 \|/m);
    expect(table).toMatch(/^\| `data\.aws_region` \| 1 \| 1 \|/m);
    const total = (profile: "default" | "all-options") =>
      Object.entries(counts[profile]).filter(([type]) => !type.startsWith("data.")).reduce((sum, [, n]) => sum + n, 0);
    expect(table).toContain(`| Resources in all | ${total("default")} | ${total("all-options")} | |`);
  });

  it("refuses a resource type it does not say the purpose of, and a purpose of a type never created", () => {
    expect(() => resources.resourcesTable({ ...counts, default: { ...counts.default, aws_kms_key: 1 } })).toThrow(
      "packages/tools/docs/resource-reference.ts: say in PURPOSES what aws_kms_key is for",
    );
    const withoutDashboard = Object.fromEntries(Object.entries(counts["all-options"]).filter(([type]) => type !== "aws_cloudwatch_dashboard"));
    expect(() => resources.resourcesTable({ ...counts, "all-options": withoutDashboard })).toThrow(
      "packages/tools/docs/resource-reference.ts: PURPOSES describes aws_cloudwatch_dashboard, which neither profile creates; remove it",
    );
  });

  it("refuses a page without its markers", () => {
    expect(() => resources.resourcesPage("# README\n", table)).toThrow(`README.md must hold the lines ${resources.BEGIN} and ${resources.END}`);
  });
});
