#include "kernel/domain/domain_manager.h"

#include <ukernel/sys.h>

#include "kernel/console/console.h"
#include "kernel/cpu/cpu.h"
#include "kernel/cpu/kernel_lock.h"
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

// Timer latency: from the armed deadline to the dispatch decision that
// follows the interrupt (the thread then runs after the register restore).
void note_dispatch_after_timer(Cpu& cpu) {
  if (!cpu.timer_fired || cpu.armed_deadline == 0) return;
  const uint64_t now = hal::timer_now_ticks();
  const uint64_t latency = now > cpu.armed_deadline ? now - cpu.armed_deadline : 0;
  ++cpu.latency.samples;
  cpu.latency.total += latency;
  if (latency > cpu.latency.worst) cpu.latency.worst = latency;
  cpu.armed_deadline = 0;
}

void on_timer_expiry(void*) { this_cpu().timer_fired = true; }

// Asks `target` to make a scheduling decision: at the end of this kernel
// entry for this core, through the reschedule SGI for another one.
void kick(Cpu& target) {
  Cpu& self = this_cpu();
  if (&target == &self) {
    self.need_resched = true;
    self.timer_stale = true;
    return;
  }
  if (cpu_post_request(target, kCpuRequestReschedule)) {
    __atomic_store_n(&target.ipi_raised_at, hal::timer_now_ticks(), __ATOMIC_RELEASE);
    hal::send_reschedule(target.index);
    ++self.ipis_sent;
  }
}

