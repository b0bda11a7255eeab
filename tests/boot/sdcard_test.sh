#!/usr/bin/env bash
# Host test of a boot disk image built by bsp/rpi4/make_disk_image.sh: the
# MBR partition table, the FAT32 boot partition, and the exact set of files
# in it, each byte-compared with its source.
#
#   sdcard_test.sh IMAGE NAME=SOURCE...
set -euo pipefail
export PATH="$PATH:/usr/sbin:/sbin"
export MTOOLS_SKIP_CHECK=1

img=$1
shift
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
pass() { echo "ok:   $*"; }

# Little-endian unsigned integer of LEN bytes at OFFSET.
le() { # <offset> <len>
  local v=0 i b
  read -r -a bytes <<<"$(od -An -tu1 -j "$1" -N "$2" "$img")"
  for ((i = $2 - 1; i >= 0; i--)); do v=$((v * 256 + bytes[i])); done
  echo "$v"
}
str() { dd if="$img" bs=1 skip="$1" count="$2" status=none; }

[ -f "$img" ] || { echo "FAIL: image $img not found"; exit 1; }
size=$(stat -L -c %s "$img")
sectors=$((size / 512))
[ $((size % 512)) -eq 0 ] && pass "size $size bytes is whole sectors" || fail "size $size is not a multiple of 512"
# QEMU accepts only power-of-two SD card sizes; real cards do not care.
[ $((size & (size - 1))) -eq 0 ] && pass "size is a power of two (usable as QEMU's SD card)" || fail "size $size is not a power of two"

# --- MBR ---------------------------------------------------------------------
[ "$(le 510 2)" -eq $((0xaa55)) ] && pass "MBR boot signature 55 aa" || fail "no MBR boot signature at 510"
[ "$(le 440 4)" -ne 0 ] && pass "MBR disk identifier $(printf 0x%08x "$(le 440 4)")" || fail "MBR disk identifier is 0"
used=0
for i in 0 1 2 3; do
  e=$((446 + 16 * i))
  if [ "$(od -An -tu1 -j $e -N 16 "$img" | tr -d ' \n' | tr -d 0)" != "" ]; then used=$((used + 1)); fi
done
[ "$used" -eq 1 ] && pass "exactly one partition entry" || fail "$used partition entries in use, expected 1"
status=$(le 446 1)
type=$(le 450 1)
start=$(le 454 4)
count=$(le 458 4)
[ "$status" -eq $((0x80)) ] && pass "partition 1 is marked bootable (0x80)" || fail "partition 1 status $(printf 0x%02x "$status"), expected 0x80"
[ "$type" -eq $((0x0c)) ] && pass "partition 1 type 0x0c (FAT32, LBA)" || fail "partition 1 type $(printf 0x%02x "$type"), expected 0x0c"
[ "$start" -gt 0 ] && [ $((start % 2048)) -eq 0 ] && pass "partition 1 starts at sector $start (1 MiB aligned)" ||
  fail "partition 1 starts at sector $start, not 1 MiB aligned"
[ "$count" -gt 0 ] && [ $((start + count)) -le "$sectors" ] && pass "partition 1 has $count sectors, inside the image" ||
  fail "partition 1 ($start + $count sectors) does not fit the image ($sectors sectors)"
if command -v sfdisk >/dev/null; then
  sfdisk --dump "$img" | grep -q "type=c, bootable" && pass "sfdisk agrees" || fail "sfdisk sees: $(sfdisk --dump "$img" | tail -1)"
fi

# --- FAT32 boot sector of the partition --------------------------------------
b=$((start * 512))
[ "$(le $((b + 510)) 2)" -eq $((0xaa55)) ] && pass "FAT boot sector signature" || fail "no boot sector signature in partition 1"
[ "$(str $((b + 82)) 8)" = "FAT32   " ] && pass "filesystem type FAT32" || fail "filesystem type '$(str $((b + 82)) 8)', expected FAT32"
[ "$(le $((b + 11)) 2)" -eq 512 ] && pass "512-byte sectors" || fail "bytes per sector $(le $((b + 11)) 2)"
[ "$(le $((b + 28)) 4)" -eq "$start" ] && pass "hidden sectors = partition start" ||
  fail "hidden sectors $(le $((b + 28)) 4), expected $start"
[ "$(le $((b + 32)) 4)" -le "$count" ] && pass "filesystem fits its partition" ||
  fail "filesystem has $(le $((b + 32)) 4) sectors, partition $count"

# --- files -------------------------------------------------------------------
fs="$img@@$b"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if ! mdir -b -i "$fs" ::/ >"$tmp/list" 2>"$tmp/err"; then
  fail "mdir cannot read the partition: $(cat "$tmp/err")"
fi
sed 's|^::/||' "$tmp/list" | sort >"$tmp/have"
: >"$tmp/want"
for spec in "$@"; do
  name=${spec%%=*}
  src=${spec#*=}
  echo "$name" >>"$tmp/want"
  if ! mcopy -n -i "$fs" "::/$name" "$tmp/file" 2>/dev/null; then
    fail "$name missing from the boot partition"
    continue
  fi
  if cmp -s "$tmp/file" "$src"; then
    pass "$name ($(stat -L -c %s "$src") bytes) identical to $src"
  else
    fail "$name differs from $src"
  fi
  rm -f "$tmp/file"
done
sort -o "$tmp/want" "$tmp/want"
extra=$(comm -23 "$tmp/have" "$tmp/want" | tr '\n' ' ')
[ -z "$extra" ] && pass "no other files" || fail "unexpected files: $extra"

if [ "$failures" -gt 0 ]; then
  echo "$failures check(s) failed for $img"
  exit 1
fi
echo "PASS: $img"
