//go:build tools

// Package tools pins etcd's server main package so that `go build` can build it from the published modules.
package tools

import (
	_ "go.etcd.io/etcd/server/v3"
)
