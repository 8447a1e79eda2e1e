# shellcheck shell=bash disable=SC2034
# Shared by the cluster scripts: paths, addresses, ports, credentials and small helpers. Sourced, not run.
# Every setting can be overridden from the environment; docs/cluster.md lists them.
REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CLUSTER_DIR="$REPO_ROOT/.crucible/cluster"
CLUSTER_BIN="$CLUSTER_DIR/bin"
CLUSTER_RUN="$CLUSTER_DIR/run"
CLUSTER_LOGS="$CLUSTER_DIR/logs"
export CLUSTER_STARTED=${CLUSTER_STARTED:-$(date +%s.%N)}

# The bridge that network-namespace hosts (host.sh) plug into; the services listen on its address.
CLUSTER_BRIDGE=${CLUSTER_BRIDGE:-crucible-br0}
CLUSTER_IP=${CLUSTER_IP:-10.88.0.1}
CLUSTER_PREFIX=${CLUSTER_PREFIX:-24}

# Ports away from Temporal's defaults (7233-7239, 6933-6939: the CLI dev server) and from the
# ephemeral range (32768-60999) where tests start their dev servers.
export CLUSTER_PG_PORT=${CLUSTER_PG_PORT:-5433}
export CLUSTER_TEMPORAL_PORT=${CLUSTER_TEMPORAL_PORT:-7300}
export CLUSTER_TEMPORAL_HTTP_PORT=${CLUSTER_TEMPORAL_HTTP_PORT:-7301}
export CLUSTER_TEMPORAL_HISTORY_PORT=${CLUSTER_TEMPORAL_HISTORY_PORT:-7302}
export CLUSTER_TEMPORAL_MATCHING_PORT=${CLUSTER_TEMPORAL_MATCHING_PORT:-7303}
export CLUSTER_TEMPORAL_WORKER_PORT=${CLUSTER_TEMPORAL_WORKER_PORT:-7304}
export CLUSTER_TEMPORAL_FRONTEND_MEMBERSHIP_PORT=${CLUSTER_TEMPORAL_FRONTEND_MEMBERSHIP_PORT:-7310}
export CLUSTER_TEMPORAL_HISTORY_MEMBERSHIP_PORT=${CLUSTER_TEMPORAL_HISTORY_MEMBERSHIP_PORT:-7312}
export CLUSTER_TEMPORAL_MATCHING_MEMBERSHIP_PORT=${CLUSTER_TEMPORAL_MATCHING_MEMBERSHIP_PORT:-7313}
export CLUSTER_TEMPORAL_WORKER_MEMBERSHIP_PORT=${CLUSTER_TEMPORAL_WORKER_MEMBERSHIP_PORT:-7314}
export CLUSTER_UI_PORT=${CLUSTER_UI_PORT:-8080}
CLUSTER_MINIO_PORT=${CLUSTER_MINIO_PORT:-9300}
CLUSTER_MINIO_CONSOLE_PORT=${CLUSTER_MINIO_CONSOLE_PORT:-9301}

# PostgreSQL: a cluster of its own, owned by the Debian 'postgres' user, data under .crucible/cluster.
CLUSTER_PG_BIN=${CLUSTER_PG_BIN:-/usr/lib/postgresql/15/bin}
CLUSTER_PG_DATA="$CLUSTER_DIR/postgres"
export CLUSTER_PG_USER=${CLUSTER_PG_USER:-temporal}
export CLUSTER_PG_PASSWORD=${CLUSTER_PG_PASSWORD:-temporal-cluster}
export CLUSTER_PG_DB=${CLUSTER_PG_DB:-temporal}
export CLUSTER_PG_VISIBILITY_DB=${CLUSTER_PG_VISIBILITY_DB:-temporal_visibility}
export CLUSTER_DYNAMIC_CONFIG="$REPO_ROOT/deploy/temporal-dynamicconfig.yaml"

