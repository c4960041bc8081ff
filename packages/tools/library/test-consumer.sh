#!/usr/bin/env bash
# npm run test:consumer: the construct library as a platform team gets it.
#   1. npm pack (prepack builds dist/) and a check that the tarball holds only dist/ and the docs;
#   2. for CDK for Terraform and for CDK Terrain: a fresh project outside the repository with the
#      toolchain pinned in packages/tools/library/consumer/<toolchain>/package.json, the tarball installed into it;
#   3. npm ls: one copy of constructs and of cdktf (cdktn), and every peer range met;
#   4. tsc with strict, exactOptionalPropertyTypes, noUncheckedIndexedAccess and skipLibCheck
#      false on packages/tools/library/consumer/main.ts, a stack using the construct twice;
#   5. synthesizes it (CDK Terrain on the Node.js 22 its project installs) and checks the JSON
#      (packages/tools/library/consumer/check.js);
#   6. npm run docs -- --check: the API reference in docs/api (and the settings reference) is what
#      npm run docs makes of the library's TSDoc today.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
CONSUMER="$ROOT/packages/tools/library/consumer"
export CHECKPOINT_DISABLE=1
log() { printf 'test:consumer: %s\n' "$*" >&2; }

WORK="$(mktemp -d -t ses-events-consumer.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT

log "npm pack"
TARBALL="$WORK/$(cd "$ROOT" && npm pack --silent --pack-destination "$WORK" | tail -n 1)"
tar -tzf "$TARBALL" | sort > "$WORK/contents"
if grep -Ev '^package/(dist/(cdktf|cdktn)/(private/)?[a-z-]+\.(js|d\.ts|js\.map)|package\.json|README\.md|CHANGELOG\.md|LICENSE)$' "$WORK/contents"; then
  log "the tarball holds the files above, which a consumer does not need: narrow package.json's files"
  exit 1
fi
# A checkout switched to CDK Terrain for good (npm run migrate:cdktn) builds the library for it alone.
TOOLCHAINS=(cdktf cdktn)
[[ "$(node -p 'require(process.argv[1]).installedToolchain()' "$ROOT/scripts/toolchain.js")" == cdktn ]] && TOOLCHAINS=(cdktn)
for toolchain in cdktf cdktn; do
  grep -qx "package/dist/$toolchain/index.d.ts" "$WORK/contents" || { log "the tarball lacks dist/$toolchain/index.d.ts"; exit 1; }
done
log "$(basename "$TARBALL"): $(wc -l < "$WORK/contents") files, $(du -k "$TARBALL" | cut -f1) KiB"

for toolchain in "${TOOLCHAINS[@]}"; do
  project="$WORK/$toolchain"
  mkdir -p "$project"
  cp "$CONSUMER/$toolchain/package.json" "$CONSUMER/tsconfig.json" "$project/"
  if [[ "$toolchain" == cdktn ]]; then
    node -e '
      const { rewriteImports } = require(process.argv[1]);
      const text = require("fs").readFileSync(process.argv[2], "utf8");
      process.stdout.write(rewriteImports(text).replace(/from "ses-firehose-events"/g, "from \"ses-firehose-events/cdktn\""));
    ' "$ROOT/packages/tools/migrate-cdktn/migrate-cdktn.js" "$CONSUMER/main.ts" > "$project/main.ts"
  else
    cp "$CONSUMER/main.ts" "$project/main.ts"
  fi
  log "$toolchain: npm install (the toolchain and the tarball) in $project"
  (cd "$project" && npm install --no-audit --no-fund --loglevel=error "$TARBALL" >/dev/null)

  log "$toolchain: npm ls (one copy each, peer ranges met)"
  (cd "$project" && npm ls --all >/dev/null) || { log "$toolchain: npm ls found a missing, extraneous or invalid package (above)"; exit 1; }
  for name in constructs "$toolchain"; do
    copies="$(cd "$project" && npm ls "$name" --all --parseable | sort -u | wc -l)"
    [[ "$copies" -eq 1 ]] || { log "$toolchain: $copies copies of $name installed, expected 1"; (cd "$project" && npm ls "$name" --all) >&2; exit 1; }
  done

  log "$toolchain: tsc (strict, exactOptionalPropertyTypes, noUncheckedIndexedAccess, skipLibCheck false)"
  (cd "$project" && node_modules/.bin/tsc -p tsconfig.json)

  node="node"
  if [[ "$toolchain" == cdktn && -x "$project/node_modules/.bin/node" ]] && "$project/node_modules/.bin/node" --version >/dev/null 2>&1; then
    node="$project/node_modules/.bin/node"
  fi
  log "$toolchain: synth on node $("$node" --version)"
  (cd "$project" && CDKTF_OUTDIR="$project/out" "$node" dist/main.js)
  node "$CONSUMER/check.js" "$project/out/stacks/consumer/cdk.tf.json" "$toolchain"
done
log "npm run docs -- --check"
(cd "$ROOT" && node packages/tools/docs/docs.js --check)
log "passed"
