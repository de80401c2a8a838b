#!/usr/bin/env bash
# Builds the real-engine toolchain from Go modules (the Go module proxy is the only source):
#   pulumi                      github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
#   pulumi-gen-python           pulumi/gen-python: pkg/v3's Python code generator over a schema file
#   pulumi-resource-kubernetes  github.com/pulumi/pulumi-kubernetes/provider/v4 (wrapper main, see kubernetes-provider/)
#   kube-apiserver, kube-controller-manager, kube-scheduler, kubectl   k8s.io/kubernetes
#   etcd                        go.etcd.io/etcd/server/v3
#   kwok                        sigs.k8s.io/kwok/cmd/kwok
# Each tool has a wrapper module here (go.mod + go.sum pin exact versions; the upstream modules carry local
# `replace` lines that `go install mod@version` refuses). Binaries go to a cache outside the repository, keyed
# by a hash of everything that decides them, so a warm run costs well under a second.
#
# Usage: e2e/toolchain/build.sh            builds what is missing, prints the bin directory on stdout
#        e2e/toolchain/build.sh --check    exits 1 (printing nothing) when something would have to be built
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
export GOFLAGS="${GOFLAGS:--buildvcs=false} -mod=mod"
# The checksum database has no entry for the pseudo-versioned provider module and some of its pulumi
# dependencies (it answers 404); the hashes in each go.sum pin them instead.
export GONOSUMDB="${GONOSUMDB:+$GONOSUMDB,}github.com/pulumi"
export CGO_ENABLED=0

modver() { (cd "$here/$1" && go list -m -f '{{.Version}}' "$2"); }
log() { echo "[toolchain] $*" >&2; }

# One source of truth per version: the go.mod files pin the Go side, package-lock.json the npm side; they must agree.
lockver() { node -e 'const l=require(process.argv[1]);console.log(l.packages["node_modules/"+process.argv[2]].version)' "$repo/package-lock.json" "$1"; }
pulumi_version="$(modver pulumi github.com/pulumi/pulumi/pkg/v3)"; pulumi_version="${pulumi_version#v}"
k8s_provider_version="$(modver kubernetes-provider github.com/pulumi/pulumi-kubernetes/sdk/v4)"; k8s_provider_version="${k8s_provider_version#v}"
kubernetes_version="$(modver kubernetes k8s.io/kubernetes)"
if [[ "$(lockver @pulumi/pulumi)" != "$pulumi_version" ]]; then
  log "package-lock.json has @pulumi/pulumi $(lockver @pulumi/pulumi) but pulumi/go.mod builds the CLI $pulumi_version: pin both to one version"; exit 2
fi
if [[ "$(lockver @pulumi/kubernetes)" != "$k8s_provider_version" ]]; then
  log "package-lock.json has @pulumi/kubernetes $(lockver @pulumi/kubernetes) but kubernetes-provider/go.mod builds $k8s_provider_version: pin both to one version"; exit 2
fi

