#!/usr/bin/env bash
# npm run terraform:check [-- --faults] [--all] [--profile NAME] [--toolchain cdktf|cdktn]
#                          [--terraform VERSION] [--stack DIR] [--update-fixtures | --update-fixture NAME] [--keep]
#
# Runs the real Terraform and the real AWS provider on what the app synthesizes, against a local
# AWS API emulator (ministack, its IAM evaluation on, corrected by
# packages/terraform-check/ministack-server.py) on 127.0.0.1.
#
# What runs is a list of runs, each a profile (PROFILES below: the settings it is synthesized
# from, the objects seeded into the emulator first) on a toolchain (cdktf, or CDK Terrain as
# cdktn-<profile>) with a Terraform version, and the checks made on its applied stacks (CHECKS):
# by default CI's covering matrix (MATRIX: every profile once; each toolchain and each Terraform
# version on the default profile with its events); --all: every profile on every toolchain;
# --profile, --toolchain and --terraform narrow either (--all with --terraform: every profile on that
# Terraform). The Terraform versions: 1.11.4 (installed; the oldest the README supports with S3
# locking) and 1.16.4 (the newest the Go module proxy serves, built from its Go module into
# ~/.cache/ses-events/terraform/, packages/terraform-check/terraform-build.sh).
# For each stack: init (hashicorp/aws from a local filesystem mirror) and validate (no error, no
# warning); plan, show -json and the plan summary; apply of every resource; a second plan that
# must be empty (no attribute excluded); the destroy (a plan deleting all, or, with
# prevent_destroy, a destroy refused before any change). Then the run's checks:
#   events   events through what was applied, SES played from the applied event destinations,
#            Firehose writing as its delivery role, and the IAM probes (event-flow.py)
#   queries  the saved queries over what was delivered, against their hand-worked answers
#            (check-queries.ts; the answers are worked out for the default settings)
#   changes  the change plans (in-place update, replacement, IAM statement, rename) checked
#            against expectations.js
#   switch   (a JSON profile) the stack switched to Parquet in place, events sent on both sides, and
#            the saved queries answering across the switch (stack.sh, check_format_switch)
#   organization  events through every source stack into the lake stack, each source's delivery
#            role writing under its own account and Region there, the lake bucket's policy probed
#            from each account and from one outside it, and the lake's saved queries per account
#            and Region (organization.sh: organization.py, check-lake-queries.ts)
# A stack pinned to an account (allowed_account_ids) is applied as that account, and a stack without
# a delivery stream (a lake) before the others (organization.sh).
# --faults: after the default run, seeds each fault of packages/terraform-check/faults.js into
# the applied default stack (terraform apply of the edited copy), requires the check the fault
# names to catch it, and puts the stack back.
# --stack DIR: only the stack synthesized in DIR (the folder holding cdk.tf.json), with the events,
# queries and IAM checks; nothing else.
# Writes .scratch/terraform-check/summary.json (summary.js). --update-fixtures runs the default (with its
# change plans) and all-options profiles on cdktf with one Terraform (--terraform, 1.11.4 by default) and
# writes their plans to packages/plan-summary/__tests__/fixtures/plans/real/VERSION/ (--update-fixture NAME:
# that one only). --keep keeps the scratch directory (.scratch/terraform-check).
#
# The provider is built from its Go module (packages/terraform-check/provider.sh) and cached in
# ~/.cache/ses-events/; ministack is installed into .venv-mock/. Nothing leaves the machine
# (packages/terraform-check/isolation.sh). Exit status: 0 ok, 1 a check failed (each named), 2 setup error.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
LIB="packages/terraform-check"

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
source "$LIB/terraform-build.sh"
source "$LIB/organization.sh"

TERRAFORM_VERSION="$TERRAFORM_OLDEST"
KEEP=0
SCRATCH="$ROOT/.scratch/terraform-check"
# The real plans the plan summary's tests read: one folder per Terraform version (save_fixtures).
FIXTURES_ROOT="packages/plan-summary/__tests__/fixtures/plans/real"
# Resource types the emulator cannot create: planned, never applied (none: every type applies).
UNSUPPORTED_TYPES=""

