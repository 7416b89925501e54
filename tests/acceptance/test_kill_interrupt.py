"""What an interrupted or crashed run leaves behind, with a real client
(OpenTofu) against dcs-emulator whose clusters take seconds to start: one
Ctrl-C (SIGINT to the client), SIGKILL of the provider process, and the
workspace API killed and restarted on its state file, each in the middle of
creating 20 clusters. After each, the next apply converges: 0 duplicate
clusters, 0 clusters the state does not know, 0 objects in state that the
workspace lacks. Also: two resources with identical configuration get two
clusters, whether created together or one after the other."""

import os
import signal
import subprocess
import time
import unittest

from emulator import Emulator, provider_block
from harness import AcceptanceTest
from processes import kill_providers

COUNT = 20
START_MS = 4000


def fleet(count=COUNT, name="fleet-${count.index}", label="fleet"):
    return provider_block() + cluster_block(count, name, label)


def cluster_block(count, name, label):
    return f"""
resource "dcs_cluster" "{label}" {{
  count                   = {count}
  cluster_name            = "{name}"
  spark_version           = "14.3.x-scala2.12"
  node_type_id            = "Standard_DS3_v2"
  num_workers             = 1
  autotermination_minutes = 30
}}
"""


class KillAndInterruptTest(AcceptanceTest):

    def setUp(self):
        self.emu = Emulator(enable_dcs=True, start_delay_ms=START_MS)
        self.addCleanup(lambda: self.emu.stop())
        self.extra_env = self.emu.provider_env()
        super().setUp()
        self.ws.write_config(fleet())
        self.ws.init()

    def start_apply(self):
        proc = subprocess.Popen([self.ws.client, "apply", "-auto-approve", "-input=false", "-no-color",
                                 f"-parallelism={COUNT}"],
                                cwd=self.ws.dir, env=self.ws.env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                start_new_session=True)
        self.addCleanup(lambda: proc.poll() is None and os.killpg(proc.pid, signal.SIGKILL))
        return proc

    def finish(self, proc, within):
        try:
            out, _ = proc.communicate(timeout=within)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            out, _ = proc.communicate()
            self.fail(f"the client did not exit within {within} s:\n{out}")
        return out

    def wait_for_creates(self, n):
        self.emu.wait_for(lambda: len(self.emu.clusters()) >= n, timeout=120, what=f"{n} clusters created")

    def assert_converges(self):
        """The next apply ends with exactly the configured clusters, each in state."""
        self.emu.settings(start_delay_ms=200)
        result = self.ws.apply(f"-parallelism={COUNT}")
        clusters = self.emu.clusters()
        live = [c for c in clusters if c["state"] not in ("TERMINATED", "TERMINATING")]
        names = sorted(c["cluster_name"] for c in live)
        self.assertEqual(len(names), len(set(names)), f"duplicate clusters: {names}")
        self.assertEqual(len(live), COUNT, names)
        instances = self.ws.state_pull()["resources"][0]["instances"]
        state_ids = {i["attributes"]["id"] for i in instances}
        workspace_ids = {c["cluster_id"] for c in clusters}
        self.assertEqual(state_ids - workspace_ids, set(), "objects in state that the workspace lacks")
        self.assertEqual(workspace_ids - state_ids, set(), "clusters no state knows (orphans)")
        self.assertEqual(self.ws.plan("-detailed-exitcode").code, 0)
        return result

    def test_one_ctrl_c_stops_quickly_and_taints_nothing_healthy(self):
        proc = self.start_apply()
        self.wait_for_creates(COUNT // 2)
        os.kill(proc.pid, signal.SIGINT)  # one Ctrl-C, to the client only
        started = time.time()
        out = self.finish(proc, within=30)
        self.assertLess(time.time() - started, 15, out)
        self.assertIn("interrupt", out.lower(), out)
        state = self.ws.state_pull()
        instances = state["resources"][0]["instances"] if state.get("resources") else []
        self.assertTrue(instances, out)
        tainted = [i["attributes"]["id"] for i in instances if i.get("status") == "tainted"]
        self.assertEqual(tainted, [], f"healthy clusters tainted by one Ctrl-C:\n{out}")
        self.assertNotIn("Error: Cluster", out, "a starting cluster was reported as failed")
        self.assert_converges()
        # Nothing was replaced: every cluster of the interrupted run is still there.
        kept = {i["attributes"]["id"] for i in instances}
        self.assertTrue(kept <= {c["cluster_id"] for c in self.emu.clusters()})

    def test_killed_provider_leaves_no_orphans(self):
        proc = self.start_apply()
        self.wait_for_creates(COUNT // 4)
        time.sleep(1)  # a few more creates in flight, most clusters still starting
        self.assertTrue(kill_providers(proc.pid), "no provider process found under the client")
        out = self.finish(proc, within=60)
        self.assertNotEqual(proc.returncode, 0, out)
        before = len(self.emu.clusters())
        self.assertGreater(before, 0)
        self.assert_converges()

    def test_api_killed_and_restarted_on_its_state_file(self):
        proc = self.start_apply()
        self.wait_for_creates(COUNT // 4)
        port = self.emu.url.rsplit(":", 1)[1]
        state_file = self.emu.state_file
        self.emu.proc.kill()  # SIGKILL: no chance to flush anything but what is on disk
        self.emu.proc.wait()
        self.emu.stop()
        time.sleep(2)
        self.emu = Emulator(enable_dcs=True, start_delay_ms=START_MS, state_file=state_file,
                            extra_args=["--port", port])
        self.assertEqual(self.emu.url.rsplit(":", 1)[1], port)
        out = self.finish(proc, within=240)
        self.assertEqual(proc.returncode, 0, out)  # the provider rode out the outage
        self.assert_converges()


class IdenticalConfigurationTest(AcceptanceTest):
    """Create-journal tokens never make two resources share one cluster."""

    def setUp(self):
        self.emu = Emulator(enable_dcs=True, start_delay_ms=200)
        self.addCleanup(self.emu.stop)
        self.extra_env = self.emu.provider_env()
        super().setUp()

    def test_identical_resources_get_their_own_clusters(self):
        self.ws.write_config(fleet(count=2, name="twin"))
        self.ws.init()
        self.ws.apply()
        self.assertEqual(len(self.emu.clusters()), 2)
        # Added later with the same configuration again: a third cluster.
        self.ws.write_config(fleet(count=2, name="twin") + cluster_block(1, "twin", "late"))
        self.ws.apply()
        clusters = self.emu.clusters()
        self.assertEqual(len(clusters), 3, clusters)
        ids = [i["attributes"]["id"] for r in self.ws.state_pull()["resources"] for i in r["instances"]]
        self.assertEqual(sorted(ids), sorted(c["cluster_id"] for c in clusters))


if __name__ == "__main__":
    unittest.main()
