"""dcs_cluster and dcs_instance_pool with a real client against dcs-emulator:
the lifecycle (create, no-op plan, in-place update, replacement, import with
generated config, drift, destroy), enableDcs off/on, and secrets kept out of
state and logs."""

import json
import os
import unittest

from emulator import Emulator, client_supports_write_only, provider_block
from harness import AcceptanceTest, Workspace

IMAGE = "dcsacr.azurecr.io/nlp/gpu-nlp:1.4.2"


def pool_block(name="nlp-pool", image=IMAGE, idle=0, extra=""):
    return f"""
resource "dcs_instance_pool" "pool" {{
  instance_pool_name = "{name}"
  node_type_id       = "Standard_NC6s_v3"
  min_idle_instances = {idle}
  max_capacity       = 10
  idle_instance_autotermination_minutes = 15
  preloaded_spark_versions = ["14.3.x-scala2.12"]
  preloaded_docker_image {{
    url = "{image}"
  }}
  {extra}
}}
"""


def cluster_block(name="nlp", autoterminate=60, extra="", image=IMAGE, auth=""):
    return f"""
resource "dcs_cluster" "c" {{
  cluster_name            = "{name}"
  spark_version           = "14.3.x-scala2.12"
  instance_pool_id        = dcs_instance_pool.pool.id
  num_workers             = 1
  autotermination_minutes = {autoterminate}
  data_security_mode      = "SINGLE_USER"
  single_user_name        = "emulator-user@example.com"
  spark_conf = {{
    "spark.databricks.delta.preview.enabled" = "true"
  }}
  custom_tags = {{
    team = "nlp"
  }}
  docker_image {{
    url = "{image}"
    {auth}
  }}
  {extra}
}}
"""


def describe_changes(changes):
    """Address, actions and the attributes that differ, one per line."""
    lines = []
    for c in changes:
        before, after = c["change"]["before"] or {}, c["change"]["after"] or {}
        unknown = c["change"].get("after_unknown") or {}
        lines.append(f'{c["address"]}: {c["change"]["actions"]}')
        for k in sorted(set(before) | set(after)):
            if before.get(k) != after.get(k):
                shown = "(known after apply)" if unknown.get(k) is True else json.dumps(after.get(k))
                lines.append(f"  {k}: {json.dumps(before.get(k))} -> {shown}")
    return "\n".join(lines)


class ClusterEmulatorTest(AcceptanceTest):
    enable_dcs = True

    def setUp(self):
        self.emu = Emulator(enable_dcs=self.enable_dcs, start_delay_ms=150)
        self.addCleanup(self.emu.stop)
        self.extra_env = self.emu.provider_env()
        super().setUp()

    def saved_plan(self, ws=None):
        """(exit code, resource_changes that are not no-ops) of a saved plan."""
        ws = ws or self.ws
        plan = ws.plan("-detailed-exitcode", "-out=tfplan")
        self.assertIn(plan.code, (0, 2), plan.describe())
        changes = ws.show_json("tfplan").get("resource_changes", [])
        return plan.code, [c for c in changes if c["change"]["actions"] not in (["no-op"], ["read"])]

    def assertPlansClean(self, ws=None):
        code, changes = self.saved_plan(ws)
        self.assertEqual(code, 0, describe_changes(changes))


