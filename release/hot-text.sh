#!/usr/bin/env bash
# Regenerates release/hot-text.ld, the linker script that packs the code a
# typical cluster workload executes at the start of the release binary's text
# (release/hot_text.py says why and how). Run it after changes that move a lot
# of code, then commit the script; a stale script only costs resident memory.
#
#   release/hot-text.sh
#
# Needs valgrind (callgrind). Environment: DCS_RELEASE_BUILD_DIR (default
# <repo>/build-release, the build release/release.sh uses), DCS_JOBS.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
command -v valgrind >/dev/null || { echo "hot-text: valgrind is required (apt-get install valgrind)" >&2; exit 1; }

bash "$repo/scripts/install-deps.sh"
tofu=$(bash "$repo/scripts/build-clients.sh" tofu | sed -n 's/^tofu=//p')
build=${DCS_RELEASE_BUILD_DIR:-$repo/build-release}
launcher=()
if command -v ccache >/dev/null; then
  export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$repo} CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
fi
cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DDCS_STATIC_DEPS=ON "${launcher[@]}" >/dev/null
ninja -C "$build" -j "${DCS_JOBS:-$(nproc)}" terraform-provider-dcs dcs-emulator >&2
work=$(mktemp -d "${TMPDIR:-/tmp}/dcs-hot-text.XXXXXX")
trap 'rm -rf "$work"' EXIT
python3 "$repo/release/hot_text.py" --tofu "$tofu" --build "$build" --work "$work" --out "$repo/release/hot-text.ld"