# MinIO: the root user administers; workers get the 'control' or 'exec' key (policies in deploy/cluster/policies).
CLUSTER_MINIO_DATA="$CLUSTER_DIR/minio"
CLUSTER_MINIO_ROOT_USER=${CLUSTER_MINIO_ROOT_USER:-crucible-admin}
CLUSTER_MINIO_ROOT_PASSWORD=${CLUSTER_MINIO_ROOT_PASSWORD:-crucible-admin-secret}
# The bucket name is also in the policies (deploy/cluster/policies/*.json).
CLUSTER_BUCKET=crucible
CLUSTER_CONTROL_KEY=${CLUSTER_CONTROL_KEY:-crucible-control}
CLUSTER_CONTROL_SECRET=${CLUSTER_CONTROL_SECRET:-crucible-control-secret}
CLUSTER_EXEC_KEY=${CLUSTER_EXEC_KEY:-crucible-exec}
CLUSTER_EXEC_SECRET=${CLUSTER_EXEC_SECRET:-crucible-exec-secret}
CLUSTER_REGION=${CLUSTER_REGION:-us-east-1}
# mc keeps its aliases here, not in ~/.mc.
export MC_CONFIG_DIR="$CLUSTER_DIR/mc"

CLUSTER_TEMPORAL_ADDRESS="$CLUSTER_IP:$CLUSTER_TEMPORAL_PORT"
CLUSTER_S3_ENDPOINT="http://$CLUSTER_IP:$CLUSTER_MINIO_PORT"

# step MESSAGE: one line with the seconds since the script started.
step() {
  printf '[%6.1fs] %s\n' "$(echo "$(date +%s.%N) - $CLUSTER_STARTED" | bc)" "$*"
}

die() {
  echo "error: $*" >&2
  exit 1
}

# wait_until SECONDS WHAT COMMAND...: retries COMMAND every 0.2 s; fails naming WHAT after SECONDS.
wait_until() {
  local limit=$1 what=$2 deadline
  shift 2
  deadline=$(( $(date +%s) + limit ))
  until "$@" >/dev/null 2>&1; do
    (( $(date +%s) < deadline )) || die "$what not ready after ${limit}s"
    sleep 0.2
  done
}

# Daemons started by these scripts: a pid file and a log each, under .crucible/cluster.
pid_of() {
  local pid
  pid=$(cat "$CLUSTER_RUN/$1.pid" 2>/dev/null) || return 1
  kill -0 "$pid" 2>/dev/null && echo "$pid"
}

# start_daemon NAME COMMAND...: starts COMMAND in its own session unless NAME already runs.
start_daemon() {
  local name=$1
  shift
  if pid_of "$name" >/dev/null; then
    step "$name: already running (pid $(pid_of "$name"))"
    return
  fi
  mkdir -p "$CLUSTER_RUN" "$CLUSTER_LOGS"
  setsid "$@" >>"$CLUSTER_LOGS/$name.log" 2>&1 < /dev/null &
  echo $! > "$CLUSTER_RUN/$name.pid"
  step "$name: started (pid $!, log $CLUSTER_LOGS/$name.log)"
}

# stop_daemon NAME: SIGTERM, then SIGKILL after 20 s.
stop_daemon() {
  local name=$1 pid
  pid=$(pid_of "$name") || { rm -f "$CLUSTER_RUN/$name.pid"; return 0; }
  kill "$pid"
  for _ in $(seq 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
  rm -f "$CLUSTER_RUN/$name.pid"
  step "$name: stopped (pid $pid)"
}

# The Temporal CLI that set-up installs (src/config/paths.ts, temporalCliPath()).
temporal_cli() {
  if [[ -n "${TEMPORAL_CLI_PATH:-}" ]]; then echo "$TEMPORAL_CLI_PATH"
  elif [[ -x "$REPO_ROOT/.crucible/venv/bin/temporal" ]]; then echo "$REPO_ROOT/.crucible/venv/bin/temporal"
  else echo temporal; fi
}

# ui_serves_page: the UI's index page, not only a listening socket.
ui_serves_page() {
  curl -fsS "http://127.0.0.1:$CLUSTER_UI_PORT/" | grep -q '<html'
}

# write_worker_env FILE KEY SECRET: KEY=value lines (docker --env-file and systemd read them;
# a shell reads them with `set -a; . FILE; set +a`).
write_worker_env() {
  local file=$1 key=$2 secret=$3
  touch "$file"
  chmod 600 "$file"
  cat > "$file" <<ENV
TEMPORAL_ADDRESS=$CLUSTER_TEMPORAL_ADDRESS
CRUCIBLE_ARTIFACTS=s3://$CLUSTER_BUCKET/artifacts
CRUCIBLE_S3_ENDPOINT=$CLUSTER_S3_ENDPOINT
AWS_REGION=$CLUSTER_REGION
AWS_ACCESS_KEY_ID=$key
AWS_SECRET_ACCESS_KEY=$secret
ENV
}
