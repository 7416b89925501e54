#!/usr/bin/env bash
# dcs against terraform-provider-databricks (pinned in tests/tools/databricks)
# on the same dcs-emulator, driven by the same pinned OpenTofu; see run.py for
# what is measured. Builds what it needs: the pinned clients, the peer
# provider, dcs as shipped (Release, static deps, stripped, as release/release.sh
# builds it) and dcs-emulator. Prints the table and writes it, with date,
# commit and machine, to bench/peer/results.md.
#
#   bash bench/peer/run.sh                       # N = 100, 500; default and 1000 req/s; 3 repetitions
#   bash bench/peer/run.sh --sizes 20 --reps 1   # a quick look
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
build=${DCS_BENCH_BUILD_DIR:-$repo/build-bench}
log() { echo "bench/peer: $*" >&2; }

bash "$repo/scripts/install-deps.sh"
tofu=$(bash "$repo/scripts/build-clients.sh" tofu | sed -n 's/^tofu=//p')
peer=$(bash "$repo/tests/tools/databricks/build.sh" | sed -n 's/^databricks=//p')
launcher=()
if command -v ccache >/dev/null; then
  export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$repo} CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
fi
cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DDCS_STATIC_DEPS=ON "${launcher[@]}" >/dev/null
ninja -C "$build" -j "${DCS_JOBS:-$(nproc)}" terraform-provider-dcs dcs-emulator >&2
work=$(mktemp -d "${TMPDIR:-/tmp}/dcs-bench-peer.XXXXXX")
trap 'rm -rf "$work"' EXIT
strip -o "$work/terraform-provider-dcs" "$build/bin/terraform-provider-dcs"
cc -O2 -o "$work/rusage_exec" "$repo/bench/peer/rusage_exec.c"

log "dcs $("$work/terraform-provider-dcs" --version | awk '{print $2}') vs $(basename "$peer"), OpenTofu at $tofu"
table=$(python3 "$repo/bench/peer/run.py" --tofu "$tofu" --emulator "$build/emulator/dcs-emulator" \
  --dcs "$work/terraform-provider-dcs" --peer "$peer" --wrapper "$work/rusage_exec" "$@")
printf '%s\n' "$table"
{
  echo "# dcs vs terraform-provider-databricks"
  echo
  echo "Printed by \`bash bench/peer/run.sh $*\` on $(date -u +%Y-%m-%d) at commit" \
       "$(git -C "$repo" rev-parse --short HEAD)$(git -C "$repo" diff --quiet HEAD -- . ':!bench/peer/results.md' || echo ' (with uncommitted changes)')," \
       "on $(nproc) cores / $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo) ($(uname -m))," \
       "OpenTofu $(TF_CLI_CONFIG_FILE=/dev/null "$tofu" version | awk '/^OpenTofu v/ {print $2}'). Medians, min–max in brackets."
  echo "CPU is summed over every provider process a command starts; peak RSS is the largest one's."
  echo
  printf '%s\n' "$table"
} > "$repo/bench/peer/results.md"
