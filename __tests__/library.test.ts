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
      "EventAnalytics",
      "EventAnalyticsOptions",
      "EventAnalyticsProps",
      "EventBucket",
      "EventBucketLifecycle",
      "EventBucketOptions",
      "EventBucketProps",
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
      "SuppressionReasons",
      "ValidationError",
      "VdmOptions",
    ]);
    // Besides, `internal`: what the app in this repository shares with the constructs, kept out of
    // the API reference and the published declarations (@internal).
    expect(Object.keys(library).sort()).toEqual(
      [...exportedNames().filter((name) => !/(Props|Options|Lifecycle|Problem|SkippedEventQuery|PolicyStatement)$/.test(name)), "internal"].sort(),
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
    const pages = ["classes", "interfaces", "enumerations"].flatMap((folder) =>
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
    expect(manifest.files).toEqual(["dist/", "CHANGELOG.md"]);
  });

  it("takes both toolchains as optional peers and constructs as a required one", () => {
    const toolchains = (migrated ? CDKTN_PEERS : [...CDKTF_PEERS, ...CDKTN_PEERS]).sort();
    expect(Object.keys(manifest.peerDependencies).sort()).toEqual([...toolchains, "constructs"].sort());
    expect(Object.keys(manifest.peerDependenciesMeta).sort()).toEqual(toolchains);
    expect(manifest.dependencies).toBeUndefined();
  });

  it("is tested at the low end of every peer range by the consumer projects", () => {
    const cdktf = json("scripts/consumer/cdktf/package.json").dependencies;
    const cdktn = json("scripts/consumer/cdktn/package.json").dependencies;
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
