#!/usr/bin/env bash
# scripts/start-registry.sh must not report a registry that did not start:
# when one of its ports is taken by another registry (here: its own plain
# registry, given the same port as the token registry), the other registry
# answers the readiness probe, so the script has to check who listens. It
# exits 3 (the caller picks other ports) and prints no addresses.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
run_dir=$(mktemp -d)
trap 'bash "$repo/scripts/start-registry.sh" --stop --run-dir "$run_dir" >/dev/null 2>&1; rm -rf "$run_dir"' EXIT
read -r p1 p2 p3 p4 < <(python3 -c 'import socket
ss = [socket.socket() for _ in range(4)]
for s in ss: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in ss])')
set +e
out=$(bash "$repo/scripts/start-registry.sh" --run-dir "$run_dir" --plain "$p1" --basic "$p2" --token "$p1" \
  --token-server "$p3" 2>"$run_dir/stderr")
rc=$?
set -e
if [ "$rc" -ne 3 ]; then
  echo "FAIL: start-registry.sh exited $rc with the token registry's port taken (want 3)"; cat "$run_dir/stderr"; exit 1
fi
if [ -n "$out" ]; then
  echo "FAIL: start-registry.sh printed addresses although a registry did not start:"; echo "$out"; exit 1
fi
grep -q "port $p1 is taken by another process" "$run_dir/stderr" || {
  echo "FAIL: the error does not name the taken port:"; cat "$run_dir/stderr"; exit 1; }
bash "$repo/scripts/start-registry.sh" --stop --run-dir "$run_dir" >/dev/null 2>&1
# With ports of its own, the same call succeeds, and a second call keeps the running registries.
for attempt in 1 2; do
  out=$(bash "$repo/scripts/start-registry.sh" --run-dir "$run_dir" --plain "$p1" --basic "$p2" --token "$p4" \
    --token-server "$p3" 2>>"$run_dir/stderr")
  grep -qx "REGISTRY_TOKEN=127.0.0.1:$p4" <<<"$out" || {
    echo "FAIL: start $attempt did not print the token registry:"; echo "$out"; cat "$run_dir/stderr"; exit 1; }
  pids[$attempt]=$(cat "$run_dir/token.pid")
done
[ "${pids[1]}" = "${pids[2]}" ] || { echo "FAIL: the second start replaced the running token registry"; exit 1; }
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$p4/v2/")
[ "$code" = 401 ] || { echo "FAIL: the token registry answered $code, want 401 (a Bearer challenge)"; exit 1; }
echo "PASS"
