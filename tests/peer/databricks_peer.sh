#!/usr/bin/env bash
# Peer check (issue #3): the real terraform-provider-databricks (pinned in
# tests/tools/databricks) driven by the real pinned OpenTofu creates, reads,
# updates and destroys a databricks_instance_pool with a preloaded docker image
# and a databricks_cluster with a docker_image block on that pool, against
# dcs-emulator. Proves the emulator is faithful enough for the upstream client.
#
# usage: databricks_peer.sh [path/to/dcs-emulator]   (or env DCS_EMULATOR_BIN)
# env:   DCS_CLIENT_CACHE  client cache (default ~/.cache/dcs-clients)
#        DCS_PEER_KEEP=1   keep the work dir (tofu logs, request log)
#        DCS_PEER_TF_LOG   TF_LOG level for tofu (log in <work>/tofu.log)
# Builds the pinned clients first when they are not cached. Loopback only.
# Exit status 0 = every step passed; otherwise the failing client's output is
# printed. The API calls the provider made are printed at the end.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
emulator=${1:-${DCS_EMULATOR_BIN:-}}
log() { echo "peer: $*" >&2; }
die() { log "FAIL: $*"; exit 1; }

[ -n "$emulator" ] || die "usage: $0 path/to/dcs-emulator (or DCS_EMULATOR_BIN)"
[ -x "$emulator" ] || die "emulator binary $emulator is not executable"
command -v curl >/dev/null || die "curl is required"
command -v python3 >/dev/null || die "python3 is required (JSON checks)"

