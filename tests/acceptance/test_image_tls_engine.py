"""dcs_image against a remote build host: a real dockerd on
tcp://127.0.0.1:<port> with --tlsverify, reached with client certificates, as
teams do with a shared build machine. Configured through the provider block
(docker_host / docker_tls_verify / docker_cert_path) and through the
environment (DOCKER_HOST / DOCKER_TLS_VERIFY / DOCKER_CERT_PATH), plus the
ways it goes wrong: an untrusted client certificate, a server the client does
not trust, missing certificate files and plain HTTP to a TLS port.

The engine and a plain registry are started by this module; nothing leaves
the machine."""

import os
import uuid

from containers import ContainerEnv, Registry, TlsDockerd, write_context
from harness import AcceptanceTest

ENV = None
ENGINE = None

DOCKERFILE = """FROM scratch
COPY busybox /bin/busybox
COPY app.txt /app.txt
RUN ["/bin/busybox", "sh", "-c", "echo built-remotely > /built"]
"""


def setUpModule():
    global ENV, ENGINE
    ENV = ContainerEnv.start(docker=False)
    try:
        ENGINE = TlsDockerd().start()
    except BaseException:
        ENV.stop()
        raise


def tearDownModule():
    if ENGINE:
        ENGINE.stop()
    if ENV:
        ENV.stop()


class TlsEngineTest(AcceptanceTest):

    def setUp(self):
        super().setUp()
        for k in ("DOCKER_HOST", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH", "DOCKER_API_VERSION"):
            self.ws.env.pop(k, None)
        self.repo = f"acc/tls-{self.ws.client_version()[0]}-{uuid.uuid4().hex[:8]}"
        self.context = self.ws.path("ctx")
        write_context(self.context, {"Dockerfile": DOCKERFILE, "app.txt": "from the build host\n"})

    def config(self, provider_settings):
        return f"""
terraform {{
  required_providers {{
    dcs = {{ source = "dcslabs/dcs" }}
  }}
}}

provider "dcs" {{
{provider_settings}
}}

resource "dcs_image" "app" {{
  name    = "{ENV.plain}/{self.repo}"
  tags    = ["v1"]
  context = "{self.context}"
}}

output "digest" {{ value = dcs_image.app.digest }}
output "image_id" {{ value = dcs_image.app.image_id }}
"""

    def provider_settings(self, cert_dir, verify="true", host=None):
        return (f'  docker_host       = "{host or ENGINE.host}"\n'
                f'  docker_tls_verify = {verify}\n'
                f'  docker_cert_path  = "{cert_dir}"\n')

    def assertFailsSaying(self, result, *needles):
        """Like assertFails, with the client's line wrapping undone first."""
        self.assertNotEqual(result.code, 0, result.describe())
        flat = " ".join(result.output.split())
        for needle in needles:
            self.assertIn(needle, flat, result.describe())

    def assertBuiltOnTheTlsEngine(self):
        out = self.ws.outputs()
        digest, image_id = out["digest"], out["image_id"]
        self.assertEqual(Registry(ENV.plain).head_digest(self.repo, "v1"), digest)
        status, inspect = ENGINE.api("GET", f"/images/{image_id}/json")
        self.assertEqual(status, 200, inspect)
        self.assertIn(f"{ENV.plain}/{self.repo}@{digest}", inspect["RepoDigests"])

    def test_provider_block_builds_pushes_and_plans_clean(self):
        self.ws.write_config(self.config(self.provider_settings(ENGINE.cert_dir("client"))))
        self.ws.init()
        self.ws.apply()
        self.assertBuiltOnTheTlsEngine()
        self.assertSucceeds(self.ws.plan("-detailed-exitcode"), 0)
        self.ws.destroy()

    def test_environment_variables_select_the_tls_engine(self):
        self.ws.env.update(DOCKER_HOST=ENGINE.host, DOCKER_TLS_VERIFY="1",
                           DOCKER_CERT_PATH=ENGINE.cert_dir("client"))
        self.ws.write_config(self.config(""))
        self.ws.init()
        self.ws.apply()
        self.assertBuiltOnTheTlsEngine()
        self.assertSucceeds(self.ws.plan("-detailed-exitcode"), 0)

    def test_default_cert_path_is_home_docker(self):
        # Like the docker CLI: DOCKER_TLS_VERIFY without DOCKER_CERT_PATH reads ~/.docker.
        os.makedirs(os.path.join(self.ws.home, ".docker"))
        for name in ("ca.pem", "cert.pem", "key.pem"):
            with open(os.path.join(ENGINE.cert_dir("client"), name)) as src, \
                    open(os.path.join(self.ws.home, ".docker", name), "w") as dst:
                dst.write(src.read())
        self.ws.env.update(DOCKER_HOST=ENGINE.host, DOCKER_TLS_VERIFY="1")
        self.ws.write_config(self.config(""))
        self.ws.init()
        self.ws.apply()
        self.assertBuiltOnTheTlsEngine()

    def test_client_certificate_of_another_ca_is_refused_clearly(self):
        # The client trusts the engine (right ca.pem) but presents a certificate
        # the engine's CA did not sign: the engine ends the handshake.
        stranger = self.ws.path("stranger")
        os.makedirs(stranger)
        for name, src_dir in (("ca.pem", "client"), ("cert.pem", "stranger"), ("key.pem", "stranger")):
            with open(os.path.join(ENGINE.cert_dir(src_dir), name)) as src, \
                    open(os.path.join(stranger, name), "w") as dst:
                dst.write(src.read())
        self.ws.write_config(self.config(self.provider_settings(stranger)))
        self.ws.init()
        result = self.ws.apply(check=False)
        self.assertFailsSaying(result, "TLS with the Docker daemon failed", ENGINE.host,
                         "must trust the client certificate", "docker_cert_path")
        self.assertNotIn("Is it running?", result.output)
        self.assertIsNone(Registry(ENV.plain).head_digest(self.repo, "v1"))

    def test_untrusted_engine_certificate_is_refused_with_the_fix(self):
        # The client's ca.pem is another CA: the engine's certificate does not verify.
        self.ws.write_config(self.config(self.provider_settings(ENGINE.cert_dir("stranger"))))
        self.ws.init()
        result = self.ws.apply(check=False)
        self.assertFailsSaying(result, "TLS with the Docker daemon failed",
                         "ca.pem must be the CA that signed the daemon's certificate", "docker_cert_path")
        self.assertIsNone(Registry(ENV.plain).head_digest(self.repo, "v1"))

    def test_missing_certificate_files_name_the_file(self):
        empty = self.ws.path("no-certs")
        os.makedirs(empty)
        self.ws.write_config(self.config(self.provider_settings(empty)))
        self.ws.init()
        result = self.ws.apply(check=False)
        self.assertFailsSaying(result, f"{os.path.join(empty, 'ca.pem')} does not exist", "docker_cert_path")

    def test_plain_http_to_the_tls_port_says_to_enable_tls(self):
        self.ws.write_config(self.config(f'  docker_host = "{ENGINE.host}"\n'))
        self.ws.init()
        result = self.ws.apply(check=False)
        self.assertFailsSaying(result, "only speaks TLS", "DOCKER_TLS_VERIFY=1", "docker_tls_verify")
