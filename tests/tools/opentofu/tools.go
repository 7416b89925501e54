//go:build tools

// Package tools pins the OpenTofu CLI built by scripts/build-clients.sh.
package tools

import _ "github.com/opentofu/opentofu/cmd/tofu"
