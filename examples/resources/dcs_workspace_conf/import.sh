# The id lists the keys to manage: enableDcs maps to enable_dcs, others to custom_config.
terraform import dcs_workspace_conf.this enableDcs,enableIpAccessLists
