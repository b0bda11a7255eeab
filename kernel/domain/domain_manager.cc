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
volatile bool g_quantum_expired = false;

void on_quantum_expiry(void*) { g_quantum_expired = true; }

Domain* next_or_finish(Domain* current) {
  Domain* next = scheduler_pick(current);
  if (next == nullptr) domains_finish();
  return next;
}

}  // namespace

size_t domain_count() { return g_domain_count; }

Domain* domains_first() {
  hal::timer_set_expiry_handler(on_quantum_expiry, nullptr);
  return scheduler_pick(nullptr);
}

uint64_t domain_quantum_deadline(const Domain& next) {
  g_quantum_expired = false;
  // Alone: nobody to preempt it for.
  if (scheduler_pick(const_cast<Domain*>(&next)) == &next) return 0;
  return hal::timer_now_ticks() + hal::timer_frequency_hz() * kQuantumMicros / kMicrosPerSecond;
}

Domain* domain_on_svc(Domain& current) {
  UserRegs& r = current.regs;
  if (r.x[8] != UK_SYS_SUBMIT) {
    r.x[0] = static_cast<uint64_t>(-static_cast<int64_t>(Errno::kNoSys));
    return &current;
  }
  const SubmitOutcome outcome = process_submit(current.ring, r.x[0], run_domain_op, &current);
  r.x[0] = static_cast<uint64_t>(outcome.syscall_result);
  if (current.state == DomainState::kExited) {
    kprintf("domain '%s' exited with code %ld\n", current.name, static_cast<long>(current.exit_code));
    return next_or_finish(&current);
  }
  if (scheduler_take_yield(current)) return next_or_finish(&current);
  return &current;
}

Domain* domain_on_fault(Domain& current, const DomainFault& fault) {
  current.state = DomainState::kKilled;
  kprintf("domain '%s' (id %u) killed: %s%s%s%s", current.name, current.id, fault.cause,
          fault.detail[0] ? " (" : "", fault.detail, fault.detail[0] ? ")" : "");
  if (fault.address_valid) kprintf(" at %s 0x%lx", fault.address_kind, static_cast<unsigned long>(fault.address));
  kprintf(", pc 0x%lx\n", static_cast<unsigned long>(fault.pc));
  return next_or_finish(&current);
}

Domain* domain_on_idle(Domain& current) { return next_or_finish(&current); }

Domain* domain_on_interrupt(Domain& current) {
  if (!g_quantum_expired) return &current;
  g_quantum_expired = false;
  return next_or_finish(&current);
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
