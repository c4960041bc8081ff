# Sourced by packages/terraform-check/terraform-check.sh, or run on its own to build one release:
#   bash packages/terraform-check/terraform-build.sh 1.16.4   (prints the binary's path)
#
# The Terraform releases the check runs. TERRAFORM_OLDEST is the installed one (the oldest the
# README supports: S3 state locking without DynamoDB); TERRAFORM_NEWEST is the newest release the
# Go module proxy serves, built from github.com/hashicorp/terraform with the Go on this machine
# (its go.mod asks for Go 1.26.8) into the same cache as the provider:
#   ~/.cache/ses-events/terraform/<version>/terraform
# The module's zip leaves out the directories that are Go modules of their own: the state backends
# azurerm, consul, cos, gcs, kubernetes, oci, oss, pg and s3, and internal/legacy, which only they
# use. The proxy refuses them at the release's commit ("This module version is not available"),
# so the build drops them (TERRAFORM_NESTED_BACKENDS): local, http, inmem, remote and cloud state
# stay, and `terraform init` names a dropped backend as unsupported. The check keeps its state in
# local files. Everything else is the release's own code, unchanged; `terraform version` says
# 1.16.4 (version.dev=no, as HashiCorp's release build sets it).
# A cold build took 654 s on 2 cores shared with other builds; later runs reuse the binary.

TERRAFORM_MODULE="github.com/hashicorp/terraform"
TERRAFORM_OLDEST="1.11.4"
TERRAFORM_NEWEST="1.16.4"
TERRAFORM_VERSIONS=("$TERRAFORM_OLDEST" "$TERRAFORM_NEWEST")
TERRAFORM_NESTED_BACKENDS=(azure consul cos gcs kubernetes oci oss pg s3)

terraform_cache_dir() { # VERSION
  printf '%s/ses-events/terraform/%s' "${XDG_CACHE_HOME:-$HOME/.cache}" "$1"
}

terraform_built_binary() { printf '%s/terraform' "$(terraform_cache_dir "$1")"; }

# The version a terraform binary reports, without reading any CLI configuration.
terraform_binary_version() { # BINARY
  TF_CLI_CONFIG_FILE=/dev/null CHECKPOINT_DISABLE=1 "$1" version -json |
    node -e 'console.log(JSON.parse(require("fs").readFileSync(0, "utf8")).terraform_version)'
}

# Drops the modules the proxy does not serve (see the top): their require and replace lines in
# go.mod, their imports and their entries in internal/backend/init/init.go. Fails when the
# source does not have them where expected, rather than building something else.
trim_terraform_source() { # SRC
  local src="$1" names init="$1/internal/backend/init/init.go"
  names="$(IFS='|'; echo "${TERRAFORM_NESTED_BACKENDS[*]}")"
  grep -Eq "remote-state/($names)\"" "$init" || die "terraform: $init does not import the backends ${TERRAFORM_NESTED_BACKENDS[*]}"
  sed -E -i "/internal\/backend\/remote-state\/($names)( |$)/d; /internal\/legacy( |$)/d" "$src/go.mod"
  # The imports (backendS3 "…/remote-state/s3") and the map entries that call them.
  sed -E -i "/remote-state\/($names)\"$/d; /return backend(Azure|Consul|Cos|GCS|Kubernetes|OCI|OSS|Pg|S3)\.New\(\)/d" "$init"
  ! grep -Eq "backend(Azure|Consul|Cos|GCS|Kubernetes|OCI|OSS|Pg|S3)\b" "$init" || die "terraform: trimming $init left a dropped backend behind"
}

build_terraform() { # VERSION
  local version="$1" bin dir src started=$SECONDS
  bin="$(terraform_built_binary "$version")"
  command -v go >/dev/null ||
    die "go not found: Terraform $version is built from source; install Go 1.26.8 or later (https://go.dev/dl/)"
  log "terraform: fetching $TERRAFORM_MODULE@v$version through the Go module proxy"
  dir="$(cd /tmp && GOFLAGS=-mod=mod go mod download -json "$TERRAFORM_MODULE@v$version" |
    node -e 'const m = JSON.parse(require("fs").readFileSync(0, "utf8")); if (m.Error) { console.error(m.Error); process.exit(1) } console.log(m.Dir)')" ||
    die "terraform: the Go module proxy did not serve $TERRAFORM_MODULE@v$version (see above)"
  [[ "$(tr -d '[:space:]' <"$dir/version/VERSION" 2>/dev/null)" == "$version" ]] ||
    die "terraform: $dir/version/VERSION is not $version"
  src="$(terraform_cache_dir "$version")/src"
  rm -rf "$src" && mkdir -p "$src"
  cp -R "$dir/." "$src/" && chmod -R u+w "$src"
  # Releases whose backends are still packages of the main module build whole.
  if grep -q '=> ./internal/backend/remote-state/' "$src/go.mod"; then
    trim_terraform_source "$src"
    log "terraform: building $version without the state backends ${TERRAFORM_NESTED_BACKENDS[*]} (about 11 minutes cold on 2 busy cores)"
  else
    log "terraform: building $version (about 11 minutes cold on 2 busy cores)"
  fi
  mkdir -p "$(dirname "$bin")"
  (cd "$src" && GOFLAGS=-mod=mod nice -n 10 go build -trimpath -o "$bin.tmp" \
    -ldflags "-s -w -X $TERRAFORM_MODULE/version.dev=no" .) ||
    die "terraform: go build of $version failed (see above)"
  mv "$bin.tmp" "$bin"
  rm -rf "$src"
  log "terraform: built $bin in $((SECONDS - started)) s"
}

# Prints the path of the terraform binary for VERSION: the one on PATH when it is that version,
# else the built one (built unless cached). Other versions are refused.
ensure_terraform() { # VERSION
  local version="$1" bin installed
  case " ${TERRAFORM_VERSIONS[*]} " in
    *" $version "*) ;;
    *) die "--terraform '$version': use one of ${TERRAFORM_VERSIONS[*]}" ;;
  esac
  if command -v terraform >/dev/null; then
    installed="$(command -v terraform)"
    if [[ "$(terraform_binary_version "$installed")" == "$version" ]]; then
      printf '%s' "$installed"
      return
    fi
  fi
  bin="$(terraform_built_binary "$version")"
  if [[ -x "$bin" ]] && [[ "$(terraform_binary_version "$bin")" == "$version" ]]; then
    log "terraform: reusing $bin"
  else
    build_terraform "$version"
  fi
  printf '%s' "$bin"
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  set -euo pipefail
  log() { printf 'terraform-build: %s\n' "$*" >&2; }
  die() { log "error: $*"; exit 2; }
  ensure_terraform "${1:-$TERRAFORM_NEWEST}"
  echo
fi
