terraform {
  required_providers {
    dcs = {
      source = "dcslabs/dcs"
    }
  }
}

# Data sources and functions need no configuration at all. Resources that call
# the Databricks API resolve credentials lazily, in this order: the provider
# block, then DATABRICKS_* / ARM_* environment variables, then a profile of
# ~/.databrickscfg.
provider "dcs" {
  host    = "https://adb-1234567890123456.7.azuredatabricks.net"
  profile = "prod"
}
