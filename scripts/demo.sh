#!/usr/bin/env bash
# The main job: installs what is missing, builds the provider, dcs-emulator and
# the pinned OpenTofu, starts the emulator (a local Databricks workspace on
# 127.0.0.1), then runs `tofu init` + `tofu apply` of the gpu-nlp stack
# (examples/stacks/gpu-nlp: workspace conf, a pool preloading the image, a GPU
# cluster running it) from a local filesystem mirror, exactly as a user would,
# and shows that a second plan has no changes.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${DCS_BUILD_DIR:-$repo/build}

bash "$repo/scripts/install-deps.sh"
clients=$(bash "$repo/scripts/build-clients.sh")
tofu=$(printf '%s\n' "$clients" | sed -n 's/^tofu=//p')
bash "$repo/scripts/build.sh" terraform-provider-dcs dcs-emulator

version=$("$build/bin/terraform-provider-dcs" --version | awk '{print $2}')
work=$(mktemp -d "${TMPDIR:-/tmp}/dcs-demo.XXXXXX")
emulator_pid=
cleanup() {
  [ -n "$emulator_pid" ] && kill "$emulator_pid" 2>/dev/null && wait "$emulator_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# The Databricks workspace: dcs-emulator on a free loopback port, container
# services still off (the stack turns them on), clusters start in 2 s.
token=dcs-demo-token
"$build/emulator/dcs-emulator" --port 0 --token "$token" --start-delay-ms 2000 \
  --state-file "$work/workspace.json" >"$work/emulator.out" 2>"$work/emulator.err" &
emulator_pid=$!
for _ in $(seq 100); do
  url=$(head -n 1 "$work/emulator.out" 2>/dev/null || true)
  [ -n "$url" ] && break
  sleep 0.1
done
case $url in http://127.0.0.1:*) ;; *) cat "$work/emulator.err" >&2; echo "dcs-emulator did not start" >&2; exit 1;; esac
echo "== dcs-emulator at $url"
export DATABRICKS_HOST="$url" DATABRICKS_TOKEN="$token"

# What a workspace admin does once, outside Terraform: the secret scope the
# stack's registry credentials refer to ({{secrets/acr/username}} …).
api() { curl -sS --fail-with-body --noproxy '*' -H "Authorization: Bearer $token" -H 'Content-Type: application/json' "$@"; }
api -X POST "$url/api/2.0/secrets/scopes/create" -d '{"scope":"acr"}' >/dev/null
api -X POST "$url/api/2.0/secrets/put" -d '{"scope":"acr","key":"username","string_value":"demo-puller"}' >/dev/null
api -X POST "$url/api/2.0/secrets/put" -d '{"scope":"acr","key":"password","string_value":"demo-registry-password"}' >/dev/null
echo "== secret scope acr (username, password) created in the workspace"

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
cp "$repo/examples/stacks/gpu-nlp/main.tf" "$work/stack/main.tf"
cd "$work/stack"
echo "== tofu init (from the local mirror)"
"$tofu" init -input=false -no-color </dev/null
echo "== tofu apply (examples/stacks/gpu-nlp)"
"$tofu" apply -input=false -auto-approve -no-color </dev/null
echo "== tofu output"
"$tofu" output -no-color </dev/null
echo "== tofu plan (expect: no changes)"
"$tofu" plan -input=false -no-color -detailed-exitcode </dev/null
echo "== the workspace now holds"
curl -sS --noproxy '*' -H "Authorization: Bearer $token" "$url/api/2.1/clusters/list" |
  python3 -c 'import json,sys; [print(" ", c["cluster_id"], c["cluster_name"], c["state"], c["docker_image"]["url"]) for c in json.load(sys.stdin).get("clusters", [])]'
echo "== tofu destroy"
"$tofu" destroy -input=false -auto-approve -no-color </dev/null
