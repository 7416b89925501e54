"""`azure-cli` with the real Azure CLI (azure-cli from PyPI, installed by
scripts/build-clients.sh into the client cache) signed in to dcs-emulator's
Entra ID: `az cloud register` points a custom cloud at the emulator (served
over TLS — MSAL only accepts https authorities — with Entra at the root,
/{tenant}/…, as MSAL expects), `az login --service-principal` runs the real
MSAL flow (OIDC discovery, client credentials, subscription list), and the
provider then plans/applies a cluster with nothing but `az` signed in.
Signed out, or asked for a tenant the login does not cover, the diagnostic
names azure-cli and quotes az's own error. A proxy on a closed loopback port
(with NO_PROXY for loopback) makes sure neither az nor the provider reaches
any other host."""

import json
import os
import re
import subprocess
import unittest

from emulator import Emulator
from harness import AcceptanceTest, client_cache

TENANT, SUBSCRIPTION = "tenant-acc", "sub-acc"
SP, SECRET = "44444444-aaaa-bbbb-cccc-000000000004", "az-Sp~secret.value/5"


def az_binary():
    if os.environ.get("DCS_AZURE_CLI"):
        return os.environ["DCS_AZURE_CLI"]
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "..", "tools", "azure-cli", "requirements.txt")) as f:
        version = re.search(r"^azure-cli==(\S+)", f.read(), re.M).group(1)
    return os.path.join(client_cache(), f"azure-cli-{version}", "bin", "az")


CONFIG = """
terraform {
  required_providers {
    dcs = { source = "dcslabs/dcs" }
  }
}

provider "dcs" {
  skip_verify = true  # the emulator's self-signed certificate
}

resource "dcs_cluster" "c" {
  cluster_name            = "az-check"
  spark_version           = "14.3.x-scala2.12"
  node_type_id            = "Standard_DS3_v2"
  num_workers             = 1
  autotermination_minutes = 30
  data_security_mode      = "SINGLE_USER"
  single_user_name        = "emulator-user@example.com"
  docker_image {
    url = "dcsacr.azurecr.io/base/runtime:1.0"
  }
}
"""


class AzureCliTest(AcceptanceTest):

    def setUp(self):
        self.az = az_binary()
        self.assertTrue(os.access(self.az, os.X_OK),
                        f"the Azure CLI is not installed at {self.az}: run scripts/build-clients.sh")
        self.emu = Emulator(tls=True)
        self.addCleanup(self.emu.stop)
        self.emu.admin("POST", "identity/apps", {"tenant": TENANT, "client_id": SP, "client_secret": SECRET})
        self.emu.admin("POST", "arm/subscriptions",
                       {"subscription_id": SUBSCRIPTION, "tenant": TENANT, "display_name": "Acceptance"})
        super().setUp()
        for k in list(self.ws.env):
            if k.startswith(("ARM_", "AZURE_", "ACTIONS_", "DATABRICKS_")) or k.lower().endswith("_proxy"):
                del self.ws.env[k]
        self.ws.env.update({
            "PATH": os.path.dirname(self.az) + ":/usr/bin:/bin",
            "AZURE_CONFIG_DIR": os.path.join(self.ws.home, ".azure"),
            "AZURE_CORE_COLLECT_TELEMETRY": "false",
            "AZURE_CORE_INSTANCE_DISCOVERY": "false",  # a custom cloud: no login.microsoftonline.com lookup
            "AZURE_CORE_NO_COLOR": "true",
            "REQUESTS_CA_BUNDLE": self.emu.cert,
            "HTTPS_PROXY": "http://127.0.0.1:9", "HTTP_PROXY": "http://127.0.0.1:9",
            "NO_PROXY": "127.0.0.1,localhost",
            "DATABRICKS_HOST": self.emu.url,
            "TF_LOG": "TRACE",
            "TF_LOG_PATH": os.path.join(self.ws.root, "trace.log"),
        })
        self.ws.write_config(CONFIG)
        self.ws.init()

    def run_az(self, *args):
        proc = subprocess.run([self.az, *args], env=self.ws.env, capture_output=True, text=True,
                              stdin=subprocess.DEVNULL, timeout=180)
        self.assertEqual(proc.returncode, 0, f"az {' '.join(args)}:\n{proc.stdout}{proc.stderr}")
        return proc.stdout

    def sign_in(self):
        url = self.emu.url
        self.run_az("cloud", "register", "-n", "DcsEmulator", "--skip-endpoint-discovery",
                    "--endpoint-active-directory", url, "--endpoint-resource-manager", url + "/",
                    "--endpoint-active-directory-resource-id", url + "/",
                    "--endpoint-active-directory-graph-resource-id", url + "/graph/",
                    "--endpoint-management", url + "/")
        self.run_az("cloud", "set", "-n", "DcsEmulator")
        accounts = json.loads(self.run_az("login", "--service-principal", "-u", SP, "-p", SECRET,
                                          "--tenant", TENANT, "--output", "json"))
        self.assertEqual(accounts[0]["id"], SUBSCRIPTION)

    def principals(self):
        return {r.get("principal") for r in self.emu.requests()["requests"]
                if r.get("path", "").startswith("/api/") and r.get("status", 0) < 300}

    def test_signed_out_then_signed_in_with_tenant_and_subscription(self):
        result = self.ws.apply(check=False)
        self.assertFails(result, "azure-cli", "az login")
        self.assertIn("Please run 'az login'", result.output)  # az's own stderr, quoted

        self.sign_in()
        self.ws.env["ARM_TENANT_ID"] = TENANT  # az account get-access-token --tenant
        self.ws.apply()
        self.assertIn(SP, self.principals())
        self.assertSucceeds(self.ws.plan("-detailed-exitcode"), 0)
        self.ws.destroy()

        del self.ws.env["ARM_TENANT_ID"]  # the workspace's subscription instead: --subscription
        self.ws.env["DATABRICKS_AZURE_RESOURCE_ID"] = (
            f"/subscriptions/{SUBSCRIPTION}/resourceGroups/rg/providers/Microsoft.Databricks/workspaces/ws")
        self.ws.env["DATABRICKS_AUTH_TYPE"] = "azure-cli"
        self.ws.apply()
        self.ws.destroy()

        with open(self.ws.env["TF_LOG_PATH"], errors="replace") as f:
            trace = f.read()
        with open(self.ws.path("terraform.tfstate")) as f:
            state = f.read()
        self.assertIn("Databricks authentication", trace)
        for text in (trace, state):
            self.assertNotIn("entra-", text)  # every Entra token the emulator issues starts so
            self.assertNotIn(SECRET, text)

        del self.ws.env["DATABRICKS_AZURE_RESOURCE_ID"]
        self.ws.env["ARM_TENANT_ID"] = "tenant-not-signed-in"
        result = self.ws.apply(check=False)
        self.assertFails(result, 'auth_type "azure-cli"', "tenant-not-signed-in")


if __name__ == "__main__":
    unittest.main()
