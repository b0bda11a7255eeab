#!/usr/bin/env bash
# Boots the chatter image and checks that the two domains' lines strictly
# alternate (a1 b1 a2 b2 ...): Yield hands the CPU to the other domain.
set -euo pipefail
runner=$1 image=$2 cpu=$3
log=$(mktemp)
# -icount: virtual time follows instructions, so the 10 ms round-robin quantum
# cannot expire mid-line however loaded the host is.
"$runner" --kernel "$image" --cpu "$cpu" --test --timeout 30 --expect-exit 0 -- -icount shift=0,sleep=off >"$log" 2>&1 || { cat "$log"; exit 1; }
out=${TEST_UNDECLARED_OUTPUTS_DIR:-${TEST_TMPDIR}}/console.log
got=$(grep -oE '^\[chatter_[ab]\] chatter_[ab]: line [0-9]' "$out" | sed -E 's/^\[(chatter_[ab])\].* ([0-9])$/\1 \2/' | tr '\n' ',')
want="chatter_a 1,chatter_b 1,chatter_a 2,chatter_b 2,chatter_a 3,chatter_b 3,chatter_a 4,chatter_b 4,chatter_a 5,chatter_b 5,"
if [ "$got" != "$want" ]; then
  echo "FAIL: lines do not alternate"; echo " got: $got"; echo "want: $want"; cat "$out"; exit 1
fi
echo "PASS: chatter_a and chatter_b alternate line by line"
