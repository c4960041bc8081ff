#!/usr/bin/env node
// npm run migrate:cdktn: switches this checkout from CDK for Terraform (cdktf) to CDK Terrain
// (cdktn) for good. Needs only Node.js, git and npm (no npm ci first). Running it again changes
// nothing, and says so even before its change is committed. When it has something to change, it
// refuses to run on uncommitted changes (staged, unstaged or untracked), so its whole change can
// be reviewed with `git diff` and undone with `git checkout .`.
//
//   package.json   cdktf, @cdktf/provider-aws, cdktf-cli and constructs become the pins of
//                  toolchains/cdktn/package.json; scripts say cdktn; engines.node the set's (what
//                  cdktn-cli needs), and its optional Node.js 22 for Linux x64, which npm scripts
//                  and npx then run on; of the library's peers, cdktf and @cdktf/provider-aws
//                  go (its builds then both import cdktn)
//   lockfile       regenerated (npm install --package-lock-only)
//   .ts and .js    imports and requires of cdktf and @cdktf/provider-aws become cdktn and @cdktn/provider-aws
//   every text     `cdktf synth|deploy|diff|...` and node_modules/.bin/cdktf become cdktn
//   toolchains/cdktn  removed: its packages are now the project's own
"use strict";
const fs = require("fs");
const path = require("path");
const { spawnSync } = require("child_process");

const SET = "toolchains/cdktn";
/** The migration and the toolchain mapping speak of both names on purpose: left as they are. */
const KEEP = new Set(["packages/tools/migrate-cdktn/migrate-cdktn.js", "packages/tools/migrate-cdktn/migrate-cdktn.d.ts", "packages/tools/__tests__/migrate-cdktn.test.ts", "scripts/toolchain.js", "scripts/toolchain.d.ts"]);
/** The library's peers that a checkout on CDK Terrain no longer has. */
const CDKTF_PACKAGES = ["cdktf", "@cdktf/provider-aws"];
const CLI_COMMANDS = ["synth", "deploy", "diff", "destroy", "get", "init", "list", "output", "watch", "convert", "provider", "debug", "login"];

class MigrationError extends Error {}

/**
 * `import ... from "cdktf"`, `require("@cdktf/provider-aws/lib/x")`, `require.resolve`,
 * `jest.mock`, `declare module` and the like, on cdktn.
 */
