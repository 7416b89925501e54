"""Image preflight at plan (dcs_cluster, dcs_instance_pool,
dcs_air_image_registration, and dcs_compatibility_matrix's `image`) with a
real client against dcs-emulator, a real dockerd and real registries on
loopback (started by this module). Images are built FROM scratch with
busybox-static and pushed with the docker CLI; nothing comes from outside.

Registry traffic is counted by a loopback proxy in front of the plain
registry (the registry itself logs at `warn`), so the request budgets are
measured, not assumed."""

import http.client
import http.server
import json
import os
import re
import socket
import subprocess
import tempfile
import threading
import unittest

from containers import DOCKER_SOCK, ContainerEnv, write_context
from emulator import Emulator
from harness import AcceptanceTest

ENV = None
DOCKER_CONFIG = None
REPO = "preflight"


def docker(*args, stdin=None):
    env = dict(os.environ, DOCKER_HOST=f"unix://{DOCKER_SOCK}", DOCKER_CONFIG=DOCKER_CONFIG)
    out = subprocess.run(["docker", *args], capture_output=True, text=True, env=env, input=stdin, timeout=300)
    if out.returncode != 0:
        raise AssertionError(f"docker {' '.join(args)} failed:\n{out.stdout}{out.stderr}")
    return out.stdout


def build_and_push(registry, name, tag, extra_lines=""):
    """FROM scratch + busybox, plus Dockerfile lines; pushed as registry/preflight/name:tag."""
    context = tempfile.mkdtemp(prefix="dcs-preflight-ctx-")
    write_context(context, {"Dockerfile": f"FROM scratch\nCOPY busybox /bin/busybox\n{extra_lines}\n"})
    ref = f"{registry}/{REPO}/{name}:{tag}"
    docker("build", "-q", "-t", ref, context)
    docker("push", "-q", ref)
    return ref


def setUpModule():
    global ENV, DOCKER_CONFIG
    ENV = ContainerEnv.start()
    DOCKER_CONFIG = tempfile.mkdtemp(prefix="dcs-preflight-docker-config-")
    # The seed's typo case: 1.0 and 2.0 are pushed, "v1" will be configured.
    for tag in ("1.0", "2.0"):
        build_and_push(ENV.plain, "nlp-demo", tag, f"LABEL tag={tag}")
    build_and_push(ENV.plain, "cuda13", "1", "ENV CUDA_VERSION=13.0 NCCL_VERSION=2.27.3-1")
    build_and_push(ENV.plain, "entry", "1", 'ENTRYPOINT ["/bin/busybox", "sh"]')
    docker("login", "-u", ENV.user, "--password-stdin", ENV.basic, stdin=ENV.password)
    build_and_push(ENV.basic, "private", "1")


def tearDownModule():
    if ENV:
        ENV.stop()


class CountingProxy:
    """A loopback HTTP proxy in front of one registry that counts requests."""

    def __init__(self, upstream):
        self.upstream = upstream
        self.lines = []
        self._lock = threading.Lock()
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _forward(self):
                with proxy._lock:
                    proxy.lines.append(f"{self.command} {self.path}")
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                conn = http.client.HTTPConnection(proxy.upstream, timeout=60)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
                conn.request(self.command, self.path, body=body, headers=headers)
                resp = conn.getresponse()
                data = resp.read()
                self.send_response(resp.status)
                for k, v in resp.getheaders():
                    if k.lower() not in ("connection", "transfer-encoding", "content-length"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)
                conn.close()

            do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = _forward

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.host = f"127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def count(self):
        with self._lock:
            return len(self.lines)

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def closed_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def provider(extra=""):
    return f"""
terraform {{
  required_providers {{
    dcs = {{ source = "dcslabs/dcs" }}
  }}
}}

provider "dcs" {{
{extra}
}}
"""


def cluster(url, label="c", node="Standard_DS3_v2", extra="", auth=""):
    return f"""
resource "dcs_cluster" "{label}" {{
  cluster_name       = "{label}"
  spark_version      = "14.3.x-scala2.12"
  node_type_id       = "{node}"
  num_workers        = 1
  data_security_mode = "SINGLE_USER"
{extra}
  docker_image {{
    url = "{url}"
{auth}
  }}
}}
"""


