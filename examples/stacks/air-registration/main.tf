# Build a training image, push it to Docker Hub and register the pushed
# digest with the Databricks AI Runtime, so `air run` can use it right away
# and a rebuild is registered again without anyone remembering to.
#
#   export DATABRICKS_HOST=https://adb-….azuredatabricks.net DATABRICKS_TOKEN=…
#   export TF_VAR_dockerhub_token=…   # a Docker Hub access token with read/write on the repository
#   tofu init && tofu apply
terraform {
  required_providers {
    dcs = {
      source = "dcslabs/dcs"
    }
  }
}

provider "dcs" {}

variable "dockerhub_user" {
  type    = string
  default = "acme"
}

variable "dockerhub_token" {
  type      = string
  sensitive = true
}

variable "release" {
  type    = string
  default = "2026.11.1"
}

# The secret the platform pulls with: base64("username:token"). Create it
# once, e.g. with the Databricks CLI:
#   databricks secrets create-scope registry-credentials
#   databricks secrets put-secret registry-credentials dockerhub-acme \
#     --string-value "$(printf '%s:%s' acme "$TOKEN" | base64 -w0)"
variable "secret_scope" {
  type    = string
  default = "registry-credentials"
}

variable "secret_key" {
  type    = string
  default = "dockerhub-acme"
}

# Built from ./image (a Dockerfile FROM databricksruntime/air:dcs-base-aws-runtime)
# and pushed under a tag per release; repo_digest pins exactly what was pushed.
resource "dcs_image" "trainer" {
  name    = "docker.io/${var.dockerhub_user}/trainer"
  tags    = [var.release]
  context = "${path.module}/image"

  registry_auth {
    address  = "docker.io"
    username = var.dockerhub_user
    password = var.dockerhub_token
  }
}

# Registers the digest-pinned url, so the platform imports exactly the pushed
# manifest; a rebuild changes repo_digest, which replaces the registration.
# (To register the tag instead, use
#   image_url         = "docker.io/${var.dockerhub_user}/trainer:${var.release}"
#   trigger_on_digest = dcs_image.trainer.repo_digest
# so that a rebuild pushed under the same tag is registered again.)
resource "dcs_air_image_registration" "trainer" {
  image_url    = dcs_image.trainer.repo_digest
  secret_scope = var.secret_scope
  secret_key   = var.secret_key

  timeouts {
    create = "45m"
  }
}

# Use this in the air workload YAML: environment.docker_image.url
output "air_image_url" {
  value = dcs_air_image_registration.trainer.id
}
