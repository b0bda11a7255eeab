// Per-core kernel state. Every core that runs the kernel owns one Cpu,
// reached through this_cpu() (TPIDR_EL2 on AArch64, a fake in host tests);
// kernel code never indexes per-core state by a global "current".
//
// What lives here: the thread the core runs, its own rate-monotonic run
// queue (scheduling is partitioned: a thread belongs to one core for its
// life), its timer and rescheduling flags, the cross-core requests other
// cores raised for it, and its statistics. Fields written by other cores
// (`pending`, `at_el0`) are accessed atomically; everything else is written
// by the owning core, or by any core holding the kernel lock
// (kernel/cpu/kernel_lock.h) while the owner is outside the kernel.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "kernel/sched/rm_scheduler.h"

namespace uk {

struct Thread;
struct Domain;

// The most cores the kernel runs (GICv2 addresses at most 8 CPU interfaces).
inline constexpr size_t kMaxCpus = 8;

// Cross-core requests, bits of Cpu::pending. The sender sets the bit, then
// raises an SGI; the target handles every bit set when it next enters the
// kernel.
inline constexpr uint32_t kCpuRequestReschedule = 1u << 0;  // a thread of yours woke, exited or was killed

// Timer latency: armed deadline to the dispatch decision that follows it.
struct TimerLatency {
  uint64_t samples = 0;
  uint64_t total = 0;
  uint64_t worst = 0;
};

// The kernel lock as this core saw it: how often it found the lock taken
// and its longest wait (timer ticks), the measured blocking term of the
// interference bound in docs/smp.md. Uncontended acquisitions cost nothing.
struct LockStats {
  uint64_t contended = 0;
  uint64_t worst_wait = 0;
};

struct Cpu {
  uint32_t index = 0;  // 0 = the boot CPU; dense, in device-tree order
  uint64_t mpidr = 0;  // affinity (MPIDR_EL1 & 0xff00ffffff)
  bool online = false;

  // The thread this core runs (or last ran); nullptr before the first.
  Thread* current = nullptr;
  // True from just before the eret to EL0 until the next exception entry:
  // lets a core that kills a domain wait until no other core still runs it.
  uint32_t at_el0 = 0;

  // This core's run queue: only threads whose Thread::cpu is this core.
  sched::RmScheduler sched;
  // scheduler.cc's bookkeeping of timed-out blocks (see scheduler_pick()).
  uint64_t timeouts_seen = 0;
  bool block_refused = false;

  // Set by this core's timer interrupt.
  volatile bool timer_fired = false;
  // A scheduling decision is due when the current kernel entry returns.
  bool need_resched = false;
  // The policy's next event may have moved: re-arm the timer before resuming.
  bool timer_stale = true;
  uint64_t armed_deadline = 0;
  TimerLatency latency;

  // kCpuRequest* bits raised by other cores (atomic).
  uint32_t pending = 0;
  // Counter value when the last reschedule SGI to this core was raised
  // (atomic; 0: none outstanding), and SGI-to-handler latency in ticks.
  uint64_t ipi_raised_at = 0;
  TimerLatency ipi_latency;
  LockStats lock_stats;
  uint64_t ipis_sent = 0;      // by this core
  uint64_t ipis_received = 0;  // by this core
};

// The core executing this code.
[[nodiscard]] Cpu& this_cpu();

// Core `index` (< kMaxCpus), online or not.
[[nodiscard]] Cpu& cpu_at(size_t index);
// Cores online: indices 0 .. cpu_count() - 1 all run the kernel.
[[nodiscard]] size_t cpu_count();
// Records that cores 0 .. count - 1 run (the boot code, once bring-up is over).
void cpus_set_online(size_t count);

// Atomically adds request bits for `target` and returns whether it had none
// pending before (the caller then raises the SGI).
bool cpu_post_request(Cpu& target, uint32_t bits);
// Records the reschedule SGI's arrival on `self` at counter value `now`.
void cpu_note_ipi_received(Cpu& self, uint64_t now);

// Takes and clears this core's pending requests.
[[nodiscard]] uint32_t cpu_take_requests(Cpu& self);

}  // namespace uk
