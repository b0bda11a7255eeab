// PageAllocator over fake physical memory: host buffers stand in for the
// RAM that holds the allocator's metadata (reached through the phys-to-virt
// offset); the pages handed out are never touched, so banks may be far larger
// than the host buffer.
#include "kernel/mm/page_allocator.h"

#include <algorithm>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <vector>

#include "gtest/gtest.h"

namespace uk {
namespace {

constexpr uint64_t kKiB = 1024;
constexpr uint64_t kMiB = 1024 * kKiB;
constexpr uint64_t kGiB = 1024 * kMiB;

// Host memory standing in for [phys_base, phys_base + bytes).
class FakeRam {
 public:
  FakeRam(uint64_t phys_base, uint64_t bytes) : phys_base_(phys_base), words_(bytes / sizeof(uint64_t), 0xa5a5a5a5a5a5a5a5ull) {}
  uint64_t offset() const { return reinterpret_cast<uintptr_t>(words_.data()) - phys_base_; }
  bool backs(const PhysRange& r) const {
    return r.base.value() >= phys_base_ && r.end().value() <= phys_base_ + words_.size() * sizeof(uint64_t);
  }

 private:
  uint64_t phys_base_;
  std::vector<uint64_t> words_;
};

PhysRange range(uint64_t base, uint64_t size) { return PhysRange{PhysAddr(base), size}; }

uint64_t pages_in(uint64_t bytes) { return bytes / kPageSize; }

// Allocates single pages until kNoMem; returns them.
std::vector<uint64_t> drain(PageAllocator& pa) {
  std::vector<uint64_t> out;
  for (;;) {
    Result<PhysAddr> r = pa.alloc_pages(1);
    if (!r.ok()) {
      EXPECT_EQ(r.error(), Errno::kNoMem);
      break;
    }
    out.push_back(r->value());
  }
  EXPECT_EQ(pa.free_page_count(), 0u);
  return out;
}

TEST(PageAllocator, SingleBank) {
  FakeRam ram(0x40000000, 16 * kMiB);
  auto pa = std::make_unique<PageAllocator>();
  const PhysRange bank = range(0x40000000, 16 * kMiB);
  ASSERT_TRUE(pa->init(&bank, 1, nullptr, 0, ram.offset()).ok());
  // 4096 pages: 64 bitmap words + 1 summary word = one metadata page, first.
  EXPECT_EQ(pa->metadata_range().base.value(), 0x40000000u);
  EXPECT_EQ(pa->metadata_range().size, kPageSize);
  EXPECT_EQ(pa->total_page_count(), 4095u);
  EXPECT_EQ(pa->free_page_count(), 4095u);
  Result<PhysAddr> first = pa->alloc_pages(1);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->value(), 0x40001000u);
  EXPECT_EQ(pa->free_page_count(), 4094u);
  ASSERT_TRUE(pa->free_pages(*first, 1).ok());
  EXPECT_EQ(pa->free_page_count(), 4095u);
}

TEST(PageAllocator, ExclusionsAreNeverHandedOut) {
  FakeRam ram(0x40000000, 16 * kMiB);
  auto pa = std::make_unique<PageAllocator>();
  const PhysRange bank = range(0x40000000, 16 * kMiB);
  const PhysRange excluded[] = {
      range(0x40080000, 0x123456),    // kernel image, unaligned size
      range(0x40800010, 0x2000),      // DT blob, unaligned base: 3 pages
      range(0x40ff0000, 0x20000),     // runs past the bank's end
      range(0x30000000, 0x1000),      // entirely outside
      range(0x40400000, 0),           // empty: ignored
      range(0x40500000, 0x100000),    // overlaps the next one
      range(0x40580000, 0x100000),
  };
  ASSERT_TRUE(pa->init(&bank, 1, excluded, std::size(excluded), ram.offset()).ok());
  std::set<uint64_t> forbidden;
  for (const PhysRange& e : excluded) {
    if (e.size == 0) continue;
    for (uint64_t p = align_down(e.base.value(), kPageSize); p < e.end().value(); p += kPageSize) forbidden.insert(p);
  }
  for (uint64_t p = pa->metadata_range().base.value(); p < pa->metadata_range().end().value(); p += kPageSize) {
    forbidden.insert(p);
  }
  uint64_t expected = 0;
  for (uint64_t p = 0x40000000; p < 0x41000000; p += kPageSize) expected += forbidden.count(p) == 0;
  EXPECT_EQ(pa->total_page_count(), expected);

  const std::vector<uint64_t> got = drain(*pa);
  EXPECT_EQ(got.size(), expected);
  std::set<uint64_t> unique(got.begin(), got.end());
  EXPECT_EQ(unique.size(), got.size());
  for (uint64_t p : got) {
    ASSERT_EQ(forbidden.count(p), 0u) << std::hex << p;
    ASSERT_TRUE(bank.contains(PhysAddr(p)));
  }
  // Ascending: first fit from the bottom.
  EXPECT_TRUE(std::is_sorted(got.begin(), got.end()));
}

TEST(PageAllocator, MetadataAvoidsExclusions) {
  FakeRam ram(0x40000000, 4 * kMiB);
  auto pa = std::make_unique<PageAllocator>();
  const PhysRange bank = range(0x40000000, 4 * kMiB);
  const PhysRange excluded[] = {range(0x40000000, 1 * kMiB), range(0x40101000, 0x1000)};
  ASSERT_TRUE(pa->init(&bank, 1, excluded, 2, ram.offset()).ok());
  // One page of metadata fits in the 4 KiB hole at 0x40100000.
  EXPECT_EQ(pa->metadata_range().base.value(), 0x40100000u);
  EXPECT_TRUE(ram.backs(pa->metadata_range()));
  EXPECT_EQ(pa->total_page_count(), pages_in(3 * kMiB) - 2);
  EXPECT_EQ(pa->free_pages(PhysAddr(0x40100000), 1).error(), Errno::kFault);
}

TEST(PageAllocator, Alignment) {
  FakeRam ram(0x40001000, 8 * kMiB);
  auto pa = std::make_unique<PageAllocator>();
  // The bank itself is not 2 MiB aligned: alignment is physical.
  const PhysRange bank = range(0x40001000, 8 * kMiB);
  ASSERT_TRUE(pa->init(&bank, 1, nullptr, 0, ram.offset()).ok());
  Result<PhysAddr> one = pa->alloc_pages(1);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->value(), 0x40002000u);
  Result<PhysAddr> big = pa->alloc_pages(1, 512);
  ASSERT_TRUE(big.ok());
  EXPECT_EQ(big->value(), 0x40200000u);
  Result<PhysAddr> run = pa->alloc_pages(5, 8);
  ASSERT_TRUE(run.ok());
  EXPECT_TRUE(run->is_aligned(8 * kPageSize));
  EXPECT_EQ(run->value(), 0x40008000u);  // first 32 KiB boundary after the two pages used
  // Gaps left by alignment are still available for unaligned requests.
  Result<PhysAddr> filler = pa->alloc_pages(1);
  ASSERT_TRUE(filler.ok());
  EXPECT_EQ(filler->value(), 0x40003000u);
  EXPECT_EQ(pa->alloc_pages(1, 3).error(), Errno::kInval);
  EXPECT_EQ(pa->alloc_pages(1, 0).error(), Errno::kInval);
  EXPECT_EQ(pa->alloc_pages(0).error(), Errno::kInval);
  EXPECT_EQ(pa->alloc_pages(1, size_t{1} << 60).error(), Errno::kNoMem);
  // 4 MiB alignment within a bank ending at 0x40801000: only 0x40400000 fits.
  Result<PhysAddr> huge = pa->alloc_pages(1024, 1024);
  ASSERT_TRUE(huge.ok());
  EXPECT_EQ(huge->value(), 0x40400000u);
  EXPECT_EQ(pa->alloc_pages(1024, 1024).error(), Errno::kNoMem);
}

