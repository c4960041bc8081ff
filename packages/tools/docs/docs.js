#!/usr/bin/env node
// npm run docs: regenerates the generated references: the settings reference of docs/settings.md,
// from settings-schema.ts; README.md's resource table, from the stacks the default and all-options
// settings synthesize (docs/resource-reference.ts); then the API reference in docs/api, from the TSDoc of
// the construct library (docs-api.js, TypeDoc). `--check` only compares, exiting 1 when one is out
// of date. Each entry of GENERATORS is one step: a file and what it should hold given what it holds.
"use strict";
const fs = require("fs");
const path = require("path");
const { loadTypeScript } = require("../../../scripts/run-ts");
const { exitOnToolchainError } = require("../../../scripts/toolchain");
const { apiReference } = require("./docs-api");

const root = path.join(__dirname, "..", "..", "..");
const settings = exitOnToolchainError(() => loadTypeScript(path.join(__dirname, "settings-reference.ts")));
const resources = exitOnToolchainError(() => loadTypeScript(path.join(__dirname, "resource-reference.ts")));

/** @type {{ file: string, generate: (current: string) => string }[]} */
const GENERATORS = [
  { file: settings.SETTINGS_PAGE, generate: settings.settingsPage },
  { file: resources.RESOURCES_PAGE, generate: (current) => resources.resourcesPage(current) },
];

const check = process.argv.includes("--check");
let stale = 0;
for (const { file, generate } of GENERATORS) {
  const target = path.join(root, file);
  const current = fs.readFileSync(target, "utf8");
  let content;
  try {
    content = generate(current);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
  if (current === content) continue;
  if (check) {
    process.stderr.write(`${file} is out of date: run npm run docs\n`);
    stale++;
  } else {
    fs.writeFileSync(target, content);
    process.stdout.write(`wrote ${file}\n`);
  }
}
const api = apiReference(check);
if (api.length > 0) {
  process.stderr.write(`docs/api is out of date (${api.join(", ")}): run npm run docs\n`);
  stale++;
} else if (!check) {
  process.stdout.write("wrote docs/api\n");
}
process.exit(stale > 0 ? 1 : 0);
