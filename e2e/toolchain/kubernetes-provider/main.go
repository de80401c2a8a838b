// Command pulumi-resource-kubernetes serves the Pulumi Kubernetes provider, built from its published Go module.
//
// The provider module's own main package embeds generated files that are not part of the module, so this
// wrapper embeds the schema and mapping files that are: build.sh copies them next to this file (with the
// schema's version set) before `go build`. Nothing here is committed but this file and go.mod/go.sum.
package main

import (
	_ "embed"

	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/provider"
	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version"
)

//go:embed schema-embed.json
var schema []byte

//go:embed terraform-mapping-embed.json
var terraformMapping []byte

func main() {
	provider.Serve("kubernetes", version.Version, schema, terraformMapping)
}
