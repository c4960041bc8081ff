#!/usr/bin/env node
// Runs scripts/plan-summary.ts: esbuild transpiles it in memory (like scripts/app.js), so the
// command needs no compile step. Usage: npm run plan-summary -- plan.json [--output FILE]
"use strict";
const fs = require("fs");
const path = require("path");
const Module = require("module");
const { buildSync } = require("esbuild");

const entry = path.join(__dirname, "plan-summary.ts");
const outfile = entry.replace(/\.ts$/, ".js");
const { outputFiles } = buildSync({
  entryPoints: [entry],
  outfile,
  bundle: true,
  packages: "external",
  platform: "node",
  target: "node20",
  format: "cjs",
  write: false,
  logLevel: "error",
});

const library = new Module(outfile, module);
library.filename = outfile;
library.paths = Module._nodeModulePaths(path.dirname(outfile));
library._compile(outputFiles[0].text, outfile);

process.exitCode = library.exports.runCli(process.argv.slice(2), {
  readFile: (file) => fs.readFileSync(file, "utf8"),
  writeFile: (file, text) => fs.writeFileSync(file, text),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
