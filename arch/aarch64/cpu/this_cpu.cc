// this_cpu() on AArch64: TPIDR_EL2 holds the core's Cpu (set by the boot
// code on the boot CPU and by secondary_entry.S on the others); the
// spinlocks' event wait.
#include "arch/aarch64/cpu/sysreg.h"
#include "kernel/cpu/cpu.h"
#include "kernel/cpu/spinlock.h"

namespace uk {

Cpu& this_cpu() { return *reinterpret_cast<Cpu*>(arch::read_tpidr_el2()); }

// A SEV after the release store wakes every core waiting in WFE; one that
// reads the old value just before its WFE finds the event already set.
void cpu_wait_for_event() { arch::wfe(); }
void cpu_signal_event() {
  arch::dsb_ish();
  arch::sev();
}

}  // namespace uk
