#!/usr/bin/env bash
# The benchmark boots, finishes and prints each figure in the documented form.
set -euo pipefail
out=$("$1" "$2" "$3" "$4" cortex-a72 "$5")
echo "$out"
for name in thread_switch domain_switch null_submit_roundtrip batch64_per_op timer_latency_avg timer_latency_worst jitter_worst cross_core_wake ipi_latency; do
  grep -qE "^bench $name: [0-9]+ insn/op$" <<<"$out" || { echo "FAIL: no figure for $name"; exit 1; }
done