// A BlockThread whose timeout passed: the thread runs again and its op
// completes with -ETIMEDOUT and TIMER_EXPIRED.
void on_block_timeout(Thread& t) {
  t.state = ThreadState::kReady;
  t.futex_va = 0;
  t.wake_deadline = 0;
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

// True when every live thread, on every core, waits for a FutexWake that no
// thread can send (blocked, no timeout): nothing can ever run again.
bool all_live_threads_wait_forever() {
  for (size_t i = 0; i < g_domain_count; ++i) {
    for (const Thread* t : g_domains[i].threads) {
      if (t == nullptr) continue;
      if (t->state == ThreadState::kReady) return false;
      if (t->state == ThreadState::kBlocked && (t->wake_deadline != 0 || t->idle_backoff)) return false;
    }
  }
  return true;
}

// Console commands, checked at every scheduling decision of the boot CPU
// (which owns the UART): 's' prints the per-thread statistics.
void poll_console() {
  char c;
  while (console_poll_char(&c)) {
    if (c == 's') scheduler_print_stats();
  }
}

// Waits (bounded) until no other core still executes `d` at EL0: after a
// kill, the domain is gone everywhere before the operation completes. The
// other cores leave EL0 on the reschedule SGI and clear Cpu::at_el0 before
// they wait for the kernel lock, so this cannot deadlock.
void wait_until_no_core_runs(const Domain& d) {
  Cpu& self = this_cpu();
  const uint64_t limit = kernel_clock().from_us(10'000);
  for (size_t i = 0; i < cpu_count(); ++i) {
    Cpu& other = cpu_at(i);
    if (&other == &self) continue;
    const uint64_t start = hal::timer_now_ticks();
    while (other.current != nullptr && other.current->domain == &d &&
           __atomic_load_n(&other.at_el0, __ATOMIC_ACQUIRE) != 0) {
      if (hal::timer_now_ticks() - start > limit) {
        kprintf("ukernel: WARNING: core %u still runs domain '%s' 10 ms after its stop\n", other.index, d.name);
        break;
      }
    }
  }
}

// The next thread this core runs. With nothing runnable here but threads
// waiting (for a release, a timeout or a wake, on any core), the core sleeps
// at EL2, without the kernel lock, until its next event or another core's
// request; with nothing left anywhere, the run is over.
Thread* next_thread() {
  Cpu& cpu = this_cpu();
  cpu.need_resched = false;
  cpu.timer_stale = true;
  if (cpu.index == 0) poll_console();
  for (;;) {
    (void)cpu_take_requests(cpu);  // this decision serves them
    if (Thread* next = scheduler_pick(on_block_timeout)) {
      note_dispatch_after_timer(cpu);
      return next;
    }
    if (!any_live_thread()) domains_finish();
    const uint64_t deadline = scheduler_next_deadline();
    if (deadline == 0 && all_live_threads_wait_forever()) {
      // Everything left waits on futexes nobody can wake: a deadlock.
      kprintf("ukernel: every remaining thread is blocked on a futex with no timeout; stopping them\n");
      for (size_t i = 0; i < g_domain_count; ++i) {
        for (Thread* t : g_domains[i].threads) {
          if (t != nullptr && t->state == ThreadState::kBlocked) thread_finish(*t, -1);
        }
      }
      continue;
    }
    cpu.timer_fired = false;
    cpu.armed_deadline = deadline;
    if (deadline != 0) {
      hal::timer_set_deadline(deadline);
    } else {
      hal::timer_cancel();
    }
    kernel_unlock();
    while (!cpu.timer_fired && __atomic_load_n(&cpu.pending, __ATOMIC_ACQUIRE) == 0 &&
           (deadline == 0 || hal::timer_now_ticks() < deadline)) {
      hal::idle_until_interrupt();
    }
    kernel_lock();
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
    kick(cpu_at(t->cpu));
  }
  d.live_threads = 0;
  d.exit_code = code;
  wait_until_no_core_runs(d);
  if (state == DomainState::kExited) kprintf("domain '%s' exited with code %ld\n", d.name, static_cast<long>(code));
}

size_t domain_count() { return g_domain_count; }

bool threads_begin() {
  hal::timer_set_expiry_handler(on_timer_expiry, nullptr);
  return any_live_thread();
}

void threads_start_epoch() { scheduler_start_epoch(); }

Thread& cpu_first_thread() { return *next_thread(); }

Status thread_start(Thread& t, const char** message) {
  const Status s = scheduler_admit(t, message);
  if (!s.ok()) {
    t.state = ThreadState::kExited;
    if (t.domain->live_threads > 0) --t.domain->live_threads;
    return s;
  }
  kick(cpu_at(t.cpu));  // its core may be idle, waiting for exactly this
  return s;
}

void request_reschedule() {
  Cpu& cpu = this_cpu();
  cpu.need_resched = true;
  cpu.timer_stale = true;
}

bool timer_needs_rearm() { return this_cpu().timer_stale; }

uint64_t next_timer_deadline(const Thread&) {
  Cpu& cpu = this_cpu();
  cpu.timer_fired = false;
  cpu.timer_stale = false;
  cpu.armed_deadline = scheduler_next_deadline();
  return cpu.armed_deadline;
}

void thread_finish(Thread& t, int64_t code) {
  if (t.state == ThreadState::kExited) return;
  Domain& d = *t.domain;
  if (t.state == ThreadState::kBlocked && d.ring.pending > 0) d.ring.pending -= 1;
  t.state = ThreadState::kExited;
  t.exit_code = code;
  if (t.manifest_index != 0) d.specs[t.manifest_index].bound = false;
  scheduler_exit(t);
  kick(cpu_at(t.cpu));
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
    kick(cpu_at(oldest->cpu));
    ++woken;
  }
  return woken;
}

Thread* thread_on_svc(Thread& current, uint16_t svc_immediate) {
  // Stopped by another core while this one waited for the kernel lock.
  if (current.state != ThreadState::kReady) return next_thread();
  UserRegs& r = current.regs;
  if (!is_sys_submit(svc_immediate, r.x[8])) {
    r.x[0] = static_cast<uint64_t>(-static_cast<int64_t>(Errno::kNoSys));
    return &current;
  }
  Domain& d = *current.domain;
  const SubmitOutcome outcome = process_submit(d.ring, r.x[0], run_domain_op, &current);
  r.x[0] = static_cast<uint64_t>(outcome.syscall_result);
  // Yield, a block, an exit or a wake-up may change who runs.
  if (this_cpu().need_resched || current.state != ThreadState::kReady) return next_thread();
  return &current;
}

Thread* thread_on_fault(Thread& current, const DomainFault& fault) {
  // Already stopped by another core: the fault is moot.
  if (current.state != ThreadState::kReady) return next_thread();
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
  if (current.state != ThreadState::kReady) return next_thread();
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
  Cpu& cpu = this_cpu();
  const bool requested = cpu_take_requests(cpu) != 0;
  if (!cpu.timer_fired && !requested && !cpu.need_resched && current.state == ThreadState::kReady) return &current;
  cpu.timer_fired = false;
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
  TimerLatency latency;
  for (size_t i = 0; i < cpu_count(); ++i) {
    const Cpu& cpu = cpu_at(i);
    latency.samples += cpu.latency.samples;
    latency.total += cpu.latency.total;
    if (cpu.latency.worst > latency.worst) latency.worst = cpu.latency.worst;
    if (cpu_count() > 1) {
      const TimerLatency& ipi = cpu.ipi_latency;
      kprintf("smp: core %u: ipis sent=%lu received=%lu latency avg=%lu worst=%lu ticks\n", cpu.index,
              static_cast<unsigned long>(cpu.ipis_sent), static_cast<unsigned long>(cpu.ipis_received),
              static_cast<unsigned long>(ipi.samples ? ipi.total / ipi.samples : 0),
              static_cast<unsigned long>(ipi.worst));
      kprintf("smp: core %u: kernel lock found taken %lu times, longest wait %lu ticks\n", cpu.index,
              static_cast<unsigned long>(cpu.lock_stats.contended), static_cast<unsigned long>(cpu.lock_stats.worst_wait));
    }
  }
  if (latency.samples > 0) {
    kprintf("sched: timer latency (deadline to dispatch) samples=%lu avg=%lu worst=%lu ticks\n",
            static_cast<unsigned long>(latency.samples), static_cast<unsigned long>(latency.total / latency.samples),
            static_cast<unsigned long>(latency.worst));
  }
  kprintf("ukernel: all domains stopped: %zu run, %zu exited, %zu killed\n", g_domain_count, exited, killed);
  platform_power_off(killed == 0 && all_zero ? 0 : 1);
}

}  // namespace uk
