terraform {
  required_providers {
    dcs = {
      source = "dcslabs/dcs"
    }
  }
}

# No credentials needed: the matrix is evaluated offline.
provider "dcs" {}

# An 8xH100 training image on AWS: CUDA 12.9 on the 580 driver line, the
# torch 2.6 wheel, EFA for multi-node NCCL and flash-attn pinned to the last
# release whose ABI labels match its build.
data "dcs_compatibility_matrix" "training_image" {
  cloud               = "aws"
  host_driver_version = "580.126.16"
  cuda_version        = "12.9"
  torch_version       = "2.6.0"
  accelerator_type    = "GPU_8xH100"
  efa_version         = "1.42.0"
  base_image          = "databricksruntime/air:dcs-base-aws-runtime"

  cuda_extensions = [
    { name = "flash-attn", version = "2.7.4.post1", cxx11_abi = false },
  ]
}

output "status" {
  value = data.dcs_compatibility_matrix.training_image.status
}

output "checks" {
  value = {
    for c in data.dcs_compatibility_matrix.training_image.checks : c.name => c.status
  }
}

output "cuda_compat_required" {
  value = data.dcs_compatibility_matrix.training_image.cuda_compat_required
}

output "min_driver_version" {
  value = data.dcs_compatibility_matrix.training_image.min_driver_version
}
