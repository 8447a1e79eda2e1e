#!/usr/bin/env bash
# The cluster's object store: MinIO with its data under .crucible/cluster/minio, bucket 'crucible', and two
# access keys: 'control' reads and writes the whole bucket; 'exec' only keys under artifacts/ (so never private/).
# Starts MinIO unless it runs; the bucket, users and policies are (re)applied every time.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

mc() { "$CLUSTER_BIN/mc" --quiet --no-color "$@"; }

step "minio: S3 on 0.0.0.0:$CLUSTER_MINIO_PORT"
mkdir -p "$CLUSTER_MINIO_DATA"
MINIO_ROOT_USER=$CLUSTER_MINIO_ROOT_USER MINIO_ROOT_PASSWORD=$CLUSTER_MINIO_ROOT_PASSWORD MINIO_REGION=$CLUSTER_REGION \
  MINIO_UPDATE=off \
  start_daemon minio "$CLUSTER_BIN/minio" server --quiet --address "0.0.0.0:$CLUSTER_MINIO_PORT" \
    --console-address "127.0.0.1:$CLUSTER_MINIO_CONSOLE_PORT" "$CLUSTER_MINIO_DATA"
wait_until 60 "MinIO on $CLUSTER_S3_ENDPOINT" curl -fsS "$CLUSTER_S3_ENDPOINT/minio/health/ready"

mc alias set cluster-admin "$CLUSTER_S3_ENDPOINT" "$CLUSTER_MINIO_ROOT_USER" "$CLUSTER_MINIO_ROOT_PASSWORD" >/dev/null
mc mb --ignore-existing "cluster-admin/$CLUSTER_BUCKET" >/dev/null

# user ROLE KEY SECRET: policy crucible-ROLE from policies/ROLE.json, attached to the user KEY.
user() {
  local role=$1 key=$2 secret=$3 policy="crucible-$1"
  mc admin policy create cluster-admin "$policy" "$here/policies/$role.json" >/dev/null
  mc admin user add cluster-admin "$key" "$secret" >/dev/null
  if ! mc admin user info cluster-admin "$key" --json | grep -q "\"policyName\": *\"$policy\""; then
    mc admin policy attach cluster-admin "$policy" --user "$key" >/dev/null
  fi
  step "minio: key $key with policy $policy"
}
user control "$CLUSTER_CONTROL_KEY" "$CLUSTER_CONTROL_SECRET"
user exec "$CLUSTER_EXEC_KEY" "$CLUSTER_EXEC_SECRET"
