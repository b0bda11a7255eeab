#!/usr/bin/env bash
# tools/schedcheck on the committed samples in testdata/: the per-thread
# lines, the verdict and the exit status (0 schedulable, 1 not, 2 input or
# usage error).
#
#   schedcheck_test.sh <schedcheck> <report of the samples_schedcheck build-time check>
set -uo pipefail
tool=$(pwd)/$1
report=$(pwd)/$2
cd "$(dirname "$0")/testdata" 2>/dev/null || cd tools/schedcheck/testdata || exit 1
failures=0

fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

# run <expected status> <args...>: sets $out (stdout + stderr).
run() {
  local expected=$1
  shift
  out=$("$tool" "$@" 2>&1)
  local rc=$?
  echo "\$ schedcheck $*"
  echo "$out"
  echo "(exit $rc)"
  [ "$rc" -eq "$expected" ] || fail "schedcheck $*: exit $rc, expected $expected"
}

expect_line() {
  grep -qxF -- "$1" <<<"$out" || fail "missing line: $1"
}

expect_no() {
  if grep -qF -- "$1" <<<"$out"; then fail "unexpected: $1"; fi
}

# Above the Liu-Layland bound, accepted by exact analysis. QEMU virt's 62.5 MHz.
run 0 liu_layland.tasks
expect_line "schedcheck: 3 real-time threads, timer 62500000 Hz, overhead 0 ticks per release"
expect_line "prio  thread   period_us   budget_us  period_ticks  budget_ticks  response_ticks   response_us  verdict"
expect_line "   0  a             4000        1000        250000         62500           62500          1000  ok"
expect_line "   1  b             5000        2000        312500        125000          187500          3000  ok"
expect_line "   2  c            20000        5000       1250000        312500          937500         15000  ok"
expect_line "utilisation 90.0000% (Liu-Layland bound for 3 threads: 77.9763%)"
expect_line "schedulable: every thread meets its deadline"

# The Raspberry Pi 4's 54 MHz.
run 0 --hz 54000000 liu_layland.tasks
expect_line "   2  c            20000        5000       1080000        270000          810000         15000  ok"
run 0 --hz=54000000 liu_layland.tasks

# Overloaded: the first failing thread by priority is named, with the miss.
run 1 overloaded.tasks
expect_line "   1  b             6000        3000        375000        187500          437500          7000  MISS by 62500 ticks"
expect_line "   2  c            12000        2000        750000        125000             inf           inf  MISS (diverges: utilisation > 100%)"
expect_line "utilisation 116.6667% (Liu-Layland bound for 3 threads: 77.9763%)"
expect_line "not schedulable: thread 'b' misses its deadline by 62500 ticks: worst response time 437500 ticks > period 375000 ticks (overloaded.tasks:4); 2 of 3 threads miss"

# Two manifests = one product: harmonic, exactly 100 %; best effort ignored.
run 0 control.manifest logger.manifest
expect_line "schedcheck: 3 real-time threads (1 best-effort thread ignored), timer 62500000 Hz, overhead 0 ticks per release"
expect_line "   0  control/ctrl       10000        5000        625000        312500          312500          5000  ok"
expect_line "   1  logger/log         20000        5000       1250000        312500          625000         10000  ok"
expect_line "   2  logger/bulk        40000       10000       2500000        625000         2500000         40000  ok"
expect_line "utilisation 100.0000% (Liu-Layland bound for 3 threads: 77.9763%)"
expect_line "schedulable: every thread meets its deadline"

# One tick of overhead per release tips it over.
run 1 --overhead-ticks 1 control.manifest logger.manifest
expect_line "   1  logger/log         20000        5000       1250000        312500          937503         15001  ok"
expect_line "not schedulable: thread 'logger/bulk' misses its deadline without bound: with the higher-priority threads it needs more than 100% of the CPU (response time diverges) (logger.manifest:6)"

# A single manifest: just its own threads.
run 0 logger.manifest
expect_line "   0  logger/log        20000        5000       1250000        312500          312500          5000  ok"

# Input errors name the file and line; nothing is analysed.
run 2 bad.tasks
expect_line "bad.tasks:3: expected '<name> <period_us> <budget_us> [cpu=<core>]', got 2 fields"
expect_line "schedcheck: 1 error, nothing analysed"
expect_no "schedulable"
run 2 bad_budget.manifest
expect_line "bad_budget.manifest:4: thread: ctrl: budget 5ms is longer than period 2ms (budget <= period)"
run 2 liu_layland.tasks liu_layland.tasks
expect_line "liu_layland.tasks:4: a: duplicate thread name"
run 2 --hz 100 liu_layland.tasks
expect_line "liu_layland.tasks:4: a: period 4000us is shorter than one tick at 100 Hz"
run 0 --hz 1000000 liu_layland.tasks
run 2 missing.tasks
expect_line "missing.tasks: cannot read: No such file or directory"

# ---- partitioned: --cpus ----------------------------------------------------

