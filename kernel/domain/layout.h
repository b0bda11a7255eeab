// The virtual address space every native domain sees at EL0 (its EL1&0
// stage-1, built by the kernel). Domain programs are linked for kImageBase;
// the kernel enters them with x0 = domain id, x1 = RING_VADDR, sp = stack top.
#pragma once

#include <stdint.h>

namespace uk::domain_layout {

// ELF executables are linked at this address (userland/runtime/domain.ld).
inline constexpr uint64_t kImageBase = 0x0000'0000'0040'0000;
// Highest address an ELF segment may reach.
inline constexpr uint64_t kImageLimit = 0x0000'0001'0000'0000;
// Anonymous mappings (MapAnonymous) are placed in [kMmapBase, kMmapLimit).
inline constexpr uint64_t kMmapBase = 0x0000'1000'0000'0000;
inline constexpr uint64_t kMmapLimit = 0x0000'7000'0000'0000;
// Thread stacks grow down from here; each stack has an unmapped guard page below it.
inline constexpr uint64_t kStackTop = 0x0000'7ffe'0000'0000;
// The submission ring (ukernel-sys RING_VADDR), two pages.
inline constexpr uint64_t kRingBase = 0x0000'7fff'0000'0000;
inline constexpr uint64_t kRingBytes = 2 * 4096;
// The EL1 svc gateway: one EL1-only executable page (vectors that hvc to EL2).
inline constexpr uint64_t kGatewayBase = 0x0000'7fff'ffff'0000;
inline constexpr uint64_t kGatewayBytes = 4096;

// True when [va, va + size) lies inside [kMmapBase, kMmapLimit). Written so
// that nothing wraps for any 64-bit va and size (a domain chooses both):
// everything above the window (stack guards, the ring, the gateway, the
// kernel half) must stay out of MapAnonymous's reach.
[[nodiscard]] constexpr bool in_mmap_window(uint64_t va, uint64_t size) {
  return va >= kMmapBase && va < kMmapLimit && size <= kMmapLimit - va;
}

}  // namespace uk::domain_layout
