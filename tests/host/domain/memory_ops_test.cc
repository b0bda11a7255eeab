// MapAnonymous / Munmap / Mprotect against the real two-stage address space
// (arch/aarch64/domain/address_space.cc) and page-table builder, over host
// memory mapped at a low fixed address so that IPA == PA stays below the
// 512 GiB stage-2 limit (issue 16): the mmap window's edges, failed maps that
// must undo exactly their own work, and unmaps that must clear stage 2 even
// when stage 1 refuses.
#include <stdint.h>
#include <sys/mman.h>
#include <ukernel/sys.h>

#include "arch/aarch64/domain/domain_regs.h"
#include "gtest/gtest.h"
#include "kernel/domain/domain.h"
#include "kernel/domain/layout.h"
#include "kernel/domain/memory_ops.h"
#include "kernel/mm/page_allocator.h"

// The target's gateway page (gateway.S) and TLB maintenance (tlb.cc).
extern "C" {
alignas(4096) char uk_gateway_page[4096];
}

namespace uk {
namespace arch {
int g_tlb_invalidations = 0;
void invalidate_domain_tlb() { ++g_tlb_invalidations; }
}  // namespace arch

namespace {

using namespace domain_layout;  // NOLINT: the layout constants are the subject

constexpr uint64_t kRamBase = 0x4000'0000;  // like QEMU virt; free in a host process
constexpr uint64_t kRamBytes = 32ull << 20;
constexpr uint64_t kQuota = 4ull << 20;
constexpr uint64_t kRw = UK_PROT_READ | UK_PROT_WRITE;
constexpr int64_t kEinval = -static_cast<int64_t>(Errno::kInval);

// Host RAM at kRamBase, identity "mapped": a physical address is a pointer.
class LowRam {
 public:
  LowRam() {
    void* p = mmap(reinterpret_cast<void*>(kRamBase), kRamBytes, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    ok_ = p == reinterpret_cast<void*>(kRamBase);
  }
  bool ok() const { return ok_; }

 private:
  bool ok_ = false;
};

LowRam& ram() {
  static LowRam r;
  return r;
}

PageAllocator& pages() {
  static PageAllocator* pa = [] {
    auto* p = new PageAllocator();
    const PhysRange bank{PhysAddr(kRamBase), kRamBytes};
    if (ram().ok() && p->init(&bank, 1, nullptr, 0, 0).ok()) memory_ops_init(*p);
    return p;
  }();
  return *pa;
}

ukernel::sys::SubmitEntry entry(uint16_t opcode, uint64_t a0 = 0, uint64_t a1 = 0, uint64_t a2 = 0, uint64_t a3 = 0) {
  ukernel::sys::SubmitEntry e{};
  e.opcode = opcode;
  e.args[0] = a0;
  e.args[1] = a1;
  e.args[2] = a2;
  e.args[3] = a3;
  return e;
}

int64_t map(Domain& d, uint64_t va, uint64_t len, uint64_t flags) {
  return op_map_anonymous(d, entry(UK_OP_MAP_ANONYMOUS, va, len, kRw, flags));
}

bool s1_mapped(const Domain& d, uint64_t va) { return arch::stage1_lookup(d.address_space, va).ok(); }
bool s2_mapped(const Domain& d, PhysAddr pa) { return arch::stage2_lookup(d.address_space, pa.value()).ok(); }

size_t regions_in_use(const Domain& d) {
  size_t n = 0;
  for (const Region& r : d.regions) n += r.in_use ? 1 : 0;
  return n;
}

// The page the allocator hands out next (it is deterministic): the one a
// failing call will have taken and must have given back.
PhysAddr next_page() {
  Result<PhysAddr> p = pages().alloc_pages(1);
  EXPECT_TRUE(p.ok());
  EXPECT_TRUE(pages().free_pages(*p, 1).ok());
  return *p;
}

class MemoryOps : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(ram().ok()) << "cannot map host memory at 0x" << std::hex << kRamBase;
    (void)pages();
    // A fresh domain; address spaces come from a pool of kMaxDomains (never
    // given back), enough for every test here.
    Result<AddressSpace*> as = address_space_create(1, pages());
    ASSERT_TRUE(as.ok());
    d_.address_space = *as;
    d_.quota_bytes = kQuota;
  }

