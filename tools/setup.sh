#!/usr/bin/env bash
# Installs everything ukernel needs on a Debian bookworm machine. Idempotent:
# when every package and cached board file is present it only checks and exits.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cache="$top/.cache/debian"
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"

# Packages installed on the machine (binary packages from bookworm / backports).
pkgs=(bazel-bootstrap bazel-platforms bazel-rules-java bazel-skylib
      g++-aarch64-linux-gnu binutils-aarch64-linux-gnu
      googletest libgtest-dev device-tree-compiler u-boot-tools
      mtools dosfstools fdisk gdb-multiarch clang libclang-rt-14-dev
      python3 dpkg-dev cpio)
# QEMU 10 comes from bookworm-backports.
bpo_pkgs=(qemu-system-arm qemu-system-data qemu-utils)

need_sources=0
grep -rqs "bookworm-backports" /etc/apt/sources.list /etc/apt/sources.list.d/ || need_sources=1
grep -rqs "deb-src" /etc/apt/sources.list /etc/apt/sources.list.d/ || need_sources=1
grep -rqs "non-free-firmware" /etc/apt/sources.list /etc/apt/sources.list.d/ || need_sources=1
if [ "$need_sources" = 1 ]; then
  echo "setup: adding bookworm-backports, non-free-firmware and deb-src sources"
  $SUDO tee /etc/apt/sources.list.d/ukernel.sources >/dev/null <<'SRC'
Types: deb deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main non-free-firmware
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: non-free-firmware
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  $SUDO dpkg --add-architecture arm64
  $SUDO apt-get update -qq
fi
dpkg --print-foreign-architectures | grep -qx arm64 || { $SUDO dpkg --add-architecture arm64; $SUDO apt-get update -qq; }

missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
qemu_ok=0
if command -v qemu-system-aarch64 >/dev/null; then
  qemu-system-aarch64 --version | grep -qE "version (9|[1-9][0-9])\." && qemu_ok=1
fi
if [ "$qemu_ok" = 0 ]; then
  echo "setup: installing QEMU from bookworm-backports"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends -t bookworm-backports "${bpo_pkgs[@]}" >/dev/null
fi

# Board files and third-party source: downloaded and unpacked into an ignored cache.
mkdir -p "$cache"
fetch_unpack() { # <package[:arch]> <dir>
  local pkg=$1 dir=$2
  [ -f "$cache/$dir/.done" ] && return 0
  echo "setup: fetching $pkg"
  rm -rf "$cache/$dir" && mkdir -p "$cache/$dir"
  (cd "$cache/$dir" && apt-get download -qq -o APT::Sandbox::User=root "$pkg" >/dev/null && dpkg-deb -x ./*.deb root && rm -f ./*.deb && touch .done)
}
fetch_unpack raspi-firmware raspi-firmware
fetch_unpack u-boot-qemu u-boot-qemu
fetch_unpack u-boot-rpi:arm64 u-boot-rpi
if [ ! -f "$cache/linux-dtbs/.done" ]; then
  kpkg=$(apt-cache depends linux-image-arm64:arm64 2>/dev/null | awk '/Depends: linux-image-[0-9]/{print $2; exit}')
  case $kpkg in *:arm64) ;; *) kpkg=$kpkg:arm64 ;; esac
  fetch_unpack "$kpkg" linux-dtbs-full
  mkdir -p "$cache/linux-dtbs"
  find "$cache/linux-dtbs-full" -name 'bcm2711-rpi-4-b.dtb' -exec cp {} "$cache/linux-dtbs/" \;
  rm -rf "$cache/linux-dtbs-full"
  touch "$cache/linux-dtbs/.done"
fi
# libfdt, compiled freestanding into the kernel. Debian's device-tree-compiler
# source package is the primary origin; when the mirror lacks its tarball the
# identical upstream libfdt shipped in Debian's arm-trusted-firmware source
# package is used. Either way the files land flat in $cache/libfdt.
if [ ! -f "$cache/libfdt/.done" ]; then
  rm -rf "$cache/libfdt" "$cache/libfdt-src" && mkdir -p "$cache/libfdt" "$cache/libfdt-src"
  got=0
  for srcpkg in device-tree-compiler arm-trusted-firmware; do
    echo "setup: fetching libfdt from the $srcpkg source package"
    if (cd "$cache/libfdt-src" && rm -rf ./* && apt-get source -qq -o APT::Sandbox::User=root --download-only "$srcpkg" >/dev/null 2>&1); then
      (cd "$cache/libfdt-src" && tar xf ./*.orig.tar.* --wildcards '*libfdt/*' 2>/dev/null) || true
      if find "$cache/libfdt-src" -path '*libfdt/fdt_ro.c' | grep -q .; then got=1; break; fi
    fi
  done
  [ "$got" = 1 ] || { echo "setup: could not fetch libfdt source" >&2; exit 1; }
  find "$cache/libfdt-src" -path '*libfdt/*' \( -name '*.c' -o -name '*.h' \) -exec cp {} "$cache/libfdt/" \;
  rm -rf "$cache/libfdt-src"
  touch "$cache/libfdt/.done"
fi
echo "setup: ok ($(qemu-system-aarch64 --version | head -1), $(bazel --version 2>/dev/null))"
