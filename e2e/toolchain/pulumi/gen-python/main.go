// Command pulumi-gen-python writes a Python SDK for a Pulumi package schema, with the code generator of the
// published github.com/pulumi/pulumi/pkg/v3 module: the generator that Pulumi's Python language host runs for
// `pulumi package add` and `pulumi package gen-sdk --language python`. The e2e suite uses it because the
// language host's own Go module is not served by the module proxy here (see docs/testing.md).
//
// Usage: pulumi-gen-python <schema.json> <output directory>
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/blang/semver"
	"github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

// selfContained refuses every other package: the schema must not reference one (this project's does not).
type selfContained struct{}

func (selfContained) LoadPackage(pkg string, _ *semver.Version) (*schema.Package, error) {
	return nil, fmt.Errorf("the schema references package %q; pulumi-gen-python only generates self-contained packages", pkg)
}

func (l selfContained) LoadPackageV2(_ context.Context, d *schema.PackageDescriptor) (*schema.Package, error) {
	return l.LoadPackage(d.Name, d.Version)
}

func (l selfContained) LoadPackageReference(pkg string, v *semver.Version) (schema.PackageReference, error) {
	_, err := l.LoadPackage(pkg, v)
	return nil, err
}

func (l selfContained) LoadPackageReferenceV2(_ context.Context, d *schema.PackageDescriptor) (schema.PackageReference, error) {
	return l.LoadPackageReference(d.Name, d.Version)
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "pulumi-gen-python:", err)
		os.Exit(1)
	}
}

func run() error {
	if len(os.Args) != 3 {
		return fmt.Errorf("usage: pulumi-gen-python <schema.json> <output directory>")
	}
	raw, err := os.ReadFile(os.Args[1])
	if err != nil {
		return err
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal(raw, &spec); err != nil {
		return fmt.Errorf("reading the schema: %w", err)
	}
	pkg, diags, err := schema.BindSpec(spec, selfContained{}, schema.ValidationOptions{})
	if err != nil {
		return err
	}
	if diags.HasErrors() {
		return diags
	}
	// A local package, as `pulumi package add` generates one.
	pkg.SupportPack = true
	files, err := python.GeneratePackage("pulumi-gen-python", pkg, nil, selfContained{})
	if err != nil {
		return err
	}
	for name, content := range files {
		target := filepath.Join(os.Args[2], name)
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(target, content, 0o644); err != nil {
			return err
		}
	}
	return nil
}