class ImagePreflightTest(AcceptanceTest):

    @classmethod
    def setUpClass(cls):
        cls.emu = Emulator(enable_dcs=True)

    @classmethod
    def tearDownClass(cls):
        cls.emu.stop()

    def setUp(self):
        self.extra_env = self.emu.provider_env()
        super().setUp()
        self.proxy = CountingProxy(ENV.plain)
        self.addCleanup(self.proxy.stop)

    def url(self, name, tag):
        return f"{self.proxy.host}/{REPO}/{name}:{tag}"

    def plan(self, config, provider_extra=""):
        self.ws.write_config(provider(provider_extra) + config)
        self.ws.init()
        return self.ws.plan()

    def assertDiagnostic(self, result, severity, summary, attribute_line):
        """`severity: summary` in the output, pointing at the config line of the attribute."""
        self.assertIn(f"{severity}: {summary}", result.output, result.describe())
        self.assertRegex(result.output, re.compile(r"^\s*\d+:\s*" + re.escape(attribute_line), re.M),
                         result.describe())

    def test_missing_tag_fails_plan_naming_the_real_tags(self):
        result = self.plan(cluster(self.url("nlp-demo", "v1")))
        self.assertNotEqual(result.code, 0, result.describe())
        self.assertDiagnostic(result, "Error", "Image not found in the registry", "url")
        flat = " ".join(result.output.replace("│", " ").split())  # undo the clients' line wrapping
        self.assertIn(f"Nearest existing tags of {self.proxy.host}/{REPO}/nlp-demo: 1.0, 2.0 (2 tags in all)",
                      flat, result.describe())
        self.assertEqual(self.emu.clusters(), [])

    def test_existing_tag_plans_clean(self):
        result = self.plan(cluster(self.url("nlp-demo", "1.0")))
        self.assertEqual(result.code, 0, result.describe())
        self.assertNotIn("Warning:", result.output)
        self.assertNotIn("Error:", result.output)
        self.assertGreater(self.proxy.count(), 0)  # it did ask the registry

    def test_wrong_credentials_fail_plan_naming_the_registry(self):
        wrong = f'    basic_auth {{\n      username = "{ENV.user}"\n      password = "not-the-password"\n    }}'
        result = self.plan(cluster(f"{ENV.basic}/{REPO}/private:1", auth=wrong))
        self.assertNotEqual(result.code, 0, result.describe())
        self.assertDiagnostic(result, "Error", f"Registry {ENV.basic} refuses to let these credentials pull", "url")
        self.assertNotIn("not-the-password", result.output)
        # The token registry: the token server refuses the credentials (no `pull` token).
        result = self.plan(cluster(f"{ENV.token}/{REPO}/private:1", auth=wrong))
        self.assertNotEqual(result.code, 0, result.describe())
        self.assertDiagnostic(result, "Error", f"Registry {ENV.token} refuses to let these credentials pull", "url")
        right = f'    basic_auth {{\n      username = "{ENV.user}"\n      password = "{ENV.password}"\n    }}'
        result = self.plan(cluster(f"{ENV.basic}/{REPO}/private:1", auth=right))
        self.assertEqual(result.code, 0, result.describe())
        self.assertNotIn("Error:", result.output)

    def test_secret_reference_credentials_warn_that_others_were_used(self):
        secret = ('    basic_auth {\n      username = "{{secrets/registry/user}}"\n'
                  '      password = "{{secrets/registry/password}}"\n    }')
        result = self.plan(cluster(f"{ENV.basic}/{REPO}/private:1", auth=secret))
        self.assertEqual(result.code, 0, result.describe())
        self.assertIn("Warning: Image preflight used other credentials", result.output)
        self.assertIn("Warning: Image preflight could not pull from", result.output)

    def test_cuda_13_on_a_550_driver_fails_with_the_matrix_diagnostic(self):
        drivers = '  gpu_host_drivers = { "Standard_NC6s_v3" = "550.54.15" }'
        result = self.plan(cluster(self.url("cuda13", "1"), node="Standard_NC6s_v3"), drivers)
        self.assertNotEqual(result.code, 0, result.describe())
        self.assertDiagnostic(result, "Error", "Compatibility check cuda_driver: FAIL", "url")
        self.assertIn("CUDA_VERSION=13.0", result.output)
        self.assertEqual(self.emu.clusters(), [])
        # preflight = "warn" on the resource: the same finding, as a warning.
        result = self.plan(cluster(self.url("cuda13", "1"), node="Standard_NC6s_v3", extra='  preflight = "warn"'),
                           drivers)
        self.assertEqual(result.code, 0, result.describe())
        self.assertIn("Warning: Compatibility check cuda_driver: FAIL", result.output)
        # Without gpu_host_drivers the matrix's Azure node image driver (580.x) runs CUDA 13.0.
        result = self.plan(cluster(self.url("cuda13", "1"), node="Standard_NC6s_v3"))
        self.assertEqual(result.code, 0, result.describe())
        self.assertNotIn("cuda_driver", result.output)

    def test_entrypoint_warns(self):
        result = self.plan(cluster(self.url("entry", "1")))
        self.assertEqual(result.code, 0, result.describe())
        self.assertDiagnostic(result, "Warning", "Image sets an ENTRYPOINT", "url")
        self.assertIn("/bin/busybox", result.output)

    def test_preflight_off_makes_no_registry_request(self):
        result = self.plan(cluster(self.url("nlp-demo", "v1")), '  preflight = "off"')
        self.assertEqual(result.code, 0, result.describe())
        self.assertEqual(self.proxy.count(), 0, self.proxy.lines)
        # Resource level wins over the provider's default.
        result = self.plan(cluster(self.url("nlp-demo", "v1"), extra='  preflight = "off"'))
        self.assertEqual(result.code, 0, result.describe())
        self.assertEqual(self.proxy.count(), 0, self.proxy.lines)

    def test_fifty_clusters_sharing_one_image_ask_the_registry_at_most_three_times(self):
        config = "".join(cluster(self.url("nlp-demo", "1.0"), label=f"c{i:02d}") for i in range(50))
        result = self.plan(config)
        self.assertEqual(result.code, 0, result.describe())
        self.assertIn("50 to add", result.output)
        self.assertLessEqual(self.proxy.count(), 3, self.proxy.lines)
        self.assertGreaterEqual(self.proxy.count(), 2, self.proxy.lines)  # manifest + config

    def test_changing_preflight_alone_does_not_edit_the_cluster(self):
        def calls(verb):
            return [r for r in self.emu.requests()["requests"]
                    if r["method"] == "POST" and r["path"].endswith("/clusters/" + verb)]
        creates = len(calls("create"))
        self.ws.write_config(provider() + cluster(self.url("nlp-demo", "1.0")))
        self.ws.init()
        self.ws.apply()
        self.addCleanup(self.ws.destroy)
        lookups = self.proxy.count()
        self.assertGreaterEqual(lookups, 2, self.proxy.lines)
        # A plan that changes nothing does not look the unchanged image up again.
        self.assertSucceeds(self.ws.plan("-detailed-exitcode"), 0)
        self.assertEqual(self.proxy.count(), lookups, self.proxy.lines)
        self.assertEqual(len(calls("create")), creates + 1)  # the request log sees cluster calls
        before = len(calls("edit"))
        self.ws.write_config(provider() + cluster(self.url("nlp-demo", "1.0"), extra='  preflight = "warn"'))
        self.ws.apply()
        self.assertEqual(len(calls("edit")), before, "a preflight change must not edit (restart) the cluster")
        self.assertSucceeds(self.ws.plan("-detailed-exitcode"), 0)

    def test_unreachable_registry_is_a_warning_saying_what_was_not_checked(self):
        result = self.plan(cluster(f"127.0.0.1:{closed_port()}/{REPO}/gone:1"))
        self.assertEqual(result.code, 0, result.describe())
        self.assertDiagnostic(result, "Warning", "Image preflight could not check the image", "url")
        self.assertIn("Not checked", result.output)

    def test_pool_and_air_registration_are_checked_on_their_attributes(self):
        config = f"""
resource "dcs_instance_pool" "p" {{
  instance_pool_name = "preflight"
  node_type_id       = "Standard_DS3_v2"
  max_capacity       = 2
  preloaded_docker_image {{
    url = "{self.url("nlp-demo", "1.0")}"
  }}
  preloaded_docker_image {{
    url = "{self.url("nlp-demo", "v2")}"
  }}
}}

resource "dcs_air_image_registration" "r" {{
  image_url = "{self.url("nlp-demo", "v3")}"
}}
"""
        result = self.plan(config)
        self.assertNotEqual(result.code, 0, result.describe())
        self.assertEqual(result.output.count("Error: Image not found in the registry"), 2, result.describe())
        self.assertIn(f"{REPO}/nlp-demo:v2", result.output)
        self.assertIn(f"{REPO}/nlp-demo:v3", result.output)
        self.assertRegex(result.output, re.compile(r"^\s*\d+:\s*image_url", re.M))
        self.assertEqual(self.emu.pools(), [])

    def test_compatibility_matrix_reads_cuda_from_the_image(self):
        config = f"""
data "dcs_compatibility_matrix" "m" {{
  image               = "{self.url("cuda13", "1")}"
  host_driver_version = "550.54.15"
  fail_on             = "never"
}}

output "cuda" {{ value = data.dcs_compatibility_matrix.m.image_cuda_version }}
output "nccl" {{ value = data.dcs_compatibility_matrix.m.image_nccl_version }}
output "cuda_driver" {{
  value = [for c in data.dcs_compatibility_matrix.m.checks : c.status if c.name == "cuda_driver"][0]
}}
"""
        self.ws.write_config(provider() + config)
        self.ws.init()
        self.ws.apply()
        out = self.ws.outputs()
        self.assertEqual(out["cuda"], "13.0")
        self.assertEqual(out["nccl"], "2.27.3")
        self.assertEqual(out["cuda_driver"], "FAIL")
        # An explicit cuda_version wins over the image's.
        self.ws.write_config(provider() + config.replace('fail_on             = "never"',
                                                         'fail_on = "never"\n  cuda_version = "12.4"'))
        self.ws.apply()
        self.assertEqual(self.ws.outputs()["cuda_driver"], "OK")


if __name__ == "__main__":
    unittest.main()
