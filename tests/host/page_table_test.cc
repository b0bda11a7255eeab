// The translation-table builder, checked by a table walker written here from
// the Arm ARM (VMSAv8-64, 4 KiB granule, 48-bit IA, start level 0) without
// using the builder's constants: if the builder encoded a field wrongly, the
// walker decodes what the hardware would see, not what the builder meant.
#include "arch/aarch64/mmu/page_table.h"

#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <vector>

#include "gtest/gtest.h"

namespace uk::mmu {
namespace {

constexpr uint64_t kKiB = 1024;
constexpr uint64_t kMiB = 1024 * kKiB;
constexpr uint64_t kGiB = 1024 * kMiB;

// ---------------------------------------------------------------------------
// A pool of fake physical pages for tables, with failure injection and
// ownership checks.
class TablePool {
 public:
  static constexpr uint64_t kPhysBase = 0x8000'0000;

  explicit TablePool(size_t pages) : mem_(pages * 512, 0x5a5a5a5a5a5a5a5aull), used_(pages, false) {}

  TableOps ops() {
    TableOps o;
    o.alloc_page = [](void* ctx) { return static_cast<TablePool*>(ctx)->alloc(); };
    o.free_page = [](void* ctx, PhysAddr p) { static_cast<TablePool*>(ctx)->free(p); };
    o.invalidate = [](void* ctx, Regime, uint64_t va, uint64_t size) {
      static_cast<TablePool*>(ctx)->invalidations.push_back({va, size});
    };
    o.ctx = this;
    o.phys_to_virt_offset = reinterpret_cast<uintptr_t>(mem_.data()) - kPhysBase;
    return o;
  }

  Result<PhysAddr> alloc() {
    if (fail_after_ == 0) return Errno::kNoMem;
    if (fail_after_ > 0) --fail_after_;
    for (size_t i = 0; i < used_.size(); ++i) {
      if (used_[i]) continue;
      used_[i] = true;
      std::fill(mem_.begin() + i * 512, mem_.begin() + (i + 1) * 512, 0);
      ++in_use_;
      return PhysAddr(kPhysBase + i * kPageSize);
    }
    return Errno::kNoMem;
  }

  void free(PhysAddr p) {
    const uint64_t i = (p.value() - kPhysBase) / kPageSize;
    ASSERT_TRUE(p.value() >= kPhysBase && i < used_.size() && p.is_aligned(kPageSize)) << "foreign table page";
    ASSERT_TRUE(used_[i]) << "table page freed twice";
    used_[i] = false;
    --in_use_;
    std::fill(mem_.begin() + i * 512, mem_.begin() + (i + 1) * 512, 0xdeaddeaddeaddeadull);  // catch use after free
  }

  // Reads a descriptor the way the hardware walker would: by physical address.
  uint64_t read(uint64_t table_phys, uint64_t index) const {
    const uint64_t i = (table_phys - kPhysBase) / kPageSize;
    EXPECT_TRUE(table_phys >= kPhysBase && i < used_.size() && used_[i]) << "walk into a non-table page";
    return mem_[(table_phys - kPhysBase) / sizeof(uint64_t) + index];
  }

  void fail_after(int n) { fail_after_ = n; }  // -1: never fail
  size_t in_use() const { return in_use_; }

  std::vector<std::pair<uint64_t, uint64_t>> invalidations;

