#!/usr/bin/env bash
# Runs CI (`bash .ci/run`, i.e. `npm ci` + `npm test` on a fresh clone) several times in a
# row while other processes keep the CPU busy: the loaded, fresh machine on which timing
# defects in tests show up.
#
#   scripts/ci-loaded.sh            # 3 runs, 2 busy processes
#   scripts/ci-loaded.sh 5          # 5 runs
#   LOAD=4 LOG_DIR=/tmp/ci-logs scripts/ci-loaded.sh
#   SHARED_DIR=/work/shared scripts/ci-loaded.sh    # where ../shared/specs is, if not beside the repo
#
# The clone is of the committed HEAD (uncommitted changes are not tested). Each run starts
# from a clean checkout (`git clean -fdx`). One line per run gives its result and duration;
# the full output of each run is kept in the log folder, printed at the start and the end.
# Needs what .ci/run needs (root on Debian for apt-get and the Synapse root).
# Exit status: 0 when every run passed, 1 otherwise.
set -euo pipefail

runs="${1:-3}"
load="${LOAD:-2}"
if ! [[ "$runs" =~ ^[1-9][0-9]*$ && "$load" =~ ^[0-9]+$ ]]; then
  echo "usage: [LOAD=busy-processes] [LOG_DIR=folder] $0 [runs, default 3]" >&2
  exit 2
fi

repo="$(git -C "$(dirname "$0")" rev-parse --show-toplevel)"
head="$(git -C "$repo" rev-parse HEAD)"
log_dir="${LOG_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/ci-loaded.XXXXXX")}"
mkdir -p "$log_dir"
work="$(mktemp -d "${TMPDIR:-/tmp}/ci-loaded-clone.XXXXXX")"
clone="$work/repo"

load_pid=""
cleanup() {
  if [ -n "$load_pid" ]; then
    kill "$load_pid" 2>/dev/null || true
    wait "$load_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "ci-loaded: $runs run(s) of .ci/run at ${head:0:12} with $load busy process(es); logs in $log_dir"
git clone --quiet --no-hardlinks "$repo" "$clone"
git -C "$clone" checkout --quiet --detach "$head"
# The simulators' tests read the platforms' API descriptions from ../shared/specs beside
# the clone: give the temporary clone the same neighbour as the repository's.
shared="${SHARED_DIR:-$repo/../shared}"
if [ -d "$shared/specs" ]; then
  ln -s "$(cd "$shared" && pwd)" "$work/shared"
else
  echo "ci-loaded: warning: no $shared/specs; the simulators' spec checks will fail" >&2
fi

if [ "$load" -gt 0 ]; then
  bash "$repo/scripts/load-cpu.sh" "$load" >"$log_dir/load.log" 2>&1 &
  load_pid=$!
fi

# The vitest summary lines of a run's log ("Test Files  1 failed | 90 passed (91)").
summary_of() {
  sed -e 's/\x1b\[[0-9;]*m//g' "$1" | grep -E '^ *(Test Files|Tests) ' | tr -s ' ' | paste -sd ';' -
}

failed=0
for i in $(seq "$runs"); do
  git -C "$clone" clean -fdxq
  log="$log_dir/run-$i.log"
  started=$(date +%s)
  if (cd "$clone" && bash .ci/run) >"$log" 2>&1; then
    result="PASS"
  else
    result="FAIL (exit $?)"
    failed=$((failed + 1))
  fi
  seconds=$(($(date +%s) - started))
  summary="$(summary_of "$log" || true)"
  printf 'run %d/%d: %s in %dm%02ds; %s; log: %s\n' "$i" "$runs" "$result" \
    $((seconds / 60)) $((seconds % 60)) "${summary:-no vitest summary}" "$log"
done

echo "ci-loaded: $((runs - failed))/$runs run(s) passed; logs in $log_dir"
[ "$failed" -eq 0 ]
