#!/usr/bin/env bash
# Makes (or reuses) a minimal Debian bookworm root filesystem for the
# new-user install test (release/test-release.sh) and prints its path.
#
#   release/rootfs.sh            create it when missing, print the path
#   release/rootfs.sh --rebuild  throw the cached one away first
#
# The rootfs is debootstrap's "minbase" variant (essential packages + apt)
# plus only what the released provider needs at run time beyond glibc:
# libcurl4 (which pulls OpenSSL's libssl3) and ca-certificates. It lives in
# ${DCS_ROOTFS_CACHE:-$HOME/.cache/dcs-rootfs}/bookworm-minbase, outside the
# repository, and is reused when its marker file is present: the first run
# downloads ~40 MB of packages and takes a few minutes, later runs none.
#
# The Debian mirror is not written here: it is read from this machine's apt
# sources (/etc/apt/sources.list and /etc/apt/sources.list.d/*), or taken
# from DCS_DEBIAN_MIRROR. Needs root (debootstrap and chroot do).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cache=${DCS_ROOTFS_CACHE:-$HOME/.cache/dcs-rootfs}
suite=bookworm
rootfs=$cache/$suite-minbase
marker=$rootfs/.dcs-rootfs-ready
runtime_packages=libcurl4,ca-certificates

log() { echo "rootfs: $*" >&2; }

if [ "$(id -u)" -ne 0 ]; then
  log "must run as root (debootstrap and chroot need it)"
  exit 1
fi
if [ "${1:-}" = --rebuild ]; then
  rm -rf "$rootfs"
elif [ -n "${1:-}" ]; then
  echo "usage: $0 [--rebuild]" >&2
  exit 2
fi
if [ -f "$marker" ]; then
  log "reusing $rootfs"
  echo "$rootfs"
  exit 0
fi

if ! command -v debootstrap >/dev/null 2>&1; then
  log "installing Debian's debootstrap"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap </dev/null >/dev/null ||
    { DEBIAN_FRONTEND=noninteractive apt-get update -qq </dev/null &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap </dev/null >/dev/null; }
fi

mirror=${DCS_DEBIAN_MIRROR:-$(python3 "$repo/release/apt_mirror.py" "$suite")} || {
  log "no Debian mirror serving '$suite main' in the apt sources; set DCS_DEBIAN_MIRROR"
  exit 1
}

rm -rf "$rootfs.tmp"
mkdir -p "$cache"
start=$SECONDS
log "debootstrap --variant=minbase $suite (runtime packages: $runtime_packages); takes minutes the first time"
if ! debootstrap --variant=minbase --include="$runtime_packages" "$suite" "$rootfs.tmp" "$mirror" \
      </dev/null >"$cache/debootstrap.log" 2>&1; then
  tail -n 30 "$cache/debootstrap.log" >&2
  log "debootstrap failed (full log: $cache/debootstrap.log)"
  exit 1
fi
# Keep it small and inert: no package caches, no daemons started by apt.
rm -rf "$rootfs.tmp"/var/cache/apt/archives/*.deb "$rootfs.tmp"/var/lib/apt/lists/*
touch "$rootfs.tmp/.dcs-rootfs-ready"
mv "$rootfs.tmp" "$rootfs"
log "created $rootfs in $((SECONDS - start)) s ($(du -sh "$rootfs" | cut -f1))"
echo "$rootfs"
