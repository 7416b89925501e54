#!/usr/bin/env bash
# The sanitizer lane, run by .ci/run after scripts/test.sh: builds the provider
# and the unit tests with AddressSanitizer and UndefinedBehaviorSanitizer
# (-fno-sanitize-recover: the first report aborts) into
# ${DCS_SANITIZE_BUILD_DIR:-build-asan}, runs every unit test binary and the
# fuzz corpus replays, then a representative set of acceptance modules with
# OpenTofu against the sanitized provider.
#
# It reuses what scripts/test.sh installed and built: the Debian packages, the
# cached OpenTofu, buildkitd, and the normal build's dcs-emulator (a test
# double, not shipped: its unit tests run in the normal build, so the lane does
# not compile it again). The generated protobuf/gRPC code is compiled without
# instrumentation, like the Debian libraries it calls.
#
# The client swallows the provider's stderr, so the provider's reports go to
# files in a log directory (ASAN_OPTIONS log_path, and a copy of the
# provider's stderr for UBSan) that the acceptance harness reads after every
# test: a report fails that test and is printed in its failure. Reports left
# over at the end fail the lane.
#
#   DCS_SANITIZE_MODULES  acceptance modules (default below)
#   DCS_BUILD_DIR         the normal build (default <repo>/build)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${DCS_SANITIZE_BUILD_DIR:-$repo/build-asan}
normal_build=${DCS_BUILD_DIR:-$repo/build}
jobs=${DCS_JOBS:-$(nproc)}
modules=${DCS_SANITIZE_MODULES:-"test_compatibility_matrix test_provider_errors test_cluster test_image"}
started=$(date +%s)
launcher=()
if command -v ccache >/dev/null; then
  export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$repo} CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
fi

emulator="$normal_build/emulator/dcs-emulator"
[ -x "$emulator" ] || emulator="$normal_build/bin/dcs-emulator"
if [ ! -x "$emulator" ]; then
  echo "sanitize: no dcs-emulator in $normal_build; run scripts/test.sh (or scripts/build.sh dcs-emulator) first" >&2
  exit 1
fi

cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Check -DDCS_SANITIZE=ON "${launcher[@]}" >/dev/null
targets=$(ninja -C "$build" -t targets all | grep -oE '^(tests/dcs_[a-z_]+_test|fuzz/fuzz_[a-z_]+):' |
          tr -d ':' | grep -v '^tests/dcs_emulator_test$' | sort -u)
ninja -C "$build" -j "$jobs" terraform-provider-dcs $targets
echo "sanitize: built in $(( $(date +%s) - started )) s" >&2

logs="$build/sanitizer-logs"
rm -rf "$logs"
mkdir -p "$logs"
# Debian's libcrypto keeps a few allocations for the process lifetime.
export LSAN_OPTIONS="suppressions=$repo/scripts/lsan.supp:print_suppressions=0"
common_asan="detect_leaks=1:abort_on_error=1"
common_ubsan="print_stacktrace=1:halt_on_error=1"
status=0

# What the acceptance modules need: the sanitized provider, the normal
# emulator, the cached OpenTofu.
#
# GCC's UBSan runtime, loaded next to ASan's, writes its reports to stderr
# whatever UBSAN_OPTIONS log_path says, and the client keeps a provider's
# stderr only in its debug log: the tests run the provider through a wrapper
# that copies its stderr to the log directory (the harness picks the report
# out of it) and still passes it on to the client.
wrapper_dir="$build/provider-wrapper"
mkdir -p "$wrapper_dir"
cat >"$wrapper_dir/terraform-provider-dcs" <<WRAPPER
#!/usr/bin/env bash
exec "$build/bin/terraform-provider-dcs" "\$@" 2> >(tee -a "\${DCS_SANITIZER_LOG_DIR:-/tmp}/stderr.\$\$" >&2)
WRAPPER
chmod +x "$wrapper_dir/terraform-provider-dcs"
export DCS_PROVIDER_BIN="$wrapper_dir/terraform-provider-dcs"
export DCS_EMULATOR_BIN="$emulator"
export DCS_VERSION
DCS_VERSION=$(head -n1 "$repo/VERSION")
export PYTHONDONTWRITEBYTECODE=1
client_cache=${DCS_CLIENT_CACHE:-$HOME/.cache/dcs-clients}
tofu_version=$(grep -oE 'github.com/opentofu/opentofu v[^ ]+' "$repo/tests/tools/opentofu/go.mod" | head -n1 | sed 's/.* v//')
export TF_ACC_CLIENT=${TF_ACC_CLIENT:-$client_cache/tofu-$tofu_version/tofu}

