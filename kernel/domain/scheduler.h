// The kernel's scheduler: kernel/sched's rate-monotonic policy
// (sched::RmScheduler) applied to the domains' threads. Real-time threads
// (period and budget from the manifest) run by rate-monotonic priority with
// budget enforcement; best-effort threads share the idle time round robin.
// Tickless: the EL2 timer is armed for the policy's next event.
#pragma once

#include <stdint.h>

#include "kernel/lib/result.h"

namespace uk {

struct Thread;

// Uses the kernel clock's frequency (kernel_clock_init runs first).
void scheduler_reset();
// Admits a thread with its period/budget (Thread::period_ticks, budget_ticks;
// 0 = best effort). Real-time admission runs response-time analysis over
// every admitted thread; a refusal's reason is in *message.
[[nodiscard]] Status scheduler_admit(Thread& t, const char** message);
// Restarts every admitted thread's releases at the current time: called once
// when the domains start, so loading them does not count as release jitter
// and all first releases coincide (the critical instant of the analysis).
void scheduler_start_epoch();
// The thread ended (its statistics are kept for the shutdown report).
void scheduler_exit(Thread& t);
// Yield: a real-time thread's job is done until its next release; a
// best-effort thread goes to the back of the round robin.
void scheduler_yield(Thread& t);
// BlockThread / FutexWake. timeout_ticks == 0: no timeout.
void scheduler_block(Thread& t, uint64_t timeout_ticks);
void scheduler_wake(Thread& t);
// The thread to run now (timeouts and releases processed), nullptr if none is
// runnable. Threads whose BlockThread timed out are reported through
// `on_timeout` before it returns.
[[nodiscard]] Thread* scheduler_pick(void (*on_timeout)(Thread& t));
// The next instant the timer must fire (release, budget end, quantum end,
// timeout), 0 for none.
[[nodiscard]] uint64_t scheduler_next_deadline();
// Per-thread statistics, one line each, on the console.
void scheduler_print_stats();

}  // namespace uk
