//go:build tools

// Package tools pins HashiCorp's registry-docs tool (tfplugindocs), whose
// `validate` command checks docs/ the way the Terraform Registry expects it.
package tools

import _ "github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs"
