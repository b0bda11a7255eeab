#include "arch/aarch64/cpu/stacks.h"

extern "C" char __boot_stack_top[];
extern "C" char __cpu_stacks_start[];

namespace uk::arch {

uint64_t cpu_stack_top(unsigned index) {
  if (index == 0) return reinterpret_cast<uint64_t>(__boot_stack_top);
  return reinterpret_cast<uint64_t>(__cpu_stacks_start) + index * (kCpuStackGuardBytes + kCpuStackBytes);
}

}  // namespace uk::arch
