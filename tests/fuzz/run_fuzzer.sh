#!/usr/bin/env bash
# Runs a libFuzzer binary for a bounded, deterministic number of inputs,
# starting from the committed seed corpus. Any crash, sanitizer report or
# invariant violation makes libFuzzer exit nonzero, which fails the test; the
# offending input is kept in the test's undeclared outputs (crash-*), and can
# be replayed with `bazel run //tests/fuzz:ring_fuzzer -- FILE`.
#
# Determinism: -seed=1, -runs, -reload=0, and address-space randomisation off
# (value profiling hashes compared values, some of which are pointers), so
# the same inputs run every time; -max_total_time only caps a slow machine.
#
# usage: run_fuzzer.sh FUZZER RUNS MAX_SECONDS MAX_LEN SEED_FILE...
set -euo pipefail
fuzzer=$1
runs=$2
max_seconds=$3
max_len=$4
shift 4

tmp=${TEST_TMPDIR:-$(mktemp -d)}
corpus="$tmp/corpus"  # writable copy: libFuzzer adds new inputs here
mkdir -p "$corpus"
cp "$@" "$corpus/"
artifacts=${TEST_UNDECLARED_OUTPUTS_DIR:-$tmp}

# A small ASan quarantine keeps the run near 60 MB instead of 400 MB.
export ASAN_OPTIONS="quarantine_size_mb=16${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"

no_aslr=()
if setarch "$(uname -m)" -R true 2>/dev/null; then
  no_aslr=(setarch "$(uname -m)" -R)
else
  echo "run_fuzzer: cannot disable ASLR here; the run is bounded but not bit-for-bit repeatable"
fi

echo "run_fuzzer: $fuzzer, $# seeds, -seed=1 -runs=$runs -max_total_time=$max_seconds"
"${no_aslr[@]}" "$fuzzer" \
  -seed=1 \
  -runs="$runs" \
  -max_total_time="$max_seconds" \
  -max_len="$max_len" \
  -use_value_profile=1 \
  -reload=0 \
  -timeout=10 \
  -rss_limit_mb=2048 \
  -print_final_stats=1 \
  -artifact_prefix="$artifacts/" \
  "$corpus"
echo "run_fuzzer: no crash; corpus now $(ls "$corpus" | wc -l) inputs"
