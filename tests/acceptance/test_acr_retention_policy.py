"""dcs_acr_retention_policy with the real client against the ARM endpoints of
dcs-emulator (Entra ID client credentials, registry GET/PATCH with api-version,
the Premium-only rule)."""

import json
import urllib.parse
import urllib.request

from emulator import Emulator
from harness import AcceptanceTest

TENANT, CLIENT, SECRET = "tenant-acc", "sp-acc", "sp-acc-secret-123"
SUB, RG = "11111111-2222-3333-4444-555555555555", "rg-acc"


def registry_id(name):
    return f"/subscriptions/{SUB}/resourceGroups/{RG}/providers/Microsoft.ContainerRegistry/registries/{name}"


CONFIG = """
terraform {
  required_providers {
    dcs = { source = "dcslabs/dcs" }
  }
}

provider "dcs" {}

resource "dcs_acr_retention_policy" "p" {
  registry_id = "%s"
%s
}

output "sku" { value = dcs_acr_retention_policy.p.sku }
output "days" { value = dcs_acr_retention_policy.p.days }
"""


class AcrRetentionPolicyTest(AcceptanceTest):

    def setUp(self):
        self.emu = Emulator()
        self.addCleanup(self.emu.stop)
        self.emu.admin("POST", "arm/clients", {"tenant": TENANT, "client_id": CLIENT, "client_secret": SECRET})
        for name, sku in (("acrprem", "Premium"), ("acrbasic", "Basic")):
            self.emu.admin("POST", "arm/registries",
                           {"subscription": SUB, "resource_group": RG, "name": name, "sku": sku})
        self.extra_env = self.arm_env(SECRET)
        super().setUp()

    def arm_env(self, secret):
        return {"ARM_CLIENT_ID": CLIENT, "ARM_CLIENT_SECRET": secret, "ARM_TENANT_ID": TENANT,
                "AZURE_AUTHORITY_HOST": self.emu.url + "/entra",
                "ARM_RESOURCE_MANAGER_ENDPOINT": self.emu.url}

    def policy(self, name):
        for r in self.emu.admin("GET", "arm/registries")["value"]:
            if r["name"] == name:
                return r["properties"]["policies"]["retentionPolicy"]
        raise AssertionError(f"no registry {name}")

    def arm_patch(self, name, body):
        form = urllib.parse.urlencode({"grant_type": "client_credentials", "client_id": CLIENT,
                                       "client_secret": SECRET, "scope": self.emu.url + "/.default"}).encode()
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(urllib.request.Request(f"{self.emu.url}/entra/{TENANT}/oauth2/v2.0/token", data=form)) as r:
            token = json.loads(r.read())["access_token"]
        req = urllib.request.Request(f"{self.emu.url}{registry_id(name)}?api-version=2023-07-01",
                                     data=json.dumps(body).encode(), method="PATCH",
                                     headers={"Authorization": f"Bearer {token}",
                                              "Content-Type": "application/json"})
        with opener.open(req) as r:
            return json.loads(r.read())

    def test_crud_drift_import_and_destroy(self):
        self.ws.write_config(CONFIG % (registry_id("acrprem"), "  days = 14"))
        self.ws.init()
        self.ws.apply()
        self.assertEqual(self.policy("acrprem")["status"], "enabled")
        self.assertEqual(self.policy("acrprem")["days"], 14)
        self.assertEqual(self.ws.outputs()["sku"], "Premium")
        self.assertSucceeds(self.ws.plan("-detailed-exitcode"), 0)

        self.ws.write_config(CONFIG % (registry_id("acrprem"), "  days = 30"))
        self.ws.apply()
        self.assertEqual(self.policy("acrprem")["days"], 30)

        # Out-of-band change shows as drift and is corrected.
        self.arm_patch("acrprem", {"properties": {"policies": {"retentionPolicy": {"days": 3}}}})
        plan = self.ws.plan("-detailed-exitcode")
        self.assertSucceeds(plan, 2)
        self.assertIn("3 -> 30", plan.stdout)
        self.ws.apply()
        self.assertEqual(self.policy("acrprem")["days"], 30)

        self.ws.must("state", "rm", "dcs_acr_retention_policy.p")
        self.ws.must("import", "dcs_acr_retention_policy.p", registry_id("acrprem"))
        self.assertSucceeds(self.ws.plan("-detailed-exitcode"), 0)

        self.ws.destroy()
        self.assertEqual(self.policy("acrprem")["status"], "disabled")

    def test_non_premium_registry_is_a_clear_error(self):
        self.ws.write_config(CONFIG % (registry_id("acrbasic"), ""))
        self.ws.init()
        self.assertFails(self.ws.apply(check=False), "Retention policy needs a Premium registry", "Basic SKU",
                         "registry_id")
        self.assertEqual(self.policy("acrbasic")["status"], "disabled")

    def test_wrong_secret_and_unknown_registry(self):
        self.ws.write_config(CONFIG % (registry_id("nosuch"), ""))
        self.ws.init()
        self.assertFails(self.ws.apply(check=False), "Cannot read the registry", "ResourceNotFound")
        self.ws.env.update(self.arm_env("not-the-secret-42"))
        result = self.ws.apply(check=False)
        self.assertFails(result, "invalid_client", "ARM_CLIENT_SECRET")
        self.assertNotIn("not-the-secret-42", result.output)
