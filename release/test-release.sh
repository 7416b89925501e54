#!/usr/bin/env bash
# The release test: builds a release with release/release.sh (unless --dist
# names one already built) and checks it the way a user and a registry would.
#
#   release/test-release.sh [--dist DIR] [--skip-rootfs]
#
#  1. bad input: a non-semver version and a dirty tree are refused with a clear message
#  2. sha256sum -c and gpg --verify (with only the exported public key) pass
#  3. the zip holds exactly terraform-provider-dcs_vX.Y.Z; the manifest says protocol 6.0;
#     the binary has the compact layout (.text.dcs_hot, DT_RELR)
#  4. tofu init from the packed filesystem mirror; the lock file's h1: equals
#     the hash computed independently from the zip; same from the unpacked mirror
#  5. tofu init from the network mirror and from the static registry, served
#     over loopback HTTPS (self-signed CA via SSL_CERT_FILE); from the registry
#     tofu checks the GPG signature itself and records zh: hashes
#  6. a zip whose content changed fails init with the checksum error (packed
#     mirror with the lock file, network mirror, registry)
#  7. new user on a clean rootfs (release/rootfs.sh: Debian bookworm minbase +
#     libcurl4 + ca-certificates): only the release zip, the pinned tofu and
#     examples/stacks/gpu-nlp/main.tf are copied in; inside a chroot, tofu init
#     from a mirror made from the zip, apply against dcs-emulator (running
#     outside the chroot on 127.0.0.1), a clean plan, destroy
# Needs root for step 7 (chroot). Prints "release test: OK" at the end.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
dist=
rootfs_test=1
while [ $# -gt 0 ]; do
  case $1 in
    --dist) dist=$(realpath "$2"); shift 2 ;;
    --skip-rootfs) rootfs_test=0; shift ;;
    *) echo "usage: $0 [--dist DIR] [--skip-rootfs]" >&2; exit 2 ;;
  esac
done

step() { echo; echo "== release test: $*"; }
fail() { echo "release test FAILED: $*" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/dcs-release-test.XXXXXX")
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

clients=$(bash "$repo/scripts/build-clients.sh")
tofu=$(printf '%s\n' "$clients" | sed -n 's/^tofu=//p')
[ -x "$tofu" ] || fail "the pinned OpenTofu is not available"
version=$(tr -d '[:space:]' <"$repo/VERSION")

# --- 1. bad input -----------------------------------------------------------
step "refusals"
out=$(bash "$repo/release/release.sh" --version 1.2 --dist "$work/never" 2>&1) && fail "release.sh accepted version 1.2"
grep -q "not a semantic version" <<<"$out" || fail "no clear message for a non-semver version: $out"
echo "non-semver refused: $out"
out=$(bash "$repo/release/release.sh" --version v1.2.3 --dist "$work/never" 2>&1) && fail "release.sh accepted v1.2.3"
grep -q "not a semantic version" <<<"$out" || fail "no clear message for v1.2.3: $out"
git clone -q "$repo" "$work/dirty-clone"
echo "local edit" >>"$work/dirty-clone/README.md"
out=$(bash "$work/dirty-clone/release/release.sh" --dist "$work/never" 2>&1) && fail "release.sh accepted a dirty tree"
grep -q "git tree is dirty" <<<"$out" || fail "no clear message for a dirty tree: $out"
echo "dirty tree refused: $(tail -n 1 <<<"$out")"
[ ! -e "$work/never" ] || fail "a refused release still wrote $work/never"

# --- build -------------------------------------------------------------------
if [ -z "$dist" ]; then
  step "release.sh"
  start=$SECONDS
  bash "$repo/release/release.sh"
  echo "release built in $((SECONDS - start)) s"
  dist=$repo/dist
fi
zip_name=terraform-provider-dcs_${version}_linux_amd64.zip
zip=$dist/$zip_name
sums=$dist/terraform-provider-dcs_${version}_SHA256SUMS
[ -f "$zip" ] || fail "$zip is missing"

# --- 2. checksums and signature ------------------------------------------------
step "sha256sum -c and gpg --verify"
(cd "$dist" && sha256sum -c "$(basename "$sums")") || fail "sha256sum -c failed"
export GNUPGHOME=$work/verify-gnupg
mkdir -m 700 "$GNUPGHOME"
gpg --batch --quiet --import "$dist/terraform-provider-dcs_${version}_signing_key.asc"
gpg --batch --verify "$sums.sig" "$sums" || fail "gpg --verify failed"
cp "$sums" "$work/tampered_SHA256SUMS"
echo "0000  extra" >>"$work/tampered_SHA256SUMS"
if gpg --batch --verify "$sums.sig" "$work/tampered_SHA256SUMS" 2>/dev/null; then
  fail "gpg accepted a modified SHA256SUMS"
fi
unset GNUPGHOME

# --- 3. contents -----------------------------------------------------------------
step "archive contents and manifest"
listing=$(unzip -Z1 "$zip")
[ "$listing" = "terraform-provider-dcs_v$version" ] || fail "the zip holds '$listing'"
python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); assert m == {"version": 1, "metadata": {"protocol_versions": ["6.0"]}}, m' \
  "$dist/terraform-registry-manifest.json"
