#!/usr/bin/env bash
# npm run terraform:check [-- --update-fixtures] [--keep] [--profile NAME]
#
# Runs the real Terraform and the real AWS provider on what the app synthesizes, against a local
# AWS API emulator (ministack, its IAM evaluation on) on 127.0.0.1, for every profile:
#   default            the stacks of cdktf.json as configured
#   all-options        scripts/scan-all-options.json (every option on, import blocks adopting
#                      objects seeded into the emulator)
#   multi-environment  scripts/terraform-check/profiles/multi-environment.json (two stacks)
#   organization       scripts/terraform-check/profiles/organization.json (a lake and three source
#                      stacks in three accounts and two Regions; scripts/terraform-check/organization.sh)
# and each again as cdktn-<profile>, synthesized by CDK Terrain (toolchains/cdktn).
# For each stack: init (hashicorp/aws from a local filesystem mirror) and validate (no error, no
# warning); plan, show -json and the plan summary; apply of every resource; a second plan that
# must be empty (no attribute excluded); the destroy (a plan deleting all, or, with
# prevent_destroy, a destroy refused before any change). On the default stack: events through
# what was applied, the saved queries over what was delivered and the IAM expectations
# (event-flow.py, check-queries.ts); then change plans (in-place update, replacement, IAM
# statement, rename) checked against expectations.js. Writes .scratch/terraform-check/summary.json
# (summary.js). --update-fixtures writes the plans to __tests__/fixtures/plans/real/. --keep keeps
# the scratch directory (.scratch/terraform-check). --profile NAME checks one profile only.
#
# The provider is built from its Go module (scripts/terraform-check/provider.sh) and cached in
# ~/.cache/ses-events/; ministack is installed into .venv-mock/. Nothing leaves the machine
# (scripts/terraform-check/isolation.sh). Exit status: 0 ok, 1 a check failed, 2 setup error.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
LIB="scripts/terraform-check"

