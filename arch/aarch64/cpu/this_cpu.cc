// this_cpu() on AArch64: TPIDR_EL2 holds the core's Cpu (set by the boot
// code on the boot CPU and by secondary_entry.S on the others).
#include "arch/aarch64/cpu/sysreg.h"
#include "kernel/cpu/cpu.h"

namespace uk {

Cpu& this_cpu() { return *reinterpret_cast<Cpu*>(arch::read_tpidr_el2()); }

}  // namespace uk
