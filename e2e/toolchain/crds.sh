#!/usr/bin/env bash
# The CustomResourceDefinitions the e2e cluster installs at start-up, so that its apiserver validates the custom
# objects the component can create: KEDA's ScaledObject and the Secrets Store CSI driver's SecretProviderClass. Each
# comes from its project's published Go module (the Go module proxy is the only source), copied into a cache keyed
# by the versions below (APIM_E2E_CACHE, default ~/.cache/apim-gateway/toolchain), like the toolchain.
#
# Usage: e2e/toolchain/crds.sh            downloads what is missing, prints the directory of the CRD files on stdout
#        e2e/toolchain/crds.sh --check    exits 1 (printing nothing) when something would have to be downloaded
set -euo pipefail

# module@version and the CRD files (paths inside the module) taken from it. KEDA v2.21.1 needs Go 1.27; v2.21.0 is
# the newest this Go builds against. The Secrets Store CSI driver's newest the proxy serves is v1.6.1 (v1.7.0: 403).
KEDA="github.com/kedacore/keda/v2@v2.21.0"
KEDA_CRDS="config/crd/bases/keda.sh_scaledobjects.yaml config/crd/bases/keda.sh_triggerauthentications.yaml"
SECRETS_STORE="sigs.k8s.io/secrets-store-csi-driver@v1.6.1"
SECRETS_STORE_CRDS="config/crd/bases/secrets-store.csi.x-k8s.io_secretproviderclasses.yaml"
# Bump when the way the files are collected changes.
RECIPE=1

log() { echo "[crds] $*" >&2; }
root="${APIM_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/apim-gateway/toolchain}"
key="$(echo "$KEDA $KEDA_CRDS $SECRETS_STORE $SECRETS_STORE_CRDS recipe $RECIPE" | sha256sum | cut -c1-16)"
out="$root/crds-$key"
if [[ -f "$out/.complete" ]]; then echo "$out"; exit 0; fi
if [[ "${1:-}" == "--check" ]]; then exit 1; fi

# A module's folder in the module cache (downloaded first: on an empty cache there is none yet).
moddir() {
  local json dir
  json="$(cd "$(mktemp -d)" && GOTOOLCHAIN=local GOFLAGS=-mod=mod go mod download -json "$1")" || { log "could not download $1: $json"; exit 3; }
  dir="$(node -e 'const j=JSON.parse(require("fs").readFileSync(0,"utf8"));if(j.Error){console.error(j.Error);process.exit(1)}console.log(j.Dir||"")' <<<"$json")"
  if [[ -z "$dir" || ! -d "$dir" ]]; then log "no folder for $1 in the module cache"; exit 3; fi
  echo "$dir"
}

mkdir -p "$root"
tmp="$(mktemp -d "$root/crds-tmp.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
collect() { # collect <module@version> <files...>
  local dir; dir="$(moddir "$1")"; shift
  for f in "$@"; do
    if [[ ! -f "$dir/$f" ]]; then log "$f is not in $(basename "$dir")"; exit 4; fi
    cp "$dir/$f" "$tmp/"
  done
}
collect "$KEDA" $KEDA_CRDS
collect "$SECRETS_STORE" $SECRETS_STORE_CRDS
echo "$KEDA $SECRETS_STORE" > "$tmp/.complete"
rm -rf "$out"; mv "$tmp" "$out"; trap - EXIT
log "CRDs of $KEDA and $SECRETS_STORE in $out"
echo "$out"
