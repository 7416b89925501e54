"""dcs_air_image_registration with the real client against dcs-emulator:
create with and without a secret scope, clean plans, replace on url change,
re-registration on credential_version / trigger_on_digest, a vanished
registration re-created, destroy, import, a timed-out create resumed, and each
failure mode (missing image, bad credentials, missing scope, bad input) giving
a diagnostic that says what to fix."""

import base64
import re
import unittest

from emulator import Emulator
from harness import AcceptanceTest

STEP_MS = 150
ADDR = "dcs_air_image_registration.img"


def config(image_url, extra=""):
    return f"""
terraform {{
  required_providers {{
    dcs = {{ source = "dcslabs/dcs" }}
  }}
}}
provider "dcs" {{}}

resource "dcs_air_image_registration" "img" {{
  image_url = "{image_url}"
{extra}
}}

output "id"       {{ value = dcs_air_image_registration.img.id }}
output "state"    {{ value = dcs_air_image_registration.img.state }}
output "manifest" {{ value = dcs_air_image_registration.img.manifest_sha256 }}
output "at"       {{ value = dcs_air_image_registration.img.registered_at }}
"""


def b64(text):
    return base64.b64encode(text.encode()).decode()


def flat(text):
    """Output with the diagnostic box drawing and line wrapping removed."""
    return re.sub(r"[│╷╵\s]+", " ", text)