# ---- pinned clients (built once, cached outside the repo) ----
clients=$(bash "$repo/scripts/build-clients.sh") || die "scripts/build-clients.sh failed"
tofu=$(sed -n 's/^tofu=//p' <<<"$clients" | head -n 1)
[ -x "$tofu" ] || die "scripts/build-clients.sh printed no usable tofu= line"
dbline=$(bash "$repo/tests/tools/databricks/build.sh") || die "tests/tools/databricks/build.sh failed"
provider=$(sed -n 's/^databricks=//p' <<<"$dbline" | head -n 1)
[ -x "$provider" ] || die "tests/tools/databricks/build.sh printed no usable databricks= line"
version=${provider##*_v}
log "tofu: $tofu"
log "terraform-provider-databricks $version: $provider"

# ---- work dir, emulator, cleanup ----
work=$(mktemp -d "${TMPDIR:-/tmp}/dcs-peer-databricks.XXXXXX")
emu_pid=
cleanup() {
  local rc=$?
  if [ -n "$emu_pid" ] && kill -0 "$emu_pid" 2>/dev/null; then
    kill -TERM "$emu_pid" 2>/dev/null || true
    wait "$emu_pid" 2>/dev/null || true
  fi
  if [ "${DCS_PEER_KEEP:-0}" = 1 ] || [ "$rc" -ne 0 ]; then
    log "work dir kept: $work"
  else
    rm -rf "$work"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

token=peer-token             # the provider's
user=peer@example.com
admin_token=peer-admin-token # this script's own set-up calls (kept apart in the log)
admin=peer-admin@example.com
reqlog=$work/requests.jsonl
"$emulator" --port 0 --token "$token=$user" --token "$admin_token=$admin" --request-log "$reqlog" \
  --start-delay-ms 1500 --terminate-delay-ms 500 --resize-delay-ms 500 \
  >"$work/emulator.out" 2>"$work/emulator.err" &
emu_pid=$!
url=
for _ in $(seq 1 600); do  # up to 30 s on a loaded machine
  url=$(head -n 1 "$work/emulator.out" 2>/dev/null || true)
  case $url in http*) break ;; esac
  kill -0 "$emu_pid" 2>/dev/null || { cat "$work/emulator.err" >&2; die "emulator exited at start"; }
  sleep 0.05
done
case $url in http://127.0.0.1:*) ;; *) cat "$work/emulator.err" >&2; die "no base URL from the emulator";; esac
log "emulator at $url (pid $emu_pid)"

# api METHOD PATH [JSON]: a real API call as the admin; fails on HTTP >= 400.
api() {
  local code
  code=$(curl -sS --noproxy '*' -o "$work/api.out" -w '%{http_code}' -X "$1" \
          -H "Authorization: Bearer $admin_token" -H 'Content-Type: application/json' \
          ${3:+--data "$3"} "$url$2") || die "curl $1 $2 failed"
  [ "$code" -lt 400 ] || die "$1 $2 -> HTTP $code: $(cat "$work/api.out")"
  cat "$work/api.out"
}

# Workspace set-up the way an admin does it: DCS on, registry credentials in a secret scope.
api PATCH /api/2.0/workspace-conf '{"enableDcs":"true"}' >/dev/null
conf=$(api GET '/api/2.0/workspace-conf?keys=enableDcs')
python3 -c 'import json,sys; assert json.loads(sys.argv[1])["enableDcs"].lower()=="true", sys.argv[1]' "$conf" ||
  die "enableDcs did not read back true: $conf"
api POST /api/2.0/secrets/scopes/create '{"scope":"peer-registry"}' >/dev/null
api POST /api/2.0/secrets/put '{"scope":"peer-registry","key":"user","string_value":"peer-robot"}' >/dev/null
api POST /api/2.0/secrets/put '{"scope":"peer-registry","key":"pass","string_value":"peer-s3cret"}' >/dev/null

# ---- the provider in a filesystem mirror, under both default registry hosts ----
mirror=$work/mirror
for host in registry.opentofu.org registry.terraform.io; do
  d=$mirror/$host/databricks/databricks/$version/linux_amd64
  mkdir -p "$d"
  cp "$provider" "$d/terraform-provider-databricks_v$version"
done
cat >"$work/cli.tfrc" <<EOF
disable_checkpoint = true
provider_installation {
  filesystem_mirror {
    path    = "$mirror"
    include = ["registry.opentofu.org/databricks/databricks", "registry.terraform.io/databricks/databricks"]
  }
}
EOF

cfg=$work/config
mkdir -p "$cfg" "$work/home"
cat >"$cfg/main.tf" <<EOF
terraform {
  required_providers {
    databricks = {
      source  = "databricks/databricks"
      version = "= $version"
    }
  }
}

variable "autotermination_minutes" { type = number }
variable "max_capacity" { type = number }
variable "custom_tags" { type = map(string) }

provider "databricks" {
  host  = "$url"
  token = "$token"
}

# Lookups through the real API (spark-versions, list-node-types).
data "databricks_spark_version" "lts" {
  long_term_support = true
  spark_version     = "3.5.0"
}

data "databricks_node_type" "dcs" {
  local_disk = true
  min_cores  = 4
}

resource "databricks_instance_pool" "dcs" {
  instance_pool_name                    = "peer-dcs-pool"
  node_type_id                          = data.databricks_node_type.dcs.id
  min_idle_instances                    = 0
  max_capacity                          = var.max_capacity
  idle_instance_autotermination_minutes = 15
  preloaded_docker_image {
    url = "peer.azurecr.io/team/dcs-runtime:15.4"
    basic_auth {
      username = "{{secrets/peer-registry/user}}"
      password = "{{secrets/peer-registry/pass}}"
    }
  }
}

resource "databricks_cluster" "dcs" {
  cluster_name            = "peer-dcs-cluster"
  spark_version           = data.databricks_spark_version.lts.id
  instance_pool_id        = databricks_instance_pool.dcs.id
  num_workers             = 1
  autotermination_minutes = var.autotermination_minutes
  data_security_mode      = "SINGLE_USER"
  single_user_name        = "$user"
  custom_tags             = var.custom_tags
  docker_image {
    url = "peer.azurecr.io/team/dcs-runtime:15.4"
    basic_auth {
      username = "{{secrets/peer-registry/user}}"
      password = "{{secrets/peer-registry/pass}}"
    }
  }
}

output "cluster_id" { value = databricks_cluster.dcs.id }
output "pool_id" { value = databricks_instance_pool.dcs.id }
output "spark_version" { value = data.databricks_spark_version.lts.id }
output "node_type_id" { value = data.databricks_node_type.dcs.id }
EOF

# tf STEP ARGS...: runs tofu in the config dir with a private HOME and no
# inherited TF_*/DATABRICKS_* variables; prints its output and fails on error.
tf() {
  local step=$1; shift
  local out=$work/$step.log rc=0
  (cd "$cfg" && env -i PATH="$PATH" HOME="$work/home" TMPDIR="${TMPDIR:-/tmp}" \
      TF_CLI_CONFIG_FILE="$work/cli.tfrc" TF_IN_AUTOMATION=1 TF_INPUT=0 CHECKPOINT_DISABLE=1 \
      ${DCS_PEER_TF_LOG:+TF_LOG=$DCS_PEER_TF_LOG TF_LOG_PATH=$work/tofu.log} \
      "$tofu" "$@" -no-color </dev/null) >"$out" 2>&1 || rc=$?
  echo "$rc"
}
run() {  # run STEP ARGS...: must exit 0
  local step=$1 rc start=$SECONDS
  rc=$(tf "$@")
  if [ "$rc" -ne 0 ]; then
    cat "$work/$step.log" >&2
    die "tofu ${*:2} exited $rc"
  fi
  log "ok: tofu ${*:2:1} ($step, $((SECONDS - start)) s)"
}
plan_clean() {  # plan_clean STEP VARS...: plan -detailed-exitcode must say "no changes"
  local step=$1 rc; shift
  rc=$(tf "$step" plan -detailed-exitcode -input=false "$@")
  if [ "$rc" -ne 0 ]; then
    cat "$work/$step.log" >&2
    [ "$rc" -eq 2 ] && die "drift: plan after apply wants changes (exit 2)"
    die "plan exited $rc"
  fi
  log "ok: plan -detailed-exitcode = 0 ($step)"
}

v1=(-var autotermination_minutes=30 -var max_capacity=4 -var 'custom_tags={"team"="peer"}')
v2=(-var autotermination_minutes=45 -var max_capacity=6 -var 'custom_tags={"team"="peer","stage"="update"}')

run init init -input=false
run apply1 apply -auto-approve -input=false "${v1[@]}"
plan_clean plan1 "${v1[@]}"

state=$(curl -sS --noproxy '*' "$url/_emulator/state")
cluster_id=$(python3 -c 'import json,sys; c=json.loads(sys.argv[1])["clusters"]; print(" ".join(c))' "$state")
python3 - "$state" "$user" <<'PY' || die "emulator state after create is not what the config says"
import json, sys
st, user = json.loads(sys.argv[1]), sys.argv[2]
(cid, c), = st["clusters"].items()
(pid, p), = st["pools"].items()
s = c["spec"]
assert c["state"] == "RUNNING", c["state"]
assert s["docker_image"]["url"] == "peer.azurecr.io/team/dcs-runtime:15.4", s
assert s["docker_image"]["basic_auth"]["username"] == "{{secrets/peer-registry/user}}", s
assert s["instance_pool_id"] == pid and "node_type_id" not in s, s
assert s["autotermination_minutes"] == 30 and s["num_workers"] == 1, s
assert s["data_security_mode"] == "SINGLE_USER" and s["single_user_name"] == user, s
assert p["spec"]["preloaded_docker_images"][0]["url"] == "peer.azurecr.io/team/dcs-runtime:15.4", p
assert p["spec"]["max_capacity"] == 4, p
PY
log "ok: emulator holds RUNNING docker cluster $cluster_id on a pool with the preloaded image"

# Read must see out-of-band changes: drift the cluster and the pool behind
# OpenTofu's back; plan must then want exactly those two fields back.
curl -sS --noproxy '*' -X POST "$url/_emulator/drift" -H 'Content-Type: application/json' \
  --data "{\"resource\":\"cluster\",\"id\":\"$cluster_id\",\"patch\":{\"autotermination_minutes\":99}}" >/dev/null
pool_id=$(python3 -c 'import json,sys; print(*json.loads(sys.argv[1])["pools"])' "$state")
curl -sS --noproxy '*' -X POST "$url/_emulator/drift" -H 'Content-Type: application/json' \
  --data "{\"resource\":\"pool\",\"id\":\"$pool_id\",\"patch\":{\"max_capacity\":9}}" >/dev/null
rc=$(tf drift plan -detailed-exitcode -input=false "${v1[@]}")
if [ "$rc" -ne 2 ] || ! grep -q "autotermination_minutes *= 99 -> 30" "$work/drift.log" ||
   ! grep -q "max_capacity *= 9 -> 4" "$work/drift.log"; then
  cat "$work/drift.log" >&2
  die "plan did not report the out-of-band changes (exit $rc)"
fi
log "ok: out-of-band changes seen by plan (exit 2, 99 -> 30, 9 -> 4)"

run apply2 apply -auto-approve -input=false "${v2[@]}"
grep -q "2 changed, 0 destroyed" "$work/apply2.log" || grep -q "0 added, 2 changed" "$work/apply2.log" ||
  { cat "$work/apply2.log" >&2; die "update was not two in-place changes"; }
# Throttling and unavailability on the read path: the provider's first clusters/get
# is a 429 and its first instance-pools/get a 503 (both with Retry-After); the
# provider's SDK must retry them and the plan must still be clean.
curl -sS --noproxy '*' -X POST "$url/_emulator/faults" -H 'Content-Type: application/json' --data \
  '{"rules":[{"path":"/api/2.1/clusters/get","kind":"429","rate":0.5,"retry_after_seconds":1},
             {"path":"/api/2.0/instance-pools/get","kind":"503","rate":0.5,"retry_after_seconds":1}]}' >/dev/null
