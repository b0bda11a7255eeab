#include "kernel/domain/scheduler.h"

#include "kernel/console/console.h"
#include "kernel/console/format.h"
#include "kernel/cpu/cpu.h"
#include "kernel/domain/domain.h"
#include "kernel/hal.h"
#include "kernel/time/clock.h"
#include "kernel/sched/rm_scheduler.h"

namespace uk {

extern Thread g_threads[kMaxThreads];

namespace {

constexpr uint64_t kQuantumMicros = 10'000;

// Scheduling is partitioned: each core's Cpu::sched holds the threads whose
// Thread::cpu is that core, and only those.
Cpu& home(const Thread& t) { return cpu_at(t.cpu); }

Thread* thread_by_id(sched::ThreadId id) {
  if (id == 0 || id > kMaxThreads) return nullptr;
  return &g_threads[id - 1];
}

struct StatsContext {
  uint32_t core;
};

void print_line(void* context, const char* line) {
  kprintf("%s core=%u\n", line, static_cast<StatsContext*>(context)->core);
}

// Out of line: the scan is rare, and scheduler_pick() stays a leaf-like fast path.
[[gnu::noinline]] void finish_timed_out_blocks(Cpu& cpu, void (*on_timeout)(Thread& t)) {
  cpu.timeouts_seen = cpu.sched.timeouts();
  cpu.block_refused = false;
  for (Thread& t : g_threads) {
    if (t.state != ThreadState::kBlocked || t.cpu != cpu.index) continue;
    const Result<sched::ThreadState> s = cpu.sched.state(t.id);
    if (s.ok() && *s != sched::ThreadState::kBlocked && cpu.sched.wake_reason(t.id) == sched::WakeReason::kTimeout) {
      on_timeout(t);
    }
  }
}

}  // namespace

void scheduler_reset() {
  sched::SchedulerConfig config;
  config.quantum_ticks = kernel_clock().from_us(kQuantumMicros);
  for (size_t i = 0; i < kMaxCpus; ++i) {
    Cpu& cpu = cpu_at(i);
    cpu.sched.reset(config);
    cpu.timeouts_seen = cpu.sched.timeouts();
    cpu.block_refused = false;
  }
}

Status scheduler_admit(Thread& t, const char** message) {
  static sched::AdmissionReport report;  // under the kernel lock
  static char message_with_core[sched::AdmissionReport::kMessageBytes + 16];
  sched::ThreadParams params;
  params.name = t.name;
  params.period_ticks = t.period_ticks;
  params.budget_ticks = t.budget_ticks;
  // Equal periods rank as in the build-time analysis: by domain, then by
  // the thread's line in the manifest.
  params.order = static_cast<uint64_t>(t.domain->id) * kMaxThreadsPerDomain + t.manifest_index;
  report = sched::AdmissionReport{};
  const Status s = home(t).sched.admit(t.id, params, hal::timer_now_ticks(), &report);
  if (message != nullptr) {
    *message = report.message;
    if (!s.ok()) {
      // Admission is per core: say which one refused.
      format(message_with_core, sizeof message_with_core, "%s (core %u)", report.message, t.cpu);
      *message = message_with_core;
    }
  }
  return s;
}

void scheduler_start_epoch() {
  const uint64_t now = hal::timer_now_ticks();
  for (size_t i = 0; i < cpu_count(); ++i) cpu_at(i).sched.begin_epoch(now);
}

void scheduler_exit(Thread& t) { (void)home(t).sched.thread_exit(t.id, hal::timer_now_ticks()); }

void scheduler_yield(Thread& t) { (void)home(t).sched.job_done(t.id, hal::timer_now_ticks()); }

void scheduler_block(Thread& t, uint64_t timeout_ticks) {
  Cpu& cpu = home(t);
  const uint64_t now = hal::timer_now_ticks();
  t.wake_deadline = timeout_ticks == 0 ? 0 : now + timeout_ticks;
  const Status s = cpu.sched.block(t.id, now, timeout_ticks == 0 ? sched::kNoTimeout : timeout_ticks);
  if (!s.ok()) cpu.block_refused = true;
}

void scheduler_wake(Thread& t) {
  t.wake_deadline = 0;
  (void)home(t).sched.wake(t.id, hal::timer_now_ticks());
}

Thread* scheduler_pick(void (*on_timeout)(Thread& t)) {
  Cpu& cpu = this_cpu();
  // pick() processes everything due first (releases, timeouts, budgets).
  const sched::ThreadId id = cpu.sched.pick(hal::timer_now_ticks());
  // Threads the policy woke by timeout: finish their BlockThread (or WFI
  // back-off). A thread qualifies (kernel-blocked, not blocked in the
  // policy, woken by timeout) only after a timeout expires or after a
  // scheduler_block() the policy refused (every kernel block calls it, and
  // an accepted one clears the wake reason), so the scan of g_threads runs
  // only then. pick() changes no blocked or timed-out thread: scanning after
  // it finds exactly what scanning before it would.
  if (cpu.sched.timeouts() != cpu.timeouts_seen || cpu.block_refused) finish_timed_out_blocks(cpu, on_timeout);
  return id == sched::kIdle ? nullptr : thread_by_id(id);
}

uint64_t scheduler_next_deadline() {
  const uint64_t deadline = this_cpu().sched.next_deadline(hal::timer_now_ticks());
  return deadline == sched::kNever ? 0 : deadline;
}

void scheduler_print_stats() {
  for (size_t i = 0; i < cpu_count(); ++i) {
    StatsContext context{static_cast<uint32_t>(i)};
    cpu_at(i).sched.print_stats(print_line, &context, kernel_clock().frequency());
  }
}

}  // namespace uk
