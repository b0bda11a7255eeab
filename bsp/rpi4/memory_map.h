// BCM2711 (Raspberry Pi 4) fixed addresses, in the ARM's "low peripheral"
// mode (the firmware default). Everything the kernel drives comes from the
// device tree at run time; the only fixed fact used is UART0's address, for
// messages printed before the device tree has been read.
#pragma once

#include <stdint.h>

namespace uk::bsp::rpi4 {

// The VideoCore bus address 0x7e000000 as the ARM sees it.
inline constexpr uint64_t kPeripheralBase = 0xfe000000;
inline constexpr uint64_t kUart0Base = kPeripheralBase + 0x201000;

}  // namespace uk::bsp::rpi4