# Rules fire deterministically on every 2nd match: one call each here makes
# the provider's first read of each resource the one that is refused.
api GET "/api/2.1/clusters/get?cluster_id=$cluster_id" >/dev/null
api GET "/api/2.0/instance-pools/get?instance_pool_id=$pool_id" >/dev/null
plan_clean plan2 "${v2[@]}"
faults=$(curl -sS --noproxy '*' "$url/_emulator/faults")
curl -sS --noproxy '*' -X DELETE "$url/_emulator/faults" >/dev/null
python3 -c '
import json, sys
rules = json.loads(sys.argv[1])["rules"]
assert all(r["fired"] >= 1 for r in rules), rules
' "$faults" || die "the injected 429/503 faults never fired: $faults"
log "ok: plan stayed clean through injected 429 (clusters/get) and 503 (instance-pools/get)"
state=$(curl -sS --noproxy '*' "$url/_emulator/state")
python3 - "$state" "$cluster_id" <<'PY' || die "update not visible in the emulator (or cluster replaced)"
import json, sys
st, cid = json.loads(sys.argv[1]), sys.argv[2]
assert list(st["clusters"]) == [cid], list(st["clusters"])
s = st["clusters"][cid]["spec"]
assert s["autotermination_minutes"] == 45 and s["custom_tags"] == {"team": "peer", "stage": "update"}, s
(p,) = st["pools"].values()
assert p["spec"]["max_capacity"] == 6, p
PY
log "ok: in-place update applied to cluster $cluster_id and the pool"

