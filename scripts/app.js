#!/usr/bin/env node
// The app command of cdktf.json: runs main.ts (see run-ts.js).
"use strict";
const path = require("path");
const { loadTypeScript } = require("./run-ts");
const { exitOnToolchainError } = require("./toolchain");

exitOnToolchainError(() => loadTypeScript(path.join(__dirname, "..", "main.ts")));
