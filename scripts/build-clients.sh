#!/usr/bin/env bash
# Builds the real clients the acceptance tests drive, from the Go modules that
# pin them (tests/tools/*/go.mod), into a cache outside the repo:
#   ${DCS_CLIENT_CACHE:-$HOME/.cache/dcs-clients}/tofu-<version>/tofu            (required)
#   ${DCS_CLIENT_CACHE:-$HOME/.cache/dcs-clients}/terraform-<version>/terraform  (best effort)
#   ${DCS_CLIENT_CACHE:-$HOME/.cache/dcs-clients}/tfplugindocs-<version>/tfplugindocs (registry-docs validation)
# A cached binary is reused when it reports the pinned version; otherwise it is
# (re)built with release-like flags and checked before it replaces the old one.
# stdout: one `name=path` line per available client (tofu=, terraform=, and
# terraform_path= for a `terraform` found on PATH). Progress goes to stderr.
# Arguments: the names to build (tofu, terraform, tfplugindocs); none = all.
# Exit status: non-zero when OpenTofu is unavailable; a Terraform 1.5.7 failure
# is reported but not fatal. Needs no stdin; safe to run repeatedly or twice at
# once (a lock serialises builds).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cache=${DCS_CLIENT_CACHE:-$HOME/.cache/dcs-clients}
tools=$repo/tests/tools

log() { echo "build-clients: $*" >&2; }

go=$(command -v go || true)
if [ -z "$go" ] && [ -x /usr/local/go/bin/go ]; then go=/usr/local/go/bin/go; fi
if [ -z "$go" ]; then
  log "Go is required (scripts/install-deps.sh installs it)"
  exit 1
fi

# pinned_version DIR MODULE: the version of MODULE required by DIR/go.mod.
pinned_version() {
  awk -v m="$2" '($1 == "require" && $2 == m) {print $3; exit} ($1 == m) {print $2; exit}' "$1/go.mod"
}

# reports_version BINARY WORD VERSION: whether `BINARY version` says "WORD vVERSION".
# WORD "module:PATH": the binary's build info names module PATH at vVERSION
# (for tools such as tfplugindocs whose `version` says "dev" when built from a module).
reports_version() {
  [ -x "$1" ] || return 1
  if [ "${2#module:}" != "$2" ]; then
    "$go" version -m "$1" 2>/dev/null | awk -v m="${2#module:}" -v v="v$3" '($1 == "mod" && $2 == m && $3 == v) {ok = 1} END {exit !ok}'
    return
  fi
  local out
  # The whole output first: `| head -n 1` could kill the client with SIGPIPE
  # and, under pipefail, make a good binary look broken.
  out=$(env CHECKPOINT_DISABLE=1 TF_CLI_CONFIG_FILE=/dev/null "$1" version </dev/null 2>/dev/null) || return 1
  [ "${out%%$'\n'*}" = "$2 v$3" ]
}

# build NAME DIR PACKAGE WORD [LDFLAGS]: prints NAME=PATH, or fails.
build() {
  local name=$1 dir=$2 pkg=$3 word=$4 ldflags=${5:-}
  local module=${pkg%/cmd/*}
  local version
  version=$(pinned_version "$dir" "$module")
  if [ -z "$version" ]; then
    log "no version of $module pinned in $dir/go.mod"
    return 1
  fi
  version=${version#v}
  local out=$cache/$name-$version/$name
  if ! reports_version "$out" "$word" "$version"; then
    mkdir -p "$(dirname "$out")"
    local tmp=$out.tmp.$$
    local start=$SECONDS
    log "building $name $version (cached in $(dirname "$out"); takes minutes the first time)"
    if ! (cd "$dir" && CGO_ENABLED=0 GOMAXPROCS=2 GOFLAGS=-mod=readonly \
            nice -n 10 "$go" build -p 2 -trimpath -ldflags "-s -w $ldflags" -o "$tmp" "$pkg") >&2; then
      rm -f "$tmp"
      log "$name $version failed to build after $((SECONDS - start)) s"
      return 1
    fi
    if ! reports_version "$tmp" "$word" "$version"; then
      log "$name built but does not report '$word v$version':"
      env CHECKPOINT_DISABLE=1 TF_CLI_CONFIG_FILE=/dev/null "$tmp" version </dev/null >&2 || true
      rm -f "$tmp"
      return 1
    fi
    mv -f "$tmp" "$out"
    log "$name $version built in $((SECONDS - start)) s"
  else
    log "$name $version already built: $out"
  fi
  echo "$name=$out"
}

names=("$@")
wanted() { [ "${#names[@]}" -eq 0 ] || [[ " ${names[*]} " == *" $1 "* ]]; }
for n in "${names[@]}"; do
  case $n in tofu|terraform|tfplugindocs) ;; *) log "unknown client '$n' (tofu, terraform, tfplugindocs)"; exit 2;; esac
done

mkdir -p "$cache"
exec 9>"$cache/.build.lock"
flock 9

# OpenTofu's release builds set version.dev=no (otherwise it says "v1.12.6-dev").
if wanted tofu; then
  build tofu "$tools/opentofu" github.com/opentofu/opentofu/cmd/tofu OpenTofu \
    "-X github.com/opentofu/opentofu/version.dev=no" || {
    log "OpenTofu is required by the acceptance tests"
    exit 1
  }
fi
if wanted terraform; then
  build terraform "$tools/terraform" github.com/hashicorp/terraform Terraform ||
    log "continuing without Terraform 1.5.7 (see tests/tools/README.md)"
fi
if wanted tfplugindocs; then
  build tfplugindocs "$tools/tfplugindocs" github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs \
    module:github.com/hashicorp/terraform-plugin-docs || log "continuing without tfplugindocs (test_registry_docs will fail)"
fi
if path_tf=$(command -v terraform); then
  echo "terraform_path=$path_tf"
fi
