# A golden image built from ./image (Dockerfile + .dockerignore), pushed to a
# registry and promoted by adding tags; clusters pin `repo_digest`.
variable "registry_password" {
  type      = string
  sensitive = true
}

resource "dcs_image" "golden" {
  name    = "myreg.azurecr.io/ml/golden"
  tags    = ["1.4.0", "staging"] # the first tag is the primary one
  context = "${path.module}/image"

  build_args = {
    PYTHON_VERSION = "3.11"
  }
  labels = {
    "org.opencontainers.image.source" = "https://github.com/example/golden-image"
  }
  triggers = {
    base_refresh = "2026-11" # bump to force a rebuild
  }

  # Served to `RUN --mount=type=secret,id=pip_index` (BuildKit, the default
  # builder on Docker 18.09+); never in the image, plan or state.
  secret {
    id      = "pip_index"
    env     = "PIP_INDEX_TOKEN" # or value = <write-only> / file = <path>
    version = "2026-11"         # bump after rotating the token to rebuild
  }

  registry_auth {
    username    = "00000000-0000-0000-0000-000000000000"
    password = var.registry_password # write-only on Terraform/OpenTofu >= 1.11
  }

  # Images that the workspace's clusters (any state), pools or AI Runtime
  # registrations use are never deleted: see retention_protected at plan.
  retention {
    tag_filter      = "^[0-9]+\\.[0-9]+\\.[0-9]+$"
    keep_last       = 10
    protect         = ["prod", "staging"]
    delete_untagged = true
  }
}

output "golden_image" {
  value = dcs_image.golden.repo_digest # e.g. myreg.azurecr.io/ml/golden@sha256:…
}
