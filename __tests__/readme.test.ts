import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "fs";
import { execFileSync } from "child_process";
import * as path from "path";
import { TerraformStack, Testing } from "cdktf";
import { readSettings } from "../settings";
import { SesEventsStack } from "../stack";
import { testApp } from "./helpers";
import { installedToolchain } from "../scripts/toolchain";
import { SesEventType, SesFirehoseEventDestination } from "../modules";

const ROOT = path.join(__dirname, "..");
/** The README and every page of docs/, by path from the project root. */
const PAGES = ["README.md", ...readdirSync(path.join(ROOT, "docs")).filter((file) => file.endsWith(".md")).map((file) => `docs/${file}`)];
const TEXT = new Map(PAGES.map((page) => [page, readFileSync(path.join(ROOT, page), "utf8")]));
const ALL = [...TEXT.values()].join("\n");

/** The `"context": {...}` examples of the README and docs/, so the documentation cannot drift from the settings. */
const EXAMPLES = [...ALL.matchAll(/```json\n"context": (\{[\s\S]*?\n\})\n```/g)].map((match) => JSON.parse(match[1]!));

describe("README and docs context examples", () => {
  it("are found", () => {
    expect(EXAMPLES.length).toBeGreaterThanOrEqual(6);
    expect(TEXT.get("README.md")).toMatch(/```json\n"context": \{/);
  });

  it.each(EXAMPLES.map((example, i) => [i + 1, example]))("example %i synthesizes every stack it describes", (_, example) => {
    const stacks = readSettings(example, {});
    for (const settings of stacks) {
      const json = JSON.parse(Testing.synth(new SesEventsStack(testApp(), settings)));
      const destinations = Object.values(json.resource.aws_sesv2_configuration_set_event_destination) as { event_destination: object }[];
      expect(destinations.filter((d) => "kinesis_firehose_destination" in d.event_destination)).toHaveLength(1);
    }
  });
});

/** GitHub's heading anchor: lowercase, punctuation dropped, spaces to hyphens. */
function anchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

function anchors(text: string): Set<string> {
  const withoutCode = text.replace(/```[\s\S]*?```/g, "");
  return new Set([...withoutCode.matchAll(/^#+ (.+)$/gm)].map((match) => anchor(match[1]!)));
}

describe("README and docs", () => {
  it("the README stays short enough to read top to bottom", () => {
    expect(TEXT.get("README.md")!.split("\n").length).toBeLessThanOrEqual(250);
  });

  it("the README links every page of docs/", () => {
    for (const page of PAGES.filter((page) => page.startsWith("docs/"))) expect(TEXT.get("README.md")).toContain(`](${page})`);
  });

  it.each(PAGES)("every relative link of %s names a file and heading that exist", (page) => {
    const broken: string[] = [];
    const text = TEXT.get(page)!.replace(/```[\s\S]*?```/g, "");
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(target!)) continue;
      const [file, hash] = target!.split("#") as [string, string | undefined];
      const resolved = file === "" ? page : path.posix.join(path.posix.dirname(page), file);
      if (!existsSync(path.join(ROOT, resolved))) {
        broken.push(`${target} (no ${resolved})`);
        continue;
      }
      if (hash !== undefined && !anchors(readFileSync(path.join(ROOT, resolved), "utf8")).has(hash)) broken.push(`${target} (no heading #${hash})`);
    }
    expect(broken).toEqual([]);
  });

  it("every npm script they name exists", () => {
    const scripts = Object.keys(JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")).scripts);
    const named = new Set([...ALL.matchAll(/npm run ([a-z][a-z:-]*)/g)].map((match) => match[1]!));
    expect([...named].filter((name) => !scripts.includes(name))).toEqual([]);
  });

  it("every stack output they name exists", () => {
    const stack = readFileSync(path.join(ROOT, "stack.ts"), "utf8");
    const outputs = new Set([...stack.matchAll(/new TerraformOutput\(this, "([a-z_]+)"/g)].map((match) => match[1]!));
    const named = new Set([...ALL.matchAll(/output `([a-z_]+)`/g)].map((match) => match[1]!));
    expect(named.size).toBeGreaterThan(3);
    expect([...named].filter((name) => !outputs.has(name))).toEqual([]);
  });
});

describe("what the README and docs/ say of the package", () => {
  const version = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")).version as string;

  it.each(["README.md", "docs/api.md"])("%s names the version and tarball of package.json", (page) => {
    const text = TEXT.get(page)!;
    const versions = [...text.matchAll(/`ses-firehose-events`,? \(?(?:version )?(\d+\.\d+\.\d+)/g)].map((match) => match[1]);
    const tarballs = [...text.matchAll(/ses-firehose-events-(\d+\.\d+\.\d+)\.tgz/g)].map((match) => match[1]);
    expect(versions).toEqual([version]);
    expect(tarballs.length).toBeGreaterThanOrEqual(2);
    expect(tarballs.filter((v) => v !== version)).toEqual([]);
  });
});

/** Paths written in backticks that are made when the project runs, not files of the repository. */
// Written at run time, or (toolchains/) removed by npm run migrate:cdktn, which the docs describe.
const RUNTIME_PATHS = ["cdktf.out/", ".scratch/", ".venv-mock/", "dist/", ...(installedToolchain() === "cdktn" ? ["toolchains/"] : [])];

describe("repository paths in backticks", () => {
  const top = new Set(readdirSync(ROOT));
  /** `a/b.ts`, `a/b/`: a path whose first segment is a file or folder of the project's root. */
  const pathsOf = (text: string) =>
    [...text.matchAll(/`([A-Za-z0-9_.-]+\/[A-Za-z0-9_.\/-]*)`/g)]
      .map((match) => match[1]!)
      .filter((file) => (file.endsWith("/") || /\.[a-z]+$/.test(file)) && top.has(file.split("/")[0]!));

  it("are found", () => {
    expect(pathsOf(ALL).length).toBeGreaterThan(20);
    expect(pathsOf("see `packages/tools/docs/docs.js` and `events/` and `__tests__/nope.test.ts`")).toEqual([
      "packages/tools/docs/docs.js",
      "__tests__/nope.test.ts",
    ]);
  });

  it.each(PAGES)("every repository path %s writes in backticks exists", (page) => {
    const missing = pathsOf(TEXT.get(page)!).filter((file) => !RUNTIME_PATHS.some((prefix) => file.startsWith(prefix)) && !existsSync(path.join(ROOT, file)));
    expect(missing).toEqual([]);
  });
});

describe("the construct's documentation", () => {
  const source = readFileSync(path.join(ROOT, "modules/delivery-stream-options.ts"), "utf8");

  it("the deliveryStream table of docs/api.md has a row for every prop of DeliveryStreamOptions", () => {
    const body = source.match(/export interface DeliveryStreamOptions \{([\s\S]*?)\n\}/)![1]!;
    const props = [...body.matchAll(/^  readonly (\w+)\?:/gm)].map((match) => match[1]!);
    expect(props).toEqual(expect.arrayContaining(["format", "jsonPrefix", "sourceRecordBackup", "createKmsKey"]));
    const table = TEXT.get("docs/api.md")!.split("`deliveryStream` (`DeliveryStreamOptions`):")[1]!.split("\n\n")[1]!;
    const rows = [...table.matchAll(/^\| `(\w+)` \|/gm)].map((match) => match[1]!);
    expect(rows.sort()).toEqual([...props].sort());
  });

  it("docs/architecture.md names every file of modules/", () => {
    const text = TEXT.get("docs/architecture.md")!;
    const files = (dir: string): string[] =>
      readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) =>
        entry.isDirectory() ? files(`${dir}/${entry.name}`) : [`${dir}/${entry.name}`]
      );
    const all = files("modules");
    expect(all).toContain("modules/private/prop-shapes.ts");
    // Named in full, or by its name in a list that starts with a file of the same folder.
    const named = (file: string) =>
      text.includes(`\`${file}\``) ||
      new RegExp(`\`${path.posix.dirname(file)}/[^\`/]+\`[^|\n]*\`${path.posix.basename(file).replace(/\./g, "\\.")}\``).test(text);
    expect(all.filter((file) => !named(file))).toEqual([]);
  });

  /** An example's cdktf imports as a checkout switched to CDK Terrain (npm run migrate:cdktn) has them. */
  const asInstalled = (code: string) =>
    // (Written so that the migration, which rewrites cdktf's module names in this file too, leaves them be.)
    installedToolchain() === "cdktn" ? code.replace(/from "cdk(?:tf)"/g, 'from "cdktn"').replace(/from "@cdk(?:tf)\/provider-aws\//g, 'from "@cdktn/provider-aws/') : code;

  /** The TypeScript examples of the README, docs/api.md and docs/organization.md that import what they use, with the package read from modules/. */
  const SNIPPETS = ["README.md", "docs/api.md", "docs/organization.md"].flatMap((page) =>
    [...TEXT.get(page)!.matchAll(/```ts\n([\s\S]*?)```/g)]
      .map((match) => match[1]!)
      .filter((code) => code.includes("import ") && code.includes("new "))
      .map((code, i) => [`${page} example ${i + 1}`, asInstalled(code.replace(/from "ses-firehose-events"/g, `from "${path.join(ROOT, "modules")}"`))] as const)
  );

  it("the README, docs/api.md and docs/organization.md have examples to compile", () => {
    expect(SNIPPETS.map(([name]) => name)).toEqual(["README.md example 1", "docs/api.md example 1", "docs/organization.md example 1"]);
  });

  it.each(SNIPPETS)(
    "%s compiles under strict",
    (_, code) => {
      const dir = path.join(ROOT, ".scratch", `snippet-${process.pid}`);
      mkdirSync(dir, { recursive: true });
      const file = path.join(dir, "example.ts");
      writeFileSync(file, code);
      writeFileSync(
        path.join(dir, "tsconfig.json"),
        JSON.stringify({
          compilerOptions: {
            strict: true,
            exactOptionalPropertyTypes: true,
            noUncheckedIndexedAccess: true,
            noEmit: true,
            skipLibCheck: true,
            target: "ES2022",
            module: "preserve",
            moduleResolution: "bundler",
            types: ["node"],
          },
          files: ["example.ts"],
        })
      );
      try {
        const tsc = path.join(ROOT, "node_modules", ".bin", "tsc");
        let errors = "";
        try {
          execFileSync(tsc, ["-p", dir, "--pretty", "false"], {
            encoding: "utf8",
            stdio: "pipe",
          });
        } catch (error) {
          errors = String((error as { stdout?: string }).stdout) || String(error);
        }
        expect(errors).toBe("");
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    120_000
  );
});

describe("the README example's saved queries", () => {
  it("the README names every saved query the example's event types leave out, and what each needs", () => {
    const readme = TEXT.get("README.md")!;
    const example = readme.match(/```ts\n(import \{ App[\s\S]*?)```/)![1]!;
    const eventTypes = [...example.match(/eventTypes: \[([^\]]*)\]/)![1]!.matchAll(/SesEventType\.(\w+)/g)].map((match) => SesEventType[match[1] as keyof typeof SesEventType]);
    expect(eventTypes).toHaveLength(3);
    const stack = new TerraformStack(testApp(), "email");
    const events = new SesFirehoseEventDestination(stack, "Transactional", { configurationSetName: "transactional", eventTypes });
    const skipped = events.analytics!.skippedQueries.map((query) => `\`${query.name}\` needs \`${query.needs.all.join("`, `")}\``);
    expect(skipped.length).toBeGreaterThanOrEqual(2);
    const said = [...readme.replace(/\s+/g, " ").matchAll(/`[a-z-]+` needs `[A-Z_]+`/g)].map((match) => match[0]);
    expect(said.sort()).toEqual(skipped.sort());
  });
});
