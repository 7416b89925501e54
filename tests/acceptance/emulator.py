"""A dcs-emulator subprocess for acceptance tests, plus its admin endpoints.

    emu = Emulator(enable_dcs=True, start_delay_ms=100)   # listens on 127.0.0.1
    self.addCleanup(emu.stop)
    ws = Workspace(extra_env=emu.provider_env())
    emu.drift("cluster", cluster_id, patch={"autotermination_minutes": 99})

Standard library only. The binary is DCS_EMULATOR_BIN (set by ctest), else
<build>/emulator/dcs-emulator."""

import json
import os
import ssl
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

TOKEN = "dcs-acceptance-token"
_HERE = os.path.dirname(os.path.abspath(__file__))
_REPO = os.path.dirname(os.path.dirname(_HERE))


def emulator_binary():
    env = os.environ.get("DCS_EMULATOR_BIN")
    if env:
        return env
    build = os.environ.get("DCS_BUILD_DIR", os.path.join(_REPO, "build"))
    return os.path.join(build, "emulator", "dcs-emulator")


class Emulator:
    """Starts dcs-emulator on a free loopback port; stop() ends it. The base
    URL is `self.url`; `provider_env()` gives the DATABRICKS_* variables that
    point the provider at it."""

    def __init__(self, enable_dcs=True, start_delay_ms=100, terminate_delay_ms=50,
                 extra_args=(), token=TOKEN, state_file=None, tls=False):
        binary = emulator_binary()
        if not os.access(binary, os.X_OK):
            raise AssertionError(f"dcs-emulator not found at {binary}: build the dcs-emulator target "
                                 "or set DCS_EMULATOR_BIN")
        self.token = token
        self.dir = tempfile.mkdtemp(prefix="dcs-emu-")
        self.state_file = state_file or os.path.join(self.dir, "state.json")
        self.request_log = os.path.join(self.dir, "requests.jsonl")
        args = [binary, "--port", "0", "--token", token, "--state-file", self.state_file,
                "--request-log", self.request_log, "--start-delay-ms", str(start_delay_ms),
                "--terminate-delay-ms", str(terminate_delay_ms)]
        if enable_dcs:
            args.append("--enable-dcs")
        # tls: HTTPS with a fresh self-signed certificate written to self.cert
        # (clients trust it: REQUESTS_CA_BUNDLE for az, skip_verify for the provider).
        self.cert = os.path.join(self.dir, "cert.pem") if tls else None
        if tls:
            args += ["--tls-cert-out", self.cert]
        args += list(extra_args)
        self._stderr = open(os.path.join(self.dir, "stderr.log"), "w")
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=self._stderr,
                                     stdin=subprocess.DEVNULL, text=True)
        line = self.proc.stdout.readline().strip()
        if not line.startswith("https://127.0.0.1:" if tls else "http://127.0.0.1:"):
            self.stop()
            raise AssertionError(f"dcs-emulator did not print its URL (got {line!r}); "
                                 f"see {self.dir}/stderr.log")
        self.url = line

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc.stdout:
            self.proc.stdout.close()
        self._stderr.close()

    def provider_env(self):
        return {"DATABRICKS_HOST": self.url, "DATABRICKS_TOKEN": self.token}

    # --- HTTP ------------------------------------------------------------
    def request(self, method, path, body=None, token=None):
        """(status, parsed JSON or None) of one request; `token` adds auth."""
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, data=data, method=method)
        req.add_header("Content-Type", "application/json")
        if token:
            req.add_header("Authorization", f"Bearer {token}")
        handlers = [urllib.request.ProxyHandler({})]
        if self.cert:
            handlers.append(urllib.request.HTTPSHandler(context=ssl.create_default_context(cafile=self.cert)))
        opener = urllib.request.build_opener(*handlers)
        try:
            with opener.open(req, timeout=30) as resp:
                raw = resp.read()
                return resp.status, (json.loads(raw) if raw.strip() else None)
        except urllib.error.HTTPError as err:
            raw = err.read()
            try:
                return err.code, json.loads(raw)
            except ValueError:
                return err.code, raw.decode(errors="replace")

    def api(self, method, path, body=None):
        """A workspace API call with the emulator's token; raises on non-2xx."""
        status, answer = self.request(method, path, body, token=self.token)
        if status // 100 != 2:
            raise AssertionError(f"{method} {path} → {status}: {answer}")
        return answer

    def admin(self, method, path, body=None):
        status, answer = self.request(method, "/_emulator/" + path, body)
        if status // 100 != 2:
            raise AssertionError(f"admin {method} {path} → {status}: {answer}")
        return answer

    # --- admin helpers ---------------------------------------------------
    def state(self):
        return self.admin("GET", "state")

    def drift(self, resource, id=None, patch=None, state=None, delete=False):
        body = {"resource": resource}
        if id is not None:
            body["id"] = id
        if patch is not None:
            body["patch"] = patch
        if state is not None:
            body["state"] = state
        if delete:
            body["delete"] = True
        return self.admin("POST", "drift", body)

    def set_faults(self, rules, rate_limits=(), seed=None):
        """Replaces the fault rules; with a seed every rule draws from its own
        reproducible random stream (else each fires on an exact fraction)."""
        config = {"rules": list(rules), "rate_limits": list(rate_limits)}
        if seed is not None:
            config["seed"] = seed
        return self.admin("POST", "faults", config)

    def clear_faults(self):
        return self.admin("DELETE", "faults")

    def settings(self, **values):
        return self.admin("POST", "settings", values)

    def requests(self, since=0):
        return self.admin("GET", f"requests?since={since}")

    def clusters(self):
        return self.api("GET", "/api/2.0/clusters/list").get("clusters", [])

    def pools(self):
        return self.api("GET", "/api/2.0/instance-pools/list").get("instance_pools", [])

    def wait_for(self, predicate, timeout=30, what="condition"):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if predicate():
                return
            time.sleep(0.1)
        raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def provider_block():
    """The configuration header every emulator test uses (credentials come
    from DATABRICKS_HOST / DATABRICKS_TOKEN in the environment)."""
    return """
terraform {
  required_providers {
    dcs = { source = "dcslabs/dcs" }
  }
}

provider "dcs" {}
"""


def client_supports_write_only(ws):
    """Terraform and OpenTofu handle write-only attributes from 1.11 on."""
    _, version = ws.client_version()
    return tuple(version[:2]) >= (1, 11)
