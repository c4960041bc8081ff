#!/usr/bin/env node
// Runs index.ts (see load-ts.js). Usage: plan-summary plan.json [options] (npm run plan-summary -- … at the repository's root); --help lists them
"use strict";
const fs = require("fs");
const path = require("path");
const { loadTypeScript } = require("./load-ts");

const { runCli } = loadTypeScript(path.join(__dirname, "..", "index.ts"));
process.exitCode = runCli(process.argv.slice(2), {
  readFile: (file) => fs.readFileSync(file, "utf8"),
  writeFile: (file, text) => fs.writeFileSync(file, text),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
