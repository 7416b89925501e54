#!/usr/bin/env bash
# The main job: installs what is missing, builds the provider, dcs-emulator and
# the pinned OpenTofu, and starts the stand-ins on 127.0.0.1: dcs-emulator (a
# Databricks workspace), a private dockerd and a registry (Debian's
# docker-registry). Then, from a local filesystem mirror, exactly as a user would:
#  1. examples/stacks/golden-image: dcs_image builds an image FROM scratch
#     (busybox-static, with a RUN step) and pushes it; a pool and a cluster run
#     it pinned to the registry's digest;
#  2. examples/stacks/gpu-nlp with that digest-pinned url: workspace conf, a GPU
#     pool preloading the image, a GPU cluster running it with registry
#     credentials from a secret scope.
# Each stack: init, apply, a second plan with no changes, destroy.
# On exit it stops every daemon it started (dcs-emulator, the registries, and
# dockerd unless one was already running) and says so.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${DCS_BUILD_DIR:-$repo/build}

bash "$repo/scripts/install-deps.sh"
clients=$(bash "$repo/scripts/build-clients.sh" tofu)
tofu=$(printf '%s\n' "$clients" | sed -n 's/^tofu=//p')
bash "$repo/scripts/build.sh" terraform-provider-dcs dcs-emulator

version=$("$build/bin/terraform-provider-dcs" --version | awk '{print $2}')
work=$(mktemp -d "${TMPDIR:-/tmp}/dcs-demo.XXXXXX")
emulator_pid=
registry_started=
docker_started=
cleanup() {
  local stopped=()
  if [ -n "$emulator_pid" ] && kill "$emulator_pid" 2>/dev/null; then
    wait "$emulator_pid" 2>/dev/null || true
    stopped+=(dcs-emulator)
  fi
  if [ -n "$registry_started" ]; then
    bash "$repo/scripts/start-registry.sh" --stop --run-dir "$work/registry" >/dev/null 2>&1 || true
    stopped+=(registries)
  fi
  if [ -n "$docker_started" ]; then
    bash "$repo/scripts/start-docker.sh" --stop >/dev/null 2>&1 || true
    stopped+=(dockerd)
  elif [ -n "${docker_host:-}" ]; then
    echo "== left running: the dockerd at $docker_host, which was running before the demo (stop it with: bash scripts/start-docker.sh --stop)"
  fi
  [ "${#stopped[@]}" -gt 0 ] && echo "== stopped what the demo started: ${stopped[*]}"
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

# The build engine and the registry.
curl -fsS --max-time 2 --unix-socket /run/dcs-docker.sock http://localhost/_ping >/dev/null 2>&1 || docker_started=1
docker_env=$(bash "$repo/scripts/start-docker.sh")
# Free loopback ports for the registries (the script's defaults may be taken).
read -r p1 p2 p3 p4 < <(python3 -c 'import socket
ss=[socket.socket() for _ in range(4)]
[s.bind(("127.0.0.1", 0)) for s in ss]
print(*[s.getsockname()[1] for s in ss])')
registry_started=1
registry_env=$(bash "$repo/scripts/start-registry.sh" --run-dir "$work/registry" \
  --plain "$p1" --basic "$p2" --token "$p3" --token-server "$p4")
docker_host=$(printf '%s\n' "$docker_env" | sed -n 's/^DOCKER_HOST=//p')
registry=$(printf '%s\n' "$registry_env" | sed -n 's/^REGISTRY_PLAIN=//p')
echo "== dockerd at $docker_host, registry at $registry"

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

tofu_run() { "$tofu" "$@" -input=false -no-color </dev/null; }

# 1. The golden image, built and pushed, and compute pinned to its digest.
mkdir -p "$work/golden"
cp -r "$repo/examples/stacks/golden-image/." "$work/golden/"
cp "$(command -v busybox || echo /bin/busybox)" "$work/golden/image/busybox"
cd "$work/golden"
golden_vars=(-var "registry=$registry" -var "docker_host=$docker_host" -var "tag=demo-$(date +%s)")
echo "== [golden-image] tofu init (from the local mirror)"
tofu_run init
echo "== [golden-image] tofu apply: build, push, pool + cluster on the digest"
tofu_run apply -auto-approve "${golden_vars[@]}"
image=$("$tofu" output -no-color -raw image </dev/null)
echo "== [golden-image] tofu plan (expect: no changes)"
tofu_run plan -detailed-exitcode "${golden_vars[@]}"

# 2. The seed's NLP stack on that image.
mkdir "$work/stack"
cp "$repo/examples/stacks/gpu-nlp/main.tf" "$work/stack/main.tf"
cd "$work/stack"
echo "== [gpu-nlp] tofu init (from the local mirror)"
tofu_run init
echo "== [gpu-nlp] tofu apply with image_url = $image"
tofu_run apply -auto-approve -var "image_url=$image"
echo "== [gpu-nlp] tofu output"
"$tofu" output -no-color </dev/null
echo "== [gpu-nlp] tofu plan (expect: no changes)"
tofu_run plan -detailed-exitcode -var "image_url=$image"
echo "== the workspace now holds"
curl -sS --noproxy '*' -H "Authorization: Bearer $token" "$url/api/2.1/clusters/list" |
  python3 -c 'import json,sys; [print(" ", c["cluster_id"], c["cluster_name"], c["state"], c["docker_image"]["url"]) for c in json.load(sys.stdin).get("clusters", [])]'
echo "== tofu destroy (both stacks)"
tofu_run destroy -auto-approve -var "image_url=$image"
cd "$work/golden"
tofu_run destroy -auto-approve "${golden_vars[@]}"
