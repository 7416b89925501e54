#!/usr/bin/env bash
# Runs every libFuzzer target for SECONDS each (default 60), one after the
# other, starting from the seed corpus in fuzz/corpus/<target>. Usage:
#   bash fuzz/run.sh [SECONDS] [TARGET...]
# Builds with Debian's clang 14 (installed here if missing) into
# ${DCS_FUZZ_BUILD_DIR:-build-fuzz}, instrumented with ASan + UBSan. New
# inputs go to build-fuzz/corpus/<target> (not the repository); crashes and
# timeouts to build-fuzz/findings/<target>/. A summary line per target
# (execs, coverage, findings) is printed at the end and written to
# build-fuzz/summary.txt (that run) and build-fuzz/summary-history.txt (every
# run, with its date and seconds). Exit status 1 when any target found something.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-60}
shift || true
build=${DCS_FUZZ_BUILD_DIR:-$repo/build-fuzz}
jobs=${DCS_JOBS:-$(nproc)}
all=(cty_msgpack cty_json databricks_answers arm_answers registry_answers www_authenticate docker_progress
     dockerignore image_reference databrickscfg docker_answers buildkit_status)
targets=("$@")
[ "${#targets[@]}" -gt 0 ] || targets=("${all[@]}")

if ! command -v clang++-14 >/dev/null || ! dpkg-query -W -f='${Status}' libclang-rt-14-dev 2>/dev/null | grep -q "ok installed"; then
  echo "fuzz: installing clang-14 and libclang-rt-14-dev (Debian)" >&2
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends clang-14 libclang-rt-14-dev >/dev/null
fi

launcher=()
if command -v ccache >/dev/null; then
  export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$repo} CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
fi
# -O1 plus line tables (libFuzzer's recommendation): the "Check" build type
# alone means -O0, which ran the decoders 5-10x slower (no inlining of the
# std::/json accessors, each one instrumented). The sanitizers' stack traces
# still name files and lines. Coverage leaves out the standard library and
# the header-only parsers (see coverage-ignorelist.txt and README.md).
# (ccache does not read the ignorelist, so its hash goes into the flags.)
ignorelist="$repo/fuzz/coverage-ignorelist.txt"
flags="-O1 -gline-tables-only -fsanitize-coverage-ignorelist=$ignorelist -DDCS_FUZZ_IGNORELIST=$(md5sum <"$ignorelist" | cut -c1-12)"
# Two runs on one build dir (one per core, on different targets) take turns
# at configuring and building; the fuzzing itself runs side by side.
mkdir -p "$build"
exec 9>"$build/.build-lock"
flock 9
cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Check -DDCS_FUZZ=ON \
  -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_C_FLAGS="$flags" \
  -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 "${launcher[@]}" >/dev/null
ninja -C "$build" -j "$jobs" "${targets[@]/#/fuzz_}"
flock -u 9

summary="$build/summary.txt"
: > "$summary"
found=0
for t in "${targets[@]}"; do
  corpus="$build/corpus/$t"
  findings="$build/findings/$t"
  mkdir -p "$corpus" "$findings"
  log="$build/fuzz-$t.log"
  set +e
  # -timeout: an input slower than 10 s is a finding (e.g. exponential matching).
  # malloc_context_size=0: ASan records no stack per allocation. Unwinding and
  # storing them took a third of docker_progress's time (+26 % exec/s without);
  # a finding still stops the run, and replaying its input
  # (build-fuzz/fuzz/fuzz_<target> <file>) prints the allocation and free stacks.
  ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1:malloc_context_size=0 UBSAN_OPTIONS=print_stacktrace=1 \
    "$build/fuzz/fuzz_$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
    -print_final_stats=1 -artifact_prefix="$findings/" "$corpus" "$repo/fuzz/corpus/$t" >"$log" 2>&1
  rc=$?
  set -e
  # (|| true: a crash on the first input leaves no stats to grep)
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1 || true)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || true)
  ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || true)
  n=$(find "$findings" -type f | wc -l)
  line="$t: execs=${execs:-?} cov=${cov:-?} ft=${ft:-?} corpus=$(find "$corpus" -type f | wc -l) findings=$n exit=$rc"
  echo "$line" | tee -a "$summary"
  echo "$(date -u +%FT%TZ) seconds=$seconds $line" >> "$build/summary-history.txt"
  if [ "$rc" -ne 0 ] || [ "$n" -gt 0 ]; then
    found=1
    grep -m3 -E 'ERROR:|runtime error|fuzz property violated|timeout' "$log" | sed 's/^/    /' | tee -a "$summary" || true
  fi
done
exit $found
