#!/usr/bin/env bash
# npm run test:cdktn [-- jest options]: the project on CDK Terrain (cdktn) from the same source.
#   1. installs toolchains/cdktn (npm ci there) unless its lockfile is already what is installed
#      and its packages are all there;
#   2. checks with npm ls that what is installed matches the lockfile and every peer range
#      (cdktn 0.24 and @cdktn/provider-aws 25.7 want constructs below 10.8);
#   3. type-checks with cdktf's module names mapped to cdktn (toolchains/cdktn/tsconfig.json);
#   4. runs the whole jest suite with CDK_TOOLCHAIN=cdktn;
#   5. synthesizes the default app with `cdktn synth` into a temporary folder and checks it.
# Runs on the Node.js 22 the set installs on Linux x64 (cdktn-cli needs 22.19 or later), else on
# the `node` found on PATH. A checkout switched with `npm run migrate:cdktn` is tested the same
# way from its own node_modules.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SET="toolchains/cdktn"

export CHECKPOINT_DISABLE=1     # no checkpoint (update and telemetry) calls
export DISABLE_VERSION_CHECK=1  # no cdktn-cli "new version" check
export CDK_TOOLCHAIN=cdktn

log() { printf 'test:cdktn: %s\n' "$*" >&2; }

if [[ "$(node -p 'require("./scripts/toolchain").installedToolchain()')" == "cdktf" ]]; then
  [[ -f "$SET/package.json" && -f "$SET/package-lock.json" ]] || { log "$SET/package.json or package-lock.json is missing: restore them (git checkout -- $SET)"; exit 1; }
  node -e 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))' "$SET/package-lock.json" 2>/dev/null ||
    { log "$SET/package-lock.json is not valid JSON: restore it (git checkout -- $SET/package-lock.json)"; exit 1; }
  if ! cmp -s "$SET/package-lock.json" "$SET/node_modules/.installed-package-lock.json" ||
    ! node -e 'process.exit(require("./scripts/toolchain").cdktnInstalled() ? 0 : 1)' || [[ ! -x "$SET/node_modules/.bin/cdktn" ]]; then
    log "installing $SET (npm ci)"
    npm ci --prefix "$SET" --no-audit --no-fund
    cp "$SET/package-lock.json" "$SET/node_modules/.installed-package-lock.json"
  fi
  PACKAGES="$SET"
  BIN="$ROOT/$SET/node_modules/.bin"
  TSCONFIG="$SET/tsconfig.json"
else
  PACKAGES="."                    # switched for good: cdktn is the project's own
  BIN="$ROOT/node_modules/.bin"
  TSCONFIG="tsconfig.json"
fi
log "npm ls --prefix $PACKAGES (the lockfile's versions and every peer range)"
npm ls --prefix "$PACKAGES" --all >/dev/null ||
  { log "what $PACKAGES/node_modules holds breaks its package.json or a peer range (npm's errors above)"; exit 1; }
# The set's Node.js 22 when it runs here (a glibc Linux x64), else the node on PATH if new enough.
if [[ -x "$BIN/node" ]] && "$BIN/node" --version >/dev/null 2>&1; then export PATH="$BIN:$PATH"; fi
node -e 'require("./scripts/toolchain").exitOnToolchainError(() => require("./scripts/toolchain").assertNodeForCdktnCli())'
log "node $(node --version)"

log "type check ($TSCONFIG)"
node_modules/.bin/tsc --noEmit -p "$TSCONFIG"

log "jest"
node_modules/.bin/jest "$@"

OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT
log "cdktn synth --output $OUT"
env -u AWS_REGION -u TF_WORKSPACE $(compgen -e | grep -E '^(SES_EVENTS_|TF_CLOUD_)' | sed 's/^/-u /') \
  "$BIN/cdktn" synth --output "$OUT" >/dev/null
STACK="$OUT/stacks/ses-events/cdk.tf.json"
node -e '
  const aws = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).terraform.required_providers.aws;
  if (aws.source !== "hashicorp/aws") throw new Error(`expected the hashicorp/aws provider, got ${JSON.stringify(aws)}`);
  console.error(`test:cdktn: synthesized ${process.argv[1]} (${aws.source} ${aws.version})`);
' "$STACK"
