#!/usr/bin/env bash
# Builds the worker image `crucible-worker:<recipe-hash>` (also tagged `crucible-worker:latest`) that
# docker-compose.yml runs the control and exec workers from, without a container registry: on the
# sandbox image (scripts/sandbox-image.sh, built first when missing), it adds the host's Node 20 binary
# and the app (package files, src/, prompts/, bin/, tsconfig.json) with the production dependencies
# of `npm ci --omit=dev`, installed here from npm's registry or its local cache.
#
#   scripts/worker-image.sh           build unless the image of this recipe exists
#   --force                           rebuild even when it exists
#
# The recipe hash covers this script, deploy/worker.Dockerfile, the package files, every file of src/,
# prompts/ and bin/, the Node binary and the sandbox image's id: when the image with that tag exists,
# the script does nothing. It prints the tag on stdout.
set -euo pipefail
SELF="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
cd "$(dirname "$SELF")/.."
ROOT=$PWD
STATE="${CRUCIBLE_HOME:-$ROOT/.crucible}"
REPO=crucible-worker
APP_PATHS=(package.json package-lock.json tsconfig.json src prompts bin)

FORCE=0
while [ $# -gt 0 ]; do
  case "$1" in
    --force) FORCE=1 ;;
    -h|--help) sed -n '2,14p' "$SELF"; exit 0 ;;
    *) printf 'unknown option: %s\n' "$1" >&2; exit 2 ;;
  esac
  shift
done

say() { printf '[worker-image] %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
T_START=$(now_ms)
T_STEP=$T_START
lap() { local t; t=$(now_ms); say "$(printf '%-34s %6.1f s   (total %6.1f s)' "$1" "$(( t - T_STEP ))e-3" "$(( t - T_START ))e-3")"; T_STEP=$t; }

docker info >/dev/null 2>&1 || die "no Docker engine answers; run scripts/docker-engine.sh first."
NODE=$(readlink -f "$(command -v node)") || die "node is not on PATH (Node 20 is needed)"
"$NODE" -e 'process.exit(process.versions.node.split(".")[0] === "20" ? 0 : 1)' || die "$NODE is Node $("$NODE" --version), not 20"

# The sandbox image is the base; its script is a no-op when the image of its recipe exists.
bash scripts/sandbox-image.sh >&2
BASE=crucible-sandbox:latest
BASE_ID=$(docker image inspect -f '{{.Id}}' "$BASE")
lap "sandbox base image"

HASH=$( { printf '%s\n' "$BASE_ID"; sha256sum "$NODE" | cut -d' ' -f1; cat "$SELF" deploy/worker.Dockerfile;
  find "${APP_PATHS[@]}" -type f -print0 | sort -z | xargs -0 sha256sum; } | sha256sum | cut -c1-12)
TAG="$REPO:$HASH"
if [ "$FORCE" = 0 ] && docker image inspect "$TAG" >/dev/null 2>&1; then
  docker tag "$TAG" "$REPO:latest"
  say "up to date: $TAG"
  echo "$TAG"
  exit 0
fi

mkdir -p "$STATE"
BUILD="$STATE/worker-build"
rm -rf "$BUILD"
mkdir -p "$BUILD/app"
trap 'rm -rf "$BUILD"' EXIT
cp -a "${APP_PATHS[@]}" "$BUILD/app/"
cp "$NODE" "$BUILD/node"
(cd "$BUILD/app" && npm ci --omit=dev --no-audit --no-fund --prefer-offline --loglevel=error >&2) || die "npm ci --omit=dev failed (output above)"
lap "stage app + npm ci --omit=dev"

docker build -q -f deploy/worker.Dockerfile --build-arg "BASE=$BASE" --label "crucible.recipe=$HASH" -t "$TAG" "$BUILD" >/dev/null \
  || die "docker build of $TAG failed"
lap "docker build"
docker tag "$TAG" "$REPO:latest"
for old in $(docker image ls "$REPO" --format '{{.Repository}}:{{.Tag}}' | grep -vxF -e "$TAG" -e "$REPO:latest"); do
  docker image rm "$old" >/dev/null 2>&1 || true
done
SIZE=$(docker image inspect -f '{{.Size}}' "$TAG")
say "built $TAG (also $REPO:latest): $(( SIZE / 1000000 )) MB in $(( ($(now_ms) - T_START) / 1000 )) s"
echo "$TAG"
