#!/bin/sh
# Builds a cpio test archive for tests/host/vfs with the host's GNU cpio.
#   mkcpio.sh OUT FORMAT VARIANT PREFIX FILE...
# FORMAT: newc or crc. FILE...: the committed files under PREFIX; they are
# copied into a staging tree (Bazel's inputs are symlinks) with fixed
# permissions (dirs 0755, files 0644) and mtime (1700000000), so the archive
# does not depend on the checkout. VARIANT adds to the tree:
#   tree      an empty directory tmp/                    (names "./x")
#   nodirs    nothing; only regular files are listed, names without "./",
#             so the VFS must imply the parent directories
#   symlink   link -> data/hello.txt                     (the VFS refuses it)
#   hardlink  hard -> data/hello.txt, a second hard link (refused)
#   fifo      a FIFO named fifo                          (refused)
set -eu
out=$1
fmt=$2
variant=$3
prefix=$4
shift 4
stage="$out.stage"
rm -rf "$stage"
mkdir -p "$stage"
for f in "$@"; do
  rel=${f#"$prefix"/}
  mkdir -p "$stage/$(dirname "$rel")"
  cp "$f" "$stage/$rel"
done
case $variant in
  tree) mkdir -p "$stage/tmp" ;;
  nodirs) ;;
  symlink) ln -s data/hello.txt "$stage/link" ;;
  hardlink) ln "$stage/data/hello.txt" "$stage/hard" ;;
  fifo) mkfifo "$stage/fifo" ;;
  *) echo "mkcpio.sh: unknown variant $variant" >&2; exit 1 ;;
esac
find "$stage" -type d -exec chmod 755 {} +
find "$stage" -type f -exec chmod 644 {} +
find "$stage" -exec touch -h -d @1700000000 {} +
if [ "$variant" = nodirs ]; then
  (cd "$stage" && find . -type f | sed 's|^\./||' | LC_ALL=C sort |
    cpio -o -H "$fmt" --reproducible -R 0:0 --quiet) > "$out"
else
  (cd "$stage" && find . | LC_ALL=C sort | cpio -o -H "$fmt" --reproducible -R 0:0 --quiet) > "$out"
fi
rm -rf "$stage"