run destroy destroy -auto-approve -input=false "${v2[@]}"
state=$(curl -sS --noproxy '*' "$url/_emulator/state")
python3 -c '
import json, sys
st = json.loads(sys.argv[1])
assert not st.get("clusters") and not st.get("pools"), (st.get("clusters"), st.get("pools"))
' "$state" || die "cluster or pool left in the emulator after destroy"
log "ok: destroy left no cluster and no pool"

# Launch failure: a docker cluster whose registry secret does not exist must
# fail the apply with the API's termination reason, and the provider must not
# leave the half-created cluster behind (it permanent-deletes it).
cfg=$work/negative
mkdir -p "$cfg"
cat >"$cfg/main.tf" <<EOF
terraform {
  required_providers {
    databricks = {
      source  = "databricks/databricks"
      version = "= $version"
    }
  }
}

provider "databricks" {
  host  = "$url"
  token = "$token"
}

resource "databricks_cluster" "missing_secret" {
  cluster_name            = "peer-dcs-missing-secret"
  spark_version           = "15.4.x-scala2.12"
  node_type_id            = "Standard_DS3_v2"
  num_workers             = 1
  autotermination_minutes = 20
  data_security_mode      = "NONE"
  docker_image {
    url = "peer.azurecr.io/team/dcs-runtime:15.4"
    basic_auth {
      username = "{{secrets/peer-registry/user}}"
      password = "{{secrets/peer-registry/no-such-key}}"
    }
  }
}
EOF
run neg-init init -input=false
rc=$(tf neg-apply apply -auto-approve -input=false)
if [ "$rc" -eq 0 ] || ! grep -q "SECRET_RESOLUTION_ERROR\|Failed to resolve secret reference" "$work/neg-apply.log"; then
  cat "$work/neg-apply.log" >&2
  die "apply with a missing registry secret did not fail with the resolution error (exit $rc)"
fi
run neg-destroy destroy -auto-approve -input=false
state=$(curl -sS --noproxy '*' "$url/_emulator/state")
python3 -c '
import json, sys
st = json.loads(sys.argv[1])
assert not st.get("clusters"), st.get("clusters")
' "$state" || die "the failed cluster was left in the emulator"
log "ok: missing registry secret fails the apply (SECRET_RESOLUTION_ERROR) and leaves no cluster"

# What the provider called, in order of first use, with counts and statuses
# (429/503 are the injected faults; the 404 is the refresh of the cluster the
# provider removed after the failed launch).
python3 - "$reqlog" "$user" <<'PY' >&2
import collections, json, sys
seen = collections.OrderedDict()
for line in open(sys.argv[1]):
    r = json.loads(line)
    # injected faults are answered before authentication (no principal)
    if r.get("principal") != sys.argv[2] and not r.get("fault"):
        continue
    k = f'{r["method"]} {r["path"]}'
    seen.setdefault(k, collections.Counter())[r["status"]] += 1
print("peer: API calls made by terraform-provider-databricks (status x count):")
for k, c in seen.items():
    print("  ", k, " ".join(f"{s}x{n}" for s, n in sorted(c.items())))
PY
log "PASS: terraform-provider-databricks $version with $(env -i HOME="$work/home" TF_CLI_CONFIG_FILE="$work/cli.tfrc" "$tofu" version </dev/null | head -n 1) against dcs-emulator"
