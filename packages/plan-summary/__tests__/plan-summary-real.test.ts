// Invariants that hold for any plan Terraform writes, checked on every plan under
// fixtures/plans/real/VERSION/ (written by `terraform show -json` of that Terraform with the real AWS
// provider) and on the hand-written fixtures, which follow the same format.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { DEFAULT_MAX_CHARS, parsePlan, summarizePlan } from "..";
import { codeTexts, FIXTURES, shownAs, SUMMARY_TAGS, tagNames, toHtml } from "./plan-summary-helpers";

const REAL = path.join(FIXTURES, "real");
// One folder per Terraform version: "1.11.4/create.json", ...
const realPlans = existsSync(REAL)
  ? readdirSync(REAL, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .flatMap((entry) => readdirSync(path.join(REAL, entry.name)).filter((file) => file.endsWith(".json")).map((file) => path.join(entry.name, file)))
      .sort()
  : [];
const handWritten = readdirSync(FIXTURES).filter((file) => file.endsWith(".json") && file !== "state.json").sort();
// Plans Terraform 1.11.4 wrote without a provider (terraform_data, check blocks): one folder each.
const TERRAFORM = path.join(FIXTURES, "terraform");
const terraformPlans = readdirSync(TERRAFORM, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => path.join(entry.name, "plan.json")).sort();

interface RawChange {
  actions: string[];
  before?: unknown;
  after?: unknown;
  before_sensitive?: unknown;
  after_sensitive?: unknown;
  importing?: unknown;
}
interface RawPlan {
  format_version: string;
  errored?: boolean;
  complete?: boolean;
  checks?: { status: string }[];
  resource_drift?: { change: RawChange }[];
  resource_changes?: { address: string; mode?: string; previous_address?: string; change: RawChange }[];
  output_changes?: Record<string, RawChange>;
}

/** Terraform's plan line, computed here independently of the summary's own counting. */
function expectedPlanLine(plan: RawPlan): string | undefined {
  let imports = 0, add = 0, change = 0, destroy = 0, forget = 0, moves = 0;
  for (const resource of plan.resource_changes ?? []) {
    if (resource.mode === "data") continue;
    const actions = resource.change.actions;
    if (resource.change.importing) imports++;
    if (resource.previous_address && resource.previous_address !== resource.address) moves++;
    if (actions.includes("create")) add++;
    if (actions.includes("update")) change++;
    if (actions.includes("delete")) destroy++;
    if (actions.includes("forget")) forget++;
  }
  const outputs = Object.values(plan.output_changes ?? {}).some((output) => output.actions.some((action) => action !== "no-op"));
  if (imports + add + change + destroy + forget + moves === 0 && !outputs) return undefined;
  const importing = imports > 0 ? `${imports} to import, ` : "";
  const forgetting = forget > 0 ? `, ${forget} to forget` : "";
  return `Plan: ${importing}${add} to add, ${change} to change, ${destroy} to destroy${forgetting}.`;
}

function changedAddresses(plan: RawPlan): string[] {
  return (plan.resource_changes ?? [])
    .filter((resource) => resource.mode !== "data" && (resource.change.actions.join() !== "no-op" || resource.change.importing || (resource.previous_address && resource.previous_address !== resource.address)))
    .map((resource) => resource.address);
}

/** Every string or number at or below a position the marker tree marks sensitive. */
function sensitiveValues(value: unknown, markers: unknown, out: string[] = []): string[] {
  if (markers === true) {
    collectLeaves(value, out);
  } else if (Array.isArray(markers) && Array.isArray(value)) {
    markers.forEach((marker, index) => sensitiveValues(value[index], marker, out));
  } else if (markers && typeof markers === "object" && value && typeof value === "object") {
    for (const [key, marker] of Object.entries(markers)) sensitiveValues((value as Record<string, unknown>)[key], marker, out);
  }
  return out;
}

function collectLeaves(value: unknown, out: string[]): void {
  if (typeof value === "string" || typeof value === "number") out.push(String(value));
  else if (Array.isArray(value)) value.forEach((item) => collectLeaves(item, out));
  else if (value && typeof value === "object") Object.values(value).forEach((item) => collectLeaves(item, out));
}

function secretsOf(plan: RawPlan): string[] {
  const changes = [...(plan.resource_changes ?? []).map((resource) => resource.change), ...Object.values(plan.output_changes ?? {})];
  const secrets = changes.flatMap((change) => [
    ...sensitiveValues(change.before, change.before_sensitive),
    ...sensitiveValues(change.after, change.after_sensitive),
  ]);
  // Short values ("true", "0", "us-east-1") also appear for other reasons; long ones must not.
  return [...new Set(secrets)].filter((secret) => secret.length >= 8);
}

/** Addresses from resource_changes (drift aside) that the HTML shows. */
function shownResourceChanges(plan: RawPlan, codes: Set<string>): string[] {
  return (plan.resource_changes ?? []).map((resource) => resource.address).filter((address) => codes.has(shownAs(address)));
}

const CANARY = "sensitive-canary-";

/**
 * Plans whose summary still shows a value once it is marked sensitive (none today). They run as
 * failing tests, so fixing the summary turns them red until removed here.
 */
const KNOWN_LEAKS = new Set<string>([]);

/**
 * The plan as Terraform writes it when every attribute of every change and every output is sensitive,
 * each string value tagged with a canary so that any path by which a value reaches the summary shows.
 */
function markedSensitive(plan: RawPlan): RawPlan {
  let count = 0;
  const tag = (value: unknown): unknown => {
    if (typeof value === "string") return `${CANARY}${count++}-${value}`;
    if (Array.isArray(value)) return value.map(tag);
    if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, tag(item)]));
    return value;
  };
  const every = (value: unknown): unknown =>
    value && typeof value === "object" && !Array.isArray(value) ? Object.fromEntries(Object.keys(value).map((key) => [key, true])) : value !== null && value !== undefined;
  const mark = (change: RawChange): RawChange => ({
    ...change,
    before: tag(change.before),
    after: tag(change.after),
    before_sensitive: every(change.before),
    after_sensitive: every(change.after),
  });
  return {
    ...plan,
    resource_changes: plan.resource_changes?.map((resource) => ({ ...resource, change: mark(resource.change) })),
    resource_drift: plan.resource_drift?.map((resource) => ({ ...resource, change: mark(resource.change) })),
    output_changes: plan.output_changes && Object.fromEntries(Object.entries(plan.output_changes).map(([name, change]) => [name, mark(change)])),
  };
}

