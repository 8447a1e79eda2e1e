#!/usr/bin/env bash
# Builds the sandbox image `crucible-sandbox:<recipe-hash>` (also tagged `crucible-sandbox:latest`)
# that DockerExecutor runs solutions in.
#
#   scripts/sandbox-image.sh               debootstrap from the host's Debian mirror + `docker import`;
#                                          needs root and the mirror only, no container registry.
#   scripts/sandbox-image.sh --dockerfile  `docker build` of sandbox/Dockerfile instead, for machines
#                                          that can pull debian:bookworm-slim from a registry.
#   --force                                rebuild even when the recipe's image exists.
#   --profile mlebench                     the MLE-bench image `crucible-sandbox-mlebench:<hash>` (and
#                                          :latest): the base image (built first when missing) plus
#                                          sandbox/mlebench-packages.txt from the Debian mirror and a venv,
#                                          /opt/mlebench-venv, of sandbox/mlebench-requirements.txt installed
#                                          offline from the wheelhouse of sandbox/mlebench-wheels.sh (PyPI,
#                                          read on the host). About 10 GB; needs no container registry.
#                                          GPU workers run the same image with their devices (torch from
#                                          PyPI is the CUDA build).
#
# The base image carries no packaged dataset (sandbox/strip_task_data.py): a solution must not find the
# table a bundled task was made from.
#
# The recipe hash covers this script, sandbox/packages.txt and sandbox/strip_task_data.py (and, for the
# MLE-bench image, the base hash and sandbox/mlebench-*): when the image with that tag exists, the
# script does nothing, so it is cheap to call from every set-up.
set -euo pipefail
SELF="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
cd "$(dirname "$SELF")/.."
ROOT=$PWD
STATE="${CRUCIBLE_HOME:-$ROOT/.crucible}"
REPO=crucible-sandbox
PACKAGES_FILE=sandbox/packages.txt
STRIP=sandbox/strip_task_data.py

MODE=debootstrap
FORCE=0
PROFILE=base
while [ $# -gt 0 ]; do
  case "$1" in
    --dockerfile) MODE=dockerfile ;;
    --force) FORCE=1 ;;
    --profile) PROFILE=${2:-}; shift ;;
    -h|--help) sed -n '2,27p' "$SELF"; exit 0 ;;
    *) printf 'unknown option: %s\n' "$1" >&2; exit 2 ;;
  esac
  shift
done
case "$PROFILE" in
  base|mlebench) ;;
  *) printf 'unknown profile: %s (base or mlebench)\n' "$PROFILE" >&2; exit 2 ;;
esac

