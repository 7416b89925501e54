"""Every example under examples/ with the real client: `validate`, then
`apply`, a clean `plan -detailed-exitcode` (exit 0) and `destroy` against
dcs-emulator.

Examples are discovered by walking examples/ (every directory holding *.tf
files), so a new example is covered the day it lands. One test per example
(test_<path>). Resource examples are fragments (the docs show them without a
terraform block); for those the test adds the usual required_providers header
in a separate file, as a user pasting the fragment into a module would have.

What an example needs before it can apply is set up the way its comments
tell a user to: secrets it names and the Azure registry it manages, in the
emulator; for dcs_image examples whose registry is a variable (the
golden-image stack), the private Docker Engine (scripts/start-docker.sh), a
local registry (scripts/start-registry.sh) and the static busybox the
Dockerfile copies. A dcs_image example that pushes to a fixed registry on the
internet (myreg.azurecr.io, docker.io) is validated but not applied; the test
asserts that the registry it names really is remote, and prints the reason.
test_image.py applies dcs_image itself against the local engine and
registries. Nothing is skipped silently.
"""

import os
import re
import shutil
import unittest

from emulator import Emulator
from harness import REPO, Workspace

EXAMPLES = os.path.join(REPO, "examples")
HEADER = """terraform {
  required_providers {
    dcs = { source = "dcslabs/dcs" }
  }
}
"""
IMAGE_NAME = re.compile(r'resource\s+"dcs_image"[^{]*\{[^}]*?\bname\s*=\s*"([^"]+)"', re.S)
LOOPBACK = re.compile(r"^(127\.0\.0\.1|localhost)(:\d+)?$")
# Azure identity the emulator's ARM endpoints accept (dcs_acr_retention_policy).
ARM_TENANT, ARM_CLIENT, ARM_SECRET = "tenant-examples", "sp-examples", "sp-examples-secret"
REGISTRY_ID = re.compile(
    r'registry_id\s*=\s*"/subscriptions/([^/"]+)/resourceGroups/([^/"]+)/providers/'
    r'Microsoft\.ContainerRegistry/registries/([^/"]+)"')
SECRET_REF = re.compile(r'secret_scope\s*=\s*"([^"]+)"\s*\n\s*secret_key\s*=\s*"([^"]+)"')
SECRET_TEMPLATE = re.compile(r"\{\{secrets/([^/}]+)/([^}]+)\}\}")
VAR_DEFAULTS = re.compile(r'variable\s+"(secret_scope|secret_key)"\s*\{[^}]*default\s*=\s*"([^"]+)"', re.S)


def discover():
    """Relative paths of the example directories, sorted."""
    found = []
    for root, dirs, files in os.walk(EXAMPLES):
        dirs.sort()
        if any(f.endswith(".tf") for f in files):
            found.append(os.path.relpath(root, EXAMPLES))
    return sorted(found)


def read_example(rel):
    text = ""
    for name in sorted(os.listdir(os.path.join(EXAMPLES, rel))):
        if name.endswith(".tf"):
            with open(os.path.join(EXAMPLES, rel, name)) as f:
                text += f.read() + "\n"
    return text


def read_file(path):
    with open(path) as f:
        return f.read()


def resource_types(text):
    return set(re.findall(r'^\s*resource\s+"([a-z0-9_]+)"', text, re.M))


def uses_functions(text):
    return "provider::dcs::" in text


