// Raspberry Pi 4 (BCM2711). Memory and devices come from the firmware's
// device tree; the early console is UART0 at its fixed BCM2711 address.
#include "bsp/board.h"
#include "bsp/common/pl011.h"
#include "bsp/rpi4/memory_map.h"
#include "kernel/dt/device_tree.h"

namespace uk::bsp {

const char* board_name() { return "Raspberry Pi 4"; }

uint64_t board_early_uart_base() { return rpi4::kUart0Base; }

// The Pi firmware always passes the device tree in x0.
uint64_t board_fallback_device_tree() { return 0; }

void board_console_init(const BootInfo& info) {
  const uint64_t base = info.uart.present ? info.uart.regs.base.value() : rpi4::kUart0Base;
  pl011_init(Pl011Config{.base = base, .clock_hz = 0});
}

void board_late_init(const BootInfo&) {}

void board_power_off() {}

}  // namespace uk::bsp