 private:
  std::vector<uint64_t> mem_;
  std::vector<bool> used_;
  size_t in_use_ = 0;
  int fail_after_ = -1;
};

// ---------------------------------------------------------------------------
// The independent walker. Bit positions straight from the Arm ARM.
struct Walk {
  uint64_t out = 0;    // output address for the input address
  int level = 0;
  uint64_t desc = 0;   // raw leaf descriptor
  // Decoded fields.
  unsigned attr_indx = 0;  // [4:2] stage 1
  unsigned mem_attr = 0;   // [5:2] stage 2
  unsigned ap = 0;         // [7:6] AP[2:1] (stage 1) or S2AP (stage 2)
  unsigned sh = 0;         // [9:8]
  bool af = false;         // [10]
  bool ng = false;         // [11]
  bool pxn = false;        // [53]
  bool xn = false;         // [54]: UXN / XN
};

std::optional<Walk> walk(const TablePool& pool, uint64_t root, uint64_t ia) {
  EXPECT_LT(ia, uint64_t{1} << 48);
  uint64_t table = root;
  for (int level = 0; level <= 3; ++level) {
    const int shift = 39 - 9 * level;
    const uint64_t d = pool.read(table, (ia >> shift) & 0x1ff);
    if ((d & 1) == 0) return std::nullopt;
    const bool table_or_page = (d & 2) != 0;
    if (level == 3 && !table_or_page) {
      ADD_FAILURE() << "reserved descriptor type 0b01 at level 3";
      return std::nullopt;
    }
    if (level == 0 && !table_or_page) {
      ADD_FAILURE() << "block descriptor at level 0 (not allowed with 4 KiB granule)";
      return std::nullopt;
    }
    const uint64_t addr_mask = 0x0000ffffffffffffull & ~((uint64_t{1} << (level < 3 && !table_or_page ? shift : 12)) - 1);
    if (level < 3 && table_or_page) {
      EXPECT_EQ(d & ~0x0000fffffffff003ull, 0u) << "table descriptor with attribute bits set";
      table = d & 0x0000fffffffff000ull;
      continue;
    }
    // Leaf: block (levels 1-2) or page (level 3). RES0 bits of the block's
    // output address field must be zero.
    EXPECT_EQ(d & 0x0000fffffffff000ull & ~addr_mask, 0u) << "low output-address bits set in a block";
    Walk w;
    w.level = level;
    w.desc = d;
    w.out = (d & addr_mask) | (ia & ((uint64_t{1} << shift) - 1));
    w.attr_indx = (d >> 2) & 0x7;
    w.mem_attr = (d >> 2) & 0xf;
    w.ap = (d >> 6) & 0x3;
    w.sh = (d >> 8) & 0x3;
    w.af = ((d >> 10) & 1) != 0;
    w.ng = ((d >> 11) & 1) != 0;
    w.pxn = ((d >> 53) & 1) != 0;
    w.xn = ((d >> 54) & 1) != 0;
    return w;
  }
  return std::nullopt;
}

// Permissions as the hardware would apply them, per regime.
struct Perms {
  bool el1_read = false, el1_write = false, el1_exec = false;
  bool el0_read = false, el0_write = false, el0_exec = false;
  bool device = false;
};

Perms perms(Regime regime, const Walk& w) {
  Perms p;
  switch (regime) {
    case Regime::kEl2:  // "EL1" fields stand for EL2 here; AP[1] is ignored (treated as 1)
      p.el1_read = true;
      p.el1_write = (w.ap & 0b10) == 0;
      p.el1_exec = !w.xn;
      p.device = w.attr_indx == 1;
      break;
    case Regime::kEl1El0:
      p.el1_read = true;
      p.el1_write = (w.ap & 0b10) == 0;
      p.el0_read = (w.ap & 0b01) != 0;
      p.el0_write = w.ap == 0b01;
      // AP = 0b01 (EL0 writable) forces PXN.
      p.el1_exec = !w.pxn && w.ap != 0b01;
      p.el0_exec = !w.xn;
      p.device = w.attr_indx == 1;
      break;
    case Regime::kStage2:
      p.el1_read = p.el0_read = (w.ap & 0b01) != 0;
      p.el1_write = p.el0_write = (w.ap & 0b10) != 0;
      p.el1_exec = p.el0_exec = !w.xn;
      p.device = w.mem_attr == 0b0001;
      break;
  }
  return p;
}

struct Fixture {
  explicit Fixture(Regime regime, size_t pool_pages = 512) : pool(pool_pages) {
    EXPECT_TRUE(table.init(regime, pool.ops()).ok());
  }
  std::optional<Walk> at(uint64_t ia) const { return walk(pool, table.root().value(), ia); }
  TablePool pool;
  PageTable table;
};

constexpr Attributes kRw{.readable = true, .writable = true};
constexpr Attributes kRo{.readable = true};
constexpr Attributes kRx{.readable = true, .executable = true};
constexpr Attributes kDevice{.readable = true, .writable = true, .device = true};

// ---------------------------------------------------------------------------

TEST(PageTable, MairConstants) {
  EXPECT_EQ(kMairNormalWbRaWa, 0xffu);
  EXPECT_EQ(kMairDeviceNgnre, 0x04u);
  EXPECT_EQ(kMairValue, 0x04ffu);  // slot 0 normal, slot 1 device
  EXPECT_EQ(kTableBytes, kPageSize);
}

TEST(PageTable, InitAllocatesEmptyRoot) {
  Fixture f(Regime::kEl2);
  EXPECT_EQ(f.pool.in_use(), 1u);
  EXPECT_EQ(f.table.table_pages(), 1u);
  EXPECT_TRUE(f.table.root().is_aligned(kPageSize));
  EXPECT_FALSE(f.at(0).has_value());
  EXPECT_EQ(f.table.lookup(0).error(), Errno::kNoEnt);
  EXPECT_EQ(f.table.init(Regime::kEl2, f.pool.ops()).error(), Errno::kInval);
  TablePool empty(0);
  PageTable t;
  EXPECT_EQ(t.init(Regime::kEl2, empty.ops()).error(), Errno::kNoMem);
  EXPECT_EQ(t.map(0, PhysAddr(0), kPageSize, kRo).error(), Errno::kInval);
}

TEST(PageTable, AttributeRules) {
  for (Regime r : {Regime::kEl2, Regime::kStage2, Regime::kEl1El0}) {
    Fixture f(r);
    const Attributes wx{.readable = true, .writable = true, .executable = true};
    EXPECT_EQ(f.table.map(0x1000, PhysAddr(0x1000), kPageSize, wx).error(), Errno::kInval) << "W^X";
    const Attributes dev_x{.readable = true, .executable = true, .device = true};
    EXPECT_EQ(f.table.map(0x1000, PhysAddr(0x1000), kPageSize, dev_x).error(), Errno::kInval);
    const Attributes user{.readable = true, .user = true};
    EXPECT_EQ(f.table.map(0x1000, PhysAddr(0x1000), kPageSize, user).ok(), r == Regime::kEl1El0);
    const Attributes write_only{.readable = false, .writable = true};
    EXPECT_EQ(f.table.map(0x10000, PhysAddr(0x1000), kPageSize, write_only).ok(), r == Regime::kStage2);
    const Attributes nothing{.readable = false};
    EXPECT_EQ(f.table.map(0x20000, PhysAddr(0x1000), kPageSize, nothing).error(), Errno::kInval);
    EXPECT_FALSE(f.at(0x20000).has_value());
    EXPECT_EQ(leaf_attribute_bits(r, wx).error(), Errno::kInval);
  }
}

TEST(PageTable, Misalignment) {
  Fixture f(Regime::kEl2);
  EXPECT_EQ(f.table.map(0x1001, PhysAddr(0x1000), kPageSize, kRo).error(), Errno::kInval);
  EXPECT_EQ(f.table.map(0x1000, PhysAddr(0x1800), kPageSize, kRo).error(), Errno::kInval);
  EXPECT_EQ(f.table.map(0x1000, PhysAddr(0x1000), 0x1800, kRo).error(), Errno::kInval);
  EXPECT_EQ(f.table.map(0x1000, PhysAddr(0x1000), 0, kRo).error(), Errno::kInval);
  EXPECT_EQ(f.table.map(uint64_t{1} << 48, PhysAddr(0x1000), kPageSize, kRo).error(), Errno::kInval);
  EXPECT_EQ(f.table.map((uint64_t{1} << 48) - kPageSize, PhysAddr(0), 2 * kPageSize, kRo).error(), Errno::kInval);
  EXPECT_EQ(f.table.map(0, PhysAddr(uint64_t{1} << 48), kPageSize, kRo).error(), Errno::kInval);
  EXPECT_EQ(f.table.unmap(0x1800, kPageSize).error(), Errno::kInval);
  EXPECT_EQ(f.table.unmap(0x1000, 0).error(), Errno::kInval);
  EXPECT_EQ(f.pool.in_use(), 1u);
  // The very last page of the input space is fine.
  ASSERT_TRUE(f.table.map((uint64_t{1} << 48) - kPageSize, PhysAddr(0xfffffffff000), kPageSize, kRo).ok());
  EXPECT_EQ(f.at((uint64_t{1} << 48) - 1)->out, 0xffffffffffffu);
}

TEST(PageTable, BlocksWhereverAlignmentAllows) {
  Fixture f(Regime::kEl2);
  // 0x3fe00000 .. 0x80400000: a 2 MiB block, a 1 GiB block, two 2 MiB blocks.
  ASSERT_TRUE(f.table.map(0x3fe00000, PhysAddr(0x13fe00000), kGiB + 6 * kMiB, kRw).ok());
  EXPECT_EQ(f.at(0x3fe00000)->level, 2);
  EXPECT_EQ(f.at(0x40000000)->level, 1);
  EXPECT_EQ(f.at(0x7fffffff)->level, 1);
  EXPECT_EQ(f.at(0x80000000)->level, 2);
  EXPECT_EQ(f.at(0x80200000)->level, 2);
  EXPECT_FALSE(f.at(0x80400000).has_value());
  EXPECT_EQ(f.at(0x40123456)->out, 0x140123456u);
  // root + one level-1 table + two level-2 tables.
  EXPECT_EQ(f.pool.in_use(), 4u);

  // Input aligned but output only 2 MiB aligned: no 1 GiB block.
  ASSERT_TRUE(f.table.map(0x100000000, PhysAddr(0x200200000), kGiB, kRo).ok());
  EXPECT_EQ(f.at(0x100000000)->level, 2);
  EXPECT_EQ(f.at(0x13fffffff)->out, 0x2401fffffu);
  // Output only 4 KiB aligned: pages.
  ASSERT_TRUE(f.table.map(0x200000000, PhysAddr(0x300001000), 4 * kMiB, kRo).ok());
  EXPECT_EQ(f.at(0x200000000)->level, 3);
  EXPECT_EQ(f.at(0x2003ff000)->out, 0x3003ff000u + 0x1000u);
  // Size not a multiple of 2 MiB: blocks then pages.
  ASSERT_TRUE(f.table.map(0x300000000, PhysAddr(0x400000000), 2 * kMiB + 3 * kPageSize, kRo).ok());
  EXPECT_EQ(f.at(0x300000000)->level, 2);
  EXPECT_EQ(f.at(0x300200000)->level, 3);
  EXPECT_EQ(f.at(0x300202000)->level, 3);
  EXPECT_FALSE(f.at(0x300203000).has_value());
}

TEST(PageTable, El2Attributes) {
  Fixture f(Regime::kEl2);
  ASSERT_TRUE(f.table.map(0x40000000, PhysAddr(0x40000000), 2 * kMiB, kRx).ok());   // text
  ASSERT_TRUE(f.table.map(0x40200000, PhysAddr(0x40200000), kPageSize, kRo).ok());  // rodata
  ASSERT_TRUE(f.table.map(0x40201000, PhysAddr(0x40201000), kPageSize, kRw).ok());  // data
  ASSERT_TRUE(f.table.map(0x09000000, PhysAddr(0x09000000), kPageSize, kDevice).ok());

  const Walk text = *f.at(0x40000000);
  EXPECT_EQ(text.attr_indx, 0u);
  EXPECT_EQ(text.ap, 0b11u);  // AP[2]=1 read-only, AP[1]=1 (RES1 at EL2)
  EXPECT_EQ(text.sh, 0b11u);  // inner shareable
  EXPECT_TRUE(text.af);
  EXPECT_FALSE(text.ng);
  EXPECT_FALSE(text.xn);
  EXPECT_FALSE(text.pxn);  // RES0 at EL2
  const Walk ro = *f.at(0x40200000);
  EXPECT_EQ(ro.ap, 0b11u);
  EXPECT_TRUE(ro.xn);
  const Walk data = *f.at(0x40201000);
  EXPECT_EQ(data.ap, 0b01u);
  EXPECT_TRUE(data.xn);
  EXPECT_EQ(data.attr_indx, 0u);
  const Walk uart = *f.at(0x09000000);
  EXPECT_EQ(uart.attr_indx, 1u);  // Device-nGnRE slot
  EXPECT_EQ(uart.sh, 0u);
  EXPECT_TRUE(uart.xn);
  EXPECT_EQ(uart.ap, 0b01u);

  const Perms p = perms(Regime::kEl2, data);
  EXPECT_TRUE(p.el1_write);
  EXPECT_FALSE(p.el1_exec);
  EXPECT_TRUE(perms(Regime::kEl2, text).el1_exec);
  EXPECT_FALSE(perms(Regime::kEl2, text).el1_write);
}

TEST(PageTable, Stage2Attributes) {
  Fixture f(Regime::kStage2);
  ASSERT_TRUE(f.table.map(0x0, PhysAddr(0x48000000), 2 * kMiB, kRw).ok());
  ASSERT_TRUE(f.table.map(0x200000, PhysAddr(0x48200000), kPageSize, kRx).ok());
  ASSERT_TRUE(f.table.map(0x09000000, PhysAddr(0x09000000), kPageSize, kDevice).ok());
  const Attributes exec_only{.readable = false, .executable = true};
  ASSERT_TRUE(f.table.map(0x300000, PhysAddr(0x48300000), kPageSize, exec_only).ok());

  const Walk ram = *f.at(0x1000);
  EXPECT_EQ(ram.level, 2);
  EXPECT_EQ(ram.out, 0x48001000u);
  EXPECT_EQ(ram.mem_attr, 0b1111u);  // Normal, outer and inner write-back
  EXPECT_EQ(ram.ap, 0b11u);          // S2AP read/write
  EXPECT_EQ(ram.sh, 0b11u);
  EXPECT_TRUE(ram.af);
  EXPECT_TRUE(ram.xn);
  EXPECT_EQ((ram.desc >> 53) & 1, 0u);  // XN[0] stays 0: XN[1:0] = 0b10
  const Walk code = *f.at(0x200000);
  EXPECT_EQ(code.ap, 0b01u);  // read-only
  EXPECT_FALSE(code.xn);
  const Walk dev = *f.at(0x09000000);
  EXPECT_EQ(dev.mem_attr, 0b0001u);  // Device-nGnRE
  EXPECT_TRUE(dev.xn);
  const Walk xo = *f.at(0x300000);
  EXPECT_EQ(xo.ap, 0b00u);
  EXPECT_FALSE(xo.xn);
}

TEST(PageTable, El1El0Attributes) {
  Fixture f(Regime::kEl1El0);
  const Attributes user_rw{.readable = true, .writable = true, .user = true};
  const Attributes user_rx{.readable = true, .executable = true, .user = true};
  const Attributes user_ro{.readable = true, .user = true};
  const Attributes gateway{.readable = true, .executable = true};  // EL1-only svc gateway
  ASSERT_TRUE(f.table.map(0x400000, PhysAddr(0x1000000), kPageSize, user_rx).ok());
  ASSERT_TRUE(f.table.map(0x401000, PhysAddr(0x1001000), kPageSize, user_ro).ok());
  ASSERT_TRUE(f.table.map(0x402000, PhysAddr(0x1002000), kPageSize, user_rw).ok());
  ASSERT_TRUE(f.table.map(0xffff0000, PhysAddr(0x1003000), kPageSize, gateway).ok());
  ASSERT_TRUE(f.table.map(0xffff1000, PhysAddr(0x1004000), kPageSize, kRw).ok());

  const Walk text = *f.at(0x400000);
  EXPECT_EQ(text.ap, 0b11u);
  EXPECT_TRUE(text.ng);
  EXPECT_FALSE(text.xn);  // UXN clear
  EXPECT_TRUE(text.pxn);
  Perms p = perms(Regime::kEl1El0, text);
  EXPECT_TRUE(p.el0_read && p.el0_exec && !p.el0_write && !p.el1_exec);

  p = perms(Regime::kEl1El0, *f.at(0x401000));
  EXPECT_TRUE(p.el0_read && !p.el0_write && !p.el0_exec && !p.el1_exec);

  const Walk data = *f.at(0x402000);
  EXPECT_EQ(data.ap, 0b01u);
  EXPECT_TRUE(data.xn && data.pxn && data.ng);
  p = perms(Regime::kEl1El0, data);
  EXPECT_TRUE(p.el0_write && !p.el0_exec && !p.el1_exec);

  const Walk gw = *f.at(0xffff0000);
  EXPECT_EQ(gw.ap, 0b10u);  // EL1 read-only, no EL0 access
  EXPECT_FALSE(gw.ng);
  EXPECT_FALSE(gw.pxn);
  EXPECT_TRUE(gw.xn);
  p = perms(Regime::kEl1El0, gw);
  EXPECT_TRUE(p.el1_exec && !p.el0_read && !p.el0_exec);

  const Walk kdata = *f.at(0xffff1000);
  EXPECT_EQ(kdata.ap, 0b00u);
  EXPECT_TRUE(kdata.xn && kdata.pxn);
}

TEST(PageTable, LookupAgreesWithWalker) {
  Fixture f(Regime::kEl1El0);
  const Attributes user_rx{.readable = true, .executable = true, .user = true};
  ASSERT_TRUE(f.table.map(0x40000000, PhysAddr(0x80000000), kGiB, user_rx).ok());
  Result<Translation> t = f.table.lookup(0x40001234);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->output.value(), 0x80001234u);
  EXPECT_EQ(t->level, 1);
  EXPECT_EQ(t->leaf_size, kGiB);
  EXPECT_EQ(t->attrs, user_rx);
  EXPECT_EQ(f.table.lookup(0x3fffffff).error(), Errno::kNoEnt);
  EXPECT_EQ(f.table.lookup(uint64_t{1} << 48).error(), Errno::kInval);
}

TEST(PageTable, OverlapRejectedAndNothingChanges) {
  Fixture f(Regime::kEl2);
  ASSERT_TRUE(f.table.map(0x40200000, PhysAddr(0x1000000), 2 * kMiB, kRw).ok());
  const size_t pages = f.pool.in_use();
  // Overlaps only at its end: the free part before must stay unmapped.
  EXPECT_EQ(f.table.map(0x40000000, PhysAddr(0x2000000), 2 * kMiB + kPageSize, kRw).error(), Errno::kExist);
  EXPECT_FALSE(f.at(0x40000000).has_value());
  EXPECT_FALSE(f.at(0x401ff000).has_value());
  EXPECT_EQ(f.pool.in_use(), pages);
  // A page inside a block, a block over pages.
  EXPECT_EQ(f.table.map(0x40300000, PhysAddr(0x3000000), kPageSize, kRw).error(), Errno::kExist);
  ASSERT_TRUE(f.table.map(0x40600000, PhysAddr(0x4000000), kPageSize, kRw).ok());
  EXPECT_EQ(f.table.map(0x40400000, PhysAddr(0x4000000), 4 * kMiB, kRw).error(), Errno::kExist);
  EXPECT_FALSE(f.at(0x40400000).has_value());
  EXPECT_EQ(f.at(0x40600000)->out, 0x4000000u);
}

TEST(PageTable, AllocatorExhaustionRollsBack) {
  Fixture f(Regime::kStage2);
  // Mapping 4 MiB of pages spread over two 1 GiB regions needs L1 + 2 L2 +
  // 2 L3 tables (the range crosses 0x40000000).
  f.pool.fail_after(3);
  EXPECT_EQ(f.table.map(0x3fe00000, PhysAddr(0x10001000), 4 * kMiB, kRw).error(), Errno::kNoMem);
  EXPECT_FALSE(f.at(0x3fe00000).has_value());
  EXPECT_FALSE(f.at(0x401ff000).has_value());
  EXPECT_EQ(f.pool.in_use(), 1u);  // emptied tables were given back
  EXPECT_EQ(f.table.table_pages(), 1u);
  f.pool.fail_after(-1);
  ASSERT_TRUE(f.table.map(0x3fe00000, PhysAddr(0x10001000), 4 * kMiB, kRw).ok());
  EXPECT_EQ(f.at(0x401ff000)->out, 0x10001000u + 4 * kMiB - kPageSize);
}

TEST(PageTable, UnmapSplitsBlocks) {
  Fixture f(Regime::kEl2);
  ASSERT_TRUE(f.table.map(0x40000000, PhysAddr(0x80000000), kGiB, kRw).ok());
  EXPECT_EQ(f.pool.in_use(), 2u);
  f.pool.invalidations.clear();
  ASSERT_TRUE(f.table.unmap(0x40201000, kPageSize).ok());
  EXPECT_FALSE(f.at(0x40201000).has_value());
  EXPECT_FALSE(f.at(0x40201fff).has_value());
  // Neighbours keep output and attributes, at the finest level only where needed.
  const Walk before = *f.at(0x40200fff);
  EXPECT_EQ(before.out, 0x80200fffu);
  EXPECT_EQ(before.level, 3);
  EXPECT_EQ(before.ap, 0b01u);
  EXPECT_TRUE(before.xn);
  EXPECT_EQ(f.at(0x40202000)->out, 0x80202000u);
  EXPECT_EQ(f.at(0x40202000)->level, 3);
  EXPECT_EQ(f.at(0x40000000)->level, 2);
  EXPECT_EQ(f.at(0x40400000)->level, 2);
  EXPECT_EQ(f.at(0x7fffffff)->out, 0xbfffffffu);
  EXPECT_EQ(f.pool.in_use(), 4u);  // root, L1, new L2, new L3
  // Break-before-make: the 1 GiB block, then the 2 MiB block, then the page.
  ASSERT_EQ(f.pool.invalidations.size(), 3u);
  EXPECT_EQ(f.pool.invalidations[0], std::make_pair(uint64_t{0x40000000}, kGiB));
  EXPECT_EQ(f.pool.invalidations[1], std::make_pair(uint64_t{0x40200000}, 2 * kMiB));
  EXPECT_EQ(f.pool.invalidations[2], std::make_pair(uint64_t{0x40201000}, kPageSize));

  // Unmapping everything else frees every table but the root.
  ASSERT_TRUE(f.table.unmap(0x40000000, kGiB).ok());
  EXPECT_FALSE(f.at(0x40000000).has_value());
  EXPECT_EQ(f.pool.in_use(), 1u);
  EXPECT_EQ(f.table.table_pages(), 1u);
  // And a block fits again.
  ASSERT_TRUE(f.table.map(0x40000000, PhysAddr(0x80000000), kGiB, kRw).ok());
  EXPECT_EQ(f.at(0x40000000)->level, 1);
}

TEST(PageTable, UnmapHolesAndRangesSpanningBlocks) {
  Fixture f(Regime::kStage2);
  ASSERT_TRUE(f.table.map(0x0, PhysAddr(0x40000000), 8 * kMiB, kRw).ok());
  ASSERT_TRUE(f.table.unmap(0x100000, 4 * kMiB).ok());  // from inside block 0 to inside block 2
  EXPECT_EQ(f.at(0xff000)->out, 0x400ff000u);
  EXPECT_FALSE(f.at(0x100000).has_value());
  EXPECT_FALSE(f.at(0x200000).has_value());
  EXPECT_FALSE(f.at(0x4ff000).has_value());
  EXPECT_EQ(f.at(0x500000)->out, 0x40500000u);
  EXPECT_EQ(f.at(0x600000)->level, 2);
  // Unmapping holes is fine.
  ASSERT_TRUE(f.table.unmap(0x100000000, kGiB).ok());
  ASSERT_TRUE(f.table.unmap(0x0, 16 * kMiB).ok());
  EXPECT_EQ(f.pool.in_use(), 1u);
}

TEST(PageTable, UnmapNeedingMemoryFailsCleanly) {
  Fixture f(Regime::kEl2);
  ASSERT_TRUE(f.table.map(0x40000000, PhysAddr(0x80000000), kGiB, kRw).ok());
  f.pool.fail_after(1);  // the 1 GiB split works, the 2 MiB split cannot
  EXPECT_EQ(f.table.unmap(0x40001000, kPageSize).error(), Errno::kNoMem);
  // Every address still translates as before (the structure may be finer).
  for (uint64_t va : {0x40000000ull, 0x40001000ull, 0x40001fffull, 0x7ffff000ull}) {
    ASSERT_TRUE(f.at(va).has_value());
    EXPECT_EQ(f.at(va)->out, va + 0x40000000);
  }
}

TEST(PageTable, DestroyReturnsEveryPage) {
  Fixture f(Regime::kEl1El0);
  const Attributes user_rw{.readable = true, .writable = true, .user = true};
  ASSERT_TRUE(f.table.map(0x1000, PhysAddr(0x100000), 64 * kPageSize, user_rw).ok());
  ASSERT_TRUE(f.table.map(0x7f0000000000, PhysAddr(0x200000), 2 * kMiB, user_rw).ok());
  EXPECT_GT(f.pool.in_use(), 4u);
  f.table.destroy();
  EXPECT_EQ(f.pool.in_use(), 0u);
  EXPECT_FALSE(f.table.initialised());
}

// Random non-overlapping mappings with random attributes, then random
// unmaps, cross-checked page by page against a model and against lookup().
TEST(PageTable, RandomMapUnmapCrossCheck) {
  for (Regime regime : {Regime::kEl2, Regime::kStage2, Regime::kEl1El0}) {
    SCOPED_TRACE(static_cast<int>(regime));
    Fixture f(regime, 4096);
    std::mt19937_64 rng(0xc0ffee + static_cast<int>(regime));
    struct Page {
      uint64_t out;
      Attributes attrs;
    };
    std::map<uint64_t, Page> model;  // input page -> expectation
    constexpr uint64_t kSpace = 16 * kGiB;
    auto random_attrs = [&] {
      Attributes a;
      const int kind = static_cast<int>(rng() % 4);
      a.writable = kind == 1;
      a.executable = kind == 2;
      a.device = kind == 3;
      a.writable |= a.device;
      a.user = regime == Regime::kEl1El0 && rng() % 2 == 0;
      return a;
    };
    auto random_region = [&](uint64_t* va, uint64_t* size) {
      const uint64_t granule = std::vector<uint64_t>{kPageSize, 2 * kMiB, kGiB}[rng() % 3];
      *va = (rng() % (kSpace / granule)) * granule + (rng() % 4 == 0 ? (rng() % 512) * kPageSize : 0);
      *size = (1 + rng() % 3) * granule + (rng() % 2 == 0 ? (rng() % 512) * kPageSize : 0);
      if (*va >= kSpace) *va = kSpace - kPageSize;
      if (*size > kSpace - *va) *size = kSpace - *va;
    };
    auto check_page = [&](uint64_t va) {
      const std::optional<Walk> w = f.at(va);
      const auto it = model.find(va);
      if (it == model.end()) {
        ASSERT_FALSE(w.has_value()) << std::hex << va;
        return;
      }
      ASSERT_TRUE(w.has_value()) << std::hex << va;
      ASSERT_EQ(w->out, it->second.out) << std::hex << va;
      const Perms p = perms(regime, *w);
      const Attributes& a = it->second.attrs;
      ASSERT_EQ(p.device, a.device);
      ASSERT_EQ(p.el1_write || p.el0_write, a.writable);
      ASSERT_EQ(regime == Regime::kEl1El0 && a.user ? p.el0_exec : p.el1_exec, a.executable);
      if (regime == Regime::kEl1El0) {
        ASSERT_EQ(p.el0_read, a.user);
      }
      Result<Translation> t = f.table.lookup(va + 0x123);
      ASSERT_TRUE(t.ok());
      ASSERT_EQ(t->output.value(), it->second.out + 0x123);
      ASSERT_EQ(t->attrs, a);
      ASSERT_EQ(t->level, w->level);
    };
    // Samples: region edges and random pages.
    std::set<uint64_t> probes;
    for (int i = 0; i < 60; ++i) {
      uint64_t va = 0, size = 0;
      random_region(&va, &size);
      const uint64_t pa = (rng() % 64) * kGiB + (rng() % 2 == 0 ? (va & (kGiB - 1)) : (rng() % 512) * kPageSize);
      const Attributes a = random_attrs();
      bool overlaps = false;
      for (auto it = model.lower_bound(va); it != model.end() && it->first < va + size; ++it) overlaps = true;
      const Status st = f.table.map(va, PhysAddr(pa), size, a);
      ASSERT_EQ(st.ok(), !overlaps) << std::hex << va << "+" << size;
      if (!overlaps) {
        for (uint64_t off = 0; off < size; off += kPageSize) model[va + off] = Page{pa + off, a};
      } else {
        ASSERT_EQ(st.error(), Errno::kExist);
      }
      for (uint64_t edge : {va, va + size - kPageSize, va + size}) probes.insert(edge & ~(kPageSize - 1));
      if (va >= kPageSize) probes.insert(va - kPageSize);
    }
    auto check_all = [&] {
      for (uint64_t va : probes) {
        if (va < kSpace) check_page(va);
      }
      for (int i = 0; i < 3000; ++i) check_page((rng() % (kSpace / kPageSize)) * kPageSize);
      // Every 509th mapped page of the model.
      size_t n = 0;
      for (const auto& [va, page] : model) {
        if (n++ % 509 == 0) check_page(va);
      }
    };
    check_all();
    for (int i = 0; i < 40; ++i) {
      uint64_t va = 0, size = 0;
      random_region(&va, &size);
      ASSERT_TRUE(f.table.unmap(va, size).ok());
      model.erase(model.lower_bound(va), model.lower_bound(va + size));
      for (uint64_t edge : {va, va + size - kPageSize, va + size}) probes.insert(edge & ~(kPageSize - 1));
      if (va >= kPageSize) probes.insert(va - kPageSize);
    }
    check_all();
    ASSERT_TRUE(f.table.unmap(0, kSpace).ok());
    EXPECT_EQ(f.pool.in_use(), 1u);
  }
}

}  // namespace
}  // namespace uk::mmu
