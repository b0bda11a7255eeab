// Physical page allocator: hands out runs of contiguous 4 KiB pages from the
// RAM banks the device tree reported, never touching excluded ranges (kernel
// image, device-tree blob, reserved regions).
//
// No heap: the allocator keeps one bit per page ("in use or unavailable") plus
// a summary bit per 64-page bitmap word ("word full"). That metadata is carved
// out of the managed memory itself at init() and reached through a
// caller-supplied phys-to-virt offset: 0 when memory is identity-mapped (the
// kernel), `host buffer address - fake physical base` in host tests.
// Overhead: 1 bit per page + 1 bit per 64 pages, e.g. 130 KiB for 4 GiB.
//
// Pages are returned as they are: zeroing (or not) is the caller's business,
// because only the caller knows whether it is about to overwrite them anyway.
//
// Cost per call (N = managed pages, E = excluded ranges, at most
// kMaxExcludedRanges):
//   alloc_pages(1):          O(N / 4096) word reads worst case, O(1) typical
//                            (a hint skips the full prefix).
//   alloc_pages(n, align):   first fit, O(N / 64 + R) word reads, R = free
//                            runs too short (or misaligned) to use; so O(N)
//                            only for a pathologically fragmented bank.
//   free_pages(p, n):        O(n / 64 + E + banks).
//   init():                  O(N / 64 + banks * E^2).
// Not thread-safe: the caller serialises (single CPU / a lock around it).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "kernel/lib/result.h"
#include "kernel/lib/types.h"

namespace uk {

class PageAllocator {
 public:
  static constexpr size_t kMaxBanks = 16;
  // Excluded ranges remembered to reject frees inside them (one slot is used
  // for the allocator's own metadata).
  static constexpr size_t kMaxExcludedRanges = 63;

  PageAllocator() = default;
  PageAllocator(const PageAllocator&) = delete;
  PageAllocator& operator=(const PageAllocator&) = delete;

  // Takes ownership of `banks` (rounded inwards to whole pages) minus
  // `excluded` (rounded outwards). Banks must not overlap each other or wrap
  // around (touching banks are merged, so a run may cross their seam; a run
  // never spans a gap); excluded ranges may lie anywhere (parts outside the
  // banks are ignored). The metadata goes at the lowest page-aligned place
  // inside a bank that is clear of every exclusion. Errors: kInval (bad/overlapping bank, wrapping range, already
  // initialised), kTooBig (more than kMaxBanks banks or kMaxExcludedRanges
  // exclusions), kNoMem (no room left for the metadata).
  [[nodiscard]] Status init(const PhysRange* banks, size_t nbanks, const PhysRange* excluded, size_t nexcl,
                            uint64_t phys_to_virt_offset);

  // `count` physically contiguous pages whose first page is aligned to
  // `align_pages` pages (a power of two). Errors: kInval (count == 0, bad
  // alignment, not initialised), kNoMem (no such run is free).
  [[nodiscard]] Result<PhysAddr> alloc_pages(size_t count, size_t align_pages = 1);

  // Returns pages obtained from alloc_pages(); any sub-run of an allocation
  // may be freed on its own. All-or-nothing. Errors: kInval (unaligned
  // address, count == 0, or some page not currently allocated: double free),
  // kFault (range not entirely inside one managed bank, or it touches an
  // excluded range or the allocator's metadata: a foreign address).
  [[nodiscard]] Status free_pages(PhysAddr base, size_t count);

  [[nodiscard]] size_t free_page_count() const { return free_pages_; }
  // Pages that can ever be handed out: banks minus exclusions minus metadata.
  [[nodiscard]] size_t total_page_count() const { return total_pages_; }
  // Where the metadata lives (already excluded); for diagnostics and tests.
  [[nodiscard]] PhysRange metadata_range() const { return metadata_; }

 private:
  struct Bank {
    uint64_t first_pfn = 0;   // page frame number of the bank's first page
    uint64_t pages = 0;
    size_t first_word = 0;    // index of its first word in the bitmap
    size_t words = 0;         // ceil(pages / 64); tail bits stay set
    size_t hint_word = 0;     // every word in [first_word, hint_word) is full
  };

  [[nodiscard]] uint64_t* bitmap() const;
  [[nodiscard]] uint64_t* summary() const;
  void set_word(size_t word, uint64_t value);
  void mark_used(const Bank& bank, uint64_t first, uint64_t count);
  void mark_free(const Bank& bank, uint64_t first, uint64_t count);
  [[nodiscard]] bool all_used(const Bank& bank, uint64_t first, uint64_t count) const;
  [[nodiscard]] uint64_t next_free(const Bank& bank, uint64_t from) const;
  [[nodiscard]] uint64_t next_used(const Bank& bank, uint64_t from, uint64_t limit) const;
  [[nodiscard]] bool find_run(Bank& bank, uint64_t count, uint64_t align, uint64_t* out) const;

  Bank banks_[kMaxBanks];
  size_t nbanks_ = 0;
  PhysRange excluded_[kMaxExcludedRanges + 1];  // page-rounded, + metadata
  size_t nexcluded_ = 0;
  PhysRange metadata_;
  size_t bitmap_words_ = 0;
  uint64_t phys_to_virt_ = 0;
  size_t free_pages_ = 0;
  size_t total_pages_ = 0;
  bool initialised_ = false;
};

}  // namespace uk
