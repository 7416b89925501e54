# The golden image and the compute that runs it, in one plan: dcs_image builds
# ./image and pushes it, and the pool and the cluster are pinned to the digest
# the registry reported (repo_digest), so "this cluster runs that digest" is
# what the state says. Editing a file that reaches the build plans a rebuild
# and, through repo_digest, the cluster and pool updates that roll it out.
#
# ./image/Dockerfile copies a static busybox from the context: put one there
# first (cp /bin/busybox image/). Against a local setup:
#   scripts/start-docker.sh; scripts/start-registry.sh   (registry 127.0.0.1:5100)
#   DATABRICKS_HOST=… DATABRICKS_TOKEN=… tofu apply -var registry=127.0.0.1:5100

terraform {
  required_providers {
    dcs = { source = "dcslabs/dcs" }
  }
}

provider "dcs" {
  docker_host = var.docker_host
}

variable "registry" {
  description = "Registry host[:port] the image is pushed to."
  type        = string
  default     = "127.0.0.1:5100"
}

variable "docker_host" {
  description = "Docker Engine that builds the image."
  type        = string
  default     = "unix:///run/dcs-docker.sock"
}

variable "tag" {
  type    = string
  default = "1.0.0"
}

resource "dcs_workspace_conf" "this" {
  enable_dcs = true
}

resource "dcs_image" "golden" {
  name    = "${var.registry}/ml/golden"
  tags    = [var.tag]
  context = "${path.module}/image"
  labels = {
    "org.opencontainers.image.title" = "golden"
  }
}

resource "dcs_instance_pool" "gpu" {
  instance_pool_name                    = "golden-gpu"
  node_type_id                          = "Standard_NC6s_v3"
  min_idle_instances                    = 0
  max_capacity                          = 4
  idle_instance_autotermination_minutes = 20
  preloaded_spark_versions              = ["14.3.x-scala2.12"]

  preloaded_docker_image {
    url = dcs_image.golden.repo_digest
  }

  depends_on = [dcs_workspace_conf.this]
}

resource "dcs_cluster" "golden" {
  cluster_name            = "golden"
  spark_version           = "14.3.x-scala2.12"
  instance_pool_id        = dcs_instance_pool.gpu.id
  num_workers             = 1
  autotermination_minutes = 60
  data_security_mode      = "SINGLE_USER"
  single_user_name        = "data-scientist@example.com"

  docker_image {
    url = dcs_image.golden.repo_digest
  }

  depends_on = [dcs_workspace_conf.this]
}

output "image" {
  value = dcs_image.golden.repo_digest
}

output "cluster_id" {
  value = dcs_cluster.golden.id
}