key="$( (go version; cd "$here" && cat build.sh */go.mod */go.sum $(find . -name '*.go' | sort)) | sha256sum | cut -c1-16)"
cache="${APIM_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/apim-gateway/toolchain}/$key"
bin="$cache/bin"
tools=(pulumi pulumi-gen-python pulumi-resource-kubernetes kube-apiserver kube-controller-manager kube-scheduler kubectl etcd kwok)
missing=()
for t in "${tools[@]}"; do [[ -x "$bin/$t" ]] || missing+=("$t"); done
# kwok's default Stages (node initialize/heartbeat, pod ready/complete/delete), from the same module.
[[ -f "$cache/share/kwok-stages.yaml" ]] || missing+=(kwok-stages)
if [[ "${1:-}" == "--check" ]]; then [[ ${#missing[@]} -eq 0 ]] && { echo "$bin"; exit 0; } || exit 1; fi
if [[ ${#missing[@]} -eq 0 ]]; then echo "$bin"; exit 0; fi

mkdir -p "$bin"
log "cache $cache; building: ${missing[*]}"
want() { [[ " ${missing[*]} " == *" $1 "* ]]; }
build() { # build <wrapper dir> <output> <ldflags> <package>
  local start=$SECONDS
  (cd "$here/$1" && go build -trimpath -ldflags "-s -w $3" -o "$bin/$2.tmp" "$4") && mv "$bin/$2.tmp" "$bin/$2"
  log "$2 built in $((SECONDS - start)) s"
}

if want pulumi; then
  build pulumi pulumi "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$pulumi_version" \
    github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
fi

if want pulumi-gen-python; then
  build pulumi pulumi-gen-python "" ./gen-python
fi

if want pulumi-resource-kubernetes; then
  # The provider's own main embeds generated files; embed the module's committed schema (with its version
  # set, as the provider's generator does) and terraform mapping instead.
  work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
  cp "$here/kubernetes-provider/"{go.mod,go.sum,main.go} "$work/"
  src="$(cd "$here/kubernetes-provider" && go list -m -f '{{.Dir}}' github.com/pulumi/pulumi-kubernetes/provider/v4)/cmd/pulumi-resource-kubernetes"
  node -e 'const fs=require("fs");const s=JSON.parse(fs.readFileSync(process.argv[1]));s.version=process.argv[3];fs.writeFileSync(process.argv[2],JSON.stringify(s))' \
    "$src/schema.json" "$work/schema-embed.json" "$k8s_provider_version"
  node -e 'const fs=require("fs");fs.writeFileSync(process.argv[2],JSON.stringify(JSON.parse(fs.readFileSync(process.argv[1]))))' \
    "$src/terraform-mapping.json" "$work/terraform-mapping-embed.json"
  start=$SECONDS
  (cd "$work" && go build -trimpath -ldflags "-s -w -X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=$k8s_provider_version" \
    -o "$bin/pulumi-resource-kubernetes.tmp" .) && mv "$bin/pulumi-resource-kubernetes.tmp" "$bin/pulumi-resource-kubernetes"
  log "pulumi-resource-kubernetes built in $((SECONDS - start)) s"
fi

minor="${kubernetes_version#v1.}"; minor="${minor%%.*}"
k8s_ldflags="-X k8s.io/component-base/version.gitVersion=$kubernetes_version -X k8s.io/component-base/version.gitMajor=1"
k8s_ldflags+=" -X k8s.io/component-base/version.gitMinor=$minor -X k8s.io/component-base/version.gitTreeState=clean"
k8s_ldflags+=" -X k8s.io/client-go/pkg/version.gitVersion=$kubernetes_version -X k8s.io/client-go/pkg/version.gitMajor=1"
k8s_ldflags+=" -X k8s.io/client-go/pkg/version.gitMinor=$minor"
for t in kube-apiserver kube-controller-manager kube-scheduler kubectl; do
  if want "$t"; then build kubernetes "$t" "$k8s_ldflags" "k8s.io/kubernetes/cmd/$t"; fi
done
if want etcd; then build etcd etcd "" go.etcd.io/etcd/server/v3; fi
if want kwok; then
  build kwok kwok "-X sigs.k8s.io/kwok/pkg/consts.Version=$(modver kwok sigs.k8s.io/kwok)" sigs.k8s.io/kwok/cmd/kwok
fi
if want kwok-stages; then
  stages="$(cd "$here/kwok" && go list -m -f '{{.Dir}}' sigs.k8s.io/kwok)/kustomize/stage"
  mkdir -p "$cache/share"
  for f in node/fast/node-initialize.yaml node/heartbeat/node-heartbeat.yaml pod/fast/pod-ready.yaml pod/fast/pod-complete.yaml pod/fast/pod-delete.yaml; do
    echo "---"; cat "$stages/$f"
  done > "$cache/share/kwok-stages.yaml.tmp" && mv "$cache/share/kwok-stages.yaml.tmp" "$cache/share/kwok-stages.yaml"
fi
echo "$bin"
