"""Acceptance-test harness: drives a real OpenTofu or Terraform binary against
the freshly built provider, installed from a filesystem mirror exactly as a
user would install it (``init`` + lock file with h1: hashes).

Environment:
  DCS_PROVIDER_BIN  the provider binary (required)
  TF_ACC_CLIENT     the client binary to drive: tofu or terraform (required)
  DCS_VERSION       version the provider is published under (default: asked
                    from the binary with --version)
Standard library only.
"""

import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest

PROVIDER_HOSTS = ("registry.opentofu.org", "registry.terraform.io")


def _required_env(name):
    value = os.environ.get(name, "")
    if not value or not os.path.exists(value):
        raise RuntimeError(f"{name} must point at an existing binary (got {value!r})")
    return value


class Result:
    """Outcome of one client command."""

    def __init__(self, args, proc):
        self.args = args
        self.code = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr

    @property
    def output(self):
        return self.stdout + self.stderr

    def describe(self):
        return (f"$ {' '.join(self.args)}\nexit {self.code}\n--- stdout\n{self.stdout}"
                f"\n--- stderr\n{self.stderr}")


class Workspace:
    """A temporary working directory with its own CLI config and mirror."""

    def __init__(self, dev_overrides=False, extra_env=None):
        self.client = _required_env("TF_ACC_CLIENT")
        self.provider = _required_env("DCS_PROVIDER_BIN")
        self.version = os.environ.get("DCS_VERSION") or self._provider_version()
        self.root = tempfile.mkdtemp(prefix="dcs-acc-")
        self.dir = os.path.join(self.root, "work")
        os.makedirs(self.dir)
        self._write_cli_config(dev_overrides)
        self.env = dict(os.environ)
        self.env.update({
            "TF_CLI_CONFIG_FILE": os.path.join(self.root, "cli.tfrc"),
            "TF_IN_AUTOMATION": "1",
            "CHECKPOINT_DISABLE": "1",
            "TF_PLUGIN_CACHE_DIR": "",
            "HOME": self.root,
        })
        self.env.pop("TF_LOG", None)
        self.env.pop("TF_REATTACH_PROVIDERS", None)
        self.env.update(extra_env or {})

    def _provider_version(self):
        out = subprocess.run([self.provider, "--version"], capture_output=True, text=True, check=True)
        return out.stdout.split()[1]

    def _write_cli_config(self, dev_overrides):
        mirror = os.path.join(self.root, "mirror")
        for host in PROVIDER_HOSTS:
            target = os.path.join(mirror, host, "dcslabs", "dcs", self.version, "linux_amd64")
            os.makedirs(target)
            shutil.copy2(self.provider, os.path.join(target, f"terraform-provider-dcs_v{self.version}"))
        if dev_overrides:
            body = ('provider_installation {\n  dev_overrides {\n'
                    f'    "dcslabs/dcs" = "{os.path.dirname(self.provider)}"\n  }}\n'
                    '  direct {}\n}\n')
        else:
            body = ('provider_installation {\n  filesystem_mirror {\n'
                    f'    path = "{mirror}"\n  }}\n}}\n')
        with open(os.path.join(self.root, "cli.tfrc"), "w") as f:
            f.write(body)

    def close(self):
        shutil.rmtree(self.root, ignore_errors=True)

    # --- configuration -------------------------------------------------
    def write(self, name, text):
        with open(os.path.join(self.dir, name), "w") as f:
            f.write(text)

    def write_config(self, text):
        self.write("main.tf", text)

    def copy_example(self, relative_path):
        repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        shutil.copy(os.path.join(repo, "examples", relative_path), os.path.join(self.dir, "main.tf"))

    # --- commands -------------------------------------------------------
    def run(self, *args, timeout=600):
        cmd = [self.client, *args]
        proc = subprocess.run(cmd, cwd=self.dir, env=self.env, capture_output=True, text=True,
                              stdin=subprocess.DEVNULL, timeout=timeout)
        return Result(cmd, proc)

    def must(self, *args):
        result = self.run(*args)
        if result.code != 0:
            raise AssertionError(f"command failed:\n{result.describe()}")
        return result

    def init(self):
        return self.must("init", "-input=false", "-no-color")

    def plan(self, *args):
        return self.run("plan", "-input=false", "-no-color", *args)

    def apply(self, *args):
        return self.must("apply", "-input=false", "-auto-approve", "-no-color", *args)

    def destroy(self):
        return self.must("destroy", "-input=false", "-auto-approve", "-no-color")

    def outputs(self):
        return {k: v["value"] for k, v in json.loads(self.must("output", "-json").stdout).items()}

    def lock_file(self):
        with open(os.path.join(self.dir, ".terraform.lock.hcl")) as f:
            return f.read()

    def client_version(self):
        """(name, (major, minor, patch)) of the client, e.g. ("tofu", (1, 12, 6))."""
        text = self.must("version").stdout
        m = re.search(r"^(OpenTofu|Terraform) v(\d+)\.(\d+)\.(\d+)", text, re.M)
        name = "tofu" if m.group(1) == "OpenTofu" else "terraform"
        return name, tuple(int(x) for x in m.group(2, 3, 4))

    def supports_functions(self):
        name, version = self.client_version()
        return version >= ((1, 7, 0) if name == "tofu" else (1, 8, 0))


class AcceptanceTest(unittest.TestCase):
    """Base class: one fresh Workspace per test, removed afterwards."""

    dev_overrides = False

    def setUp(self):
        self.ws = Workspace(dev_overrides=self.dev_overrides)
        self.addCleanup(self.ws.close)

    def assertFails(self, result, *needles):
        self.assertNotEqual(result.code, 0, result.describe())
        for needle in needles:
            self.assertIn(needle, result.output, result.describe())