# The profiles: NAME|CONTEXT|SEED. CONTEXT is the JSON context the app is synthesized from
# ("cdktf.json": that file's context); SEED, when not "-", what seed-mock.py creates in the emulator
# before the first plan (what import blocks adopt, a KMS key, ...). Adding a profile is one line here
# and one line in MATRIX.
PROFILES=(
  "default|cdktf.json|-"
  "all-options|scripts/scan-all-options.json|$LIB/profiles/all-options.seed.json"
  "multi-environment|$LIB/profiles/multi-environment.json|-"
  "json|$LIB/profiles/json.json|-"
  "organization|$LIB/profiles/organization.json|-"
  "organization-id|$LIB/profiles/organization-id.json|$LIB/profiles/organization-id.seed.json"
)

# CI's covering matrix: PROFILE TOOLCHAIN TERRAFORM CHECKS (comma-separated, "-" for none). Every
# profile once; each toolchain and each Terraform version on the default profile with its events.
# The first default run with "changes" is the one --faults seeds into.
MATRIX=(
  "default cdktf $TERRAFORM_VERSION events,queries,changes"
  "default cdktn $TERRAFORM_VERSION events,queries"
  "all-options cdktf $TERRAFORM_VERSION events"
  "multi-environment cdktn $TERRAFORM_VERSION -"
  "json cdktf $TERRAFORM_VERSION events,queries,switch"
  "organization cdktf $TERRAFORM_VERSION organization"
  "organization-id cdktn $TERRAFORM_VERSION organization"
  "default cdktf $TERRAFORM_NEWEST events,queries"
)
TOOLCHAINS=(cdktf cdktn)

profile_field() { # NAME FIELD(1 context, 2 seed): prints it, or fails for an unknown profile
  local entry
  for entry in "${PROFILES[@]}"; do
    if [[ "${entry%%|*}" == "$1" ]]; then
      cut -d'|' -f"$(($2 + 1))" <<<"$entry"
      return 0
    fi
  done
  return 1
}
profile_names() { local entry; for entry in "${PROFILES[@]}"; do printf '%s\n' "${entry%%|*}"; done; }

# The run's name: the profile, cdktn-<profile> on CDK Terrain, <...>-terraform-<version> on
# another Terraform than TERRAFORM_VERSION.
run_name() { # PROFILE TOOLCHAIN TERRAFORM
  local name="$1"
  [[ "$2" == cdktf ]] || name="$2-$name"
  [[ "$3" == "$TERRAFORM_VERSION" ]] || name="$name-terraform-$3"
  printf '%s' "$name"
}

check_tools() {
  command -v terraform >/dev/null ||
    die "terraform not found: install Terraform $TERRAFORM_VERSION (https://developer.hashicorp.com/terraform/install)"
  local have
  have="$(TF_CLI_CONFIG_FILE=/dev/null terraform version -json | node -e 'console.log(JSON.parse(require("fs").readFileSync(0, "utf8")).terraform_version)')"
  [[ "$have" == "$TERRAFORM_VERSION" ]] ||
    log "warning: terraform $have found; CI and the saved plans use $TERRAFORM_VERSION"
  [[ -x node_modules/.bin/cdktf ]] || die "node_modules/.bin/cdktf not found: run npm ci first"
}

# Synthesizes a profile from its context alone (like the scan, packages/tools/scan/scan.sh: settings from the
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

use_toolchain() { # cdktf|cdktn
  if [[ "$1" == cdktf ]]; then
    unset CDK_TOOLCHAIN DISABLE_VERSION_CHECK
    return 0
  fi
  local set="toolchains/cdktn"
  if ! cmp -s "$set/package-lock.json" "$set/node_modules/.installed-package-lock.json"; then
    log "cdktn: installing $set (npm ci)"
    npm ci --prefix "$set" --no-audit --no-fund >&2 || die "cdktn: npm ci in $set failed"
    cp "$set/package-lock.json" "$set/node_modules/.installed-package-lock.json"
  fi
  export CDK_TOOLCHAIN=cdktn DISABLE_VERSION_CHECK=1
}

