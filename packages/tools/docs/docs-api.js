// A step of npm run docs: writes the API reference of the construct library (modules/index.ts)
// into docs/api with TypeDoc and typedoc-plugin-markdown (typedoc.json), installed from
// packages/tools/docs/typedoc/package-lock.json on first use (TypeDoc needs TypeScript 5's compiler API, which
// the project's TypeScript 7 does not have). TypeDoc fails on an export without TSDoc.
// With `check` it writes into a temporary folder instead and compares docs/api with it.
"use strict";
const fs = require("fs");
const os = require("os");
const path = require("path");
const { spawnSync } = require("child_process");

const ROOT = path.join(__dirname, "..", "..", "..");
const TOOLS = path.join(__dirname, "typedoc");
const API = path.join(ROOT, "docs", "api");
const INSTALLED = path.join(TOOLS, "node_modules", ".installed-package-lock.json");

function run(command, args) {
  const result = spawnSync(command, args, { cwd: ROOT, stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

/** Installs packages/tools/docs/typedoc unless what is installed is its lockfile. */
function install() {
  const lock = fs.readFileSync(path.join(TOOLS, "package-lock.json"), "utf8");
  if (fs.existsSync(INSTALLED) && fs.readFileSync(INSTALLED, "utf8") === lock) return;
  process.stderr.write("docs: installing packages/tools/docs/typedoc (npm ci)\n");
  run("npm", ["ci", "--prefix", TOOLS, "--no-audit", "--no-fund", "--loglevel=error"]);
  fs.writeFileSync(INSTALLED, lock);
}

/** Every file under `dir`, as paths relative to it. */
function files(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort();
}

/** The files that differ between the reference in `dir` and docs/api. */
function differences(dir) {
  const names = [...new Set([...files(dir), ...files(API)])].sort();
  const read = (base, name) => (fs.existsSync(path.join(base, name)) ? fs.readFileSync(path.join(base, name), "utf8") : undefined);
  return names.filter((name) => read(dir, name) !== read(API, name));
}

/**
 * Writes docs/api, or with `check` only compares it; returns the files that were out of date
 * (`check`) or [] (written). Exits the process when TypeDoc fails.
 */
function apiReference(check) {
  install();
  // Written aside first, so that a failing run leaves docs/api as it was.
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "ses-events-api-"));
  try {
    run(path.join(TOOLS, "node_modules", ".bin", "typedoc"), ["--options", path.join(ROOT, "typedoc.json"), "--out", out, "--logLevel", "Warn"]);
    if (check) return differences(out).map((file) => path.posix.join("docs/api", file.split(path.sep).join("/")));
    fs.rmSync(API, { recursive: true, force: true });
    fs.cpSync(out, API, { recursive: true });
    return [];
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

module.exports = { apiReference };