# Four threads of 0.6 fit on four cores, one each ...
run 0 --cpus 4 four_heavy.tasks
expect_line "schedcheck: 4 real-time threads, timer 62500000 Hz, overhead 0 ticks per release, 4 cores"
expect_line "placement: a core 0"
expect_line "placement: d core 3"
expect_line "core  prio  thread   period_us   budget_us  period_ticks  budget_ticks  response_ticks   response_us  verdict"
expect_line "   3     0  d            10000        6000        625000        375000          375000          6000  ok"
expect_line "core 0: utilisation 60.0000% (Liu-Layland bound for 1 thread: 100.0000%): schedulable"
expect_line "core 3: utilisation 60.0000% (Liu-Layland bound for 1 thread: 100.0000%): schedulable"
expect_line "schedulable on 4 cores: every thread meets its deadline"

# ... but not on three: d fits nowhere; it is shown on the least loaded core.
run 1 --cpus 3 four_heavy.tasks
expect_line "placement: d core 0"
expect_line "   0     1  d            10000        6000        625000        375000             inf           inf  MISS (diverges: utilisation > 100%)"
expect_line "core 0: utilisation 120.0000% (Liu-Layland bound for 2 threads: 82.8427%): not schedulable: thread 'd' misses its deadline without bound: with the higher-priority threads it needs more than 100% of the CPU (response time diverges) (four_heavy.tasks:6)"
expect_line "core 1: utilisation 60.0000% (Liu-Layland bound for 1 thread: 100.0000%): schedulable"
expect_line "not schedulable on 3 cores: thread 'd' fits on no core of 3 (on core 0, the least loaded: thread 'd' misses its deadline without bound: with the higher-priority threads it needs more than 100% of the CPU (response time diverges)) (four_heavy.tasks:6)"
# One core (the default) is the single-core report.
run 1 four_heavy.tasks
expect_line "not schedulable: thread 'b' misses its deadline without bound: with the higher-priority threads it needs more than 100% of the CPU (response time diverges) (four_heavy.tasks:4); 3 of 4 threads miss"
expect_no "placement:"
run 1 --cpus 1 four_heavy.tasks
expect_no "core 0"

# Pins from a task list: the pinned core's verdict names the thread that misses.
run 1 --cpus 4 pinned.tasks
expect_line "placement: ctrl core 2 (pinned)"
expect_line "placement: free core 0"
expect_line "   2     1  log           6000        3000        375000        187500          437500          7000  MISS by 62500 ticks"
expect_line "core 1: no real-time threads: schedulable"
expect_line "core 2: utilisation 100.0000% (Liu-Layland bound for 2 threads: 82.8427%): not schedulable: thread 'log' misses its deadline by 62500 ticks: worst response time 437500 ticks > period 375000 ticks (pinned.tasks:5)"
expect_line "not schedulable on 4 cores: core 2: thread 'log' misses its deadline by 62500 ticks: worst response time 437500 ticks > period 375000 ticks (pinned.tasks:5)"

# Pins from manifests (cpu=), best-effort threads placed on the least loaded core.
run 0 --cpus 4 control.manifest logger.manifest sensor.manifest
expect_line "schedcheck: 4 real-time threads (2 best-effort threads placed, not analysed), timer 62500000 Hz, overhead 0 ticks per release, 4 cores"
expect_line "placement: control/main core 1 (best effort)"
expect_line "placement: logger/bulk core 0"
expect_line "placement: sensor/main core 1 (pinned)"
expect_line "placement: sensor/fast core 3 (pinned)"
expect_line "   3     0  sensor/fast         5000        1000        312500         62500           62500          1000  ok"
expect_line "core 2: no real-time threads: schedulable"
expect_line "schedulable on 4 cores: every thread meets its deadline"
run 2 --cpus 2 sensor.manifest
expect_line "schedcheck: thread 'sensor/fast' is pinned to core 3, but there are 2 cores (0..1) (sensor.manifest:7)"
run 2 sensor.manifest
expect_line "schedcheck: thread 'sensor/main' is pinned to core 1, but there is 1 core (0..0) (sensor.manifest:6)"
run 2 bad_pin.tasks
expect_line "bad_pin.tasks:2: bad: 'cpu=8' is not a pin (cpu=<core>, 0..7)"
run 2 --cpus 0 liu_layland.tasks
run 2 --cpus 9 liu_layland.tasks
expect_line "schedcheck: --cpus needs a core count 1..8"

# Usage errors.
run 2
expect_line "schedcheck: no input file"
run 2 --hz 0 liu_layland.tasks
run 2 --hz
run 2 --frequency 5 liu_layland.tasks
run 0 --help

# The build-time check's report (tools/schedcheck/schedcheck.bzl).
out=$(cat "$report")
echo "$out"
expect_line "   2  logger/bulk        40000       10000       2500000        625000         2500000         40000  ok"
expect_line "schedulable: every thread meets its deadline"

if [ "$failures" -ne 0 ]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "PASS"
