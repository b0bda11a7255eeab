// Memory-mapped register access. The kernel maps devices identity-mapped as
// Device-nGnRE, so a physical address is also the pointer.
#pragma once

#include <stdint.h>

namespace uk::arch {

[[nodiscard]] inline uint32_t mmio_read32(uint64_t addr) { return *reinterpret_cast<volatile uint32_t*>(addr); }
inline void mmio_write32(uint64_t addr, uint32_t value) { *reinterpret_cast<volatile uint32_t*>(addr) = value; }
[[nodiscard]] inline uint64_t mmio_read64(uint64_t addr) { return *reinterpret_cast<volatile uint64_t*>(addr); }
[[nodiscard]] inline uint8_t mmio_read8(uint64_t addr) { return *reinterpret_cast<volatile uint8_t*>(addr); }
inline void mmio_write8(uint64_t addr, uint8_t value) { *reinterpret_cast<volatile uint8_t*>(addr) = value; }

}  // namespace uk::arch
