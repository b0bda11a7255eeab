#include "arch/aarch64/timer/generic_timer.h"

#include "arch/aarch64/cpu/sysreg.h"
#include "arch/aarch64/gic/gic.h"
#include "kernel/irq/irq.h"

namespace uk::arch {
namespace {

// CNTHP_CTL_EL2 fields.
constexpr uint64_t kCtlEnable = 1u << 0;
constexpr uint64_t kCtlIMask = 1u << 1;
// CNTHCTL_EL2 (non-VHE layout): EL1/EL0 may read the physical counter; EL1
// physical timer accesses trap (the kernel owns physical time).
constexpr uint64_t kCnthctlEl1Pcten = 1u << 0;
constexpr uint8_t kTimerPriority = 0x80;

TimerCallback g_callback = nullptr;
void* g_context = nullptr;

void on_timer_irq(uint32_t, void*) {
  // One-shot: mask until the next deadline is programmed.
  write_cnthp_ctl_el2(kCtlIMask);
  isb();
  if (g_callback != nullptr) g_callback(g_context);
}

}  // namespace

Status timer_init(uint32_t intid, TimerCallback on_expiry, void* context) {
  g_callback = on_expiry;
  g_context = context;
  if (Status s = irq_register(intid, on_timer_irq, nullptr); !s.ok()) return s;
  return timer_init_cpu(intid);
}

Status timer_init_cpu(uint32_t intid) {
  // The timer registers and the PPI's enable are banked per core.
  write_cnthp_ctl_el2(kCtlIMask);
  write_cntvoff_el2(0);
  write_cnthctl_el2(kCnthctlEl1Pcten);
  isb();
  return gic_enable(intid, kTimerPriority);
}

uint64_t timer_frequency_hz() { return read_cntfrq_el0(); }

uint64_t timer_now_ticks() {
  isb();  // keep the counter read from being hoisted above earlier instructions
  return read_cntpct_el0();
}

void timer_set_deadline(uint64_t deadline_ticks) {
  write_cnthp_cval_el2(deadline_ticks);
  write_cnthp_ctl_el2(kCtlEnable);
  isb();
}

void timer_cancel() {
  write_cnthp_ctl_el2(kCtlIMask);
  isb();
}

}  // namespace uk::arch
