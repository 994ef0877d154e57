#!/usr/bin/env bash
# Runs the fault-injection suite (test/e2e/fault: bridge SIGKILL, Synapse restart, 429/5xx
# bursts, dropped connections, replayed transactions; every connector) several times in a
# row while other processes keep the CPU busy, and counts the stream rows that lost,
# duplicated or reordered anything.
#
#   scripts/fault-loaded.sh            # 10 runs, 2 busy processes
#   LOAD=2 LOG_DIR=/tmp/fault scripts/fault-loaded.sh 3
#
# Runs in this checkout (build it first: `npm run build`) with what the integration tests
# need (the Synapse root, PostgreSQL binaries). Exit status: 0 when every run passed.
set -euo pipefail

runs="${1:-10}"
load="${LOAD:-2}"
if ! [[ "$runs" =~ ^[1-9][0-9]*$ && "$load" =~ ^[0-9]+$ ]]; then
  echo "usage: [LOAD=busy-processes] [LOG_DIR=folder] $0 [runs, default 10]" >&2
  exit 2
fi
repo="$(git -C "$(dirname "$0")" rev-parse --show-toplevel)"
log_dir="${LOG_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/fault-loaded.XXXXXX")}"
mkdir -p "$log_dir"
load_pid=""
cleanup() {
  if [ -n "$load_pid" ]; then
    kill "$load_pid" 2>/dev/null || true
    wait "$load_pid" 2>/dev/null || true
  fi
}
trap cleanup EXIT
if [ "$load" -gt 0 ]; then
  "$repo/scripts/load-cpu.sh" "$load" >/dev/null &
  load_pid=$!
fi
echo "fault-loaded: $runs run(s) of test/e2e/fault at $(git -C "$repo" rev-parse --short=12 HEAD) with $load busy process(es); logs in $log_dir"

passed=0
for i in $(seq 1 "$runs"); do
  log="$log_dir/run-$i.log"
  started=$(date +%s)
  if (cd "$repo" && npx vitest run --project integration test/e2e/fault) >"$log" 2>&1; then
    verdict=PASS
    passed=$((passed + 1))
  else
    verdict=FAIL
  fi
  secs=$(($(date +%s) - started))
  # Stream rows: ... sent delivered duplicated lost upstream reordered
  tally=$(grep -E '(Matrix -> |-> Matrix)' "$log" | awk '
    { rows++; sent += $(NF-5); if ($(NF-3) != 0 || $(NF-2) != 0 || ($NF != 0 && $NF != "-")) bad++ }
    END { printf "%d rows, %d events sent, %d rows with a loss, duplicate or reorder", rows, sent, bad }')
  echo "run $i/$runs: $verdict in $((secs / 60))m$((secs % 60))s; $tally; log: $log"
done
echo "fault-loaded: $passed/$runs run(s) passed; logs in $log_dir"
[ "$passed" -eq "$runs" ]
