// What each board folder provides. Exactly one bsp/<board> library is linked
// into an image; the platform (//platforms:qemu_virt, //platforms:rpi4)
// selects it.
#pragma once

#include <stdint.h>

#include "kernel/random/entropy.h"

namespace uk {
struct BootInfo;
}

namespace uk::bsp {

// Human-readable board name for the banner.
[[nodiscard]] const char* board_name();
// The console UART before the device tree has been read (and the fallback
// when the device tree is unusable).
[[nodiscard]] uint64_t board_early_uart_base();
// Where to look for the device tree when the loader passed none in x0 (0:
// nowhere). QEMU virt places it at the bottom of RAM for firmware started
// without -kernel.
[[nodiscard]] uint64_t board_fallback_device_tree();
// Brings up the console described by the device tree (pin functions, clock, baud).
void board_console_init(const BootInfo& info);
// Board-specific start-up after the MMU is on (firmware queries, ...).
void board_late_init(const BootInfo& info);
// A hardware entropy source on the board (after board_late_init), if any.
[[nodiscard]] bool board_entropy_source(random::EntropySource* out);
// Turns the board off; returns only if it could not.
void board_power_off();

}  // namespace uk::bsp
