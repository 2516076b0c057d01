#!/usr/bin/env bash
# Start a throwaway PostgreSQL 15 cluster for tests and print the
# `export ATLAS_TEST_DATABASE_URL=...` line on stdout (everything else goes to
# stderr so callers can `eval "$(scripts/ci-postgres.sh)"`).
#
# Usage: scripts/ci-postgres.sh [port]      (default port 54329, or $ATLAS_PG_PORT)
# Stop with scripts/ci-postgres-stop.sh [port].
set -euo pipefail

PORT="${1:-${ATLAS_PG_PORT:-54329}}"
# The newest PostgreSQL Debian installed (15 on Debian 12).
PG_BIN="${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}"
# One directory per port, so start/stop find the same cluster without state files.
CLUSTER_DIR="${ATLAS_PG_DIR:-${TMPDIR:-/tmp}/atlas-pg-${PORT}}"
DATA_DIR="${CLUSTER_DIR}/data"
PG_USER=atlas
PG_PASSWORD=atlas
URL="postgres://${PG_USER}:${PG_PASSWORD}@127.0.0.1:${PORT}/postgres"

log() { echo "ci-postgres: $*" >&2; }

if [[ ! "$PORT" =~ ^[0-9]+$ ]]; then
  log "port must be a number, got '$PORT'"
  exit 2
fi
if [[ ! -x "${PG_BIN}/initdb" ]]; then
  log "PostgreSQL binaries not found in ${PG_BIN} (apt-get install postgresql)"
  exit 1
fi

# Postgres refuses to run as root, so as root we drop to the `postgres` user;
# as anyone else (a developer laptop) we run the cluster as ourselves.
if [[ "$(id -u)" == "0" ]]; then
  RUN_AS=(runuser -u postgres --)
  OWNER=postgres
else
  RUN_AS=()
  OWNER="$(id -un)"
fi
# From / : the postgres user may not be allowed into the caller's folder (a private temporary one, say).
as_owner() { (cd / && "${RUN_AS[@]}" "$@"); }

can_login() {
  PGPASSWORD="$PG_PASSWORD" PGCONNECT_TIMEOUT=3 "${PG_BIN}/psql" -X -q -h 127.0.0.1 -p "$PORT" \
    -U "$PG_USER" -d postgres -tAc 'select 1' >/dev/null 2>&1
}

emit() { echo "export ATLAS_TEST_DATABASE_URL=${URL}"; }

# Idempotence: a server already answering on this port with our credentials is reused.
if "${PG_BIN}/pg_isready" -q -h 127.0.0.1 -p "$PORT" 2>/dev/null; then
  if can_login; then
    log "already running on 127.0.0.1:${PORT}"
    emit
    exit 0
  fi
  log "something is listening on 127.0.0.1:${PORT} but does not accept ${PG_USER}/${PG_PASSWORD}; pick another port"
  exit 1
fi

# Nothing answers: whatever is left in the directory is a dead throwaway cluster.
if [[ -f "${DATA_DIR}/postmaster.pid" ]]; then
  as_owner "${PG_BIN}/pg_ctl" -D "$DATA_DIR" -m immediate stop >/dev/null 2>&1 || true
fi
# Guard the rm: only ever delete a directory that is empty or holds one of our clusters.
if [[ -d "$CLUSTER_DIR" && -n "$(ls -A "$CLUSTER_DIR")" && ! -f "${DATA_DIR}/PG_VERSION" ]]; then
  log "${CLUSTER_DIR} exists and is not an atlas test cluster; refusing to delete it"
  exit 1
fi
rm -rf "$CLUSTER_DIR"
mkdir -p "$CLUSTER_DIR"
chown "$OWNER" "$CLUSTER_DIR"
chmod 700 "$CLUSTER_DIR"

PWFILE="${CLUSTER_DIR}/pwfile"
printf '%s\n' "$PG_PASSWORD" >"$PWFILE"
chown "$OWNER" "$PWFILE"
chmod 600 "$PWFILE"

log "initdb in ${DATA_DIR}"
as_owner "${PG_BIN}/initdb" -D "$DATA_DIR" -U "$PG_USER" --pwfile="$PWFILE" \
  --auth-host=scram-sha-256 --auth-local=trust --encoding=UTF8 --locale=C.UTF-8 >"${CLUSTER_DIR}/initdb.log" 2>&1 || {
  cat "${CLUSTER_DIR}/initdb.log" >&2
  exit 1
}
rm -f "$PWFILE"

# Durability is pointless for a test cluster; turning it off makes DDL-heavy tests much faster.
cat >>"${DATA_DIR}/postgresql.conf" <<CONF

# --- atlas test cluster ---
listen_addresses = '127.0.0.1'
port = ${PORT}
unix_socket_directories = '${CLUSTER_DIR}'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
CONF

log "starting on 127.0.0.1:${PORT}"
if ! as_owner "${PG_BIN}/pg_ctl" -D "$DATA_DIR" -l "${CLUSTER_DIR}/server.log" -w -t 60 start >/dev/null; then
  cat "${CLUSTER_DIR}/server.log" >&2 || true
  exit 1
fi

for _ in $(seq 1 60); do
  if can_login; then
    emit
    exit 0
  fi
  sleep 0.5
done
log "server did not accept connections in time"
cat "${CLUSTER_DIR}/server.log" >&2 || true
exit 1
