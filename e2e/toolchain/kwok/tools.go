//go:build tools

// Package tools pins kwok's main package (fake nodes that drive pods to Running/Ready).
package tools

import (
	_ "sigs.k8s.io/kwok/cmd/kwok"
)
