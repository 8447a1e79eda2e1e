#!/usr/bin/env bash
# One line per part of the cluster; exits 1 when any service is down.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
down=0

report() {  # report NAME OK DETAIL
  if [[ "$2" == 0 ]]; then printf '%-11s up    %s\n' "$1" "$3"; else printf '%-11s DOWN  %s\n' "$1" "$3"; down=1; fi
}

ip link show "$CLUSTER_BRIDGE" >/dev/null 2>&1; report bridge $? "$CLUSTER_BRIDGE $CLUSTER_IP/$CLUSTER_PREFIX"
"$here/postgres.sh" status >/dev/null 2>&1; report postgresql $? "$CLUSTER_IP:$CLUSTER_PG_PORT and 127.0.0.1 (pid file in $CLUSTER_PG_DATA)"
"$(temporal_cli)" operator cluster health --address "$CLUSTER_TEMPORAL_ADDRESS" >/dev/null 2>&1
report temporal $? "$CLUSTER_TEMPORAL_ADDRESS, pid $(pid_of temporal || echo none)"
ui_serves_page 2>/dev/null; report ui $? "http://$CLUSTER_IP:$CLUSTER_UI_PORT, pid $(pid_of ui || echo none)"
curl -fsS "$CLUSTER_S3_ENDPOINT/minio/health/ready" >/dev/null 2>&1
report minio $? "$CLUSTER_S3_ENDPOINT, pid $(pid_of minio || echo none)"
echo "hosts:"
"$here/host.sh" ls | sed 's/^/  /'
exit $down
