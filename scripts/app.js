#!/usr/bin/env node
// The app command of cdktf.json: runs main.ts (see run-ts.js).
"use strict";
const path = require("path");
const { loadTypeScript } = require("./run-ts");
const { ToolchainError } = require("./toolchain");

try {
  loadTypeScript(path.join(__dirname, "..", "main.ts"));
} catch (error) {
  if (!(error instanceof ToolchainError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}
