#!/usr/bin/env node
// Runs main.ts: esbuild transpiles the project's own TypeScript in memory (dependencies stay
// plain requires), so `cdktf synth` needs no compile step and no TypeScript runtime.
// Type errors are caught by `npm test` (tsc --noEmit), not here.
"use strict";
const path = require("path");
const Module = require("module");
const { buildSync } = require("esbuild");

const entry = path.join(__dirname, "..", "main.ts");
const outfile = entry.replace(/\.ts$/, ".js");
const { outputFiles } = buildSync({
  entryPoints: [entry],
  outfile,
  bundle: true,
  packages: "external",
  platform: "node",
  target: "node20",
  format: "cjs",
  sourcemap: "inline",
  write: false,
  logLevel: "error",
});

process.setSourceMapsEnabled(true);
const app = new Module(outfile, module);
app.filename = outfile;
app.paths = Module._nodeModulePaths(path.dirname(outfile));
app._compile(outputFiles[0].text, outfile);
