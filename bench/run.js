#!/usr/bin/env node
// npm run bench: synth time and memory of the product against the floor, plus the test suite,
// on each toolchain side by side: cdktf and, when toolchains/cdktn is installed, CDK Terrain
// (CDK_TOOLCHAIN=cdktn). Each toolchain's product is compared with the floor on the same toolchain.
//
//   node bench/run.js [--quick] [--json-only] [--repeat K] [--n 1,10,100,1000] [--no-tests] [--no-synth]
//                     [--no-plan-summary]
//
// floor    bench/floor.js: the bare resources of N destinations, precompiled JavaScript.
// app      the default app, N = 1: cdktf.json's `app` command with the environment `cdktf synth` gives it.
// product  bench/product.ts run like the app (bench/run-ts.js: the app's own esbuild loader): N module instances.
// plan summary  bench/plan-summary.ts: parse and summarize a generated plan of 5,000 changes.
//
// Every run is a child process under GNU time (peak RSS of the largest process in its tree); wall
// time is measured around it. Runs of different implementations are interleaved so drift hits all.
// One JSON line per measurement on stdout, then a table (unless --json-only); progress on stderr.
// Exits 0 whether or not the goals are met; a missed goal is printed as FAIL.
"use strict";
const fs = require("fs");
const os = require("os");
const path = require("path");
const { spawnSync } = require("child_process");
const { CDKTN_DIR, cdktnInstalled, installedToolchain } = require("../scripts/toolchain");

const ROOT = path.join(__dirname, "..");
const TIME = "/usr/bin/time";
const IMPL_ORDER = ["floor", "app", "product"];
const GOALS = { appWallRatio: 2, perElementRatio: 1.5, synthPeakMiB: 2048, testWallS: 30, testPeakMiB: 1024, planSummaryMs: 1000, planSummaryChars: 65000 };
const PLAN_SUMMARY_CHANGES = 5000;

function parseArgs(argv) {
  const options = { quick: false, jsonOnly: false, repeat: undefined, ns: undefined, tests: true, synth: true, planSummary: true };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : argv[++i];
      if (v === undefined) usage(`${arg} needs a value`);
      return v;
    };
    if (arg === "--quick") options.quick = true;
    else if (arg === "--json-only") options.jsonOnly = true;
    else if (arg === "--no-tests") options.tests = false;
    else if (arg === "--no-synth") options.synth = false;
    else if (arg === "--no-plan-summary") options.planSummary = false;
    else if (arg === "--repeat" || arg.startsWith("--repeat=")) options.repeat = positive(value(), "--repeat");
    else if (arg === "--n" || arg.startsWith("--n=")) options.ns = value().split(",").map((v) => positive(v, "--n"));
    else if (arg === "--help" || arg === "-h") usage();
    else usage(`unknown option ${arg}`);
  }
  options.ns ??= options.quick ? [1, 10, 100] : [1, 10, 100, 1000];
  return options;
}

function positive(v, name) {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) usage(`${name} takes whole numbers >= 1, not ${JSON.stringify(v)}`);
  return n;
}

function usage(problem) {
  const text = [
    "usage: node bench/run.js [options]",
    "  --quick        N = 1, 10, 100 and one run each",
    "  --json-only    print only the JSON lines",
    "  --repeat K     runs per implementation and N (default 3 for N <= 100, 1 above; 1 with --quick)",
    "  --n LIST       comma-separated N values (default 1,10,100,1000)",
    "  --no-tests     skip the test-suite measurement",
    "  --no-synth     skip the synth measurements",
    "  --no-plan-summary  skip the plan summary measurement (5,000 changes)",
  ].join("\n");
  process.stderr.write(`${problem ? `${problem}\n` : ""}${text}\n`);
  process.exit(problem ? 2 : 0);
}

