#!/usr/bin/env bash
# Builds the pinned real clients used by the acceptance tests, once, into a
# cache outside the repo (reused when present):
#   OpenTofu  — tests/tools/opentofu  (required: failure is fatal)
#   Terraform — tests/tools/terraform (v1.5.7; a failure is reported, not fatal)
# Prints one `name=path` line per client that is available. Progress on stderr.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cache=${DCS_CLIENT_CACHE:-$HOME/.cache/dcs-clients}

# Reads the pinned version of `module` from a tools go.mod.
pinned_version() {
  awk -v m="$2" '$1 == m {print $2; exit} $1 == "require" && $2 == m {print $3; exit}' "$1/go.mod"
}

# build NAME TOOLS_DIR PACKAGE BINARY
build() {
  local name=$1 dir=$2 pkg=$3 bin=$4
  local module=${pkg%/cmd/*}
  local version
  version=$(pinned_version "$dir" "$module")
  local out="$cache/$name-$version/$bin"
  if [ ! -x "$out" ]; then
    echo "build-clients: building $name $version (one time, cached in $cache)" >&2
    mkdir -p "$(dirname "$out")"
    local start=$SECONDS
    (cd "$dir" && nice go build -p 2 -trimpath -o "$out.tmp" "$pkg") >&2 && mv "$out.tmp" "$out" || {
      rm -f "$out.tmp"
      echo "build-clients: $name $version failed to build" >&2
      return 1
    }
    echo "build-clients: $name built in $((SECONDS - start)) s" >&2
  fi
  echo "$name=$out"
}

if ! command -v go >/dev/null; then
  echo "build-clients: Go is required (scripts/install-deps.sh installs it)" >&2
  exit 1
fi
build tofu "$repo/tests/tools/opentofu" github.com/opentofu/opentofu/cmd/tofu tofu
build terraform157 "$repo/tests/tools/terraform" github.com/hashicorp/terraform terraform ||
  echo "build-clients: continuing without Terraform 1.5.7 (see tests/tools/README.md)" >&2
if command -v terraform >/dev/null 2>&1; then
  echo "terraform_path=$(command -v terraform)"
fi
