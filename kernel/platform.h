// The small set of services the portable core needs from the architecture
// and board layers. Each function has exactly one implementation per image,
// chosen at link time (production images power off through PSCI or the
// board; test images end through semihosting so QEMU's exit status is the
// verdict).
#pragma once

#include <stdint.h>

namespace uk {

// Turns the machine off. `status` is the verdict a test image reports to the
// host (0 = success); production images ignore it.
[[noreturn]] void platform_power_off(int status);

// Stops after a panic report has been printed.
[[noreturn]] void platform_halt_after_panic();

// Prints the frame-pointer backtrace of the caller.
void platform_print_backtrace();

}  // namespace uk
