"""Acceptance-test harness: drives a real OpenTofu or Terraform binary against
the provider binary, installed the way a user installs it (a filesystem mirror
and ``init``, lock file with an h1: hash) or through ``dev_overrides``.

Environment (all optional):
  DCS_PROVIDER_BIN  provider binary; default $DCS_BUILD_DIR/bin/terraform-provider-dcs,
                    DCS_BUILD_DIR defaulting to <repo>/build
  TF_ACC_CLIENT     tofu or terraform binary to drive; default the OpenTofu that
                    scripts/build-clients.sh caches in
                    ${DCS_CLIENT_CACHE:-~/.cache/dcs-clients}/tofu-<pinned>/tofu
  DCS_VERSION       version the provider is published under in the mirror (0.1.0)
  DCS_ACC_TIMEOUT   seconds one client command may take (300)
  DCS_ACC_KEEP=1    keep each test's directory (its path is printed)
  DCS_ACC_TF_LOG    a TF_LOG level; the client's log goes to <test dir>/client.log

Every client command runs with no stdin, TF_IN_AUTOMATION=1, CHECKPOINT_DISABLE=1,
a private HOME, and without inherited TF_* / DATABRICKS_* / ARM_* / AZURE_* /
ACTIONS_ID_TOKEN_* variables — the machine's own identity (a CI runner's OIDC
token, a managed identity, an az login) must not reach the credential chain (pass what a
test needs with ``extra_env``). Standard library only.
"""

import enum
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import unittest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PROVIDER_NAMESPACE = "dcslabs"
PROVIDER_TYPE = "dcs"
PROVIDER_SOURCE = f"{PROVIDER_NAMESPACE}/{PROVIDER_TYPE}"
# "dcslabs/dcs" expands to a different default registry host in each client.
HOSTS = {"tofu": "registry.opentofu.org", "terraform": "registry.terraform.io"}
DEFAULT_VERSION = "0.1.0"
_SCRUBBED_ENV = re.compile(r"^(TF_|TERRAFORM_|DATABRICKS_|ARM_|AZURE_|ACTIONS_ID_TOKEN_)")


class ProviderInstall(enum.Enum):
    """How the client finds the provider."""
    FILESYSTEM_MIRROR = "filesystem_mirror"  # init installs it and writes the lock file
    DEV_OVERRIDES = "dev_overrides"  # used in place, no version/checksum; init not needed


class ClientError(AssertionError):
    """A client command failed (or timed out); the message has its output."""


class Result:
    """Outcome of one client command."""

    def __init__(self, args, code, stdout, stderr, workdir):
        self.args = list(args)
        self.code = code
        self.stdout = stdout
        self.stderr = stderr
        self.workdir = workdir

    @property
    def returncode(self):
        return self.code

    @property
    def output(self):
        return self.stdout + self.stderr

    def describe(self):
        """The command, its exit code and both streams, for failure messages."""
        return (f"$ {' '.join(self.args)}\n(in {self.workdir})\nexit {self.code}\n"
                f"--- stderr\n{self.stderr.rstrip()}\n--- stdout\n{self.stdout.rstrip()}\n---")

    def __repr__(self):
        return f"Result({' '.join(self.args[1:])!r}, code={self.code})"


def _pinned_version(tools_dir, module):
    with open(os.path.join(REPO, "tests", "tools", tools_dir, "go.mod")) as f:
        for line in f:
            words = line.split()
            if words[:1] == ["require"]:
                words = words[1:]
            if len(words) >= 2 and words[0] == module:
                return words[1].lstrip("v")
    raise RuntimeError(f"{module} is not pinned in tests/tools/{tools_dir}/go.mod")


def client_cache():
    return os.environ.get("DCS_CLIENT_CACHE") or os.path.join(os.path.expanduser("~"), ".cache", "dcs-clients")


def default_tofu():
    """Where scripts/build-clients.sh puts the pinned OpenTofu."""
    version = _pinned_version("opentofu", "github.com/opentofu/opentofu")
    return os.path.join(client_cache(), f"tofu-{version}", "tofu")


