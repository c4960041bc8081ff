#!/usr/bin/env bash
# npm run scan: synthesize the app and scan its Terraform JSON with checkov (framework
# terraform_json), twice, then audit the GitHub workflows (zizmor, actionlint; see below):
#   default       the stacks of cdktf.json as configured            -> cdktf.out
#   all-options   one stack with every option on (scan-all-options.json) -> cdktf.out/all-options
#   organization  a lake and its source stacks in other accounts and Regions
#                 (packages/terraform-check/profiles/organization.json) -> cdktf.out/organization
# Exits non-zero on any failed check, on a file checkov could not parse, or when nothing was
# scanned, so CI fails on a new finding. Then lints every IAM policy of the profiles with
# parliament (packages/tools/scan/lint-policies.py), failing on any finding.
# Exit status: 0 clean, 1 failed checks or unparsable output, 2 setup or usage error.
#
# checkov and parliament are installed into the project-local .venv/ (gitignored) from
# packages/tools/scan/checkov-requirements.txt and packages/tools/scan/parliament-requirements.txt (exact pins) whenever
# checkov is missing, a different version, or a requirements file changed. The scan itself makes no network calls.
#
# Skips: checkov's terraform_json framework honours no inline suppression (checkov 3.3.30
# passes an empty skip list for every resource and ignores the "//" key), so skips live here,
# each with a one-line reason, and apply to every resource of the profiles they name.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
cd "$ROOT"

# No telemetry, no update checks, no guideline downloads: the scan works offline.
export CHECKPOINT_DISABLE=1               # cdktf / terraform checkpoint
export CKV_SKIP_PACKAGE_UPDATE_CHECK=true # checkov's PyPI "new version" check
export PIP_DISABLE_PIP_VERSION_CHECK=1

# Checks that do not apply to this product at all: skipped in every profile.
# One entry per check: "CHECK_ID  # one-line reason". Keep sorted.
SKIP_ALWAYS=(
  "CKV2_AWS_62  # S3 event notifications: readers of the events query or poll the bucket; nothing is to be triggered per object"
  "CKV_AWS_144  # S3 cross-region replication: a disaster-recovery and cost choice for the user; versioning already protects delivered events"
)
# Hardening the module offers as an option and leaves off by default: skipped in the default and
# organization profiles only, so the all-options profile proves each option passes.
SKIP_DEFAULT_ONLY=(
  "CKV_AWS_145  # S3 default encryption with KMS: SSE-S3 by default by design; deliveryStream.kmsKeyArn switches to SSE-KMS"
  "CKV_AWS_158  # log group KMS encryption: the group holds only delivery-error messages, encrypted by CloudWatch Logs; deliveryStream.kmsKeyArn adds a customer key"
  "CKV_AWS_18   # S3 server access logging: needs a log bucket the user owns; deliveryStream.bucket.accessLogBucketName turns it on"
  "CKV_AWS_241  # Firehose customer managed key: encrypted with an AWS owned key by default; deliveryStream.kmsKeyArn switches to a customer key"
)

REQUIREMENTS="packages/tools/scan/checkov-requirements.txt"
PARLIAMENT_REQUIREMENTS="packages/tools/scan/parliament-requirements.txt"
VENV=".venv"
OUT_DEFAULT="cdktf.out"
OUT_ALL_OPTIONS="cdktf.out/all-options"
ALL_OPTIONS_CONTEXT="scripts/scan-all-options.json"
OUT_ORGANIZATION="cdktf.out/organization"
ORGANIZATION_CONTEXT="packages/terraform-check/profiles/organization.json"