class ExamplesTest(unittest.TestCase):
    """test_<example path> methods are added below, one per example."""

    def test_examples_are_found(self):
        found = discover()
        for expected in ("provider", "stacks/gpu-nlp", "resources/dcs_cluster", "data-sources/dcs_compatibility_matrix"):
            self.assertIn(expected, found)
        # Every registry page with an example has its example exercised here.
        for kind in ("resources", "data-sources", "functions"):
            for name in os.listdir(os.path.join(EXAMPLES, kind)):
                self.assertIn(f"{kind}/{name}", found, f"examples/{kind}/{name} has no .tf file")

    # --- one example ---------------------------------------------------------
    def run_example(self, rel):
        text = read_example(rel)
        emu = Emulator(enable_dcs=True, start_delay_ms=100,
                       extra_args=["--air-step-delay-ms", "50"])
        self.addCleanup(emu.stop)
        env = dict(emu.provider_env(), ARM_CLIENT_ID=ARM_CLIENT, ARM_CLIENT_SECRET=ARM_SECRET,
                   ARM_TENANT_ID=ARM_TENANT, AZURE_AUTHORITY_HOST=emu.url + "/entra",
                   ARM_RESOURCE_MANAGER_ENDPOINT=emu.url)
        ws = Workspace(extra_env=env)
        self.addCleanup(ws.close)
        shutil.rmtree(ws.dir)
        shutil.copytree(os.path.join(EXAMPLES, rel), ws.dir)
        if not re.search(r"^\s*terraform\s*\{", text, re.M):
            ws.write("providers_header.tf", HEADER)

        if uses_functions(text) and not ws.supports_functions():
            # Terraform < 1.8 has no provider-defined functions: its parser
            # rejects the call already in init, naming it.
            init = ws.init(check=False)
            self.assertNotEqual(init.code, 0, init.describe())
            self.assertIn("provider::dcs::", init.output, init.describe())
            return
        ws.init()
        validate = ws.validate()
        self.assertEqual(validate.code, 0, validate.describe())
        self.assertIn("The configuration is valid", validate.stdout, validate.describe())

        apply_args = []
        if "dcs_image" in resource_types(text):
            remote = self.remote_registries(text)
            if remote:
                print(f"\n  {rel}: validated, not applied: dcs_image pushes to {', '.join(remote)}, "
                      "a registry outside this machine")
                return
            apply_args = self.prepare_docker(ws, text)

        self.prepare_workspace(emu, text)
        ws.apply(*apply_args)
        state = ws.state_list()
        for rtype in resource_types(text):
            self.assertTrue(any(a.split("[")[0].split(".")[-2] == rtype for a in state if "." in a),
                            f"{rtype} missing from the state after apply: {state}")
        plan = ws.plan("-detailed-exitcode", *apply_args)
        self.assertEqual(plan.code, 0, "the plan after apply is not empty:\n" + plan.describe())
        ws.destroy(*apply_args)
        self.assertEqual([a for a in ws.state_list() if not a.startswith("data.")], [],
                         "resources left in the state after destroy")
        if "dcs_cluster" in resource_types(text):
            self.assertTrue(all(c["state"] == "TERMINATED" for c in emu.clusters()) or not emu.clusters(),
                            emu.clusters())

    def remote_registries(self, text):
        """Registry hosts of dcs_image names that are fixed and not loopback."""
        remote = []
        for name in IMAGE_NAME.findall(text):
            host = name.split("/", 1)[0]
            if "${" in host:
                continue  # a variable: the test points it at a local registry
            self.assertIsNone(LOOPBACK.match(host), f"{name} is local: apply this example")
            remote.append(host)
        return remote

    def prepare_docker(self, ws, text):
        """Docker Engine + a local registry for an example whose registry is
        var.registry; returns the -var arguments that point it there."""
        from containers import BUSYBOX, ContainerEnv
        self.assertIn('variable "registry"', text, "a dcs_image example with a variable registry host "
                      "must call the variable `registry`")
        env = ContainerEnv.start()
        self.addCleanup(env.stop)
        image_dir = ws.path("image")
        dockerfile = os.path.join(image_dir, "Dockerfile")
        if os.path.isfile(dockerfile) and "busybox" in read_file(dockerfile):
            shutil.copy(BUSYBOX, os.path.join(image_dir, "busybox"))  # as the example's comment says
        args = ["-var", f"registry={env.plain}"]
        if 'variable "docker_host"' in text:
            args += ["-var", "docker_host=unix:///run/dcs-docker.sock"]
        return args

    def prepare_workspace(self, emu, text):
        """Creates in the emulator what the example expects the user to have."""
        if "dcs_acr_retention_policy" in text:
            emu.admin("POST", "arm/clients", {"tenant": ARM_TENANT, "client_id": ARM_CLIENT,
                                              "client_secret": ARM_SECRET})
            for sub, rg, name in REGISTRY_ID.findall(text):
                emu.admin("POST", "arm/registries", {"subscription": sub, "resource_group": rg,
                                                     "name": name, "sku": "Premium"})
        # Secrets named by the example: secret_scope/secret_key pairs and
        # {{secrets/scope/key}} references, which the workspace resolves when
        # a cluster starts.
        pairs = SECRET_REF.findall(text) + SECRET_TEMPLATE.findall(text)
        defaults = dict(VAR_DEFAULTS.findall(text))
        if "secret_scope" in defaults and "secret_key" in defaults:
            pairs.append((defaults["secret_scope"], defaults["secret_key"]))
        for scope, key in sorted(set(pairs)):
            status, _ = emu.request("POST", "/api/2.0/secrets/scopes/create", {"scope": scope}, token=emu.token)
            self.assertIn(status, (200, 400))  # 400: the scope exists already
            emu.api("POST", "/api/2.0/secrets/put",
                    {"scope": scope, "key": key, "string_value": "dXNlcjpyZWFkLW9ubHktdG9rZW4="})


def _add_tests():
    for rel in discover():
        name = "test_" + re.sub(r"[^a-z0-9]+", "_", rel.lower()).strip("_")
        setattr(ExamplesTest, name, lambda self, rel=rel: self.run_example(rel))


_add_tests()

if __name__ == "__main__":
    unittest.main()
