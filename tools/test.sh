#!/usr/bin/env bash
# Runs every test (host unit tests and QEMU boot tests) on a Debian bookworm
# machine, installing what is missing first. The last line of output is always
# "N passed, M failed"; the exit status is nonzero unless everything passed.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1

if ! "$top/tools/setup.sh"; then
  echo "test.sh: tools/setup.sh failed"
  echo "0 passed, 1 failed"
  exit 1
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
# --keep_going: one broken target must not hide the results of the others.
bazel test --keep_going --color=no --curses=no //... "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}

# Bazel's per-target summary lines, e.g.
#   //smoke:boot_test        (cached) PASSED in 0.1s
#   //x:y                    FAILED TO BUILD / TIMEOUT in 60.0s / NO STATUS
# FLAKY means it passed on a retry, which Bazel itself counts as a pass.
target='^(//|@)[^[:space:]]+[[:space:]]+(\(cached\) )?'
passed=$(grep -cE "${target}(PASSED|FLAKY)" "$log" || true)
failed=$(grep -cE "${target}(FAILED|TIMEOUT|NO STATUS|INCOMPLETE)" "$log" || true)

# Exit 4 is "built fine, no test targets"; anything else nonzero without a
# failed test line is a loading/analysis error, reported as one failure.
if [ "$rc" -ne 0 ] && [ "$rc" -ne 4 ] && [ "$failed" -eq 0 ]; then
  echo "test.sh: bazel exited with status $rc before reporting a failed test (see above)"
  failed=1
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
