#!/usr/bin/env python3
"""dcs against terraform-provider-databricks on the same dcs-emulator, driven by
the same OpenTofu. Called by bench/peer/run.sh, which builds what it needs.

For every repetition, size N and rate limit, each provider in turn (dcs, then
the peer: interleaved, so drift of the machine hits both) creates N docker
clusters (apply), refreshes them (plan -refresh-only) and plans them (plan),
then destroys them (not measured). Each provider has its own emulator. Per
command: wall time, provider CPU summed over every provider process the
command starts, the largest provider process's peak RSS, and the API requests
in the emulator's request log. Then fixed costs: schema, validate, plan of one
cluster, binary and gzip size. Prints one Markdown table: medians with
min–max and peer/dcs ratios."""

import argparse
import gzip
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

TOKEN = "bench-token"
USER = "bench@example.com"


def emulator(binary, work, name, start_delay_ms):
    d = os.path.join(work, f"emulator-{name}")
    os.makedirs(d)
    log = os.path.join(d, "requests.jsonl")
    proc = subprocess.Popen([binary, "--port", "0", "--token", f"{TOKEN}={USER}", "--enable-dcs",
                             "--request-log", log, "--start-delay-ms", str(start_delay_ms),
                             "--terminate-delay-ms", "100", "--state-file", os.path.join(d, "state.json")],
                            stdout=subprocess.PIPE, stderr=open(os.path.join(d, "stderr"), "w"),
                            stdin=subprocess.DEVNULL, text=True)
    url = proc.stdout.readline().strip()
    if not url.startswith("http://127.0.0.1:"):
        raise SystemExit(f"dcs-emulator did not start (see {d}/stderr)")
    return proc, url, log


class Provider:
    """One provider: a mirror holding rusage_exec in front of its binary, a
    config dir, an emulator."""

    def __init__(self, name, source, binary, version, work, wrapper, emu):
        self.name, self.source, self.binary, self.version = name, source, binary, version
        self.dir = os.path.join(work, name)
        self.usage = os.path.join(self.dir, "usage.txt")
        self.proc, self.url, self.request_log = emu
        mirror = os.path.join(self.dir, "mirror")
        kind = source.split("/")[1]
        for host in ("registry.opentofu.org", "registry.terraform.io"):
            d = os.path.join(mirror, host, source, version, "linux_amd64")
            os.makedirs(d)
            with open(os.path.join(d, f"terraform-provider-{kind}_v{version}"), "w") as f:
                f.write(f"#!/bin/sh\nexec {wrapper} {self.usage} {binary} \"$@\"\n")
            os.chmod(os.path.join(d, f"terraform-provider-{kind}_v{version}"), 0o755)
        self.cli_config = os.path.join(self.dir, "cli.tfrc")
        with open(self.cli_config, "w") as f:
            f.write(f'provider_installation {{\n  filesystem_mirror {{\n    path = "{mirror}"\n  }}\n}}\n')
        self.config_dir = os.path.join(self.dir, "config")
        os.makedirs(os.path.join(self.dir, "home"))
        os.makedirs(self.config_dir)

    def write_config(self, count, rate_limit):
        provider = {"dcs": "dcs", "databricks": "databricks"}[self.source.split("/")[1]]
        kind = "dcs_cluster" if provider == "dcs" else "databricks_cluster"
        limit = f"\n  rate_limit = {rate_limit}" if rate_limit else ""
        with open(os.path.join(self.config_dir, "main.tf"), "w") as f:
            f.write(f"""terraform {{
  required_providers {{
    {provider} = {{ source = "{self.source}" }}
  }}
}}

provider "{provider}" {{
  host  = "{self.url}"
  token = "{TOKEN}"{limit}
}}

resource "{kind}" "fleet" {{
  count                   = {count}
  cluster_name            = "bench-${{count.index}}"
  spark_version           = "15.4.x-scala2.12"
  node_type_id            = "Standard_DS3_v2"
  num_workers             = 1
  autotermination_minutes = 30
  data_security_mode      = "SINGLE_USER"
  single_user_name        = "{USER}"
  docker_image {{
    url = "bench.azurecr.io/team/runtime:15.4"
  }}
}}
""")

    def requests(self):
        with open(self.request_log) as f:
            return sum(1 for line in f if '"/api/' in line)

    def run(self, tofu, *args):
        """Runs one client command; returns (wall s, provider CPU s, peak RSS MiB, API requests)."""
        open(self.usage, "w").close()
        before = self.requests()
        env = {"PATH": os.environ["PATH"], "HOME": os.path.join(self.dir, "home"),
               "TF_CLI_CONFIG_FILE": self.cli_config, "TF_IN_AUTOMATION": "1", "CHECKPOINT_DISABLE": "1",
               "TMPDIR": os.environ.get("TMPDIR", "/tmp")}
        start = time.monotonic()
        extra = ["-input=false"] if args[0] in ("init", "plan", "apply", "destroy") else []
        out = subprocess.run([tofu, *args, *extra, "-no-color"], cwd=self.config_dir, env=env,
                             stdin=subprocess.DEVNULL, capture_output=True, text=True)
        wall = time.monotonic() - start
        if out.returncode not in (0, 2) or (out.returncode == 2 and "-detailed-exitcode" not in args):
            raise SystemExit(f"{self.name}: tofu {' '.join(args)} exited {out.returncode}\n{out.stdout}{out.stderr}")
        cpu, peak = 0.0, 0
        with open(self.usage) as f:
            for line in f:
                c, kb = line.split()
                cpu += float(c)
                peak = max(peak, int(kb))
        return wall, cpu, peak / 1024, self.requests() - before


