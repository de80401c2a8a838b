//go:build tools

// Package tools pins the Pulumi CLI's main package and Pulumi YAML's language host so that `go build` can build
// them from the published pkg/v3, sdk/v3 and pulumi-yaml modules (their own go.mod files carry local replace
// lines). Both build against the same pkg/v3, so the language host speaks the CLI's protocol version.
package tools

import (
	_ "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml"
	_ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
)
