#!/usr/bin/env bash
# Starts a private Docker daemon for dcs tests, idempotently and without stdin.
#
#   scripts/start-docker.sh          install Debian's docker.io if missing, start
#                                    dockerd on unix:///run/dcs-docker.sock, wait
#                                    for /_ping, print DOCKER_HOST=...
#   scripts/start-docker.sh --stop   stop that daemon (no-op when not running)
#
# The daemon has its own socket, data root, exec root and pid file, so it never
# clashes with a system daemon. It uses the vfs storage driver and no bridge or
# iptables rules (builds run with --network none), which works inside
# unprivileged-ish containers where overlayfs or netfilter are unavailable.
set -euo pipefail

SOCK=/run/dcs-docker.sock
PIDFILE=/run/dcs-docker.pid
DATA_ROOT=/var/lib/dcs-docker
EXEC_ROOT=/run/dcs-docker
LOG=/var/log/dcs-docker.log

running() {
  [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null
}

ping_ok() {
  curl -fsS --max-time 2 --unix-socket "$SOCK" http://localhost/_ping >/dev/null 2>&1
}

stop() {
  if running; then
    local pid
    pid="$(cat "$PIDFILE")"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$PIDFILE" "$SOCK"
  echo "start-docker: stopped" >&2
}

install_if_missing() {
  if command -v dockerd >/dev/null 2>&1; then
    return
  fi
  echo "start-docker: installing Debian's docker.io" >&2
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get update -qq </dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    docker.io </dev/null >/dev/null
}

start() {
  install_if_missing
  # A running daemon can be slow to answer on a loaded machine: give it 30 s
  # before treating it as hung (restarting it would break whoever uses it).
  if running; then
    for _ in $(seq 1 30); do
      if ping_ok; then
        echo "DOCKER_HOST=unix://$SOCK"
        return
      fi
      running || break
      sleep 1
    done
  fi
  running && stop
  mkdir -p "$DATA_ROOT" "$EXEC_ROOT"
  # setsid: the daemon survives the caller's process group (ctest, CI shells).
  setsid dockerd \
    --storage-driver=vfs --iptables=false --ip-masq=false --bridge=none \
    --host "unix://$SOCK" --data-root "$DATA_ROOT" --exec-root "$EXEC_ROOT" \
    --pidfile "$PIDFILE" </dev/null >>"$LOG" 2>&1 &
  for _ in $(seq 1 300); do
    if ping_ok; then
      echo "DOCKER_HOST=unix://$SOCK"
      return
    fi
    sleep 0.1
  done
  echo "start-docker: dockerd did not answer /_ping within 30 s; last log lines:" >&2
  tail -n 20 "$LOG" >&2 || true
  exit 1
}

case "${1:-}" in
  --stop) stop ;;
  "") start ;;
  *) echo "usage: $0 [--stop]" >&2; exit 2 ;;
esac
