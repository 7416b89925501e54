"""Smoke test: the provider installs from a filesystem mirror, plans clean and
serves its schema, with whichever client TF_ACC_CLIENT names."""

import re
import unittest

from harness import AcceptanceTest, ProviderInstall

CONFIG = """
terraform {
  required_providers {
    dcs = { source = "dcslabs/dcs" }
  }
}

provider "dcs" {}
"""


class SmokeTest(AcceptanceTest):

    def test_init_locks_the_provider_with_an_h1_hash(self):
        self.ws.write_config(CONFIG)
        init = self.ws.init()
        self.assertIn(self.ws.version, init.output, init.describe())
        version, hashes = self.ws.lock_entry()
        self.assertEqual(version, self.ws.version, self.ws.lock_file())
        self.assertTrue(any(re.fullmatch(r"h1:[A-Za-z0-9+/]{43}=", h) for h in hashes), self.ws.lock_file())

    def test_plan_has_no_changes(self):
        self.ws.write_config(CONFIG)
        self.ws.init()
        plan = self.ws.plan("-detailed-exitcode")
        self.assertSucceeds(plan, 0)
        self.assertIn("No changes", plan.stdout, plan.describe())

    def test_providers_schema_lists_the_provider(self):
        self.ws.write_config(CONFIG)
        self.ws.init()
        schemas = self.ws.providers_schema()["provider_schemas"]
        self.assertIn(self.ws.provider_address, schemas, sorted(schemas))
        self.assertIn("provider", schemas[self.ws.provider_address])


class DevOverridesSmokeTest(AcceptanceTest):
    """The same provider used in place through dev_overrides, without init."""

    install = ProviderInstall.DEV_OVERRIDES

    def test_plan_without_init_warns_about_the_override(self):
        self.ws.write_config(CONFIG)
        plan = self.ws.plan("-detailed-exitcode")
        self.assertSucceeds(plan, 0)
        self.assertIn("development overrides", plan.output.lower(), plan.describe())


if __name__ == "__main__":
    unittest.main()
