#!/usr/bin/env bash
# Packs files into a cpio "newc" archive for the kernel's read-only tree.
#   make_rootfs.sh OUT STRIP_PREFIX [FILE...]
# Each FILE lands at /<its path with STRIP_PREFIX removed>. The archive is
# reproducible: sorted names, owner 0:0, every timestamp 0.
set -euo pipefail
out=$1 strip=$2; shift 2
tree=$(mktemp -d)
trap 'rm -rf "$tree"' EXIT
for f in "$@"; do
  rel=${f#"$strip"}
  rel=${rel#/}
  mkdir -p "$tree/$(dirname "$rel")"
  cp -L "$f" "$tree/$rel"
  chmod 0444 "$tree/$rel"
done
find "$tree" -exec touch -h -d @0 {} +
(cd "$tree" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --reproducible -R 0:0 --quiet) >"$out"
