#!/usr/bin/env bash
# Builds a release of terraform-provider-dcs into dist/, the way a registry
# provider is shipped (goreleaser-like, with Debian's tools only):
#
#   release/release.sh [--version X.Y.Z] [--key-id GPG_KEY_ID] [--dist DIR]
#
#   dist/terraform-provider-dcs_X.Y.Z_linux_amd64.zip    holds terraform-provider-dcs_vX.Y.Z
#   dist/terraform-provider-dcs_X.Y.Z_manifest.json      = terraform-registry-manifest.json
#   dist/terraform-registry-manifest.json                {"version":1,"metadata":{"protocol_versions":["6.0"]}}
#   dist/terraform-provider-dcs_X.Y.Z_SHA256SUMS         zips + manifest (sha256sum -c format)
#   dist/terraform-provider-dcs_X.Y.Z_SHA256SUMS.sig     detached binary GPG signature
#   dist/terraform-provider-dcs_X.Y.Z_signing_key.asc    the public key (.id: its key id)
#   dist/mirror/{filesystem-packed,filesystem-unpacked,network,registry}/  (release/mirror.py)
#
# The version defaults to the VERSION file; a --version must be a semantic
# version and equal VERSION (the binary embeds VERSION). The git tree must be
# clean, so the artifacts are exactly a commit. Without --key-id (or
# DCS_GPG_KEY_ID), a throw-away RSA key is generated in a temporary GNUPGHOME
# and deleted afterwards; only its public half is kept in dist/.
#
# Environment: DCS_RELEASE_BUILD_DIR (default <repo>/build-release),
# DCS_JOBS (ninja jobs, default nproc), DCS_RELEASE_BUILD_TYPE (Release),
# GNUPGHOME (used with --key-id).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
dist=$repo/dist
version=
key_id=${DCS_GPG_KEY_ID:-}

die() { echo "release: $*" >&2; exit 1; }
log() { echo "release: $*" >&2; }

while [ $# -gt 0 ]; do
  case $1 in
    --version) version=${2:-}; shift 2 ;;
    --key-id) key_id=${2:-}; shift 2 ;;
    --dist) dist=$(realpath -m "${2:-}"); shift 2 ;;
    -h|--help) sed -n '2,25p' "$0"; exit 0 ;;
    *) echo "usage: $0 [--version X.Y.Z] [--key-id GPG_KEY_ID] [--dist DIR]" >&2; exit 2 ;;
  esac
done

# --- refuse what must not be released --------------------------------------
# Semantic Versioning 2.0.0: MAJOR.MINOR.PATCH, optional -pre.release and +build.
semver='^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-((0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)(\.(0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*))*))?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$'
file_version=$(tr -d '[:space:]' <"$repo/VERSION")
[ -n "$version" ] || version=$file_version
[[ $version =~ $semver ]] ||
  die "'$version' is not a semantic version (MAJOR.MINOR.PATCH, e.g. 1.4.0); refusing to release"
[ "$version" = "$file_version" ] ||
  die "version $version differs from the VERSION file ($file_version), which the binary embeds: change VERSION (and CHANGELOG.md), commit, then release"

git -C "$repo" rev-parse --git-dir >/dev/null 2>&1 || die "$repo is not a git checkout; a release is built from a commit"
dirty=$(git -C "$repo" status --porcelain --untracked-files=normal)
if [ -n "$dirty" ]; then
  echo "$dirty" | head -n 20 >&2
  die "the git tree is dirty ($(echo "$dirty" | wc -l) changed or untracked paths above): commit or stash them, then release"
fi
commit=$(git -C "$repo" rev-parse HEAD)
# Reproducible timestamps: the commit time, for the files inside the zip.
epoch=${SOURCE_DATE_EPOCH:-$(git -C "$repo" log -1 --format=%ct HEAD)}

for tool in cmake ninja zip unzip gpg sha256sum python3 readelf strip; do
  command -v "$tool" >/dev/null || die "$tool is required (bash scripts/install-deps.sh installs it)"
done

# --- build -------------------------------------------------------------------
build=${DCS_RELEASE_BUILD_DIR:-$repo/build-release}
launcher=()
if command -v ccache >/dev/null; then
  export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$repo} CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
fi
log "building $version ($commit) in $build"
cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE="${DCS_RELEASE_BUILD_TYPE:-Release}" \
  -DDCS_STATIC_DEPS=ON "${launcher[@]}" >/dev/null
