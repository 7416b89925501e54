#!/usr/bin/env bash
# The main job: installs what is missing, builds the provider and the pinned
# OpenTofu, then runs `tofu init` + `tofu apply` of the compatibility-matrix
# example from a local filesystem mirror, exactly as a user would.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${DCS_BUILD_DIR:-$repo/build}

bash "$repo/scripts/install-deps.sh"
clients=$(bash "$repo/scripts/build-clients.sh")
tofu=$(printf '%s\n' "$clients" | sed -n 's/^tofu=//p')
bash "$repo/scripts/build.sh" terraform-provider-dcs

version=$("$build/bin/terraform-provider-dcs" --version | awk '{print $2}')
work=$(mktemp -d "${TMPDIR:-/tmp}/dcs-demo.XXXXXX")
trap 'rm -rf "$work"' EXIT

# A filesystem mirror holding the freshly built provider, for both hostnames
# that "dcslabs/dcs" can expand to.
for host in registry.opentofu.org registry.terraform.io; do
  dir="$work/mirror/$host/dcslabs/dcs/$version/linux_amd64"
  mkdir -p "$dir"
  cp "$build/bin/terraform-provider-dcs" "$dir/terraform-provider-dcs_v$version"
done
cat > "$work/cli.tfrc" <<CFG
provider_installation {
  filesystem_mirror {
    path = "$work/mirror"
  }
}
CFG
export TF_CLI_CONFIG_FILE="$work/cli.tfrc" TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1

mkdir "$work/stack"
cp "$repo/examples/data-sources/dcs_compatibility_matrix/data-source.tf" "$work/stack/main.tf"
cd "$work/stack"
echo "== tofu init (from the local mirror)"
"$tofu" init -input=false -no-color </dev/null
echo "== tofu apply"
"$tofu" apply -input=false -auto-approve -no-color </dev/null
echo "== tofu output"
"$tofu" output -no-color </dev/null
