#!/usr/bin/env node
// Runs scripts/plan-summary.ts (see run-ts.js). Usage: npm run plan-summary -- plan.json [options]; --help lists them
"use strict";
const fs = require("fs");
const path = require("path");
const { loadTypeScript } = require("./run-ts");
const { exitOnToolchainError } = require("./toolchain");

const { runCli } = exitOnToolchainError(() => loadTypeScript(path.join(__dirname, "plan-summary.ts")));
process.exitCode = runCli(process.argv.slice(2), {
  readFile: (file) => fs.readFileSync(file, "utf8"),
  writeFile: (file, text) => fs.writeFileSync(file, text),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
