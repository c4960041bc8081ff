# Sourced by packages/terraform-check/terraform-check.sh (and by its test): the environment every Terraform,
# provider and mock-client process of the check runs in. Nothing may leave the machine:
#   - every AWS endpoint of the provider points at the mock on 127.0.0.1 (prepare-stack.js);
#   - any other HTTP(S) request goes to a proxy on a closed loopback port and fails at once with
#     "connection refused", before any DNS lookup (the proxy, not the client, would resolve names);
#   - NO_PROXY names only the mock's address;
#   - the credentials are fake, and no profile, config file or instance metadata is read.

# A loopback port nothing listens on: the first of these that refuses a connection.
closed_loopback_port() {
  local port
  for port in 9 1 47 49151; do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      printf '%s' "$port"
      return 0
    fi
  done
  die "no closed loopback port found (9, 1, 47, 49151 all accept connections)"
}

isolated_env() { # CLI_CONFIG_FILE: prints NAME=VALUE lines for env(1)
  local proxy
  proxy="http://127.0.0.1:$(closed_loopback_port)"
  cat <<EOF
HTTPS_PROXY=$proxy
HTTP_PROXY=$proxy
https_proxy=$proxy
http_proxy=$proxy
NO_PROXY=127.0.0.1
no_proxy=127.0.0.1
AWS_ACCESS_KEY_ID=${MOCK_ACCESS_KEY_ID:-AKIAMOCKMOCKMOCKMOCK}
AWS_SECRET_ACCESS_KEY=mock-secret-not-a-real-key
AWS_EC2_METADATA_DISABLED=true
AWS_CONFIG_FILE=/dev/null
AWS_SHARED_CREDENTIALS_FILE=/dev/null
CHECKPOINT_DISABLE=1
TF_IN_AUTOMATION=1
TF_INPUT=0
TF_CLI_CONFIG_FILE=$1
EOF
}

# Runs a command with the variables that could reach a real account or registry removed and the
# isolated environment above set.
run_isolated() { # CLI_CONFIG_FILE COMMAND...
  local config="$1"
  shift
  local unset_args=() name
  for name in $(compgen -e); do
    case "$name" in
      AWS_* | TF_* | HTTPS_PROXY | HTTP_PROXY | ALL_PROXY | https_proxy | http_proxy | all_proxy | NO_PROXY | no_proxy | GOPROXY)
        unset_args+=(-u "$name") ;;
    esac
  done
  local vars=()
  mapfile -t vars < <(isolated_env "$config")
  env "${unset_args[@]}" "${vars[@]}" "$@"
}

# Proves, before any profile runs, that a request the check did not point at the mock fails at
# once: Terraform asking the public registry for a provider, and the built AWS provider calling
# STS at its real endpoint (no endpoint override). Both must fail within PROBE_SECONDS with a
# refused proxy connection.
PROBE_SECONDS=20

prove_isolation() { # DIR
  local dir="$1"
  mkdir -p "$dir/registry" "$dir/provider"
  printf '{"terraform":{"required_providers":{"null":{"source":"hashicorp/null"}}}}\n' >"$dir/registry/main.tf.json"
  cat >"$dir/provider/main.tf.json" <<JSON
{
  "terraform": { "required_providers": { "aws": { "source": "hashicorp/aws", "version": "$PROVIDER_VERSION" } } },
  "provider": { "aws": [{ "region": "us-east-1", "max_retries": 1, "skip_metadata_api_check": true, "skip_requesting_account_id": true }] },
  "data": { "aws_caller_identity": { "probe": {} } }
}
JSON
  probe "$dir/registry" "Terraform's registry lookup" init -input=false -no-color
  tf_step "$dir/provider" init.log init -input=false -no-color
  probe "$dir/provider" "the AWS provider's STS call" plan -input=false -no-color
}

probe() { # DIR WHAT TERRAFORM_ARGS...
  local dir="$1" what="$2" started output rc=0
  shift 2
  started=$SECONDS
  output="$(tf "$dir" "$@" 2>&1)" || rc=$?
  local took=$((SECONDS - started))
  if ((rc == 0)); then
    printf '%s\n' "$output" >&2
    fail "isolation: $what succeeded; it must fail without the network"
  fi
  output="$(tr '\n' ' ' <<<"$output")" # Terraform wraps its messages
  if ! grep -q 'dial tcp 127.0.0.1:[0-9]*: connect: connection refused' <<<"$output"; then
    printf '%s\n' "$output" >&2
    fail "isolation: $what failed, but not on the refused proxy (output above)"
  fi
  ((took <= PROBE_SECONDS)) || fail "isolation: $what took $took s to fail (limit $PROBE_SECONDS s)"
  log "isolation: $what fails in $took s: $(grep -o 'proxyconnect tcp: dial tcp 127.0.0.1:[0-9]*: connect: connection refused' <<<"$output" | head -n 1)"
}
