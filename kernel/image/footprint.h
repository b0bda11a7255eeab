// The memory a domain needs before it runs its first instruction: what the
// manifest's `memory:` quota must cover. Computed the same way by tools/pack
// (to fail the build) and by the kernel (bundle validation, loader).
//
//   image pages   every page a PT_LOAD segment touches (page-rounded)
//   stack pages   every thread's stack (guard pages are unmapped: free)
//   ring pages    the submission ring at RING_VADDR: 2 pages
//   table pages   stage-1 tables for all of the above plus the svc gateway
//                 page (4 KiB granule, 4 levels, 48-bit VA: one root plus one
//                 table per distinct 512 GiB / 1 GiB / 2 MiB block touched),
//                 and the same number again for the stage-2 tables
//
// The gateway page itself is kernel-supplied and shared, so not counted.
// Stack placement assumed (domain_layout::kStackTop grows down): thread 0's
// stack is [kStackTop - s0, kStackTop), with an unmapped guard page below it;
// thread i+1's stack ends at thread i's guard page.
// Later mappings (MapAnonymous, ThreadCreate) are charged at run time.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "kernel/elf/elf.h"

namespace uk::image {

inline constexpr uint64_t kPageBytes = 4096;
inline constexpr uint64_t kStackGuardBytes = kPageBytes;
inline constexpr uint64_t kRingPages = 2;
// Stage-2 tables are budgeted as this many times the stage-1 table count.
inline constexpr uint64_t kStage2TableFactor = 1;

struct Footprint {
  uint64_t image_pages = 0;
  uint64_t stack_pages = 0;
  uint64_t ring_pages = 0;
  uint64_t table_pages = 0;  // stage-1 + stage-2

  [[nodiscard]] constexpr uint64_t pages() const { return image_pages + stack_pages + ring_pages + table_pages; }
  [[nodiscard]] constexpr uint64_t bytes() const { return pages() * kPageBytes; }
};

// Top (exclusive end) of thread `index`'s stack, for the placement above.
// stack_bytes[0..index) must be page multiples.
[[nodiscard]] uint64_t stack_top(const uint64_t* stack_bytes, size_t index);

// The footprint of a validated image (elf::validate_elf with
// elf::kDomainLoadLimits) with `thread_count` stacks of stack_bytes[i] bytes
// (page multiples, thread_count <= 8).
[[nodiscard]] Footprint compute_footprint(const elf::Image& image, const uint64_t* stack_bytes,
                                          size_t thread_count);

}  // namespace uk::image
