"""Waiting for many clusters costs requests in proportion to the wait, not to
clusters × wait: 50 clusters created in one apply, each starting in 60 s,
share one clusters/list poll in the provider (real client, dcs-emulator)."""

import time
import unittest

from emulator import Emulator
from harness import AcceptanceTest
from test_cluster_resilience import clusters_config

COUNT = 50
START_MS = 60000


class WaitBudgetTest(AcceptanceTest):

    def setUp(self):
        self.emu = Emulator(enable_dcs=True, start_delay_ms=START_MS)
        self.addCleanup(self.emu.stop)
        self.extra_env = self.emu.provider_env()
        super().setUp()

    def api_requests(self, since):
        return [r for r in self.emu.requests(since)["requests"] if r["path"].startswith("/api/")]

    def test_fifty_clusters_cost_o_of_wait_time(self):
        self.ws.write_config(clusters_config(COUNT, "budget"))
        self.ws.init()
        before = self.emu.requests()["requests"]
        since = before[-1]["seq"] if before else 0
        started = time.monotonic()
        # Every cluster's create and wait run at once, as in one large apply.
        self.ws.apply(f"-parallelism={COUNT}")
        seconds = time.monotonic() - started
        log = self.api_requests(since)
        creates = [r for r in log if r["path"].endswith("/clusters/create")]
        summary = (f"apply {seconds:.1f} s: {len(log)} API requests, {len(creates)} creates, "
                   f"{sum(r['path'].endswith('/clusters/list') for r in log)} list pages, "
                   f"{sum(r['path'].endswith('/clusters/get') for r in log)} gets")
        print(summary)
        self.assertEqual(len(creates), COUNT, summary)
        self.assertGreaterEqual(seconds, START_MS / 1000, summary)  # the clusters really took a minute
        self.assertLessEqual(len(log), COUNT + 2 * seconds, summary)
        # Every cluster is RUNNING, in the workspace and in state.
        clusters = self.emu.clusters()
        self.assertEqual(len(clusters), COUNT)
        self.assertTrue(all(c["state"] == "RUNNING" for c in clusters), [c["state"] for c in clusters])
        instances = self.ws.state_pull()["resources"][0]["instances"]
        self.assertEqual({i["attributes"]["state"] for i in instances}, {"RUNNING"})
        self.assertEqual({i["attributes"]["id"] for i in instances}, {c["cluster_id"] for c in clusters})
        self.ws.destroy(f"-parallelism={COUNT}")
        self.assertEqual(self.emu.clusters(), [])


if __name__ == "__main__":
    unittest.main()
