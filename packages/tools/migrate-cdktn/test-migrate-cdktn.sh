#!/usr/bin/env bash
# npm run test:migrate-cdktn: tries `npm run migrate:cdktn` on a clone of this checkout's last
# commit (in a temporary folder, removed afterwards), then checks, in the clone:
#   - with an uncommitted change it refuses, exit 1, and changes nothing;
#   - it switches the clone: no cdktf left in package.json, the lockfile or any import;
#   - a second run, before the change is committed, reports nothing to change;
#   - npm ci && npx cdktn synth, then npm test, pass, on the Node.js the clone itself installs
#     (cdktn-cli needs 22.19 or later: the migrated package.json carries the Node.js 22 of
#     toolchains/cdktn for Linux x64), else on the `node` found on PATH;
#   - once its change is committed, running it again changes nothing.
# On a checkout already switched for good, only the last check applies (with a new untracked file
# importing cdktf, it refuses): its own npm test and test:cdktn test the rest.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
export CHECKPOINT_DISABLE=1 DISABLE_VERSION_CHECK=1
unset CDK_TOOLCHAIN

log() { printf 'test:migrate-cdktn: %s\n' "$*" >&2; }
fail() { log "FAILED: $*"; exit 1; }

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
CLONE="$WORK/clone"
git clone --quiet "$ROOT" "$CLONE"
cd "$CLONE"
git config user.email "ci@localhost"
git config user.name "CI"

if [[ "$(node -p 'require("./scripts/toolchain").installedToolchain()')" == "cdktn" ]]; then
  log "already on CDK Terrain: a run changes nothing"
  npm run --silent migrate:cdktn | tee "$WORK/again.out"
  grep -q "already on CDK Terrain" "$WORK/again.out" || fail "the run reported changes"
  [[ -z "$(git status --porcelain)" ]] || fail "the run changed files: $(git status --porcelain)"
  log "refuses a new untracked file that imports cdktf"
  printf 'import { App } from "cdktf";\n' >late.ts
  if npm run --silent migrate:cdktn >"$WORK/refused.out" 2>&1; then fail "migrate:cdktn ran on uncommitted changes"; fi
  grep -q "migrate:cdktn: uncommitted changes in" "$WORK/refused.out" || fail "unexpected refusal: $(cat "$WORK/refused.out")"
  log "passed"
  exit 0
fi

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
left=0
git grep -nE "(from |require\()[\"'](cdktf|@cdktf/provider-aws)[\"/]" -- '*.ts' '*.js' ':(exclude)packages/tools/migrate-cdktn/migrate-cdktn.js' ':(exclude)packages/tools/__tests__/migrate-cdktn.test.ts' || left=$?
case "$left" in
  0) fail "imports of cdktf are left" ;;
  1) ;; # none
  *) fail "git grep failed (exit $left)" ;;
esac
[[ ! -e toolchains/cdktn ]] || fail "toolchains/cdktn is left"

log "a second run before the commit changes nothing"
git status --porcelain >"$WORK/status.before"
npm run --silent migrate:cdktn | tee "$WORK/again.out"
grep -q "already on CDK Terrain" "$WORK/again.out" || fail "the second run reported changes"
git status --porcelain | cmp -s - "$WORK/status.before" || fail "the second run changed files"

log "npm ci && npx cdktn synth"
npm ci --no-audit --no-fund --loglevel=error
log "npm exec runs node $(npm exec --no -c "node --version")"
npx cdktn synth >"$WORK/synth.out" 2>&1 || { tail -40 "$WORK/synth.out"; fail "cdktn synth"; }
node -e '
  const aws = JSON.parse(require("fs").readFileSync("cdktf.out/stacks/ses-events/cdk.tf.json", "utf8")).terraform.required_providers.aws;
  if (aws.source !== "hashicorp/aws") throw new Error(`expected hashicorp/aws, got ${JSON.stringify(aws)}`);
'

log "npm test"
npm test

log "a run after the commit changes nothing"
git add --all && git commit --quiet -m "Switch to CDK Terrain"
npm run --silent migrate:cdktn | tee "$WORK/again.out"
grep -q "already on CDK Terrain" "$WORK/again.out" || fail "the run after the commit reported changes"
[[ -z "$(git status --porcelain)" ]] || fail "the run after the commit changed files: $(git status --porcelain)"
log "passed"