log() { printf 'scan: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 2; }

checkov_version_wanted() {
  sed -n 's/^checkov==\([^[:space:]]*\).*/\1/p' "$REQUIREMENTS"
}

checkov_version_installed() {
  [[ -x "$VENV/bin/checkov" ]] || return 0
  "$VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("checkov"))' 2>/dev/null || true
}

ensure_checkov() {
  [[ -f "$REQUIREMENTS" ]] || die "$REQUIREMENTS is missing"
  [[ -f "$PARLIAMENT_REQUIREMENTS" ]] || die "$PARLIAMENT_REQUIREMENTS is missing"
  local want have
  want="$(checkov_version_wanted)"
  [[ -n "$want" ]] || die "$REQUIREMENTS pins no checkov==VERSION"
  have="$(checkov_version_installed)"
  if [[ "$have" == "$want" ]] && cat "$REQUIREMENTS" "$PARLIAMENT_REQUIREMENTS" | cmp -s - "$VENV/.scan-requirements.txt"; then
    return 0
  fi
  log "installing checkov $want and parliament into $VENV (found: ${have:-none}); takes about 30 s"
  if ! "$VENV/bin/python" -c '' 2>/dev/null; then
    "${PYTHON:-python3}" -m venv --clear "$VENV"
  fi
  "$VENV/bin/python" -m pip install --quiet -r "$REQUIREMENTS" -r "$PARLIAMENT_REQUIREMENTS"
  have="$(checkov_version_installed)"
  [[ "$have" == "$want" ]] || die "installed checkov is '${have:-none}', expected $want"
  cat "$REQUIREMENTS" "$PARLIAMENT_REQUIREMENTS" >"$VENV/.scan-requirements.txt"
}

# Settings from the environment (AWS_REGION, AWS_DEFAULT_REGION, TF_WORKSPACE, SES_EVENTS_*,
# TF_CLOUD_*) would change what is scanned: each profile is synthesized from its context alone.
clean_env() {
  env -u AWS_REGION -u AWS_DEFAULT_REGION -u TF_WORKSPACE $(compgen -e | grep -E '^(SES_EVENTS_|TF_CLOUD_)' | sed 's/^/-u /') "$@"
}

synth_default() {
  [[ -x node_modules/.bin/cdktf ]] || die "node_modules/.bin/cdktf not found: run npm ci first"
  log "synthesizing the default profile into $OUT_DEFAULT"
  clean_env node_modules/.bin/cdktf synth --output "$OUT_DEFAULT" >&2
}

# The app itself (scripts/app.js, as cdktf runs it) with the every-option context.
synth_all_options() {
  log "synthesizing the all-options profile into $OUT_ALL_OPTIONS"
  rm -rf "$OUT_ALL_OPTIONS"
  CDKTF_CONTEXT_JSON="$(cat "$ALL_OPTIONS_CONTEXT")" CDKTF_OUTDIR="$OUT_ALL_OPTIONS" clean_env node scripts/app.js >&2
}

# The organization's stacks: the lake's and each source's, as scripts/app.js writes them.
synth_organization() {
  log "synthesizing the organization profile into $OUT_ORGANIZATION"
  rm -rf "$OUT_ORGANIZATION"
  CDKTF_CONTEXT_JSON="$(cat "$ORGANIZATION_CONTEXT")" CDKTF_OUTDIR="$OUT_ORGANIZATION" clean_env node scripts/app.js >&2
}

skip_check_ids() { # ENTRY... prints the comma-separated check IDs; dies on a malformed entry
  local entry id reason ids=()
  for entry in "$@"; do
    id="${entry%%#*}"; id="${id//[[:space:]]/}"
    reason=""; [[ "$entry" == *"#"* ]] && reason="${entry#*#}"
    reason="${reason#"${reason%%[![:space:]]*}"}"
    [[ "$id" =~ ^CKV2?_[A-Z0-9]+_[0-9]+$ ]] || die "skip entry '$entry': not a checkov check ID"
    [[ -n "$reason" ]] || die "skip entry '$entry': needs '# one-line reason'"
    ids+=("$id")
  done
  local IFS=,
  printf '%s' "${ids[*]-}"
}

scan_profile() { # NAME DIR SKIP_IDS
  local profile="$1" dir="$2" skip_ids="$3" tmp
  tmp="$(mktemp -d)"

  # Every stack of the latest synth, from each manifest (cdktf synth leaves the directories of
  # removed stacks behind, so globbing stacks/*/ could scan stale output).
  "$VENV/bin/python" - "$tmp/files" "$dir" <<'PY' || exit 2
import json, os, sys
out, dirs = sys.argv[1], sys.argv[2:]
files = []
for d in dirs:
    manifest = os.path.join(d, "manifest.json")
    if not os.path.isfile(manifest):
        sys.exit(f"scan: error: {manifest} not found: synthesize first (npx cdktf synth --output {d})")
    stacks = json.load(open(manifest)).get("stacks", {})
    if not stacks:
        sys.exit(f"scan: error: {manifest} lists no stacks")
    for name, stack in sorted(stacks.items()):
        path = os.path.join(d, stack["synthesizedStackPath"])
        if not os.path.isfile(path):
            sys.exit(f"scan: error: stack {name}: {path} not found")
        try:
            stack_json = json.load(open(path))
        except ValueError as e:
            sys.exit(f"scan: error: stack {name}: {path} is not valid JSON: {e}")
        # checkov 3.3.30's terraform_json parser fails on the top-level "import" list (Terraform
        # import blocks, from importExisting); they hold only addresses and IDs, so scan without them.
        if "import" in stack_json:
            del stack_json["import"]
            path = os.path.join(os.path.dirname(out), name, "cdk.tf.json")
            os.makedirs(os.path.dirname(path), exist_ok=True)
            json.dump(stack_json, open(path, "w"), indent=2)
        files.append(path)
open(out, "w").write("\n".join(files) + "\n")
PY
  local files=()
  mapfile -t files <"$tmp/files"
  log "profile $profile: checkov $(checkov_version_wanted) on ${#files[@]} stack(s): ${files[*]}"
  log "profile $profile: skipped checks: ${skip_ids:-none}"

  local args=(--framework terraform_json --compact --quiet --skip-download
              -o cli -o json --output-file-path "console,$tmp/results.json")
  if [[ -n "$skip_ids" ]]; then args+=(--skip-check "$skip_ids"); fi
  local rc=0
  "$VENV/bin/checkov" "${args[@]}" -f "${files[@]}" || rc=$?

  # checkov exits 0 when a file fails to parse or nothing is scanned: check its report too.
  # Python checks report resources as "resource.<name>" in terraform_json; list the failures
  # again with their real address and the cdktf construct path.
  "$VENV/bin/python" - "$tmp/results.json" "$rc" "$profile" <<'PY' || rc=1
import json, sys
path, rc = sys.argv[1], int(sys.argv[2])
try:
    reports = json.load(open(path))
except (OSError, ValueError) as e:
    sys.exit(f"scan: error: no checkov report ({e})")
reports = reports if isinstance(reports, list) else [reports]
summary = {k: sum(r.get("summary", {}).get(k, 0) for r in reports) for k in ("passed", "failed", "parsing_errors")}
failed = [c for r in reports for c in r.get("results", {}).get("failed_checks", [])]

docs = {}
def locate(check):
    try:
        return _locate(check)
    except Exception:  # only a nicer listing: never hide a finding
        return check.get("resource", "?"), "?"

def _locate(check):
    file = check["file_abs_path"]
    if file not in docs:
        docs[file] = json.load(open(file))
    kind, _, name = check["resource"].partition(".")
    blocks = [kind] if kind in ("resource", "data") else ["resource", "data"]
    for block in blocks:
        for rtype, items in docs[file].get(block, {}).items():
            if kind in (block, rtype) and isinstance(items, dict) and name in items:
                meta = (items[name].get("//") or {}).get("metadata", {})
                prefix = "data." if block == "data" else ""
                return f"{prefix}{rtype}.{name}", meta.get("path", "?")
    return check["resource"], "?"

if failed:
    print("\nFailed checks by resource (cdktf construct path in brackets):")
    rows = sorted((c["file_path"], *locate(c), c["check_id"], c["check_name"]) for c in failed)
    for file, address, construct, check_id, name in rows:
        print(f"  {check_id:<12} {address} [{construct}] {file}: {name}")
status = "FAILED" if failed or rc or summary["parsing_errors"] or not summary["passed"] else "ok"
print(f"\nscan: {sys.argv[3]}: {status}: {summary['passed']} passed, {summary['failed']} failed, "
      f"{summary['parsing_errors']} parsing errors")
if summary["parsing_errors"]:
    sys.exit("scan: error: checkov could not parse every stack (see 'Parsing errors' above)")
if summary["passed"] + summary["failed"] == 0:
    sys.exit("scan: error: checkov ran no check")
PY
  rm -rf "$tmp"
  return "$rc"
}

# parliament on every IAM policy of the profiles (packages/tools/scan/lint-policies.py): unknown actions,
# resources that do not match an action, condition keys that do not apply.
lint_policies() {
  log "parliament $("$VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("parliament"))') on the IAM policies of the three profiles"
  "$VENV/bin/python" packages/tools/scan/lint-policies.py "$OUT_DEFAULT" "$OUT_ALL_OPTIONS" "$OUT_ORGANIZATION"
}

