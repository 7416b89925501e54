#!/usr/bin/env bash
# Configures and builds dcs into ${DCS_BUILD_DIR:-build} (inside the repo,
# git-ignored). Extra arguments are ninja targets (default: everything).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${DCS_BUILD_DIR:-$repo/build}
jobs=${DCS_JOBS:-$(nproc)}
cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=${DCS_BUILD_TYPE:-RelWithDebInfo} >/dev/null
ninja -C "$build" -j "$jobs" "$@"
