#!/usr/bin/env bash
# Stop and delete the throwaway cluster started by scripts/ci-postgres.sh.
# Usage: scripts/ci-postgres-stop.sh [port]
set -euo pipefail

PORT="${1:-${ATLAS_PG_PORT:-54329}}"
# The newest PostgreSQL Debian installed (15 on Debian 12).
PG_BIN="${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}"
CLUSTER_DIR="${ATLAS_PG_DIR:-${TMPDIR:-/tmp}/atlas-pg-${PORT}}"
DATA_DIR="${CLUSTER_DIR}/data"

if [[ ! -f "${DATA_DIR}/PG_VERSION" ]]; then
  echo "ci-postgres-stop: no cluster in ${CLUSTER_DIR}" >&2
  exit 0
fi

if [[ "$(id -u)" == "0" ]]; then
  RUN_AS=(runuser -u postgres --)
else
  RUN_AS=()
fi

if [[ -f "${DATA_DIR}/postmaster.pid" ]]; then
  "${RUN_AS[@]}" "${PG_BIN}/pg_ctl" -D "$DATA_DIR" -m fast -w -t 30 stop >/dev/null 2>&1 ||
    "${RUN_AS[@]}" "${PG_BIN}/pg_ctl" -D "$DATA_DIR" -m immediate stop >/dev/null 2>&1 || true
fi
rm -rf "$CLUSTER_DIR"
echo "ci-postgres-stop: stopped and removed ${CLUSTER_DIR}" >&2
