terraform {
  required_providers {
    dcs = {
      source = "dcslabs/dcs"
    }
  }
}

provider "dcs" {}

# A public image: short Docker Hub names are normalised like the air CLI does
# (this one registers docker.io/pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime).
resource "dcs_air_image_registration" "pytorch" {
  image_url = "pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime"
}

# A private Docker Hub repository. The secret's value is the base64 encoding
# of "username:read-only-token"; only the scope and key names reach the state.
# After rotating the token in the secret, bump credential_version.
resource "dcs_air_image_registration" "trainer" {
  image_url          = "docker.io/acme/trainer:2026.11.1"
  secret_scope       = "registry-credentials"
  secret_key         = "dockerhub-acme"
  credential_version = 1

  timeouts {
    create = "45m"
  }
}

output "trainer_manifest" {
  value = dcs_air_image_registration.trainer.manifest_sha256
}
