//go:build tools

// Package tools pins the Kubernetes control-plane and kubectl main packages so that `go build` can build them
// from the published k8s.io/kubernetes module and its published staging modules.
package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
