# Sourced by packages/terraform-check/terraform-check.sh: the local AWS API emulator (ministack's server, patched by
# ministack-server.py) on 127.0.0.1, in its own venv (.venv-mock/, from mock-requirements.txt).

MOCK_REQUIREMENTS="packages/terraform-check/mock-requirements.txt"
MOCK_VENV=".venv-mock"
MOCK_PID=""
MOCK_PORT=""

ensure_mock_venv() {
  if [[ -x "$MOCK_VENV/bin/python" ]] && cmp -s "$MOCK_REQUIREMENTS" "$MOCK_VENV/.requirements.txt"; then
    return 0
  fi
  local python="${PYTHON:-python3}"
  command -v "$python" >/dev/null || die "$python not found: the AWS API emulator (ministack) needs Python 3.10 or later with venv"
  log "mock: installing ministack into $MOCK_VENV from $MOCK_REQUIREMENTS"
  "$python" -m venv --clear "$MOCK_VENV" || die "mock: '$python -m venv' failed: install Python's venv module"
  "$MOCK_VENV/bin/python" -m pip install --quiet --disable-pip-version-check --require-hashes --only-binary :all: \
    -r "$MOCK_REQUIREMENTS" || die "mock: pip could not install $MOCK_REQUIREMENTS (see above)"
  cp "$MOCK_REQUIREMENTS" "$MOCK_VENV/.requirements.txt"
}

free_loopback_port() {
  "$MOCK_VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

mock_url() { printf 'http://127.0.0.1:%s' "$MOCK_PORT"; }

start_mock() { # LOG_FILE
  MOCK_PORT="$(free_loopback_port)"
  rm -rf "$SCRATCH/ministack" && mkdir -p "$SCRATCH/ministack"
  # env -i: nothing of the caller's environment, the isolated one only; env execs Python, so
  # MOCK_PID is the server's own process.
  local vars=()
  mapfile -t vars < <(isolated_env "$SCRATCH/terraformrc")
  env -i PATH="$PATH" HOME="$HOME" "${vars[@]}" "$MOCK_VENV/bin/python" packages/terraform-check/ministack-server.py \
    "$MOCK_PORT" "$SCRATCH/ministack" >"$1" 2>&1 &
  MOCK_PID=$!
  local tries
  for ((tries = 0; tries < 150; tries++)); do
    if mock_call GET /_ministack/health >/dev/null 2>&1; then
      log "mock: ministack $(mock_version) listening on $(mock_url) only (pid $MOCK_PID, log $1; AUTH=true)"
      return 0
    fi
    kill -0 "$MOCK_PID" 2>/dev/null || die "mock: ministack exited at start (see $1)"
    sleep 0.2
  done
  die "mock: ministack did not answer on $(mock_url) within 30 s (see $1)"
}

stop_mock() {
  [[ -n "$MOCK_PID" ]] || return 0
  kill "$MOCK_PID" 2>/dev/null || true
  wait "$MOCK_PID" 2>/dev/null || true
  MOCK_PID=""
}

mock_version() {
  "$MOCK_VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("ministack"))'
}

mock_call() { # METHOD PATH: a request to the emulator's own API, straight to loopback
  "$MOCK_VENV/bin/python" - "$1" "$(mock_url)$2" <<'PY'
import sys, urllib.request
request = urllib.request.Request(sys.argv[2], method=sys.argv[1], data=b"" if sys.argv[1] == "POST" else None)
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
print(opener.open(request, timeout=30).read().decode())
PY
}

# Forgets everything (every service's state and the S3 objects).
reset_mock() {
  mock_call POST /_ministack/reset >/dev/null || die "mock: reset failed"
}

# Runs one of the check's Python scripts against the emulator, as the account's root.
mock_client() { # SCRIPT ARGS...
  run_isolated "$SCRATCH/terraformrc" AWS_ENDPOINT_URL="$(mock_url)" "$MOCK_VENV/bin/python" "$@"
}

# Creates, in the emulator, what a profile's import blocks and references expect to exist; writes
# the context settings that name what was created (a seeded key's ARN) to OVERRIDES_OUT.
seed_mock() { # SEED_FILE OVERRIDES_OUT
  mock_client packages/terraform-check/seed-mock.py "$1" "$2" || die "mock: seeding from $1 failed"
}

# Reproduces each emulator behaviour that expectations.js excludes (mock-evidence.py).
collect_mock_evidence() { # OUT_JSON
  mock_client packages/terraform-check/mock-evidence.py "$1" || die "mock: the evidence probes failed"
}