TEST(PageAllocator, ExhaustionAndReuse) {
  FakeRam ram(0x80000000, 1 * kMiB);
  auto pa = std::make_unique<PageAllocator>();
  const PhysRange bank = range(0x80000000, 1 * kMiB);
  ASSERT_TRUE(pa->init(&bank, 1, nullptr, 0, ram.offset()).ok());
  EXPECT_EQ(pa->alloc_pages(pa->total_page_count() + 1).error(), Errno::kNoMem);
  Result<PhysAddr> all = pa->alloc_pages(pa->total_page_count());
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(pa->alloc_pages(1).error(), Errno::kNoMem);
  const PhysAddr middle = *all + 100 * kPageSize;
  ASSERT_TRUE(pa->free_pages(middle, 1).ok());
  EXPECT_EQ(pa->alloc_pages(2).error(), Errno::kNoMem);
  Result<PhysAddr> again = pa->alloc_pages(1);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, middle);
}

TEST(PageAllocator, LowestFreePageIsReusedFirst) {
  FakeRam ram(0x80000000, 2 * kMiB);
  auto pa = std::make_unique<PageAllocator>();
  const PhysRange bank = range(0x80000000, 2 * kMiB);
  ASSERT_TRUE(pa->init(&bank, 1, nullptr, 0, ram.offset()).ok());
  std::vector<PhysAddr> pages;
  for (int i = 0; i < 300; ++i) pages.push_back(*pa->alloc_pages(1));
  ASSERT_TRUE(pa->free_pages(pages[7], 1).ok());
  ASSERT_TRUE(pa->free_pages(pages[250], 1).ok());
  EXPECT_EQ(*pa->alloc_pages(1), pages[7]);
  EXPECT_EQ(*pa->alloc_pages(1), pages[250]);
  EXPECT_EQ(pa->alloc_pages(1)->value(), pages.back().value() + kPageSize);
}

