#!/usr/bin/env bash
# Builds the pinned terraform-provider-databricks (./go.mod) once into
#   ${DCS_CLIENT_CACHE:-$HOME/.cache/dcs-clients}/databricks-<version>/terraform-provider-databricks_v<version>
# and prints `databricks=<path>` on stdout (progress on stderr). A cached binary
# is reused while `<binary> version` prints the pinned version. Release-like
# flags (CGO_ENABLED=0, -trimpath, -s -w); nice, GOMAXPROCS=2, -p 2; a lock in
# the cache dir serialises concurrent runs. Needs no stdin.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${DCS_CLIENT_CACHE:-$HOME/.cache/dcs-clients}
module=github.com/databricks/terraform-provider-databricks

log() { echo "build-databricks: $*" >&2; }

go=$(command -v go || true)
if [ -z "$go" ] && [ -x /usr/local/go/bin/go ]; then go=/usr/local/go/bin/go; fi
if [ -z "$go" ]; then
  log "Go is required (scripts/install-deps.sh installs it)"
  exit 1
fi

version=$(awk -v m="$module" '($1 == "require" && $2 == m) {print $3; exit} ($1 == m) {print $2; exit}' "$here/go.mod")
version=${version#v}
if [ -z "$version" ]; then
  log "no version of $module pinned in $here/go.mod"
  exit 1
fi
out=$cache/databricks-$version/terraform-provider-databricks_v$version

reports_version() {
  [ -x "$1" ] && [ "$("$1" version </dev/null 2>/dev/null | head -n 1)" = "$version" ]
}

mkdir -p "$cache"
exec 9>"$cache/.build-databricks.lock"
flock 9

if reports_version "$out"; then
  log "terraform-provider-databricks $version already built: $out"
else
  mkdir -p "$(dirname "$out")"
  tmp=$out.tmp.$$
  trap 'rm -f "$tmp"' EXIT
  start=$SECONDS
  log "building terraform-provider-databricks $version (takes minutes the first time)"
  if ! (cd "$here" && CGO_ENABLED=0 GOMAXPROCS=2 GOFLAGS=-mod=readonly \
          nice -n 10 "$go" build -p 2 -trimpath -ldflags "-s -w" -o "$tmp" "$module") >&2; then
    log "terraform-provider-databricks $version failed to build after $((SECONDS - start)) s"
    exit 1
  fi
  if ! reports_version "$tmp"; then
    log "built binary does not report version $version"
    exit 1
  fi
  mv -f "$tmp" "$out"
  log "terraform-provider-databricks $version built in $((SECONDS - start)) s"
fi
echo "databricks=$out"
