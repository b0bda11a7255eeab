#!/usr/bin/env bash
# Builds a partitioned disk image without root: an MBR with one bootable
# FAT32 (LBA, type 0x0c) partition starting at 1 MiB, holding the given files
# in its root directory. This is the layout the Raspberry Pi boot ROM and
# firmware expect on an SD card, and one U-Boot's distro boot scans.
#
#   make_disk_image.sh --out IMG [--size-mib N] [--label NAME] [--disk-id HEX]
#                      NAME=PATH...
#
# Tools: sfdisk (the partition table, written into a plain file), mkfs.fat
# (the filesystem, written at the partition's offset), mcopy (the files).
# The result is reproducible: a fixed MBR disk id, mkfs.fat --invariant (its
# constant volume id 1234-ABCD and times), and every file dated 2000-01-01.
set -euo pipefail
# sfdisk and mkfs.fat live in sbin, which Bazel's strict action PATH lacks.
export PATH="$PATH:/usr/sbin:/sbin"
# mtools: do not insist on a geometry-aligned size.
export MTOOLS_SKIP_CHECK=1

out="" size_mib=64 label="BOOT" disk_id="0x756b726e"
files=()
while [ $# -gt 0 ]; do
  case $1 in
    --out) out=$2; shift 2 ;;
    --size-mib) size_mib=$2; shift 2 ;;
    --label) label=$2; shift 2 ;;
    --disk-id) disk_id=$2; shift 2 ;;
    --*) echo "make_disk_image.sh: unknown option $1" >&2; exit 2 ;;
    *=*) files+=("$1"); shift ;;
    *) echo "make_disk_image.sh: expected NAME=PATH, got '$1'" >&2; exit 2 ;;
  esac
done
[ -n "$out" ] || { echo "make_disk_image.sh: --out is required" >&2; exit 2; }

readonly sector=512
readonly start=2048  # 1 MiB: aligned to SD erase blocks and 4 MiB cards' allocation units
total=$((size_mib * 1024 * 1024 / sector))
part_sectors=$((total - start))
# FAT32 needs at least 65525 clusters; with 512-byte clusters that is ~33 MiB.
[ "$part_sectors" -ge 67584 ] || { echo "make_disk_image.sh: --size-mib $size_mib is too small for FAT32" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
img="$tmp/disk.img"

truncate -s $((total * sector)) "$img"
sfdisk --quiet "$img" <<EOF
label: dos
label-id: $disk_id
unit: sectors

start=$start, size=$part_sectors, type=c, bootable
EOF

# -h: hidden sectors = the partition's first LBA, as a formatted partition has.
# -s 1: 512-byte clusters, so a 64 MiB card still has enough clusters for FAT32.
mkfs.fat -F 32 -s 1 -n "$label" --invariant -h "$start" --offset="$start" \
  "$img" $((part_sectors * sector / 1024)) >/dev/null

fs="$img@@$((start * sector))"
for spec in "${files[@]}"; do
  name=${spec%%=*}
  path=${spec#*=}
  [ -f "$path" ] || { echo "make_disk_image.sh: $path (for $name) not found" >&2; exit 1; }
  cp "$path" "$tmp/file"
  touch -d "2000-01-01 00:00:00 UTC" "$tmp/file"
  TZ=UTC mcopy -m -o -i "$fs" "$tmp/file" "::/$name"
done

mv "$img" "$out"
