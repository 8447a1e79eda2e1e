#!/usr/bin/env bash
# The cluster's Temporal server process alone: start | stop | restart | status.
# A restart keeps PostgreSQL, the UI and MinIO up (the cluster drill restarts the server this way).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

start() {
  [[ -x "$CLUSTER_BIN/temporal-server" ]] || die "$CLUSTER_BIN/temporal-server is missing; run deploy/cluster/build.sh"
  start_daemon temporal "$CLUSTER_BIN/temporal-server" --config-file "$REPO_ROOT/deploy/cluster/temporal.yaml" --allow-no-auth start
  # Ready when the frontend answers the health check on both addresses clients use.
  wait_until 120 "Temporal frontend on 127.0.0.1:$CLUSTER_TEMPORAL_PORT" \
    "$(temporal_cli)" operator cluster health --address "127.0.0.1:$CLUSTER_TEMPORAL_PORT"
  wait_until 30 "Temporal frontend on $CLUSTER_TEMPORAL_ADDRESS" \
    "$(temporal_cli)" operator cluster health --address "$CLUSTER_TEMPORAL_ADDRESS"
  step "temporal: serving on $CLUSTER_TEMPORAL_ADDRESS and 127.0.0.1:$CLUSTER_TEMPORAL_PORT"
}

case "${1:-}" in
  start) start ;;
  stop) stop_daemon temporal ;;
  restart) stop_daemon temporal; start ;;
  status)
    if pid=$(pid_of temporal); then echo "temporal: running (pid $pid) on $CLUSTER_TEMPORAL_ADDRESS"; else echo "temporal: stopped"; exit 1; fi ;;
  *) echo "usage: deploy/cluster/temporal.sh start|stop|restart|status" >&2; exit 2 ;;
esac
