#!/usr/bin/env bash
# The cluster's PostgreSQL: start | stop | status. Initialised on first start under .crucible/cluster/postgres,
# run as the Debian 'postgres' user, listening on the bridge address and 127.0.0.1 with password auth.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

as_postgres() { runuser -u postgres -- "$@"; }
pg_ctl() { as_postgres "$CLUSTER_PG_BIN/pg_ctl" -D "$CLUSTER_PG_DATA" "$@"; }
socket_dir="$CLUSTER_RUN/postgres"

init() {
  step "postgresql: initdb $CLUSTER_PG_DATA"
  install -d -o postgres -g postgres -m 700 "$CLUSTER_PG_DATA"
  as_postgres "$CLUSTER_PG_BIN/initdb" -D "$CLUSTER_PG_DATA" -U postgres --auth-local=peer --auth-host=scram-sha-256 >/dev/null
  # initdb allows 127.0.0.1 only; hosts on the bridge connect with a password too.
  echo "host all all $CLUSTER_IP/$CLUSTER_PREFIX scram-sha-256" >> "$CLUSTER_PG_DATA/pg_hba.conf"
}

start() {
  [[ -f "$CLUSTER_PG_DATA/PG_VERSION" ]] || init
  install -d -o postgres -g postgres "$socket_dir"
  install -d "$CLUSTER_LOGS"
  touch "$CLUSTER_LOGS/postgres.log" && chown postgres "$CLUSTER_LOGS/postgres.log"
  if pg_ctl status >/dev/null 2>&1; then
    step "postgresql: already running"
  else
    pg_ctl -l "$CLUSTER_LOGS/postgres.log" -w \
      -o "-p $CLUSTER_PG_PORT -k $socket_dir -c listen_addresses=127.0.0.1,$CLUSTER_IP" start >/dev/null
    step "postgresql: started on 127.0.0.1:$CLUSTER_PG_PORT and $CLUSTER_IP:$CLUSTER_PG_PORT"
  fi
  # The role is (re)set on every start so a changed CLUSTER_PG_PASSWORD takes effect.
  as_postgres psql -q -h "$socket_dir" -p "$CLUSTER_PG_PORT" -d postgres -v ON_ERROR_STOP=1 \
    -v user="$CLUSTER_PG_USER" -v password="$CLUSTER_PG_PASSWORD" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN CREATEDB', :'user') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'user') \gexec
ALTER ROLE :"user" WITH LOGIN CREATEDB PASSWORD :'password';
SQL
  step "postgresql: role $CLUSTER_PG_USER ready"
}

case "${1:-}" in
  start) start ;;
  stop) if pg_ctl status >/dev/null 2>&1; then pg_ctl -m fast -w stop >/dev/null; step "postgresql: stopped"; fi ;;
  status) pg_ctl status >/dev/null 2>&1 && echo "postgresql: running on port $CLUSTER_PG_PORT" || { echo "postgresql: stopped"; exit 1; } ;;
  *) echo "usage: deploy/cluster/postgres.sh start|stop|status" >&2; exit 2 ;;
esac
