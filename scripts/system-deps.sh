#!/usr/bin/env bash
# What the test suite needs beyond npm: Chromium (the browser tests) and PostgreSQL (every database test runs on
# PGlite and on a PostgreSQL server). Missing ones are installed from Debian with apt-get, as root or via sudo,
# saying what is installed first. A machine that has both (or a server in ATLAS_TEST_DATABASE_URL) installs nothing.
set -euo pipefail

log() { echo "atlas: $*" >&2; }

need=()
chromium="${ATLAS_CHROMIUM:-/usr/bin/chromium}"
[[ -x "$chromium" ]] || need+=(chromium)
if [[ -z "${ATLAS_TEST_DATABASE_URL:-}" ]] && ! compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; then
  need+=(postgresql)
fi
((${#need[@]} == 0)) && exit 0

if ! command -v apt-get >/dev/null; then
  log "the tests need ${need[*]}, and this machine has no apt-get: install them with its package manager"
  log "(or point ATLAS_CHROMIUM at a Chromium binary and ATLAS_TEST_DATABASE_URL at a PostgreSQL server)"
  exit 1
fi
if [[ "$(id -u)" == "0" ]]; then
  as_root=()
  how="as root"
elif command -v sudo >/dev/null; then
  as_root=(sudo)
  how="with sudo"
else
  log "the tests need ${need[*]} from Debian; run as root or install sudo (apt-get install ${need[*]})"
  exit 1
fi
log "installing ${need[*]} from Debian (apt-get, ${how}) for the browser and PostgreSQL tests"
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
log "installed ${need[*]}"
