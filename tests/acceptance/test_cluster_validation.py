"""Every plan-time check of dcs_cluster fires at plan, on its attribute, with
a real client against dcs-emulator (nothing is created)."""

import re
import unittest

from emulator import Emulator, provider_block
from harness import AcceptanceTest

IMAGE = "dcsacr.azurecr.io/nlp/gpu-nlp:1.4.2"


def cluster(body, image=IMAGE, pool=False):
    docker = f'docker_image {{\n    url = "{image}"\n  }}' if image else ""
    placement = 'instance_pool_id = dcs_instance_pool.pool.id' if pool else 'node_type_id = "Standard_NC6s_v3"'
    return f"""
resource "dcs_cluster" "c" {{
  cluster_name  = "check"
  spark_version = "14.3.x-scala2.12"
  {placement}
  {body}
  {docker}
}}
"""


def pool(images, name="p"):
    blocks = "\n".join(f'  preloaded_docker_image {{\n    url = "{u}"\n  }}' for u in images)
    return f"""
resource "dcs_instance_pool" "pool" {{
  instance_pool_name = "{name}"
  node_type_id       = "Standard_NC6s_v3"
  max_capacity       = 4
{blocks}
}}
"""


class ClusterValidationTest(AcceptanceTest):

    @classmethod
    def setUpClass(cls):
        cls.emu = Emulator(enable_dcs=True)

    @classmethod
    def tearDownClass(cls):
        cls.emu.stop()

    def setUp(self):
        self.extra_env = self.emu.provider_env()
        super().setUp()

    def apply_pool(self, images, name):
        """Creates a pool (so its id is known at the next plan); destroyed after the test."""
        self.ws.write_config(provider_block() + pool(images, name))
        self.ws.init()
        self.ws.apply()

        def destroy():
            self.ws.write_config(provider_block() + pool(images, name))
            self.ws.destroy()
        self.addCleanup(destroy)

    def plan(self, config):
        self.ws.write_config(provider_block() + config)
        self.ws.init()
        return self.ws.plan()

    def assertDiagnostic(self, result, severity, summary, attribute_line):
        """The output has `severity: summary` and points at the config line
        holding the attribute (how both clients print a diagnostic's path)."""
        self.assertIn(f"{severity}: {summary}", result.output, result.describe())
        self.assertRegex(result.output, re.compile(r"^\s*\d+:\s*" + re.escape(attribute_line), re.M),
                         result.describe())

    def test_ml_runtime_with_image_is_an_error_on_spark_version(self):
        result = self.plan(cluster('num_workers = 1').replace("14.3.x-scala2.12", "14.3.x-gpu-ml-scala2.12"))
        self.assertNotEqual(result.code, 0)
        self.assertDiagnostic(result, "Error", "Custom image with an ML runtime", "spark_version")
        self.assertIn('14.3.x-scala2.12', result.output)  # the fix names the standard runtime

    def test_shared_access_modes_are_errors_on_data_security_mode(self):
        for mode in ("USER_ISOLATION", "DATA_SECURITY_MODE_STANDARD"):
            with self.subTest(mode=mode):
                result = self.plan(cluster(f'num_workers = 1\n  data_security_mode = "{mode}"'))
                self.assertNotEqual(result.code, 0)
                self.assertDiagnostic(result, "Error", "Custom image with a shared access mode", "data_security_mode")

    def test_pool_and_node_type_conflict(self):
        result = self.plan(pool([IMAGE]) + cluster('num_workers = 1\n  node_type_id = "Standard_NC6s_v3"', pool=True))
        self.assertNotEqual(result.code, 0)
        self.assertDiagnostic(result, "Error", "node_type_id conflicts with instance_pool_id", "node_type_id")

    def test_num_workers_and_autoscale_conflict(self):
        result = self.plan(cluster('num_workers = 1\n  autoscale {\n    min_workers = 1\n    max_workers = 2\n  }'))
        self.assertNotEqual(result.code, 0)
        self.assertDiagnostic(result, "Error", "num_workers conflicts with autoscale", "num_workers")

    def test_image_missing_from_known_pool_quotes_the_documented_message(self):
        # The pool exists, so its id is known at plan.
        self.apply_pool([], "no-images")
        self.ws.write_config(provider_block() + pool([], "no-images") + cluster("num_workers = 1", pool=True))
        result = self.ws.plan()
        self.assertNotEqual(result.code, 0)
        self.assertDiagnostic(result, "Error", "Pool does not preload Docker images", "instance_pool_id")
        self.assertIn("does not have docker images configured, thus not supporting Docker container",
                      " ".join(result.output.split()))

    def test_image_not_in_the_pools_list(self):
        self.apply_pool([IMAGE + "-other"], "other-image")
        self.ws.write_config(provider_block() + pool([IMAGE + "-other"], "other-image") +
                             cluster("num_workers = 1", pool=True))
        result = self.ws.plan()
        self.assertNotEqual(result.code, 0)
        self.assertDiagnostic(result, "Error", "Image not preloaded by the pool", "url")

    def test_volumes_without_flag_warn(self):
        body = ('num_workers = 1\n  init_scripts {\n    volumes {\n'
                '      destination = "/Volumes/main/default/scripts/init.sh"\n    }\n  }')
        result = self.plan(cluster(body))
        self.assertEqual(result.code, 0, result.describe())
        self.assertDiagnostic(result, "Warning", "Unity Catalog volumes without the volumes flag", "volumes {")

    def test_floating_tags_warn(self):
        for image in ("dcsacr.azurecr.io/nlp/gpu-nlp:latest", "dcsacr.azurecr.io/nlp/gpu-nlp"):
            with self.subTest(image=image):
                result = self.plan(cluster("num_workers = 1", image=image))
                self.assertEqual(result.code, 0, result.describe())
                self.assertDiagnostic(result, "Warning", "Image tag is not pinned", "url")

    def test_gpu_node_with_cpu_only_image_warns(self):
        result = self.plan(cluster("num_workers = 1", image="databricksruntime/standard:14.3-LTS"))
        self.assertEqual(result.code, 0, result.describe())
        self.assertDiagnostic(result, "Warning", "GPU node type with a CPU-only image", "url")

    def test_a_clean_config_plans_without_diagnostics(self):
        # IMAGE's registry does not exist here, so image preflight would warn
        # that it could not check it (test_image_preflight covers preflight).
        result = self.plan(cluster('num_workers = 1\n  data_security_mode = "SINGLE_USER"\n  preflight = "off"'))
        self.assertEqual(result.code, 0, result.describe())
        self.assertNotIn("Warning:", result.output)
        self.assertEqual(self.emu.clusters(), [])


if __name__ == "__main__":
    unittest.main()
