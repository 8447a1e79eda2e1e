#!/usr/bin/env bash
# Temporal's schema on the cluster's PostgreSQL, with Temporal's own temporal-sql-tool: creates each database
# and its base schema once, then applies the versioned updates of the server version we build (a no-op when current).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/versions.sh"

# The schema files ship in the server module that build.sh compiled (already in the module cache).
module_dir=$(cd / && GOTOOLCHAIN=local go mod download -json "$TEMPORAL_SERVER_MODULE@$TEMPORAL_SERVER_VERSION" \
  | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
mkdir -p "$CLUSTER_LOGS"
[[ -d "$module_dir/schema/postgresql/v12" ]] || die "no schema/postgresql/v12 in $TEMPORAL_SERVER_MODULE@$TEMPORAL_SERVER_VERSION ($module_dir)"

# The tool logs every statement: to schema.log, and its tail on a failure.
sql_tool() {
  if ! "$CLUSTER_BIN/temporal-sql-tool" "$@" >>"$CLUSTER_LOGS/schema.log" 2>&1; then
    tail -n 20 "$CLUSTER_LOGS/schema.log" >&2
    die "temporal-sql-tool $* failed (log $CLUSTER_LOGS/schema.log)"
  fi
}

psql_scalar() {
  runuser -u postgres -- psql -qtA -h "$CLUSTER_RUN/postgres" -p "$CLUSTER_PG_PORT" "$@"
}

# schema DATABASE DIR: DIR is temporal or visibility under schema/postgresql/v12.
schema() {
  local db=$1 dir="$module_dir/schema/postgresql/v12/$2"
  local sql=(sql_tool --plugin postgres12 --endpoint 127.0.0.1 --port "$CLUSTER_PG_PORT"
             --user "$CLUSTER_PG_USER" --database "$db")
  export SQL_PASSWORD=$CLUSTER_PG_PASSWORD
  if [[ -z "$(psql_scalar -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$db'")" ]]; then
    "${sql[@]}" create-database
    step "schema: database $db created"
  fi
  if [[ -z "$(psql_scalar -d "$db" -c "SELECT to_regclass('public.schema_version')")" ]]; then
    "${sql[@]}" setup-schema --version 0.0
    step "schema: $db base schema set up"
  fi
  "${sql[@]}" update-schema --schema-dir "$dir/versioned"
  step "schema: $db at version $(psql_scalar -d "$db" -c 'SELECT curr_version FROM schema_version')"
}

schema "$CLUSTER_PG_DB" temporal
schema "$CLUSTER_PG_VISIBILITY_DB" visibility