# The context a profile is synthesized from, with what its seed created (seed-mock.py's
# overrides: a seeded key's ARN) written in.
profile_context() { # PROFILE OVERRIDES_JSON OUT
  local context
  context="$(profile_field "$1" 1)"
  if [[ "$context" == cdktf.json ]]; then
    node -e 'console.log(JSON.stringify(require("./cdktf.json").context))' >"$3"
  else
    cp "$context" "$3"
  fi
  [[ -s "$2" ]] || return 0
  node -e '
    const fs = require("fs");
    const [file, overrides] = process.argv.slice(1);
    const context = JSON.parse(fs.readFileSync(file, "utf8"));
    for (const [dotted, value] of Object.entries(JSON.parse(fs.readFileSync(overrides, "utf8")))) {
      const keys = dotted.split(".");
      let at = context;
      for (const key of keys.slice(0, -1)) at = at[key] ??= {};
      at[keys.at(-1)] = value;
      console.error(`terraform-check: context ${dotted} = ${JSON.stringify(value)} (seeded)`);
    }
    fs.writeFileSync(file, JSON.stringify(context, null, 2) + "\n");
  ' "$3" "$2"
}

check_run() { # PROFILE TOOLCHAIN TERRAFORM CHECKS
  local profile="$1" toolchain="$2" version="$3" checks="${4//,/ }" run seed
  run="$(run_name "$1" "$2" "$3")"
  seed="$(profile_field "$profile" 2)"
  log "== $run (profile $profile, $toolchain, Terraform $version; checks: ${checks//-/none})"
  use_toolchain "$toolchain"
  use_terraform "$version"
  reset_mock
  mkdir -p "$SCRATCH/$run"
  : >"$SCRATCH/$run/seeded.json"
  [[ "$seed" == - ]] || seed_mock "$seed" "$SCRATCH/$run/seeded.json" >&2
  profile_context "$profile" "$SCRATCH/$run/seeded.json" "$SCRATCH/$run/context.json"
  synth_profile "$SCRATCH/$run/context.json" "$SCRATCH/$run/synth"
  local name file key first=""
  while read -r name file; do
    key="$(stack_access_key "$file")" || fail "$run/$name: its provider's allowed_account_ids is no account"
    MOCK_ACCESS_KEY_ID="$key" check_stack "$run" "$name" "$file" "$checks"
    first="${first:-$name}"
  done < <(stacks_in_order "$SCRATCH/$run/synth")
  [[ "$toolchain" != cdktn || "$profile" != default ]] ||
    log "cdktn: NOTE its stacks pin hashicorp/aws $(node -e 'console.log(require(process.argv[1]).terraform.required_providers.aws.version)' \
      "$(profile_stacks "$SCRATCH/$run/synth" | head -n 1 | cut -d' ' -f2)"), the check runs $PROVIDER_VERSION (the newest the Go module proxy serves that this machine builds)"
  [[ " $checks " != *" changes "* ]] || check_change_plans "$run" "$SCRATCH/$run/context.json"
  [[ " $checks " != *" switch "* ]] || check_format_switch "$run" "$SCRATCH/$run/context.json"
  [[ " $checks " != *" organization "* ]] || check_organization "$run"
  use_toolchain cdktf
}

# .scratch/terraform-check/summary.json (summary.js), from each applied stack's record.
write_summary() { # EVENTS_RUN
  local parts=() file run
  for file in "$SCRATCH"/*/*/summary.json; do
    [[ -f "$file" ]] || continue
    run="${file#"$SCRATCH/"}"
    parts+=("${run%%/*}=$file")
  done
  local events_dir=""
  [[ -z "$1" ]] || events_dir="$SCRATCH/$1"
  node "$LIB/summary.js" "$SCRATCH/summary.json" "hashicorp/aws $PROVIDER_VERSION" \
    "ministack $(mock_version) for every service ($(IFS=,; echo "${PROVIDER_SERVICES[*]}"))" \
    "${events_dir:+$events_dir/event-flow.json}" "${events_dir:+$events_dir/queries.json}" "$SCRATCH/faults.json" "${parts[@]}"
}

usage() {
  die "usage: npm run terraform:check [-- --faults] [--all] [--profile $(profile_names | paste -sd'|')] [--toolchain cdktf|cdktn] [--terraform $(IFS='|'; echo "${TERRAFORM_VERSIONS[*]}")] [--stack DIR] [--update-fixtures | --update-fixture NAME] [--keep]"
}

