"""dcs_image on a standalone buildkitd (the provider's `buildkit_host`): a
real buildkitd v0.34 built from its Go module, rootful with Debian's runc,
on a unix socket and on tcp with mutual TLS; a real registry on loopback;
the real client. buildkitd's built-in Dockerfile frontend builds heredocs,
pushes the image itself and exports/imports a registry cache."""

import uuid

from containers import Buildkitd, ContainerEnv, Registry, write_context
from harness import AcceptanceTest
from test_image import image_block
from test_image_buildkit import BASE, file_in_layers, image_blobs

ENV = None


def setUpModule():
    global ENV
    ENV = ContainerEnv.start(docker=False)  # buildkitd does the work; no Docker engine


def tearDownModule():
    if ENV:
        ENV.stop()


def provider_block(buildkit_host, cert_path=None):
    certs = f'  buildkit_cert_path = "{cert_path}"\n' if cert_path else ""
    return f"""
terraform {{
  required_providers {{
    dcs = {{ source = "dcslabs/dcs" }}
  }}
}}

provider "dcs" {{
  buildkit_host = "{buildkit_host}"
  docker_host   = "unix:///nonexistent/no-docker-engine-needed.sock"
{certs}}}
"""


HEREDOC = BASE + """RUN <<EOF
echo heredoc-ok > /heredoc
EOF
"""


class BuildkitdImageTest(AcceptanceTest):

    def setUp(self):
        super().setUp()
        self.repo = f"acc/bkd-{self.ws.client_version()[0]}-{uuid.uuid4().hex[:8]}"
        self.context = self.ws.path("ctx")
        self.registry = Registry(ENV.plain)

    def start_buildkitd(self, tls=False):
        daemon = Buildkitd(tls=tls).start()
        self.addCleanup(daemon.stop)
        return daemon

    def test_heredoc_and_registry_cache_across_fresh_daemons(self):
        write_context(self.context, {"Dockerfile": HEREDOC, "app.txt": "v1\n"})
        cache = f"{ENV.plain}/{self.repo}:buildcache"

        def config(trigger):
            return provider_block(daemon.host) + image_block("app", f"{ENV.plain}/{self.repo}", ["v1"], self.context, f"""
  cache_to   = ["type=registry,ref={cache},mode=max,registry.insecure=true"]
  cache_from = ["type=registry,ref={cache},registry.insecure=true"]
  triggers   = {{ rebuild = "{trigger}" }}
""")
        daemon = self.start_buildkitd()
        self.ws.write_config(config("1"))
        self.ws.init()
        self.ws.apply()
        out = self.ws.outputs()
        digest = out["app_digest"]
        self.assertEqual(self.registry.head_digest(self.repo, "v1"), digest)
        self.assertEqual(out["app_repo_digest"], f"{ENV.plain}/{self.repo}@{digest}")
        self.assertEqual(file_in_layers(image_blobs(self.registry, self.repo, "v1"), "heredoc"), "heredoc-ok\n")
        self.assertIsNotNone(self.registry.head_digest(self.repo, "buildcache"), "the cache was exported")
        self.assertSucceeds(self.ws.plan("-detailed-exitcode"), 0)

        # A fresh buildkitd (empty state) rebuilds from the registry cache.
        daemon.stop()
        daemon = self.start_buildkitd()
        self.ws.write_config(config("2"))
        log_path = self.ws.path("provider.log")
        self.ws.env.update(TF_LOG="DEBUG", TF_LOG_PATH=log_path)
        self.ws.apply()
        with open(log_path, errors="replace") as f:
            log = f.read()
        self.assertIn("docker build: step CACHED", log)
        cached = [line for line in log.splitlines() if "step CACHED" in line]
        self.assertTrue(any("RUN <<EOF" in line or "echo heredoc-ok" in line for line in cached), "\n".join(cached))
        self.assertTrue(any("COPY busybox" in line for line in cached), "\n".join(cached))
        self.assertEqual(self.ws.outputs()["app_digest"], self.registry.head_digest(self.repo, "v1"))

    def test_tcp_with_mutual_tls(self):
        write_context(self.context, {"Dockerfile": BASE + "RUN echo tls > /tls\n"})
        daemon = self.start_buildkitd(tls=True)
        self.ws.write_config(provider_block(daemon.host, daemon.cert_dir("stranger")) +
                             image_block("app", f"{ENV.plain}/{self.repo}", ["v1"], self.context))
        self.ws.init()
        self.assertFails(self.ws.apply(check=False), "Cannot reach buildkitd", daemon.host)
        self.assertEqual(self.registry.tags(self.repo), [])
        self.ws.write_config(provider_block(daemon.host, daemon.cert_dir("client")) +
                             image_block("app", f"{ENV.plain}/{self.repo}", ["v1"], self.context))
        self.ws.apply()
        self.assertEqual(self.ws.outputs()["app_digest"], self.registry.head_digest(self.repo, "v1"))

    def test_failing_step_reports_step_and_output(self):
        write_context(self.context, {"Dockerfile": BASE + "RUN sh -c 'echo out-one; echo out-two; exit 3'\n"})
        daemon = self.start_buildkitd()
        self.ws.write_config(provider_block(daemon.host) +
                             image_block("app", f"{ENV.plain}/{self.repo}", ["v1"], self.context))
        self.ws.init()
        result = self.ws.apply(check=False)
        self.assertFails(result, "Image build failed", "RUN sh -c", "out-one", "out-two", "exit code: 3")
        self.assertEqual(self.registry.tags(self.repo), [], "nothing is pushed when the build fails")