def provider_binary():
    path = os.environ.get("DCS_PROVIDER_BIN")
    if not path:
        build = os.environ.get("DCS_BUILD_DIR") or os.path.join(REPO, "build")
        path = os.path.join(build, "bin", "terraform-provider-dcs")
    return os.path.abspath(path)


def client_binary():
    return os.path.abspath(os.environ.get("TF_ACC_CLIENT") or default_tofu())


def _require_executable(path, what, hint):
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        raise ClientError(f"{what} not found at {path}: {hint}")


def platform_dir():
    machine = platform.machine().lower()
    arch = {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64"}.get(machine, machine)
    return f"{sys.platform.rstrip('0123456789')}_{arch}"


_VERSIONS = {}


def client_version(client=None):
    """("tofu" | "terraform", (major, minor, patch)) of a client binary."""
    client = client or client_binary()
    if client not in _VERSIONS:
        env = {k: v for k, v in os.environ.items() if not _SCRUBBED_ENV.match(k)}
        env.update(CHECKPOINT_DISABLE="1", TF_CLI_CONFIG_FILE=os.devnull)
        proc = subprocess.run([client, "version"], capture_output=True, text=True, env=env,
                              stdin=subprocess.DEVNULL, timeout=60)
        m = re.search(r"^(OpenTofu|Terraform) v(\d+)\.(\d+)\.(\d+)", proc.stdout, re.M)
        if proc.returncode != 0 or not m:
            raise ClientError(f"cannot tell the version of {client}:\n{proc.stdout}{proc.stderr}")
        name = "tofu" if m.group(1) == "OpenTofu" else "terraform"
        _VERSIONS[client] = (name, tuple(int(x) for x in m.group(2, 3, 4)))
    return _VERSIONS[client]


def _hcl_string(text):
    return json.dumps(text)  # an HCL string literal is a JSON string for our paths


class Workspace:
    """A temporary directory for one test: the configuration dir, a CLI config
    file, a filesystem mirror (or a dev_overrides dir) and a private HOME."""

    def __init__(self, install=ProviderInstall.FILESYSTEM_MIRROR, extra_env=None,
                 provider=None, client=None, version=None):
        self.install = install
        self.provider = provider or provider_binary()
        self.client = client or client_binary()
        _require_executable(self.client, "client (TF_ACC_CLIENT)",
                            "run scripts/build-clients.sh, or set TF_ACC_CLIENT to a tofu/terraform binary")
        _require_executable(self.provider, "provider (DCS_PROVIDER_BIN)",
                            "build the terraform-provider-dcs target, or set DCS_PROVIDER_BIN")
        self.version = version or os.environ.get("DCS_VERSION") or DEFAULT_VERSION
        self.timeout = float(os.environ.get("DCS_ACC_TIMEOUT", "300"))
        self.root = tempfile.mkdtemp(prefix="dcs-acc-")
        self.dir = os.path.join(self.root, "work")
        self.mirror = os.path.join(self.root, "mirror")
        self.dev_dir = os.path.join(self.root, "dev")
        self.home = os.path.join(self.root, "home")
        self.cli_config = os.path.join(self.root, "cli.tfrc")
        for d in (self.dir, self.home):
            os.makedirs(d)
        self._populate_mirror()
        self._write_cli_config()
        self.env = {k: v for k, v in os.environ.items() if not _SCRUBBED_ENV.match(k)}
        self.env.update({
            "TF_CLI_CONFIG_FILE": self.cli_config,
            "TF_IN_AUTOMATION": "1",
            "TF_INPUT": "0",
            "CHECKPOINT_DISABLE": "1",
            "HOME": self.home,
            "XDG_CONFIG_HOME": os.path.join(self.home, ".config"),
            "XDG_DATA_HOME": os.path.join(self.home, ".local", "share"),
            "XDG_CACHE_HOME": os.path.join(self.home, ".cache"),
        })
        if os.environ.get("DCS_ACC_TF_LOG"):
            self.env.update(TF_LOG=os.environ["DCS_ACC_TF_LOG"],
                            TF_LOG_PATH=os.path.join(self.root, "client.log"))
        self.env.update(extra_env or {})

    # --- setup -----------------------------------------------------------
    def _place_provider(self, dest):
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        try:
            os.link(self.provider, dest)
        except OSError:
            shutil.copy2(self.provider, dest)

    def _populate_mirror(self):
        executable = f"terraform-provider-{PROVIDER_TYPE}_v{self.version}"
        for host in HOSTS.values():
            self._place_provider(os.path.join(self.mirror, host, PROVIDER_NAMESPACE, PROVIDER_TYPE,
                                              self.version, platform_dir(), executable))
        if self.install is ProviderInstall.DEV_OVERRIDES:
            self._place_provider(os.path.join(self.dev_dir, f"terraform-provider-{PROVIDER_TYPE}"))

    def _write_cli_config(self):
        # "*/dcslabs/dcs" would be simpler, but both clients reject a wildcard
        # host unless namespace and type are wildcards too: name both hosts.
        include = ", ".join(_hcl_string(f"{h}/{PROVIDER_SOURCE}") for h in HOSTS.values())
        lines = ["disable_checkpoint = true", "provider_installation {"]
        if self.install is ProviderInstall.DEV_OVERRIDES:
            lines += ["  dev_overrides {"]
            lines += [f"    {_hcl_string(f'{h}/{PROVIDER_SOURCE}')} = {_hcl_string(self.dev_dir)}"
                      for h in HOSTS.values()]
            lines += ["  }"]
        lines += ["  filesystem_mirror {",
                  f"    path    = {_hcl_string(self.mirror)}",
                  f"    include = [{include}]",
                  "  }", "}", ""]
        with open(self.cli_config, "w") as f:
            f.write("\n".join(lines))

    def close(self):
        if os.environ.get("DCS_ACC_KEEP") == "1":
            print(f"\nkept {self.root}", file=sys.stderr)
        else:
            shutil.rmtree(self.root, ignore_errors=True)

    # --- configuration ---------------------------------------------------
    def path(self, *parts):
        return os.path.join(self.dir, *parts)

    def write(self, name, text):
        os.makedirs(os.path.dirname(self.path(name)), exist_ok=True)
        with open(self.path(name), "w") as f:
            f.write(text)

    def write_config(self, main_tf):
        self.write("main.tf", main_tf)

    def copy_example(self, relative_path):
        """Copies examples/<relative_path> to main.tf."""
        shutil.copy(os.path.join(REPO, "examples", relative_path), self.path("main.tf"))

    # --- the client --------------------------------------------------------
    def client_version(self):
        """("tofu" | "terraform", (major, minor, patch))."""
        return client_version(self.client)

    @property
    def is_opentofu(self):
        return self.client_version()[0] == "tofu"

    def supports_functions(self):
        """Provider-defined functions: OpenTofu >= 1.7, Terraform >= 1.8."""
        name, version = self.client_version()
        return version >= ((1, 7, 0) if name == "tofu" else (1, 8, 0))

    @property
    def provider_address(self):
        """Fully qualified address "dcslabs/dcs" means for this client."""
        return f"{HOSTS[self.client_version()[0]]}/{PROVIDER_SOURCE}"

    # --- commands ----------------------------------------------------------
    def run(self, *args, check=False, ok_codes=(0,), timeout=None):
        """Runs the client with args in the work dir. With check, a code not in
        ok_codes raises ClientError carrying the command's stderr and stdout."""
        cmd = [self.client, *args]
        proc = subprocess.Popen(cmd, cwd=self.dir, env=self.env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                start_new_session=True)
        try:
            out, err = proc.communicate(timeout=timeout or self.timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # the client and its provider processes
            out, err = proc.communicate()
            result = Result(cmd, None, out, err, self.dir)
            raise ClientError(f"timed out after {timeout or self.timeout} s:\n{result.describe()}") from None
        result = Result(cmd, proc.returncode, out, err, self.dir)
        if check and result.code not in ok_codes:
            raise ClientError(f"{self.client_version()[0]} {args[0] if args else ''} failed:\n"
                              f"{result.describe()}")
        return result

    def must(self, *args):
        return self.run(*args, check=True)

    def init(self, *args, check=True):
        return self.run("init", "-input=false", "-no-color", *args, check=check)

    def validate(self, *args, check=False):
        return self.run("validate", "-no-color", *args, check=check)

    def plan(self, *args, check=False):
        """Result of `plan` (code 2 = changes, with -detailed-exitcode)."""
        ok = (0, 2) if "-detailed-exitcode" in args else (0,)
        return self.run("plan", "-input=false", "-no-color", *args, check=check, ok_codes=ok)

    def apply(self, *args, check=True):
        return self.run("apply", "-input=false", "-auto-approve", "-no-color", *args, check=check)

    def destroy(self, *args, check=True):
        return self.run("destroy", "-input=false", "-auto-approve", "-no-color", *args, check=check)

    def output_json(self):
        """The raw `output -json` document: {name: {value, type, sensitive}}."""
        return json.loads(self.must("output", "-json").stdout)

    def outputs(self):
        """{name: value} of the root module outputs."""
        return {k: v["value"] for k, v in self.output_json().items()}

    def state_pull(self):
        return json.loads(self.must("state", "pull").stdout)

    def state_list(self):
        return self.must("state", "list").stdout.split()

    def state_show(self, address):
        return self.must("state", "show", "-no-color", address).stdout

    def show_json(self, plan_file=None):
        return json.loads(self.must("show", "-json", *([plan_file] if plan_file else [])).stdout)

    def providers_schema(self):
        return json.loads(self.must("providers", "schema", "-json").stdout)

    def lock_file(self):
        with open(self.path(".terraform.lock.hcl")) as f:
            return f.read()

    def lock_entry(self):
        """(version, [hashes]) that the lock file records for this provider."""
        text = self.lock_file()
        m = re.search(r'provider\s+"' + re.escape(self.provider_address) + r'"\s*\{(.*?)\n\}', text, re.S)
        if not m:
            raise ClientError(f"{self.provider_address} is not in the lock file:\n{text}")
        version = re.search(r'version\s*=\s*"([^"]+)"', m.group(1))
        hashes = re.findall(r'"((?:h1|zh):[^"]+)"', m.group(1))
        return (version.group(1) if version else None), hashes


# The first line of a sanitizer report in a provider's stderr.
_SANITIZER_REPORT = re.compile(r"runtime error:|ERROR: (Address|Leak|UndefinedBehavior)Sanitizer")


class AcceptanceTest(unittest.TestCase):
    """Base class: a fresh Workspace (self.ws) per test, removed afterwards.
    Set `install = ProviderInstall.DEV_OVERRIDES` in a subclass to use dev_overrides."""

    install = ProviderInstall.FILESYSTEM_MIRROR
    extra_env = None

    def setUp(self):
        self.ws = Workspace(install=self.install, extra_env=self.extra_env)
        self.addCleanup(self.ws.close)
        if os.environ.get("DCS_SANITIZER_LOG_DIR"):
            # Runs last, once the client, the provider and any emulator are gone.
            self._cleanups.insert(0, (self._check_sanitizer_logs, (), {}))

    def _check_sanitizer_logs(self):
        """Fails the test with any ASan/UBSan/LSan report that the provider
        wrote (scripts/sanitize.sh routes them to files: the client swallows
        the provider's stderr). `stderr.<pid>` files are copies of a provider's
        whole stderr (GCC's UBSan runtime ignores log_path next to ASan's), so
        only the part from the first report line on counts."""
        logs = os.environ["DCS_SANITIZER_LOG_DIR"]
        reports = []
        for name in sorted(os.listdir(logs)):
            path = os.path.join(logs, name)
            if name.endswith(".reported") or not os.path.isfile(path):
                continue
            with open(path, errors="replace") as f:
                text = f.read()
            os.rename(path, path + ".reported")
            if name.startswith("stderr."):
                lines = text.splitlines()
                hits = [i for i, line in enumerate(lines) if _SANITIZER_REPORT.search(line)]
                if not hits:
                    continue
                text = "\n".join(lines[hits[0]:])
            reports.append(f"--- {name}\n{text}")
        if reports:
            self.fail("sanitizer reports:\n" + "\n".join(reports))

    def assertFails(self, result, *needles):
        """The command failed and its output mentions every needle."""
        self.assertNotEqual(result.code, 0, result.describe())
        for needle in needles:
            self.assertIn(needle, result.output, result.describe())

    def assertSucceeds(self, result, code=0):
        self.assertEqual(result.code, code, result.describe())
