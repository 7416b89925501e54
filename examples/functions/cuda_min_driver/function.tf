terraform {
  required_providers {
    dcs = {
      source = "dcslabs/dcs"
    }
  }
}

provider "dcs" {}

# The minimum host driver for each CUDA toolkit in use.
output "min_driver_for_cuda_12_4" {
  value = provider::dcs::cuda_min_driver("12.4")
}
