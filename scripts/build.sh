#!/usr/bin/env bash
# Configures and builds dcs into ${DCS_BUILD_DIR:-build} (inside the repo,
# git-ignored). Extra arguments are ninja targets (default: everything).
# DCS_BUILD_TYPE: Check (default; the compiler's defaults: -O0, no debug
# info, assertions on: the fastest build the tests are happy with),
# RelWithDebInfo, Release or Debug. DCS_STATIC_DEPS=ON: the release
# configuration (static C++ dependencies, compact layout; see CMakeLists.txt).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${DCS_BUILD_DIR:-$repo/build}
jobs=${DCS_JOBS:-$(nproc)}
launcher=()
if command -v ccache >/dev/null; then
  # Optional: ccache (not installed by install-deps.sh) shares objects between
  # checkouts/worktrees of the repo; paths are made relative to the checkout.
  export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$repo} CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
fi
options=()
[ -z "${DCS_STATIC_DEPS:-}" ] || options=(-DDCS_STATIC_DEPS="$DCS_STATIC_DEPS")
cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=${DCS_BUILD_TYPE:-Check} "${options[@]}" "${launcher[@]}" >/dev/null
ninja -C "$build" -j "$jobs" "$@"
