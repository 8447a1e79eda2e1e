#!/usr/bin/env bash
# Checks the store's access keys against their policies with real requests: the exec key reads and writes
# under artifacts/ and is denied private/ (read, write, list); the control key reads private/.
# Prints each request and its outcome; exits 1 on any unexpected outcome.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
MC_CONFIG_DIR=$(mktemp -d)
trap 'rm -rf "$MC_CONFIG_DIR"' EXIT
mc() { "$CLUSTER_BIN/mc" --quiet --no-color "$@"; }
mc alias set control "$CLUSTER_S3_ENDPOINT" "$CLUSTER_CONTROL_KEY" "$CLUSTER_CONTROL_SECRET" >/dev/null || die "alias control"
mc alias set exec "$CLUSTER_S3_ENDPOINT" "$CLUSTER_EXEC_KEY" "$CLUSTER_EXEC_SECRET" >/dev/null || die "alias exec"
probe="keys-check-$$"
echo "secret answer" > "$MC_CONFIG_DIR/answers.csv"
failed=0

# expect allowed|denied CMD...: runs `mc CMD...` and reports whether the outcome is the expected one.
expect() {
  local want=$1 got out
  shift
  if out=$(mc "$@" 2>&1); then got=allowed; else got=denied; fi
  if [[ "$got" == "$want" ]]; then printf 'ok    %-7s mc %s\n' "$got" "$*"
  else printf 'FAIL  %-7s mc %s (expected %s)\n' "$got" "$*" "$want"; failed=1; fi
  [[ "$got" == denied ]] && printf '      %s\n' "$(grep -m 1 ERROR <<< "$out")"
}

expect allowed cp "$MC_CONFIG_DIR/answers.csv" "control/$CLUSTER_BUCKET/private/$probe/answers.csv"
expect allowed cat "control/$CLUSTER_BUCKET/private/$probe/answers.csv"
expect allowed cp "$MC_CONFIG_DIR/answers.csv" "exec/$CLUSTER_BUCKET/artifacts/$probe/out.csv"
expect allowed cat "exec/$CLUSTER_BUCKET/artifacts/$probe/out.csv"
expect allowed ls "exec/$CLUSTER_BUCKET/artifacts/$probe/"
expect denied cat "exec/$CLUSTER_BUCKET/private/$probe/answers.csv"
expect denied ls "exec/$CLUSTER_BUCKET/private/"
expect denied cp "$MC_CONFIG_DIR/answers.csv" "exec/$CLUSTER_BUCKET/private/$probe/forged.csv"
expect denied ls "exec/$CLUSTER_BUCKET/"
mc rm --recursive --force "control/$CLUSTER_BUCKET/private/$probe" "control/$CLUSTER_BUCKET/artifacts/$probe" >/dev/null
exit $failed