# ---------------------------------------------------------------------------------------------
# Workflow audit: .github/workflows/*.yml with two independent tools, both must report nothing.
#   zizmor      security audit (pinning, permissions, credentials, injection), offline: no token,
#               no network, so the online-only audits (known vulnerable actions, impostor
#               commits) do not run. The auditor persona: every audit at every confidence.
#               .github/zizmor.yml holds the few ignores, each one finding with its reason.
#   actionlint  workflow syntax, expressions and types, with ShellCheck on every run: script
# zizmor and shellcheck come from PyPI (packages/tools/scan/workflow-audit-requirements.txt, exact pins) into
# .venv-workflows/; actionlint is built from the Go module proxy into a cache outside the repo
# and reused while its version matches.
WORKFLOW_REQUIREMENTS="packages/tools/scan/workflow-audit-requirements.txt"
WORKFLOW_VENV=".venv-workflows"
ZIZMOR_CONFIG=".github/zizmor.yml"
ACTIONLINT_VERSION="v1.7.12"
ACTIONLINT_BIN="${XDG_CACHE_HOME:-$HOME/.cache}/ses-events/bin"

ensure_workflow_tools() {
  [[ -f "$WORKFLOW_REQUIREMENTS" ]] || die "$WORKFLOW_REQUIREMENTS is missing"
  if ! cmp -s "$WORKFLOW_REQUIREMENTS" "$WORKFLOW_VENV/.scan-requirements.txt" \
      || [[ ! -x "$WORKFLOW_VENV/bin/zizmor" || ! -x "$WORKFLOW_VENV/bin/shellcheck" ]]; then
    log "installing zizmor and shellcheck into $WORKFLOW_VENV"
    "${PYTHON:-python3}" -m venv --clear "$WORKFLOW_VENV"
    "$WORKFLOW_VENV/bin/python" -m pip install --quiet --only-binary=:all: -r "$WORKFLOW_REQUIREMENTS"
    cp "$WORKFLOW_REQUIREMENTS" "$WORKFLOW_VENV/.scan-requirements.txt"
  fi
  if [[ "$("$ACTIONLINT_BIN/actionlint" -version 2>/dev/null | head -n 1)" != "$ACTIONLINT_VERSION" ]]; then
    command -v go >/dev/null || die "actionlint $ACTIONLINT_VERSION is not in $ACTIONLINT_BIN and Go is not installed to build it"
    log "building actionlint $ACTIONLINT_VERSION into $ACTIONLINT_BIN"
    mkdir -p "$ACTIONLINT_BIN"
    GOBIN="$ACTIONLINT_BIN" GOFLAGS=-mod=mod go install "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION"
  fi
}