function rewriteImports(source) {
  return source.replace(
    /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\b(?:require(?:\.resolve)?|jest\.(?:mock|doMock|unmock|requireActual|requireMock))\s*\(\s*|\bdeclare\s+module\s+)(["'`])(cdktf|@cdktf\/provider-aws)(\/[^"'`\n]*)?\2/g,
    (_, lead, quote, name, rest = "") => `${lead}${quote}${name === "cdktf" ? "cdktn" : "@cdktn/provider-aws"}${rest}${quote}`,
  );
}

/** The CLI called by name: `cdktf synth` and the others, and node_modules/.bin/cdktf. */
function rewriteCli(text) {
  return text
    .replace(new RegExp(`\\bcdktf(\\s+)(${CLI_COMMANDS.join("|")})\\b`, "g"), "cdktn$1$2")
    .replace(/\.bin\/cdktf\b/g, ".bin/cdktn");
}

/** package.json on the pins and the Node.js engine of toolchains/cdktn/package.json (`set`). */
function migratePackageJson(pkg, set) {
  const pins = { ...set.dependencies };
  // The pins go where the cdktf ones were: a library keeps its toolchain as dev pins beside its peers.
  const pinSection = "cdktf" in (pkg.devDependencies ?? {}) && !("cdktf" in (pkg.dependencies ?? {})) ? "devDependencies" : "dependencies";
  const next = { ...pkg, dependencies: { ...pkg.dependencies }, devDependencies: { ...pkg.devDependencies } };
  for (const section of ["dependencies", "devDependencies"]) {
    for (const name of ["cdktf", "@cdktf/provider-aws", "cdktf-cli", "constructs"]) delete next[section][name];
  }
  const { "cdktn-cli": cli, ...runtime } = pins;
  Object.assign(next[pinSection], runtime);
  next.devDependencies["cdktn-cli"] = cli;
  const sorted = (deps) => Object.fromEntries(Object.entries(deps).sort(([a], [b]) => a.localeCompare(b)));
  next.dependencies = sorted(next.dependencies);
  next.devDependencies = sorted(next.devDependencies);
  if (pkg.dependencies === undefined && Object.keys(next.dependencies).length === 0) delete next.dependencies;
  next.scripts = Object.fromEntries(Object.entries(pkg.scripts ?? {}).map(([name, command]) => [name, rewriteCli(command)]));
  if (set.engines?.node) next.engines = { ...pkg.engines, node: set.engines.node };
  if (set.optionalDependencies) next.optionalDependencies = sorted({ ...pkg.optionalDependencies, ...set.optionalDependencies });
  for (const section of ["peerDependencies", "peerDependenciesMeta"]) {
    if (pkg[section]) next[section] = Object.fromEntries(Object.entries(pkg[section]).filter(([name]) => !CDKTF_PACKAGES.includes(name)));
  }
  return next;
}

function run(command, args, cwd) {
  const result = spawnSync(command, args, { cwd, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) {
    throw new MigrationError(`${command} ${args.join(" ")} failed (exit ${result.status ?? result.signal}):\n${(result.stderr || result.stdout || String(result.error)).trim()}`);
  }
  return result.stdout;
}

/**
 * Switches the checkout at `root`; returns the files it changed (none when already switched). It
 * works out every change first: with nothing to change it writes nothing, whatever the state of
 * the work tree; otherwise it refuses a work tree with uncommitted changes.
 */
function migrate(root, log = () => {}) {
  const read = (file) => fs.readFileSync(path.join(root, file), "utf8");
  const writes = new Map();

  const pkg = JSON.parse(read("package.json"));
  const onCdktf = ["cdktf", "@cdktf/provider-aws", "cdktf-cli"].some((name) => name in (pkg.dependencies ?? {}) || name in (pkg.devDependencies ?? {}));
  if (onCdktf) {
    const setFile = path.join(root, SET, "package.json");
    if (!fs.existsSync(setFile)) throw new MigrationError(`${SET}/package.json not found: it holds the CDK Terrain versions to switch to.`);
    const set = JSON.parse(fs.readFileSync(setFile, "utf8"));
    writes.set("package.json", `${JSON.stringify(migratePackageJson(pkg, set), null, 2)}\n`);
  }

  // Tracked files and untracked ones git does not ignore: a new file importing cdktf counts too.
  const files = run("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], root)
    .split("\0")
    .filter((file) => file !== "" && !KEEP.has(file) && !file.startsWith(`${SET}/`));
  for (const file of new Set(files)) {
    if (file === "package.json" || file.endsWith("package-lock.json") || file.endsWith(".snap")) continue;
    // A deleted file, or a symbolic link (which may point out of the checkout), is not rewritten.
    const stat = fs.lstatSync(path.join(root, file), { throwIfNoEntry: false });
    if (!stat?.isFile()) continue;
    const text = read(file);
    if (text.includes("\0")) continue; // binary
    const code = /\.(ts|js)$/.test(file);
    const next = rewriteCli(code ? rewriteImports(text) : text);
    if (next !== text) writes.set(file, next);
  }

  const lock = fs.existsSync(path.join(root, "package-lock.json")) ? JSON.parse(read("package-lock.json")) : { packages: {} };
  const relock = onCdktf || "node_modules/cdktf" in (lock.packages ?? {});
  const removeSet = fs.existsSync(path.join(root, SET));
  if (writes.size === 0 && !relock && !removeSet) return [];

  const status = run("git", ["status", "--porcelain"], root);
  if (status.trim() !== "") {
    throw new MigrationError(
      `uncommitted changes in ${root}: commit them or stash them (git stash --include-untracked) first, so the migration's own changes can be reviewed and undone:\n${status.trimEnd()}`,
    );
  }
  const changed = [];
  for (const [file, text] of writes) {
    fs.writeFileSync(path.join(root, file), text);
    changed.push(file);
  }
  if (relock) {
    log("regenerating package-lock.json (npm install --package-lock-only)");
    run("npm", ["install", "--package-lock-only", "--ignore-scripts", "--no-audit", "--no-fund"], root);
    changed.push("package-lock.json");
  }
  if (removeSet) {
    fs.rmSync(path.join(root, SET), { recursive: true, force: true });
    changed.push(`${SET}/`);
  }
  return changed;
}

module.exports = { MigrationError, rewriteImports, rewriteCli, migratePackageJson, migrate };

if (require.main === module) {
  const root = path.join(__dirname, "..", "..", "..");
  try {
    const changed = migrate(root, (text) => process.stderr.write(`migrate:cdktn: ${text}\n`));
    process.stdout.write(
      changed.length === 0
        ? "migrate:cdktn: already on CDK Terrain (cdktn); nothing changed.\n"
        : `migrate:cdktn: switched to CDK Terrain (cdktn); changed:\n${changed.map((file) => `  ${file}\n`).join("")}` +
            "Next: npm ci && npx cdktn synth && npm test, then review (git diff) and commit.\n",
    );
  } catch (error) {
    if (!(error instanceof MigrationError)) throw error;
    process.stderr.write(`migrate:cdktn: ${error.message}\n`);
    process.exit(1);
  }
}
