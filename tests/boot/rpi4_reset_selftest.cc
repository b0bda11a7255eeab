// Boot self-test for the Pi 4 reset path: asks the BSP to reset the board
// through the PM watchdog. The QEMU test runs with -no-reboot, so a reset
// ends QEMU (status 0), while a power-off request is made to pause QEMU
// (-action shutdown=pause) and so times out: only a real reset passes.
#include "bsp/rpi4/board_rpi4.h"
#include "kernel/console/console.h"
#include "kernel/main.h"

namespace uk {

void run_boot_selftests() {
  kprintf("rpi4 reset test: requesting a watchdog reset\n");
  bsp::rpi4::board_reset();
  kprintf("rpi4 reset test: FAILED, still running\n");
}

}  // namespace uk