TEST(PageAllocator, DoubleFreeRejected) {
  FakeRam ram(0x40000000, 1 * kMiB);
  auto pa = std::make_unique<PageAllocator>();
  const PhysRange bank = range(0x40000000, 1 * kMiB);
  ASSERT_TRUE(pa->init(&bank, 1, nullptr, 0, ram.offset()).ok());
  Result<PhysAddr> a = pa->alloc_pages(4);
  ASSERT_TRUE(a.ok());
  const size_t free_before = pa->free_page_count();
  ASSERT_TRUE(pa->free_pages(*a, 4).ok());
  EXPECT_EQ(pa->free_pages(*a, 4).error(), Errno::kInval);
  EXPECT_EQ(pa->free_pages(*a + kPageSize, 1).error(), Errno::kInval);
  EXPECT_EQ(pa->free_page_count(), free_before + 4);
  // Partly allocated run: all-or-nothing.
  Result<PhysAddr> b = pa->alloc_pages(2);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(*b, *a);
  EXPECT_EQ(pa->free_pages(*b, 3).error(), Errno::kInval);
  EXPECT_EQ(pa->free_page_count(), free_before + 2);
  // Sub-runs of one allocation can be freed separately.
  ASSERT_TRUE(pa->free_pages(*b + kPageSize, 1).ok());
  ASSERT_TRUE(pa->free_pages(*b, 1).ok());
}