  Domain d_;
};

// ---- the window ------------------------------------------------------------

static_assert(in_mmap_window(kMmapBase, kPageSize));
static_assert(!in_mmap_window(kMmapLimit, kPageSize));
static_assert(!in_mmap_window(kMmapLimit + kPageSize, kPageSize));  // underflowed once

TEST(MmapWindow, Edges) {
  EXPECT_TRUE(in_mmap_window(kMmapBase, kPageSize));
  EXPECT_TRUE(in_mmap_window(kMmapLimit - kPageSize, kPageSize));
  EXPECT_TRUE(in_mmap_window(kMmapBase, kMmapLimit - kMmapBase));
  EXPECT_FALSE(in_mmap_window(kMmapBase - kPageSize, kPageSize));
  EXPECT_FALSE(in_mmap_window(kMmapBase - kPageSize, 2 * kPageSize));
  EXPECT_FALSE(in_mmap_window(kMmapLimit - kPageSize, 2 * kPageSize));
  EXPECT_FALSE(in_mmap_window(kMmapBase, kMmapLimit - kMmapBase + 1));
  EXPECT_FALSE(in_mmap_window(kMmapBase, ~uint64_t{0}));
  EXPECT_FALSE(in_mmap_window(kMmapLimit, kPageSize));
  EXPECT_FALSE(in_mmap_window(kMmapLimit, 0));
}

TEST(MmapWindow, NothingAboveItWrapsIn) {
  const uint64_t above[] = {
      kMmapLimit + kPageSize,
      kStackTop - 20 * 1024,   // a 16 KiB stack's guard page
      0x0000'7ffe'8000'0000,  // between stack and ring
      kRingBase,
      kGatewayBase,
      uint64_t{1} << 48,
      0xffff'ffff'ffff'f000,
      uint64_t{1} << 63,
  };
  for (uint64_t va : above) {
    EXPECT_FALSE(in_mmap_window(va, kPageSize)) << std::hex << va;
    EXPECT_FALSE(in_mmap_window(va, 0)) << std::hex << va;
    EXPECT_FALSE(in_mmap_window(va, ~uint64_t{0} - va)) << std::hex << va;
  }
}

// ---- MapAnonymous ------------------------------------------------------------

TEST_F(MemoryOps, FixedOutsideTheWindowIsEinvalAndMapsNothing) {
  const uint64_t outside[] = {kStackTop - 20 * 1024, 0x0000'7ffe'8000'0000, kRingBase, kGatewayBase,
                              kMmapLimit, uint64_t{1} << 48, 0xffff'ffff'ffff'f000, uint64_t{1} << 63};
  const PhysAddr next = next_page();
  for (uint64_t va : outside) {
    EXPECT_EQ(map(d_, va, kPageSize, UK_MAP_FIXED), kEinval) << std::hex << va;
    if (va < (uint64_t{1} << 48)) {
      EXPECT_FALSE(s1_mapped(d_, va)) << std::hex << va;
    }
  }
  EXPECT_FALSE(s2_mapped(d_, next));
  EXPECT_EQ(d_.used_bytes, 0u);
  EXPECT_EQ(regions_in_use(d_), 0u);
}

TEST_F(MemoryOps, HintOutsideTheWindowIsPlacedInside) {
  for (uint64_t hint : {kStackTop - 20 * 1024, kGatewayBase, uint64_t{1} << 48, kMmapLimit - kPageSize}) {
    const int64_t va = map(d_, hint, 2 * kPageSize, 0);
    ASSERT_GT(va, 0) << std::hex << hint;
    EXPECT_TRUE(in_mmap_window(static_cast<uint64_t>(va), 2 * kPageSize)) << std::hex << hint;
    EXPECT_EQ(op_munmap(d_, entry(UK_OP_MUNMAP, static_cast<uint64_t>(va), 2 * kPageSize)), 0);
  }
}

TEST_F(MemoryOps, FailedMapLeavesAMappingItDidNotMakeAlone) {
  // A mapping in the window that is no region of the domain (like the
  // gateway page above it): MAP_FIXED over it fails in stage 1.
  const uint64_t va = kMmapBase + (1ull << 30);
  Result<PhysAddr> foreign = pages().alloc_pages(1);
  ASSERT_TRUE(foreign.ok());
  ASSERT_TRUE(address_space_map_user(d_.address_space, va, *foreign, kPageSize, UserPerms{}).ok());
  const PhysAddr next = next_page();
  const uint64_t free_before = pages().free_page_count();
  const uint64_t tables_before = address_space_table_pages(d_.address_space);

  EXPECT_EQ(map(d_, va, kPageSize, UK_MAP_FIXED), -static_cast<int64_t>(Errno::kExist));

  // The foreign mapping survives in both stages ...
  Result<mmu::Translation> t = arch::stage1_lookup(d_.address_space, va);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->output, *foreign);
  EXPECT_TRUE(s2_mapped(d_, *foreign));
  // ... and the call's own page left stage 2 and went back.
  EXPECT_FALSE(s2_mapped(d_, next));
  EXPECT_EQ(pages().free_page_count() + (address_space_table_pages(d_.address_space) - tables_before), free_before);
  EXPECT_EQ(next_page(), next);
  EXPECT_EQ(d_.used_bytes, 0u);
  EXPECT_EQ(regions_in_use(d_), 0u);
}

TEST_F(MemoryOps, QuotaFailureForTablesUndoesExactlyItsOwnMapping) {
  // A first mapping far from the next one, so the next needs new tables.
  const int64_t first = map(d_, kMmapBase, kPageSize, UK_MAP_FIXED);
  ASSERT_EQ(first, static_cast<int64_t>(kMmapBase));
  const uint64_t used = d_.used_bytes;
  const uint64_t far = kMmapBase + (512ull << 30);  // another level-0 entry's worth of tables
  d_.quota_bytes = used + kPageSize;                 // the page fits, its tables do not
  const PhysAddr next = next_page();

  EXPECT_EQ(map(d_, far, kPageSize, UK_MAP_FIXED), -static_cast<int64_t>(Errno::kNoMem));
  EXPECT_FALSE(s1_mapped(d_, far));
  EXPECT_FALSE(s2_mapped(d_, next));
  EXPECT_TRUE(s1_mapped(d_, kMmapBase));  // the earlier mapping is untouched
  EXPECT_EQ(d_.used_bytes, used);
  EXPECT_EQ(regions_in_use(d_), 1u);
}

TEST_F(MemoryOps, FullRegionTableMapsNothing) {
  for (Region& r : d_.regions) r.in_use = true;  // no room for another region
  const PhysAddr next = next_page();
  EXPECT_EQ(map(d_, kMmapBase, kPageSize, UK_MAP_FIXED), -static_cast<int64_t>(Errno::kNoMem));
  EXPECT_FALSE(s1_mapped(d_, kMmapBase));
  EXPECT_FALSE(s2_mapped(d_, next));
  EXPECT_EQ(d_.used_bytes, 0u);
  for (Region& r : d_.regions) r.in_use = false;
}

TEST_F(MemoryOps, MunmapAndMprotectKeepBothStagesInStep) {
  const int64_t va = map(d_, 0, 2 * kPageSize, 0);
  ASSERT_GT(va, 0);
  const uint64_t used_mapped = d_.used_bytes;
  Result<mmu::Translation> t = arch::stage1_lookup(d_.address_space, static_cast<uint64_t>(va));
  ASSERT_TRUE(t.ok());
  const PhysAddr pa = t->output;
  EXPECT_TRUE(s2_mapped(d_, pa));
  EXPECT_EQ(op_mprotect(d_, entry(UK_OP_MPROTECT, static_cast<uint64_t>(va), 2 * kPageSize, UK_PROT_NONE)), 0);
  EXPECT_FALSE(s1_mapped(d_, static_cast<uint64_t>(va)));
  EXPECT_FALSE(s2_mapped(d_, pa));
  EXPECT_EQ(op_mprotect(d_, entry(UK_OP_MPROTECT, static_cast<uint64_t>(va), 2 * kPageSize, UK_PROT_READ)), 0);
  EXPECT_TRUE(s1_mapped(d_, static_cast<uint64_t>(va)));
  EXPECT_TRUE(s2_mapped(d_, pa));
  EXPECT_EQ(op_munmap(d_, entry(UK_OP_MUNMAP, static_cast<uint64_t>(va), 2 * kPageSize)), 0);
  EXPECT_FALSE(s1_mapped(d_, static_cast<uint64_t>(va)));
  EXPECT_FALSE(s2_mapped(d_, pa));
  EXPECT_EQ(d_.used_bytes, used_mapped - 2 * kPageSize);  // the pages are refunded; tables stay charged
  EXPECT_EQ(regions_in_use(d_), 0u);
}

// ---- the address space itself --------------------------------------------

TEST_F(MemoryOps, MapUserIsAllOrNothing) {
  const uint64_t va = kMmapBase + (2ull << 30);
  Result<PhysAddr> first = pages().alloc_pages(1);
  Result<PhysAddr> second = pages().alloc_pages(1);
  ASSERT_TRUE(first.ok() && second.ok());
  ASSERT_TRUE(address_space_map_user(d_.address_space, va, *first, kPageSize, UserPerms{}).ok());
  // Stage 2 accepts the second page, stage 1 refuses the address: neither keeps it.
  EXPECT_EQ(address_space_map_user(d_.address_space, va, *second, kPageSize, UserPerms{}).error(), Errno::kExist);
  EXPECT_FALSE(s2_mapped(d_, *second));
  EXPECT_TRUE(s2_mapped(d_, *first));
  EXPECT_EQ(arch::stage1_lookup(d_.address_space, va)->output, *first);
  // Beyond 48 bits likewise.
  EXPECT_EQ(address_space_map_user(d_.address_space, uint64_t{1} << 48, *second, kPageSize, UserPerms{}).error(),
            Errno::kInval);
  EXPECT_FALSE(s2_mapped(d_, *second));
}

TEST_F(MemoryOps, UnmapClearsStage2AndTheTlbWhenStage1Fails) {
  const uint64_t va = kMmapBase + (3ull << 30);
  Result<PhysAddr> pa = pages().alloc_pages(1);
  ASSERT_TRUE(pa.ok());
  ASSERT_TRUE(address_space_map_user(d_.address_space, va, *pa, kPageSize, UserPerms{.write = true}).ok());
  const int invalidations = arch::g_tlb_invalidations;
  // Stage 1 refuses an address beyond 48 bits; stage 2 must still let go.
  EXPECT_EQ(address_space_unmap_user(d_.address_space, uint64_t{1} << 48, *pa, kPageSize).error(), Errno::kInval);
  EXPECT_FALSE(s2_mapped(d_, *pa));
  EXPECT_GT(arch::g_tlb_invalidations, invalidations);
  // A proper unmap afterwards still works (holes are fine).
  EXPECT_TRUE(address_space_unmap_user(d_.address_space, va, *pa, kPageSize).ok());
  EXPECT_FALSE(s1_mapped(d_, va));
}

}  // namespace
}  // namespace uk
