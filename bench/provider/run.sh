#!/usr/bin/env bash
# Provider benchmarks: cold start to handshake (median of 20 launches),
# GetProviderSchema latency over mTLS, and the provider's peak RSS during a
# real `tofu plan` of the compatibility-matrix example. Prints a Markdown table
# and writes it to bench/provider/results.md.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
build=${DCS_BENCH_BUILD_DIR:-$repo/build-bench}

bash "$repo/scripts/install-deps.sh"
tofu=$(bash "$repo/scripts/build-clients.sh" | sed -n 's/^tofu=//p')
DCS_BUILD_DIR=$build DCS_BUILD_TYPE=Release bash "$repo/scripts/build.sh" terraform-provider-dcs dcs_provider_bench
provider=$build/bin/terraform-provider-dcs
version=$("$provider" --version | awk '{print $2}')

startup=$("$build/bench/provider/dcs_provider_bench" "$provider" 20 50)

# Peak RSS: every provider process that tofu starts is sampled for VmHWM
# (the kernel's own high-water mark) until it exits; the largest is reported.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for host in registry.opentofu.org registry.terraform.io; do
  mkdir -p "$work/mirror/$host/dcslabs/dcs/$version/linux_amd64"
  cp "$provider" "$work/mirror/$host/dcslabs/dcs/$version/linux_amd64/terraform-provider-dcs_v$version"
done
printf 'provider_installation {\n  filesystem_mirror {\n    path = "%s"\n  }\n}\n' "$work/mirror" > "$work/cli.tfrc"
export TF_CLI_CONFIG_FILE=$work/cli.tfrc TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1
mkdir "$work/stack" && cp "$repo/examples/data-sources/dcs_compatibility_matrix/data-source.tf" "$work/stack/main.tf"
(cd "$work/stack" && "$tofu" init -input=false >/dev/null)
(cd "$work/stack" && "$tofu" plan -input=false >/dev/null) &
plan_pid=$!
peak_kb=0
while kill -0 "$plan_pid" 2>/dev/null; do
  for pid in $(pgrep -f "terraform-provider-dcs_v$version" || true); do
    kb=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
    [ "${kb:-0}" -gt "$peak_kb" ] && peak_kb=$kb
  done
  sleep 0.005
done
wait "$plan_pid"

handshake=$(printf '%s\n' "$startup" | sed -n 's/^cold start to handshake: median \([0-9.]*\) ms.*/\1/p')
schema=$(printf '%s\n' "$startup" | sed -n 's/^GetProviderSchema over mTLS: median \([0-9.]*\) ms.*/\1/p')
table=$(cat <<TABLE
| metric | value | aim |
|---|---|---|
| cold start to handshake (median of 20) | ${handshake} ms | ≤ 20 ms |
| GetProviderSchema over mTLS (median of 50) | ${schema} ms | — |
| provider peak RSS during \`tofu plan\` of the matrix example | $((peak_kb / 1024)).$(( (peak_kb % 1024) * 10 / 1024 )) MB | ≤ 20 MB |
TABLE
)
printf '%s\n' "$startup"
printf '%s\n' "$table"
{
  echo "# Provider benchmark results"
  echo
  echo "Measured by \`bash bench/provider/run.sh\` on $(date -u +%Y-%m-%d), $(nproc) cores, Release build, OpenTofu $("$tofu" version | head -1 | awk '{print $2}')."
  echo
  printf '%s\n' "$table"
} > "$repo/bench/provider/results.md"
