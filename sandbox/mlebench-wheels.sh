#!/usr/bin/env bash
# Fills the MLE-bench wheelhouse, $CRUCIBLE_HOME/mlebench-wheels (default .crucible/mlebench-wheels):
# a wheel for every package of sandbox/mlebench-requirements.txt and its dependencies (held by
# sandbox/mlebench-constraints.txt), for Python 3.11,
# from PyPI (sdist-only packages are built into wheels here, on the host). Both MLE-bench environments
# install from it offline, so they hold the same versions and PyPI is read once:
#   scripts/setup.sh --mlebench                  -> .crucible/mlebench-venv
#   scripts/sandbox-image.sh --profile mlebench  -> crucible-sandbox-mlebench:<hash>
# Stamped with the requirements' hash: a second call does nothing. Prints the wheelhouse's path.
set -euo pipefail
cd "$(dirname "$0")/.."
STATE="${CRUCIBLE_HOME:-$PWD/.crucible}"
WHEELS="$STATE/mlebench-wheels"
REQUIREMENTS=sandbox/mlebench-requirements.txt
CONSTRAINTS=sandbox/mlebench-constraints.txt

say() { printf '[mlebench-wheels] %s\n' "$*" >&2; }

PY311=$(command -v python3.11 || command -v python3 || true)
if [ -z "$PY311" ] || [ "$("$PY311" -c 'import sys; print(sys.version_info[:2] == (3, 11))')" != True ]; then
  say "error: the MLE-bench environment needs Python 3.11 (MLE-bench's version) as python3.11 or python3; install it (Debian bookworm: apt-get install python3 python3-venv)"
  exit 1
fi

stamp=$(cat "$REQUIREMENTS" "$CONSTRAINTS" | sha256sum | cut -c1-16)
if [ "$(cat "$WHEELS/.crucible-stamp" 2>/dev/null)" != "$stamp" ]; then
  say "downloading the MLE-bench packages from PyPI into $WHEELS (several GB; takes minutes)"
  started=$SECONDS
  rm -rf "$WHEELS.tmp" && mkdir -p "$WHEELS.tmp"
  # pip itself too: the image's Debian Python has no ensurepip, so its venv gets pip from here.
  "$PY311" -m pip wheel --quiet --disable-pip-version-check --no-cache-dir --wheel-dir "$WHEELS.tmp" pip -r "$REQUIREMENTS" -c "$CONSTRAINTS"
  echo "$stamp" > "$WHEELS.tmp/.crucible-stamp"
  rm -rf "$WHEELS" && mv "$WHEELS.tmp" "$WHEELS"
  say "wheelhouse ready in $((SECONDS - started))s: $(du -sh "$WHEELS" | cut -f1), $(find "$WHEELS" -name '*.whl' | wc -l) wheels"
fi
echo "$WHEELS"