audit_workflows() {
  ensure_workflow_tools
  local workflows=(.github/workflows/*.yml) rc=0
  log "workflows: zizmor $(sed -n 's/^zizmor==//p' "$WORKFLOW_REQUIREMENTS") (offline, auditor persona, $ZIZMOR_CONFIG) on ${workflows[*]}"
  env -u GH_TOKEN -u GITHUB_TOKEN -u ZIZMOR_GITHUB_TOKEN \
    "$WORKFLOW_VENV/bin/zizmor" --offline --no-progress --persona=auditor --config "$ZIZMOR_CONFIG" \
    "${workflows[@]}" || rc=1
  log "workflows: actionlint $ACTIONLINT_VERSION with shellcheck on ${workflows[*]}"
  "$ACTIONLINT_BIN/actionlint" -shellcheck "$WORKFLOW_VENV/bin/shellcheck" -pyflakes "" "${workflows[@]}" || rc=1
  if ((rc == 0)); then log "workflows: ok: zizmor and actionlint report nothing"; else log "workflows: FAILED"; fi
  return "$rc"
}
# ---------------------------------------------------------------------------------------------

main() {
  (($# == 0)) || die "usage: npm run scan (no arguments; SCAN_SKIP_SYNTH=1 scans the last synth)"
  local always default_only
  always="$(skip_check_ids "${SKIP_ALWAYS[@]}")"
  default_only="$(skip_check_ids "${SKIP_ALWAYS[@]}" "${SKIP_DEFAULT_ONLY[@]}")"
  if [[ "${SCAN_SKIP_SYNTH:-0}" != 1 ]]; then
    synth_default
    synth_all_options
    synth_organization
  fi
  ensure_checkov
  local rc=0
  scan_profile default "$OUT_DEFAULT" "$default_only" || rc=1
  scan_profile all-options "$OUT_ALL_OPTIONS" "$always" || rc=1
  scan_profile organization "$OUT_ORGANIZATION" "$default_only" || rc=1
  local lint=0
  lint_policies || lint=$?
  ((lint == 0)) || rc=$lint
  audit_workflows || rc=1
  return "$rc"
}

main "$@"
