#!/usr/bin/env bash
# Runs inside a host's private mount namespace (host.sh run): hides the client's state, then runs the command.
# What a host sees, as a separate machine with Crucible installed would:
#   - the repository (code, node_modules) read-only: the installed software;
#   - .crucible: an empty tmpfs, with only installed software bound back read-only (the venv that the
#     process sandbox runs solutions with); runs, artifacts, built tasks, caches and the dev server are gone;
#   - tasks/ (the task folders, private answers included): an empty tmpfs;
#   - /tmp: an empty tmpfs;
#   - its own state folder at /var/lib/crucible (CRUCIBLE_HOME); the other hosts' folders are hidden.
# Usage: host-enter.sh STATE_DIR CMD...
set -euo pipefail
state=$1
shift
repo=$(cd "$(dirname "$0")/../.." && pwd)
installed=(venv)

# Keep a handle on the client's .crucible before it is covered, to bind the installed parts back.
staging=$(mktemp -d /run/crucible-host.XXXXXX)
mount --bind "$repo/.crucible" "$staging"

mount --bind "$repo" "$repo"
mount -o remount,bind,ro "$repo"
mount -t tmpfs -o mode=755 crucible-state "$repo/.crucible"
for dir in "${installed[@]}"; do
  [[ -d "$staging/$dir" ]] || continue
  mkdir "$repo/.crucible/$dir"
  mount --bind "$staging/$dir" "$repo/.crucible/$dir"
  mount -o remount,bind,ro "$repo/.crucible/$dir"
done
umount "$staging"
rmdir "$staging"
mount -t tmpfs -o mode=755 crucible-tasks "$repo/tasks"

mkdir -p /var/lib/crucible
mount --bind "$state" /var/lib/crucible
mount -t tmpfs -o mode=755 crucible-hosts "$(dirname "$state")"
mount -t tmpfs -o mode=1777 crucible-tmp /tmp

export CRUCIBLE_HOME=/var/lib/crucible
# The state folder moved, so name the installed interpreter and CLI where they are.
export CRUCIBLE_PYTHON="$repo/.crucible/venv/bin/python"
export TEMPORAL_CLI_PATH="$repo/.crucible/venv/bin/temporal"
exec "$@"
