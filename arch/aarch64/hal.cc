// kernel/hal.h on AArch64: the EL2 physical timer and DAIF.
#include "kernel/hal.h"

#include "arch/aarch64/cpu/rndr.h"
#include "arch/aarch64/cpu/sysreg.h"
#include "arch/aarch64/domain/domain_switch.h"
#include "arch/aarch64/gic/gic.h"
#include "arch/aarch64/smp/smp.h"
#include "kernel/domain/domain_manager.h"
#include "arch/aarch64/timer/generic_timer.h"
#include "bsp/board.h"

namespace uk::hal {
namespace {
TimerExpiryFn g_expiry = nullptr;
void* g_expiry_context = nullptr;
}  // namespace

// The timer driver's callback (installed by boot.cc) lands here.
void dispatch_timer_expiry(void*) {
  if (g_expiry != nullptr) g_expiry(g_expiry_context);
}

uint64_t timer_now_ticks() { return arch::timer_now_ticks(); }
uint64_t timer_frequency_hz() { return arch::timer_frequency_hz(); }
void timer_set_deadline(uint64_t deadline_ticks) { arch::timer_set_deadline(deadline_ticks); }
void timer_cancel() { arch::timer_cancel(); }
void timer_set_expiry_handler(TimerExpiryFn fn, void* context) {
  // Callers change the handler only while no deadline is pending.
  g_expiry_context = context;
  g_expiry = fn;
}
void interrupts_enable() { arch::irq_enable(); }
void interrupts_disable() { arch::irq_disable(); }
void wait_for_interrupt() { arch::wfi(); }
void send_reschedule(uint32_t cpu_index) { arch::gic_send_sgi(cpu_index, arch::kSgiReschedule); }

void start_scheduling() {
  arch::prepare_domains_on_this_core(/*report=*/true);
  // Every core ready before the epoch starts: the first releases coincide
  // on all of them, with no core still setting up (docs/smp.md).
  arch::smp_release_secondaries();
  arch::smp_wait_secondaries_ready();
  threads_start_epoch();
  arch::smp_start_epoch();
  arch::enter_scheduler();
}

namespace {

size_t rndr_source_read(void*, uint8_t* out, size_t len) {
  size_t done = 0;
  while (done < len) {
    uint64_t word;
    if (!arch::rndr_read(&word)) break;
    for (int i = 0; i < 8 && done < len; ++i) out[done++] = static_cast<uint8_t>(word >> (8 * i));
  }
  return done;
}

uint64_t counter() { return arch::timer_now_ticks(); }

}  // namespace

random::EntropySource best_entropy_source(random::JitterState& jitter) {
  if (arch::rndr_available()) {
    return random::EntropySource{.name = "RNDR (FEAT_RNG)", .quality = random::EntropyQuality::kHardware,
                                 .read = rndr_source_read};
  }
  random::EntropySource board;
  if (bsp::board_entropy_source(&board)) return board;
  jitter.read_counter = counter;
  return random::make_jitter_source(jitter);
}

void idle_until_interrupt() {
  arch::wfi();  // returns once an interrupt is pending, masked or not
  arch::irq_enable();
  arch::isb();  // the pending interrupt is taken here
  arch::irq_disable();
}

}  // namespace uk::hal
