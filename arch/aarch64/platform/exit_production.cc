// Production images: power off through the board (PSCI or its own power
// controller); a panic leaves the report on the console and stops the CPU.
#include "arch/aarch64/cpu/sysreg.h"
#include "bsp/board.h"
#include "kernel/console/console.h"
#include "kernel/platform.h"

namespace uk {

void platform_power_off(int) {
  arch::irq_disable();
  bsp::board_power_off();
  kprintf("ukernel: power-off is not available on this board; halting\n");
  for (;;) arch::wfe();
}

void platform_halt_after_panic() {
  arch::irq_disable();
  kprintf("System halted.\n");
  for (;;) arch::wfe();
}

}  // namespace uk
