// Each core's kernel stack (laid out by boot/kernel.ld: the boot CPU's, then
// one per other core, each above an unmapped guard page).
#pragma once

#include <stdint.h>

namespace uk::arch {

// Bytes of each core's stack and of the guard page below it (kernel.ld).
inline constexpr uint64_t kCpuStackBytes = 16384;
inline constexpr uint64_t kCpuStackGuardBytes = 4096;

// Top of core `index`'s kernel stack (where its first entry frame goes).
[[nodiscard]] uint64_t cpu_stack_top(unsigned index);

}  // namespace uk::arch
