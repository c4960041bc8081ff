// Loads a TypeScript entry point without a compile step: esbuild transpiles the project's own
// files in memory (dependencies stay plain requires, except zod, which is bundled) and the result
// runs as a CommonJS module.
// The bundle is kept in node_modules/.cache/ses-events/ and reused while every file it was built
// from (and each folder they are in) is byte for byte what it was, so a synth after the first
// starts no esbuild at all.
// Type errors are caught by `npm test` (tsc --noEmit), not here. With CDK_TOOLCHAIN=cdktn,
// imports of cdktf, @cdktf/provider-aws and constructs load CDK Terrain instead (toolchain.js).
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");
const Module = require("module");
const { selectedToolchain, mapSpecifier } = require("./toolchain");

const ROOT = path.join(__dirname, "..");
const CACHE_DIR = path.join(ROOT, "node_modules", ".cache", "ses-events");
/** A bundle built from a file changed this recently is not cached (a save during the build, coarse file times). */
const RECENT_MS = 2000;

/** Dependencies compiled into the app instead of required from node_modules. */
const BUNDLED = new Set(["zod"]);
const manifest = require("../package.json");
const EXTERNAL = Object.keys({ ...manifest.dependencies, ...manifest.devDependencies })
  .filter((name) => !BUNDLED.has(name))
  .flatMap((name) => [name, `${name}/*`]);

/** esbuild's options for `entry`: one bundle, in memory. */
function buildOptions(entry, outfile) {
  return {
    entryPoints: [entry],
    outfile,
    absWorkingDir: ROOT,
    bundle: true,
    // Dependencies stay plain requires, except the settings schema library: bundled, only the
    // parts the app uses are compiled, which costs far less than loading its many files.
    external: EXTERNAL,
    platform: "node",
    target: "node22",
    format: "cjs",
    sourcemap: "inline",
    // Positions only: the sources are on disk, and their text would add 10 MB to every synth.
    sourcesContent: false,
    // Source maps on only while Node compiles this file: mapping every dependency's (multi-MB)
    // map, for the stack trace cdktf records with each token, would double the synth time.
    banner: { js: "process.setSourceMapsEnabled(false);" },
    write: false,
    logLevel: "error",
  };
}

const sha256 = (data) => crypto.createHash("sha256").update(data).digest("hex");

/** What a bundle was built from: each input file's hash, and each of their folders' entries (a new file can change what an import resolves to). */
function fingerprint(inputs) {
  const files = Object.fromEntries(inputs.map((input) => [input, sha256(fs.readFileSync(path.join(ROOT, input)))]));
  const folders = [...new Set(inputs.map((input) => path.dirname(input)))].sort();
  const entries = Object.fromEntries(folders.map((folder) => [folder, sha256(fs.readdirSync(path.join(ROOT, folder)).sort().join("\n"))]));
  return sha256(JSON.stringify({ files, entries }));
}

/** Where the bundle of `entry` is cached: one file per entry, esbuild version and build options. */
function cacheFileOf(entry, options = buildOptions(entry, outfileOf(entry))) {
  const esbuildVersion = JSON.parse(fs.readFileSync(require.resolve("esbuild/package.json"), "utf8")).version;
  return path.join(CACHE_DIR, `${sha256(JSON.stringify({ esbuildVersion, options }))}.json`);
}

const outfileOf = (entry) => entry.replace(/\.ts$/, ".js");

/** The bundle of `entry`: from the cache while its inputs are unchanged, else built with esbuild (and cached). */
function bundle(entry, outfile) {
  const options = buildOptions(entry, outfile);
  const cacheFile = cacheFileOf(entry, options);
  try {
    const cached = JSON.parse(fs.readFileSync(cacheFile, "utf8"));
    if (fingerprint(cached.inputs) === cached.fingerprint) return cached.text;
  } catch {
    // No cache entry, or an input is gone: build.
  }
  const { buildSync } = require("esbuild");
  const started = Date.now();
  const { outputFiles, metafile } = buildSync({ ...options, metafile: true });
  const text = outputFiles[0].text;
  try {
    const inputs = Object.keys(metafile.inputs).sort();
    // A file saved while esbuild ran may differ from what it read: the next synth builds again.
    if (inputs.some((input) => fs.statSync(path.join(ROOT, input)).mtimeMs >= started - RECENT_MS)) return text;
    fs.mkdirSync(CACHE_DIR, { recursive: true });
    // Written whole, then renamed: a synth running beside this one reads the old entry or the new, never half of one.
    const temporary = `${cacheFile}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, JSON.stringify({ inputs, fingerprint: fingerprint(inputs), text }));
    fs.renameSync(temporary, cacheFile);
  } catch {
    // A read-only node_modules only costs the next synth a build.
  }
  return text;
}

/** Runs `entry` (a .ts file) and returns its exports. */
function loadTypeScript(entry) {
  const outfile = outfileOf(entry);
  const toolchain = selectedToolchain();
  const text = bundle(entry, outfile);
  const loaded = new Module(outfile, module);
  loaded.filename = outfile;
  loaded.paths = Module._nodeModulePaths(path.dirname(outfile));
  // The project's files are one module after bundling: each of their requires passes here.
  if (toolchain.mapped) loaded.require = (id) => Module.prototype.require.call(loaded, mapSpecifier(id, toolchain) ?? id);
  process.setSourceMapsEnabled(true);
  try {
    loaded._compile(text, outfile);
  } finally {
    // An uncaught error is printed after this, mapped to the TypeScript source.
    process.setSourceMapsEnabled(true);
  }
  return loaded.exports;
}

module.exports = { loadTypeScript, cacheFileOf, RECENT_MS };
