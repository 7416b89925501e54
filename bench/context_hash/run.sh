#!/usr/bin/env bash
# Context hashing vs sha256sum over the same files, and peak RSS while
# streaming the context as tar. Generates ~1 GB / 50 000 files under /tmp once.
#   bench/context_hash/run.sh [BUILD_DIR]   (default /tmp/build-docker)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BUILD="${1:-/tmp/build-docker}"
DIR="${DCS_BENCH_CTX:-/tmp/dcs-bench-ctx}"
FILES=50000
BYTES=$((1024 * 1024 * 1024))

cmake -S "$ROOT" -B "$BUILD" -G Ninja >/dev/null
nice ninja -C "$BUILD" -j2 context_hash_bench >/dev/null
BIN="$BUILD/bench/context_hash/context_hash_bench"

if [ ! -f "$DIR/.complete" ]; then
  rm -rf "$DIR"
  echo "generating $FILES files / $BYTES bytes in $DIR" >&2
  "$BIN" gen "$DIR" "$FILES" "$BYTES"
  touch "$DIR/.complete"
fi

now() { date +%s.%N; }
# Warm the page cache so that both sides read from memory.
find "$DIR" -type f -print0 | xargs -0 cat >/dev/null

t0=$(now); find "$DIR" -type f ! -name .complete -print0 | xargs -0 sha256sum >/dev/null; t1=$(now)
sha_s=$(echo "$t1 - $t0" | bc -l)
t0=$(now); ours_line=$("$BIN" hash "$DIR"); t1=$(now)
ours_s=$(echo "$t1 - $t0" | bc -l)
ours1_line=$("$BIN" hash "$DIR" 1)
tar_line=$("$BIN" tar "$DIR")

echo "sha256sum_s=$(printf %.3f "$sha_s")"
echo "ours_all_cores: $ours_line (wall incl. start $(printf %.3f "$ours_s") s)"
echo "ours_1_thread:  $ours1_line"
echo "ratio sha256sum_time/ours_time = $(printf %.2f "$(echo "$sha_s / $ours_s" | bc -l)") (aim >= 0.8)"
echo "tar stream:     $tar_line (aim peak RSS <= 65536 kB)"
