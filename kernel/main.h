// The portable kernel's entry point, called by the architecture's boot code
// once the console, memory, MMU, interrupt controller and timer are up.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace uk {

class PageAllocator;

struct KernelParams {
  const char* board = "";
  size_t cpus = 1;  // cores running the kernel (kernel/cpu/cpu.h)
  uint64_t ram_bytes = 0;
  unsigned gic_version = 0;
  uint64_t timer_hz = 0;
  const char* bootargs = "";
  uint64_t free_pages = 0;
  PageAllocator* pages = nullptr;  // for kernel objects and domain memory
};

[[noreturn]] void kernel_main(const KernelParams& params);

// Linked in by the image: production images run nothing here; test images
// run their boot-time self-tests (the deliberate-fault image faults here).
void run_boot_selftests();

}  // namespace uk
