# Import by the registry's resource id.
terraform import dcs_acr_retention_policy.golden /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/ml-platform/providers/Microsoft.ContainerRegistry/registries/myreg
