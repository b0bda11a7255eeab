#include "kernel/domain/domain_manager.h"

#include <ukernel/sys.h>

#include "kernel/console/console.h"
#include "kernel/domain/ops.h"
#include "kernel/domain/scheduler.h"
#include "kernel/domain/syscall.h"
#include "kernel/hal.h"
#include "kernel/time/clock.h"
#include "kernel/platform.h"

namespace uk {

Domain g_domains[kMaxDomains];
size_t g_domain_count = 0;

namespace {

volatile bool g_timer_fired = false;
bool g_need_resched = false;
// The policy's next event may have moved: re-arm the timer before resuming.
bool g_timer_stale = true;

// Timer latency: from the armed deadline to the dispatch decision that
// follows the interrupt (the thread then runs after the register restore).
uint64_t g_armed_deadline = 0;
struct LatencyStats {
  uint64_t samples = 0;
  uint64_t total = 0;
  uint64_t worst = 0;
} g_latency;

void note_dispatch_after_timer() {
  if (!g_timer_fired || g_armed_deadline == 0) return;
  const uint64_t now = hal::timer_now_ticks();
  const uint64_t latency = now > g_armed_deadline ? now - g_armed_deadline : 0;
  ++g_latency.samples;
  g_latency.total += latency;
  if (latency > g_latency.worst) g_latency.worst = latency;
  g_armed_deadline = 0;
}

void on_timer_expiry(void*) { g_timer_fired = true; }

// A BlockThread whose timeout passed: the thread runs again and its op
// completes with -ETIMEDOUT and TIMER_EXPIRED.
void on_block_timeout(Thread& t) {
  t.state = ThreadState::kReady;
  t.futex_va = 0;
  if (t.idle_backoff) {
    t.idle_backoff = false;
    return;
  }
  complete_pending_op(t.domain->ring, t.block_user_data, t.block_submit_flags,
                      -static_cast<int64_t>(Errno::kTimedOut), ukernel::sys::complete_flags::TIMER_EXPIRED);
}

bool any_live_thread() {
  for (size_t i = 0; i < g_domain_count; ++i) {
    for (const Thread* t : g_domains[i].threads) {
      if (t != nullptr && (t->state == ThreadState::kReady || t->state == ThreadState::kBlocked)) return true;
    }
  }
  return false;
}

// The next thread to run. With nothing runnable but threads waiting (for a
// release, a timeout or a wake), the CPU sleeps at EL2 until the policy's
// next event; with nothing left at all, the run is over.
// Console commands, checked at every scheduling decision: 's' prints the
// per-thread statistics.
void poll_console() {
  char c;
  while (console_poll_char(&c)) {
    if (c == 's') scheduler_print_stats();
  }
}

Thread* next_thread() {
  g_need_resched = false;
  g_timer_stale = true;
  poll_console();
  for (;;) {
    if (Thread* next = scheduler_pick(on_block_timeout)) {
      note_dispatch_after_timer();
      return next;
    }
    if (!any_live_thread()) domains_finish();
    const uint64_t deadline = scheduler_next_deadline();
    if (deadline == 0) {
      // Everything left waits on futexes nobody can wake: a deadlock.
      kprintf("ukernel: every remaining thread is blocked on a futex with no timeout; stopping them\n");
      for (size_t i = 0; i < g_domain_count; ++i) {
        for (Thread* t : g_domains[i].threads) {
          if (t != nullptr && t->state == ThreadState::kBlocked) thread_finish(*t, -1);
        }
      }
      continue;
    }
    g_timer_fired = false;
    g_armed_deadline = deadline;
    hal::timer_set_deadline(deadline);
    while (!g_timer_fired && hal::timer_now_ticks() < deadline) hal::idle_until_interrupt();
  }
}

}  // namespace

void domain_stop(Domain& d, DomainState state, int64_t code) {
  d.state = state;
  for (Thread* t : d.threads) {
    if (t == nullptr || t->state == ThreadState::kExited) continue;
    if (t->state == ThreadState::kBlocked) d.ring.pending = d.ring.pending > 0 ? d.ring.pending - 1 : 0;
    t->state = ThreadState::kExited;
    scheduler_exit(*t);
  }
  d.live_threads = 0;
  d.exit_code = code;
  if (state == DomainState::kExited) kprintf("domain '%s' exited with code %ld\n", d.name, static_cast<long>(code));
}

size_t domain_count() { return g_domain_count; }

Thread* threads_first() {
  hal::timer_set_expiry_handler(on_timer_expiry, nullptr);
  scheduler_start_epoch();
  return scheduler_pick(on_block_timeout);
}

Status thread_start(Thread& t, const char** message) {
  const Status s = scheduler_admit(t, message);
  if (!s.ok()) {
    t.state = ThreadState::kExited;
    if (t.domain->live_threads > 0) --t.domain->live_threads;
  }
  return s;
}

void request_reschedule() {
  g_need_resched = true;
  g_timer_stale = true;
}

bool timer_needs_rearm() { return g_timer_stale; }

uint64_t next_timer_deadline(const Thread&) {
  g_timer_fired = false;
  g_timer_stale = false;
  g_armed_deadline = scheduler_next_deadline();
  return g_armed_deadline;
}

void thread_finish(Thread& t, int64_t code) {
  if (t.state == ThreadState::kExited) return;
  Domain& d = *t.domain;
  if (t.state == ThreadState::kBlocked && d.ring.pending > 0) d.ring.pending -= 1;
  t.state = ThreadState::kExited;
  t.exit_code = code;
  if (t.manifest_index != 0) d.specs[t.manifest_index].bound = false;
  scheduler_exit(t);
  g_need_resched = true;
  if (d.live_threads > 0) --d.live_threads;
  if (d.live_threads == 0 && d.state == DomainState::kReady) {
    d.state = DomainState::kExited;
    d.exit_code = code;
    kprintf("domain '%s' exited with code %ld\n", d.name, static_cast<long>(code));
  }
}

uint64_t next_block_sequence() {
  static uint64_t sequence = 0;
  return ++sequence;
}

uint32_t futex_wake(Domain& d, uint64_t va, uint32_t count) {
  uint32_t woken = 0;
  while (woken < count) {
    // The longest waiter first (at most kMaxThreadsPerDomain per pass).
    Thread* oldest = nullptr;
    for (Thread* t : d.threads) {
      if (t == nullptr || t->state != ThreadState::kBlocked || t->futex_va != va) continue;
      if (oldest == nullptr || t->block_seq < oldest->block_seq) oldest = t;
    }
    if (oldest == nullptr) break;
    oldest->state = ThreadState::kReady;
    oldest->futex_va = 0;
    complete_pending_op(d.ring, oldest->block_user_data, oldest->block_submit_flags, 0, 0);
    scheduler_wake(*oldest);
    g_need_resched = true;
    g_timer_stale = true;
    ++woken;
  }
  return woken;
}

Thread* thread_on_svc(Thread& current, uint16_t svc_immediate) {
  UserRegs& r = current.regs;
  if (!is_sys_submit(svc_immediate, r.x[8])) {
    r.x[0] = static_cast<uint64_t>(-static_cast<int64_t>(Errno::kNoSys));
    return &current;
  }
  Domain& d = *current.domain;
  const SubmitOutcome outcome = process_submit(d.ring, r.x[0], run_domain_op, &current);
  r.x[0] = static_cast<uint64_t>(outcome.syscall_result);
  // Yield, a block, an exit or a wake-up may change who runs.
  if (g_need_resched || current.state != ThreadState::kReady) return next_thread();
  return &current;
}

Thread* thread_on_fault(Thread& current, const DomainFault& fault) {
  Domain& d = *current.domain;
  domain_stop(d, DomainState::kKilled, -1);
  kprintf("domain '%s' (id %u) killed: %s%s%s%s", d.name, d.id, fault.cause, fault.detail[0] ? " (" : "",
          fault.detail, fault.detail[0] ? ")" : "");
  if (fault.address_valid) kprintf(" at %s 0x%lx", fault.address_kind, static_cast<unsigned long>(fault.address));
  kprintf(", pc 0x%lx, thread %u\n", static_cast<unsigned long>(fault.pc), current.id);
  return next_thread();
}

Thread* thread_on_idle(Thread& current) {
  // WFI/WFE: a best-effort thread goes to the back of the round robin. A
  // real-time thread keeps its job (waiting is not finishing) but steps
  // aside briefly: what it waits for (typically the ring lock) may be held
  // by a lower-priority thread that must run to release it.
  if (current.period_ticks == 0) {
    scheduler_yield(current);
  } else {
    constexpr uint64_t kIdleBackoffMicros = 20;
    current.state = ThreadState::kBlocked;
    current.idle_backoff = true;
    scheduler_block(current, kernel_clock().from_us(kIdleBackoffMicros));
  }
  return next_thread();
}

Thread* thread_on_interrupt(Thread& current) {
  if (!g_timer_fired) return &current;
  g_timer_fired = false;
  return next_thread();
}

void domains_finish() {
  size_t exited = 0;
  size_t killed = 0;
  bool all_zero = true;
  for (size_t i = 0; i < g_domain_count; ++i) {
    const Domain& d = g_domains[i];
    if (d.state == DomainState::kExited) {
      ++exited;
      all_zero = all_zero && d.exit_code == 0;
    } else if (d.state == DomainState::kKilled) {
      ++killed;
    }
  }
  scheduler_print_stats();
  if (g_latency.samples > 0) {
    kprintf("sched: timer latency (deadline to dispatch) samples=%lu avg=%lu worst=%lu ticks\n",
            static_cast<unsigned long>(g_latency.samples), static_cast<unsigned long>(g_latency.total / g_latency.samples),
            static_cast<unsigned long>(g_latency.worst));
  }
  kprintf("ukernel: all domains stopped: %zu run, %zu exited, %zu killed\n", g_domain_count, exited, killed);
  platform_power_off(killed == 0 && all_zero ? 0 : 1);
}

}  // namespace uk
