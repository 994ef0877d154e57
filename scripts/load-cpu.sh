#!/usr/bin/env bash
# Keeps N CPU cores busy (default 2) until it is stopped, to run tests on a loaded machine.
#
#   scripts/load-cpu.sh            # 2 busy loops; Ctrl-C (or kill <this pid>) stops them
#   scripts/load-cpu.sh 4 &        # in the background; `kill %1` stops them
#
# Each busy loop is a plain shell spinning at normal priority (nice 0), so it competes with
# the tests as other work on a shared machine would. Its pids are printed; they end with
# this script, whether it exits, is interrupted or is killed with TERM/HUP.
set -euo pipefail

count="${1:-2}"
if ! [[ "$count" =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: $0 [number of busy processes, default 2]" >&2
  exit 2
fi

pids=()
stop_all() {
  trap - EXIT INT TERM HUP
  if [ "${#pids[@]}" -gt 0 ]; then
    kill "${pids[@]}" 2>/dev/null || true
    wait "${pids[@]}" 2>/dev/null || true
    echo "load-cpu: stopped ${pids[*]}"
  fi
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

for _ in $(seq "$count"); do
  nice -n 0 sh -c 'while :; do :; done' &
  pids+=("$!")
done
echo "load-cpu: $count busy process(es): ${pids[*]} (script pid $$; Ctrl-C or kill $$ to stop)"

# Wait for ever; a signal ends the wait and the EXIT trap stops the loops.
while :; do
  wait "${pids[@]}" 2>/dev/null || true
  sleep 1
done
