#!/usr/bin/env node
// Runs a TypeScript entry the way scripts/app.js runs main.ts, through the project's own loader
// (scripts/run-ts.js: esbuild in memory, then a CommonJS module), so the bench follows any change
// to it. Same call depth as the app, too: cdktf records a stack trace per token, so depth costs time.
//
//   node bench/run-ts.js <entry.ts> [args...]     (the entry sees process.argv = [node, entry, ...args])
"use strict";
const path = require("path");
const { loadTypeScript } = require("../scripts/run-ts");
const { exitOnToolchainError } = require("../scripts/toolchain");

const entry = process.argv[2] ? path.resolve(process.argv[2]) : "";
if (!entry.endsWith(".ts")) {
  process.stderr.write("usage: node bench/run-ts.js <entry.ts> [args...]\n");
  process.exit(2);
}
process.argv.splice(1, 2, entry);
exitOnToolchainError(() => loadTypeScript(entry));
