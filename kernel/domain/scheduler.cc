#include "kernel/domain/scheduler.h"

#include "kernel/console/console.h"
#include "kernel/domain/domain.h"
#include "kernel/hal.h"
#include "kernel/time/clock.h"
#include "kernel/sched/rm_scheduler.h"

namespace uk {

extern Thread g_threads[kMaxThreads];

namespace {

constexpr uint64_t kQuantumMicros = 10'000;

sched::RmScheduler g_sched;
sched::AdmissionReport g_report;
// When scheduler_pick() must look for timed-out blocks: a timeout expired
// since the last look (g_sched.timeouts() moved), or a block the policy
// refused left a kernel-blocked thread with an older wake reason.
uint64_t g_timeouts_seen = 0;
bool g_block_refused = false;

Thread* thread_by_id(sched::ThreadId id) {
  if (id == 0 || id > kMaxThreads) return nullptr;
  return &g_threads[id - 1];
}

void print_line(void*, const char* line) { kprintf("%s\n", line); }

// Out of line: the scan is rare, and scheduler_pick() stays a leaf-like fast path.
[[gnu::noinline]] void finish_timed_out_blocks(void (*on_timeout)(Thread& t)) {
  g_timeouts_seen = g_sched.timeouts();
  g_block_refused = false;
  for (Thread& t : g_threads) {
    if (t.state != ThreadState::kBlocked) continue;
    const Result<sched::ThreadState> s = g_sched.state(t.id);
    if (s.ok() && *s != sched::ThreadState::kBlocked && g_sched.wake_reason(t.id) == sched::WakeReason::kTimeout) {
      on_timeout(t);
    }
  }
}

}  // namespace

void scheduler_reset() {
  sched::SchedulerConfig config;
  config.quantum_ticks = kernel_clock().from_us(kQuantumMicros);
  g_sched.reset(config);
  g_timeouts_seen = g_sched.timeouts();
  g_block_refused = false;
}

Status scheduler_admit(Thread& t, const char** message) {
  sched::ThreadParams params;
  params.name = t.name;
  params.period_ticks = t.period_ticks;
  params.budget_ticks = t.budget_ticks;
  // Equal periods rank as in the build-time analysis: by domain, then by
  // the thread's line in the manifest.
  params.order = static_cast<uint64_t>(t.domain->id) * kMaxThreadsPerDomain + t.manifest_index;
  g_report = sched::AdmissionReport{};
  const Status s = g_sched.admit(t.id, params, hal::timer_now_ticks(), &g_report);
  if (message != nullptr) *message = g_report.message;
  return s;
}

void scheduler_start_epoch() { g_sched.begin_epoch(hal::timer_now_ticks()); }

void scheduler_exit(Thread& t) { (void)g_sched.thread_exit(t.id, hal::timer_now_ticks()); }

void scheduler_yield(Thread& t) { (void)g_sched.job_done(t.id, hal::timer_now_ticks()); }

void scheduler_block(Thread& t, uint64_t timeout_ticks) {
  const Status s = g_sched.block(t.id, hal::timer_now_ticks(), timeout_ticks == 0 ? sched::kNoTimeout : timeout_ticks);
  if (!s.ok()) g_block_refused = true;
}

void scheduler_wake(Thread& t) { (void)g_sched.wake(t.id, hal::timer_now_ticks()); }

Thread* scheduler_pick(void (*on_timeout)(Thread& t)) {
  // pick() processes everything due first (releases, timeouts, budgets).
  const sched::ThreadId id = g_sched.pick(hal::timer_now_ticks());
  // Threads the policy woke by timeout: finish their BlockThread (or WFI
  // back-off). A thread qualifies (kernel-blocked, not blocked in the
  // policy, woken by timeout) only after a timeout expires or after a
  // scheduler_block() the policy refused (every kernel block calls it, and
  // an accepted one clears the wake reason), so the scan of g_threads runs
  // only then. pick() changes no blocked or timed-out thread: scanning after
  // it finds exactly what scanning before it would.
  if (g_sched.timeouts() != g_timeouts_seen || g_block_refused) finish_timed_out_blocks(on_timeout);
  return id == sched::kIdle ? nullptr : thread_by_id(id);
}

uint64_t scheduler_next_deadline() {
  const uint64_t deadline = g_sched.next_deadline(hal::timer_now_ticks());
  return deadline == sched::kNever ? 0 : deadline;
}

void scheduler_print_stats() { g_sched.print_stats(print_line, nullptr, kernel_clock().frequency()); }

}  // namespace uk
