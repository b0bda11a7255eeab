#include "kernel/image/footprint.h"

#include "kernel/domain/layout.h"

namespace uk::image {
namespace {

// Every mapped range: PT_LOAD segments, stacks, ring, gateway.
constexpr size_t kMaxRanges = elf::kMaxProgramHeaders + 8 + 2;

struct Range {
  uint64_t first;  // inclusive
  uint64_t last;   // inclusive
};

// Number of distinct values v >> shift over all addresses in the ranges.
uint64_t distinct_blocks(const Range* ranges, size_t n, unsigned shift) {
  Range blocks[kMaxRanges];
  for (size_t i = 0; i < n; ++i) blocks[i] = {ranges[i].first >> shift, ranges[i].last >> shift};
  // Insertion sort by first block (n is tiny).
  for (size_t i = 1; i < n; ++i) {
    Range r = blocks[i];
    size_t j = i;
    for (; j > 0 && blocks[j - 1].first > r.first; --j) blocks[j] = blocks[j - 1];
    blocks[j] = r;
  }
  uint64_t count = 0;
  uint64_t covered_to = 0;  // one past the last counted block
  bool any = false;
  for (size_t i = 0; i < n; ++i) {
    uint64_t first = blocks[i].first;
    if (any && first < covered_to) first = covered_to;
    if (any && first > blocks[i].last) continue;
    count += blocks[i].last - first + 1;
    covered_to = blocks[i].last + 1;
    any = true;
  }
  return count;
}

}  // namespace

uint64_t stack_top(const uint64_t* stack_bytes, size_t index) {
  uint64_t top = domain_layout::kStackTop;
  for (size_t i = 0; i < index; ++i) top -= stack_bytes[i] + kStackGuardBytes;
  return top;
}

Footprint compute_footprint(const elf::Image& image, const uint64_t* stack_bytes, size_t thread_count) {
  Footprint fp;
  Range ranges[kMaxRanges];
  size_t n = 0;
  image.for_each_load_segment([&](const elf::Segment& s) {
    const uint64_t end = s.page_end(kPageBytes);
    fp.image_pages += (end - s.vaddr) / kPageBytes;
    if (n < kMaxRanges) ranges[n++] = {s.vaddr, end - 1};
    return true;
  });
  for (size_t i = 0; i < thread_count && i < 8; ++i) {
    fp.stack_pages += stack_bytes[i] / kPageBytes;
    const uint64_t top = stack_top(stack_bytes, i);
    if (stack_bytes[i] != 0) ranges[n++] = {top - stack_bytes[i], top - 1};
  }
  fp.ring_pages = kRingPages;
  ranges[n++] = {domain_layout::kRingBase, domain_layout::kRingBase + kRingPages * kPageBytes - 1};
  ranges[n++] = {domain_layout::kGatewayBase, domain_layout::kGatewayBase + kPageBytes - 1};

  const uint64_t stage1 = 1 + distinct_blocks(ranges, n, 39) + distinct_blocks(ranges, n, 30) +
                          distinct_blocks(ranges, n, 21);
  fp.table_pages = stage1 * (1 + kStage2TableFactor);
  return fp;
}

}  // namespace uk::image