const options = parseArgs(process.argv.slice(2));
// The checkout's own toolchain, then CDK Terrain through toolchains/cdktn when it is installed.
const toolchains = [installedToolchain()];
const cdktnMissing = toolchains[0] === "cdktf" && !cdktnInstalled();
if (toolchains[0] === "cdktf" && !cdktnMissing) toolchains.push("cdktn");
process.stdout.on("error", (error) => {
  if (error.code === "EPIPE") process.exit(0); // e.g. piped into head
  throw error;
});
const repeatsFor = (n) => options.repeat ?? (options.quick ? 1 : n <= 100 ? 3 : 1);
const lines = [];
function emit(record) {
  lines.push(record);
  process.stdout.write(`${JSON.stringify(record)}\n`);
}
function progress(text) {
  process.stderr.write(`[bench] ${text}\n`);
}

if (!fs.existsSync(TIME)) {
  process.stderr.write(`${TIME} (GNU time) is needed to measure peak memory\n`);
  process.exit(2);
}

const workRoot = fs.mkdtempSync(path.join(os.tmpdir(), "ses-bench-"));
process.on("exit", () => fs.rmSync(workRoot, { recursive: true, force: true }));
let runCounter = 0;
const newDir = (label) => path.join(workRoot, `${label}-${++runCounter}`);

/**
 * The environment `cdktf synth` runs the app command with (@cdktf/cli-core synth-stack.js):
 * no TF_VAR_*, NODE_OPTIONS=--max-old-space-size=4096 unless set, CDKTF_OUTDIR, the context of
 * cdktf.json in CDKTF_CONTEXT_JSON. Settings the app reads from the environment are removed so the
 * app builds its default stack. The floor and product runs get the same environment.
 */
function synthEnv(outdir, toolchain) {
  const config = JSON.parse(fs.readFileSync(path.join(ROOT, "cdktf.json"), "utf8"));
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(TF_VAR_|SES_EVENTS_|TF_CLOUD_|CDKTF_)/.test(key) || key === "AWS_REGION" || key === "TF_WORKSPACE" || key === "CDK_TOOLCHAIN") continue;
    if (key === "NODE_COMPILE_CACHE") continue;
    env[key] = value;
  }
  env.CHECKPOINT_DISABLE = "1";
  env.NODE_OPTIONS ??= "--max-old-space-size=4096";
  env.CDKTF_OUTDIR = outdir;
  env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS = "true";
  env.CDKTF_CONTEXT_JSON = JSON.stringify({ ...(config.context ?? {}), cdktfRelativeModules: [] });
  env.SYNTH_HCL_OUTPUT = "false";
  env.CDK_TOOLCHAIN = toolchain;
  return { env, appCommand: config.app };
}

/**
 * Runs argv under GNU time; returns wall seconds (hrtime), CPU seconds (user + system, whole
 * process tree), peak RSS MiB, the 1-minute load average before the run, exit status, output.
 */
function timed(argv, { env, cwd = ROOT, timeoutS = 1800 } = {}) {
  const timeFile = path.join(workRoot, `time-${++runCounter}.txt`);
  const load1 = os.loadavg()[0];
  const start = process.hrtime.bigint();
  const result = spawnSync(TIME, ["-f", "%e %M %U %S", "-o", timeFile, ...argv], {
    cwd,
    env,
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
    timeout: timeoutS * 1000,
  });
  const wallS = Number(process.hrtime.bigint() - start) / 1e9;
  const timeText = fs.existsSync(timeFile) ? fs.readFileSync(timeFile, "utf8").trim().split("\n").pop() : "";
  const [, maxRssKiB, userS, sysS] = timeText.split(" ").map(Number);
  return {
    wallS,
    cpuS: userS + sysS,
    load1,
    peakMiB: Number.isFinite(maxRssKiB) ? maxRssKiB / 1024 : NaN,
    status: result.status ?? (result.signal ? `signal ${result.signal}` : "error"),
    stdout: result.stdout ?? "",
    stderr: `${result.stderr ?? ""}${result.error ? String(result.error) : ""}`,
  };
}

/** Resources plus data sources in every stack the synth wrote. */
function countElements(outdir) {
  const stacksDir = path.join(outdir, "stacks");
  const stacks = fs.existsSync(stacksDir) ? fs.readdirSync(stacksDir) : [];
  if (stacks.length === 0) return { elements: NaN, stacks: [] };
  let elements = 0;
  for (const stack of stacks) {
    const tf = JSON.parse(fs.readFileSync(path.join(stacksDir, stack, "cdk.tf.json"), "utf8"));
    for (const block of [tf.resource, tf.data]) {
      for (const byName of Object.values(block ?? {})) elements += Object.keys(byName).length;
    }
  }
  return { elements, stacks };
}

