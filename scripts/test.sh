#!/usr/bin/env bash
# The test command: installs what is missing, builds the provider, the
# emulator, the pinned OpenTofu/Terraform clients and buildkitd, then runs every test
# (unit and acceptance) with ctest. Works on a fresh machine with no stdin.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${DCS_BUILD_DIR:-$repo/build}

bash "$repo/scripts/install-deps.sh"
bash "$repo/scripts/build-clients.sh"
bash "$repo/scripts/build-buildkitd.sh"
bash "$repo/scripts/build.sh"
cd "$build"
ctest --output-on-failure --timeout 1200 -j "${DCS_TEST_JOBS:-2}" "$@"
