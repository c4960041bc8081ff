#!/usr/bin/env node
// Where synth time goes: runs one synth under `node --cpu-prof` and summarizes the profile.
//
//   node bench/profile.js [N] [--impl product|floor] [--keep]
//
// product (default) is bench/product.ts run the way the app runs (bench/run-ts.js); floor is
// bench/floor.js. Prints self time by package, the hottest functions, the time spent capturing the
// stack trace cdktf records for every token (and mapping it through source maps), the synth phase,
// and each of the module's own functions (the esbuild bundle) with the calls that take its time.
// --keep leaves the .cpuprofile (open it in Chrome DevTools) and prints its path.
"use strict";
const fs = require("fs");
const os = require("os");
const path = require("path");
const { spawnSync } = require("child_process");

const args = process.argv.slice(2);
const impl = args.includes("--impl") ? args[args.indexOf("--impl") + 1] : "product";
const n = Number(args.find((a, i) => /^\d+$/.test(a) && args[i - 1] !== "--impl") ?? 1000);
if (!["product", "floor"].includes(impl) || !Number.isInteger(n) || n < 1) {
  process.stderr.write("usage: node bench/profile.js [N] [--impl product|floor] [--keep]\n");
  process.exit(2);
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), "ses-profile-"));
const outdir = path.join(work, "out");
const profDir = path.join(work, "prof");
const script = impl === "floor" ? [path.join(__dirname, "floor.js"), String(n), outdir] : [path.join(__dirname, "run-ts.js"), path.join(__dirname, "product.ts"), String(n)];
const env = { ...process.env, CHECKPOINT_DISABLE: "1", CDKTF_OUTDIR: outdir };
env.NODE_OPTIONS ??= "--max-old-space-size=4096";
const run = spawnSync(process.execPath, ["--cpu-prof", `--cpu-prof-dir=${profDir}`, ...script], { env, stdio: "inherit", cwd: path.join(__dirname, "..") });
if (run.status !== 0) process.exit(run.status ?? 1);
const file = path.join(profDir, fs.readdirSync(profDir)[0]);
const prof = JSON.parse(fs.readFileSync(file, "utf8"));

const nodes = new Map(prof.nodes.map((node) => [node.id, node]));
const parent = new Map();
for (const node of prof.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
const selfMs = new Map();
prof.samples.forEach((id, i) => selfMs.set(id, (selfMs.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0) / 1000));
const total = [...selfMs.values()].reduce((a, b) => a + b, 0);

const short = (url) => url.replace(/^file:\/\//, "").replace(/^.*node_modules\//, "").replace(`${path.join(__dirname, "..")}/`, "");
const label = (frame) => `${frame.functionName || "(anonymous)"} ${short(frame.url)}:${frame.lineNumber + 1}`;
const pkg = (url) => {
  const u = short(url);
  if (!u) return "(V8: GC, native)";
  if (u.startsWith("node:internal/source_map")) return "node: source maps";
  if (u.startsWith("node:")) return "node: other internals";
  const m = /^(@cdktf\/provider-aws\/lib\/[^/]+|cdktf\/lib\/tokens|cdktf|constructs|esbuild|bench\/[^/]+)/.exec(u);
  return m ? m[1] : u;
};
// The esbuild bundle of product.ts (modules/ included) runs under the name bench/product.js.
const bundle = path.join(__dirname, "product.js");
const isModuleFrame = (frame) => short(frame.url) === short(bundle);

const bySelf = new Map();
const byPkg = new Map();
const inclusive = new Map();
const moduleCallees = new Map();
for (const [id, ms] of selfMs) {
  const frame = nodes.get(id).callFrame;
  bySelf.set(label(frame), (bySelf.get(label(frame)) ?? 0) + ms);
  byPkg.set(pkg(frame.url), (byPkg.get(pkg(frame.url)) ?? 0) + ms);
  const seen = new Set();
  let below = null;
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
    const f = nodes.get(cur).callFrame;
    const key = label(f);
    if (!seen.has(key)) {
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + ms);
      if (isModuleFrame(f) && f.functionName) {
        const callees = moduleCallees.get(key) ?? new Map();
        const callee = below ? label(below) : "(self)";
        callees.set(callee, (callees.get(callee) ?? 0) + ms);
        moduleCallees.set(key, callees);
      }
    }
    below = f;
  }
}

const pct = (ms) => `${ms.toFixed(0).padStart(7)} ms ${((100 * ms) / total).toFixed(1).padStart(5)}%`;
const top = (map, count, filter = () => true) =>
  [...map].filter(([k]) => filter(k)).sort((a, b) => b[1] - a[1]).slice(0, count).map(([k, ms]) => `${pct(ms)}  ${k}`);
const out = [`${impl} N=${n}: ${total.toFixed(0)} ms sampled`];
out.push("", "Self time by package:", ...top(byPkg, 12));
out.push("", "Hottest functions (self time):", ...top(bySelf, 15));
out.push(
  "",
  "Key phases (inclusive):",
  ...top(inclusive, 12, (k) =>
    /^(captureStackTrace |prepareStackTraceWithSourceMaps |synth .*cdktf\/lib\/app\.js|prepareStack .*terraform-stack|toTerraform .*terraform-stack|resolve .*tokens\/private\/resolve\.js:20|buildSync .*esbuild)/.test(k),
  ),
);
if (moduleCallees.size) {
  out.push("", "The module's functions (inclusive) and where their time goes:");
  for (const [fn] of [...inclusive].filter(([k]) => moduleCallees.has(k)).sort((a, b) => b[1] - a[1]).slice(0, 8)) {
    out.push(`${pct(inclusive.get(fn))}  ${fn}`);
    for (const line of top(moduleCallees.get(fn), 6)) out.push(`    ${line}`);
  }
}
process.stdout.write(`${out.join("\n")}\n`);
if (args.includes("--keep")) process.stdout.write(`\nprofile: ${file}\n`);
else fs.rmSync(work, { recursive: true, force: true });
