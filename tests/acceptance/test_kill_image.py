"""A provider killed in the middle of a dcs_image push (real OpenTofu, the
private dockerd, a real registry behind a loopback proxy that slows the
upload to a few hundred KiB/s): the state never claims a digest that the
registry lacks, the tag is not left pointing at a half-pushed image, and the
next apply converges (tag, state and a clean plan agree). Both for a first
create and for an update over an image that was pushed before."""

import os
import signal
import subprocess
import time
import unittest
import uuid

from containers import ACCEPT, DOCKER_SOCK, ContainerEnv, Registry, ThrottledTcpProxy, write_context
from harness import AcceptanceTest
from processes import kill_providers

ENV = None

LAYER_BYTES = 8 << 20   # random, so it does not compress: ~16 s through the proxy
RATE = 512 << 10        # bytes per second while a push is to be killed
KILL_AFTER = 1 << 20    # bytes through the proxy before the kill: a layer upload is under way

DOCKERFILE = """FROM scratch
COPY busybox /bin/busybox
COPY blob.bin /blob.bin
"""


def setUpModule():
    global ENV
    ENV = ContainerEnv.start()


def tearDownModule():
    if ENV:
        ENV.stop()


class KilledImagePushTest(AcceptanceTest):

    def setUp(self):
        super().setUp()
        self.proxy = ThrottledTcpProxy(ENV.plain)
        self.addCleanup(self.proxy.stop)
        self.registry = Registry(ENV.plain)  # straight to the registry, not slowed
        self.repo = f"acc/kill-{uuid.uuid4().hex[:8]}"
        self.context = self.ws.path("ctx")
        self.new_layer()
        self.ws.write_config(f"""
terraform {{
  required_providers {{
    dcs = {{ source = "dcslabs/dcs" }}
  }}
}}

provider "dcs" {{
  docker_host = "unix://{DOCKER_SOCK}"
}}

resource "dcs_image" "app" {{
  name    = "{self.proxy.host}/{self.repo}"
  tags    = ["dev"]
  context = "{self.context}"
}}
""")
        self.ws.init()

    def new_layer(self):
        write_context(self.context, {"Dockerfile": DOCKERFILE})
        with open(os.path.join(self.context, "blob.bin"), "wb") as f:
            f.write(os.urandom(LAYER_BYTES))

    def apply_and_kill_mid_push(self):
        """Starts a slowed apply, SIGKILLs the provider once the push is under
        way; returns the client's output."""
        self.proxy.rate = RATE
        start = self.proxy.uploaded
        proc = subprocess.Popen([self.ws.client, "apply", "-auto-approve", "-input=false", "-no-color"],
                                cwd=self.ws.dir, env=self.ws.env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                start_new_session=True)
        self.addCleanup(lambda: proc.poll() is None and os.killpg(proc.pid, signal.SIGKILL))
        self.proxy.wait_uploaded(start + KILL_AFTER)
        self.assertTrue(kill_providers(proc.pid), "no provider process found under the client")
        try:
            out, _ = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            self.fail(f"the client did not exit within 60 s of the provider's death:\n{proc.communicate()[0]}")
        self.assertNotEqual(proc.returncode, 0, out)
        # Were dockerd to finish the push on its own, it could now, unslowed.
        self.proxy.rate = None
        time.sleep(5)
        return out

    def recorded(self):
        """(digest, repo_digest) of dcs_image.app in state, or None."""
        state = self.ws.state_pull()
        for r in state.get("resources", []):
            for i in r["instances"]:
                return i["attributes"].get("digest"), i["attributes"].get("repo_digest")
        return None

    def assert_registry_has(self, digest, why):
        status, _, _ = self.registry.request("HEAD", f"/v2/{self.repo}/manifests/{digest}",
                                             headers={"Accept": ACCEPT})
        self.assertEqual(status, 200, f"{why}: the registry lacks {digest}")

    def assert_converges(self):
        self.proxy.rate = None
        self.ws.apply()
        digest, repo_digest = self.recorded()
        self.assertEqual(self.registry.head_digest(self.repo, "dev"), digest)
        self.assertEqual(repo_digest, f"{self.proxy.host}/{self.repo}@{digest}")
        self.assert_registry_has(digest, "state after the second apply")
        self.assertSucceeds(self.ws.plan("-detailed-exitcode"), 0)
        return digest

    def test_kill_during_first_push(self):
        out = self.apply_and_kill_mid_push()
        self.assertIsNone(self.recorded(), f"a killed create left an object in state:\n{out}")
        self.assertIsNone(self.registry.head_digest(self.repo, "dev"), "the killed push left the tag behind")
        self.assert_converges()

    def test_kill_during_push_of_an_update(self):
        self.proxy.rate = None
        self.ws.apply()
        before, _ = self.recorded()
        self.assertEqual(self.registry.head_digest(self.repo, "dev"), before)
        self.new_layer()
        out = self.apply_and_kill_mid_push()
        digest, repo_digest = self.recorded()
        self.assertEqual(digest, before, out)
        self.assertEqual(repo_digest, f"{self.proxy.host}/{self.repo}@{before}", out)
        self.assert_registry_has(before, "state after the kill")
        self.assertEqual(self.registry.head_digest(self.repo, "dev"), before,
                         "the killed push moved the tag")
        after = self.assert_converges()
        self.assertNotEqual(after, before)


if __name__ == "__main__":
    unittest.main()
