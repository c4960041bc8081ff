#!/usr/bin/env node
// npm run schema: writes the JSON Schema of cdktf.json (cdktf.schema.json) and of its `context`
// (cdktf.context.schema.json) from the settings schema (settings-schema.ts). cdktf.json names the
// first in "$schema", so editors complete and check the settings. `--check` only compares.
"use strict";
const fs = require("fs");
const path = require("path");
const { loadTypeScript } = require("../../../scripts/run-ts");
const { exitOnToolchainError } = require("../../../scripts/toolchain");

const root = path.join(__dirname, "..", "..", "..");
const { schemaFiles } = exitOnToolchainError(() => loadTypeScript(path.join(root, "settings-schema.ts")));
const check = process.argv.includes("--check");
let stale = 0;
for (const [file, content] of Object.entries(schemaFiles())) {
  const target = path.join(root, file);
  const current = fs.existsSync(target) ? fs.readFileSync(target, "utf8") : undefined;
  if (current === content) continue;
  if (check) {
    process.stderr.write(`${file} is out of date: run npm run schema\n`);
    stale++;
  } else {
    fs.writeFileSync(target, content);
    process.stdout.write(`wrote ${file}\n`);
  }
}
process.exit(stale > 0 ? 1 : 0);
