// Arm PL011 UART: the console on QEMU virt and the Pi 4's UART0.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace uk::bsp {

struct Pl011Config {
  uint64_t base = 0;
  uint32_t clock_hz = 0;  // 0: keep the divisor the firmware or emulator left
  uint32_t baud = 115200;
};

void pl011_init(const Pl011Config& config);
void pl011_write(const char* text, size_t length);
// One received character, if the receive FIFO holds any (never waits).
[[nodiscard]] bool pl011_poll_char(char* out);

}  // namespace uk::bsp