# The Terraform of a run: VERSION first on PATH (the installed one, or built into the cache unless
# it is there already, terraform-build.sh). summary.json keeps each version's last result
# (summary.js: TERRAFORM_CHECK_VERSION names the base version, TERRAFORM_CHECK_RESULTS the folder).
BASE_PATH="$PATH"
export TERRAFORM_CHECK_VERSION="$TERRAFORM_VERSION" TERRAFORM_CHECK_RESULTS="$ROOT/.scratch/terraform-check-versions"
use_terraform() { # VERSION
  local bin
  bin="$(ensure_terraform "$1")"
  PATH="$(dirname "$bin"):$BASE_PATH"
  TERRAFORM_BIN="$bin"
  log "terraform: $bin ($1)"
}

main() {
  local update_fixtures=0 faults=0 all=0 only="" toolchain="" terraform="" stack_dir="" fixture_names=()
  while (($#)); do
    # An option that takes a value: the next argument, which may be neither missing, empty nor an option.
    case "$1" in
      --update-fixture | --profile | --toolchain | --terraform | --stack)
        [[ $# -ge 2 && -n "$2" && "$2" != --* ]] || { log "error: $1 takes a value"; usage; } ;;
    esac
    case "$1" in
      --update-fixtures) update_fixtures=1 ;;
      --update-fixture) update_fixtures=1; fixture_names+=("${2:-}"); shift ;;
      --keep) KEEP=1 ;;
      --faults) faults=1 ;;
      --all) all=1 ;;
      --profile) only="${2:-}"; shift ;;
      --toolchain) toolchain="${2:-}"; shift ;;
      --terraform) terraform="${2:-}"; shift ;;
      --stack) stack_dir="${2:-}"; shift ;;
      *) usage ;;
    esac
    shift
  done
  local fixture
  for fixture in "${fixture_names[@]}"; do
    [[ " ${FIXTURE_NAMES[*]} " == *" $fixture "* ]] || die "--update-fixture '$fixture': use one of ${FIXTURE_NAMES[*]}"
  done
  [[ -z "$only" ]] || profile_field "$only" 1 >/dev/null ||
    die "--profile '$only': use one of $(profile_names | paste -sd' ')"
  [[ -z "$toolchain" || " ${TOOLCHAINS[*]} " == *" $toolchain "* ]] || die "--toolchain '$toolchain': use cdktf or cdktn"
  [[ -z "$terraform" || " ${TERRAFORM_VERSIONS[*]} " == *" $terraform "* ]] || die "--terraform '$terraform': use one of ${TERRAFORM_VERSIONS[*]}"
  if [[ -n "$stack_dir" ]]; then
    [[ -f "$stack_dir/cdk.tf.json" ]] || die "--stack $stack_dir: no cdk.tf.json there (give the folder cdktf synth wrote the stack to, e.g. cdktf.out/stacks/NAME)"
    ((faults == 0 && all == 0 && update_fixtures == 0)) && [[ -z "$only$toolchain" ]] ||
      die "--stack checks that one stack: leave out --faults, --all, --profile, --toolchain and --update-fixtures"
    [[ "$stack_dir" == /* ]] || stack_dir="./$stack_dir" # cd reads "-" and "-x" as options
    stack_dir="$(cd "$stack_dir" && pwd)" || die "--stack: cannot enter $stack_dir"
    [[ "$(basename "$stack_dir")" =~ ^[A-Za-z0-9_][A-Za-z0-9._-]*$ ]] ||
      die "--stack $stack_dir: the folder name is the run's name: use letters, digits, '.', '_' or '-' (as cdktf names stacks)"
    # Before anything starts: what Terraform would run, fetch or read besides the AWS provider is refused.
    node "$LIB/prepare-stack.js" --check "$stack_dir/cdk.tf.json" || die "--stack $stack_dir: the check does not run this stack (above)"
  fi

  # The runs: the covering matrix, or every profile on every toolchain, narrowed by the options.
  local runs=() entry profile chain version checks
  if ((all)); then
    for profile in $(profile_names); do
      for chain in "${TOOLCHAINS[@]}"; do
        checks="-"
        [[ "$profile" != default ]] || checks="events,queries"
        [[ "$profile/$chain" != default/cdktf ]] || checks="events,queries,changes"
        runs+=("$profile $chain ${terraform:-$TERRAFORM_VERSION} $checks")
      done
    done
  else
    runs=("${MATRIX[@]}")
  fi
  local selected=()
  for entry in "${runs[@]}"; do
    read -r profile chain version checks <<<"$entry"
    [[ -z "$only" || "$profile" == "$only" ]] || continue
    [[ -z "$toolchain" || "$chain" == "$toolchain" ]] || continue
    [[ -z "$terraform" || "$version" == "$terraform" ]] || continue
    selected+=("$entry")
  done
  [[ -n "$stack_dir" ]] && selected=()
  # The fixtures' runs, on the Terraform they are written by: nothing else runs.
  local fixture_version="${terraform:-$TERRAFORM_VERSION}"
  if ((update_fixtures)); then
    ((all == 0)) && [[ -z "$only$toolchain" ]] ||
      die "--update-fixtures runs the default and all-options profiles on cdktf itself: leave out --all, --profile and --toolchain"
    selected=("default cdktf $fixture_version events,queries,changes" "all-options cdktf $fixture_version events")
  fi
  [[ -n "$stack_dir" || ${#selected[@]} -gt 0 ]] || die "no run of the matrix has profile '${only:-any}' on toolchain '${toolchain:-any}' (add --all for every combination)"
  local fault_run=""
  if ((faults)); then
    for entry in "${selected[@]}"; do
      read -r profile chain version checks <<<"$entry"
      if [[ "$profile" == default && ",$checks," == *",events,"* && ",$checks," == *",queries,"* ]]; then
        fault_run="$(run_name "$profile" "$chain" "$version")"
        break
      fi
    done
    [[ -n "$fault_run" ]] || die "--faults seeds into the default profile's applied stack: select a default run with events and queries"
  fi

  local started=$SECONDS
  check_tools
  rm -rf "$SCRATCH" && mkdir -p "$SCRATCH"
  ensure_provider "$SCRATCH/terraformrc"
  log "provider: hashicorp/aws $PROVIDER_VERSION ($PROVIDER_MODULE@$PROVIDER_MODULE_VERSION), services: ${PROVIDER_SERVICES[*]}"
  log "provider: NOTE the synthesized JSON pins $PROVIDER_PINNED_VERSION, which the Go module proxy does not serve; every copy is rewritten to $PROVIDER_VERSION"
  ensure_mock_venv
  start_mock "$SCRATCH/ministack.log"
  trap 'stop_mock; ((KEEP)) || find "$SCRATCH" -mindepth 1 -maxdepth 1 ! -name summary.json ! -name "*.log" -exec rm -rf {} +' EXIT
  provider_endpoint_names "$SCRATCH/endpoints.json"
  prove_isolation "$SCRATCH/isolation"
  collect_mock_evidence "$SCRATCH/mock-evidence.json"

  local events_run=""
  if [[ -n "$stack_dir" ]]; then
    use_terraform "${terraform:-$TERRAFORM_VERSION}"
    reset_mock
    check_stack stack "$(basename "$stack_dir")" "$stack_dir/cdk.tf.json" "events queries"
    events_run="stack/$(basename "$stack_dir")"
  fi
  for entry in "${selected[@]}"; do
    read -r profile chain version checks <<<"$entry"
    check_run "$profile" "$chain" "$version" "$checks"
    [[ -n "$events_run" || ",$checks," != *",events,"* ]] || events_run="$(run_name "$profile" "$chain" "$version")/$(profile_stacks "$SCRATCH/$(run_name "$profile" "$chain" "$version")/synth" | head -n 1 | cut -d' ' -f1)"
    if [[ "$(run_name "$profile" "$chain" "$version")" == "$fault_run" ]]; then
      check_faults "$fault_run"
    fi
    if ((update_fixtures)) && [[ "$profile" == default ]]; then
      plan_destroy_fixture "$(first_stack_dir "$(run_name "$profile" "$chain" "$version")")"
    fi
  done

  if ((update_fixtures)); then
    save_fixtures "$fixture_version" "${fixture_names[@]}"
  fi
  write_summary "$events_run"
  local failure
  for failure in "${DEFERRED_FAILURES[@]}"; do log "FAILED: $failure"; done
  ((${#DEFERRED_FAILURES[@]} == 0)) || exit 1
  log "ok: every run validates, plans and applies whole, the plans after apply are empty, and every check passed ($((SECONDS - started)) s)"
}

main "$@"
