#!/usr/bin/env node
// The plan summary's command line: plan-summary plan.json [options] (npm run plan-summary -- … at
// the repository's root); --help lists the options. The TypeScript sources are bundled in memory
// by esbuild (dependencies stay plain requires) and run as one CommonJS module.
"use strict";
const fs = require("fs");
const path = require("path");
const Module = require("module");
const { buildSync } = require("esbuild");

/** Runs `entry` (a .ts file) and returns its exports. */
function loadTypeScript(entry) {
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
  const loaded = new Module(outfile, module);
  loaded.filename = outfile;
  loaded.paths = Module._nodeModulePaths(path.dirname(outfile));
  process.setSourceMapsEnabled(true);
  loaded._compile(outputFiles[0].text, outfile);
  return loaded.exports;
}

const { runCli } = loadTypeScript(path.join(__dirname, "..", "index.ts"));
process.exitCode = runCli(process.argv.slice(2), {
  readFile: (file) => fs.readFileSync(file, "utf8"),
  writeFile: (file, text) => fs.writeFileSync(file, text),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