class ClusterLifecycleTest(ClusterEmulatorTest):

    def test_cluster_lifecycle(self):
        v1 = 'idempotency_token = "nlp-v1"'
        self.ws.write_config(provider_block() + pool_block() + cluster_block(extra=v1))
        self.ws.init()
        self.ws.apply()
        [cluster] = self.emu.clusters()
        self.assertEqual(cluster["state"], "RUNNING")
        self.assertEqual(cluster["docker_image"]["url"], IMAGE)
        state = self.ws.state_pull()
        attrs = {r["type"]: r["instances"][0]["attributes"] for r in state["resources"]}
        self.assertEqual(attrs["dcs_cluster"]["id"], cluster["cluster_id"])
        self.assertEqual(attrs["dcs_cluster"]["state"], "RUNNING")
        self.assertEqual(attrs["dcs_cluster"]["default_tags"]["ClusterId"], cluster["cluster_id"])
        self.assertPlansClean()

        # In place: edit restarts the running cluster, the id stays.
        self.ws.write_config(provider_block() + pool_block() + cluster_block(autoterminate=90, extra=v1))
        code, changes = self.saved_plan()
        self.assertEqual([(c["type"], c["change"]["actions"]) for c in changes], [("dcs_cluster", ["update"])])
        self.ws.apply()
        [edited] = self.emu.clusters()
        self.assertEqual(edited["cluster_id"], cluster["cluster_id"])
        self.assertEqual(edited["autotermination_minutes"], 90)
        self.assertEqual(edited["state"], "RUNNING")
        self.assertPlansClean()

        # idempotency_token cannot be edited: replacement, the old cluster is gone.
        replaced = cluster_block(autoterminate=90, extra='idempotency_token = "nlp-v2"')
        self.ws.write_config(provider_block() + pool_block() + replaced)
        code, changes = self.saved_plan()
        self.assertEqual([c["change"]["actions"] for c in changes], [["delete", "create"]])
        self.ws.apply()
        [new] = self.emu.clusters()
        self.assertNotEqual(new["cluster_id"], cluster["cluster_id"])
        self.assertPlansClean()

        # Import both into a fresh state, with generated config, then plan clean.
        other = Workspace(extra_env=self.emu.provider_env())
        self.addCleanup(other.close)
        pool_id = self.emu.pools()[0]["instance_pool_id"]
        other.write("main.tf", provider_block() + f"""
import {{
  to = dcs_instance_pool.pool
  id = "{pool_id}"
}}
import {{
  to = dcs_cluster.c
  id = "{new['cluster_id']}"
}}
""")
        other.init()
        generated = other.plan("-generate-config-out=generated.tf", "-no-color")
        self.assertEqual(generated.code, 0, generated.describe())
        with open(other.path("generated.tf")) as f:
            text = f.read()
        self.assertIn('cluster_name', text)
        self.assertIn(IMAGE, text)
        other.apply()
        self.assertPlansClean(other)
        # The hand-written config plans clean against the imported state too
        # (without the create-only idempotency_token, which the API never returns).
        other.write("main.tf", provider_block() + pool_block() + cluster_block(autoterminate=90))
        os.remove(other.path("generated.tf"))
        self.assertPlansClean(other)

        # Out-of-band edit: the plan shows exactly that attribute.
        self.emu.drift("cluster", new["cluster_id"], patch={"autotermination_minutes": 30})
        code, changes = self.saved_plan()
        self.assertEqual(len(changes), 1, changes)
        before, after = changes[0]["change"]["before"], changes[0]["change"]["after"]
        differing = sorted(k for k in after if before.get(k) != after.get(k) and after.get(k) is not None)
        self.assertEqual(differing, ["autotermination_minutes"])
        self.assertEqual((before["autotermination_minutes"], after["autotermination_minutes"]), (30, 90))

        # Deleted out of band: planned for re-creation.
        self.emu.api("POST", "/api/2.1/clusters/permanent-delete", {"cluster_id": new["cluster_id"]})
        code, changes = self.saved_plan()
        self.assertEqual([(c["type"], c["change"]["actions"]) for c in changes], [("dcs_cluster", ["create"])])

        self.ws.destroy()
        self.assertEqual(self.emu.clusters(), [])
        self.assertEqual(self.emu.pools(), [])

    def test_pool_lifecycle(self):
        self.ws.write_config(provider_block() + pool_block())
        self.ws.init()
        self.ws.apply()
        [pool] = self.emu.pools()
        self.assertPlansClean()
        # Editable: in place.
        self.ws.write_config(provider_block() + pool_block(name="nlp-pool-2", idle=1))
        code, changes = self.saved_plan()
        self.assertEqual([c["change"]["actions"] for c in changes], [["update"]])
        self.ws.apply()
        [edited] = self.emu.pools()
        self.assertEqual((edited["instance_pool_id"], edited["instance_pool_name"], edited["min_idle_instances"]),
                         (pool["instance_pool_id"], "nlp-pool-2", 1))
        # Create-only (the preloaded image): replacement.
        self.ws.write_config(provider_block() + pool_block(name="nlp-pool-2", idle=1, image=IMAGE + "-b"))
        code, changes = self.saved_plan()
        self.assertEqual([c["change"]["actions"] for c in changes], [["delete", "create"]])
        self.ws.apply()
        [new] = self.emu.pools()
        self.assertNotEqual(new["instance_pool_id"], pool["instance_pool_id"])
        # Import into a fresh state: clean against the same config.
        other = Workspace(extra_env=self.emu.provider_env())
        self.addCleanup(other.close)
        other.write_config(provider_block() + pool_block(name="nlp-pool-2", idle=1, image=IMAGE + "-b"))
        other.init()
        other.must("import", "-no-color", "dcs_instance_pool.pool", new["instance_pool_id"])
        self.assertPlansClean(other)
        # Drift.
        self.emu.drift("pool", new["instance_pool_id"], patch={"max_capacity": 3})
        code, changes = self.saved_plan()
        self.assertEqual(len(changes), 1)
        change = changes[0]["change"]
        self.assertEqual(change["actions"], ["update"])
        self.assertEqual((change["before"]["max_capacity"], change["after"]["max_capacity"]), (3, 10))
        # Deleted out of band: planned for re-creation.
        self.emu.api("POST", "/api/2.0/instance-pools/delete", {"instance_pool_id": new["instance_pool_id"]})
        code, changes = self.saved_plan()
        self.assertEqual([c["change"]["actions"] for c in changes], [["create"]])
        self.ws.apply()
        self.assertEqual(len(self.emu.pools()), 1)
        self.ws.destroy()
        self.assertEqual(self.emu.pools(), [])


