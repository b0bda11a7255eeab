// BCM2711 (Raspberry Pi 4) physical memory map in the ARM's "low peripheral"
// mode, the firmware default. The device tree is authoritative at run time;
// these constants serve the early console and cross-checks.
#pragma once

#include <stdint.h>

namespace uk::bsp::rpi4 {

inline constexpr uint64_t kPeripheralBase = 0xfe000000;  // VideoCore bus 0x7e000000
inline constexpr uint64_t kUart0Base = kPeripheralBase + 0x201000;
inline constexpr uint64_t kGpioBase = kPeripheralBase + 0x200000;
inline constexpr uint64_t kMailboxBase = kPeripheralBase + 0x00b880;
inline constexpr uint64_t kPmBase = kPeripheralBase + 0x100000;  // power management / watchdog
inline constexpr uint64_t kRngBase = kPeripheralBase + 0x104000;
inline constexpr uint64_t kGicDistributorBase = 0xff841000;
inline constexpr uint64_t kGicCpuInterfaceBase = 0xff842000;
// The firmware loads kernel8.img here unless config.txt says otherwise.
inline constexpr uint64_t kDefaultKernelLoadAddress = 0x80000;

}  // namespace uk::bsp::rpi4
