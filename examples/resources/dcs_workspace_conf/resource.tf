# Turn on Databricks Container Services (needed by every docker_image cluster
# and pool) and set another workspace setting.
resource "dcs_workspace_conf" "this" {
  enable_dcs = true

  custom_config = {
    enableIpAccessLists = "true"
  }
}
