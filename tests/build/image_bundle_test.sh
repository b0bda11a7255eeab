#!/usr/bin/env bash
# Checks that a ukernel_image carries its domain bundle: the symbols
# uk_domain_bundle_start/_end exist, are 16-byte aligned, lie in the
# read-only data of the kernel ([__text_end, __rodata_end)), and the bytes
# between them in the raw image are exactly the bundle tools/pack wrote.
#
#   image_bundle_test.sh <image.bin> <image.elf> <bundle.inc>
set -euo pipefail
bin=$1
elf=$2
bundle=$3
nm=aarch64-linux-gnu-nm

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

symbol() {
  local v
  v=$("$nm" "$elf" | awk -v s="$1" '$3 == s { print $1 }')
  [ -n "$v" ] || fail "symbol $1 not found in $elf"
  echo $((16#$v))
}

image_start=$(symbol __image_start)
start=$(symbol uk_domain_bundle_start)
end=$(symbol uk_domain_bundle_end)
text_end=$(symbol __text_end)
rodata_end=$(symbol __rodata_end)
size=$(stat -L -c %s "$bundle")
printf 'uk_domain_bundle_start 0x%x, uk_domain_bundle_end 0x%x (%d bytes), read-only data [0x%x, 0x%x)\n' \
  "$start" "$end" $((end - start)) "$text_end" "$rodata_end"

[ "$image_start" -eq 0 ] || fail "__image_start is $image_start, expected 0 (raw image offset = address)"
[ $((start % 16)) -eq 0 ] || fail "uk_domain_bundle_start is not 16-byte aligned"
[ $((end % 16)) -eq 0 ] || fail "uk_domain_bundle_end is not 16-byte aligned"
[ $((end - start)) -eq "$size" ] || fail "bundle in the image is $((end - start)) bytes, pack wrote $size"
[ "$start" -ge "$text_end" ] && [ "$end" -le "$rodata_end" ] ||
  fail "bundle [0x$(printf %x "$start"), 0x$(printf %x "$end")) is not inside read-only data"
# dd, not tail | head: head closing the pipe early would fail the pipeline.
dd if="$bin" bs=1 skip="$start" count="$size" status=none | cmp - "$bundle" ||
  fail "the bytes at uk_domain_bundle_start differ from $bundle"
magic=$(dd if="$bin" bs=1 skip="$start" count=8 status=none)
[ "$magic" = "UKBUNDL1" ] || fail "bundle magic is '$magic'"
echo "PASS: the image carries the $size-byte bundle at 0x$(printf %x "$start")"