ninja -C "$build" -j "${DCS_JOBS:-$(nproc)}" terraform-provider-dcs >&2
built=$build/bin/terraform-provider-dcs
reported=$("$built" --version)
[ "$reported" = "terraform-provider-dcs $version" ] ||
  die "the binary reports '$reported', expected 'terraform-provider-dcs $version'"

# Only glibc and libcurl (with OpenSSL and zlib) may stay dynamic; see
# cmake/dcs_static_deps.cmake and release/README.md for why.
allowed='^(libc\.so\.6|libm\.so\.6|libpthread\.so\.0|libdl\.so\.2|librt\.so\.1|ld-linux-x86-64\.so\.2|ld-linux-aarch64\.so\.1|libcurl\.so\.4|libssl\.so\.3|libcrypto\.so\.3|libz\.so\.1)$'
needed=$(readelf -d "$built" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
unexpected=$(echo "$needed" | grep -Ev "$allowed" || true)
[ -z "$unexpected" ] || die "the release binary links dynamically against $(echo $unexpected): not a documented runtime dependency"
log "dynamic dependencies: $(echo $needed)"

# --- package -------------------------------------------------------------------
rm -rf "$dist"
mkdir -p "$dist"
stage=$(mktemp -d)
gnupg_tmp=
cleanup() {
  rm -rf "$stage"
  [ -z "$gnupg_tmp" ] || { gpgconf --homedir "$gnupg_tmp" --kill all 2>/dev/null || true; rm -rf "$gnupg_tmp"; }
}
trap cleanup EXIT

package() {  # os arch binary
  local target=$1_$2
  mkdir -p "$stage/$target"
  local exe=$stage/$target/terraform-provider-dcs_v$version
  strip --strip-all -o "$exe" "$3"
  chmod 0755 "$exe"
  touch -d "@$epoch" "$exe"
  (cd "$stage/$target" && TZ=UTC zip -q -X -D "$dist/terraform-provider-dcs_${version}_${target}.zip" \
      "terraform-provider-dcs_v$version")
  log "packed terraform-provider-dcs_${version}_${target}.zip"
}
package linux amd64 "$built"
# linux_arm64: Debian would need g++-aarch64-linux-gnu plus the arm64 (multiarch)
# -dev packages of gRPC, protobuf, abseil, curl and OpenSSL installed next to
# the amd64 ones; see release/README.md. Not built here.

cp "$repo/terraform-registry-manifest.json" "$dist/terraform-registry-manifest.json"
cp "$dist/terraform-registry-manifest.json" "$dist/terraform-provider-dcs_${version}_manifest.json"
sums=terraform-provider-dcs_${version}_SHA256SUMS
(cd "$dist" && sha256sum terraform-provider-dcs_"${version}"_*.zip "terraform-provider-dcs_${version}_manifest.json" >"$sums")

# --- sign ----------------------------------------------------------------------
if [ -z "$key_id" ]; then
  gnupg_tmp=$(mktemp -d)
  export GNUPGHOME=$gnupg_tmp
  chmod 700 "$GNUPGHOME"
  log "generating a throw-away signing key (pass --key-id to sign with your own)"
  gpg --batch --quiet --pinentry-mode loopback --passphrase '' \
    --quick-generate-key "dcs release $version (throw-away key) <release@dcs.invalid>" rsa4096 sign 2d 2>/dev/null
  key_id=$(gpg --batch --with-colons --list-secret-keys | awk -F: '$1 == "sec" {print $5; exit}')
fi
gpg --batch --yes --quiet --pinentry-mode loopback --local-user "$key_id" --detach-sign \
  --output "$dist/$sums.sig" "$dist/$sums"
gpg --batch --armor --export "$key_id" >"$dist/terraform-provider-dcs_${version}_signing_key.asc"
gpg --batch --with-colons --list-keys "$key_id" | awk -F: '$1 == "pub" {print $5; exit}' \
  >"$dist/terraform-provider-dcs_${version}_signing_key.id"
[ -s "$dist/terraform-provider-dcs_${version}_signing_key.asc" ] || die "could not export the public key of $key_id"

# --- install layouts -----------------------------------------------------------
python3 "$repo/release/mirror.py" layouts --dist "$dist" --version "$version" >"$stage/hashes"
while read -r target h1 zh; do log "$target $h1 $zh"; done <"$stage/hashes"
echo "$commit" >"$dist/COMMIT"
log "done: $(cd "$dist" && ls -1 | tr '\n' ' ')"
