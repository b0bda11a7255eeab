#include "arch/aarch64/mmu/page_table.h"

namespace uk::mmu {
namespace {

constexpr uint64_t kIndexMask = kEntriesPerTable - 1;
constexpr uint64_t kPageMask = kPageSize - 1;

// Descriptor accesses are single-copy atomic 64-bit accesses so the hardware
// walker never sees a torn entry; release ordering on publication makes a new
// table's contents precede the descriptor that points at it (the arch code's
// DSB then makes both visible to the walker).
uint64_t load(const uint64_t* entry) { return __atomic_load_n(entry, __ATOMIC_RELAXED); }
void store(uint64_t* entry, uint64_t value) { __atomic_store_n(entry, value, __ATOMIC_RELEASE); }

bool is_valid(uint64_t desc) { return (desc & kDescValid) != 0; }
// At levels 0-2 the type bits tell tables from blocks; level 3 has only pages.
bool is_table(uint64_t desc, int level) { return level < kLastLevel && (desc & kDescTypeMask) == kDescTable; }
uint64_t entry_size(int level) { return uint64_t{1} << level_shift(level); }
size_t entry_index(uint64_t va, int level) { return static_cast<size_t>((va >> level_shift(level)) & kIndexMask); }

// Bytes of [va, va + size) that fall into the level-`level` entry holding va.
uint64_t span_in_entry(uint64_t va, uint64_t size, int level) {
  const uint64_t room = align_down(va, entry_size(level)) + entry_size(level) - va;
  return size < room ? size : room;
}

bool range_ok(uint64_t addr, uint64_t size, uint64_t limit) {
  return size != 0 && (addr & kPageMask) == 0 && (size & kPageMask) == 0 && addr < limit && size <= limit - addr;
}

uint64_t mair_index_bits(bool device) {
  return (device ? kMairDeviceIndex : kMairNormalIndex) << kAttrIndxShift;
}

}  // namespace

Result<uint64_t> leaf_attribute_bits(Regime regime, Attributes a) {
  if (a.writable && a.executable) return Errno::kInval;  // W^X
  if (a.device && a.executable) return Errno::kInval;
  if (a.user && regime != Regime::kEl1El0) return Errno::kInval;
  // Normal memory is inner shareable (all CPUs coherent); for Device memory
  // SH is ignored by the architecture, so leave it 0.
  uint64_t bits = kAccessFlag | (a.device ? 0 : kShInner);
  switch (regime) {
    case Regime::kEl2:
      if (!a.readable) return Errno::kInval;
      // One privilege level: AP[1] is SBO ("should be one", treated as 1)
      // and only AP[2] (read-only) matters; PXN is RES0, XN is bit 54.
      bits |= mair_index_bits(a.device) | kApEl0;
      if (!a.writable) bits |= kApReadOnly;
      if (!a.executable) bits |= kXn;
      return bits;
    case Regime::kEl1El0:
      if (!a.readable) return Errno::kInval;
      bits |= mair_index_bits(a.device);
      // EL0 mappings are per address space (nG, tagged by ASID); EL1-only
      // ones (the svc gateway) are identical in every domain, so global.
      if (a.user) bits |= kApEl0 | kNotGlobal;
      if (!a.writable) bits |= kApReadOnly;
      // User code is never executable at EL1 (and the CPU forces PXN on
      // EL0-writable pages anyway); kernel-side code never at EL0.
      if (!(a.executable && !a.user)) bits |= kPxn;
      if (!(a.executable && a.user)) bits |= kUxn;
      return bits;
    case Regime::kStage2:
      if (!a.readable && !a.writable && !a.executable) return Errno::kInval;
      bits |= a.device ? kS2MemAttrDeviceNgnre : kS2MemAttrNormalWb;
      if (a.readable) bits |= kS2apRead;
      if (a.writable) bits |= kS2apWrite;
      // XN[1:0] = 0b10: execute-never at EL1 and EL0 (with or without FEAT_XNX).
      if (!a.executable) bits |= kXn;
      return bits;
  }
  return Errno::kInval;
}

uint64_t* PageTable::table(PhysAddr phys) const {
  return reinterpret_cast<uint64_t*>(static_cast<uintptr_t>(phys.value() + ops_.phys_to_virt_offset));
}

Result<PhysAddr> PageTable::new_table() {
  Result<PhysAddr> page = ops_.alloc_page(ops_.ctx);
  if (!page.ok()) return Errno::kNoMem;
  // A descriptor can only point at a 4 KiB-aligned page below 2^48.
  if (!page->is_aligned(kTableBytes) || page->value() >= kOutputLimit) {
    if (ops_.free_page != nullptr) ops_.free_page(ops_.ctx, *page);
    return Errno::kInval;
  }
  ++table_pages_;
  return page;
}

void PageTable::release_table(PhysAddr phys) {
  if (ops_.free_page == nullptr) return;
  --table_pages_;
  ops_.free_page(ops_.ctx, phys);
}

void PageTable::invalidate(uint64_t input_addr, uint64_t size) {
  if (ops_.invalidate != nullptr) ops_.invalidate(ops_.ctx, regime_, input_addr, size);
}

Status PageTable::init(Regime regime, const TableOps& ops) {
  if (initialised_ || ops.alloc_page == nullptr) return Errno::kInval;
  ops_ = ops;
  regime_ = regime;
  table_pages_ = 0;
  Result<PhysAddr> root = new_table();
  if (!root.ok()) return root.error();
  root_ = *root;
  initialised_ = true;
  return kOkStatus;
}

bool PageTable::any_mapped(PhysAddr tbl, int level, uint64_t va, uint64_t size) const {
  const uint64_t* t = table(tbl);
  while (size > 0) {
    const uint64_t n = span_in_entry(va, size, level);
    const uint64_t e = load(&t[entry_index(va, level)]);
    if (is_valid(e)) {
      if (!is_table(e, level)) return true;
      if (any_mapped(PhysAddr(e & kDescAddrMask), level + 1, va, n)) return true;
    }
    va += n;
    size -= n;
  }
  return false;
}

Status PageTable::map_range(PhysAddr tbl, int level, uint64_t va, uint64_t pa, uint64_t size, uint64_t bits) {
  uint64_t* t = table(tbl);
  const uint64_t esize = entry_size(level);
  while (size > 0) {
    const uint64_t n = span_in_entry(va, size, level);
    uint64_t* entry = &t[entry_index(va, level)];
    const uint64_t e = load(entry);
    if (level == kLastLevel) {
      if (is_valid(e)) return Errno::kExist;
      store(entry, pa | bits | kDescPage);
    } else if (level >= kFirstBlockLevel && n == esize && (pa & (esize - 1)) == 0 && !is_valid(e)) {
      // n == esize implies va is aligned too: a whole block fits.
      store(entry, pa | bits | kDescBlock);
    } else {
      PhysAddr next;
      if (!is_valid(e)) {
        Result<PhysAddr> fresh = new_table();
        if (!fresh.ok()) return fresh.error();
        next = *fresh;
        store(entry, next.value() | kDescTable);
      } else if (!is_table(e, level)) {
        return Errno::kExist;
      } else {
        next = PhysAddr(e & kDescAddrMask);
      }
      Status st = map_range(next, level + 1, va, pa, n, bits);
      if (!st.ok()) return st;
    }
    va += n;
    pa += n;
    size -= n;
  }
  return kOkStatus;
}

// Makes `va` a boundary of the mapping structure: every block that contains
// va strictly inside is replaced by a table of next-level blocks/pages with
// the same output and attributes (break-before-make).
Status PageTable::split_at(uint64_t va) {
  PhysAddr tbl = root_;
  for (int level = 0; level < kLastLevel; ++level) {
    uint64_t* entry = &table(tbl)[entry_index(va, level)];
    const uint64_t e = load(entry);
    if (!is_valid(e)) return kOkStatus;
    if (is_table(e, level)) {
      tbl = PhysAddr(e & kDescAddrMask);
      continue;
    }
    const uint64_t esize = entry_size(level);
    if ((va & (esize - 1)) == 0) return kOkStatus;  // already on the block's edge
    Result<PhysAddr> fresh = new_table();
    if (!fresh.ok()) return fresh.error();
    const uint64_t child_size = entry_size(level + 1);
    const uint64_t child_type = level + 1 == kLastLevel ? kDescPage : kDescBlock;
    const uint64_t attrs = e & ~(kDescAddrMask | kDescTypeMask);
    const uint64_t base = e & kDescAddrMask;
    uint64_t* child = table(*fresh);
    for (uint64_t i = 0; i < kEntriesPerTable; ++i) store(&child[i], (base + i * child_size) | attrs | child_type);
    store(entry, 0);
    invalidate(align_down(va, esize), esize);
    store(entry, fresh->value() | kDescTable);
    tbl = *fresh;
  }
  return kOkStatus;
}

// Clears every leaf inside [va, va + size) (edges already split) and unhooks
// tables left empty, threading them onto *freelist through their entry 0: a
// page-aligned address reads as an invalid descriptor to a walker that still
// caches the table until the caller's invalidate.
void PageTable::clear_range(PhysAddr tbl, int level, uint64_t va, uint64_t size) {
  uint64_t* t = table(tbl);
  while (size > 0) {
    const uint64_t n = span_in_entry(va, size, level);
    uint64_t* entry = &t[entry_index(va, level)];
    const uint64_t e = load(entry);
    if (is_valid(e)) {
      if (!is_table(e, level)) {
        // After split_at a leaf here is wholly inside the range.
        if (n == entry_size(level)) store(entry, 0);
      } else {
        const PhysAddr child(e & kDescAddrMask);
        clear_range(child, level + 1, va, n);
        if (ops_.free_page != nullptr) {
          const uint64_t* c = table(child);
          bool empty = true;
          for (uint64_t i = 0; i < kEntriesPerTable && empty; ++i) empty = !is_valid(load(&c[i]));
          if (empty) {
            store(entry, 0);
            store(&table(child)[0], freelist_.value());
            freelist_ = child;
          }
        }
      }
    }
    va += n;
    size -= n;
  }
}

void PageTable::drain_freelist() {
  while (freelist_.value() != 0) {
    const PhysAddr page = freelist_;
    uint64_t* t = table(page);
    freelist_ = PhysAddr(load(&t[0]));
    store(&t[0], 0);  // hand the page back as zeroed as it came
    release_table(page);
  }
}

Status PageTable::map(uint64_t input_addr, PhysAddr out, uint64_t size, Attributes attrs) {
  if (!initialised_) return Errno::kInval;
  if (!range_ok(input_addr, size, kInputLimit) || !range_ok(out.value(), size, kOutputLimit)) return Errno::kInval;
  Result<uint64_t> bits = leaf_attribute_bits(regime_, attrs);
  if (!bits.ok()) return bits.error();
  if (any_mapped(root_, 0, input_addr, size)) return Errno::kExist;
  Status st = map_range(root_, 0, input_addr, out.value(), size, *bits);
  if (!st.ok()) {
    // Everything valid in the range is ours (any_mapped said it was empty),
    // and wholly inside it, so this needs no split and cannot fail.
    clear_range(root_, 0, input_addr, size);
    invalidate(input_addr, size);
    drain_freelist();
  }
  return st;
}

Status PageTable::unmap(uint64_t input_addr, uint64_t size) {
  if (!initialised_) return Errno::kInval;
  if (!range_ok(input_addr, size, kInputLimit)) return Errno::kInval;
  // Splits first: they only refine the structure, so failing here leaves
  // every translation as it was.
  Status st = split_at(input_addr);
  if (st.ok() && input_addr + size < kInputLimit) st = split_at(input_addr + size);
  if (!st.ok()) return st;
  clear_range(root_, 0, input_addr, size);
  invalidate(input_addr, size);
  drain_freelist();
  return kOkStatus;
}

Attributes PageTable::decode(uint64_t d) const {
  Attributes a;
  switch (regime_) {
    case Regime::kEl2:
      a.writable = (d & kApReadOnly) == 0;
      a.executable = (d & kXn) == 0;
      a.device = (d & kAttrIndxMask) == mair_index_bits(true);
      break;
    case Regime::kEl1El0:
      a.user = (d & kApEl0) != 0;
      a.writable = (d & kApReadOnly) == 0;
      a.executable = a.user ? (d & kUxn) == 0 : (d & kPxn) == 0;
      a.device = (d & kAttrIndxMask) == mair_index_bits(true);
      break;
    case Regime::kStage2:
      a.readable = (d & kS2apRead) != 0;
      a.writable = (d & kS2apWrite) != 0;
      a.executable = (d & kXn) == 0;
      a.device = (d & kS2MemAttrMask) == kS2MemAttrDeviceNgnre;
      break;
  }
  return a;
}

Result<Translation> PageTable::lookup(uint64_t input_addr) const {
  if (!initialised_ || input_addr >= kInputLimit) return Errno::kInval;
  PhysAddr tbl = root_;
  for (int level = 0; level <= kLastLevel; ++level) {
    const uint64_t e = load(&table(tbl)[entry_index(input_addr, level)]);
    if (!is_valid(e)) return Errno::kNoEnt;
    if (is_table(e, level)) {
      tbl = PhysAddr(e & kDescAddrMask);
      continue;
    }
    Translation t;
    t.level = level;
    t.leaf_size = entry_size(level);
    t.output = PhysAddr((e & kDescAddrMask) + (input_addr & (t.leaf_size - 1)));
    t.attrs = decode(e);
    return t;
  }
  return Errno::kNoEnt;
}

void PageTable::destroy_table(PhysAddr tbl, int level) {
  if (level < kLastLevel) {
    const uint64_t* t = table(tbl);
    for (uint64_t i = 0; i < kEntriesPerTable; ++i) {
      const uint64_t e = load(&t[i]);
      if (is_valid(e) && is_table(e, level)) destroy_table(PhysAddr(e & kDescAddrMask), level + 1);
    }
  }
  release_table(tbl);
}

void PageTable::destroy() {
  if (!initialised_) return;
  destroy_table(root_, 0);
  root_ = PhysAddr();
  table_pages_ = 0;
  initialised_ = false;
}

}  // namespace uk::mmu
