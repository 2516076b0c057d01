#!/usr/bin/env bash
# `npm test` (the default suite) and `npm run test:conformance` (the suite that needs ../shared).
# Installs what the tests need when missing (scripts/system-deps.sh), starts a throwaway PostgreSQL server on a free
# port unless ATLAS_TEST_DATABASE_URL names one (stopped again at the end), then runs vitest; further arguments go
# to vitest (`npm test -- src/api`).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

config=vitest.config.ts
if [[ "${1:-}" == "--conformance" ]]; then
  shift
  config=vitest.conformance.config.ts
  shared="$(node scripts/shared-dir.mjs)" || {
    echo "atlas: !!! CONFORMANCE SUITE SKIPPED: no ../shared beside this checkout (the real Livepeer contracts, the Explorer's operations); set ATLAS_SHARED_DIR to run it" >&2
    # CI sets ATLAS_CONFORMANCE_REQUIRED: there the material must be present.
    [[ -n "${ATLAS_CONFORMANCE_REQUIRED:-}" ]] && exit 1
    exit 0
  }
  export ATLAS_SHARED_DIR="$shared"
fi

scripts/system-deps.sh

if [[ -z "${ATLAS_TEST_DATABASE_URL:-}" ]]; then
  port="$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"
  pg_env="$(scripts/ci-postgres.sh "$port")"
  eval "$pg_env"
  trap 'scripts/ci-postgres-stop.sh "$port" >/dev/null 2>&1 || true' EXIT
fi
export ATLAS_TEST_DATABASE_URL

npx vitest run --config "$config" "$@"
