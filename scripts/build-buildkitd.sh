#!/usr/bin/env bash
# Builds buildkitd (the standalone BuildKit daemon the dcs_image tests drive)
# from its Go module, pinned by tests/tools/buildkit/go.mod, into a cache
# outside the repo:
#   ${DCS_CLIENT_CACHE:-$HOME/.cache/dcs-clients}/buildkitd-<version>/buildkitd
# stdout: `buildkitd=<path>`. Progress goes to stderr. Reuses a cached binary
# that reports the pinned version; a lock serialises concurrent runs.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
dir=$repo/tests/tools/buildkit
version=$(awk '($1 == "require" && $2 == "github.com/moby/buildkit") {print $3; exit}' "$dir/go.mod")
version=${version#v}
cache=${DCS_CLIENT_CACHE:-$HOME/.cache/dcs-clients}
out=$cache/buildkitd-$version
log() { echo "build-buildkitd: $*" >&2; }
go=$(command -v go || true)
if [ -z "$go" ] && [ -x /usr/local/go/bin/go ]; then go=/usr/local/go/bin/go; fi
[ -n "$go" ] || { log "Go is required (scripts/install-deps.sh installs it)"; exit 1; }
if [ -x "$out/buildkitd" ] && "$out/buildkitd" --version 2>/dev/null | grep -q "v$version"; then
  echo "buildkitd=$out/buildkitd"
  exit 0
fi
mkdir -p "$out"
exec 9>"$out/.lock"
flock 9
if ! { [ -x "$out/buildkitd" ] && "$out/buildkitd" --version 2>/dev/null | grep -q "v$version"; }; then
  log "building buildkitd $version (takes minutes the first time)"
  start=$SECONDS
  (cd "$dir" && GOMAXPROCS=2 CGO_ENABLED=0 GOFLAGS=-mod=readonly nice -n 10 "$go" build -p 2 -trimpath \
    -ldflags "-s -w -X github.com/moby/buildkit/version.Version=v$version" \
    -o "$out/buildkitd.tmp.$$" github.com/moby/buildkit/cmd/buildkitd) >&2
  mv "$out/buildkitd.tmp.$$" "$out/buildkitd"
  log "built in $((SECONDS - start)) s"
fi
echo "buildkitd=$out/buildkitd"
