"""docs/ passes HashiCorp's registry-docs validator (`tfplugindocs validate`),
fed the provider schema that the real client exports (`providers schema -json`).

tfplugindocs is pinned in tests/tools/tfplugindocs and built by
scripts/build-clients.sh into the client cache; a missing binary fails the test.
"""
import json
import os
import shutil
import subprocess
import unittest

from harness import REPO, AcceptanceTest, _pinned_version, client_cache

CONFIG = """
terraform {
  required_providers {
    dcs = { source = "dcslabs/dcs" }
  }
}
"""


def tfplugindocs_binary():
    version = _pinned_version("tfplugindocs", "github.com/hashicorp/terraform-plugin-docs")
    path = os.path.join(client_cache(), f"tfplugindocs-{version}", "tfplugindocs")
    if not os.access(path, os.X_OK):
        raise AssertionError(f"tfplugindocs {version} not found at {path}: run scripts/build-clients.sh")
    return path


class RegistryDocsTest(AcceptanceTest):
    def setUp(self):
        super().setUp()
        self.tool = tfplugindocs_binary()
        self.ws.write_config(CONFIG)
        self.ws.init()
        exported = self.ws.providers_schema()
        schemas = exported["provider_schemas"]
        self.assertEqual(list(schemas), [self.ws.provider_address], "the client exported other providers")
        # tfplugindocs looks a schema up by the provider's short name (or under
        # registry.terraform.io/hashicorp/); the client keys it by its full
        # address. Only the key changes: the schema is the client's export.
        exported["provider_schemas"] = {"dcs": schemas[self.ws.provider_address]}
        self.schema_file = self.ws.path("schema.json")
        with open(self.schema_file, "w") as f:
            json.dump(exported, f)
        # The validator reads <provider-dir>/docs; a copy keeps the checkout untouched.
        self.provider_dir = self.ws.path("provider")
        shutil.copytree(os.path.join(REPO, "docs"), os.path.join(self.provider_dir, "docs"))

    def validate(self):
        return subprocess.run(
            [self.tool, "validate", "--provider-dir", self.provider_dir, "--provider-name", "dcs",
             "--providers-schema", self.schema_file, "--allowed-guide-subcategories", "Guides"],
            capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=300)

    def test_docs_pass_the_registry_validator(self):
        out = self.validate()
        self.assertEqual(out.returncode, 0, f"tfplugindocs validate failed:\n{out.stdout}{out.stderr}")
        self.assertNotIn("error", (out.stdout + out.stderr).lower())

    def test_validator_rejects_a_subcategory_on_the_index_page(self):
        # Proves the check has teeth: the frontmatter the generator used to write fails.
        index = os.path.join(self.provider_dir, "docs", "index.md")
        with open(index) as f:
            text = f.read()
        with open(index, "w") as f:
            f.write(text.replace("page_title:", 'subcategory: ""\npage_title:', 1))
        out = self.validate()
        self.assertNotEqual(out.returncode, 0, out.stdout + out.stderr)
        self.assertIn("subcategory", out.stdout + out.stderr)


if __name__ == "__main__":
    unittest.main()