class AirImageRegistrationTest(AcceptanceTest):
    def setUp(self):
        self.emu = Emulator(extra_args=["--air-step-delay-ms", str(STEP_MS)])
        self.addCleanup(self.emu.stop)
        self.extra_env = self.emu.provider_env()
        super().setUp()

    # --- helpers -----------------------------------------------------------
    def registrations(self, url):
        status, body = self.emu.request(
            "GET", "/api/2.0/ai-compute-manager/images:get?docker_image_url=" + url, token=self.emu.token)
        return body if status == 200 else None

    def posts(self):
        return [r for r in self.emu.requests()["requests"]
                if r["method"] == "POST" and r["path"] == "/api/2.0/ai-compute-manager/images"]

    def put_secret(self, scope, key, value):
        status, _ = self.emu.request("POST", "/api/2.0/secrets/scopes/create", {"scope": scope},
                                     token=self.emu.token)
        self.assertIn(status, (200, 400))  # 400: it exists already
        self.emu.api("POST", "/api/2.0/secrets/put", {"scope": scope, "key": key, "string_value": value})

    def assertMentions(self, result, *needles):
        self.assertNotIn("Provider bug", result.output, result.describe())
        text = flat(result.output)
        for needle in needles:
            self.assertIn(flat(needle), text, result.describe())

    def plan_code(self):
        return self.ws.plan("-detailed-exitcode").code

    # --- tests -------------------------------------------------------------
    def test_public_image_lifecycle(self):
        url = "docker.io/acme/trainer:1.0"
        self.ws.write_config(config("acme/trainer:1.0", "  credential_version = 1"))
        self.ws.init()
        self.ws.apply()
        out = self.ws.outputs()
        self.assertEqual(out["id"], url)
        self.assertEqual(out["state"], "AVAILABLE")
        self.assertEqual(out["manifest"], self.registrations(url)["manifest_sha256"])
        self.assertRegex(out["at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        self.assertEqual([p["body"] for p in self.posts()], [{"docker_image_url": url}])
        self.assertSucceeds(self.ws.plan("-detailed-exitcode"), 0)

        # The same url written in full is not a change of registration.
        self.ws.write_config(config(url, "  credential_version = 1"))
        plan = self.ws.plan("-detailed-exitcode")
        self.assertNotIn("replaced", plan.output, plan.describe())
        self.ws.apply()
        self.assertEqual(len(self.posts()), 1)

        # credential_version bump: registered again, in place.
        self.ws.write_config(config(url, "  credential_version = 2"))
        plan = self.ws.plan("-detailed-exitcode")
        self.assertEqual(plan.code, 2, plan.describe())
        self.assertMentions(plan, "updated in-place")
        self.ws.apply()
        self.assertEqual(len(self.posts()), 2)
        self.assertSucceeds(self.ws.plan("-detailed-exitcode"), 0)

        # A new push behind the tag, announced through trigger_on_digest.
        pushed = "ab" * 32
        self.emu.settings(air_image_digests={url: pushed})
        self.ws.write_config(config(url, f'  credential_version = 2\n  trigger_on_digest = "sha256:{pushed}"'))
        self.ws.apply()
        self.assertEqual(self.ws.outputs()["manifest"], pushed)

        # Another tag replaces the registration.
        self.ws.write_config(config("acme/trainer:1.1", "  credential_version = 2"))
        plan = self.ws.plan("-detailed-exitcode")
        self.assertEqual(plan.code, 2)
        self.assertMentions(plan, "must be replaced")
        applied = self.ws.apply()
        self.assertMentions(applied, "Image registration kept on the platform")
        self.assertEqual(self.ws.outputs()["id"], "docker.io/acme/trainer:1.1")
        self.assertEqual(self.registrations("docker.io/acme/trainer:1.1")["state"], "AVAILABLE")

        # Vanished on the platform: the next plan registers it again.
        self.emu.drift("air_image", "docker.io/acme/trainer:1.1", delete=True)
        plan = self.ws.plan("-detailed-exitcode")
        self.assertEqual(plan.code, 2, plan.describe())
        self.assertMentions(plan, "will be created")
        self.ws.apply()
        self.assertEqual(self.registrations("docker.io/acme/trainer:1.1")["state"], "AVAILABLE")
        self.assertSucceeds(self.ws.plan("-detailed-exitcode"), 0)

        # Evicted (FAILED) on the platform: the next plan finishes it in place.
        self.emu.drift("air_image", "docker.io/acme/trainer:1.1", state="FAILED")
        plan = self.ws.plan("-detailed-exitcode")
        self.assertEqual(plan.code, 2, plan.describe())
        self.assertMentions(plan, "updated in-place")
        self.ws.apply()
        self.assertEqual(self.ws.outputs()["state"], "AVAILABLE")

        destroyed = self.ws.destroy()
        self.assertMentions(destroyed, "removed from the Terraform state only")
        self.assertEqual(self.ws.state_list(), [])
        self.assertIsNotNone(self.registrations("docker.io/acme/trainer:1.1"))

    def test_private_image_with_secret_scope(self):
        url = "docker.io/acme/private:2.0"
        self.emu.settings(air_private_images={"docker.io/acme/private": "bob:token-1"})
        self.put_secret("registry", "dockerhub", b64("bob:token-1"))
        extra = '  secret_scope = "registry"\n  secret_key = "dockerhub"\n  credential_version = 1\n' \
                '  unregister_on_destroy = true'
        self.ws.write_config(config(url, extra))
        self.ws.init()
        self.ws.apply()
        self.assertEqual(self.ws.outputs()["state"], "AVAILABLE")
        self.assertEqual(self.posts()[-1]["body"], {"docker_image_url": url, "credentials_scope": "registry",
                                                    "credentials_key": "dockerhub"})
        self.assertNotIn("token-1", self.ws.must("state", "pull").stdout)
        self.assertSucceeds(self.ws.plan("-detailed-exitcode"), 0)

        # Rotated at the registry, secret not updated yet: bumping fails and says what to fix.
        self.emu.settings(air_private_images={"docker.io/acme/private": "bob:token-2"})
        self.ws.write_config(config(url, extra.replace("credential_version = 1", "credential_version = 2")))
        failed = self.ws.apply(check=False)
        self.assertFails(failed, "Image registration FAILED")
        self.assertMentions(failed, "incorrect username or password",
                            "update the secret named by `secret_scope`/`secret_key`")
        # Secret updated: the next apply converges (the plan sees the FAILED registration).
        self.put_secret("registry", "dockerhub", b64("bob:token-2"))
        plan = self.ws.plan("-detailed-exitcode")
        self.assertEqual(plan.code, 2, plan.describe())
        self.ws.apply()
        self.assertEqual(self.ws.outputs()["state"], "AVAILABLE")
        self.assertSucceeds(self.ws.plan("-detailed-exitcode"), 0)

        self.ws.destroy()
        self.assertIsNone(self.registrations(url))  # unregister_on_destroy used images:delete

    def test_failure_modes_say_what_to_fix(self):
        self.emu.settings(failing_images=["docker.io/acme/missing"],
                          air_private_images={"docker.io/acme/private": "bob:pw"})
        self.ws.write_config(config("acme/missing:1"))
        self.ws.init()
        missing = self.ws.apply(check=False)
        self.assertFails(missing, "Image registration FAILED")
        self.assertMentions(missing, "manifest unknown", "Check that the image was pushed")

        self.ws.write_config(config("acme/private:1"))
        no_creds = self.ws.apply(check=False)
        self.assertFails(no_creds, "Image registration FAILED")
        self.assertMentions(no_creds, "authentication required", "set `secret_scope` and `secret_key`")

        self.ws.write_config(config("acme/private:1", '  secret_scope = "nope"\n  secret_key = "k"'))
        no_scope = self.ws.apply(check=False)
        self.assertFails(no_scope, "Registry credentials secret not found")
        self.assertMentions(no_scope, "Secret scope nope does not exist", 'Create the secret scope "nope"')

        self.put_secret("registry", "raw", "bob:pw")
        self.ws.write_config(config("acme/private:1", '  secret_scope = "registry"\n  secret_key = "raw"'))
        not_b64 = self.ws.apply(check=False)
        self.assertFails(not_b64, "Image registration FAILED")
        self.assertMentions(not_b64, 'Store the credentials as base64("username:password")')

        self.ws.write_config(config("acme/private:1", '  secret_scope = "registry"'))
        half = self.ws.plan()
        self.assertFails(half, "secret_key missing")
        self.assertMentions(half, "set both")

        self.ws.write_config(config("Acme/Private:1"))
        bad = self.ws.plan()
        self.assertFails(bad, "Invalid image reference")
        self.assertMentions(bad, "lower-case")

        self.ws.write_config(config("ubuntu"))
        latest = self.ws.plan()
        self.assertSucceeds(latest)
        self.assertMentions(latest, 'Image tag "latest"', "docker.io/library/ubuntu:latest")

        self.ws.write_config(config("acme/ok:1", '  timeouts {\n    create = "soon"\n  }'))
        bad_timeout = self.ws.plan()
        self.assertFails(bad_timeout, "Invalid duration")

    def test_throttling_and_server_errors_are_transient(self):
        images = "/api/2.0/ai-compute-manager/images"
        self.emu.settings(air_step_delay_ms=1200)
        # Error diffusion makes the rates deterministic: of the status polls
        # the 2nd, 4th, … answer 500 and the 3rd 429 (Retry-After: 1); of the
        # registrations the 2nd answers 503 (the test's own below is the 1st).
        self.emu.set_faults([
            {"path": images + ":get", "kind": "500", "rate": 0.5},
            {"path": images + ":get", "kind": "429", "rate": 0.34, "retry_after_seconds": 1},
            {"path": images, "method": "POST", "kind": "503", "rate": 0.5},
        ])
        self.emu.api("POST", images, {"docker_image_url": "docker.io/acme/other:1"})
        self.ws.write_config(config("acme/flaky:1"))
        self.ws.init()
        self.ws.apply()
        self.assertEqual(self.ws.outputs()["state"], "AVAILABLE")
        fired = {r["kind"]: r["fired"] for r in self.emu.admin("GET", "faults")["rules"]}
        self.assertGreaterEqual(fired["500"], 1, fired)
        self.assertGreaterEqual(fired["429"], 1, fired)
        self.assertEqual(fired["503"], 1, fired)
        self.emu.clear_faults()
        self.assertSucceeds(self.ws.plan("-detailed-exitcode"), 0)

    def test_import(self):
        url = "docker.io/acme/imported:3"
        self.emu.api("POST", "/api/2.0/ai-compute-manager/images", {"docker_image_url": url})
        self.ws.write_config(config("acme/imported:3"))
        self.ws.init()
        self.emu.wait_for(lambda: (self.registrations(url) or {}).get("state") == "AVAILABLE", 10,
                          "the registration to finish")
        self.ws.must("import", "-no-color", ADDR, "acme/imported:3")
        shown = self.ws.state_show(ADDR)
        self.assertIn(url, shown)
        self.assertIn("AVAILABLE", shown)
        self.assertSucceeds(self.ws.plan("-detailed-exitcode"), 0)
        missing = self.ws.run("import", "-no-color", "dcs_air_image_registration.other", "acme/never:1")
        self.assertNotEqual(missing.code, 0)

    def test_timed_out_create_resumes_without_registering_again(self):
        self.emu.settings(air_step_delay_ms=4000)
        url = "docker.io/acme/slow:1"
        self.ws.write_config(config(url, '  timeouts {\n    create = "2s"\n  }'))
        self.ws.init()
        timed_out = self.ws.apply(check=False)
        self.assertFails(timed_out, "Timed out waiting for the image registration")
        self.assertMentions(timed_out, "still PENDING", "next apply waits for this registration")
        self.assertIn(self.registrations(url)["state"], ("PENDING", "IMPORTING"))
        self.assertEqual(len(self.posts()), 1)

        self.ws.write_config(config(url, '  timeouts {\n    create = "1m"\n  }'))
        self.ws.apply()
        self.assertEqual(self.ws.outputs()["state"], "AVAILABLE")
        self.assertEqual(len(self.posts()), 1, "the resumed create must not register again")
        self.assertSucceeds(self.ws.plan("-detailed-exitcode"), 0)


if __name__ == "__main__":
    unittest.main()
