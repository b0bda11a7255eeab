// VMSAv8-64 translation-table builder: 4 KiB granule, 48-bit input addresses,
// four levels of lookup starting at level 0 (TCR_EL2.T0SZ / VTCR_EL2.T0SZ =
// 16, VTCR_EL2.SL0 = 2, TCR_EL1.T0SZ = 16), 48-bit output addresses.
//
// One builder serves three translation regimes:
//   kEl2     the kernel's own stage 1 (TTBR0_EL2, HCR_EL2.E2H = 0)
//   kStage2  a domain's stage 2 (VTTBR_EL2): IPA -> PA
//   kEl1El0  a domain's stage 1 (TTBR0_EL1): VA -> IPA, EL0 and EL1 permissions
//
// Portable: no system registers, no barriers, no TLB maintenance here. Table
// pages come from a caller-supplied allocator (the page allocator in the
// kernel, a fake in host tests) and are reached through a phys-to-virt offset.
//
// Live tables: map() only fills invalid entries, which needs no
// break-before-make; the caller issues DSB ISHST + ISB before relying on a new
// mapping. unmap() and block splitting replace valid entries: the builder
// writes the invalid entry, calls TableOps::invalidate (arch code: DSB ISHST;
// TLBI; DSB ISH; ISB) and only then writes the replacement or frees a table
// page. Splitting a block the CPU is currently executing from is the caller's
// problem (it would fault during the break).
//
// Not thread-safe: one writer per table at a time.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "kernel/lib/result.h"
#include "kernel/lib/types.h"

