#include "kernel/domain/scheduler.h"

#include "kernel/console/console.h"
#include "kernel/domain/domain.h"
#include "kernel/hal.h"
#include "kernel/sched/rm_scheduler.h"

namespace uk {

extern Thread g_threads[kMaxThreads];

namespace {

constexpr uint64_t kQuantumMicros = 10'000;
constexpr uint64_t kMicrosPerSecond = 1'000'000;

sched::RmScheduler g_sched;
uint64_t g_hz = 1;
sched::AdmissionReport g_report;

Thread* thread_by_id(sched::ThreadId id) {
  if (id == 0 || id > kMaxThreads) return nullptr;
  return &g_threads[id - 1];
}

void print_line(void*, const char* line) { kprintf("%s\n", line); }

}  // namespace

void scheduler_reset(uint64_t timer_hz) {
  g_hz = timer_hz == 0 ? 1 : timer_hz;
  sched::SchedulerConfig config;
  config.quantum_ticks = g_hz * kQuantumMicros / kMicrosPerSecond;
  g_sched.reset(config);
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
  (void)g_sched.block(t.id, hal::timer_now_ticks(), timeout_ticks == 0 ? sched::kNoTimeout : timeout_ticks);
}

void scheduler_wake(Thread& t) { (void)g_sched.wake(t.id, hal::timer_now_ticks()); }

Thread* scheduler_pick(void (*on_timeout)(Thread& t)) {
  const uint64_t now = hal::timer_now_ticks();
  g_sched.on_time(now);
  // Threads the policy woke by timeout: finish their BlockThread.
  for (Thread& t : g_threads) {
    if (t.state == ThreadState::kFree) continue;
    if (t.state != ThreadState::kBlocked) continue;
    const Result<sched::ThreadState> s = g_sched.state(t.id);
    if (s.ok() && *s != sched::ThreadState::kBlocked && g_sched.wake_reason(t.id) == sched::WakeReason::kTimeout) {
      on_timeout(t);
    }
  }
  const sched::ThreadId id = g_sched.pick(now);
  return id == sched::kIdle ? nullptr : thread_by_id(id);
}

uint64_t scheduler_next_deadline() {
  const uint64_t deadline = g_sched.next_deadline(hal::timer_now_ticks());
  return deadline == sched::kNever ? 0 : deadline;
}

void scheduler_print_stats() { g_sched.print_stats(print_line, nullptr, g_hz); }

}  // namespace uk
