# Sourced by packages/terraform-check/terraform-check.sh: builds (or reuses) the AWS provider and lays out a
# Terraform filesystem mirror for it.
#
# The Terraform Registry is out of reach on CI machines that only reach package registries, so
# the provider is built from its Go module, fetched through the Go module proxy. The provider
# has no /v6 module path: the proxy serves it under pseudo-versions, and refuses most commits.
# PROVIDER_MODULE_VERSION names the newest 6.x commit it serves; the release tag v6.25.0 that
# @cdktf/provider-aws 21.22.1 pins is refused ("403 This module version is not available").
#
# The build keeps only the service packages this product's stacks use (PROVIDER_SERVICES), see
# trim-provider.js: a full build takes about 48 minutes on 2 cores. Every resource and data
# source of those services is the provider's own code, unchanged; the others are not registered.

PROVIDER_MODULE="github.com/hashicorp/terraform-provider-aws"
PROVIDER_MODULE_VERSION="v1.60.1-0.20260602190131-5f2286d6d836"
PROVIDER_VERSION="6.47.1"        # version/VERSION of that commit
PROVIDER_PINNED_VERSION="6.25.0" # what @cdktf/provider-aws pins in the synthesized JSON
# sesv2/firehose/iam/s3/logs/cloudwatch/sns/kms: the stacks' resources; glue/athena: the query
# layer; sts and meta: aws_caller_identity, aws_partition, aws_region; s3control: the s3
# package reads bucket tags through its client once the account ID is known.
PROVIDER_SERVICES=(athena cloudwatch firehose glue iam kms logs meta s3 s3control sesv2 sns sts)

provider_commit() { printf '%s' "${PROVIDER_MODULE_VERSION##*-}"; }

provider_cache_dir() {
  printf '%s/ses-events/terraform-provider-aws/%s-%s' "${XDG_CACHE_HOME:-$HOME/.cache}" \
    "$PROVIDER_VERSION" "$(provider_commit)"
}

# Terraform's filesystem mirror layout (unpacked): HOSTNAME/NAMESPACE/TYPE/VERSION/OS_ARCH/.
provider_mirror_dir() { printf '%s/mirror' "$(provider_cache_dir)"; }

provider_platform() {
  local os arch
  os="$(uname -s | tr '[:upper:]' '[:lower:]')"
  case "$(uname -m)" in
    x86_64 | amd64) arch=amd64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) die "provider: unsupported machine type $(uname -m)" ;;
  esac
  printf '%s_%s' "$os" "$arch"
}

provider_binary() {
  printf '%s/registry.terraform.io/hashicorp/aws/%s/%s/terraform-provider-aws_v%s_x5' \
    "$(provider_mirror_dir)" "$PROVIDER_VERSION" "$(provider_platform)" "$PROVIDER_VERSION"
}

build_provider() {
  local cache src bin started
  cache="$(provider_cache_dir)"
  bin="$(provider_binary)"
  command -v go >/dev/null ||
    die "go not found: the AWS provider $PROVIDER_VERSION is built from source; install Go $(provider_go_version_hint) (https://go.dev/dl/)"
  started=$SECONDS
  log "provider: fetching $PROVIDER_MODULE@$PROVIDER_MODULE_VERSION through the Go module proxy"
  local dir
  dir="$(cd /tmp && GOFLAGS=-mod=mod go mod download -json "$PROVIDER_MODULE@$PROVIDER_MODULE_VERSION" |
    node -e 'const m = JSON.parse(require("fs").readFileSync(0, "utf8")); if (m.Error) { console.error(m.Error); process.exit(1) } console.log(m.Dir)')" ||
    die "provider: the Go module proxy did not serve $PROVIDER_MODULE@$PROVIDER_MODULE_VERSION (see above)"
  [[ "$(cat "$dir/version/VERSION" 2>/dev/null)" == "$PROVIDER_VERSION" ]] ||
    die "provider: $dir/version/VERSION is not $PROVIDER_VERSION"

  src="$cache/src"
  rm -rf "$src" && mkdir -p "$src"
  cp -R "$dir/." "$src/" && chmod -R u+w "$src"
  node packages/terraform-check/trim-provider.js "$src" "${PROVIDER_SERVICES[@]}" || die "provider: trimming the source failed"
  log "provider: building $PROVIDER_VERSION with services: ${PROVIDER_SERVICES[*]} (about 11 minutes cold on 2 cores)"
  mkdir -p "$(dirname "$bin")"
  (cd "$src" && nice -n 10 go build -trimpath -o "$bin.tmp" \
    -ldflags "-s -w -X $PROVIDER_MODULE/version.ProviderVersion=$PROVIDER_VERSION" .) ||
    die "provider: go build failed (see above)"
  mv "$bin.tmp" "$bin"
  printf '%s\n' "${PROVIDER_SERVICES[@]}" >"$cache/services"
  rm -rf "$src"
  log "provider: built $bin in $((SECONDS - started)) s"
}

provider_go_version_hint() { printf '1.26 or later'; }

# Builds the provider unless the cache holds it, and writes the CLI configuration that installs
# hashicorp/aws from the mirror (every other provider from its usual source).
ensure_provider() { # CLI_CONFIG_FILE
  local bin
  local cache
  cache="$(provider_cache_dir)"
  if [[ -x "$(provider_binary)" ]] && [[ "$(cat "$cache/services" 2>/dev/null)" == "$(printf '%s\n' "${PROVIDER_SERVICES[@]}")" ]]; then
    bin="$(provider_binary)"
    log "provider: reusing $bin"
  else
    build_provider
    bin="$(provider_binary)"
  fi
  cat >"$1" <<EOF
provider_installation {
  filesystem_mirror {
    path    = "$(provider_mirror_dir)"
    include = ["registry.terraform.io/hashicorp/aws"]
  }
  direct {
    exclude = ["registry.terraform.io/hashicorp/aws"]
  }
}
EOF
}