unzip -q -d "$work/unzipped" "$zip"
reported=$("$work/unzipped/terraform-provider-dcs_v$version" --version)
[ "$reported" = "terraform-provider-dcs $version" ] || fail "the zipped binary reports '$reported'"
# The compact layout (release/README.md): the profiled code first, packed relocations.
shipped="$work/unzipped/terraform-provider-dcs_v$version"
hot=$(readelf -SW "$shipped" | sed -n 's/.* \.text\.dcs_hot *PROGBITS *[0-9a-f]* [0-9a-f]* \([0-9a-f]*\) .*/\1/p')
[ -n "$hot" ] || fail "the binary has no .text.dcs_hot section: release/hot-text.ld was not applied"
# A profile puts megabytes there; the start-up code alone is ~50 KiB.
[ $((16#$hot)) -ge $((1 << 20)) ] ||
  fail ".text.dcs_hot holds only $((16#$hot)) bytes: regenerate release/hot-text.ld with release/hot-text.sh"
readelf -d "$shipped" | grep -q '(RELR)' || fail "the binary's relative relocations are not packed (no DT_RELR)"
hashes=$(python3 "$repo/release/mirror.py" hashes "$zip")
h1=$(sed -n 1p <<<"$hashes")
zh=$(sed -n 2p <<<"$hashes")
echo "h1 = $h1"
echo "zh = $zh"
[ "$zh" = "zh:$(sha256sum "$zip" | cut -d' ' -f1)" ] || fail "zh: is not the zip's sha256"

# --- 4. filesystem mirrors --------------------------------------------------------
config='terraform {
  required_providers {
    dcs = { source = "dcslabs/dcs" }
  }
}
provider "dcs" {}
output "min_driver" { value = provider::dcs::cuda_min_driver("12.4") }'

# init_with NAME CLI-CONFIG-BODY [ENV...]: tofu init in $work/NAME; stdout+stderr in $work/NAME.log
init_with() {
  local name=$1 body=$2
  shift 2
  mkdir -p "$work/$name"
  printf '%s\n' "$config" >"$work/$name/main.tf"
  printf '%s\n' "$body" >"$work/$name.tfrc"
  (cd "$work/$name" && env -i PATH=/usr/bin:/bin HOME="$work/home" TF_CLI_CONFIG_FILE="$work/$name.tfrc" \
      CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1 "$@" "$tofu" init -input=false -no-color </dev/null) \
    >"$work/$name.log" 2>&1
}
lock_hashes() { grep -o '"\(h1\|zh\):[^"]*"' "$work/$1/.terraform.lock.hcl" | tr -d '"' | sort; }

step "tofu init from the packed filesystem mirror"
init_with packed "provider_installation {
  filesystem_mirror { path = \"$dist/mirror/filesystem-packed\" }
}" || { cat "$work/packed.log"; fail "init from the packed mirror failed"; }
lock_hashes packed | grep -qx "$h1" || { cat "$work/packed/.terraform.lock.hcl"; fail "lock file lacks $h1"; }
applied=$(cd "$work/packed" && env -i PATH=/usr/bin:/bin HOME="$work/home" TF_CLI_CONFIG_FILE="$work/packed.tfrc" \
   "$tofu" apply -auto-approve -input=false -no-color </dev/null 2>&1) || { echo "$applied"; fail "apply failed"; }
grep -q 'min_driver = "550.54.14"' <<<"$applied" || { echo "$applied"; fail "the installed provider does not answer cuda_min_driver"; }
echo "lock file: $(lock_hashes packed | tr '\n' ' ')"

step "tofu init from the unpacked filesystem mirror"
init_with unpacked "provider_installation {
  filesystem_mirror { path = \"$dist/mirror/filesystem-unpacked\" }
}" || { cat "$work/unpacked.log"; fail "init from the unpacked mirror failed"; }
lock_hashes unpacked | grep -qx "$h1" || fail "unpacked mirror: lock file lacks $h1"

# --- 5. HTTPS: network mirror and registry ------------------------------------------
step "network mirror and registry over loopback HTTPS"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=localhost" \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
  -keyout "$work/tls.key" -out "$work/tls.crt" >/dev/null 2>&1
serve() {  # DIR -> prints the port
  local dir=$1 portfile=$work/port.$RANDOM
  python3 "$repo/release/serve_https.py" "$dir" "$work/tls.crt" "$work/tls.key" "$portfile" \
    >>"$work/https.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do [ -s "$portfile" ] && break; sleep 0.1; done
  [ -s "$portfile" ] || { cat "$work/https.log" >&2; fail "the HTTPS server did not start"; }
  cat "$portfile"
}
net_port=$(serve "$dist/mirror/network")
init_with network "provider_installation {
  network_mirror { url = \"https://127.0.0.1:$net_port/\" }
}" SSL_CERT_FILE="$work/tls.crt" || { cat "$work/network.log"; fail "init from the network mirror failed"; }
lock_hashes network | grep -qx "$h1" || fail "network mirror: lock file lacks $h1"

reg_port=$(serve "$dist/mirror/registry")
config=${config//dcslabs\/dcs/localhost:$reg_port\/dcslabs\/dcs}
init_with registry "" SSL_CERT_FILE="$work/tls.crt" || { cat "$work/registry.log"; fail "init from the registry failed"; }
key_id=$(cat "$dist/terraform-provider-dcs_${version}_signing_key.id")
grep -q "signed" "$work/registry.log" || { cat "$work/registry.log"; fail "tofu did not report a signed package"; }
grep -q "$key_id" "$work/registry.log" || { cat "$work/registry.log"; fail "tofu did not name key $key_id"; }
lock_hashes registry | grep -qx "$zh" || { cat "$work/registry/.terraform.lock.hcl"; fail "registry: lock file lacks $zh"; }
lock_hashes registry | grep -qx "$h1" || fail "registry: lock file lacks $h1"
grep "Installed" "$work/registry.log"
config=${config//localhost:$reg_port\/dcslabs\/dcs/dcslabs\/dcs}

# --- 6. a corrupted zip ---------------------------------------------------------------
step "a zip whose content changed fails init"
corrupt() {  # ZIP: rewrite it with bytes appended to the binary inside (still a valid zip and ELF)
  local dir=$work/corrupt.$RANDOM
  mkdir "$dir"
  unzip -q -d "$dir" "$1"
  printf 'tampered' >>"$dir/terraform-provider-dcs_v$version"
  rm -f "$1"
  (cd "$dir" && zip -q -X "$1" "terraform-provider-dcs_v$version")
}
cp -a "$dist/mirror" "$work/bad-mirror"
for host in registry.opentofu.org registry.terraform.io; do
  corrupt "$work/bad-mirror/filesystem-packed/$host/dcslabs/dcs/$zip_name"
  corrupt "$work/bad-mirror/network/$host/dcslabs/dcs/$zip_name"
done
corrupt "$work/bad-mirror/registry/artifacts/$version/$zip_name"
expect_checksum_error() {  # NAME
  if grep -qiE "checksum|hash" "$work/$1.log"; then
    echo "$1: $(grep -iE -m1 "checksum|hash" "$work/$1.log")"
  else
    cat "$work/$1.log"; fail "$1: init failed without mentioning the checksum"
  fi
}
# packed mirror + the lock file written from the good release
mkdir -p "$work/bad-packed"
cp "$work/packed/.terraform.lock.hcl" "$work/bad-packed/"
init_with bad-packed "provider_installation {
  filesystem_mirror { path = \"$work/bad-mirror/filesystem-packed\" }
}" && fail "init accepted a modified zip from the filesystem mirror"
expect_checksum_error bad-packed
init_with bad-network "provider_installation {
  network_mirror { url = \"https://127.0.0.1:$(serve "$work/bad-mirror/network")/\" }
}" SSL_CERT_FILE="$work/tls.crt" && fail "init accepted a modified zip from the network mirror"
expect_checksum_error bad-network
bad_reg_port=$(serve "$work/bad-mirror/registry")
config=${config//dcslabs\/dcs/localhost:$bad_reg_port\/dcslabs\/dcs}
init_with bad-registry "" SSL_CERT_FILE="$work/tls.crt" && fail "init accepted a modified zip from the registry"
expect_checksum_error bad-registry
config=${config//localhost:$bad_reg_port\/dcslabs\/dcs/dcslabs\/dcs}

# --- 7. a new user on a clean rootfs ----------------------------------------------------
if [ "$rootfs_test" = 1 ]; then
  step "new user on a clean Debian rootfs"
  bash "$repo/release/newuser-rootfs.sh" "$zip" "$tofu" "$h1"
fi
echo
echo "release test: OK ($zip_name, $h1)"
