#!/usr/bin/env bash
# Boots the benchmark image deterministically and turns the bench domain's
# counter readings into instructions per operation.
#   run_bench.sh BENCH_IMAGE RT_IMAGE THREADS_IMAGE [CPU [SMP_IMAGE]]
# With -icount shift=0 the virtual clock advances 1 ns per instruction, so
# counter ticks * (1e9 / CNTFRQ) = instructions executed (user and kernel).
set -euo pipefail
image=$1 rt_image=$2 threads_image=$3 cpu=${4:-cortex-a72} smp_image=${5:-}
log=$(mktemp) rt_log=$(mktemp) threads_log=$(mktemp) smp_log=$(mktemp)
trap 'rm -f "$log" "$rt_log" "$threads_log" "$smp_log"' EXIT
boot() { # image log [extra qemu args]
  local img=$1 out=$2; shift 2
  timeout 300 qemu-system-aarch64 -M virt,virtualization=on,dtb-randomness=off -cpu "$cpu" -m 1G -smp "${SMP:-4}" \
    -icount shift=0,sleep=off -nographic -no-reboot -nic none -semihosting-config enable=on,target=native \
    -kernel "$img" "$@" </dev/null >"$out" 2>&1 || { cat "$out"; echo "bench: QEMU failed on $img" >&2; exit 1; }
  tr -d '\r' <"$out" >"$out.clean" && mv "$out.clean" "$out"
}
boot "$image" "$log"
boot "$rt_image" "$rt_log"
boot "$threads_image" "$threads_log"
cat "$threads_log" >>"$log"  # its "bench: thread_switch ..." line joins the others
if [ -n "$smp_image" ]; then
  boot "$smp_image" "$smp_log"
  cat "$smp_log" >>"$log"  # "bench: cross_core_wake ..." and the kernel's IPI latency line
fi
hz=$(sed -nE 's/^ukernel .* timer ([0-9]+) Hz$/\1/p' "$log")
[ -n "$hz" ] || { cat "$log"; echo "bench: no banner" >&2; exit 1; }
grep -q "bench: done" "$log" || { cat "$log"; echo "bench: the bench domain did not finish" >&2; exit 1; }
echo "bench: QEMU virt, -cpu $cpu, -icount shift=0,sleep=off (1 insn = 1 ns), counter $hz Hz"
# "bench: <phase> n=<ops> cntvct=<ticks>" -> insn/op. A Yield from the bench
# domain runs its partner's Yield too: two domain switches per op.
sed -nE 's/^\[(bench|thread_switch|bench_smp)\] bench: ([a-z_0-9]+) n=([0-9]+) cntvct=([0-9]+)$/\2 \3 \4/p' "$log" |
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

# IPI latency: the reschedule SGI from its raise on one core to its handler
# on the target (the kernel's per-core line for core 1 of the SMP image).
if [ -n "$smp_image" ]; then
  ipi=$(sed -nE 's/^smp: core 1: ipis sent=[0-9]+ received=[0-9]+ latency avg=([0-9]+) worst=[0-9]+ ticks$/\1/p' "$smp_log")
  [ -n "$ipi" ] || { cat "$smp_log"; echo "bench: no IPI latency line" >&2; exit 1; }
  awk -v t="$ipi" -v hz="$hz" 'BEGIN { printf "bench ipi_latency: %d insn/op\n", t * 1e9 / hz + 0.5 }'
fi

# Scheduling: the kernel's timer-latency line and the worst release jitter
# over the periodic threads (ticks -> instructions like above).
to_insn() { awk -v t="$1" -v hz="$hz" 'BEGIN { printf "%d", t * 1e9 / hz + 0.5 }'; }
read -r avg worst < <(sed -nE 's/^sched: timer latency \(deadline to dispatch\) samples=[0-9]+ avg=([0-9]+) worst=([0-9]+) ticks$/\1 \2/p' "$rt_log")
[ -n "${worst:-}" ] || { cat "$rt_log"; echo "bench: no timer latency line" >&2; exit 1; }
echo "bench timer_latency_avg: $(to_insn "$avg") insn/op"
echo "bench timer_latency_worst: $(to_insn "$worst") insn/op"
jitter=$(sed -nE 's/^sched: [^ ]+ rt .* worst_jitter=([0-9]+) .*/\1/p' "$rt_log" | sort -n | tail -1)
hp_jitter=$(sed -nE 's/^sched: p10\/main rt .* worst_jitter=([0-9]+) .*/\1/p' "$rt_log")
echo "bench jitter_worst: $(to_insn "$jitter") insn/op"
echo "bench jitter_worst_highest_priority: $(to_insn "$hp_jitter") insn/op"

# With FEAT_FGT (-cpu max) the kernel traps svc directly; the same image with
# ukernel.svc=gateway measures the EL1 gateway path on the same CPU.
if grep -q "svc trapped to EL2 directly" "$log"; then
  gw_log=$(mktemp)
  boot "$image" "$gw_log" -append ukernel.svc=gateway
  ticks=$(sed -nE 's/^\[bench\] bench: null_submit n=([0-9]+) cntvct=([0-9]+)$/\1 \2/p' "$gw_log")
  rm -f "$gw_log"
  read -r ops t <<<"$ticks"
  awk -v t="$t" -v o="$ops" -v hz="$hz" 'BEGIN { printf "bench null_submit_roundtrip_via_gateway: %d insn/op\n", (t * 1e9 / hz) / o + 0.5 }'
fi
