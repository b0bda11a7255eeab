#!/usr/bin/env bash
# Boots the benchmark image deterministically and turns the bench domain's
# counter readings into instructions per operation.
#   run_bench.sh IMAGE [CPU]
# With -icount shift=0 the virtual clock advances 1 ns per instruction, so
# counter ticks * (1e9 / CNTFRQ) = instructions executed (user and kernel).
set -euo pipefail
image=$1 cpu=${2:-cortex-a72}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
timeout 300 qemu-system-aarch64 -M virt,virtualization=on,dtb-randomness=off -cpu "$cpu" -m 1G \
  -icount shift=0,sleep=off -nographic -no-reboot -nic none -semihosting-config enable=on,target=native \
  -kernel "$image" </dev/null >"$log" 2>&1 || { cat "$log"; echo "bench: QEMU failed" >&2; exit 1; }
tr -d '\r' <"$log" >"$log.clean" && mv "$log.clean" "$log"
hz=$(sed -nE 's/^ukernel .* timer ([0-9]+) Hz$/\1/p' "$log")
[ -n "$hz" ] || { cat "$log"; echo "bench: no banner" >&2; exit 1; }
grep -q "bench: done" "$log" || { cat "$log"; echo "bench: the bench domain did not finish" >&2; exit 1; }
echo "bench: QEMU virt, -cpu $cpu, -icount shift=0,sleep=off (1 insn = 1 ns), counter $hz Hz"
# "bench: <phase> n=<ops> cntvct=<ticks>" -> insn/op. A Yield from the bench
# domain runs its partner's Yield too: two domain switches per op.
sed -nE 's/^\[bench\] bench: ([a-z_0-9]+) n=([0-9]+) cntvct=([0-9]+)$/\1 \2 \3/p' "$log" |
while read -r phase ops ticks; do
  per=1
  name=$phase
  case $phase in
    domain_switch) per=2 ;;
    null_submit) name=null_submit_roundtrip ;;
    batch64) name=batch64_per_op ;;
  esac
  awk -v n="$name" -v t="$ticks" -v o="$ops" -v p="$per" -v hz="$hz" \
    'BEGIN { printf "bench %s: %d insn/op\n", n, (t * 1e9 / hz) / (o * p) + 0.5 }'
done
