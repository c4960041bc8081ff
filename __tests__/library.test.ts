import { existsSync, readFileSync, readdirSync } from "fs";
import * as path from "path";
import * as library from "../modules";

const ROOT = path.join(__dirname, "..");
const json = (file: string) => JSON.parse(readFileSync(path.join(ROOT, file), "utf8"));
const manifest = json("package.json");
// A checkout switched by npm run migrate:cdktn is on CDK Terrain alone: its own pins are cdktn's,
// and the cdktf peers and toolchains/cdktn are gone.
const migrated: boolean = require("../scripts/toolchain").installedToolchain() === "cdktn";
const CDKTF_PEERS = ["@cdktf/provider-aws", "cdktf"];
const CDKTN_PEERS = ["@cdktn/provider-aws", "cdktn"];

/** Every name modules/index.ts exports, values and types. */
function exportedNames(): string[] {
  const source = readFileSync(path.join(ROOT, "modules", "index.ts"), "utf8");
  return [...source.matchAll(/^export (?:type )?\{([^}]*)\}/gm)].flatMap((match) => match[1]!.split(",").map((name) => name.trim()));
}

/** The lowest version a peer range such as "^21.22.1" or "~0.24.0" allows. */
function lowEnd(range: string): string {
  const match = /^[~^]?(\d+\.\d+\.\d+)$/.exec(range);
  if (match === null) throw new Error(`peer range ${range} is not ^x.y.z or ~x.y.z`);
  return match[1]!;
}

/** The project's own .ts and .js files under `dir` (no node_modules, no fixtures), as paths from the root. */
function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const file = path.posix.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "node_modules" || entry.name === "fixtures" ? [] : sourceFiles(file);
    return /\.(ts|js)$/.test(entry.name) && !entry.name.endsWith(".d.ts") ? [file] : [];
  });
}

/** The project files `file` imports or requires (relative specifiers only), as paths from the root. */
function localImports(file: string): string[] {
  const text = readFileSync(path.join(ROOT, file), "utf8");
  const specifiers = [...text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|\brequire\s*\(\s*|^import\s+)["'](\.{1,2}\/[^"']*)["']/gm)].map((match) => match[1]!);
  return specifiers.map((specifier) => path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier)));
}

const isTest = (file: string) => file.split("/").includes("__tests__");