say() { printf '[sandbox-image] %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
T_START=$(now_ms)
T_STEP=$T_START
# Prints how long the step that just finished took, and the total so far.
lap() { local t; t=$(now_ms); say "$(printf '%-34s %6.1f s   (total %6.1f s)' "$1" "$(( t - T_STEP ))e-3" "$(( t - T_START ))e-3")"; T_STEP=$t; }

HASH=$(cat "$SELF" "$PACKAGES_FILE" "$STRIP" | sha256sum | cut -c1-12)
TAG="$REPO:$HASH"
mapfile -t PACKAGES < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' "$PACKAGES_FILE" | grep -v '^$')
[ "${#PACKAGES[@]}" -gt 0 ] || die "$PACKAGES_FILE lists no packages"

docker info >/dev/null 2>&1 || die "no Docker engine answers; run scripts/docker-engine.sh first."

image_exists() { docker image inspect "$1" >/dev/null 2>&1; }

# Older recipes' images are dead weight (GBs each); an image still in use is kept by docker.
remove_old_images() {
  local repo=$1 keep=$2 old
  for old in $(docker image ls "$repo" --format '{{.Repository}}:{{.Tag}}' | grep -vxF -e "$keep" -e "$repo:latest"); do
    docker image rm "$old" >/dev/null 2>&1 || true
    lap "remove old image $old"
  done
}

if [ "$PROFILE" = mlebench ]; then
  MREPO=crucible-sandbox-mlebench
  MHASH=$(printf '%s\n' "$HASH" | cat - "$SELF" sandbox/mlebench-packages.txt sandbox/mlebench-requirements.txt sandbox/mlebench-constraints.txt sandbox/mlebench_check.py | sha256sum | cut -c1-12)
  MTAG="$MREPO:$MHASH"
  if [ "$FORCE" = 0 ] && image_exists "$MTAG"; then
    docker tag "$MTAG" "$MREPO:latest"
    say "up to date: $MTAG"
    exit 0
  fi
  # The layer goes on this recipe's base image; building it is a no-op when it exists.
  if [ "$MODE" = dockerfile ]; then bash "$SELF" --dockerfile; else bash "$SELF"; fi
  WHEELS=$(bash sandbox/mlebench-wheels.sh)
  lap "base image and wheelhouse"
  mapfile -t MPACKAGES < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' sandbox/mlebench-packages.txt | grep -v '^$')
  say "building $MTAG on $TAG: ${MPACKAGES[*]} and $(grep -c '^[^#]*==' sandbox/mlebench-requirements.txt) pinned Python packages"
  BUILDER="crucible-mlebench-build-$$"
  # Root, host network for the Debian mirror only: pip reads the wheelhouse, never the network.
  # The shell is the command, not --entrypoint: docker commit would keep that entrypoint in the image.
  docker run --name "$BUILDER" --user 0:0 --network host \
    -v "$WHEELS:/wheels:ro" -v "$ROOT/sandbox:/recipe:ro" \
    -e DEBIAN_FRONTEND=noninteractive -e PIP_DISABLE_PIP_VERSION_CHECK=1 -e PIP_NO_CACHE_DIR=1 "$TAG" /bin/sh -euxc '
      apt-get update -qq
      apt-get install -y -qq --no-install-recommends "$@" >/dev/null
      apt-get clean
      rm -rf /var/lib/apt/lists/* /var/cache/apt/* /var/log/*
      # Debian'"'"'s Python has no ensurepip: pip comes from the wheelhouse.
      python3 -m venv --without-pip /opt/mlebench-venv
      /opt/mlebench-venv/bin/python "$(ls /wheels/pip-*.whl)/pip" install -q --no-index --find-links /wheels pip -r /recipe/mlebench-requirements.txt -c /recipe/mlebench-constraints.txt
      /opt/mlebench-venv/bin/python /recipe/mlebench_check.py
      find /tmp -mindepth 1 -delete' sh "${MPACKAGES[@]}" >&2 \
    || { docker rm -f "$BUILDER" >/dev/null 2>&1 || true; die "building $MTAG failed (output above)"; }
  lap "apt + pip install in a container"
  docker commit -c 'USER 65534:65534' -c 'CMD ["python3"]' -c 'WORKDIR /workdir' \
    -c 'ENV PATH=/opt/mlebench-venv/bin:/usr/local/bin:/usr/bin:/bin' -c "LABEL crucible.recipe=$MHASH" \
    -m "crucible sandbox MLE-bench recipe $MHASH on $TAG" "$BUILDER" "$MTAG" >/dev/null
  docker rm -f "$BUILDER" >/dev/null
  lap "docker commit"
  docker tag "$MTAG" "$MREPO:latest"
  remove_old_images "$MREPO" "$MTAG"
  SIZE=$(docker image inspect -f '{{.Size}}' "$MTAG")
  say "built $MTAG (also $MREPO:latest): $(( SIZE / 1000000 )) MB in $(( ($(now_ms) - T_START) / 1000 )) s"
  exit 0
fi

if [ "$FORCE" = 0 ] && image_exists "$TAG"; then
  # `latest` may point at another recipe (after a checkout of older code); keep it on this one.
  docker tag "$TAG" "$REPO:latest"
  say "up to date: $TAG"
  exit 0
fi

mkdir -p "$STATE"
# Two set-ups at once would debootstrap into the same folder; the second waits, then finds the image.
exec 9>"$STATE/sandbox-image.lock"
flock 9
if [ "$FORCE" = 0 ] && image_exists "$TAG"; then
  docker tag "$TAG" "$REPO:latest"
  say "up to date: $TAG (built by a concurrent run)"
  exit 0
fi

say "building $TAG ($MODE): ${PACKAGES[*]}"

if [ "$MODE" = dockerfile ]; then
  docker build --label "crucible.recipe=$HASH" -t "$TAG" sandbox/
  lap "docker build"
else
  [ "$(id -u)" = 0 ] || die "debootstrap and chroot need root; rerun as root (or use --dockerfile where a registry is reachable)."
  if ! command -v debootstrap >/dev/null 2>&1; then
    command -v apt-get >/dev/null 2>&1 || die "debootstrap is missing and apt-get is not available; install debootstrap."
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends debootstrap >/dev/null \
      || die "could not install debootstrap (Debian: apt-get install debootstrap)."
    lap "install debootstrap"
  fi

  # The host's own mirror: on these machines nothing else is reachable.
  SOURCES=/etc/apt/sources.list.d/debian.sources
  MIRROR="${CRUCIBLE_DEBIAN_MIRROR:-}"
  SECMIRROR="${CRUCIBLE_DEBIAN_SECURITY_MIRROR:-}"
  if [ -z "$MIRROR" ] && [ -f "$SOURCES" ]; then
    MIRROR=$(awk '/^URIs:/{print $2}' "$SOURCES" | grep -v security | head -1 || true)
    SECMIRROR=${SECMIRROR:-$(awk '/^URIs:/{print $2}' "$SOURCES" | grep security | head -1 || true)}
  fi
  if [ -z "$MIRROR" ] && [ -f /etc/apt/sources.list ]; then
    MIRROR=$(awk '$1=="deb" && $0 !~ /security/ {print $2; exit}' /etc/apt/sources.list)
    SECMIRROR=${SECMIRROR:-$(awk '$1=="deb" && /security/ {print $2; exit}' /etc/apt/sources.list)}
  fi
  MIRROR=${MIRROR:-http://deb.debian.org/debian}
  SECMIRROR=${SECMIRROR:-http://deb.debian.org/debian-security}
  say "mirror $MIRROR, security $SECMIRROR"

  BUILD="$STATE/sandbox-build"
  R="$BUILD/rootfs"
  cleanup() {
    if mountpoint -q "$R/proc" 2>/dev/null; then umount -l "$R/proc" || true; fi
    rm -rf "$BUILD"
  }
  trap cleanup EXIT
  cleanup
  mkdir -p "$BUILD"

  debootstrap --variant=minbase bookworm "$R" "$MIRROR" >"$BUILD.log" 2>&1 \
    || { tail -n 30 "$BUILD.log" >&2; die "debootstrap failed (full log: $BUILD.log)"; }
  lap "debootstrap minbase"

  # debootstrap knows only `bookworm`; security fixes come from the other two suites.
  printf 'deb %s bookworm main\ndeb %s bookworm-updates main\ndeb %s bookworm-security main\n' \
    "$MIRROR" "$MIRROR" "$SECMIRROR" > "$R/etc/apt/sources.list"
  # No service may start inside the chroot during installs.
  printf '#!/bin/sh\nexit 101\n' > "$R/usr/sbin/policy-rc.d"
  chmod +x "$R/usr/sbin/policy-rc.d"
  printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' > "$R/etc/apt/apt.conf.d/99sandbox"
  printf '%s\n' 'path-exclude /usr/share/doc/*' 'path-include /usr/share/doc/*/copyright' \
    'path-exclude /usr/share/man/*' 'path-exclude /usr/share/locale/*' > "$R/etc/dpkg/dpkg.cfg.d/99nodoc"
  mount -t proc proc "$R/proc"
  in_root() { chroot "$R" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 "$@"; }

  in_root apt-get update -qq >>"$BUILD.log" 2>&1 || { tail -n 30 "$BUILD.log" >&2; die "apt-get update in the rootfs failed"; }
  in_root apt-get -y -qq upgrade >>"$BUILD.log" 2>&1 || { tail -n 30 "$BUILD.log" >&2; die "apt-get upgrade in the rootfs failed"; }
  lap "apt update + upgrade"
  in_root apt-get install -y -qq "${PACKAGES[@]}" >>"$BUILD.log" 2>&1 \
    || { tail -n 30 "$BUILD.log" >&2; die "installing ${PACKAGES[*]} failed (full log: $BUILD.log)"; }
  lap "apt install packages"
  # Fail here, not in the first sandboxed run, when the stack cannot import.
  in_root python3 -c 'import numpy, pandas, scipy, sklearn; print("python ok: numpy", numpy.__version__, "pandas", pandas.__version__, "scipy", scipy.__version__, "sklearn", sklearn.__version__)' >&2
  cp "$STRIP" "$R/tmp/strip_task_data.py"
  in_root python3 /tmp/strip_task_data.py || die "stripping the packaged datasets failed (output above)"
  lap "strip packaged datasets"

  in_root apt-get clean
  # A process the installs left behind can keep /proc busy for a moment; then detach it lazily.
  umount "$R/proc" 2>/dev/null || umount -l "$R/proc"
  rm -rf "$R"/var/lib/apt/lists/* "$R"/var/cache/apt/* "$R"/var/log/* "$R"/usr/sbin/policy-rc.d
  find "$R/tmp" "$R/var/tmp" -mindepth 1 -delete
  # debootstrap copied the host's resolver and hostname in; neither belongs in the image.
  : > "$R/etc/resolv.conf"
  echo sandbox > "$R/etc/hostname"
  # runc gives a tmpfs mount the mode of its mountpoint, so /tmp must be world-writable here.
  chmod 1777 "$R/tmp"
  mkdir -p "$R/workdir" "$R/data"
  lap "clean"

  # The same metadata as sandbox/Dockerfile, so both recipes give images that behave alike.
  tar --numeric-owner -C "$R" -c . | docker import \
    -c 'ENV LANG=C.UTF-8 PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 HOME=/tmp' -c 'WORKDIR /workdir' -c 'USER 65534:65534' -c 'CMD ["python3"]' \
    -c "LABEL crucible.recipe=$HASH" -m "crucible sandbox recipe $HASH" - "$TAG" >/dev/null
  lap "docker import"
  # Deleting ~1 GB of small files takes 15-30 s here; nobody needs to wait for it.
  TRASH="$BUILD.trash.$$"
  mv "$BUILD" "$TRASH"
  (setsid rm -rf "$TRASH" </dev/null >/dev/null 2>&1 &)
  rm -f "$BUILD.log"
fi

docker tag "$TAG" "$REPO:latest"
remove_old_images "$REPO" "$TAG"
SIZE=$(docker image inspect -f '{{.Size}}' "$TAG")
say "built $TAG (also $REPO:latest): $(( SIZE / 1000000 )) MB in $(( ($(now_ms) - T_START) / 1000 )) s"
