// Data-cache maintenance by address (to the point of coherency), for memory
// that something without the caches on reads or writes: page tables written
// with the MMU off, the boot table and spin-table release words that a core
// starting with its caches off reads.
#pragma once

#include <stdint.h>

#include "arch/aarch64/cpu/sysreg.h"

namespace uk::arch {

// Cortex-A72 (and QEMU's CPUs) have 64-byte lines; a smaller stride would
// only repeat work, a larger one would skip lines.
inline constexpr uint64_t kDcacheLineBytes = 64;

// Cleans and invalidates every line of [start, start + size), then waits
// for the maintenance to complete.
inline void dcache_clean_invalidate_to_poc(uint64_t start, uint64_t size) {
  for (uint64_t a = start & ~(kDcacheLineBytes - 1); a < start + size; a += kDcacheLineBytes) {
    asm volatile("dc civac, %0" : : "r"(a) : "memory");
  }
  dsb_sy();
}

}  // namespace uk::arch