describe("the construct library", () => {
  it("exports the constructs, their props, the enums and ValidationError, and no app internals", () => {
    expect(exportedNames().sort()).toEqual([
      "AwsContext",
      "ConfigurationSet",
      "ConfigurationSetOptions",
      "ConfigurationSetProps",
      "ConfigurationSetTlsPolicy",
      "DeliveryAlarmOptions",
      "DeliveryAlarms",
      "DeliveryAlarmsProps",
      "DeliveryStreamOptions",
      "EVENT_COLUMNS",
      "EventAnalytics",
      "EventAnalyticsOptions",
      "EventAnalyticsProps",
      "EventBucket",
      "EventBucketLifecycle",
      "EventBucketOptions",
      "EventBucketProps",
      "EventColumn",
      "EventFormat",
      "EventKey",
      "EventKeyProps",
      "FirehoseCompression",
      "HttpsPolicy",
      "ImportExistingOptions",
      "LakeDeliveryOptions",
      "PipelineDashboard",
      "PipelineDashboardOptions",
      "PipelineDashboardProps",
      "PolicyStatement",
      "Problem",
      "SesEventLake",
      "SesEventLakeProps",
      "SesEventRecordType",
      "SesEventType",
      "SesFirehoseEventDestination",
      "SesFirehoseEventDestinationProps",
      "SkippedEventQuery",
      "SourceRecordBackupOptions",
      "SuppressionReasons",
      "ValidationError",
      "VdmOptions",
    ]);
    // Besides, `internal`: what the app in this repository shares with the constructs, kept out of
    // the API reference and the published declarations (@internal).
    expect(Object.keys(library).sort()).toEqual(
      [...exportedNames().filter((name) => !/(Props|Options|Lifecycle|Problem|SkippedEventQuery|PolicyStatement|EventColumn)$/.test(name)), "internal"].sort(),
    );
  });

  it("is the app's only way into modules/: main.ts, settings.ts, settings-schema.ts and stack.ts import from ./modules alone", () => {
    for (const file of ["main.ts", "settings.ts", "settings-schema.ts", "stack.ts"]) {
      const sources = [...readFileSync(path.join(ROOT, file), "utf8").matchAll(/from "(\.\/modules[^"]*)"/g)].map((match) => match[1]);
      expect([file, sources.filter((source) => source !== "./modules")]).toEqual([file, []]);
    }
  });

  it("marks `internal` @internal, so that TypeDoc leaves it out and the declarations can strip it", () => {
    const source = readFileSync(path.join(ROOT, "modules", "index.ts"), "utf8");
    expect(source).toMatch(/\* @internal\n \*\/\nexport \* as internal from "\.\/private\/app";/);
    expect(json("tsconfig.build.json").compilerOptions.stripInternal).toBe(true);
  });

  it("has a page in docs/api for every export", () => {
    const pages = ["classes", "interfaces", "enumerations", "variables"].flatMap((folder) =>
      readdirSync(path.join(ROOT, "docs", "api", folder)).map((file) => file.replace(/\.md$/, "")),
    );
    expect(pages.sort()).toEqual(exportedNames().sort());
  });

  it("points main, types and both exports at what npm run build writes from modules/index.ts", () => {
    const build = json("tsconfig.build.json").compilerOptions;
    expect(build.outDir).toBe("dist/cdktf");
    expect(build.rootDir).toBe("modules");
    expect([manifest.main, manifest.types]).toEqual(["dist/cdktf/index.js", "dist/cdktf/index.d.ts"]);
    expect(manifest.exports["."]).toEqual({ types: "./dist/cdktf/index.d.ts", default: "./dist/cdktf/index.js" });
    expect(manifest.exports["./cdktn"]).toEqual({ types: "./dist/cdktn/index.d.ts", default: "./dist/cdktn/index.js" });
    // TypeScript's CommonJS resolution ignores exports: typesVersions maps the subpath for it.
    expect(manifest.typesVersions).toEqual({ "*": { cdktn: ["dist/cdktn/index.d.ts"] } });
    expect(manifest.files).toEqual(["dist/", "docs/", "CHANGELOG.md"]);
  });

  it("ships every page the packaged README links to: docs/ holds markdown alone, and every relative link names a shipped file", () => {
    const files = (dir: string): string[] =>
      readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? files(`${dir}/${entry.name}`) : [`${dir}/${entry.name}`]));
    expect(files("docs").filter((file) => !file.endsWith(".md"))).toEqual([]);
    const shipped = (file: string) =>
      ["README.md", "LICENSE", "package.json"].includes(file) || manifest.files.some((entry: string) => (entry.endsWith("/") ? file.startsWith(entry) : file === entry));
    const unshipped: string[] = [];
    for (const page of ["README.md", ...files("docs")]) {
      const text = readFileSync(path.join(ROOT, page), "utf8").replace(/```[\s\S]*?```/g, "");
      for (const [, target] of text.matchAll(/\]\(([^)\s#]+)(?:#[^)\s]*)?\)/g)) {
        if (/^[a-z]+:/.test(target!)) continue;
        const file = path.posix.normalize(path.posix.join(path.posix.dirname(page), target!));
        if (!shipped(file)) unshipped.push(`${page}: ${target}`);
      }
    }
    expect(unshipped).toEqual([]);
  });

  it("takes both toolchains as optional peers and constructs as a required one", () => {
    const toolchains = (migrated ? CDKTN_PEERS : [...CDKTF_PEERS, ...CDKTN_PEERS]).sort();
    expect(Object.keys(manifest.peerDependencies).sort()).toEqual([...toolchains, "constructs"].sort());
    expect(Object.keys(manifest.peerDependenciesMeta).sort()).toEqual(toolchains);
    expect(manifest.dependencies).toBeUndefined();
  });

  it("is tested at the low end of every peer range by the consumer projects", () => {
    const cdktf = json("packages/tools/library/consumer/cdktf/package.json").dependencies;
    const cdktn = json("packages/tools/library/consumer/cdktn/package.json").dependencies;
    const peers = manifest.peerDependencies;
    if (!migrated) for (const name of ["cdktf", "@cdktf/provider-aws"]) expect(`${name}@${cdktf[name]}`).toBe(`${name}@${lowEnd(peers[name])}`);
    for (const name of ["cdktn", "@cdktn/provider-aws", "constructs"]) expect(`${name}@${cdktn[name]}`).toBe(`${name}@${lowEnd(peers[name])}`);
  });

  it("keeps the repository's own exact pins within the peer ranges", () => {
    const own = manifest.devDependencies;
    const set = migrated ? own : json("toolchains/cdktn/package.json").dependencies;
    const within = (version: string, range: string) => {
      const [major, minor, patch] = version.split(".").map(Number) as [number, number, number];
      const [lMajor, lMinor, lPatch] = lowEnd(range).split(".").map(Number) as [number, number, number];
      const atLeast = major > lMajor || (major === lMajor && (minor > lMinor || (minor === lMinor && patch >= lPatch)));
      const caret = range.startsWith("^") && (lMajor > 0 ? major === lMajor : minor === lMinor);
      const tilde = range.startsWith("~") && major === lMajor && minor === lMinor;
      return atLeast && (caret || tilde);
    };
    const peers = manifest.peerDependencies;
    if (!migrated) for (const name of ["cdktf", "@cdktf/provider-aws", "constructs"]) expect([name, own[name], within(own[name], peers[name])]).toEqual([name, own[name], true]);
    for (const name of ["cdktn", "@cdktn/provider-aws", "constructs"]) expect([name, set[name], within(set[name], peers[name])]).toEqual([name, set[name], true]);
  });

  it("ships the changelog, whose first release is this version", () => {
    const changelog = readFileSync(path.join(ROOT, "CHANGELOG.md"), "utf8");
    expect(existsSync(path.join(ROOT, "CHANGELOG.md"))).toBe(true);
    expect(/^## \[(\d+\.\d+\.\d+)\]/m.exec(changelog)?.[1]).toBe(manifest.version);
  });
});

describe("the workspace packages", () => {
  const packages = readdirSync(path.join(ROOT, "packages")).sort();

  it("are the plan summary, the Terraform check and the tools, installed by the root's npm ci and private", () => {
    expect(manifest.workspaces).toEqual(["packages/*"]);
    expect(packages).toEqual(["plan-summary", "terraform-check", "tools"]);
    for (const name of packages) {
      expect([name, json(`packages/${name}/package.json`).private]).toEqual([name, true]);
      expect(json("package-lock.json").packages[`packages/${name}`]).toBeDefined();
    }
  });

  it("have their tests run by the root's npm test", () => {
    const config = require("../jest.config.js");
    expect(config.projects).toContain("<rootDir>/packages/*");
    for (const name of packages) {
      expect([name, existsSync(path.join(ROOT, "packages", name, "jest.config.js"))]).toEqual([name, true]);
      // Every test must assert, in the packages as in the library.
      const setup: string[] = require(path.join(ROOT, "packages", name, "jest.config.js")).setupFilesAfterEnv ?? [];
      expect([name, setup.some((file) => file.endsWith("scripts/jest-every-test-asserts.js"))]).toEqual([name, true]);
      expect([name, sourceFiles(`packages/${name}/__tests__`).some((file) => file.endsWith(".test.ts"))]).toEqual([name, true]);
    }
  });

  it("are not shipped: the tarball holds the library's build, its documentation and the changelog alone", () => {
    expect(manifest.files).toEqual(["dist/", "docs/", "CHANGELOG.md"]);
  });


  it("no tool imports a test", () => {
    const imports = packages
      .flatMap((name) => sourceFiles(`packages/${name}`))
      .filter((file) => !isTest(file))
      .flatMap((file) => localImports(file).filter(isTest).map((target) => `${file} -> ${target}`));
    expect(imports).toEqual([]);
  });

  it("no test of the library or the app imports a tool", () => {
    const imports = sourceFiles("__tests__").flatMap((file) => localImports(file).filter((target) => target.startsWith("packages/")).map((target) => `${file} -> ${target}`));
    expect(imports).toEqual([]);
  });

  it("a package's tests import only their own package, the app and the root's scripts", () => {
    const imports = packages.flatMap((name) =>
      sourceFiles(`packages/${name}/__tests__`).flatMap((file) =>
        localImports(file)
          .filter((target) => target.startsWith("packages/") && !target.startsWith(`packages/${name}/`))
          .map((target) => `${file} -> ${target}`),
      ),
    );
    expect(imports).toEqual([]);
  });
});
