// Loads a TypeScript entry point without a compile step: esbuild transpiles the project's own
// files in memory (dependencies stay plain requires, except zod, which is bundled) and the result
// runs as a CommonJS module.
// Type errors are caught by `npm test` (tsc --noEmit), not here. With CDK_TOOLCHAIN=cdktn,
// imports of cdktf, @cdktf/provider-aws and constructs load CDK Terrain instead (toolchain.js).
"use strict";
const path = require("path");
const Module = require("module");
const { buildSync } = require("esbuild");
const { selectedToolchain, mapSpecifier } = require("./toolchain");

/** Dependencies compiled into the app instead of required from node_modules. */
const BUNDLED = new Set(["zod"]);
const manifest = require("../package.json");
const EXTERNAL = Object.keys({ ...manifest.dependencies, ...manifest.devDependencies })
  .filter((name) => !BUNDLED.has(name))
  .flatMap((name) => [name, `${name}/*`]);

/** Runs `entry` (a .ts file) and returns its exports. */
function loadTypeScript(entry) {
  const outfile = entry.replace(/\.ts$/, ".js");
  const toolchain = selectedToolchain();
  const { outputFiles } = buildSync({
    entryPoints: [entry],
    outfile,
    bundle: true,
    // Dependencies stay plain requires, except the settings schema library: bundled, only the
    // parts the app uses are compiled, which costs far less than loading its many files.
    external: EXTERNAL,
    platform: "node",
    target: "node20",
    format: "cjs",
    sourcemap: "inline",
    // Positions only: the sources are on disk, and their text would add 10 MB to every synth.
    sourcesContent: false,
    // Source maps on only while Node compiles this file: mapping every dependency's (multi-MB)
    // map, for the stack trace cdktf records with each token, would double the synth time.
    banner: { js: "process.setSourceMapsEnabled(false);" },
    write: false,
    logLevel: "error",
  });
  const loaded = new Module(outfile, module);
  loaded.filename = outfile;
  loaded.paths = Module._nodeModulePaths(path.dirname(outfile));
  // The project's files are one module after bundling: each of their requires passes here.
  if (toolchain.mapped) loaded.require = (id) => Module.prototype.require.call(loaded, mapSpecifier(id, toolchain) ?? id);
  process.setSourceMapsEnabled(true);
  try {
    loaded._compile(outputFiles[0].text, outfile);
  } finally {
    // An uncaught error is printed after this, mapped to the TypeScript source.
    process.setSourceMapsEnabled(true);
  }
  return loaded.exports;
}

module.exports = { loadTypeScript };
