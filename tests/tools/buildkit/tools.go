//go:build tools

// Package tools pins buildkitd for scripts/build-buildkitd.sh.
package tools

import _ "github.com/moby/buildkit/cmd/buildkitd"