// Every toolchain runs on this same Node.js, so only the toolchain differs between them.
const IMPLS = {
  floor: (n, outdir, toolchain) => {
    const { env } = synthEnv(outdir, toolchain);
    return timed([process.execPath, path.join(__dirname, "floor.js"), String(n), outdir], { env });
  },
  app: (_n, outdir, toolchain) => {
    const { env, appCommand } = synthEnv(outdir, toolchain);
    return timed(["/bin/sh", "-c", appCommand], { env });
  },
  product: (n, outdir, toolchain) => {
    const { env } = synthEnv(outdir, toolchain);
    return timed([process.execPath, path.join(__dirname, "run-ts.js"), path.join(__dirname, "product.ts"), String(n)], { env });
  },
};

function synthOnce(toolchain, impl, n) {
  const outdir = newDir(`${toolchain}-${impl}-${n}`);
  const run = IMPLS[impl](n, outdir, toolchain);
  const { elements, stacks } = run.status === 0 ? countElements(outdir) : { elements: NaN, stacks: [] };
  fs.rmSync(outdir, { recursive: true, force: true });
  if (run.status !== 0) progress(`${toolchain} ${impl} N=${n} failed (exit ${run.status}):\n${run.stderr.trim().split("\n").slice(0, 20).join("\n")}`);
  return { ...run, elements, stacks };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const round = (v, digits = 3) => (Number.isFinite(v) ? Number(v.toFixed(digits)) : null);

function measureSynth() {
  const summaries = [];
  // One discarded run of each implementation, so all of them start with the same warm file cache.
  progress("warm-up runs (discarded)");
  for (const toolchain of toolchains) for (const impl of ["floor", "app", "product"]) synthOnce(toolchain, impl, 1);

  for (const n of options.ns) {
    // [toolchain, impl] pairs, every toolchain's runs interleaved with the others'.
    const impls = toolchains.flatMap((toolchain) => (n === 1 ? ["floor", "app", "product"] : ["floor", "product"]).map((impl) => [toolchain, impl]));
    const key = ([toolchain, impl]) => `${toolchain} ${impl}`;
    const runs = Object.fromEntries(impls.map((pair) => [key(pair), []]));
    const repeats = repeatsFor(n);
    for (let rep = 0; rep < repeats; rep++) {
      // Rotate the order each round so no implementation always runs first.
      const order = impls.map((_, i) => impls[(i + rep) % impls.length]);
      for (const [toolchain, impl] of order) {
        progress(`N=${n} ${toolchain} ${impl} run ${rep + 1}/${repeats}`);
        const run = synthOnce(toolchain, impl, n);
        runs[key([toolchain, impl])].push(run);
        emit({
          kind: "synth_run",
          toolchain,
          impl,
          n,
          rep: rep + 1,
          ok: run.status === 0,
          wall_s: round(run.wallS),
          cpu_s: round(run.cpuS),
          elements: run.elements,
          peak_mib: round(run.peakMiB, 1),
          load1: round(run.load1, 2),
        });
      }
    }
    for (const [toolchain, impl] of impls) {
      const all = runs[key([toolchain, impl])];
      const ok = all.filter((r) => r.status === 0);
      const wallS = ok.length ? median(ok.map((r) => r.wallS)) : NaN;
      const cpuS = ok.length ? median(ok.map((r) => r.cpuS)) : NaN;
      const elements = ok.length ? ok[0].elements : NaN;
      const summary = {
        kind: "synth",
        toolchain,
        impl,
        n,
        runs: all.length,
        failed: all.length - ok.length,
        wall_s: round(wallS),
        wall_min_s: ok.length ? round(Math.min(...ok.map((r) => r.wallS))) : null,
        elements,
        per_element_ms: round((wallS / elements) * 1000, 4),
        cpu_s: round(cpuS),
        cpu_per_element_ms: round((cpuS / elements) * 1000, 4),
        peak_mib: ok.length ? round(Math.max(...ok.map((r) => r.peakMiB)), 1) : null,
      };
      summaries.push(summary);
      emit(summary);
    }
    for (const [toolchain, impl] of impls.filter(([, i]) => i !== "floor")) {
      const floor = summaries.find((s) => s.toolchain === toolchain && s.impl === "floor" && s.n === n);
      const s = summaries.find((x) => x.toolchain === toolchain && x.impl === impl && x.n === n);
      emit({
        kind: "ratio",
        toolchain,
        impl,
        vs: "floor",
        n,
        wall: round(s.wall_s / floor.wall_s),
        per_element: round(s.per_element_ms / floor.per_element_ms),
        cpu_per_element: round(s.cpu_per_element_ms / floor.cpu_per_element_ms),
        peak: round(s.peak_mib / floor.peak_mib),
      });
    }
  }
  return summaries;
}

function jestCounts(text) {
  const tests = /Tests:\s+(.*?)(\d+) total/.exec(text);
  const suites = /Test Suites:\s+(.*?)(\d+) total/.exec(text);
  const num = (match, word) => {
    const m = match && new RegExp(`(\\d+) ${word}`).exec(match[1]);
    return m ? Number(m[1]) : 0;
  };
  return {
    suites: suites ? Number(suites[2]) : 0,
    tests: tests ? Number(tests[2]) : 0,
    passed: num(tests, "passed"),
    failed: num(tests, "failed"),
  };
}

function measureTests() {
  const results = [];
  for (const toolchain of toolchains) results.push(...measureTestsOn(toolchain));
  return results;
}

/**
 * `npm test` on `toolchain`: on the checkout's own, npm test itself; on cdktn through
 * toolchains/cdktn, its type check (toolchains/cdktn/tsconfig.json) and jest with CDK_TOOLCHAIN=cdktn.
 */
function measureTestsOn(toolchain) {
  const env = { ...process.env, CHECKPOINT_DISABLE: "1", CI: "true", CDK_TOOLCHAIN: toolchain };
  delete env.NODE_COMPILE_CACHE;
  const mapped = toolchain !== toolchains[0];
  const tscArgs = mapped ? ["--noEmit", "-p", path.join(path.relative(ROOT, CDKTN_DIR), "tsconfig.json")] : ["--noEmit"];
  const bin = (name) => path.join(ROOT, "node_modules", ".bin", name);
  const cacheDir = () => {
    const dir = newDir("jest-cache");
    fs.mkdirSync(dir);
    return dir;
  };
  const results = [];
  const jestCold = () => ["--no-cache", "--ci", `--cacheDirectory=${cacheDir()}`];
  const steps = [
    // The goal: the whole `npm test` (tsc --noEmit && jest), jest cold: no cache, fresh cache dir.
    {
      step: "npm_test",
      argv: () =>
        mapped
          ? ["/bin/sh", "-c", `"$0" ${tscArgs.join(" ")} && "$1" ${jestCold().join(" ")}`, bin("tsc"), bin("jest")]
          : ["npm", "test", "--", ...jestCold()],
    },
    // Its parts, for the breakdown.
    { step: "tsc", argv: () => [bin("tsc"), ...tscArgs] },
    { step: "jest", argv: () => [bin("jest"), "--no-cache", "--ci", `--cacheDirectory=${cacheDir()}`] },
  ];
  for (const { step, argv } of steps) {
    progress(`test suite: ${toolchain} ${step}`);
    const run = timed(argv(), { env });
    const output = `${run.stdout}\n${run.stderr}`;
    const record = {
      kind: "test",
      toolchain,
      step,
      ok: run.status === 0,
      exit: run.status,
      wall_s: round(run.wallS),
      cpu_s: round(run.cpuS),
      peak_mib: round(run.peakMiB, 1),
      load1: round(run.load1, 2),
      ...(step === "tsc" ? {} : jestCounts(output)),
    };
    if (run.status !== 0) {
      const tail = output.trim().split("\n").filter((l) => l.trim() !== "").slice(-15).join("\n");
      progress(`${step} exited ${run.status}; last lines:\n${tail}`);
    }
    results.push(record);
    emit(record);
  }
  return results;
}

/** The plan summary on a generated 5,000-change plan: median time to parse and summarize, and size. */
function measurePlanSummary() {
  progress(`plan summary: ${PLAN_SUMMARY_CHANGES} changes`);
  const run = spawnSync(process.execPath, [path.join(__dirname, "run-ts.js"), path.join(__dirname, "plan-summary.ts"), String(PLAN_SUMMARY_CHANGES), "5"], {
    cwd: ROOT,
    encoding: "utf8",
  });
  const line = run.stdout.trim().split("\n").pop() ?? "";
  if (run.status !== 0 || !line.startsWith("{")) {
    progress(`plan summary failed (exit ${run.status}):\n${run.stderr.trim()}`);
    const record = { kind: "plan_summary", ok: false, exit: run.status };
    emit(record);
    return record;
  }
  const record = { kind: "plan_summary", ok: true, ...JSON.parse(line) };
  emit(record);
  return record;
}

function versions() {
  const version = (pkg, dir = ROOT) => {
    try {
      return JSON.parse(fs.readFileSync(path.join(dir, "node_modules", pkg, "package.json"), "utf8")).version;
    } catch {
      return null;
    }
  };
  const cdktnDir = toolchains[0] === "cdktn" ? ROOT : CDKTN_DIR;
  return {
    toolchains,
    cdktf: version("cdktf"),
    provider_aws: version("@cdktf/provider-aws"),
    cdktn: version("cdktn", cdktnDir),
    cdktn_provider_aws: version("@cdktn/provider-aws", cdktnDir),
    esbuild: version("esbuild"),
  };
}

/**
 * bench/run-ts.js runs product.ts through the loader scripts/app.js uses (scripts/run-ts.js), so
 * product runs describe the app only while the app still runs main.ts through that loader.
 */
function runTsMirrorsApp() {
  const app = fs.readFileSync(path.join(ROOT, "scripts", "app.js"), "utf8");
  return /require\("\.\/run-ts"\)/.test(app) && /loadTypeScript\(/.test(app);
}
const mirrors = runTsMirrorsApp();
if (cdktnMissing) progress("toolchains/cdktn is not installed: measuring cdktf only (npm ci --prefix toolchains/cdktn, or npm run test:cdktn, installs it)");
if (!mirrors) {
  progress("WARNING: scripts/app.js no longer runs main.ts through scripts/run-ts.js's loadTypeScript; update bench/run-ts.js, or product.ts numbers do not describe the app");
}

emit({
  kind: "env",
  run_ts_mirrors_app: mirrors,
  node: process.version,
  cpus: os.cpus().length,
  mem_gib: round(os.totalmem() / 2 ** 30, 1),
  ...versions(),
  ns: options.synth ? options.ns : [],
  quick: options.quick,
  repeat: options.repeat ?? (options.quick ? 1 : "3 for N<=100, 1 above"),
});
const synth = options.synth ? measureSynth() : [];
const tests = options.tests ? measureTests() : [];
const planSummary = options.planSummary ? measurePlanSummary() : undefined;

// Goals.
const pass = (ok) => (ok === undefined ? "n/a" : ok ? "PASS" : "FAIL");
const get = (toolchain, impl, n) => synth.find((s) => s.toolchain === toolchain && s.impl === impl && s.n === n);
const goals = [];
for (const toolchain of toolchains) {
  const app = get(toolchain, "app", 1);
  const floor = get(toolchain, "floor", 1);
  const ratio = app && floor ? app.wall_s / floor.wall_s : NaN;
  goals.push({
    toolchain,
    goal: "default app synth wall, N=1, vs floor",
    measured: app ? `${app.wall_s.toFixed(3)} s / ${floor.wall_s.toFixed(3)} s = ${ratio.toFixed(2)}x` : "not run",
    limit: `<= ${GOALS.appWallRatio}x`,
    ok: app && floor ? ratio <= GOALS.appWallRatio : undefined,
  });
  const measuredNs = options.ns.filter((n) => get(toolchain, "product", n));
  const big = measuredNs.length ? Math.max(...measuredNs) : 1000;
  const product = get(toolchain, "product", big);
  const floorBig = get(toolchain, "floor", big);
  const perRatio = product && floorBig ? product.per_element_ms / floorBig.per_element_ms : NaN;
  const scaleNote = big === 1000 ? "" : ` (goal is at N=1000; largest run N=${big})`;
  goals.push({
    toolchain,
    goal: `product time per element, N=${big}, vs floor${scaleNote}`,
    measured: product
      ? `${product.per_element_ms.toFixed(4)} ms / ${floorBig.per_element_ms.toFixed(4)} ms = ${perRatio.toFixed(2)}x`
      : "not run",
    limit: `<= ${GOALS.perElementRatio}x`,
    ok: product && floorBig && big === 1000 ? perRatio <= GOALS.perElementRatio : undefined,
  });
  goals.push({
    toolchain,
    goal: `product peak memory, N=${big}${scaleNote}`,
    measured: product ? `${product.peak_mib.toFixed(0)} MiB` : "not run",
    limit: `< ${GOALS.synthPeakMiB} MiB`,
    ok: product && big === 1000 ? product.peak_mib < GOALS.synthPeakMiB : undefined,
  });
  const npmTest = tests.find((t) => t.toolchain === toolchain && t.step === "npm_test");
  goals.push({
    toolchain,
    goal: "npm test, cold (wall)",
    measured: npmTest
      ? `${npmTest.wall_s.toFixed(2)} s${npmTest.ok ? "" : ` (suite FAILED: exit ${npmTest.exit}, ${npmTest.failed ?? "?"} failed tests)`}`
      : "not run",
    limit: `< ${GOALS.testWallS} s`,
    ok: npmTest ? npmTest.wall_s < GOALS.testWallS : undefined,
  });
  goals.push({
    toolchain,
    goal: "npm test, cold (peak per process)",
    measured: npmTest ? `${npmTest.peak_mib.toFixed(0)} MiB` : "not run",
    limit: `< ${GOALS.testPeakMiB} MiB`,
    ok: npmTest ? npmTest.peak_mib < GOALS.testPeakMiB : undefined,
  });
}
const summary = planSummary?.ok ? planSummary : undefined;
goals.push({
  toolchain: "-",
  goal: `plan summary, ${PLAN_SUMMARY_CHANGES.toLocaleString("en-US")} changes (median, parse + summarize)`,
  measured: summary ? `${summary.median_ms} ms` : planSummary ? "FAILED" : "not run",
  limit: `< ${GOALS.planSummaryMs} ms`,
  ok: planSummary ? Boolean(summary) && summary.median_ms < GOALS.planSummaryMs : undefined,
});
goals.push({
  toolchain: "-",
  goal: `plan summary, ${PLAN_SUMMARY_CHANGES.toLocaleString("en-US")} changes (size)`,
  measured: summary ? `${summary.summary_chars.toLocaleString("en-US")} characters (full list: ${summary.full_chars.toLocaleString("en-US")})` : planSummary ? "FAILED" : "not run",
  limit: `<= ${GOALS.planSummaryChars.toLocaleString("en-US")} characters`,
  ok: planSummary ? Boolean(summary) && summary.summary_chars <= GOALS.planSummaryChars : undefined,
});
for (const g of goals) emit({ kind: "goal", toolchain: g.toolchain, goal: g.goal, measured: g.measured, limit: g.limit, result: pass(g.ok) });

if (!options.jsonOnly) {
  const out = [];
  const fmt = (v, d) => (v === null || v === undefined || Number.isNaN(v) ? "-" : Number(v).toFixed(d));
  if (synth.length) {
    out.push("", "Synth (wall = median of runs; peak = largest process, max over runs)", "");
    out.push("| N | toolchain | impl | runs | wall s | elements | ms/element | peak MiB | wall vs floor | per-element vs floor | CPU s | CPU/element vs floor |");
    out.push("|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    // Side by side: for each N, each implementation on every toolchain.
    const rows = [...synth].sort((a, b) => a.n - b.n || IMPL_ORDER.indexOf(a.impl) - IMPL_ORDER.indexOf(b.impl) || toolchains.indexOf(a.toolchain) - toolchains.indexOf(b.toolchain));
    for (const s of rows) {
      const floor = get(s.toolchain, "floor", s.n);
      const isFloor = s.impl === "floor";
      out.push(
        `| ${s.n} | ${s.toolchain} | ${s.impl} | ${s.runs}${s.failed ? ` (${s.failed} failed)` : ""} | ${fmt(s.wall_s, 3)} | ${fmt(s.elements, 0)} | ${fmt(s.per_element_ms, 4)} | ${fmt(s.peak_mib, 0)} | ${isFloor ? "1.00x" : `${fmt(s.wall_s / floor.wall_s, 2)}x`} | ${isFloor ? "1.00x" : `${fmt(s.per_element_ms / floor.per_element_ms, 2)}x`} | ${fmt(s.cpu_s, 2)} | ${isFloor ? "1.00x" : `${fmt(s.cpu_per_element_ms / floor.cpu_per_element_ms, 2)}x`} |`,
      );
    }
  }
  if (tests.length) {
    out.push("", "Test suite (cold: --no-cache, fresh --cacheDirectory)", "");
    out.push("| toolchain | step | exit | wall s | peak MiB | suites | tests |");
    out.push("|---|---|---:|---:|---:|---:|---:|");
    for (const t of tests) {
      out.push(`| ${t.toolchain} | ${t.step} | ${t.exit} | ${fmt(t.wall_s, 2)} | ${fmt(t.peak_mib, 0)} | ${t.suites ?? "-"} | ${t.tests === undefined ? "-" : `${t.passed}/${t.tests} passed`} |`);
    }
  }
  if (planSummary?.ok) {
    out.push("", `Plan summary (a generated plan of ${planSummary.changes} changes, ${(planSummary.plan_bytes / 2 ** 20).toFixed(1)} MiB of JSON)`, "");
    out.push("| runs | median ms | max ms | summary characters | full summary ms | full summary characters |");
    out.push("|---:|---:|---:|---:|---:|---:|");
    out.push(`| ${planSummary.runs} | ${planSummary.median_ms} | ${planSummary.max_ms} | ${planSummary.summary_chars} | ${planSummary.full_ms} | ${planSummary.full_chars} |`);
  }
  out.push("", "Goals", "");
  out.push("| toolchain | goal | measured | limit | result |");
  out.push("|---|---|---|---|---|");
  for (const g of goals) out.push(`| ${g.toolchain} | ${g.goal} | ${g.measured} | ${g.limit} | ${g.ok === false ? "**FAIL**" : pass(g.ok)} |`);
  const failed = goals.filter((g) => g.ok === false).length;
  out.push("", failed ? `FAIL: ${failed} goal(s) missed` : "All measured goals met");
  const broken = tests.filter((t) => !t.ok);
  if (broken.length) out.push(`Note: the test suite itself failed (${broken.map((t) => `${t.toolchain} ${t.step} exit ${t.exit}`).join(", ")}); its times still count.`);
  const loads = lines.filter((l) => typeof l.load1 === "number").map((l) => l.load1);
  if (loads.length && Math.max(...loads) > os.cpus().length * 0.75) {
    out.push(`Note: the machine was busy (1-minute load average up to ${Math.max(...loads).toFixed(2)} on ${os.cpus().length} cores); wall times are noisy, compare the ratios and CPU columns and rerun when idle.`);
  }
  if (!mirrors) out.push("Note: scripts/app.js no longer uses scripts/run-ts.js; the product rows may not describe the app until bench/run-ts.js is updated.");
  const failedSynth = synth.filter((s) => s.failed);
  if (cdktnMissing) out.push("Note: toolchains/cdktn is not installed, so CDK Terrain was not measured (npm ci --prefix toolchains/cdktn).");
  if (failedSynth.length) out.push(`Note: some synth runs failed: ${failedSynth.map((s) => `${s.toolchain} ${s.impl} N=${s.n}`).join(", ")}.`);
  process.stdout.write(`${out.join("\n")}\n`);
}
