#!/usr/bin/env bash
# Builds the real-engine toolchain from Go modules (the Go module proxy is the only source):
#   pulumi                      github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
#   pulumi-language-yaml        github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml (same wrapper as the CLI)
#   pulumi-gen-python           pulumi/gen-python: pkg/v3's Python code generator over a schema file
#   pulumi-resource-kubernetes  github.com/pulumi/pulumi-kubernetes/provider/v4 (wrapper main, see kubernetes-provider/)
#   kube-apiserver, kube-controller-manager, kube-scheduler, kubectl   k8s.io/kubernetes
#   etcd                        go.etcd.io/etcd/server/v3
#   kwok                        sigs.k8s.io/kwok/cmd/kwok
# Each tool has a wrapper module here (go.mod + go.sum pin exact versions; the upstream modules carry local
# `replace` lines that `go install mod@version` refuses). Binaries go to a cache outside the repository
# (APIM_E2E_CACHE, default ~/.cache/apim-gateway/toolchain), keyed per wrapper by a hash of everything that decides
# them, so a warm run costs well under a second.
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
# A module's source folder. On an empty module cache `go list -m -f {{.Dir}}` prints nothing (the module is not
# downloaded yet), so download it first, and refuse an empty answer instead of reading from "/".
moddir() {
  local dir
  dir="$(cd "$here/$1" && go mod download "$2" && go list -m -f '{{.Dir}}' "$2")"
  if [[ -z "$dir" || ! -d "$dir" ]]; then log "could not download $2 (wrapper $1): check the Go module proxy"; exit 3; fi
  echo "$dir"
}
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

# Each wrapper module is cached on its own, keyed by a hash of what decides its binaries (the Go version, the
# wrapper's files, the recipe line below), so a change to one wrapper rebuilds only that wrapper's tools. The
# bin directory that the e2e environment puts on PATH links to them.
declare -A group_tools=(
  [pulumi]="pulumi pulumi-language-yaml pulumi-gen-python"
  [kubernetes-provider]="pulumi-resource-kubernetes"
  [kubernetes]="kube-apiserver kube-controller-manager kube-scheduler kubectl"
  [etcd]="etcd"
  [kwok]="kwok kwok-stages"
)
# Bump a group's recipe when the way it is built below changes (flags, copied files).
declare -A recipe=([pulumi]=2 [kubernetes-provider]=2 [kubernetes]=1 [etcd]=1 [kwok]=1)
groups=(pulumi kubernetes-provider kubernetes etcd kwok)
root="${APIM_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/apim-gateway/toolchain}"
gover="$(go version)"
declare -A gdir
for g in "${groups[@]}"; do
  k="$( (echo "$gover recipe ${recipe[$g]}"; cd "$here/$g" && cat go.mod go.sum $(find . -name '*.go' | sort)) | sha256sum | cut -c1-16)"
  gdir[$g]="$root/$g-$k"