def fmt(values, unit):
    m = statistics.median(values)
    spread = f" ({min(values):.{unit}f}–{max(values):.{unit}f})" if len(values) > 1 else ""
    return f"{m:.{unit}f}{spread}", m


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--tofu", required=True)
    p.add_argument("--emulator", required=True)
    p.add_argument("--dcs", required=True, help="terraform-provider-dcs (the shipped build)")
    p.add_argument("--peer", required=True, help="terraform-provider-databricks_v<version>")
    p.add_argument("--wrapper", required=True, help="rusage_exec")
    p.add_argument("--sizes", default="100,500")
    p.add_argument("--rate-limits", default="default,1000")
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--start-delay-ms", type=int, default=1000)
    a = p.parse_args()
    for k in ("tofu", "emulator", "dcs", "peer", "wrapper"):
        setattr(a, k, os.path.abspath(getattr(a, k)))

    work = tempfile.mkdtemp(prefix="dcs-bench-peer-")
    dcs_version = subprocess.run([a.dcs, "--version"], capture_output=True, text=True).stdout.split()[1]
    peer_version = a.peer.rsplit("_v", 1)[1]
    providers = [
        Provider("dcs", "dcslabs/dcs", a.dcs, dcs_version, work, a.wrapper,
                 emulator(a.emulator, work, "dcs", a.start_delay_ms)),
        Provider("peer", "databricks/databricks", a.peer, peer_version, work, a.wrapper,
                 emulator(a.emulator, work, "peer", a.start_delay_ms)),
    ]
    sizes = [int(s) for s in a.sizes.split(",")]
    limits = [None if x == "default" else int(x) for x in a.rate_limits.split(",")]
    results = {}  # (n, limit, op, provider) -> [measurements]
    try:
        for pr in providers:
            pr.write_config(1, None)
            pr.run(a.tofu, "init")
        for rep in range(a.reps):
            for n in sizes:
                for limit in limits:
                    for pr in providers:
                        pr.write_config(n, limit)
                        for op, args in (("apply", ("apply", "-auto-approve", f"-parallelism={min(n, 10)}")),
                                         ("refresh-only plan", ("plan", "-refresh-only")),
                                         ("plan", ("plan",))):
                            m = pr.run(a.tofu, *args)
                            results.setdefault((n, limit, op, pr.name), []).append(m)
                            print(f"rep {rep + 1} N={n} limit={limit or 'default'} {pr.name} {op}: "
                                  f"{m[0]:.1f} s, CPU {m[1]:.2f} s, peak {m[2]:.1f} MiB, {m[3]} requests",
                                  file=sys.stderr, flush=True)
                        pr.run(a.tofu, "destroy", "-auto-approve")
        # Fixed costs.
        fixed = {}
        for rep in range(a.reps):
            for pr in providers:
                pr.write_config(1, None)
                for op, args in (("providers schema -json", ("providers", "schema", "-json")),
                                 ("validate", ("validate",)),
                                 ("plan of one cluster", ("plan",))):
                    fixed.setdefault((op, pr.name), []).append(pr.run(a.tofu, *args))
    finally:
        for pr in providers:
            pr.proc.terminate()
            pr.proc.wait()

    metrics = (("wall s", 0, 1), ("provider CPU s", 1, 2), ("peak RSS MiB", 2, 1), ("API requests", 3, 0))
    print("| N | rate limit | command | metric | dcs | peer | peer/dcs |")
    print("|---|---|---|---|---|---|---|")
    order = {"apply": 0, "refresh-only plan": 1, "plan": 2}
    for (n, limit, op, name), _ in sorted(results.items(), key=lambda kv: (kv[0][0], str(kv[0][1]), order[kv[0][2]])):
        if name != "dcs":
            continue
        for label, i, digits in metrics:
            d, dm = fmt([m[i] for m in results[(n, limit, op, "dcs")]], digits)
            q, qm = fmt([m[i] for m in results[(n, limit, op, "peer")]], digits)
            ratio = f"{qm / dm:.2f}" if dm else "—"
            print(f"| {n} | {limit or 'default (15/s)'} | {op} | {label} | {d} | {q} | {ratio} |")
    for (op, name), _ in sorted(fixed.items()):
        if name != "dcs":
            continue
        for label, i, digits in metrics[:3]:
            d, dm = fmt([m[i] for m in fixed[(op, "dcs")]], 2 if i < 2 else 1)
            q, qm = fmt([m[i] for m in fixed[(op, "peer")]], 2 if i < 2 else 1)
            print(f"| — | — | {op} | {label} | {d} | {q} | {qm / dm:.2f} |")
    for label, path in (("dcs", a.dcs), ("peer", a.peer)):
        size = os.path.getsize(path)
        with open(path, "rb") as f:
            packed = len(gzip.compress(f.read(), 6))
        fixed[("size", label)] = (size, packed)
    (ds, dz), (ps, pz) = fixed[("size", "dcs")], fixed[("size", "peer")]
    print(f"| — | — | binary | size MiB | {ds / 2**20:.1f} | {ps / 2**20:.1f} | {ps / ds:.2f} |")
    print(f"| — | — | binary | gzip MiB | {dz / 2**20:.1f} | {pz / 2**20:.1f} | {pz / dz:.2f} |")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
