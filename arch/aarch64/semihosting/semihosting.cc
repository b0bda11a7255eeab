#include "arch/aarch64/semihosting/semihosting.h"

#include <stdint.h>

namespace uk::arch {
namespace {
constexpr uint64_t kSysExit = 0x18;
constexpr uint64_t kAdpStoppedApplicationExit = 0x20026;
}  // namespace

void semihosting_exit(int status) {
  const uint64_t block[2] = {kAdpStoppedApplicationExit, static_cast<uint64_t>(static_cast<int64_t>(status))};
  register uint64_t x0 asm("x0") = kSysExit;
  register const uint64_t* x1 asm("x1") = block;
  asm volatile("hlt #0xf000" : "+r"(x0) : "r"(x1) : "memory");
  for (;;) asm volatile("wfe");
}

}  // namespace uk::arch