function checkInvariants(file: string) {
  const text = readFileSync(file, "utf8");
  const raw = JSON.parse(text) as RawPlan;
  const markdown = summarizePlan(parsePlan(text, file));
  const html = toHtml(markdown);
  return { raw, markdown, html };
}

const suites: [string, string, string[]][] = [
  ["real Terraform plans", REAL, realPlans],
  ["hand-written plans", FIXTURES, handWritten],
  ["plans Terraform wrote without a provider", TERRAFORM, terraformPlans],
];

/** True when the plan itself says something is wrong: then it never reads as "No changes." */
function hasFindings(plan: RawPlan): boolean {
  const drifted = (plan.resource_drift ?? []).some((resource) => !["no-op", "read"].includes(resource.change.actions.join()));
  return plan.errored === true || plan.complete === false || (plan.checks ?? []).some((check) => !["pass", "unknown"].includes(check.status)) || drifted;
}

describe.each(suites)("%s", (_, dir, files) => {
  test(`${path.relative(process.cwd(), dir)} holds plans to check`, () => {
    expect(files.length).toBeGreaterThan(0);
  });

  test.each(files)("%s: the plan line is Terraform's, counted from resource_changes", (file) => {
    const { raw, markdown } = checkInvariants(path.join(dir, file));
    const line = expectedPlanLine(raw);
    if (line === undefined && hasFindings(raw)) expect(markdown).toMatch(/\nNo changes to apply[ .(]/);
    else if (line === undefined) expect(markdown).toMatch(/\nNo changes\. Your infrastructure matches the configuration[ .(]/);
    else expect(markdown).toMatch(new RegExp(`\n(Planned before the error: )?${line.replace(/[.()]/g, "\\$&")}\n`));
    if (hasFindings(raw)) expect(markdown).not.toContain("No changes. Your infrastructure matches");
  });

  test.each(files)("%s: every changed address is visible in the rendered HTML, and none when nothing changes", (file) => {
    const { raw, html } = checkInvariants(path.join(dir, file));
    const codes = new Set(codeTexts(html));
    const changed = changedAddresses(raw);
    expect(changed.filter((address) => !codes.has(shownAs(address)))).toEqual([]);
    if (changed.length === 0) expect(shownResourceChanges(raw, codes)).toEqual([]);
  });

  const noMarkedValueAppears = (file: string) => {
    const text = JSON.stringify(markedSensitive(JSON.parse(readFileSync(path.join(dir, file), "utf8")) as RawPlan));
    const markdown = summarizePlan(parsePlan(text, file));
    expect(markdown.split("\n").filter((line) => line.includes(CANARY))).toEqual([]);
  };
  const leaking = files.filter((file) => KNOWN_LEAKS.has(path.relative(FIXTURES, path.join(dir, file))));
  const tight = files.filter((file) => !leaking.includes(file));
  test.each(tight)("%s: no value appears once Terraform marks every attribute sensitive", noMarkedValueAppears);
  if (leaking.length > 0) test.failing.each(leaking)("%s: a value marked sensitive appears (known leak, listed in KNOWN_LEAKS)", noMarkedValueAppears);

  test.each(files)("%s: fits a pull-request comment and renders no markup but its own", (file) => {
    const { markdown, html } = checkInvariants(path.join(dir, file));
    expect(markdown.length).toBeLessThanOrEqual(DEFAULT_MAX_CHARS);
    expect(tagNames(html).filter((tag) => !SUMMARY_TAGS.has(tag))).toEqual([]);
  });
});

// The same changes planned by each Terraform the check runs read the same in review: the summaries
// differ only in what the emulator generated (name_prefix suffixes, KMS key IDs).
describe("the same plans from each Terraform version", () => {
  const versions = existsSync(REAL) ? readdirSync(REAL).sort() : [];
  const generated = (text: string) =>
    text.replace(/-\d{26}\b/g, "-<suffix>").replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g, "<uuid>");
  const summary = (version: string, name: string) => summarizePlan(parsePlan(generated(readFileSync(path.join(REAL, version, name), "utf8")), name));
  const names = realPlans.filter((file) => file.startsWith(`${versions[0]}${path.sep}`)).map((file) => path.basename(file));

  test("come from two versions, each with every plan", () => {
    expect(versions).toEqual(["1.11.4", "1.16.4"]);
    for (const version of versions) expect(readdirSync(path.join(REAL, version)).sort()).toEqual(names);
  });

  test.each(names)("%s: the summary is the same", (name) => {
    const [first, ...rest] = versions.map((version) => summary(version, name));
    for (const other of rest) expect(other).toBe(first);
  });
});

describe("values the plans themselves mark sensitive", () => {
  const all = suites.flatMap(([, dir, files]) => files.map((file) => path.join(dir, file)));
  const marked = all.filter((file) => secretsOf(JSON.parse(readFileSync(file, "utf8")) as RawPlan).length > 0).map((file) => path.relative(FIXTURES, file));

  test("at least one plan marks a value sensitive", () => {
    expect(marked.length).toBeGreaterThan(0);
  });

  test.each(marked)("%s: no sensitive value appears", (file) => {
    const { raw, markdown } = checkInvariants(path.join(FIXTURES, file));
    expect(secretsOf(raw).filter((secret) => markdown.includes(secret))).toEqual([]);
  });
});

describe("hand-written plans follow the format terraform show -json writes", () => {
  const REAL_KEYS = ["format_version", "terraform_version", "planned_values", "resource_changes", "prior_state", "configuration", "timestamp", "applyable", "complete", "errored"];
  const current = handWritten.filter((file) => (JSON.parse(readFileSync(path.join(FIXTURES, file), "utf8")) as RawPlan).format_version === "1.2");

  test("most hand-written plans use the current format version 1.2", () => {
    expect(current.length).toBeGreaterThanOrEqual(5);
  });

  test.each(current)("%s has the top-level keys of a real plan", (file) => {
    const plan = JSON.parse(readFileSync(path.join(FIXTURES, file), "utf8")) as Record<string, unknown>;
    for (const key of REAL_KEYS) expect(Object.keys(plan)).toContain(key);
  });

  test.each(current)("%s gives every resource change the fields Terraform writes", (file) => {
    const plan = JSON.parse(readFileSync(path.join(FIXTURES, file), "utf8")) as RawPlan;
    for (const resource of plan.resource_changes ?? []) {
      expect(Object.keys(resource)).toEqual(expect.arrayContaining(["address", "mode", "type", "name", "provider_name", "change"]));
      expect(Object.keys(resource.change)).toEqual(
        expect.arrayContaining(["actions", "before", "after", "after_unknown", "before_sensitive", "after_sensitive"]),
      );
    }
  });
});
