#!/usr/bin/env bash
# tools/pack on good input: --check accepts the manifests, --out writes a
# bundle that --dump (the kernel's bundle validator) accepts and describes.
#
#   pack_cli_test.sh <pack> <hello.manifest> <worker.manifest> <elf>
set -euo pipefail
pack=$1
hello=$2
worker=$3
elf=$4
out=${TEST_TMPDIR:-$(mktemp -d)}/bundle.bin

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

expect_line() {
  grep -qxF -- "$1" <<<"$2" || fail "missing line: $1"
}

check=$("$pack" --check "$hello" "$worker")
echo "$check"
expect_line "$hello: ok (domain hello, 1 thread)" "$check"
expect_line "$worker: ok (domain worker, 2 threads)" "$check"

"$pack" --out "$out" --domain "$hello" "$elf" --domain "$worker" "$elf"
[ -s "$out" ] || fail "no bundle written"
[ $(($(stat -L -c %s "$out") % 16)) -eq 0 ] || fail "bundle size is not a multiple of 16"

dump=$("$pack" --dump "$out")
echo "$dump"
expect_line "  thread main cpu 0 stack 16K" "$dump"
expect_line "  thread control cpu 0 stack 8K period 10000us budget 2000us" "$dump"
expect_line "  grant path-ro /data" "$dump"
expect_line "  grant path-rw /tmp/worker" "$dump"
expect_line "  grant signal hello" "$dump"
expect_line "  grant port 8080" "$dump"
grep -q "^domain 0: hello subsystem 0x[0-9a-f]\{16\} memory 256K caps debug info exit elf [0-9]* bytes at [0-9]*$" <<<"$dump" ||
  fail "domain 0 line"
grep -q "^domain 1: worker (parent hello) subsystem .* memory 512K caps debug info time yield exit signals elf" <<<"$dump" ||
  fail "domain 1 line"

# On the board's four cores: the real-time thread goes first fit to core 0,
# the best-effort threads to the least loaded core (1).
"$pack" --out "$out" --cpus 4 --hz 54000000 --domain "$hello" "$elf" --domain "$worker" "$elf"
dump=$("$pack" --dump "$out")
echo "$dump"
expect_line "  thread main cpu 1 stack 16K" "$dump"
expect_line "  thread control cpu 0 stack 8K period 10000us budget 2000us" "$dump"
[ "$(grep -c "  thread main cpu 1 stack 16K" <<<"$dump")" -eq 2 ] || fail "best-effort threads not both on core 1"
# Without analysis: everything unpinned on core 0.
"$pack" --out "$out" --cpus 4 --no-analysis --domain "$hello" "$elf" --domain "$worker" "$elf"
dump=$("$pack" --dump "$out")
[ "$(grep -c " cpu 0 " <<<"$dump")" -eq 3 ] || fail "--no-analysis did not keep every thread on core 0"

# Usage errors exit 2; a corrupted bundle is refused by --dump.
set +e
"$pack" --out 2>/dev/null
[ $? -eq 2 ] || fail "usage error did not exit 2"
for bad in "--cpus 0" "--cpus 9" "--cpus x" "--hz 0" "--cpus"; do
  # shellcheck disable=SC2086
  "$pack" --out "$out" $bad 2>/dev/null
  [ $? -eq 2 ] || fail "pack $bad did not exit 2"
done
printf 'XXXXXXXX' | dd of="$out" bs=1 conv=notrunc status=none
msg=$("$pack" --dump "$out" 2>&1)
rc=$?
set -e
[ $rc -eq 1 ] || fail "--dump accepted a corrupted bundle"
expect_line "$out: invalid bundle: bad magic (expected \"UKBUNDL1\")" "$msg"
echo "PASS"
