//go:build tools

// Package tools pins the Terraform CLI built by scripts/build-clients.sh.
package tools

import _ "github.com/hashicorp/terraform"
