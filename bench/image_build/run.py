"""Peak RSS of the provider while dcs_image builds a ~1 GB / 50 000-file
context (bench/context_hash generates it), through OpenTofu, against the
private dockerd and a plain loopback registry. Not a test: run by hand.

    python3 bench/image_build/run.py [BUILD_DIR]

The provider process is found under the client and its VmHWM (peak resident
set) is sampled from /proc until it exits. The Dockerfile is inline, so the
generated directory is sent unchanged as the build context."""

import os
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "acceptance"))

BUILD = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build"))
os.environ.setdefault("DCS_PROVIDER_BIN", os.path.join(BUILD, "bin", "terraform-provider-dcs"))
CTX = os.environ.get("DCS_BENCH_CTX", "/tmp/dcs-bench-ctx")

from containers import ContainerEnv  # noqa: E402
from harness import Workspace  # noqa: E402


def ensure_context():
    if os.path.exists(os.path.join(CTX, ".complete")):
        return
    subprocess.run(["ninja", "-C", BUILD, "context_hash_bench"], check=True)
    subprocess.run([os.path.join(BUILD, "bench", "context_hash", "context_hash_bench"), "gen", CTX,
                    "50000", str(1024 ** 3)], check=True)
    open(os.path.join(CTX, ".complete"), "w").close()


def provider_pids():
    out = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                if b"terraform-provider-dcs" in f.read().split(b"\0")[0]:
                    out.append(pid)
        except OSError:
            pass
    return out


def sample(stop, peaks):
    while not stop.is_set():
        for pid in provider_pids():
            try:
                with open(f"/proc/{pid}/status") as f:
                    for line in f:
                        if line.startswith("VmHWM:"):
                            peaks[pid] = max(peaks.get(pid, 0), int(line.split()[1]))
            except OSError:
                pass
        time.sleep(0.05)


def main():
    ensure_context()
    size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(CTX) for f in fs)
    files = sum(len(fs) for _, _, fs in os.walk(CTX))
    env = ContainerEnv.start()
    ws = Workspace()
    try:
        ws.write_config(f"""
terraform {{
  required_providers {{
    dcs = {{ source = "dcslabs/dcs" }}
  }}
}}
provider "dcs" {{ docker_host = "unix:///run/dcs-docker.sock" }}
resource "dcs_image" "big" {{
  name              = "{env.plain}/bench/big"
  tags              = ["v1"]
  context           = "{CTX}"
  dockerfile_inline = "FROM scratch\\nLABEL bench=context-1g\\n"
}}
""")
        ws.init()
        stop, peaks = threading.Event(), {}
        t = threading.Thread(target=sample, args=(stop, peaks))
        t.start()
        t0 = time.time()
        ws.apply()
        wall = time.time() - t0
        stop.set()
        t.join()
        peak = max(peaks.values()) if peaks else 0
        print(f"context: {files} files, {size / 1e9:.3f} GB")
        print(f"apply (hash at plan + build + push): {wall:.1f} s")
        print(f"provider peak RSS (VmHWM, max over provider processes): {peak / 1024:.1f} MB (aim <= 64 MB)")
    finally:
        ws.close()
        env.stop()


if __name__ == "__main__":
    main()
