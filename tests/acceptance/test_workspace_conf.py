"""dcs_workspace_conf with a real client against dcs-emulator: create, no-op
plan, in-place update, import, drift, key errors at plan, restore on destroy."""

import json
import unittest

from emulator import Emulator, provider_block
from harness import AcceptanceTest, Workspace


def conf_config(enable_dcs="true", custom=None):
    custom = custom if custom is not None else {"enableIpAccessLists": "true"}
    body = "\n".join(f'    {k} = "{v}"' for k, v in custom.items())
    return provider_block() + f"""
resource "dcs_workspace_conf" "this" {{
  enable_dcs = {enable_dcs}
  custom_config = {{
{body}
  }}
}}
"""


class WorkspaceConfTest(AcceptanceTest):

    def setUp(self):
        self.emu = Emulator(enable_dcs=False)
        self.addCleanup(self.emu.stop)
        self.extra_env = self.emu.provider_env()
        super().setUp()

    def conf(self, *keys):
        return self.emu.api("GET", "/api/2.0/workspace-conf?keys=" + ",".join(keys))

    def plan_changes(self):
        """(exit code, resource_changes) of a saved plan."""
        plan = self.ws.plan("-detailed-exitcode", "-out=tfplan")
        self.assertIn(plan.code, (0, 2), plan.describe())
        return plan.code, self.ws.show_json("tfplan").get("resource_changes", [])

    def test_lifecycle_import_drift_and_restore(self):
        self.ws.write_config(conf_config())
        self.ws.init()
        self.ws.apply()
        self.assertEqual(self.conf("enableDcs", "enableIpAccessLists"),
                         {"enableDcs": "true", "enableIpAccessLists": "true"})
        self.assertEqual(self.ws.plan("-detailed-exitcode").code, 0)

        # In place: a value changes, nothing is replaced.
        self.ws.write_config(conf_config(custom={"enableIpAccessLists": "false"}))
        code, changes = self.plan_changes()
        self.assertEqual(code, 2)
        self.assertEqual([c["change"]["actions"] for c in changes], [["update"]])
        self.ws.apply()
        self.assertEqual(self.conf("enableIpAccessLists"), {"enableIpAccessLists": "false"})

        # Import into a fresh state: plans clean against the same config.
        other = Workspace(extra_env=self.emu.provider_env())
        self.addCleanup(other.close)
        other.write_config(conf_config(custom={"enableIpAccessLists": "false"}))
        other.init()
        other.must("import", "-no-color", "dcs_workspace_conf.this", "enableDcs,enableIpAccessLists")
        self.assertEqual(other.plan("-detailed-exitcode").code, 0, other.plan().describe())

        # Out-of-band change: the plan shows exactly that key.
        self.emu.drift("workspace_conf", patch={"enableDcs": "false"})
        code, changes = self.plan_changes()
        self.assertEqual(code, 2)
        change = changes[0]["change"]
        self.assertEqual(change["actions"], ["update"])
        self.assertEqual(change["before"]["enable_dcs"], False)
        self.assertEqual(change["after"]["enable_dcs"], True)
        self.assertEqual(change["before"]["custom_config"], change["after"]["custom_config"])
        self.ws.apply()

        # The destroy plan says up front which key keeps its value, and why.
        destroy_plan = self.ws.plan("-destroy")
        self.assertIn("Workspace settings left as they are", destroy_plan.output, destroy_plan.describe())
        self.assertIn("enableIpAccessLists", " ".join(destroy_plan.output.split()))

        # Destroy puts back what was there before the first apply (never set),
        # without ever sending a value the workspace refuses: 0 answers of 400.
        since = max([r["seq"] for r in self.emu.requests()["requests"]] or [0])
        destroyed = self.ws.destroy()
        self.assertIn("Workspace settings left as they are", destroyed.output, destroyed.describe())
        log = self.emu.requests(since)["requests"]
        patches = [r for r in log if r["method"] == "PATCH"]
        self.assertEqual(len(patches), 1, patches)
        self.assertEqual([r for r in log if r["status"] == 400], [], log)
        self.assertNotIn("enableIpAccessLists", patches[0].get("body", {}), patches)
        after = self.conf("enableDcs", "enableIpAccessLists")
        self.assertIn(after["enableDcs"], ("", None))
        self.assertEqual(after["enableIpAccessLists"], "false",
                         "enableIpAccessLists refuses an empty value, so it keeps its last value (with a warning)")

    def test_unknown_key_fails_at_plan_on_that_key(self):
        self.ws.write_config(conf_config(custom={"enableIpAccessLists": "true", "enableTeleporter": "true"}))
        self.ws.init()
        plan = self.ws.plan()
        self.assertFails(plan, 'Workspace setting "enableTeleporter" rejected', "Invalid keys")
        self.assertRegex(plan.output, r'\d+:\s+enableTeleporter = "true"')  # points at the key
        # Refused at plan: nothing was written.
        self.assertEqual(self.conf("enableIpAccessLists"), {"enableIpAccessLists": None})

    def test_refused_value_fails_at_apply_on_that_key(self):
        self.ws.write_config(conf_config(custom={"maxTokenLifetimeDays": "9999"}))
        self.ws.init()
        apply = self.ws.apply(check=False)
        self.assertFails(apply, 'Workspace setting "maxTokenLifetimeDays" rejected', "not allowed")

    def test_enable_dcs_in_custom_config_is_refused(self):
        self.ws.write_config(conf_config(custom={"enableDcs": "true"}))
        self.ws.init()
        self.assertFails(self.ws.validate(), "enableDcs belongs in enable_dcs")


if __name__ == "__main__":
    unittest.main()