namespace uk::mmu {

enum class Regime : uint8_t { kEl2, kStage2, kEl1El0 };

// --- Geometry ------------------------------------------------------------
inline constexpr int kLevels = 4;          // levels 0..3
inline constexpr int kFirstBlockLevel = 1;  // 4 KiB granule: no level-0 blocks
inline constexpr int kLastLevel = 3;
inline constexpr uint64_t kEntriesPerTable = 512;
inline constexpr uint64_t kTableBytes = kEntriesPerTable * sizeof(uint64_t);  // one 4 KiB page
inline constexpr int kInputBits = 48;
inline constexpr int kOutputBits = 48;
inline constexpr uint64_t kInputLimit = uint64_t{1} << kInputBits;
inline constexpr uint64_t kOutputLimit = uint64_t{1} << kOutputBits;
inline constexpr uint64_t kLevel1BlockSize = uint64_t{1} << 30;  // 1 GiB
inline constexpr uint64_t kLevel2BlockSize = uint64_t{1} << 21;  // 2 MiB
// Input-address bits consumed below each level: entry size = 1 << shift.
[[nodiscard]] constexpr int level_shift(int level) { return 12 + 9 * (kLastLevel - level); }

// --- Descriptor fields (Arm ARM D8.3, VMSAv8-64 descriptor formats) ---------
inline constexpr uint64_t kDescValid = uint64_t{1} << 0;
inline constexpr uint64_t kDescTypeMask = 0b11;
inline constexpr uint64_t kDescBlock = 0b01;  // levels 1-2
inline constexpr uint64_t kDescTable = 0b11;  // levels 0-2
inline constexpr uint64_t kDescPage = 0b11;   // level 3
// Output / next-table address, bits [47:12].
inline constexpr uint64_t kDescAddrMask = (kOutputLimit - 1) & ~uint64_t{0xfff};

// Stage 1 lower attributes.
inline constexpr int kAttrIndxShift = 2;  // AttrIndx[2:0] at [4:2]: MAIR slot
inline constexpr uint64_t kAttrIndxMask = uint64_t{0b111} << kAttrIndxShift;
inline constexpr uint64_t kApEl0 = uint64_t{1} << 6;       // AP[1]: EL0 access (EL1&0); RES1 at EL2
inline constexpr uint64_t kApReadOnly = uint64_t{1} << 7;  // AP[2]: read-only
inline constexpr uint64_t kNotGlobal = uint64_t{1} << 11;  // nG: ASID-tagged (EL1&0)
// Both stages.
inline constexpr int kShShift = 8;  // SH[1:0] at [9:8]
inline constexpr uint64_t kShMask = uint64_t{0b11} << kShShift;
inline constexpr uint64_t kShInner = uint64_t{0b11} << kShShift;
inline constexpr uint64_t kAccessFlag = uint64_t{1} << 10;  // AF: no access-flag faults
// Upper attributes.
inline constexpr uint64_t kPxn = uint64_t{1} << 53;  // EL1&0 stage 1: privileged execute-never
inline constexpr uint64_t kUxn = uint64_t{1} << 54;  // EL1&0: UXN; EL2 stage 1: XN; stage 2: XN[1]
inline constexpr uint64_t kXn = kUxn;
// Stage 2 lower attributes (FEAT_S2FWB off).
inline constexpr int kS2MemAttrShift = 2;  // MemAttr[3:0] at [5:2]
inline constexpr uint64_t kS2MemAttrMask = uint64_t{0b1111} << kS2MemAttrShift;
inline constexpr uint64_t kS2MemAttrNormalWb = uint64_t{0b1111} << kS2MemAttrShift;  // outer+inner WB
inline constexpr uint64_t kS2MemAttrDeviceNgnre = uint64_t{0b0001} << kS2MemAttrShift;
inline constexpr uint64_t kS2apRead = uint64_t{1} << 6;   // S2AP[0]
inline constexpr uint64_t kS2apWrite = uint64_t{1} << 7;  // S2AP[1]

// --- MAIR layout both stage-1 regimes rely on (MAIR_EL2 and MAIR_EL1) ------
inline constexpr uint64_t kMairNormalIndex = 0;
inline constexpr uint64_t kMairDeviceIndex = 1;
inline constexpr uint64_t kMairNormalWbRaWa = 0xff;  // Normal, inner/outer WB non-transient, RA, WA
inline constexpr uint64_t kMairDeviceNgnre = 0x04;   // Device-nGnRE
inline constexpr int kMairSlotBits = 8;
inline constexpr uint64_t kMairValue =
    (kMairNormalWbRaWa << (kMairSlotBits * kMairNormalIndex)) | (kMairDeviceNgnre << (kMairSlotBits * kMairDeviceIndex));

// What a mapping allows. Rules (violations are kInval):
//   - writable && executable is refused everywhere (W^X);
//   - device memory is never executable (speculative fetches would read it);
//   - user (EL0 access) exists only in kEl1El0;
//   - stage 1 cannot express an unreadable mapping: readable must be set
//     (stage 2 can: S2AP write-only or execute-only);
//   - a stage-2 mapping must allow at least one kind of access.
struct Attributes {
  bool readable = true;
  bool writable = false;
  bool executable = false;
  bool user = false;    // EL0 may access (and, if executable, execute; EL1 then may not)
  bool device = false;  // Device-nGnRE instead of Normal write-back cacheable
  constexpr bool operator==(const Attributes&) const = default;
};

// Encodes the leaf-descriptor attribute bits (no address, no type bits) or
// kInval if the combination breaks a rule above. Exposed for tests and for
// code that builds descriptors by other means.
[[nodiscard]] Result<uint64_t> leaf_attribute_bits(Regime regime, Attributes attrs);

// Services the builder needs from its environment.
struct TableOps {
  // A zeroed, 4 KiB-aligned page for a translation table.
  Result<PhysAddr> (*alloc_page)(void* ctx) = nullptr;
  // Takes back a table page that no longer maps anything (contents
  // unspecified); nullptr: emptied tables are kept (and reused by later maps).
  void (*free_page)(void* ctx, PhysAddr page) = nullptr;
  // Called after valid entries covering [input_addr, input_addr + size) were
  // made invalid and before that space is reused or a table page is freed;
  // nullptr when the tables are not live.
  void (*invalidate)(void* ctx, Regime regime, uint64_t input_addr, uint64_t size) = nullptr;
  void* ctx = nullptr;
  // A table page at physical p is accessed at virtual p + phys_to_virt_offset.
  uint64_t phys_to_virt_offset = 0;
};

// Result of lookup(): where an input address goes and with what rights.
struct Translation {
  PhysAddr output;          // output address for the looked-up input address
  int level = 0;            // level of the leaf descriptor (1, 2 or 3)
  uint64_t leaf_size = 0;   // 1 GiB, 2 MiB or 4 KiB
  Attributes attrs;
};

class PageTable {
 public:
  PageTable() = default;
  PageTable(const PageTable&) = delete;
  PageTable& operator=(const PageTable&) = delete;

