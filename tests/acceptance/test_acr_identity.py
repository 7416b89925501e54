"""The provider's Azure identity for ACR and ARM, with no password anywhere:
a managed identity (the emulator's metadata endpoint) signs in, dcs_image
pushes to an "ACR" — Debian's docker-registry with token auth whose token
service is dcs-emulator's ACR /oauth2/exchange + /oauth2/token (Entra token
-> ACR refresh token -> registry JWT signed by the emulator) — through the
real dockerd as user 00000000-0000-0000-0000-000000000000, and
dcs_acr_retention_policy is set through ARM with the same identity. No Entra
or ACR token appears in TF_LOG=TRACE output or the state."""

import base64
import json
import os
import socket
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request
import uuid

from containers import DOCKER_SOCK, ContainerEnv, listens_on, write_context
from emulator import Emulator
from harness import AcceptanceTest

ENV = None
SERVICE = "dcsacr.azurecr.io"
SUB, RG = "11111111-2222-3333-4444-555555555555", "rg-acr"
REGISTRY_ID = f"/subscriptions/{SUB}/resourceGroups/{RG}/providers/Microsoft.ContainerRegistry/registries/dcsacr"

DOCKERFILE = """FROM scratch
COPY busybox /bin/busybox
COPY app.txt /app.txt
"""


def setUpModule():
    global ENV
    ENV = ContainerEnv.start()


def tearDownModule():
    if ENV:
        ENV.stop()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class AcrRegistry:
    """docker-registry on loopback trusting the emulator's ACR token service."""

    def __init__(self, emu, cert):
        self.dir = tempfile.mkdtemp(prefix="dcs-acr-")
        self.port = free_port()
        self.host = f"127.0.0.1:{self.port}"
        with open(os.path.join(self.dir, "config.yml"), "w") as f:
            f.write(f"""version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: {self.dir}/storage
  delete:
    enabled: true
http:
  addr: 127.0.0.1:{self.port}
auth:
  token:
    realm: {emu.url}/oauth2/token
    service: {SERVICE}
    issuer: dcs-emulator-acr
    rootcertbundle: {cert}
""")
        self.log = open(os.path.join(self.dir, "registry.log"), "w")
        self.proc = subprocess.Popen(["docker-registry", "serve", os.path.join(self.dir, "config.yml")],
                                     stdout=self.log, stderr=self.log, stdin=subprocess.DEVNULL)
        deadline = time.time() + 20
        while time.time() < deadline:
            try:
                urllib.request.urlopen(f"http://{self.host}/v2/", timeout=2)
            except urllib.error.HTTPError as err:
                if err.code == 401 and listens_on(self.proc.pid, self.port):
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"docker-registry did not start, see {self.dir}/registry.log")

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)
        self.log.close()


