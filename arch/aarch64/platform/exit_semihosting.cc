// Test images: every end of the run becomes QEMU's exit status through
// semihosting, so a QEMU test reads the verdict from the exit code.
#include "arch/aarch64/cpu/sysreg.h"
#include "arch/aarch64/semihosting/semihosting.h"
#include "kernel/console/console.h"
#include "kernel/platform.h"

namespace uk {

// Distinct from any test verdict so a test can tell a panic from a failure.
inline constexpr int kPanicExitStatus = 3;

void platform_power_off(int status) {
  arch::irq_disable();
  kprintf("ukernel: test image exiting with status %d\n", status);
  arch::semihosting_exit(status);
}

void platform_halt_after_panic() {
  arch::irq_disable();
  kprintf("System halted (test image exit status %d).\n", kPanicExitStatus);
  arch::semihosting_exit(kPanicExitStatus);
}

}  // namespace uk
