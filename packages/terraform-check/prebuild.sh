#!/usr/bin/env bash
# Builds, unless cached, what `npm run terraform:check` needs from the Go module proxy: the AWS
# provider (provider.sh) and Terraform 1.16.4 (terraform-build.sh), into ~/.cache/ses-events/.
# .ci/run starts it in the background at its beginning, so that the two builds (several minutes
# each on a cold machine) overlap with the test suites, and waits for it before terraform:check;
# terraform:check reuses what it built, or builds what is still missing itself.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
LIB="packages/terraform-check"
log() { printf 'terraform-check: prebuild: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 2; }
source "$LIB/provider.sh"
source "$LIB/terraform-build.sh"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
started=$SECONDS
ensure_provider "$scratch/terraformrc"
ensure_terraform "$TERRAFORM_NEWEST" >/dev/null
log "the provider and Terraform $TERRAFORM_NEWEST are in the cache ($((SECONDS - started)) s)"