TEST(PageAllocator, ForeignAddressesRejected) {
  FakeRam ram(0x40000000, 1 * kMiB);
  auto pa = std::make_unique<PageAllocator>();
  const PhysRange bank = range(0x40000000, 1 * kMiB);
  const PhysRange kernel = range(0x40010000, 0x10000);
  ASSERT_TRUE(pa->init(&bank, 1, &kernel, 1, ram.offset()).ok());
  const size_t free_before = pa->free_page_count();
  EXPECT_EQ(pa->free_pages(PhysAddr(0x30000000), 1).error(), Errno::kFault);   // outside any bank
  EXPECT_EQ(pa->free_pages(PhysAddr(0x40010000), 1).error(), Errno::kFault);   // excluded
  EXPECT_EQ(pa->free_pages(PhysAddr(0x4000f000), 2).error(), Errno::kFault);   // runs into exclusion
  EXPECT_EQ(pa->free_pages(pa->metadata_range().base, 1).error(), Errno::kFault);
  EXPECT_EQ(pa->free_pages(PhysAddr(0x400ff000), 2).error(), Errno::kFault);   // past the bank's end
  EXPECT_EQ(pa->free_pages(PhysAddr(0x40030800), 1).error(), Errno::kInval);   // unaligned
  EXPECT_EQ(pa->free_pages(PhysAddr(0x40030000), 0).error(), Errno::kInval);
  EXPECT_EQ(pa->free_pages(PhysAddr(0x40030000), ~size_t{0}).error(), Errno::kFault);
  EXPECT_EQ(pa->free_page_count(), free_before);
}

TEST(PageAllocator, MultipleBanks) {
  FakeRam ram(0x40000000, 4 * kMiB);
  auto pa = std::make_unique<PageAllocator>();
  const PhysRange banks[] = {
      range(0x80000000, 8 * kMiB),
      range(0x40000000, 4 * kMiB),
      range(0x60000800, 2 * kMiB - 0x800),  // starts mid-page: rounded in
      range(0x70000000, 0x800),             // less than a page: ignored
  };
  ASSERT_TRUE(pa->init(banks, std::size(banks), nullptr, 0, ram.offset()).ok());
  EXPECT_EQ(pa->metadata_range().base.value(), 0x40000000u);  // lowest bank
  const uint64_t expected = pages_in(8 * kMiB) + pages_in(4 * kMiB) + pages_in(2 * kMiB) - 1 - 1;
  EXPECT_EQ(pa->total_page_count(), expected);
  // Larger than any bank: no run spans a gap.
  EXPECT_EQ(pa->alloc_pages(pages_in(8 * kMiB) + 1).error(), Errno::kNoMem);
  Result<PhysAddr> whole = pa->alloc_pages(pages_in(8 * kMiB));
  ASSERT_TRUE(whole.ok());
  EXPECT_EQ(whole->value(), 0x80000000u);
  ASSERT_TRUE(pa->free_pages(*whole, pages_in(8 * kMiB)).ok());

  const std::vector<uint64_t> got = drain(*pa);
  ASSERT_EQ(got.size(), expected);
  for (uint64_t p : got) {
    bool inside = false;
    for (const PhysRange& b : banks) inside |= b.contains(PhysAddr(p)) && b.contains(PhysAddr(p + kPageSize - 1));
    ASSERT_TRUE(inside) << std::hex << p;
  }
  EXPECT_TRUE(std::is_sorted(got.begin(), got.end()));
}

TEST(PageAllocator, TouchingBanksMerge) {
  FakeRam ram(0x40000000, 1 * kMiB);
  auto pa = std::make_unique<PageAllocator>();
  const PhysRange banks[] = {range(0x40100000, 1 * kMiB), range(0x40000000, 1 * kMiB)};
  ASSERT_TRUE(pa->init(banks, 2, nullptr, 0, ram.offset()).ok());
  Result<PhysAddr> run = pa->alloc_pages(pages_in(2 * kMiB) - 1);
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->value(), 0x40001000u);
}

