#!/usr/bin/env bash
# Installs what is missing (tools/setup.sh), then builds the default QEMU virt
# image and boots it: `bazel run //:qemu`. Returns when the kernel powers off.
# Extra arguments go to bazel (e.g. tools/run.sh -c opt).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
"$top/tools/setup.sh"
exec bazel run "$@" //:qemu
