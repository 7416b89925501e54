"""Every authentication method of the credential chain with the real client
against dcs-emulator, with nothing else configured: plan/apply of a cluster
succeeds, the workspace sees the expected principal, a wrong audience /
subject / expired or forged token is refused with a diagnostic naming the
method, forcing an unavailable auth_type fails clearly, the "nothing
applies" error lists every method, and no token, assertion or secret
reaches TF_LOG=TRACE output or the state (plain, base64 or base64url).

Federated tokens are RS256 JWTs minted with a key made here and published by
a loopback OIDC issuer (identity.py); the emulator fetches the issuer's JWKS
and verifies them with OpenSSL. `azure-cli` runs the real az in
test_auth_azure_cli.py; `databricks` here is the stand-in in cli_stubs/ (see
its README for why the real Databricks CLI cannot be installed)."""

import json
import os
import unittest

from emulator import Emulator
from harness import AcceptanceTest
from identity import ENTRA_AUDIENCE, Issuer, leak_forms

HERE = os.path.dirname(os.path.abspath(__file__))
STUBS = os.path.join(HERE, "cli_stubs")
TENANT = "tenant-acc"
SP_FEDERATED = "sp-federated-0001"        # Databricks service principal with a federation policy
ENTRA_APP = "11111111-aaaa-bbbb-cccc-000000000001"  # Entra app with a federated credential
USER_ASSIGNED = "33333333-aaaa-bbbb-cccc-000000000003"

