#!/usr/bin/env bash
# Boots a raw AArch64 kernel image in QEMU. Three modes:
#   run  (default)  console on the terminal, returns when QEMU exits
#   test (--test)   bounded by --timeout, console captured to a log, exit
#                   status and --expect regexes checked, log printed on failure;
#                   with --expect-halt the kernel is expected not to exit: pass
#                   (and stop QEMU) once every --expect regex has appeared
#   gdb  (--gdb ELF) QEMU halted at reset with a gdb stub (port $GDB_PORT,
#                   default 1234); gdb-multiarch attaches, symbols shifted by
#                   $GDB_LOAD_OFFSET if set
# Usage: run_qemu.sh --kernel IMAGE [--kernel-flag -kernel|-bios] [--machine M] [--cpu C] [--memory SIZE] [--smp N]
#          [--test --timeout SECS [--expect-exit N | --expect-halt] --expect REGEX... --reject REGEX...]
#          [--gdb ELF] [-- EXTRA_QEMU_ARGS...]
set -euo pipefail

kernel="" kernel_flag="-kernel" machine="virt,virtualization=on" cpu="cortex-a72" memory="1G" smp="default"
load_at="" mode=run timeout_s=30 expect_exit=0 halt=0 gdb_elf="" expects=() rejects=() extra=()
while [ $# -gt 0 ]; do
  case $1 in
    --kernel) kernel=$2; shift 2 ;;
    --kernel-flag) kernel_flag=$2; shift 2 ;;  # how QEMU gets IMAGE: -kernel (default) or -bios (firmware, e.g. U-Boot)
    --machine) machine=$2; shift 2 ;;
    --cpu) cpu=$2; shift 2 ;;          # empty: machine's default CPU
    --memory) memory=$2; shift 2 ;;    # empty: machine's default RAM
    --smp) smp=$2; shift 2 ;;          # CPUs; default 4 on virt, the machine's own elsewhere
    --test) mode="test"; shift ;;
    --timeout) timeout_s=$2; shift 2 ;;
    --expect-exit) expect_exit=$2; shift 2 ;;
    --expect-halt) halt=1; shift ;;     # pass once all --expect seen, QEMU stopped
    --expect) expects+=("$2"); shift 2 ;;
    --reject) rejects+=("$2"); shift 2 ;;  # test fails if the console ever matches
    --gdb) mode=gdb; gdb_elf=$2; shift 2 ;;
    --load-at) load_at=$2; shift 2 ;;  # raw load + reset PC there: firmware-style start (EL3 with secure=on)
    --) shift; extra=("$@"); break ;;
    *) echo "run_qemu.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
[ -n "$kernel" ] || { echo "run_qemu.sh: --kernel is required" >&2; exit 2; }
[ -f "$kernel" ] || { echo "run_qemu.sh: kernel image '$kernel' not found" >&2; exit 2; }
case $kernel_flag in
  -kernel|-bios) ;;
  *) echo "run_qemu.sh: --kernel-flag must be -kernel or -bios, not '$kernel_flag'" >&2; exit 2 ;;
esac

qemu=(qemu-system-aarch64 -M "$machine")
[ -z "$cpu" ] || qemu+=(-cpu "$cpu")
[ -z "$memory" ] || qemu+=(-m "$memory")
if [ "$smp" = default ]; then
  case $machine in virt*) smp=4 ;; *) smp="" ;; esac
fi
[ -z "$smp" ] || qemu+=(-smp "$smp")
# -no-reboot: a reset request ends the run instead of looping forever.
# -nic none: no default PCI NIC, whose boot ROM (Debian's ipxe-qemu) is not
# installed; add e.g. "-nic user,model=virtio-net-device" via extra args.
qemu+=(-nographic -no-reboot -nic none -semihosting-config "enable=on,target=native")
if [ -n "$load_at" ]; then
  qemu+=(-device "loader,file=$kernel,addr=$load_at,cpu-num=0")
else
  qemu+=("$kernel_flag" "$kernel")
fi
qemu+=("${extra[@]}")

case $mode in
run)
  exec "${qemu[@]}"
  ;;
