// The kernel's own EL2 stage-1 address space: an identity map of RAM and of
// the devices the kernel drives, with W^X for the kernel image.
#pragma once

#include "kernel/dt/device_tree.h"
#include "kernel/lib/result.h"
#include "kernel/mm/page_allocator.h"

namespace uk::arch {

// Builds the tables from the device tree's memory and devices and turns the
// MMU and caches on. Page-table pages come from `pages`.
[[nodiscard]] Status el2_mmu_enable(const BootInfo& info, PageAllocator& pages);

}  // namespace uk::arch
