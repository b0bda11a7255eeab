// AArch64 register state for running native domains.
#pragma once

#include <stdint.h>

#include "arch/aarch64/mmu/page_table.h"
#include "kernel/domain/address_space.h"

namespace uk::arch {

// Stage 2 uses a 39-bit IPA space starting at level 1 (VTCR_EL2.T0SZ = 25,
// SL0 = 1): enough for every board's RAM, and valid on CPUs whose physical
// address size is below 48 bits.
inline constexpr uint64_t kStage2IpaBits = 39;
inline constexpr uint64_t kStage2IpaLimit = 1ull << kStage2IpaBits;

// Invalidates every stage-1 and stage-2 TLB entry of the current VMID, inner
// shareable, and waits for completion (tlb.cc; host tests supply a fake).
void invalidate_domain_tlb();

[[nodiscard]] uint64_t stage1_root(const AddressSpace* as);
[[nodiscard]] uint64_t stage2_root(const AddressSpace* as);
[[nodiscard]] uint16_t vmid(const AddressSpace* as);

// Software walks of either stage (kNoEnt when unmapped): diagnostics and host tests.
[[nodiscard]] Result<mmu::Translation> stage1_lookup(const AddressSpace* as, uint64_t va);
[[nodiscard]] Result<mmu::Translation> stage2_lookup(const AddressSpace* as, uint64_t ipa);

}  // namespace uk::arch
