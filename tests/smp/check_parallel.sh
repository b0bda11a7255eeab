#!/usr/bin/env bash
# Boots an image with four core_report domains pinned to cores 0-3 and checks
# that each reports a different core and that their busy intervals overlap
# (they ran at the same time). Usage: check_parallel.sh RUNNER IMAGE MACHINE CPU|default [QEMU ARGS...]
set -euo pipefail
runner=$1 image=$2 machine=$3 cpu=$4
[ "$cpu" != default ] || cpu=""  # the machine's own CPU
shift 4
log=$(mktemp)
memory=1G
case $machine in raspi*) memory=2G ;; esac
"$runner" --kernel "$image" --machine "$machine" --cpu "$cpu" --memory "$memory" --test --timeout 60 --expect-exit 0 \
  --expect '^ukernel: all domains stopped: 4 run, 4 exited, 0 killed$' -- "$@" >"$log" 2>&1 || { cat "$log"; exit 1; }
out=${TEST_UNDECLARED_OUTPUTS_DIR:-${TEST_TMPDIR}}/console.log
lines=$(grep -E '^\[core[0-3]\] core_report: domain [0-9]+ on core [0-9]+ busy from [0-9]+ to [0-9]+ ns' "$out" || true)
n=$(printf '%s\n' "$lines" | grep -c . || true)
[ "$n" -eq 4 ] || { echo "FAIL: expected 4 core reports, got $n"; cat "$out"; exit 1; }
# Each domain coreN must report core N.
while read -r name core; do
  [ "$name" = "core$core" ] || { echo "FAIL: domain $name reports core $core"; cat "$out"; exit 1; }
done < <(printf '%s\n' "$lines" | sed -E 's/^\[(core[0-3])\].* on core ([0-9]+) .*/\1 \2/')
# Overlap: the latest start is before the earliest end.
latest_start=$(printf '%s\n' "$lines" | sed -E 's/.* from ([0-9]+) to .*/\1/' | sort -n | tail -1)
earliest_end=$(printf '%s\n' "$lines" | sed -E 's/.* to ([0-9]+) ns.*/\1/' | sort -n | head -1)
if [ "$latest_start" -ge "$earliest_end" ]; then
  echo "FAIL: the four busy intervals do not overlap (latest start $latest_start >= earliest end $earliest_end)"
  cat "$out"; exit 1
fi
echo "PASS: cores 0-3 each ran their domain, all four busy at once from $latest_start to $earliest_end ns"
