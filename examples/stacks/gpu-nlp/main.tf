# The seed's NLP demo as one stack: container services switched on, a GPU pool
# that preloads the golden image, and a single-user GPU cluster running it with
# registry credentials taken from a Databricks secret scope (`acr`, keys
# `username` and `password`, created beforehand, e.g. with
# `databricks secrets put-secret acr password`).
#
#   DATABRICKS_HOST=… DATABRICKS_TOKEN=… tofu apply
#   (scripts/demo.sh applies it against dcs-emulator)

terraform {
  required_providers {
    dcs = { source = "dcslabs/dcs" }
  }
}

provider "dcs" {}

variable "image_url" {
  description = "The golden image, pinned by tag or digest."
  type        = string
  default     = "myregistry.azurecr.io/nlp/gpu-nlp:1.4.2"
}

variable "single_user_name" {
  type    = string
  default = "data-scientist@example.com"
}

data "dcs_compatibility_matrix" "image" {
  host_driver_version = "550.54.15"
  cuda_version        = "12.4"
  torch_version       = "2.5.1"
  spark_version       = "14.3.x-scala2.12"
  data_security_mode  = "SINGLE_USER"
}

resource "dcs_workspace_conf" "this" {
  enable_dcs = true
}

resource "dcs_instance_pool" "gpu" {
  instance_pool_name                    = "nlp-gpu"
  node_type_id                          = "Standard_NC6s_v3"
  min_idle_instances                    = 0
  max_capacity                          = 4
  idle_instance_autotermination_minutes = 20
  preloaded_spark_versions              = ["14.3.x-scala2.12"]

  preloaded_docker_image {
    url = var.image_url
    basic_auth {
      username = "{{secrets/acr/username}}"
      password = "{{secrets/acr/password}}"
    }
  }

  depends_on = [dcs_workspace_conf.this]
}

resource "dcs_cluster" "nlp" {
  cluster_name            = "nlp-gpu"
  spark_version           = "14.3.x-scala2.12"
  instance_pool_id        = dcs_instance_pool.gpu.id
  num_workers             = 1
  autotermination_minutes = 60
  data_security_mode      = "SINGLE_USER"
  single_user_name        = var.single_user_name

  docker_image {
    url = var.image_url
    basic_auth {
      username = "{{secrets/acr/username}}"
      password = "{{secrets/acr/password}}"
    }
  }

  depends_on = [dcs_workspace_conf.this]
}

output "cluster_id" {
  value = dcs_cluster.nlp.id
}

output "cluster_state" {
  value = dcs_cluster.nlp.state
}

output "compatibility" {
  value = data.dcs_compatibility_matrix.image.status
}
