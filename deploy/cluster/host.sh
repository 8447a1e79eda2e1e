#!/usr/bin/env bash
# Hosts for the cluster, each a network namespace on the bridge with a file system of its own:
#   host.sh add NAME IP        netns NAME, veth onto crucible-br0, lo up, default route via the bridge
#   host.sh run NAME [--env FILE] -- CMD…
#                              CMD in that netns and in a private mount namespace (host-enter.sh says what
#                              it sees), with FILE's KEY=value lines (e.g. .crucible/cluster/env/exec.env) in its env
#   host.sh kill NAME          SIGKILL every process of the host, the sandboxes they started included
#   host.sh del NAME           kill, then remove the netns (its state folder stays; --purge removes it too)
#   host.sh ls                 the hosts and their process counts
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

HOSTS_STATE=${CLUSTER_HOSTS_STATE:-/var/lib/crucible-hosts}

usage() {
  sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

check_name() {
  # The host side of the veth is cr-NAME, and interface names have at most 15 characters.
  [[ "$1" =~ ^[a-z0-9][a-z0-9-]{0,11}$ ]] || die "host name must be 1-12 of a-z, 0-9, '-'; got '$1'"
}

exists() { ip netns list | grep -qE "^$1( |$)"; }

add() {
  local name=$1 ip=$2 veth="cr-$1"
  [[ "$ip" =~ ^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$ && "$ip" != "$CLUSTER_IP" ]] \
    || die "host IP must be an IPv4 address on $CLUSTER_IP/$CLUSTER_PREFIX other than the bridge's; got '$ip'"
  ip link show "$CLUSTER_BRIDGE" >/dev/null 2>&1 || die "bridge $CLUSTER_BRIDGE is missing; run deploy/cluster/up.sh"
  exists "$name" || ip netns add "$name"
  if ! ip link show "$veth" >/dev/null 2>&1; then
    ip link add "$veth" type veth peer name eth0 netns "$name"
  fi
  ip link set "$veth" master "$CLUSTER_BRIDGE" up
  ip -n "$name" link set lo up
  ip -n "$name" addr flush dev eth0
  ip -n "$name" addr add "$ip/$CLUSTER_PREFIX" dev eth0
  ip -n "$name" link set eth0 up
  ip -n "$name" route replace default via "$CLUSTER_IP"
  mkdir -p "$HOSTS_STATE/$name"
  step "host $name: $ip on $CLUSTER_BRIDGE, state $HOSTS_STATE/$name"
}

# The host's processes: those in its netns, and their descendants, which may be in namespaces of
# their own (bwrap sandboxes unshare the network).
host_pids() {
  local -A tree=()
  local pid ppid line grew=1
  for pid in $(ip netns pids "$1"); do tree[$pid]=1; done
  while (( grew )); do
    grew=0
    for pid in /proc/[0-9]*; do
      pid=${pid#/proc/}
      [[ -n "${tree[$pid]:-}" ]] && continue
      { line=$(< "/proc/$pid/stat"); } 2>/dev/null || continue
      # Field 4 is the parent; the command in field 2 may hold spaces, so read after its last ')'.
      read -r _ ppid _ <<< "${line##*) }"
      if [[ -n "${tree[$ppid]:-}" ]]; then tree[$pid]=1; grew=1; fi
    done
  done
  echo "${!tree[@]}"
}

kill_host() {
  local name=$1 pids
  exists "$name" || die "no host '$name' (host.sh ls)"
  pids=$(host_pids "$name")
  if [[ -z "$pids" ]]; then step "host $name: no processes"; return; fi
  # Stopped first so none can fork or be reaped and replaced between the listing and the kill.
  kill -STOP $pids 2>/dev/null || true
  pids=$(host_pids "$name")
  kill -KILL $pids 2>/dev/null || true
  step "host $name: killed $(wc -w <<< "$pids") processes"
}

case "${1:-}" in
  add) [[ $# -eq 3 ]] || usage; check_name "$2"; add "$2" "$3" ;;
  run)
    [[ $# -ge 3 ]] || usage
    name=$2; shift 2
    check_name "$name"; exists "$name" || die "no host '$name' (host.sh add $name IP)"
    if [[ "$1" == "--env" ]]; then
      [[ -r "${2:-}" ]] || die "--env needs a readable env file (KEY=value lines); got '${2:-}'"
      set -a
      # shellcheck source=/dev/null
      . "$2"
      set +a
      shift 2
    fi
    [[ "${1:-}" == "--" && $# -ge 2 ]] || usage
    shift
    exec ip netns exec "$name" unshare --mount --propagation private -- \
      "$here/host-enter.sh" "$HOSTS_STATE/$name" "$@" ;;
  kill) [[ $# -eq 2 ]] || usage; kill_host "$2" ;;
  del)
    [[ $# -ge 2 ]] || usage
    if exists "$2"; then kill_host "$2"; ip link del "cr-$2" 2>/dev/null || true; ip netns del "$2"; step "host $2: removed"; fi
    if [[ "${3:-}" == "--purge" ]]; then rm -rf "${HOSTS_STATE:?}/$2"; step "host $2: state removed"; fi ;;
  ls)
    for name in $(ip netns list | awk '{print $1}'); do
      ip link show "cr-$name" >/dev/null 2>&1 || continue
      echo "$name $(ip -n "$name" -4 -o addr show dev eth0 | awk '{print $4}') processes=$(wc -w <<< "$(host_pids "$name")")"
    done ;;
  *) usage ;;
esac
