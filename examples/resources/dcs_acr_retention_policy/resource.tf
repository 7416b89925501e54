# Untagged manifests of a Premium registry are deleted 14 days after they lost
# their last tag. Credentials: ARM_CLIENT_ID, ARM_CLIENT_SECRET, ARM_TENANT_ID
# (or azure_client_id / azure_client_secret / azure_tenant_id in the provider).
resource "dcs_acr_retention_policy" "golden" {
  registry_id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/ml-platform/providers/Microsoft.ContainerRegistry/registries/myreg"
  days        = 14
  enabled     = true
}
