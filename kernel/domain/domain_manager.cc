#include "kernel/domain/domain_manager.h"

#include <ukernel/sys.h>

#include "kernel/console/console.h"
#include "kernel/domain/ops.h"
#include "kernel/domain/scheduler.h"
#include "kernel/hal.h"
#include "kernel/platform.h"

namespace uk {

Domain g_domains[kMaxDomains];
size_t g_domain_count = 0;

namespace {

constexpr uint64_t kMicrosPerSecond = 1'000'000;
volatile bool g_timer_fired = false;

void on_timer_expiry(void*) { g_timer_fired = true; }

// Completes timed-out BlockThread calls; returns true if any thread woke.
bool wake_expired(uint64_t now) {
  bool woke = false;
  for (size_t i = 0; i < g_domain_count; ++i) {
    for (Thread* t : g_domains[i].threads) {
      if (t == nullptr || t->state != ThreadState::kBlocked || t->wake_deadline == 0 || t->wake_deadline > now) {
        continue;
      }
      t->state = ThreadState::kReady;
      t->wake_deadline = 0;
      t->futex_va = 0;
      complete_pending_op(t->domain->ring, t->block_user_data, t->block_submit_flags,
                          -static_cast<int64_t>(Errno::kTimedOut), ukernel::sys::complete_flags::TIMER_EXPIRED);
      woke = true;
    }
  }
  return woke;
}

uint64_t earliest_wake() {
  uint64_t earliest = 0;
  for (size_t i = 0; i < g_domain_count; ++i) {
    for (const Thread* t : g_domains[i].threads) {
      if (t == nullptr || t->state != ThreadState::kBlocked || t->wake_deadline == 0) continue;
      if (earliest == 0 || t->wake_deadline < earliest) earliest = t->wake_deadline;
    }
  }
  return earliest;
}

bool any_blocked() {
  for (size_t i = 0; i < g_domain_count; ++i) {
    for (const Thread* t : g_domains[i].threads) {
      if (t != nullptr && t->state == ThreadState::kBlocked) return true;
    }
  }
  return false;
}

// The next thread to run. With nothing ready but threads blocked, the CPU
// sleeps at EL2 until a timeout (or another interrupt) makes one ready; with
// nothing left at all, the run is over.
Thread* next_thread(Thread* current) {
  for (;;) {
    wake_expired(hal::timer_now_ticks());
    if (Thread* next = scheduler_pick(current)) return next;
    if (!any_blocked()) domains_finish();
    const uint64_t wake = earliest_wake();
    if (wake == 0) {
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
    hal::timer_set_deadline(wake);
    while (!g_timer_fired && hal::timer_now_ticks() < wake) hal::idle_until_interrupt();
  }
}

}  // namespace

void domain_stop(Domain& d, DomainState state, int64_t code) {
  d.state = state;
  for (Thread* t : d.threads) {
    if (t == nullptr || t->state == ThreadState::kExited) continue;
    if (t->state == ThreadState::kBlocked) d.ring.pending = d.ring.pending > 0 ? d.ring.pending - 1 : 0;
    t->state = ThreadState::kExited;
    scheduler_remove(*t);
  }
  d.live_threads = 0;
  d.exit_code = code;
  if (state == DomainState::kExited) kprintf("domain '%s' exited with code %ld\n", d.name, static_cast<long>(code));
}

size_t domain_count() { return g_domain_count; }

Thread* threads_first() {
  hal::timer_set_expiry_handler(on_timer_expiry, nullptr);
  return scheduler_pick(nullptr);
}

void thread_start(Thread& t) { scheduler_add(t); }

uint64_t next_timer_deadline(const Thread& next) {
  g_timer_fired = false;
  uint64_t deadline = earliest_wake();
  if (scheduler_others_ready(next)) {
    const uint64_t quantum_end =
        hal::timer_now_ticks() + hal::timer_frequency_hz() * kQuantumMicros / kMicrosPerSecond;
    if (deadline == 0 || quantum_end < deadline) deadline = quantum_end;
  }
  return deadline;
}

void thread_finish(Thread& t, int64_t code) {
  if (t.state == ThreadState::kExited) return;
  Domain& d = *t.domain;
  if (t.state == ThreadState::kBlocked && d.ring.pending > 0) d.ring.pending -= 1;
  t.state = ThreadState::kExited;
  t.exit_code = code;
  scheduler_remove(t);
  if (d.live_threads > 0) --d.live_threads;
  if (d.live_threads == 0 && d.state == DomainState::kReady) {
    d.state = DomainState::kExited;
    d.exit_code = code;
    kprintf("domain '%s' exited with code %ld\n", d.name, static_cast<long>(code));
  }
}

uint32_t futex_wake(Domain& d, uint64_t va, uint32_t count) {
  uint32_t woken = 0;
  for (Thread* t : d.threads) {
    if (woken == count) break;
    if (t == nullptr || t->state != ThreadState::kBlocked || t->futex_va != va) continue;
    t->state = ThreadState::kReady;
    t->futex_va = 0;
    t->wake_deadline = 0;
    complete_pending_op(d.ring, t->block_user_data, t->block_submit_flags, 0, 0);
    ++woken;
  }
  return woken;
}

Thread* thread_on_svc(Thread& current) {
  UserRegs& r = current.regs;
  if (r.x[8] != UK_SYS_SUBMIT) {
    r.x[0] = static_cast<uint64_t>(-static_cast<int64_t>(Errno::kNoSys));
    return &current;
  }
  Domain& d = *current.domain;
  const SubmitOutcome outcome = process_submit(d.ring, r.x[0], run_domain_op, &current);
  r.x[0] = static_cast<uint64_t>(outcome.syscall_result);
  if (current.state != ThreadState::kReady) return next_thread(&current);  // blocked or exited
  if (scheduler_take_yield(current)) return next_thread(&current);
  return &current;
}

Thread* thread_on_fault(Thread& current, const DomainFault& fault) {
  Domain& d = *current.domain;
  domain_stop(d, DomainState::kKilled, -1);
  kprintf("domain '%s' (id %u) killed: %s%s%s%s", d.name, d.id, fault.cause, fault.detail[0] ? " (" : "",
          fault.detail, fault.detail[0] ? ")" : "");
  if (fault.address_valid) kprintf(" at %s 0x%lx", fault.address_kind, static_cast<unsigned long>(fault.address));
  kprintf(", pc 0x%lx, thread %u\n", static_cast<unsigned long>(fault.pc), current.id);
  return next_thread(&current);
}

Thread* thread_on_idle(Thread& current) { return next_thread(&current); }

Thread* thread_on_interrupt(Thread& current) {
  if (!g_timer_fired) return &current;
  g_timer_fired = false;
  return next_thread(&current);
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
  kprintf("ukernel: all domains stopped: %zu run, %zu exited, %zu killed\n", g_domain_count, exited, killed);
  platform_power_off(killed == 0 && all_zero ? 0 : 1);
}

}  // namespace uk
