//go:build tools

// Package tools pins the Pulumi CLI's main package so that `go build` can build it from the
// published pkg/v3 and sdk/v3 modules (their own go.mod files carry local replace lines).
package tools

import (
	_ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
)
