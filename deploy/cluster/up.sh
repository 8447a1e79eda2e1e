#!/usr/bin/env bash
# Brings the production cluster up on this machine from nothing, and is a no-op for what already runs:
# bridge crucible-br0, PostgreSQL, Temporal's schema, the Temporal server, the default namespace and
# Crucible's search attributes, the Temporal UI, MinIO with its bucket, keys and policies, and the
# workers' env files. Prints each step with the seconds since the start. docs/cluster.md has the details.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
[[ $EUID -eq 0 ]] || die "deploy/cluster/up.sh needs root (bridge, PostgreSQL as the postgres user)"

step "build: Go services (cached by inputs)"
"$here/build.sh"

step "postgresql: package"
if [[ ! -x "$CLUSTER_PG_BIN/initdb" ]]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 >/dev/null
  # Debian starts a 'main' cluster on 5432; ours is separate and the packaged one is not needed.
  pg_ctlcluster 15 main stop 2>/dev/null || true
fi

step "bridge: $CLUSTER_BRIDGE $CLUSTER_IP/$CLUSTER_PREFIX"
ip link show "$CLUSTER_BRIDGE" >/dev/null 2>&1 || ip link add "$CLUSTER_BRIDGE" type bridge
ip addr show dev "$CLUSTER_BRIDGE" | grep -q "inet $CLUSTER_IP/" || ip addr add "$CLUSTER_IP/$CLUSTER_PREFIX" dev "$CLUSTER_BRIDGE"
ip link set "$CLUSTER_BRIDGE" up

"$here/postgres.sh" start

step "schema: Temporal's main and visibility stores"
"$here/schema.sh"

"$here/temporal.sh" start

step "namespace: default"
cli=$(temporal_cli)
if ! "$cli" operator namespace describe --namespace default --address "$CLUSTER_TEMPORAL_ADDRESS" >/dev/null 2>&1; then
  "$cli" operator namespace create --namespace default --retention 720h --address "$CLUSTER_TEMPORAL_ADDRESS"
fi

step "search attributes: crucible attributes"
TEMPORAL_ADDRESS=$CLUSTER_TEMPORAL_ADDRESS "$REPO_ROOT/bin/crucible" attributes

step "ui: Temporal UI on :$CLUSTER_UI_PORT"
start_daemon ui "$CLUSTER_BIN/temporal-ui-server" --root "$here" --config ui --env cluster start
wait_until 60 "Temporal UI on 127.0.0.1:$CLUSTER_UI_PORT" ui_serves_page

"$here/minio.sh"

step "env files: $CLUSTER_DIR/env/{control,exec}.env"
mkdir -p "$CLUSTER_DIR/env"
write_worker_env "$CLUSTER_DIR/env/control.env" "$CLUSTER_CONTROL_KEY" "$CLUSTER_CONTROL_SECRET"
write_worker_env "$CLUSTER_DIR/env/exec.env" "$CLUSTER_EXEC_KEY" "$CLUSTER_EXEC_SECRET"

step "up: Temporal $CLUSTER_TEMPORAL_ADDRESS, UI http://$CLUSTER_IP:$CLUSTER_UI_PORT, S3 $CLUSTER_S3_ENDPOINT"
