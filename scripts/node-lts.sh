#!/usr/bin/env bash
# Prints a folder holding a `node` binary of the given major version (22 or 24), fetched once from the npm registry's
# `node` package into ~/.cache/atlas/node-<major> (ATLAS_NODE_CACHE elsewhere). For CI: PATH="$(scripts/node-lts.sh 24):$PATH".
set -euo pipefail
major="${1:?usage: scripts/node-lts.sh <major version>}"
dir="${ATLAS_NODE_CACHE:-${HOME}/.cache/atlas}/node-${major}"
bin="${dir}/node_modules/.bin"
if [[ ! -x "${bin}/node" ]] || [[ "$("${bin}/node" --version)" != "v${major}."* ]]; then
  echo "atlas: fetching Node ${major} from the npm registry into ${dir}" >&2
  mkdir -p "$dir"
  npm install --prefix "$dir" --no-audit --no-fund --no-save --loglevel=error "node@${major}" >&2
fi
echo "$bin"
