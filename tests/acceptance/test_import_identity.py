"""Resource identity (plugin protocol 6.9): clients that know identities
(OpenTofu 1.12, Terraform 1.12+) store one beside each pool and cluster and
import with `import { identity = {…} }`; older clients are unaffected and
refuse an identity in an import block themselves."""

import os
import unittest

from emulator import provider_block
from harness import Workspace
from test_cluster import ClusterEmulatorTest, IMAGE, cluster_block, pool_block


def supports_identity(ws):
    kind, version = ws.client_version()
    return version >= (1, 12, 0)


def instance(state, type_name):
    [r] = [r for r in state["resources"] if r["type"] == type_name]
    return r["instances"][0]


class ImportByIdentityTest(ClusterEmulatorTest):

    def import_config(self, pool_id, cluster_id):
        return provider_block() + f"""
import {{
  to       = dcs_instance_pool.pool
  identity = {{ instance_pool_id = "{pool_id}" }}
}}
import {{
  to       = dcs_cluster.c
  identity = {{ cluster_id = "{cluster_id}" }}
}}
"""

    def test_import_by_identity(self):
        self.ws.write_config(provider_block() + pool_block() + cluster_block())
        self.ws.init()
        self.ws.apply()
        [pool] = self.emu.pools()
        [cluster] = self.emu.clusters()
        state = self.ws.state_pull()
        other = Workspace(extra_env=self.emu.provider_env())
        self.addCleanup(other.close)
        other.write("main.tf", self.import_config(pool["instance_pool_id"], cluster["cluster_id"]))

        if not supports_identity(self.ws):
            # The provider's identities stay out of older clients' state, and
            # the client itself refuses the argument.
            self.assertNotIn("identity", instance(state, "dcs_cluster"))
            other.init(check=False)
            result = other.plan("-no-color")
            self.assertNotEqual(result.code, 0, result.describe())
            self.assertIn("identity", result.output)
            return

        # A client that knows identities stores one per object after apply.
        self.assertEqual(instance(state, "dcs_cluster").get("identity"), {"cluster_id": cluster["cluster_id"]})
        self.assertEqual(instance(state, "dcs_instance_pool").get("identity"),
                         {"instance_pool_id": pool["instance_pool_id"]})

        other.init()
        generated = other.plan("-generate-config-out=generated.tf", "-no-color")
        self.assertEqual(generated.code, 0, generated.describe())
        with open(other.path("generated.tf")) as f:
            text = f.read()
        self.assertIn(IMAGE, text)
        other.apply()
        imported = other.state_pull()
        self.assertEqual(instance(imported, "dcs_cluster")["attributes"]["cluster_id"], cluster["cluster_id"])
        self.assertEqual(instance(imported, "dcs_cluster").get("identity"), {"cluster_id": cluster["cluster_id"]})
        self.assertPlansClean(other)
        # The hand-written config plans clean against the imported state too.
        other.write("main.tf", provider_block() + pool_block() + cluster_block())
        os.remove(other.path("generated.tf"))
        self.assertPlansClean(other)
        self.assertEqual(len(self.emu.clusters()), 1, "import created nothing")

    def test_identity_of_a_missing_object_is_refused(self):
        other = self.ws
        other.write_config(provider_block() + pool_block() + f"""
import {{
  to       = dcs_cluster.c
  identity = {{ cluster_id = "0000-000000-nosuch00" }}
}}
""" + cluster_block())
        other.init(check=False)
        result = other.plan("-no-color")
        self.assertNotEqual(result.code, 0, result.describe())
        if supports_identity(self.ws):
            self.assertIn("non-existent", result.output)
        else:
            self.assertIn("identity", result.output)
        self.assertEqual(self.emu.clusters(), [])


if __name__ == "__main__":
    unittest.main()