# One acceptance module; the provider's reports go to the module's own log
# directory (the client swallows the provider's stderr), which the harness
# reads after every test.
run_module() {
  local m=$1 dir="$logs/$1" t0
  mkdir -p "$dir"
  t0=$(date +%s)
  if (cd "$repo/tests/acceptance" &&
      ASAN_OPTIONS="$common_asan:log_path=$dir/asan" UBSAN_OPTIONS="$common_ubsan:log_path=$dir/ubsan" \
      DCS_SANITIZER_LOG_DIR="$dir" python3 -m unittest "$m" >"$build/$m.log" 2>&1); then
    echo "sanitize: ok   $m ($(( $(date +%s) - t0 )) s)" >&2
  else
    echo "sanitize: FAIL $m ($(( $(date +%s) - t0 )) s)" >&2
    cat "$build/$m.log" >&2
    return 1
  fi
}

# The modules that use dockerd run one after the other in the background
# while the unit tests and then the other modules run in the foreground:
# most of an acceptance test is waiting (for the emulator's clusters, for
# dockerd), so two streams halve the lane's test time on two cores.
docker_modules=()
other_modules=()
for m in $modules; do
  if grep -q ContainerEnv "$repo/tests/acceptance/$m.py"; then docker_modules+=("$m"); else other_modules+=("$m"); fi
done
(
  s=0
  for m in "${docker_modules[@]}"; do run_module "$m" || s=1; done
  exit $s
) &
docker_stream=$!

# Unit tests and fuzz replays: one process per binary (not per test case, as
# ctest would start them: ASan's start-up is paid 24 times, not ~450), two
# at a time; a report goes to the binary's own output, shown when it fails.
unit_log="$build/unit-logs"
rm -rf "$unit_log"
mkdir -p "$unit_log"
run_unit() {  # name command...
  local name=$1
  shift
  if ASAN_OPTIONS=$common_asan UBSAN_OPTIONS=$common_ubsan "$@" >"$unit_log/$name.log" 2>&1; then
    echo "sanitize: ok   $name" >&2
  else
    echo "sanitize: FAIL $name" >&2
    tail -n 150 "$unit_log/$name.log" >&2
    return 1
  fi
}
pids=()
for t in $targets; do
  name=$(basename "$t")
  case $name in
    dcs_*_test) cmd=("$build/$t" --gtest_brief=1) ;;
    fuzz_*) cmd=("$build/$t" "$repo/fuzz/corpus/${name#fuzz_}") ;;
  esac
  (cd "$build/tests" && run_unit "$name" "${cmd[@]}") &
  pids+=($!)
  if [ "${#pids[@]}" -ge "${DCS_TEST_JOBS:-2}" ]; then
    wait "${pids[0]}" || status=1
    pids=("${pids[@]:1}")
  fi
done
for p in "${pids[@]}"; do wait "$p" || status=1; done
echo "sanitize: unit tests and fuzz replays done at $(( $(date +%s) - started )) s" >&2

for m in "${other_modules[@]}"; do run_module "$m" || status=1; done
wait "$docker_stream" || status=1
# Reports the harness did not see (written after a test ended).
late=$(find "$logs" -type f ! -name '*.reported' -print0 |
       xargs -0 -r grep -l -E 'runtime error:|ERROR: (Address|Leak|UndefinedBehavior)Sanitizer' || true)
if [ -n "$late" ]; then
  echo "sanitize: reports from provider processes after their test ended:" >&2
  cat $late >&2
  status=1
fi
echo "sanitize: $([ $status -eq 0 ] && echo OK || echo FAILED) in $(( $(date +%s) - started )) s" >&2
exit $status