log() { printf 'terraform-check: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 2; }
fail() { log "FAILED: $*"; exit 1; }
# A failure that leaves the other profiles to run: the check fails at the end, naming it again.
DEFERRED_FAILURES=()
defer_failure() { log "FAILED: $* (the other checks go on)"; DEFERRED_FAILURES+=("$*"); }

source "$LIB/provider.sh"
source "$LIB/mock.sh"
source "$LIB/isolation.sh"
source "$LIB/stack.sh"
source "$LIB/organization.sh"

TERRAFORM_VERSION="1.11.4"
KEEP=0
SCRATCH="$ROOT/.scratch/terraform-check"
FIXTURES="__tests__/fixtures/plans/real"
# Resource types the emulator cannot create: planned, never applied (none: every type applies).
UNSUPPORTED_TYPES=""

check_tools() {
  command -v terraform >/dev/null ||
    die "terraform not found: install Terraform $TERRAFORM_VERSION (https://developer.hashicorp.com/terraform/install)"
  local have
  have="$(TF_CLI_CONFIG_FILE=/dev/null terraform version -json | node -e 'console.log(JSON.parse(require("fs").readFileSync(0, "utf8")).terraform_version)')"
  [[ "$have" == "$TERRAFORM_VERSION" ]] ||
    log "warning: terraform $have found; CI and the saved plans use $TERRAFORM_VERSION"
  [[ -x node_modules/.bin/cdktf ]] || die "node_modules/.bin/cdktf not found: run npm ci first"
}

# Synthesizes a profile from its context alone (like scripts/scan.sh: settings from the
# environment would change what is checked).
synth_profile() { # CONTEXT_FILE OUT_DIR
  rm -rf "$2" && mkdir -p "$(dirname "$2")"
  env -u AWS_REGION -u TF_WORKSPACE $(compgen -e | grep -E '^(SES_EVENTS_|TF_CLOUD_)' | sed 's/^/-u /') \
    CHECKPOINT_DISABLE=1 CDKTF_CONTEXT_JSON="$(cat "$1")" CDKTF_OUTDIR="$2" node scripts/app.js >&2 ||
    fail "synthesizing $1 failed"
}

profile_stacks() { # SYNTH_DIR: prints "name path" per stack of the manifest
  node -e '
    const path = require("path");
    const dir = process.argv[1];
    const { stacks } = require(path.resolve(dir, "manifest.json"));
    for (const [name, stack] of Object.entries(stacks)) console.log(name, path.join(dir, stack.synthesizedStackPath));
  ' "$1"
}

# The same profiles synthesized by CDK Terrain (CDK_TOOLCHAIN=cdktn, toolchains/cdktn), as
# cdktn-<profile>: init, validate, plan, apply, the empty second plan and the destroy step.
check_cdktn() { # ONLY
  local only="$1" set="toolchains/cdktn"
  if ! cmp -s "$set/package-lock.json" "$set/node_modules/.installed-package-lock.json"; then
    log "cdktn: installing $set (npm ci)"
    npm ci --prefix "$set" --no-audit --no-fund >&2 || die "cdktn: npm ci in $set failed"
    cp "$set/package-lock.json" "$set/node_modules/.installed-package-lock.json"
  fi
  export CDK_TOOLCHAIN=cdktn DISABLE_VERSION_CHECK=1
  if [[ -z "$only" || "$only" == default ]]; then
    check_profile cdktn-default "$SCRATCH/default.context.json"
    log "cdktn: NOTE its stacks pin hashicorp/aws $(node -e 'console.log(require(process.argv[1]).terraform.required_providers.aws.version)' \
      "$(profile_stacks "$SCRATCH/cdktn-default/synth" | head -n 1 | cut -d' ' -f2)"), the check runs $PROVIDER_VERSION (the newest the Go module proxy serves that this machine builds)"
  fi
  if [[ -z "$only" || "$only" == all-options ]]; then
    check_profile cdktn-all-options scripts/scan-all-options.json "$LIB/profiles/all-options.seed.json"
  fi
  if [[ -z "$only" || "$only" == multi-environment ]]; then
    check_profile cdktn-multi-environment "$LIB/profiles/multi-environment.json"
  fi
  unset CDK_TOOLCHAIN DISABLE_VERSION_CHECK
}

check_profile() { # NAME CONTEXT_FILE [SEED_FILE] [NO_APPLY_REASON]
  local profile="$1" context="$2" seed="${3:-}" no_apply="${4:-}"
  log "== profile $profile ($context)"
  reset_mock
  [[ -z "$seed" ]] || seed_mock "$seed" >&2
  synth_profile "$context" "$SCRATCH/$profile/synth"
  local name file
  while read -r name file; do
    check_stack "$profile" "$name" "$file" "$no_apply"
  done < <(profile_stacks "$SCRATCH/$profile/synth")
}

# .scratch/terraform-check/summary.json (summary.js), from each applied stack's record.
write_summary() {
  local parts=() file profile
  for file in "$SCRATCH"/*/*/summary.json; do
    [[ -f "$file" ]] || continue
    profile="${file#"$SCRATCH/"}"
    parts+=("${profile%%/*}=$file")
  done
  node "$LIB/summary.js" "$SCRATCH/summary.json" "hashicorp/aws $PROVIDER_VERSION" \
    "ministack $(mock_version) for every service ($(IFS=,; echo "${PROVIDER_SERVICES[*]}"))" \
    "$SCRATCH/event-flow.json" "$SCRATCH/queries.json" "${parts[@]}"
}

main() {
  local update_fixtures=0 only=""
  while (($#)); do
    case "$1" in
      --update-fixtures) update_fixtures=1 ;;
      --keep) KEEP=1 ;;
      --profile) only="${2:-}"; shift ;;
      *) die "usage: npm run terraform:check [-- --update-fixtures] [--keep] [--profile default|all-options|multi-environment|organization]" ;;
    esac
    shift
  done
  case "$only" in
    "" | default | all-options | multi-environment | organization) ;;
    *) die "--profile '$only': use default, all-options, multi-environment or organization" ;;
  esac
  ((update_fixtures == 0)) || [[ -z "$only" ]] || die "--update-fixtures needs every profile: leave out --profile"
  local started=$SECONDS
  check_tools
  rm -rf "$SCRATCH" && mkdir -p "$SCRATCH"
  ensure_provider "$SCRATCH/terraformrc"
  log "provider: hashicorp/aws $PROVIDER_VERSION ($PROVIDER_MODULE@$PROVIDER_MODULE_VERSION), services: ${PROVIDER_SERVICES[*]}"
  log "provider: NOTE the synthesized JSON pins $PROVIDER_PINNED_VERSION, which the Go module proxy does not serve; every copy is rewritten to $PROVIDER_VERSION"
  ensure_mock_venv
  start_mock "$SCRATCH/ministack.log"
  trap 'stop_mock; ((KEEP)) || rm -rf "$SCRATCH"/{,cdktn-}{default,all-options,multi-environment,organization} "$SCRATCH/ministack"' EXIT
  provider_endpoint_names "$SCRATCH/endpoints.json"
  prove_isolation "$SCRATCH/isolation"
  collect_mock_evidence "$SCRATCH/mock-evidence.json"

  if [[ -z "$only" || "$only" == default ]]; then
    node -e 'console.log(JSON.stringify(require("./cdktf.json").context))' >"$SCRATCH/default.context.json"
    check_profile default "$SCRATCH/default.context.json"
    check_change_plans default
  fi
  if [[ -z "$only" || "$only" == all-options ]]; then
    check_profile all-options scripts/scan-all-options.json "$LIB/profiles/all-options.seed.json"
  fi
  if [[ -z "$only" || "$only" == multi-environment ]]; then
    check_profile multi-environment "$LIB/profiles/multi-environment.json"
  fi
  if [[ -z "$only" || "$only" == organization ]]; then
    check_organization organization
  fi

  check_cdktn "$only"

  if ((update_fixtures)); then
    save_fixtures
  fi
  write_summary
  local failure
  for failure in "${DEFERRED_FAILURES[@]}"; do log "FAILED: $failure"; done
  ((${#DEFERRED_FAILURES[@]} == 0)) || exit 1
  log "ok: every profile validates, plans and applies whole, and the plans after apply are empty ($((SECONDS - started)) s)"
}

main "$@"