TEST(PageAllocator, InitErrors) {
  FakeRam ram(0x40000000, 1 * kMiB);
  const PhysRange bank = range(0x40000000, 1 * kMiB);
  {
    auto pa = std::make_unique<PageAllocator>();
    const PhysRange overlapping[] = {range(0x40000000, 1 * kMiB), range(0x400ff000, 1 * kMiB)};
    EXPECT_EQ(pa->init(overlapping, 2, nullptr, 0, ram.offset()).error(), Errno::kInval);
    EXPECT_EQ(pa->alloc_pages(1).error(), Errno::kInval);  // still uninitialised
    EXPECT_EQ(pa->free_pages(PhysAddr(0x40001000), 1).error(), Errno::kInval);
  }
  {
    auto pa = std::make_unique<PageAllocator>();
    std::vector<PhysRange> many;
    for (uint64_t i = 0; i <= PageAllocator::kMaxBanks; ++i) many.push_back(range(0x40000000 + i * 2 * kMiB, kMiB));
    EXPECT_EQ(pa->init(many.data(), many.size(), nullptr, 0, ram.offset()).error(), Errno::kTooBig);
  }
  {
    auto pa = std::make_unique<PageAllocator>();
    std::vector<PhysRange> many(PageAllocator::kMaxExcludedRanges + 1, range(0x40000000, kPageSize));
    EXPECT_EQ(pa->init(&bank, 1, many.data(), many.size(), ram.offset()).error(), Errno::kTooBig);
  }
  {
    auto pa = std::make_unique<PageAllocator>();
    const PhysRange everything = range(0x3f000000, 0x10000000);
    EXPECT_EQ(pa->init(&bank, 1, &everything, 1, ram.offset()).error(), Errno::kNoMem);
  }
  {
    auto pa = std::make_unique<PageAllocator>();
    EXPECT_EQ(pa->init(nullptr, 0, nullptr, 0, ram.offset()).error(), Errno::kNoMem);
    const PhysRange tiny = range(0x40000800, 0x1000);  // no whole page inside
    EXPECT_EQ(pa->init(&tiny, 1, nullptr, 0, ram.offset()).error(), Errno::kNoMem);
    const PhysRange wrapping = range(0xfffffffffffff000ull, 0x2000);
    EXPECT_EQ(pa->init(&wrapping, 1, nullptr, 0, ram.offset()).error(), Errno::kInval);
    const PhysRange bad_excl = range(0xffffffffffffff00ull, 0x1000);
    EXPECT_EQ(pa->init(&bank, 1, &bad_excl, 1, ram.offset()).error(), Errno::kInval);
    EXPECT_EQ(pa->init(nullptr, 1, nullptr, 0, ram.offset()).error(), Errno::kInval);
  }
  {
    auto pa = std::make_unique<PageAllocator>();
    ASSERT_TRUE(pa->init(&bank, 1, nullptr, 0, ram.offset()).ok());
    EXPECT_EQ(pa->init(&bank, 1, nullptr, 0, ram.offset()).error(), Errno::kInval);
  }
}

// The Pi 4 (4 GiB) as the firmware describes it, with the spin table, the
// kernel and the blob excluded: 1.5 M pages, metadata of 48 pages.
TEST(PageAllocator, RaspberryPi4Layout) {
  FakeRam ram(0x0, 1 * kMiB);
  auto pa = std::make_unique<PageAllocator>();
  const PhysRange banks[] = {range(0x0, 0x3b400000), range(0x40000000, 0xbc000000), range(0x100000000, 0x80000000)};
  const PhysRange excluded[] = {range(0x0, 0x1000), range(0x80000, 0x200000), range(0x2eff0000, 0x6b2b)};
  ASSERT_TRUE(pa->init(banks, 3, excluded, 3, ram.offset()).ok());
  const uint64_t bank_pages = pages_in(0x3b400000) + pages_in(0xbc000000) + pages_in(0x80000000);
  const uint64_t words = (pages_in(0x3b400000) + 63) / 64 + (pages_in(0xbc000000) + 63) / 64 + pages_in(0x80000000) / 64;
  const uint64_t meta_pages = ((words + (words + 63) / 64) * 8 + kPageSize - 1) / kPageSize;
  EXPECT_EQ(pa->metadata_range().base.value(), 0x1000u);
  EXPECT_EQ(pa->metadata_range().size, meta_pages * kPageSize);
  EXPECT_TRUE(ram.backs(pa->metadata_range()));
  EXPECT_EQ(pa->total_page_count(), bank_pages - 1 - pages_in(0x200000) - 7 - meta_pages);
  // Between the metadata and the kernel image.
  EXPECT_EQ(pa->alloc_pages(1)->value(), 0x1000 + meta_pages * kPageSize);
  // A 2 MiB-aligned 2 MiB run: the first one after the kernel image.
  EXPECT_EQ(pa->alloc_pages(512, 512)->value(), 0x400000u);
  // 1 GiB aligned 1 GiB run: the low bank is too small, the second starts at 1 GiB.
  EXPECT_EQ(pa->alloc_pages(pages_in(kGiB), pages_in(kGiB))->value(), 0x40000000u);
  // 2 GiB: only the high bank can hold it.
  EXPECT_EQ(pa->alloc_pages(pages_in(2 * kGiB))->value(), 0x100000000u);
  EXPECT_EQ(pa->alloc_pages(pages_in(2 * kGiB)).error(), Errno::kNoMem);
}

