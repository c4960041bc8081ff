#!/usr/bin/env bash
# The unit tests of the check's Python parts (packages/terraform-check/tests/: the launcher's
# corrections and event-flow.py, each against the launcher on a free loopback port, no Terraform),
# run by packages/terraform-check/__tests__/terraform-check-harness.test.ts in npm test. Installs ministack into .venv-mock/
# first when it is not there (as terraform:check does). Prints unittest's verbose report.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
log() { printf 'terraform-check: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 2; }
source packages/terraform-check/mock.sh
source packages/terraform-check/isolation.sh
ensure_mock_venv >&2
mapfile -t vars < <(isolated_env /dev/null)
cd packages/terraform-check/tests
exec env -i PATH="$PATH" HOME="$HOME" PYTHONDONTWRITEBYTECODE=1 "${vars[@]}" "$ROOT/$MOCK_VENV/bin/python" -m unittest -v "$@"
