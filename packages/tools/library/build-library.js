// npm run build (and prepack): the construct library in modules/ compiled to CommonJS with .d.ts
// declarations and source maps, twice from the same output:
//   dist/cdktf/  for CDK for Terraform, the package's root export;
//   dist/cdktn/  for CDK Terrain (`ses-firehose-events/cdktn`): the same files with their imports
//                of cdktf and @cdktf/provider-aws/lib/* naming cdktn and @cdktn/provider-aws/lib/*.
// Both names are five characters, so the source maps hold for both.
"use strict";
const fs = require("fs");
const path = require("path");
const { spawnSync } = require("child_process");
const { rewriteImports } = require("../migrate-cdktn/migrate-cdktn");

const ROOT = path.join(__dirname, "..", "..", "..");
const DIST = path.join(ROOT, "dist");
const CDKTF_OUT = path.join(DIST, "cdktf");
const CDKTN_OUT = path.join(DIST, "cdktn");

/** The text of a compiled file for CDK Terrain: `require("cdktf")` and `from "cdktf"` renamed. */
function forCdktn(text) {
  return rewriteImports(text);
}

function build() {
  fs.rmSync(DIST, { recursive: true, force: true });
  const tsc = path.join(ROOT, "node_modules", ".bin", "tsc");
  if (!fs.existsSync(tsc)) {
    process.stderr.write(`build: ${path.relative(ROOT, tsc)} is missing: run \`npm ci\` in ${ROOT} first (npm pack builds the library with the repository's TypeScript)\n`);
    process.exit(1);
  }
  const result = spawnSync(tsc, ["-p", path.join(ROOT, "tsconfig.build.json")], { cwd: ROOT, stdio: "inherit" });
  if (result.error) process.stderr.write(`build: ${path.relative(ROOT, tsc)} did not run: ${result.error.message}\n`);
  if (result.status !== 0) process.exit(result.status ?? 1);
  // Every file, modules/private/ included.
  for (const entry of fs.readdirSync(CDKTF_OUT, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.relative(CDKTF_OUT, path.join(entry.parentPath, entry.name));
    const text = fs.readFileSync(path.join(CDKTF_OUT, file), "utf8");
    fs.mkdirSync(path.dirname(path.join(CDKTN_OUT, file)), { recursive: true });
    fs.writeFileSync(path.join(CDKTN_OUT, file), file.endsWith(".map") ? text : forCdktn(text));
  }
}

if (require.main === module) build();

module.exports = { forCdktn };