// Random allocations and frees against a model of which pages are in use.
TEST(PageAllocator, RandomRoundTrips) {
  FakeRam ram(0x40000000, 2 * kMiB);
  auto pa = std::make_unique<PageAllocator>();
  const PhysRange banks[] = {range(0x40000000, 3 * kMiB), range(0x50000000, 5 * kMiB + 0x3000)};
  const PhysRange excluded[] = {range(0x40100000, 0x5000), range(0x50200000, 0x80000)};
  ASSERT_TRUE(pa->init(banks, 2, excluded, 2, ram.offset()).ok());
  const size_t total = pa->total_page_count();
  std::mt19937_64 rng(20240601);
  std::map<uint64_t, uint64_t> live;  // base -> pages
  std::set<uint64_t> used;
  for (int op = 0; op < 20000; ++op) {
    if (live.empty() || rng() % 3 != 0) {
      const size_t count = 1 + rng() % (rng() % 8 == 0 ? 300 : 12);
      const size_t align = size_t{1} << (rng() % 7);
      Result<PhysAddr> r = pa->alloc_pages(count, align);
      if (!r.ok()) {
        ASSERT_EQ(r.error(), Errno::kNoMem);
        continue;
      }
      ASSERT_TRUE(r->is_aligned(align * kPageSize));
      for (size_t i = 0; i < count; ++i) {
        const uint64_t p = r->value() + i * kPageSize;
        ASSERT_TRUE(used.insert(p).second) << "page handed out twice: " << std::hex << p;
        for (const PhysRange& e : excluded) ASSERT_FALSE(e.contains(PhysAddr(p)));
        ASSERT_FALSE(pa->metadata_range().contains(PhysAddr(p)));
      }
      live[r->value()] = count;
    } else {
      auto it = live.begin();
      std::advance(it, rng() % live.size());
      // Free either the whole allocation or its first part.
      const uint64_t base = it->first;
      const uint64_t count = it->second;
      const uint64_t n = rng() % 2 == 0 ? count : 1 + rng() % count;
      ASSERT_TRUE(pa->free_pages(PhysAddr(base), n).ok());
      ASSERT_EQ(pa->free_pages(PhysAddr(base), n).error(), Errno::kInval);  // double free
      for (uint64_t i = 0; i < n; ++i) used.erase(base + i * kPageSize);
      live.erase(it);
      if (n < count) live[base + n * kPageSize] = count - n;
    }
    ASSERT_EQ(pa->free_page_count(), total - used.size());
  }
  for (const auto& [base, count] : live) ASSERT_TRUE(pa->free_pages(PhysAddr(base), count).ok());
  EXPECT_EQ(pa->free_page_count(), total);
  // Everything is back: the largest bank's biggest free run is whole again.
  EXPECT_TRUE(pa->alloc_pages(pages_in(0x200000)).ok());
}

}  // namespace
}  // namespace uk
