// Loads the plan summary's TypeScript sources without a compile step: esbuild bundles them in
// memory (dependencies stay plain requires) and the result runs as one CommonJS module.
"use strict";
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

module.exports = { loadTypeScript };
