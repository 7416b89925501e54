terraform {
  required_providers {
    dcs = {
      source = "dcslabs/dcs"
    }
  }
}

provider "dcs" {}

variable "host_driver_version" {
  type    = string
  default = "550.54.15"
}

# Fails validation of a module early when its image outgrows the hosts' driver.
output "cuda_12_4_runs_natively" {
  value = provider::dcs::cuda_compatible("12.4", var.host_driver_version)
}

output "cuda_13_0_runs_natively" {
  value = provider::dcs::cuda_compatible("13.0", var.host_driver_version)
}
