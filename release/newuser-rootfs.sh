#!/usr/bin/env bash
# A new user installs the release on a clean machine (step 7 of
# release/test-release.sh):
#
#   release/newuser-rootfs.sh ZIP TOFU EXPECTED_H1
#
# A fresh copy of the cached minimal Debian rootfs (release/rootfs.sh) gets
# only ZIP, the TOFU binary and examples/stacks/gpu-nlp/main.tf. Inside a
# chroot (own mount namespace, /proc and /dev mounted), as root: a CLI config
# with a filesystem mirror holding the zip as downloaded, `tofu init` (the
# lock file must hold EXPECTED_H1), `tofu apply` against dcs-emulator,
# `plan -detailed-exitcode` = 0, `destroy`. The emulator runs outside the
# chroot on 127.0.0.1 (a chroot shares the network namespace), as the
# stand-in for a Databricks workspace. Needs root.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
zip=$(realpath "$1")
tofu=$(realpath "$2")
expected_h1=$3
fail() { echo "new-user test FAILED: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || fail "needs root (chroot)"

build=${DCS_BUILD_DIR:-$repo/build}
emulator_bin=${DCS_EMULATOR_BIN:-$build/emulator/dcs-emulator}
[ -x "$emulator_bin" ] || bash "$repo/scripts/build.sh" dcs-emulator >&2
cached=$(bash "$repo/release/rootfs.sh")

newroot=$(mktemp -d "${TMPDIR:-/tmp}/dcs-newuser-root.XXXXXX")
emulator_pid=
cleanup() {
  [ -z "$emulator_pid" ] || { kill "$emulator_pid" 2>/dev/null || true; wait "$emulator_pid" 2>/dev/null || true; }
  rm -rf --one-file-system "$newroot"
  rm -f "$newroot".emulator.*
}
trap cleanup EXIT
cp -a "$cached/." "$newroot/"

# What the user brings: the zip as downloaded, tofu, one example. Nothing else.
mkdir -p "$newroot/root/downloads" "$newroot/root/gpu-nlp" "$newroot/usr/local/bin"
cp "$zip" "$newroot/root/downloads/"
cp "$tofu" "$newroot/usr/local/bin/tofu"
cp "$repo/examples/stacks/gpu-nlp/main.tf" "$newroot/root/gpu-nlp/main.tf"

# The workspace: dcs-emulator on loopback, container services off (the stack
# turns them on), and the secrets the stack's basic_auth references name.
token=dcs-newuser-token
"$emulator_bin" --port 0 --token "$token" --start-delay-ms 500 \
  --state-file "$newroot.emulator.json" >"$newroot.emulator.out" 2>"$newroot.emulator.err" &
emulator_pid=$!
url=
for _ in $(seq 100); do
  url=$(head -n 1 "$newroot.emulator.out" 2>/dev/null || true)
  [ -n "$url" ] && break
  sleep 0.1
done
case $url in http://127.0.0.1:*) ;; *) cat "$newroot.emulator.err" >&2; fail "dcs-emulator did not start";; esac
api() { curl -fsS --noproxy '*' -H "Authorization: Bearer $token" -X POST "$url$1" -d "$2" >/dev/null; }
api /api/2.0/secrets/scopes/create '{"scope":"acr"}'
api /api/2.0/secrets/put '{"scope":"acr","key":"username","string_value":"00000000-0000-0000-0000-000000000000"}'
api /api/2.0/secrets/put '{"scope":"acr","key":"password","string_value":"not-a-real-password"}'

cat >"$newroot/root/newuser.sh" <<'SCRIPT'
set -eu
zip=$(ls /root/downloads/terraform-provider-dcs_*_linux_amd64.zip)
version=$(basename "$zip" | sed 's/^terraform-provider-dcs_\(.*\)_linux_amd64\.zip$/\1/')
echo "-- rootfs: $(. /etc/os-release; echo "$PRETTY_NAME"), $(dpkg-query -W -f='${binary:Package}\n' | wc -l) packages"
# Step 1 of the install guide: the zip goes, as downloaded, into a packed mirror.
mirror=/root/terraform-mirror/registry.opentofu.org/dcslabs/dcs
mkdir -p "$mirror"
cp "$zip" "$mirror/"
cat >/root/.tofurc <<CFG
provider_installation {
  filesystem_mirror {
    path    = "/root/terraform-mirror"
    include = ["registry.opentofu.org/dcslabs/dcs"]
  }
}
CFG
cd /root/gpu-nlp
tofu init -input=false -no-color
grep -A8 'provider "registry.opentofu.org/dcslabs/dcs"' .terraform.lock.hcl
grep -q "\"$EXPECTED_H1\"" .terraform.lock.hcl || { echo "lock file lacks $EXPECTED_H1"; exit 1; }
provider=.terraform/providers/registry.opentofu.org/dcslabs/dcs/$version/linux_amd64/terraform-provider-dcs_v$version
"$provider" --version
echo "-- shared libraries of the provider, resolved inside the rootfs:"
ldd "$provider"
if ldd "$provider" | grep -q "not found"; then echo "a shared library is missing"; exit 1; fi
tofu apply -input=false -auto-approve -no-color
tofu output -no-color
set +e
tofu plan -input=false -no-color -detailed-exitcode
code=$?
set -e
[ "$code" -eq 0 ] || { echo "plan after apply exited $code (0 = no changes expected)"; exit 1; }
tofu destroy -input=false -auto-approve -no-color
echo "-- new user: OK"
SCRIPT

unshare --mount --fork /bin/bash -euc '
  root=$1; shift
  mount --make-rprivate / 2>/dev/null || true
  mount -t proc proc "$root/proc"
  mount --rbind /dev "$root/dev"
  exec chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/local/bin:/usr/bin:/bin \
    TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1 "$@" /bin/sh /root/newuser.sh
' newuser "$newroot" DATABRICKS_HOST="$url" DATABRICKS_TOKEN="$token" EXPECTED_H1="$expected_h1" ||
  fail "the new-user steps failed inside the chroot (output above)"

clusters=$(curl -fsS --noproxy '*' -H "Authorization: Bearer $token" "$url/api/2.1/clusters/list")
echo "workspace after destroy: $clusters"
