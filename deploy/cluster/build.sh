#!/usr/bin/env bash
# Builds the cluster's services from their Go modules into .crucible/cluster/bin.
# Each binary is rebuilt only when its inputs change: its module@version and the hash of this script and versions.sh.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/versions.sh"

bin="$CLUSTER_DIR/bin"
stamps="$bin/.stamps"
mkdir -p "$stamps" "$CLUSTER_DIR/logs"
recipe=$(cat "$here/build.sh" "$here/versions.sh" | sha256sum | cut -d' ' -f1)

# build NAME MODULE VERSION PACKAGE: go install PACKAGE@VERSION, renamed to NAME (several packages are called 'server').
build() {
  local name=$1 module=$2 version=$3 package=$4
  local stamp="$module@$version $package $recipe"
  if [[ -x "$bin/$name" && "$(cat "$stamps/$name" 2>/dev/null)" == "$stamp" ]]; then
    step "$name: up to date ($module@$version)"
    return
  fi
  local gobin="$bin/.gobin-$name" started=$SECONDS
  rm -rf "$gobin"
  step "$name: building $package@$version"
  # Local toolchain only: a module that asks for a newer Go fails here instead of downloading one.
  GOTOOLCHAIN=local CGO_ENABLED=0 GOBIN="$gobin" \
    nice -n 10 go install -trimpath -ldflags='-s -w' "$package@$version"
  mv "$gobin"/* "$bin/$name"
  rm -rf "$gobin"
  echo "$stamp" > "$stamps/$name"
  echo "$(date -u +%FT%TZ) $name $module@$version $((SECONDS - started))s" >> "$CLUSTER_DIR/logs/build-times.txt"
  step "$name: built in $((SECONDS - started))s"
}

build temporal-server "$TEMPORAL_SERVER_MODULE" "$TEMPORAL_SERVER_VERSION" "$TEMPORAL_SERVER_MODULE/cmd/server"
build temporal-sql-tool "$TEMPORAL_SERVER_MODULE" "$TEMPORAL_SERVER_VERSION" "$TEMPORAL_SERVER_MODULE/cmd/tools/sql"
build temporal-ui-server "$UI_SERVER_MODULE" "$UI_SERVER_VERSION" "$UI_SERVER_MODULE/cmd/server"
build minio "$MINIO_MODULE" "$MINIO_VERSION" "$MINIO_MODULE"
build mc "$MC_MODULE" "$MC_VERSION" "$MC_MODULE"