gdb)
  port=${GDB_PORT:-1234}
  # QEMU's console stays on this terminal (output only); gdb owns the input.
  "${qemu[@]}" -S -gdb "tcp::$port" </dev/null &
  qpid=$!
  trap 'kill "$qpid" 2>/dev/null || true' EXIT
  # The ELF's symbols are at link addresses. A kernel that runs where it was
  # loaded (self-relocated PIE) needs them shifted. QEMU virt's -kernel puts
  # an Image with text_offset 0 at RAM base + 2 MiB: 0x40200000.
  case $machine in virt*) : "${GDB_LOAD_OFFSET:=0x40200000}" ;; esac
  if [ -n "${GDB_LOAD_OFFSET:-}" ]; then
    syms=(-ex "add-symbol-file $gdb_elf -o $GDB_LOAD_OFFSET")
  else
    syms=(-ex "symbol-file $gdb_elf")
  fi
  # Debug info names sources relative to the workspace (bazel run sets it).
  gdb-multiarch -q -iex "set confirm off" -ex "set architecture aarch64" "${syms[@]}" \
    -ex "directory ${BUILD_WORKSPACE_DIRECTORY:-.}" -ex "target remote :$port"
  ;;
test)
  out=${TEST_UNDECLARED_OUTPUTS_DIR:-${TEST_TMPDIR:-$(mktemp -d)}}
  # QEMU's own temporary files (e.g. -drive snapshot=on overlays) go to the
  # test's writable tmp dir; the sandbox's /var/tmp is read-only.
  export TMPDIR=${TEST_TMPDIR:-${TMPDIR:-/tmp}}
  log="$out/console.log"
  all_seen() { # every --expect regex matches the console so far
    tr -d '\r' <"$log.raw" >"$log"
    for re in "${expects[@]}"; do grep -Eq -- "$re" "$log" || return 1; done
  }
  : >"$log.raw"  # exists before QEMU opens it: all_seen may poll first
  start=$SECONDS
  timeout -k 5 "$timeout_s" "${qemu[@]}" </dev/null >"$log.raw" 2>&1 &
  qpid=$!
  halted=0
  if [ "$halt" = 1 ]; then
    # The kernel parks the CPU instead of exiting: stop QEMU (through timeout,
    # which forwards the signal) as soon as all expected output is there.
    while kill -0 "$qpid" 2>/dev/null; do
      if all_seen; then halted=1; kill "$qpid" 2>/dev/null || true; break; fi
      sleep 0.2
    done
  fi
  set +e
  wait "$qpid"
  status=$?
  set -e
  all_seen || true
  rm -f "$log.raw"
  failures=()
  if [ "$status" -eq 124 ] || { [ "$status" -eq 137 ] && [ $((SECONDS - start)) -ge "$timeout_s" ]; }; then
    if [ "$halt" = 1 ]; then
      failures+=("TIMEOUT after ${timeout_s}s: the expected output never appeared (QEMU killed)")
    else
      failures+=("TIMEOUT after ${timeout_s}s: QEMU was killed (the kernel never exited via semihosting SYS_EXIT)")
    fi
  elif [ "$halt" = 1 ] && [ "$halted" = 0 ]; then
    failures+=("QEMU exited with status $status, but the kernel was expected to halt and keep running")
  elif [ "$halt" = 0 ] && [ "$status" -ne "$expect_exit" ]; then
    failures+=("exit status $status, expected $expect_exit")
  fi
  for re in "${expects[@]}"; do
    grep -Eq -- "$re" "$log" || failures+=("missing expected output matching /$re/")
  done
  for re in "${rejects[@]}"; do
    if grep -Eq -- "$re" "$log"; then failures+=("output matches rejected /$re/: $(grep -Em1 -- "$re" "$log")"); fi
  done
  if [ ${#failures[@]} -gt 0 ]; then
    echo "===== QEMU console ($kernel, ${machine}) ====="
    cat "$log"
    echo "===== end of console ====="
    for f in "${failures[@]}"; do echo "FAIL: $f"; done
    exit 1
  fi
  if [ "$halt" = 1 ]; then
    echo "PASS: kernel halted, ${#expects[@]} expected pattern(s) found in $((SECONDS - start))s"
  else
    echo "PASS: exit status $status, ${#expects[@]} expected pattern(s) found in $((SECONDS - start))s"
  fi
  ;;
esac