class DcsDisabledTest(ClusterEmulatorTest):
    enable_dcs = False

    def test_cluster_needs_enable_dcs_and_depends_on_fixes_it(self):
        self.ws.write_config(provider_block() + pool_block() + cluster_block())
        self.ws.init()
        failed = self.ws.apply(check=False)
        self.assertFails(failed, "Container Services is off", "dcs_workspace_conf", "enable_dcs")
        conf = """
resource "dcs_workspace_conf" "this" {
  enable_dcs = true
}
"""
        pool = pool_block(extra="depends_on = [dcs_workspace_conf.this]")
        cluster = cluster_block(extra="depends_on = [dcs_workspace_conf.this]")
        self.ws.write_config(provider_block() + conf + pool + cluster)
        self.ws.apply()
        self.assertEqual([c["state"] for c in self.emu.clusters()], ["RUNNING"])


class SecretsTest(ClusterEmulatorTest):
    PASSWORD = "Sup3r-S3cret-Registry-Pa55"

    def test_registry_password_stays_out_of_state_and_logs(self):
        log = self.ws.path("..", "trace.log")
        self.ws.env.update(TF_LOG="TRACE", TF_LOG_PATH=log)
        auth = f"""basic_auth {{
      username = "puller"
      password = var.registry_password
      password_version = 1
    }}"""
        config = provider_block() + """
variable "registry_password" {
  type      = string
  sensitive = true
}
""" + pool_block() + cluster_block(auth=auth)
        self.ws.write_config(config)
        self.ws.write("terraform.tfvars", f'registry_password = "{self.PASSWORD}"\n')
        self.ws.init()
        self.ws.apply()
        # The workspace got it ...
        self.assertEqual(len(self.emu.clusters()), 1)
        # ... but neither the state (on clients with write-only support) nor the log has it.
        with open(self.ws.path("terraform.tfstate")) as f:
            state_text = f.read()
        if client_supports_write_only(self.ws):
            self.assertNotIn(self.PASSWORD, state_text)
        with open(log) as f:
            log_text = f.read()
        self.assertIn("terraform-provider-dcs", log_text)  # the provider's own lines are there
        self.assertNotIn(self.PASSWORD, log_text)
        self.assertPlansClean()

    def test_secret_references_pass_through(self):
        auth = """basic_auth {
      username = "{{secrets/registry/user}}"
      password = "{{secrets/registry/token}}"
    }"""
        self.ws.write_config(provider_block() + pool_block() + cluster_block(auth=auth, extra="no_wait = true"))
        self.ws.init()
        self.ws.apply()
        [cluster] = self.emu.clusters()
        self.assertEqual(cluster["docker_image"]["basic_auth"]["username"], "{{secrets/registry/user}}")


if __name__ == "__main__":
    unittest.main()