class AcrIdentityTest(AcceptanceTest):

    def setUp(self):
        self.cert = os.path.join(tempfile.mkdtemp(prefix="dcs-acr-cert-"), "acr.pem")
        self.emu = Emulator(extra_args=("--acr-cert-out", self.cert))
        self.addCleanup(self.emu.stop)
        self.emu.admin("POST", "identity/managed", {"principal": "build-vm-identity"})
        self.emu.admin("POST", "arm/registries", {"subscription": SUB, "resource_group": RG, "name": "dcsacr",
                                                 "sku": "Premium"})
        self.registry = AcrRegistry(self.emu, self.cert)
        self.addCleanup(self.registry.stop)
        super().setUp()
        for k in list(self.ws.env):
            if k.startswith(("ARM_", "AZURE_", "ACTIONS_", "DATABRICKS_", "DOCKER_")):
                del self.ws.env[k]
        self.ws.env.update({
            "PATH": "/usr/bin:/bin",
            "ARM_USE_MSI": "true",
            "ARM_MSI_ENDPOINT": self.emu.url + "/metadata/identity/oauth2/token",
            "ARM_RESOURCE_MANAGER_ENDPOINT": self.emu.url,
            "TF_LOG": "TRACE",
            "TF_LOG_PATH": os.path.join(self.ws.root, "trace.log"),
        })

    def registry_tags(self, repo):
        """The tags as the registry serves them, read with the same token flow."""
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        req = urllib.request.Request(self.emu.url + "/metadata/identity/oauth2/token?api-version=2018-02-01"
                                     "&resource=" + urllib.parse.quote(self.emu.url), headers={"Metadata": "true"})
        entra = json.loads(opener.open(req).read())["access_token"]
        form = urllib.parse.urlencode({"grant_type": "access_token", "service": SERVICE,
                                       "access_token": entra}).encode()
        refresh = json.loads(opener.open(self.emu.url + "/oauth2/exchange", data=form).read())["refresh_token"]
        form = urllib.parse.urlencode({"grant_type": "refresh_token", "service": SERVICE, "refresh_token": refresh,
                                       "scope": f"repository:{repo}:pull"}).encode()
        access = json.loads(opener.open(self.emu.url + "/oauth2/token", data=form).read())["access_token"]
        req = urllib.request.Request(f"http://{self.registry.host}/v2/{repo}/tags/list",
                                     headers={"Authorization": "Bearer " + access})
        return json.loads(opener.open(req).read()).get("tags") or []

    def test_push_and_retention_policy_with_only_a_managed_identity(self):
        repo = f"team/app-{uuid.uuid4().hex[:8]}"
        context = self.ws.path("ctx")
        write_context(context, {"Dockerfile": DOCKERFILE, "app.txt": "v1\n"})
        self.ws.write_config(f"""
terraform {{
  required_providers {{
    dcs = {{ source = "dcslabs/dcs" }}
  }}
}}

provider "dcs" {{
  docker_host       = "unix://{DOCKER_SOCK}"
  acr_login_servers = ["{self.registry.host}"]
}}

resource "dcs_image" "app" {{
  name    = "{self.registry.host}/{repo}"
  tags    = ["1.0"]
  context = "{context}"
}}

resource "dcs_acr_retention_policy" "p" {{
  registry_id = "{REGISTRY_ID}"
  days        = 9
}}

output "digest" {{ value = dcs_image.app.digest }}
""")
        self.ws.init()
        self.ws.apply()
        self.assertRegex(self.ws.outputs()["digest"], r"^sha256:[0-9a-f]{64}$")
        self.assertEqual(self.registry_tags(repo), ["1.0"])
        arm = {r["name"]: r for r in self.emu.admin("GET", "arm/registries")["value"]}
        self.assertEqual(arm["dcsacr"]["properties"]["policies"]["retentionPolicy"]["days"], 9)
        self.assertEqual(arm["dcsacr"]["properties"]["policies"]["retentionPolicy"]["status"], "enabled")
        self.assertSucceeds(self.ws.plan("-detailed-exitcode"), 0)
        with open(self.ws.env["TF_LOG_PATH"], errors="replace") as f:
            trace = f.read()
        with open(self.ws.path("terraform.tfstate")) as f:
            state = f.read()
        self.assertIn("Azure authentication", trace)
        # Entra and ACR refresh tokens start so; ACR access tokens are JWTs with this header.
        jwt_header = base64.urlsafe_b64encode(b'{"alg":"RS256","typ":"JWT","x5c"').decode()[:40]
        for prefix in ("entra-", "acr-refresh-", jwt_header):
            for text, where in ((trace, "TF_LOG=TRACE output"), (state, "terraform.tfstate")):
                self.assertNotIn(prefix, text, where)
        self.ws.destroy()

    def test_registry_refuses_a_token_for_the_workspace_audience(self):
        # The same identity, but no ARM-audience token can be had: forced to a
        # method that is not configured, the push fails naming it.
        self.ws.env["DATABRICKS_AUTH_TYPE"] = "azure-client-secret"
        write_context(self.ws.path("ctx"), {"Dockerfile": DOCKERFILE, "app.txt": "v1\n"})
        self.ws.write_config(f"""
terraform {{
  required_providers {{
    dcs = {{ source = "dcslabs/dcs" }}
  }}
}}
provider "dcs" {{
  docker_host       = "unix://{DOCKER_SOCK}"
  acr_login_servers = ["{self.registry.host}"]
}}
resource "dcs_image" "app" {{
  name    = "{self.registry.host}/team/denied"
  tags    = ["1.0"]
  context = "{self.ws.path("ctx")}"
}}
""")
        self.ws.init()
        result = self.ws.apply(check=False)
        self.assertFails(result, "azure-client-secret", "ARM_CLIENT_SECRET")
