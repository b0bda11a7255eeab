#!/usr/bin/env bash
# Runs tools/pack and checks that it rejects its input with the expected
# messages: exit status 1, every expected line present verbatim on stderr,
# and no bundle written.
#
#   expect_pack_failure.sh <pack> [--expect <line>]... -- <pack arguments>...
#
# Expected lines also come from "# expect: <line>" comments in every
# *.manifest argument. "@OUT@" in the pack arguments becomes a fresh path.
set -uo pipefail

pack=$1
shift
expects=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
  case $1 in
    --expect) expects+=("$2"); shift 2 ;;
    *) echo "usage: $0 <pack> [--expect <line>]... -- <args>..." >&2; exit 2 ;;
  esac
done
shift

out="${TEST_TMPDIR:-$(mktemp -d)}/bundle.bin"
rm -f "$out"
args=()
for a in "$@"; do
  if [ "$a" = "@OUT@" ]; then a=$out; fi
  args+=("$a")
  case $a in
    *.manifest)
      while IFS= read -r line; do expects+=("$line"); done < <(sed -n 's/^# expect: //p' "$a")
      ;;
  esac
done
if [ ${#expects[@]} -eq 0 ]; then
  echo "FAIL: no expected messages given" >&2
  exit 1
fi

echo "\$ pack ${args[*]}"
stderr=$("$pack" "${args[@]}" 2>&1 >/dev/null)
rc=$?
echo "$stderr"
echo "(exit status $rc)"

fail=0
if [ "$rc" -ne 1 ]; then
  echo "FAIL: expected exit status 1, got $rc" >&2
  fail=1
fi
for e in "${expects[@]}"; do
  if ! grep -qxF -- "$e" <<<"$stderr"; then
    echo "FAIL: missing message: $e" >&2
    fail=1
  fi
done
if [ -e "$out" ]; then
  echo "FAIL: a bundle was written despite the errors" >&2
  fail=1
fi
[ "$fail" -eq 0 ] && echo "PASS"
exit "$fail"
