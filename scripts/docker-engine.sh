#!/usr/bin/env bash
# Makes a Docker engine answer on the default socket, for the sandbox executor.
# Idempotent: when `docker info` already answers it does nothing. Otherwise it installs Debian's
# docker.io (only if dockerd is missing) and starts `dockerd` in the background.
#
# Deliberately a plain `dockerd` with its default bridge: a daemon started with `--bridge none`
# deletes the host's docker0 bridge, which breaks any other engine or build on the same host.
set -euo pipefail
cd "$(dirname "$0")/.."
STATE="${CRUCIBLE_HOME:-$PWD/.crucible}"
LOG="$STATE/dockerd.log"
SOCK=/var/run/docker.sock

say() { printf '[docker-engine] %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

# The daemon's own ping, without needing the CLI (curl may be missing too, so fall back to it only).
ping_engine() {
  if command -v docker >/dev/null 2>&1; then
    docker info >/dev/null 2>&1 && return 0
  fi
  if command -v curl >/dev/null 2>&1 && [ -S "$SOCK" ]; then
    [ "$(curl -s --max-time 2 --unix-socket "$SOCK" http://localhost/_ping 2>/dev/null)" = OK ] && return 0
  fi
  return 1
}

if ping_engine; then
  say "engine already answers"
  exit 0
fi

if ! command -v dockerd >/dev/null 2>&1; then
  [ "$(id -u)" = 0 ] || die "dockerd is not installed and this is not root. Install Docker (Debian: 'sudo apt-get install docker.io', then 'sudo dockerd &'), or run this script as root."
  command -v apt-get >/dev/null 2>&1 || die "dockerd is not installed and apt-get is missing. Install a Docker engine (https://docs.docker.com/engine/install/) and start it."
  say "installing Debian's docker.io"
  t0=$(date +%s)
  # A stale package list is the usual cause of a 404 on install; refresh once and retry.
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends docker.io >/dev/null; then
    apt-get update >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends docker.io >/dev/null \
      || die "apt-get could not install docker.io. Install a Docker engine by hand (Debian: apt-get install docker.io)."
  fi
  say "docker.io installed in $(( $(date +%s) - t0 )) s"
fi

[ "$(id -u)" = 0 ] || die "the engine is not running and starting dockerd needs root: run 'sudo dockerd &' (or 'sudo systemctl start docker')."

# Another dockerd may still be starting (or be wedged): never start a second one on the same socket.
if pgrep -x dockerd >/dev/null 2>&1; then
  say "a dockerd process exists; waiting for it to answer"
elif [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1 && systemctl start docker 2>/dev/null; then
  # Under systemd the packaged unit owns the daemon (and its logs: journalctl -u docker).
  say "started docker.service"
else
  mkdir -p "$STATE"
  say "starting dockerd (log: $LOG)"
  # setsid: the daemon must outlive this script and the shell that ran it.
  setsid nohup dockerd >>"$LOG" 2>&1 < /dev/null &
fi

t0=$(date +%s%N)
for _ in $(seq 1 300); do
  if ping_engine; then
    say "engine ready after $(( ($(date +%s%N) - t0) / 1000000 )) ms"
    exit 0
  fi
  sleep 0.1
done
tail -n 20 "$LOG" >&2 2>/dev/null || true
die "dockerd did not answer within 30 s; see $LOG. A working engine needs cgroups, overlay or vfs storage, and root."