done
key="$(for g in "${groups[@]}"; do echo "${gdir[$g]##*/}"; done | sha256sum | cut -c1-16)"
bin="$root/bin-$key/bin"
# Where a tool's file lives once built.
target() { # target <group> <tool>
  if [[ "$2" == kwok-stages ]]; then echo "${gdir[$1]}/share/kwok-stages.yaml"; else echo "${gdir[$1]}/bin/$2"; fi
}
missing=()
for g in "${groups[@]}"; do for t in ${group_tools[$g]}; do [[ -f "$(target "$g" "$t")" ]] || missing+=("$t"); done; done
link_bin() {
  mkdir -p "$bin" "$bin/../share"
  for g in "${groups[@]}"; do for t in ${group_tools[$g]}; do
    if [[ "$t" == kwok-stages ]]; then ln -sfn "$(target "$g" "$t")" "$bin/../share/kwok-stages.yaml"
    else ln -sfn "$(target "$g" "$t")" "$bin/$t"; fi
  done; done
}
if [[ "${1:-}" == "--check" ]]; then
  [[ ${#missing[@]} -eq 0 ]] || exit 1
  [[ -e "$bin/kwok" ]] || link_bin
  echo "$bin"; exit 0
fi
if [[ ${#missing[@]} -eq 0 ]]; then [[ -e "$bin/kwok" ]] || link_bin; echo "$bin"; exit 0; fi

# Seconds each tool took in the last measured cold build (empty module, build and tool caches; 2 cores shared with
# other jobs):
# printed beside the elapsed time so that a newcomer knows the half hour is normal.
declare -A cold=([pulumi]=395 [pulumi-language-yaml]=35 [pulumi-gen-python]=4 [pulumi-resource-kubernetes]=827
  [kube-apiserver]=565 [kube-controller-manager]=199 [kube-scheduler]=24 [kubectl]=87 [etcd]=131 [kwok]=304 [kwok-stages]=1)
expected=0; for t in "${missing[@]}"; do expected=$((expected + ${cold[$t]:-0})); done
log "cache $root"
log "building ${#missing[@]} tools: ${missing[*]}; the last cold build took $((expected / 60)) min on 2 cores (a warm cache: under a second)"
want() { [[ " ${missing[*]} " == *" $1 "* ]]; }
done_tools=0
# step <tool> <command...>: runs one build step with a progress line every minute.
step() {
  local tool="$1" start=$SECONDS; shift
  done_tools=$((done_tools + 1))
  log "[$done_tools/${#missing[@]}] $tool: building (cold build: about ${cold[$tool]:-?} s; $((SECONDS / 60)) min elapsed in all)"
  # (Stopped with SIGPIPE, whose end bash does not announce as "Terminated".)
  ( while sleep 60; do log "    $tool: $((SECONDS - start)) s of about ${cold[$tool]:-?} s"; done ) &
  local ticker=$! rc=0
  "$@" || rc=$?
  pkill -P "$ticker" 2>/dev/null || true; kill -PIPE "$ticker" 2>/dev/null || true; wait "$ticker" 2>/dev/null || true
  if [[ $rc -ne 0 ]]; then log "$tool: build failed (exit $rc)"; exit "$rc"; fi
  log "    $tool built in $((SECONDS - start)) s"
}
gobuild() { # gobuild <wrapper dir> <output> <ldflags> <package>
  local out; out="$(target "$1" "$2")"; mkdir -p "${out%/*}"
  (cd "$here/$1" && go build -trimpath -ldflags "-s -w $3" -o "$out.tmp" "$4") && mv "$out.tmp" "$out"
}
build() { step "$2" gobuild "$@"; }

if want pulumi; then
  build pulumi pulumi "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$pulumi_version" \
    github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
fi

if want pulumi-language-yaml; then
  build pulumi pulumi-language-yaml "-X github.com/pulumi/pulumi-yaml/pkg/version.Version=$(modver pulumi github.com/pulumi/pulumi-yaml)" \
    github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml
fi

if want pulumi-gen-python; then
  build pulumi pulumi-gen-python "" ./gen-python
fi

if want pulumi-resource-kubernetes; then
  # The provider's own main embeds generated files; embed the module's committed schema (with its version
  # set, as the provider's generator does) and terraform mapping instead.
  work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
  cp "$here/kubernetes-provider/"{go.mod,go.sum,main.go} "$work/"
  src="$(moddir kubernetes-provider github.com/pulumi/pulumi-kubernetes/provider/v4)/cmd/pulumi-resource-kubernetes"
  node -e 'const fs=require("fs");const s=JSON.parse(fs.readFileSync(process.argv[1]));s.version=process.argv[3];fs.writeFileSync(process.argv[2],JSON.stringify(s))' \
    "$src/schema.json" "$work/schema-embed.json" "$k8s_provider_version"
  node -e 'const fs=require("fs");fs.writeFileSync(process.argv[2],JSON.stringify(JSON.parse(fs.readFileSync(process.argv[1]))))' \
    "$src/terraform-mapping.json" "$work/terraform-mapping-embed.json"
  k8sprovider() {
    local out; out="$(target kubernetes-provider pulumi-resource-kubernetes)"; mkdir -p "${out%/*}"
    (cd "$work" && go build -trimpath -ldflags "-s -w -X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=$k8s_provider_version" \
      -o "$out.tmp" .) && mv "$out.tmp" "$out"
  }
  step pulumi-resource-kubernetes k8sprovider
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
  stages="$(moddir kwok sigs.k8s.io/kwok)/kustomize/stage"
  out="$(target kwok kwok-stages)"; mkdir -p "${out%/*}"
  for f in node/fast/node-initialize.yaml node/heartbeat/node-heartbeat.yaml pod/fast/pod-ready.yaml pod/fast/pod-complete.yaml pod/fast/pod-delete.yaml; do
    echo "---"; cat "$stages/$f"
  done > "$out.tmp" && mv "$out.tmp" "$out"
fi
link_bin
log "toolchain ready in $((SECONDS / 60)) min $((SECONDS % 60)) s"
echo "$bin"
