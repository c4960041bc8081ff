#!/usr/bin/env bash
# npm run test:migrate-cdktn: tries `npm run migrate:cdktn` on a clone of this checkout's last
# commit (in a temporary folder, removed afterwards), then checks, in the clone:
#   - with an uncommitted change it refuses, exit 1, and changes nothing;
#   - it switches the clone: no cdktf left in package.json, the lockfile or any import;
#   - npm ci && npx cdktn synth, then npm test, pass;
#   - once its change is committed, running it again changes nothing.
# cdktn-cli needs Node.js 22.19 or later: the one toolchains/cdktn installs is used when present.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CHECKPOINT_DISABLE=1 DISABLE_VERSION_CHECK=1
unset CDK_TOOLCHAIN
[[ -x "$ROOT/toolchains/cdktn/node_modules/.bin/node" ]] && export PATH="$ROOT/toolchains/cdktn/node_modules/.bin:$PATH"

log() { printf 'test:migrate-cdktn: %s\n' "$*" >&2; }
fail() { log "FAILED: $*"; exit 1; }

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
CLONE="$WORK/clone"
git clone --quiet "$ROOT" "$CLONE"
cd "$CLONE"
git config user.email "ci@localhost"
git config user.name "CI"

log "refuses to run on uncommitted changes"
echo "local edit" >>README.md
if npm run --silent migrate:cdktn >"$WORK/refused.out" 2>&1; then fail "migrate:cdktn ran on uncommitted changes"; fi
grep -q "migrate:cdktn: uncommitted changes in" "$WORK/refused.out" || fail "unexpected refusal: $(cat "$WORK/refused.out")"
[[ "$(git status --porcelain)" == " M README.md" ]] || fail "the refused run changed files: $(git status --porcelain)"
git checkout --quiet README.md

log "migrates (node $(node --version))"
npm run --silent migrate:cdktn
if grep -nE '"(cdktf|@cdktf/provider-aws|cdktf-cli)"' package.json; then fail "package.json still names cdktf"; fi
if grep -nE '"node_modules/(cdktf|@cdktf/provider-aws|cdktf-cli)"' package-lock.json; then fail "package-lock.json still installs cdktf"; fi
if git grep -nE "(from |require\()[\"'](cdktf|@cdktf/provider-aws)[\"/]" -- '*.ts' '*.js' ':!scripts/migrate-cdktn.js' ':!__tests__/migrate-cdktn.test.ts'; then fail "imports of cdktf are left"; fi
[[ ! -e toolchains/cdktn ]] || fail "toolchains/cdktn is left"

log "npm ci && npx cdktn synth"
npm ci --no-audit --no-fund --loglevel=error
npx cdktn synth >"$WORK/synth.out" 2>&1 || { tail -40 "$WORK/synth.out"; fail "cdktn synth"; }
node -e '
  const aws = JSON.parse(require("fs").readFileSync("cdktf.out/stacks/ses-events/cdk.tf.json", "utf8")).terraform.required_providers.aws;
  if (aws.source !== "hashicorp/aws") throw new Error(`expected hashicorp/aws, got ${JSON.stringify(aws)}`);
'

log "npm test"
npm test

log "a second run changes nothing"
git add --all && git commit --quiet -m "Switch to CDK Terrain"
npm run --silent migrate:cdktn | tee "$WORK/again.out"
grep -q "already on CDK Terrain" "$WORK/again.out" || fail "the second run reported changes"
[[ -z "$(git status --porcelain)" ]] || fail "the second run changed files: $(git status --porcelain)"
log "passed"
