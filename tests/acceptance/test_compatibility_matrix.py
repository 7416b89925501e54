"""dcs_compatibility_matrix and the provider functions, driven by a real client."""

import unittest

from harness import AcceptanceTest

HEADER = """
terraform {
  required_providers {
    dcs = { source = "dcslabs/dcs" }
  }
}

provider "dcs" {}
"""


def matrix(**inputs):
    body = "\n".join(f"  {k} = {v}" for k, v in inputs.items())
    return HEADER + f"""
data "dcs_compatibility_matrix" "m" {{
{body}
}}

output "status" {{ value = data.dcs_compatibility_matrix.m.status }}
output "checks" {{
  value = {{ for c in data.dcs_compatibility_matrix.m.checks : c.name => c.status }}
}}
output "min_driver_version" {{ value = data.dcs_compatibility_matrix.m.min_driver_version }}
output "cuda_compat_required" {{ value = data.dcs_compatibility_matrix.m.cuda_compat_required }}
output "summary_markdown" {{ value = data.dcs_compatibility_matrix.m.summary_markdown }}
"""


class CompatibilityMatrixTest(AcceptanceTest):

    def test_example_installs_from_mirror_applies_and_replans_clean(self):
        self.ws.copy_example("data-sources/dcs_compatibility_matrix/data-source.tf")
        self.ws.init()
        lock = self.ws.lock_file()
        self.assertIn('provider "registry.', lock)
        self.assertIn("dcslabs/dcs", lock)
        self.assertRegex(lock, r'"h1:[A-Za-z0-9+/=]+"')
        self.ws.apply()
        out = self.ws.outputs()
        self.assertEqual(out["min_driver_version"], "570.86.15")  # CUDA 12.9 → 570.86.15 (seed §2)
        self.assertFalse(out["cuda_compat_required"])  # 580.x driver: never cuda-compat
        for name in ("cuda_driver", "torch_cuda", "nccl", "efa", "cxx11_abi"):
            self.assertIn(name, out["checks"])
        self.assertEqual(out["checks"]["cuda_driver"], "OK")
        self.assertEqual(out["checks"]["efa"], "OK")  # 8xH100 with EFA installed
        self.assertIn(out["status"], ("OK", "WARN"))
        second = self.ws.plan("-detailed-exitcode")
        self.assertEqual(second.code, 0, second.describe())

    def test_cuda_13_on_a_550_driver_fails_plan_on_the_attribute(self):
        self.ws.write_config(matrix(cuda_version='"13.0"', host_driver_version='"550.54.15"'))
        self.ws.init()
        result = self.ws.plan()
        self.assertFails(result, "cuda_driver", "FAIL", 'cuda_version')
        self.assertIn("580", result.output)  # the remedy names the driver line that runs it

    def test_torch_2_7_with_cuda_12_4_fails_plan(self):
        self.ws.write_config(matrix(cuda_version='"12.4"', torch_version='"2.7.0"'))
        self.ws.init()
        self.assertFails(self.ws.plan(), "torch_cuda", "FAIL")

    def test_fail_on_never_reports_without_failing(self):
        self.ws.write_config(matrix(cuda_version='"13.0"', host_driver_version='"550.54.15"',
                                    fail_on='"never"'))
        self.ws.init()
        self.ws.apply()
        out = self.ws.outputs()
        self.assertEqual(out["status"], "FAIL")
        self.assertEqual(out["checks"]["cuda_driver"], "FAIL")
        self.assertIn("cuda_driver", out["summary_markdown"])

    def test_a10_needs_no_efa_and_compatible_stack_is_ok(self):
        self.ws.write_config(matrix(cloud='"aws"', accelerator_type='"GPU_1xA10"',
                                    cuda_version='"12.4"', host_driver_version='"550.54.15"'))
        self.ws.init()
        self.ws.apply()
        out = self.ws.outputs()
        self.assertEqual(out["checks"]["efa"], "N/A")
        self.assertEqual(out["checks"]["cuda_driver"], "OK")
        self.assertEqual(out["min_driver_version"], "550.54.14")

    def test_input_that_is_not_a_version_is_a_diagnostic_on_it(self):
        self.ws.write_config(matrix(cuda_version='"12.x.y"'))
        self.ws.init()
        self.assertFails(self.ws.plan(), "cuda_version", "12.x.y")

    def test_unknown_argument_is_rejected_by_the_schema(self):
        self.ws.write_config(matrix(cuda_versoin='"12.4"'))
        self.ws.init()
        self.assertFails(self.ws.plan(), "cuda_versoin")

    def test_wrong_type_is_rejected(self):
        self.ws.write_config(matrix(cuda_extensions='"flash-attn"'))
        self.ws.init()
        self.assertFails(self.ws.plan(), "cuda_extensions")


class FunctionsTest(AcceptanceTest):

    CONFIG = HEADER + """
output "min" { value = provider::dcs::cuda_min_driver("12.4") }
output "ok"  { value = provider::dcs::cuda_compatible("12.4", "550.54.15") }
output "bad" { value = provider::dcs::cuda_compatible("13.0", "550.54.15") }
"""

    def test_functions_answer_from_the_matrix(self):
        self.ws.write_config(self.CONFIG)
        if not self.ws.supports_functions():
            # Terraform < 1.8 has no provider functions: its parser rejects the
            # call already in init (and must not crash).
            self.assertFails(self.ws.init(check=False), "provider::dcs::cuda_min_driver")
            return
        self.ws.init()
        self.ws.apply()
        self.assertEqual(self.ws.outputs(), {"min": "550.54.14", "ok": True, "bad": False})
        self.assertEqual(self.ws.plan("-detailed-exitcode").code, 0)

    def test_function_error_names_the_argument(self):
        self.ws.write_config(HEADER + 'output "x" { value = provider::dcs::cuda_min_driver("abc") }\n')
        if not self.ws.supports_functions():
            # Clients without functions fail in init, on the syntax.
            self.assertFails(self.ws.init(check=False), "cuda_min_driver")
            return
        # With functions the provider's error must name the bad value.
        self.ws.init()
        self.assertFails(self.ws.plan(), "cuda_min_driver", "abc")


if __name__ == "__main__":
    unittest.main()
