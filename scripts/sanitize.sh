#!/usr/bin/env bash
# The sanitizer lane: builds everything with AddressSanitizer and
# UndefinedBehaviorSanitizer (-fno-sanitize-recover: the first report aborts)
# into ${DCS_SANITIZE_BUILD_DIR:-build-asan}, then runs the unit tests (with
# the fuzz corpus replays) and a representative set of acceptance modules
# with OpenTofu against the sanitized provider and emulator. Reports of the
# provider and emulator processes (whose stderr the client swallows) are
# written to a log directory that the acceptance harness checks after every
# test: a report fails that test and is printed in its failure.
# Run after scripts/test.sh (it reuses the installed deps and clients).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${DCS_SANITIZE_BUILD_DIR:-$repo/build-asan}
jobs=${DCS_JOBS:-$(nproc)}
launcher=()
if command -v ccache >/dev/null; then
  export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$repo} CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
fi
cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Check -DDCS_SANITIZE=ON "${launcher[@]}" >/dev/null
ninja -C "$build" -j "$jobs" terraform-provider-dcs dcs-emulator \
  $(ninja -C "$build" -t targets all | grep -oE '^(tests/dcs_[a-z_]+_test|fuzz/fuzz_[a-z_]+):' | tr -d ':' | sort -u)

logs="$build/sanitizer-logs"
rm -rf "$logs"
mkdir -p "$logs"
# Debian's libcrypto keeps a few allocations for the process lifetime.
export LSAN_OPTIONS="suppressions=$repo/scripts/lsan.supp:print_suppressions=0"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:log_path=$logs/asan"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$logs/ubsan"
export DCS_SANITIZER_LOG_DIR="$logs"
cd "$build"
status=0
# Unit tests write their reports to stderr, which ctest shows.
ASAN_OPTIONS="detect_leaks=1:abort_on_error=1" UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
  ctest --output-on-failure --timeout 600 -j "${DCS_TEST_JOBS:-2}" -L unit -E '^docs_' || status=1
ctest --output-on-failure --timeout 1200 -j 1 \
  -R '^acc_(compatibility_matrix|cluster|provider_errors|workspace_conf|image)_tofu$' || status=1
# Reports the harness did not see (written after a test ended).
late=$(find "$logs" -type f ! -name '*.reported')
if [ -n "$late" ]; then
  echo "sanitize: reports from provider/emulator processes:" >&2
  cat $late >&2
  status=1
fi
exit $status
