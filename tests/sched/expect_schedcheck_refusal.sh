#!/usr/bin/env bash
# schedcheck must refuse the manifests (exit 1) and name a thread that misses.
set -uo pipefail
tool=$1; shift
out=$("$tool" --hz 62500000 "$@" 2>&1); status=$?
echo "$out"
[ "$status" -eq 1 ] || { echo "FAIL: exit status $status, expected 1 (not schedulable)"; exit 1; }
grep -qE "^not schedulable: thread '[a-z0-9_/]+' misses its deadline" <<<"$out" ||
  { echo "FAIL: no refusal line naming the thread and the miss"; exit 1; }
echo "PASS: the unschedulable set is refused at build time"
