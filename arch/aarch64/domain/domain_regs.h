// AArch64 register state for running native domains.
#pragma once

#include <stdint.h>

#include "kernel/domain/address_space.h"

namespace uk::arch {

// Stage 2 uses a 39-bit IPA space starting at level 1 (VTCR_EL2.T0SZ = 25,
// SL0 = 1): enough for every board's RAM, and valid on CPUs whose physical
// address size is below 48 bits.
inline constexpr uint64_t kStage2IpaBits = 39;
inline constexpr uint64_t kStage2IpaLimit = 1ull << kStage2IpaBits;

[[nodiscard]] uint64_t stage1_root(const AddressSpace* as);
[[nodiscard]] uint64_t stage2_root(const AddressSpace* as);
[[nodiscard]] uint16_t vmid(const AddressSpace* as);

}  // namespace uk::arch
