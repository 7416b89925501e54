#!/usr/bin/env bash
# Installs the build and test dependencies of dcs from Debian packages, idempotently.
# Safe to run repeatedly: packages already present are skipped by apt itself, and
# `apt-get update` runs only when a package is missing.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libabsl-dev nlohmann-json3-dev libmsgpack-cxx-dev
  libcurl4-openssl-dev libssl-dev openssl
  libgtest-dev libgmock-dev
  libcpp-httplib-dev
  python3 python3-venv curl ca-certificates jq unzip zip iproute2
  docker.io docker-registry apache2-utils busybox-static
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "install-deps: all Debian packages present" >&2
fi

if ! command -v go >/dev/null 2>&1; then
  echo "install-deps: Go is required to build the pinned test clients (tests/tools)." >&2
  echo "install-deps: installing Debian's golang-go" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq golang-go >/dev/null
fi
