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
DCS_BUILD_DIR=$build DCS_BUILD_TYPE=Release DCS_STATIC_DEPS=ON \
  bash "$repo/scripts/build.sh" terraform-provider-dcs dcs-emulator >&2
work=$(mktemp -d "${TMPDIR:-/tmp}/dcs-hot-text.XXXXXX")
trap 'rm -rf "$work"' EXIT
python3 "$repo/release/hot_text.py" --tofu "$tofu" --build "$build" --work "$work" --out "$repo/release/hot-text.ld"
