#!/usr/bin/env bash
# Stops the cluster: the hosts (their processes killed, netns removed), the UI, Temporal, MinIO, PostgreSQL,
# and the bridge. --purge also deletes the data (PostgreSQL, MinIO, env files, service logs, hosts' state);
# the built binaries stay (build.sh caches them).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
purge=${1:-}
[[ -z "$purge" || "$purge" == "--purge" ]] || { echo "usage: deploy/cluster/down.sh [--purge]" >&2; exit 2; }

for name in $("$here/host.sh" ls | awk '{print $1}'); do "$here/host.sh" del "$name" $purge; done
stop_daemon ui
"$here/temporal.sh" stop
stop_daemon minio
"$here/postgres.sh" stop
if ip link show "$CLUSTER_BRIDGE" >/dev/null 2>&1; then ip link del "$CLUSTER_BRIDGE"; step "bridge: $CLUSTER_BRIDGE removed"; fi

if [[ "$purge" == "--purge" ]]; then
  # build-times.txt stays with the binaries it describes.
  rm -rf "$CLUSTER_PG_DATA" "$CLUSTER_MINIO_DATA" "$CLUSTER_DIR/env" "$CLUSTER_DIR/mc" "$CLUSTER_RUN" "$CLUSTER_LOGS"/*.log
  step "purged: PostgreSQL, MinIO, env files, service logs"
fi