  // Allocates the (empty) level-0 table. kInval if already initialised or
  // ops.alloc_page is null; kNoMem if the allocator fails.
  [[nodiscard]] Status init(Regime regime, const TableOps& ops);

  // Maps [input_addr, input_addr + size) to [out, out + size) using 1 GiB and
  // 2 MiB blocks where input, output and remaining size allow, else 4 KiB
  // pages. All-or-nothing. Errors: kInval (not initialised, size 0, anything
  // not 4 KiB-aligned, range beyond 48 bits, attribute rule broken), kExist
  // (some page of the range is already mapped), kNoMem (table allocation
  // failed; nothing stays mapped).
  [[nodiscard]] Status map(uint64_t input_addr, PhysAddr out, uint64_t size, Attributes attrs);

  // Removes every mapping inside [input_addr, input_addr + size); holes are
  // fine. Blocks straddling either end are first split (break-before-make)
  // so the rest of them stays mapped; tables left empty are freed when
  // TableOps::free_page is set. Errors: kInval (not initialised, size 0,
  // unaligned, beyond 48 bits), kNoMem (a split needed a table page and none
  // was available; then nothing was unmapped).
  [[nodiscard]] Status unmap(uint64_t input_addr, uint64_t size);

  // Software walk of one input address; kNoEnt if it is not mapped.
  [[nodiscard]] Result<Translation> lookup(uint64_t input_addr) const;

  // Frees every table page (root included) through TableOps::free_page and
  // returns to the uninitialised state. The caller must have stopped using
  // the tables (and invalidated the TLB for them).
  void destroy();

  // Physical address of the level-0 table: TTBR0_EL2 / VTTBR_EL2.BADDR / TTBR0_EL1.
  [[nodiscard]] PhysAddr root() const { return root_; }
  [[nodiscard]] Regime regime() const { return regime_; }
  [[nodiscard]] bool initialised() const { return initialised_; }
  // Table pages currently held (root included).
  [[nodiscard]] size_t table_pages() const { return table_pages_; }

 private:
  [[nodiscard]] uint64_t* table(PhysAddr phys) const;
  [[nodiscard]] Result<PhysAddr> new_table();
  void release_table(PhysAddr phys);
  void invalidate(uint64_t input_addr, uint64_t size);
  [[nodiscard]] bool any_mapped(PhysAddr tbl, int level, uint64_t va, uint64_t size) const;
  [[nodiscard]] Status map_range(PhysAddr tbl, int level, uint64_t va, uint64_t pa, uint64_t size, uint64_t bits);
  [[nodiscard]] Status split_at(uint64_t va);
  void clear_range(PhysAddr tbl, int level, uint64_t va, uint64_t size);
  void drain_freelist();
  void destroy_table(PhysAddr tbl, int level);
  [[nodiscard]] Attributes decode(uint64_t desc) const;

  TableOps ops_;
  PhysAddr root_;
  PhysAddr freelist_;  // emptied tables awaiting invalidate, linked via entry 0
  Regime regime_ = Regime::kEl2;
  size_t table_pages_ = 0;
  bool initialised_ = false;
};

}  // namespace uk::mmu