CONFIG = """
terraform {
  required_providers {
    dcs = { source = "dcslabs/dcs" }
  }
}

provider "dcs" {}

resource "dcs_cluster" "c" {
  cluster_name            = "auth-check"
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


class AuthMethodsTest(AcceptanceTest):

    def setUp(self):
        self.emu = Emulator()
        self.addCleanup(self.emu.stop)
        self.issuer = Issuer.start()
        self.addCleanup(self.issuer.stop)
        token_endpoint = self.emu.url + "/oidc/v1/token"
        self.emu.admin("POST", "identity/federation-policies",
                       {"client_id": SP_FEDERATED, "issuer": self.issuer.url,
                        "subject": self.issuer.github_subject, "audiences": [token_endpoint]})
        self.emu.admin("POST", "identity/apps",
                       {"tenant": TENANT, "client_id": ENTRA_APP,
                        "federated": [{"issuer": self.issuer.url, "subject": self.issuer.github_subject,
                                       "audiences": [ENTRA_AUDIENCE]}]})
        self.emu.admin("POST", "identity/managed", {"principal": "vm-system-identity"})
        self.emu.admin("POST", "identity/managed", {"client_id": USER_ASSIGNED, "principal": "build-agent-identity"})
        super().setUp()
        # Nothing but what each test sets: no PAT, no CLIs on PATH unless asked.
        for k in list(self.ws.env):
            if k.startswith(("ARM_", "AZURE_", "ACTIONS_", "DATABRICKS_")):
                del self.ws.env[k]
        self.ws.env["PATH"] = "/usr/bin:/bin"
        self.ws.env["DATABRICKS_HOST"] = self.emu.url
        self.ws.env["TF_LOG"] = "TRACE"
        self.ws.env["TF_LOG_PATH"] = os.path.join(self.ws.root, "trace.log")
        self.ws.write_config(CONFIG)
        self.ws.init()

    # --- helpers -----------------------------------------------------------
    def principals(self):
        return {r.get("principal") for r in self.emu.requests()["requests"]
                if r.get("path", "").startswith("/api/") and r.get("status", 0) < 300}

    def assert_no_leak(self, *secrets):
        with open(self.ws.env["TF_LOG_PATH"], errors="replace") as f:
            trace = f.read()
        self.assertIn("Databricks authentication", trace)  # the log did capture the provider
        state = ""
        if os.path.exists(self.ws.path("terraform.tfstate")):
            with open(self.ws.path("terraform.tfstate")) as f:
                state = f.read()
        for secret in secrets:
            for form in leak_forms(secret):
                self.assertNotIn(form, trace, "secret in TF_LOG=TRACE output")
                self.assertNotIn(form, state, "secret in terraform.tfstate")

    def apply_works(self, principal, *secrets):
        self.assertSucceeds(self.ws.plan())
        self.ws.apply()
        self.assertIn(principal, self.principals())
        self.assertSucceeds(self.ws.plan("-detailed-exitcode"), 0)
        self.assert_no_leak(*secrets)
        self.ws.destroy()

    def refused(self, *needles):
        result = self.ws.apply(check=False)  # a plan of a new resource makes no API call
        self.assertFails(result, *needles)
        self.assertNotIn("panic", result.output.lower(), result.describe())
        return result

    def tokens_issued(self):
        return [t for t in self.issuer.minted]

    # --- Databricks workload identity federation -----------------------------
    def test_env_oidc_exchanges_with_the_workspace_federation_policy(self):
        jwt = self.issuer.mint(aud=self.emu.url + "/oidc/v1/token")
        self.ws.env.update(DATABRICKS_CLIENT_ID=SP_FEDERATED, DATABRICKS_OIDC_TOKEN=jwt)
        self.apply_works(SP_FEDERATED, jwt)
        self.ws.env["DATABRICKS_OIDC_TOKEN"] = self.issuer.mint(aud="https://someone-else.example.com")
        self.refused("env-oidc", "audience", "federation policy")
        self.ws.env["DATABRICKS_OIDC_TOKEN"] = "not-a-jwt"
        self.refused("env-oidc", "DATABRICKS_OIDC_TOKEN does not hold a JWT")

    def test_file_oidc_refuses_expired_and_forged_tokens(self):
        path = os.path.join(self.ws.root, "federated-token")
        self.ws.env.update(DATABRICKS_CLIENT_ID=SP_FEDERATED, DATABRICKS_OIDC_TOKEN_FILEPATH=path)
        with open(path, "w") as f:
            f.write(self.issuer.mint(aud=self.emu.url + "/oidc/v1/token"))
        self.apply_works(SP_FEDERATED, *self.tokens_issued())
        with open(path, "w") as f:
            f.write(self.issuer.mint(aud=self.emu.url + "/oidc/v1/token", lifetime=-3600))
        self.refused("file-oidc", "expired")
        with open(path, "w") as f:
            f.write(self.issuer.mint(aud=self.emu.url + "/oidc/v1/token", key=self.issuer.other_key()))
        self.refused("file-oidc", "signature")

    def test_github_oidc_requests_the_token_and_checks_the_subject(self):
        self.ws.env.update(DATABRICKS_CLIENT_ID=SP_FEDERATED,
                           ACTIONS_ID_TOKEN_REQUEST_URL=self.issuer.github_request_url,
                           ACTIONS_ID_TOKEN_REQUEST_TOKEN=self.issuer.request_bearer)
        self.apply_works(SP_FEDERATED, self.issuer.request_bearer, *self.tokens_issued())
        self.issuer.github_subject = "repo:someone/else:ref:refs/heads/main"
        self.refused("github-oidc", "subject")

    # --- Entra ID: federated credential, managed identity ----------------------
    def test_azure_oidc_client_assertion_with_entra(self):
        jwt = self.issuer.mint(aud=ENTRA_AUDIENCE)
        self.ws.env.update(ARM_CLIENT_ID=ENTRA_APP, ARM_TENANT_ID=TENANT, ARM_USE_OIDC="true", ARM_OIDC_TOKEN=jwt,
                           ARM_ENVIRONMENT_AUTHORITY_URL=self.emu.url + "/entra")
        self.apply_works(ENTRA_APP, jwt)
        self.ws.env["ARM_OIDC_TOKEN"] = self.issuer.mint(aud=ENTRA_AUDIENCE, sub="repo:evil/fork:pull_request")
        self.refused("azure-oidc", "AADSTS70021")

    def test_github_oidc_azure_client_assertion(self):
        self.ws.env.update(ARM_CLIENT_ID=ENTRA_APP, ARM_TENANT_ID=TENANT,
                           ACTIONS_ID_TOKEN_REQUEST_URL=self.issuer.github_request_url,
                           ACTIONS_ID_TOKEN_REQUEST_TOKEN=self.issuer.request_bearer,
                           AZURE_AUTHORITY_HOST=self.emu.url + "/entra")
        self.apply_works(ENTRA_APP, self.issuer.request_bearer, *self.tokens_issued())

    def test_azure_client_secret_for_the_workspace(self):
        secret = "entra-App~secret/with+reserved=chars"
        self.emu.admin("POST", "identity/apps", {"tenant": TENANT, "client_id": "app-secret", "client_secret": secret})
        self.ws.env.update(ARM_CLIENT_ID="app-secret", ARM_CLIENT_SECRET=secret, ARM_TENANT_ID=TENANT,
                           ARM_ENVIRONMENT_AUTHORITY_URL=self.emu.url + "/entra")
        self.apply_works("app-secret", secret)
        self.ws.env["ARM_CLIENT_SECRET"] = "not-the-secret"
        self.refused("azure-client-secret", "AADSTS7000215", "ARM_CLIENT_SECRET")

    def test_azure_msi_system_and_user_assigned(self):
        self.ws.env.update(ARM_USE_MSI="true", ARM_MSI_ENDPOINT=self.emu.url + "/metadata/identity/oauth2/token")
        self.apply_works("vm-system-identity")
        self.ws.env["ARM_CLIENT_ID"] = USER_ASSIGNED
        self.ws.apply()
        self.assertIn("build-agent-identity", self.principals())
        self.ws.destroy()
        self.ws.env["ARM_CLIENT_ID"] = "44444444-not-attached"
        self.refused("azure-msi", "Identity not found", "ARM_CLIENT_ID")

    # --- the Databricks CLI's U2M login ---------------------------------------
    def test_databricks_cli_uses_the_login_cache(self):
        self.ws.env.update(PATH=STUBS + ":/usr/bin:/bin")
        self.refused("databricks-cli", "databricks auth login --host " + self.emu.url)
        # What `databricks auth login` leaves behind: a token for this host.
        status, answer = self.emu.request("GET", "/_emulator/health")
        self.assertEqual(status, 200)
        os.makedirs(os.path.join(self.ws.home, ".databricks"))
        with open(os.path.join(self.ws.home, ".databricks", "token-cache.json"), "w") as f:
            json.dump({"version": 1, "tokens": {self.emu.url: {
                "access_token": self.emu.token, "token_type": "Bearer",
                "expiry": "2099-01-01T00:00:00Z"}}}, f)
        self.apply_works("emulator-user@example.com", self.emu.token)

    # --- choosing ---------------------------------------------------------------
    def test_forcing_an_unavailable_method_fails_clearly(self):
        self.ws.env.update(DATABRICKS_AUTH_TYPE="azure-msi", DATABRICKS_TOKEN=self.emu.token)
        result = self.refused("Databricks workspace not configured",
                              'auth_type "azure-msi" was requested', "ARM_USE_MSI")
        self.assertNotIn(self.emu.token, result.output)
        self.ws.env["DATABRICKS_AUTH_TYPE"] = "pat"
        self.ws.apply()
        self.ws.destroy()

    def test_nothing_applies_lists_every_method(self):
        result = self.refused("no authentication method applies")
        for method in ("pat", "oauth-m2m", "databricks-cli", "github-oidc", "env-oidc", "file-oidc",
                       "github-oidc-azure", "azure-oidc", "azure-msi", "azure-client-secret", "azure-cli"):
            self.assertIn(f"- {method}:", result.output, result.describe())

    def test_oauth_m2m_secret_with_reserved_characters(self):
        secret = "M2M-s3cr+et/val=5e8c2"
        emu = Emulator(extra_args=("--oauth-client", f"sp-m2m:{secret}"))
        self.addCleanup(emu.stop)
        self.ws.env.update(DATABRICKS_HOST=emu.url, DATABRICKS_CLIENT_ID="sp-m2m", DATABRICKS_CLIENT_SECRET=secret)
        self.assertSucceeds(self.ws.plan())
        self.ws.apply()
        self.assert_no_leak(secret)
        self.ws.destroy()


if __name__ == "__main__":
    unittest.main()
