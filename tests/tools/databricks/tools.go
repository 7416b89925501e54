//go:build tools

// Pins terraform-provider-databricks for the peer check (tests/peer/). Its main
// package is the module root. Built by ./build.sh; see ../README.md.
package tools

import _ "github.com/databricks/terraform-provider-databricks"
