#include "arch/aarch64/exceptions/backtrace.h"

#include "kernel/console/console.h"
#include "kernel/platform.h"

extern "C" char __image_start[];
extern "C" char __boot_stack_bottom[];
extern "C" char __boot_stack_top[];

namespace uk::arch {
namespace {

constexpr int kMaxFrames = 32;

bool on_kernel_stack(uint64_t fp) {
  return fp >= reinterpret_cast<uint64_t>(__boot_stack_bottom) &&
         fp + 16 <= reinterpret_cast<uint64_t>(__boot_stack_top) && (fp & 15) == 0;
}

}  // namespace

uint64_t kernel_image_base() { return reinterpret_cast<uint64_t>(__image_start); }

void print_backtrace(uint64_t pc, uint64_t fp) {
  const uint64_t base = kernel_image_base();
  kprintf("Backtrace:\n");
  kprintf("  #0  0x%016lx (kernel+0x%lx)\n", static_cast<unsigned long>(pc), static_cast<unsigned long>(pc - base));
  for (int depth = 1; depth < kMaxFrames && on_kernel_stack(fp); ++depth) {
    const auto* record = reinterpret_cast<const uint64_t*>(fp);
    const uint64_t lr = record[1];
    if (lr == 0) break;
    // lr is the instruction after the call; report the call itself.
    kprintf("  #%-2d 0x%016lx (kernel+0x%lx)\n", depth, static_cast<unsigned long>(lr - 4),
            static_cast<unsigned long>(lr - 4 - base));
    if (record[0] <= fp) break;  // frames grow towards higher addresses; stop on loops
    fp = record[0];
  }
}

}  // namespace uk::arch

namespace uk {

void platform_print_backtrace() {
  uint64_t fp;
  asm volatile("mov %0, x29" : "=r"(fp));
  arch::print_backtrace(reinterpret_cast<uint64_t>(__builtin_return_address(0)), fp);
}

}  // namespace uk
