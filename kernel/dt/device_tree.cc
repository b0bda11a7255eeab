#include "kernel/dt/device_tree.h"

#include <libfdt.h>
#include <stdarg.h>
#include <string.h>

#include "kernel/console/format.h"

namespace uk {
namespace {

// ---------------------------------------------------------------------------
// FDT format constants (devicetree specification, "Flattened devicetree
// format"). libfdt has most of them as macros; named here so the validation
// below reads like the spec.

constexpr uint32_t kFdtMagic = 0xd00dfeed;
constexpr uint32_t kMinVersion = 17;       // v17 headers carry size_dt_struct
constexpr size_t kHeaderBytes = 40;        // sizeof(struct fdt_header), v17
constexpr uint32_t kBlobAlignment = 8;     // the blob and its memreserve block
constexpr uint32_t kTokenAlignment = 4;    // structure-block tokens
constexpr size_t kMemRsvEntryBytes = 16;   // two big-endian u64s
constexpr uint32_t kTokenBeginNode = 0x1;
constexpr uint32_t kTokenEndNode = 0x2;
constexpr uint32_t kTokenProp = 0x3;
constexpr uint32_t kTokenNop = 0x4;
constexpr uint32_t kTokenEnd = 0x9;
constexpr size_t kPropHeaderBytes = 8;     // len + nameoff after the token

// Header field byte offsets.
constexpr size_t kHdrMagic = 0;
constexpr size_t kHdrTotalSize = 4;
constexpr size_t kHdrOffStruct = 8;
constexpr size_t kHdrOffStrings = 12;
constexpr size_t kHdrOffMemRsv = 16;
constexpr size_t kHdrVersion = 20;
constexpr size_t kHdrLastCompVersion = 24;
constexpr size_t kHdrSizeStrings = 32;
constexpr size_t kHdrSizeStruct = 36;

constexpr size_t kCellBytes = 4;
constexpr uint32_t kMaxCells = 4;          // largest legal #address-cells / #size-cells
constexpr uint32_t kMaxValueCells = 2;     // we compute in 64 bits
constexpr uint32_t kDefaultAddressCells = 2;  // devicetree spec defaults
constexpr uint32_t kDefaultSizeCells = 1;

// GIC interrupt specifier (arm,gic binding): <type number flags>.
constexpr uint32_t kGicSpecType = 0;
constexpr uint32_t kGicSpecNumber = 1;
constexpr uint32_t kGicMinInterruptCells = 3;
constexpr uint32_t kGicSpiType = 0;
constexpr uint32_t kGicPpiType = 1;
constexpr uint32_t kPpiBase = 16;         // INTID of PPI 0
constexpr uint32_t kPpiCount = 16;
constexpr uint32_t kSpiBase = 32;         // INTID of SPI 0
constexpr uint32_t kSpiCount = 988;       // INTIDs 32..1019
constexpr size_t kTimerInterrupts = 4;    // secure phys, non-secure phys, virt, hyp phys

constexpr size_t kPathBytes = 96;

// Devices located by "compatible": one pass over the tree records, per slot,
// the first enabled node (in tree order) claiming any of the slot's strings.
enum Slot : uint8_t {
  kSlotUart,
  kSlotGicV2,
  kSlotGicV3,
  kSlotTimer,
  kSlotPsci10,
  kSlotPsci02,
  kSlotPsci01,
  kSlotMailbox,
  kSlotWatchdog,
  kSlotGpio,
  kSlotRng,
  kSlotCount,
};

struct Wanted {
  const char* compatible;
  Slot slot;
};

constexpr Wanted kWanted[] = {
    {"arm,pl011", kSlotUart},
    {"arm,cortex-a15-gic", kSlotGicV2},
    {"arm,gic-400", kSlotGicV2},
    {"arm,cortex-a7-gic", kSlotGicV2},
    {"arm,gic-v3", kSlotGicV3},
    {"arm,armv8-timer", kSlotTimer},
    {"arm,psci-1.0", kSlotPsci10},
    {"arm,psci-0.2", kSlotPsci02},
    {"arm,psci", kSlotPsci01},
    {"brcm,bcm2835-mbox", kSlotMailbox},
    {"brcm,bcm2711-pm", kSlotWatchdog},
    {"brcm,bcm2835-pm", kSlotWatchdog},
    {"brcm,bcm2835-pm-wdt", kSlotWatchdog},
    {"brcm,bcm2711-gpio", kSlotGpio},
    {"brcm,bcm2711-rng200", kSlotRng},
};

// Reads a big-endian u32 byte by byte: property values need not be aligned.
uint32_t be32(const uint8_t* p) {
  return (static_cast<uint32_t>(p[0]) << 24) | (static_cast<uint32_t>(p[1]) << 16) |
         (static_cast<uint32_t>(p[2]) << 8) | static_cast<uint32_t>(p[3]);
}

uint64_t be64(const uint8_t* p) { return (static_cast<uint64_t>(be32(p)) << 32) | be32(p + 4); }

constexpr size_t align_up_size(size_t v, size_t a) { return (v + a - 1) & ~(a - 1); }

// One parse: validation first, then extraction into *out_. Every failure
// goes through fail(), which formats the reason into out_->reason.
class Parser {
 public:
  Parser(const uint8_t* blob, size_t available, BootInfo* out) : fdt_(blob), available_(available), out_(out) {}

  Status run(PhysAddr blob_phys);

 private:
  Status fail(Errno e, const char* fmt, ...) __attribute__((format(printf, 3, 4)));
  const char* path(int node);

  Status validate_header();
  Status validate_memreserve();
  Status validate_structure();

  Status read_cells(int node, const char* name, uint32_t dflt, uint32_t* cells);
  Status bus_cells(int bus, uint32_t* address_cells, uint32_t* size_cells);
  Status read_number(const uint8_t* p, uint32_t cells, int node, const char* what, uint64_t* value);
  Status get_string(int node, const char* name, const char** value);
  bool is_enabled(int node);
  int parent_of(int node, const char* why, Status* st);
  int node_by_phandle(uint32_t phandle);
  void remember_parent(int node, int parent);
  Status translate(int bus, uint64_t* addr, uint64_t size, int device);
  Status reg_count(int node, size_t* count);
  Status read_reg(int node, size_t index, PhysRange* range);
  Status scan_devices();
  Status interrupt_intids(int node, uint32_t* intids, size_t want, size_t* got);

  Status parse_memory();
  Status parse_reserved();
  Status add_reserved(uint64_t base, uint64_t size, const char* origin);
  Status parse_root_and_chosen();
  Status parse_uart();
  Status parse_gic();
  Status parse_timer();
  Status parse_psci();
  Status parse_rpi();

  const uint8_t* fdt_;
  size_t available_;
  BootInfo* out_;
  uint32_t totalsize_ = 0;
  // Two buffers so one message can name two nodes.
  int found_[kSlotCount] = {};  // node offset per slot, < 0: none
  // libfdt finds a parent or a phandle by walking the tree from the root;
  // the same few (the GIC's bus, the root's interrupt parent) are asked for
  // again and again, so remember the last answers.
  struct CacheEntry {
    int key = -1;
    int value = -1;
  };
  static constexpr size_t kCacheEntries = 32;
  CacheEntry parents_[kCacheEntries];
  CacheEntry phandles_[kCacheEntries];
  unsigned next_parent_ = 0;
  unsigned next_phandle_ = 0;
  char paths_[2][kPathBytes] = {};
  unsigned next_path_ = 0;
};

Status Parser::fail(Errno e, const char* fmt, ...) {
  va_list args;
  va_start(args, fmt);
  vformat(out_->reason, sizeof(out_->reason), fmt, args);
  va_end(args);
  return e;
}

// Path of a node for messages (only computed on the error path).
const char* Parser::path(int node) {
  char* buf = paths_[next_path_];
  next_path_ = (next_path_ + 1) % 2;
  if (fdt_get_path(fdt_, node, buf, kPathBytes) == 0) return buf;
  int len = 0;
  const char* name = fdt_get_name(fdt_, node, &len);
  return name != nullptr ? name : "(unknown node)";
}

// --- validation ------------------------------------------------------------

Status Parser::validate_header() {
  if ((reinterpret_cast<uintptr_t>(fdt_) & (kBlobAlignment - 1)) != 0) {
    return fail(Errno::kFault, "blob at %p is not %u-byte aligned", static_cast<const void*>(fdt_),
                kBlobAlignment);
  }
  if (available_ >= sizeof(uint32_t) && be32(fdt_ + kHdrMagic) != kFdtMagic) {
    return fail(Errno::kInval, "bad magic 0x%08x (expected 0x%08x)", be32(fdt_ + kHdrMagic), kFdtMagic);
  }
  if (available_ < kHeaderBytes) {
    return fail(Errno::kInval, "truncated: only %zu bytes available, the header alone needs %zu", available_,
                kHeaderBytes);
  }
  const uint32_t version = be32(fdt_ + kHdrVersion);
  const uint32_t last_comp = be32(fdt_ + kHdrLastCompVersion);
  if (version < kMinVersion) return fail(Errno::kInval, "unsupported version %u (need >= %u)", version, kMinVersion);
  if (last_comp > kMinVersion) {
    return fail(Errno::kInval, "incompatible: last_comp_version %u > %u", last_comp, kMinVersion);
  }
  totalsize_ = be32(fdt_ + kHdrTotalSize);
  if (totalsize_ > available_) {
    return fail(Errno::kInval, "truncated: header says %u bytes, only %zu available", totalsize_, available_);
  }
  if (totalsize_ < kHeaderBytes) return fail(Errno::kInval, "totalsize %u smaller than the header", totalsize_);
  // libfdt (int offsets) cannot address more than INT_MAX bytes.
  if (totalsize_ > static_cast<uint32_t>(INT32_MAX)) return fail(Errno::kInval, "totalsize %u too large", totalsize_);

  const uint32_t off_struct = be32(fdt_ + kHdrOffStruct);
  const uint32_t size_struct = be32(fdt_ + kHdrSizeStruct);
  const uint32_t off_strings = be32(fdt_ + kHdrOffStrings);
  const uint32_t size_strings = be32(fdt_ + kHdrSizeStrings);
  const uint32_t off_rsv = be32(fdt_ + kHdrOffMemRsv);
  // 64-bit sums: no wrap-around.
  if (off_struct < kHeaderBytes || uint64_t{off_struct} + size_struct > totalsize_) {
    return fail(Errno::kInval, "structure block [%u, +%u) outside the blob (totalsize %u)", off_struct, size_struct,
                totalsize_);
  }
  if (off_strings < kHeaderBytes || uint64_t{off_strings} + size_strings > totalsize_) {
    return fail(Errno::kInval, "strings block [%u, +%u) outside the blob (totalsize %u)", off_strings, size_strings,
                totalsize_);
  }
  if (off_rsv < kHeaderBytes || off_rsv >= totalsize_) {
    return fail(Errno::kInval, "memory reservation block offset %u outside the blob (totalsize %u)", off_rsv,
                totalsize_);
  }
  // libfdt loads reservation entries and tokens as whole words.
  if ((off_rsv & (kBlobAlignment - 1)) != 0) {
    return fail(Errno::kInval, "memory reservation block offset %u not %u-byte aligned", off_rsv, kBlobAlignment);
  }
  if ((off_struct & (kTokenAlignment - 1)) != 0) {
    return fail(Errno::kInval, "structure block offset %u not %u-byte aligned", off_struct, kTokenAlignment);
  }
  // Belt and braces: libfdt's own header check must agree with ours.
  const int err = fdt_check_header(fdt_);
  if (err != 0) return fail(Errno::kInval, "libfdt rejects the header: %s", fdt_strerror(err));
  return kOkStatus;
}

Status Parser::validate_memreserve() {
  const uint32_t off_rsv = be32(fdt_ + kHdrOffMemRsv);
  for (uint64_t pos = off_rsv;; pos += kMemRsvEntryBytes) {
    if (pos + kMemRsvEntryBytes > totalsize_) {
      return fail(Errno::kInval, "memory reservation block not terminated before the end of the blob");
    }
    const uint64_t base = be64(fdt_ + pos);
    const uint64_t size = be64(fdt_ + pos + sizeof(uint64_t));
    if (size == 0) return kOkStatus;  // the terminating entry
    Status st = add_reserved(base, size, "/memreserve/");
    if (!st.ok()) return st;
  }
}

// Walks every token of the structure block. Afterwards every node name and
// property name is NUL-terminated inside its block, every property value lies
// inside the structure block, nodes nest properly under one root, and the
// block ends with FDT_END: the preconditions for safe libfdt lookups.
Status Parser::validate_structure() {
  const uint32_t off_struct = be32(fdt_ + kHdrOffStruct);
  const size_t size = be32(fdt_ + kHdrSizeStruct);
  const uint32_t off_strings = be32(fdt_ + kHdrOffStrings);
  const uint32_t size_strings = be32(fdt_ + kHdrSizeStrings);
  const uint8_t* s = fdt_ + off_struct;
  const uint8_t* strings = fdt_ + off_strings;
  size_t pos = 0;
  int depth = 0;
  bool root_done = false;
  // Bit d-1 set: the node open at depth d already has a subnode.
  uint64_t has_subnode = 0;
  static_assert(kMaxDeviceTreeDepth <= 64, "has_subnode holds one bit per depth");
  for (;;) {
    if (pos + kCellBytes > size) {
      return fail(Errno::kInval, "structure block ends at offset %zu without FDT_END", pos);
    }
    const uint32_t token = be32(s + pos);
    const size_t at = pos;
    pos += kCellBytes;
    switch (token) {
      case kTokenBeginNode: {
        if (root_done) return fail(Errno::kInval, "second root node at structure offset %zu", at);
        const void* nul = memchr(s + pos, '\0', size - pos);
        if (nul == nullptr) return fail(Errno::kInval, "unterminated node name at structure offset %zu", at);
        const size_t name_len = static_cast<size_t>(static_cast<const uint8_t*>(nul) - (s + pos));
        if (depth == 0 && name_len != 0) return fail(Errno::kInval, "root node has a name");
        if (depth > 0) has_subnode |= uint64_t{1} << (depth - 1);
        if (++depth > kMaxDeviceTreeDepth) {
          return fail(Errno::kInval, "nodes nested deeper than %d", kMaxDeviceTreeDepth);
        }
        has_subnode &= ~(uint64_t{1} << (depth - 1));
        pos = align_up_size(pos + name_len + 1, kTokenAlignment);
        break;
      }
      case kTokenEndNode:
        if (depth == 0) return fail(Errno::kInval, "unbalanced FDT_END_NODE at structure offset %zu", at);
        if (--depth == 0) root_done = true;
        break;
      case kTokenProp: {
        if (depth == 0) return fail(Errno::kInval, "property outside any node at structure offset %zu", at);
        // libfdt stops looking for properties at the first subnode.
        if ((has_subnode >> (depth - 1)) & 1) {
          return fail(Errno::kInval, "property after a subnode at structure offset %zu", at);
        }
        if (pos + kPropHeaderBytes > size) {
          return fail(Errno::kInval, "truncated property header at structure offset %zu", at);
        }
        const uint32_t len = be32(s + pos);
        const uint32_t nameoff = be32(s + pos + kCellBytes);
        pos += kPropHeaderBytes;
        if (len > size - pos) {
          return fail(Errno::kInval, "property at structure offset %zu: length %u runs past the structure block", at,
                      len);
        }
        if (nameoff >= size_strings || memchr(strings + nameoff, '\0', size_strings - nameoff) == nullptr) {
          return fail(Errno::kInval, "property at structure offset %zu: bad name offset %u", at, nameoff);
        }
        pos = align_up_size(pos + len, kTokenAlignment);
        break;
      }
      case kTokenNop:
        break;
      case kTokenEnd:
        if (depth != 0) return fail(Errno::kInval, "FDT_END inside a node (depth %d)", depth);
        if (!root_done) return fail(Errno::kInval, "no root node");
        return kOkStatus;
      default:
        return fail(Errno::kInval, "bad structure token 0x%08x at structure offset %zu", token, at);
    }
  }
}

// --- property helpers --------------------------------------------------------

Status Parser::read_cells(int node, const char* name, uint32_t dflt, uint32_t* cells) {
  int len = 0;
  const auto* p = static_cast<const uint8_t*>(fdt_getprop(fdt_, node, name, &len));
  if (p == nullptr) {
    *cells = dflt;
    return kOkStatus;
  }
  if (len != static_cast<int>(kCellBytes)) return fail(Errno::kInval, "%s: %s has length %d, not 4", path(node), name, len);
  *cells = be32(p);
  if (*cells > kMaxCells) return fail(Errno::kInval, "%s: %s = %u is out of range", path(node), name, *cells);
  return kOkStatus;
}

Status Parser::bus_cells(int bus, uint32_t* address_cells, uint32_t* size_cells) {
  Status st = read_cells(bus, "#address-cells", kDefaultAddressCells, address_cells);
  if (!st.ok()) return st;
  return read_cells(bus, "#size-cells", kDefaultSizeCells, size_cells);
}

Status Parser::read_number(const uint8_t* p, uint32_t cells, int node, const char* what, uint64_t* value) {
  if (cells > kMaxValueCells) {
    return fail(Errno::kInval, "%s: %u-cell %s unsupported (max %u)", path(node), cells, what, kMaxValueCells);
  }
  uint64_t v = 0;
  for (uint32_t i = 0; i < cells; ++i) v = (v << 32) | be32(p + i * kCellBytes);
  *value = v;
  return kOkStatus;
}

Status Parser::get_string(int node, const char* name, const char** value) {
  int len = 0;
  const auto* p = static_cast<const char*>(fdt_getprop(fdt_, node, name, &len));
  *value = nullptr;
  if (p == nullptr) return kOkStatus;
  if (len <= 0 || p[len - 1] != '\0') {
    return fail(Errno::kInval, "%s: property %s is not a NUL-terminated string", path(node), name);
  }
  *value = p;
  return kOkStatus;
}

// "okay"/"ok" or no status at all means the device is there.
bool Parser::is_enabled(int node) {
  int len = 0;
  const auto* p = static_cast<const char*>(fdt_getprop(fdt_, node, "status", &len));
  if (p == nullptr) return true;
  if (len <= 0 || p[len - 1] != '\0') return false;
  return strcmp(p, "okay") == 0 || strcmp(p, "ok") == 0;
}

int Parser::parent_of(int node, const char* why, Status* st) {
  for (const CacheEntry& e : parents_) {
    if (e.key == node) return e.value;
  }
  const int parent = fdt_parent_offset(fdt_, node);
  if (parent < 0) {
    *st = fail(Errno::kInval, "%s: cannot find parent for %s: %s", path(node), why, fdt_strerror(parent));
    return parent;
  }
  remember_parent(node, parent);
  return parent;
}

void Parser::remember_parent(int node, int parent) {
  for (const CacheEntry& e : parents_) {
    if (e.key == node) return;
  }
  parents_[next_parent_] = CacheEntry{node, parent};
  next_parent_ = (next_parent_ + 1) % kCacheEntries;
}

int Parser::node_by_phandle(uint32_t phandle) {
  // Keys are stored as int; phandles 0 and ~0 are invalid anyway.
  const int key = static_cast<int>(phandle);
  for (const CacheEntry& e : phandles_) {
    if (e.key == key && key != -1) return e.value;
  }
  const int node = fdt_node_offset_by_phandle(fdt_, phandle);
  if (node >= 0) {
    phandles_[next_phandle_] = CacheEntry{key, node};
    next_phandle_ = (next_phandle_ + 1) % kCacheEntries;
  }
  return node;
}

// Translates [*addr, *addr + size), expressed in the address space of `bus`'s
// children, to a CPU physical address by applying every ancestor's "ranges".
// `device` only names the node in messages.
Status Parser::translate(int bus, uint64_t* addr, uint64_t size, int device) {
  int guard = 0;
  while (bus != 0) {
    if (++guard > kMaxDeviceTreeDepth) return fail(Errno::kInval, "%s: bus chain too deep", path(device));
    int len = 0;
    const auto* ranges = static_cast<const uint8_t*>(fdt_getprop(fdt_, bus, "ranges", &len));
    Status st;
    const int parent = parent_of(bus, "address translation", &st);
    if (parent < 0) return st;
    if (ranges == nullptr) {
      return fail(Errno::kInval, "%s: untranslatable address 0x%llx: %s has no ranges", path(device),
                  static_cast<unsigned long long>(*addr), path(bus));
    }
    if (len > 0) {  // empty ranges = identity mapping
      uint32_t child_ac = 0, child_sc = 0, parent_ac = 0, unused = 0;
      st = bus_cells(bus, &child_ac, &child_sc);
      if (st.ok()) st = bus_cells(parent, &parent_ac, &unused);
      if (!st.ok()) return st;
      const size_t entry_bytes = (child_ac + parent_ac + child_sc) * kCellBytes;
      if (entry_bytes == 0 || static_cast<size_t>(len) % entry_bytes != 0) {
        return fail(Errno::kInval, "%s: ranges length %d not a multiple of %zu bytes", path(bus), len, entry_bytes);
      }
      bool found = false;
      for (size_t off = 0; off < static_cast<size_t>(len) && !found; off += entry_bytes) {
        uint64_t child = 0, parent_addr = 0, window = 0;
        st = read_number(ranges + off, child_ac, bus, "ranges child address", &child);
        if (st.ok()) st = read_number(ranges + off + child_ac * kCellBytes, parent_ac, bus, "ranges parent address", &parent_addr);
        if (st.ok()) st = read_number(ranges + off + (child_ac + parent_ac) * kCellBytes, child_sc, bus, "ranges size", &window);
        if (!st.ok()) return st;
        // The whole region must sit inside one window: offset + size <= window.
        if (*addr < child || *addr - child >= window || size > window - (*addr - child)) continue;
        const uint64_t translated = parent_addr + (*addr - child);
        if (translated < parent_addr) {
          return fail(Errno::kInval, "%s: ranges of %s overflow 64 bits", path(device), path(bus));
        }
        *addr = translated;
        found = true;
      }
      if (!found) {
        return fail(Errno::kInval, "%s: address 0x%llx size 0x%llx not inside any ranges window of %s", path(device),
                    static_cast<unsigned long long>(*addr), static_cast<unsigned long long>(size), path(bus));
      }
    }
    bus = parent;
  }
  return kOkStatus;
}

Status Parser::reg_count(int node, size_t* count) {
  Status st;
  const int bus = parent_of(node, "reg", &st);
  if (bus < 0) return st;
  uint32_t ac = 0, sc = 0;
  st = bus_cells(bus, &ac, &sc);
  if (!st.ok()) return st;
  int len = 0;
  const void* reg = fdt_getprop(fdt_, node, "reg", &len);
  if (reg == nullptr) {
    *count = 0;
    return kOkStatus;
  }
  const size_t entry = (ac + sc) * kCellBytes;
  if (entry == 0 || static_cast<size_t>(len) % entry != 0) {
    return fail(Errno::kInval, "%s reg length %d not a multiple of cells (%u address + %u size)", path(node), len, ac,
                sc);
  }
  *count = static_cast<size_t>(len) / entry;
  return kOkStatus;
}

// Reads reg[index] of `node` and translates it to a CPU physical range.
Status Parser::read_reg(int node, size_t index, PhysRange* range) {
  size_t count = 0;
  Status st = reg_count(node, &count);
  if (!st.ok()) return st;
  if (index >= count) return fail(Errno::kInval, "%s: reg has %zu entries, need entry %zu", path(node), count, index);
  const int bus = parent_of(node, "reg", &st);
  if (bus < 0) return st;
  uint32_t ac = 0, sc = 0;
  st = bus_cells(bus, &ac, &sc);
  if (!st.ok()) return st;
  int len = 0;
  const auto* reg = static_cast<const uint8_t*>(fdt_getprop(fdt_, node, "reg", &len));
  const uint8_t* entry = reg + index * (ac + sc) * kCellBytes;
  uint64_t addr = 0, size = 0;
  st = read_number(entry, ac, node, "reg address", &addr);
  if (st.ok()) st = read_number(entry + ac * kCellBytes, sc, node, "reg size", &size);
  if (!st.ok()) return st;
  if (size == 0) return fail(Errno::kInval, "%s: reg entry %zu has size 0", path(node), index);
  if (addr + size < addr) return fail(Errno::kInval, "%s: reg entry %zu wraps around 64 bits", path(node), index);
  st = translate(bus, &addr, size, node);
  if (!st.ok()) return st;
  range->base = PhysAddr(addr);
  range->size = size;
  return kOkStatus;
}

// Fills found_[] in a single walk over every node: looking each device up
// separately would rescan the whole tree (and every node's properties) per
// compatible string.
Status Parser::scan_devices() {
  for (int& f : found_) f = -FDT_ERR_NOTFOUND;
  // Ancestors of the current node, so the parents of found devices (and of
  // their buses) are known without libfdt's walk from the root.
  // libfdt counts the root as depth 1 when starting from depth 0.
  int ancestors[kMaxDeviceTreeDepth + 1] = {};
  int depth = 0;
  int node = fdt_next_node(fdt_, -1, &depth);
  for (; node >= 0; node = fdt_next_node(fdt_, node, &depth)) {
    if (depth < 1 || depth > kMaxDeviceTreeDepth) return fail(Errno::kInval, "bad node depth %d", depth);
    ancestors[depth] = node;
    int len = 0;
    const auto* compat = static_cast<const char*>(fdt_getprop(fdt_, node, "compatible", &len));
    if (compat == nullptr || len <= 0) continue;
    bool enabled_known = false;
    bool enabled = false;
    for (const Wanted& w : kWanted) {
      if (found_[w.slot] >= 0 || !fdt_stringlist_contains(compat, len, w.compatible)) continue;
      if (!enabled_known) {
        enabled = is_enabled(node);
        enabled_known = true;
      }
      if (enabled) {
        found_[w.slot] = node;
        for (int d = depth; d > 1; --d) remember_parent(ancestors[d], ancestors[d - 1]);
      }
    }
  }
  if (node != -FDT_ERR_NOTFOUND) return fail(Errno::kInval, "walking the tree: %s", fdt_strerror(node));
  return kOkStatus;
}

// Decodes up to `want` GIC interrupt specifiers of `node` into INTIDs.
Status Parser::interrupt_intids(int node, uint32_t* intids, size_t want, size_t* got) {
  *got = 0;
  int len = 0;
  const auto* spec = static_cast<const uint8_t*>(fdt_getprop(fdt_, node, "interrupts", &len));
  if (spec == nullptr) return kOkStatus;
  // interrupt-parent is inherited from the nearest ancestor that has one.
  int controller = -1;
  int guard = 0;
  for (int n = node; controller < 0;) {
    if (++guard > kMaxDeviceTreeDepth) return fail(Errno::kInval, "%s: interrupt-parent chain too deep", path(node));
    int plen = 0;
    const auto* ph = static_cast<const uint8_t*>(fdt_getprop(fdt_, n, "interrupt-parent", &plen));
    if (ph != nullptr) {
      if (plen != static_cast<int>(kCellBytes)) return fail(Errno::kInval, "%s: bad interrupt-parent", path(n));
      controller = node_by_phandle(be32(ph));
      if (controller < 0) {
        return fail(Errno::kInval, "%s: interrupt-parent phandle 0x%x names no node", path(n), be32(ph));
      }
      break;
    }
    if (n == 0) {
      // No interrupt-parent anywhere: the node's own parent is the controller
      // only if it is one; the devicetree spec leaves this case undefined.
      return fail(Errno::kInval, "%s: no interrupt-parent", path(node));
    }
    Status st;
    n = parent_of(n, "interrupt-parent", &st);
    if (n < 0) return st;
  }
  uint32_t cells = 0;
  int clen = 0;
  const auto* cp = static_cast<const uint8_t*>(fdt_getprop(fdt_, controller, "#interrupt-cells", &clen));
  if (cp == nullptr || clen != static_cast<int>(kCellBytes)) {
    return fail(Errno::kInval, "%s: interrupt controller %s has no valid #interrupt-cells", path(node),
                path(controller));
  }
  cells = be32(cp);
  if (cells < kGicMinInterruptCells || cells > kMaxCells) {
    return fail(Errno::kInval, "%s: #interrupt-cells %u of %s is not a GIC's", path(node), cells, path(controller));
  }
  const size_t entry = cells * kCellBytes;
  if (static_cast<size_t>(len) % entry != 0) {
    return fail(Errno::kInval, "%s: interrupts length %d not a multiple of %u cells", path(node), len, cells);
  }
  const size_t count = static_cast<size_t>(len) / entry;
  for (size_t i = 0; i < count && i < want; ++i) {
    const uint32_t type = be32(spec + i * entry + kGicSpecType * kCellBytes);
    const uint32_t number = be32(spec + i * entry + kGicSpecNumber * kCellBytes);
    if (type == kGicPpiType && number < kPpiCount) {
      intids[i] = kPpiBase + number;
    } else if (type == kGicSpiType && number < kSpiCount) {
      intids[i] = kSpiBase + number;
    } else {
      return fail(Errno::kInval, "%s: interrupt %zu has bad GIC specifier <%u %u>", path(node), i, type, number);
    }
    *got = i + 1;
  }
  return kOkStatus;
}

// --- the individual pieces -----------------------------------------------------

Status Parser::add_reserved(uint64_t base, uint64_t size, const char* origin) {
  if (base + size < base) {
    return fail(Errno::kInval, "%s entry 0x%llx+0x%llx wraps around 64 bits", origin, static_cast<unsigned long long>(base),
                static_cast<unsigned long long>(size));
  }
  if (out_->reserved_count == kMaxReservedRanges) {
    return fail(Errno::kTooBig, "too many reserved regions (max %zu), at %s", kMaxReservedRanges, origin);
  }
  out_->reserved[out_->reserved_count++] = PhysRange{PhysAddr(base), size};
  return kOkStatus;
}

Status Parser::parse_memory() {
  uint32_t ac = 0, sc = 0;
  Status st = bus_cells(0, &ac, &sc);
  if (!st.ok()) return st;
  bool any_node = false;
  int node = 0;
  fdt_for_each_subnode(node, fdt_, 0) {
    int name_len = 0;
    const char* name = fdt_get_name(fdt_, node, &name_len);
    static constexpr char kMemoryPrefix[] = "memory";
    constexpr size_t kPrefixLen = sizeof(kMemoryPrefix) - 1;
    if (name == nullptr || static_cast<size_t>(name_len) < kPrefixLen || memcmp(name, kMemoryPrefix, kPrefixLen) != 0 ||
        (name[kPrefixLen] != '\0' && name[kPrefixLen] != '@')) {
      continue;
    }
    const char* device_type = nullptr;
    st = get_string(node, "device_type", &device_type);
    if (!st.ok()) return st;
    if (device_type == nullptr || strcmp(device_type, "memory") != 0 || !is_enabled(node)) continue;
    any_node = true;
    int len = 0;
    const auto* reg = static_cast<const uint8_t*>(fdt_getprop(fdt_, node, "reg", &len));
    if (reg == nullptr) return fail(Errno::kInval, "/%s has no reg", name);
    const size_t entry = (ac + sc) * kCellBytes;
    if (entry == 0 || static_cast<size_t>(len) % entry != 0) {
      return fail(Errno::kInval, "/%s reg length %d not a multiple of cells (%u address + %u size)", name, len, ac, sc);
    }
    for (size_t off = 0; off < static_cast<size_t>(len); off += entry) {
      uint64_t base = 0, size = 0;
      st = read_number(reg + off, ac, node, "memory address", &base);
      if (st.ok()) st = read_number(reg + off + ac * kCellBytes, sc, node, "memory size", &size);
      if (!st.ok()) return st;
      if (size == 0) continue;  // placeholder, e.g. the Pi's firmware fills it in
      if (base + size < base) {
        return fail(Errno::kInval, "/%s bank 0x%llx+0x%llx wraps around 64 bits", name,
                    static_cast<unsigned long long>(base), static_cast<unsigned long long>(size));
      }
      if (out_->memory_count == kMaxMemoryBanks) {
        return fail(Errno::kTooBig, "too many memory banks (max %zu)", kMaxMemoryBanks);
      }
      out_->memory[out_->memory_count++] = PhysRange{PhysAddr(base), size};
    }
  }
  if (node < 0 && node != -FDT_ERR_NOTFOUND) {
    return fail(Errno::kInval, "walking root subnodes: %s", fdt_strerror(node));
  }
  if (!any_node) return fail(Errno::kNoEnt, "no memory node");
  if (out_->memory_count == 0) {
    return fail(Errno::kNoEnt, "no usable memory: every /memory reg entry has size 0 (not filled in by firmware?)");
  }
  return kOkStatus;
}

Status Parser::parse_reserved() {
  const int rm = fdt_path_offset(fdt_, "/reserved-memory");
  if (rm < 0) return kOkStatus;
  int child = 0;
  fdt_for_each_subnode(child, fdt_, rm) {
    if (!is_enabled(child)) continue;
    size_t count = 0;
    Status st = reg_count(child, &count);
    if (!st.ok()) return st;
    // Children without reg ask the OS to allocate a pool (e.g. CMA); this
    // kernel allocates none, so there is nothing to keep away from.
    for (size_t i = 0; i < count; ++i) {
      PhysRange r;
      st = read_reg(child, i, &r);
      if (!st.ok()) return st;
      st = add_reserved(r.base.value(), r.size, "/reserved-memory");
      if (!st.ok()) return st;
    }
  }
  return kOkStatus;
}

Status Parser::parse_root_and_chosen() {
  Status st = get_string(0, "model", &out_->model);
  if (!st.ok()) return st;
  st = get_string(0, "compatible", &out_->compatible);
  if (!st.ok()) return st;
  if (out_->compatible != nullptr) {
    int len = 0;
    out_->compatible_list = static_cast<const char*>(fdt_getprop(fdt_, 0, "compatible", &len));
    out_->compatible_list_bytes = static_cast<size_t>(len);
  }
  const int chosen = fdt_path_offset(fdt_, "/chosen");
  if (chosen < 0) return kOkStatus;
  st = get_string(chosen, "bootargs", &out_->bootargs);
  if (st.ok()) st = get_string(chosen, "stdout-path", &out_->stdout_path);
  if (st.ok() && out_->stdout_path == nullptr) st = get_string(chosen, "linux,stdout-path", &out_->stdout_path);
  return st;
}

Status Parser::parse_uart() {
  static constexpr const char* kPl011 = "arm,pl011";
  int node = -1;
  if (out_->stdout_path != nullptr) {
    // "serial0:115200n8": the path (or alias) ends at the first ':'.
    const char* sp = out_->stdout_path;
    const char* colon = strchr(sp, ':');
    const size_t n = colon != nullptr ? static_cast<size_t>(colon - sp) : strlen(sp);
    int target = -1;
    if (n > 0 && sp[0] == '/') {
      target = fdt_path_offset_namelen(fdt_, sp, static_cast<int>(n));
    } else if (n > 0) {
      // Resolve the alias ourselves: libfdt would follow alias-to-alias
      // chains recursively, which a malicious blob could make endless.
      const int aliases = fdt_path_offset(fdt_, "/aliases");
      int len = 0;
      const char* value =
          aliases >= 0 ? static_cast<const char*>(fdt_getprop_namelen(fdt_, aliases, sp, static_cast<int>(n), &len))
                       : nullptr;
      if (value != nullptr && len > 0 && value[len - 1] == '\0' && value[0] == '/') {
        target = fdt_path_offset(fdt_, value);
      }
    }
    if (target >= 0 && fdt_node_check_compatible(fdt_, target, kPl011) == 0 && is_enabled(target)) {
      node = target;
      out_->uart.from_stdout_path = true;
    }
  }
  if (node < 0) node = found_[kSlotUart];
  if (node < 0) return kOkStatus;
  Status st = read_reg(node, 0, &out_->uart.regs);
  if (!st.ok()) return st;
  out_->uart.present = true;
  // UARTCLK is the first clock ("uartclk"); we can only know its rate when it
  // is a fixed clock with a clock-frequency.
  int len = 0;
  const auto* clocks = static_cast<const uint8_t*>(fdt_getprop(fdt_, node, "clocks", &len));
  if (clocks != nullptr && len >= static_cast<int>(kCellBytes)) {
    const int clk = node_by_phandle(be32(clocks));
    int flen = 0;
    const auto* freq =
        clk >= 0 ? static_cast<const uint8_t*>(fdt_getprop(fdt_, clk, "clock-frequency", &flen)) : nullptr;
    if (freq != nullptr && flen == static_cast<int>(kCellBytes)) out_->uart.clock_hz = be32(freq);
  }
  return kOkStatus;
}

Status Parser::parse_gic() {
  constexpr size_t kRegDistributor = 0;
  constexpr size_t kRegCpuOrRedist = 1;
  constexpr size_t kRegHyp = 2;
  constexpr size_t kRegVcpu = 3;
  // The first GIC in tree order, whichever version.
  const int v2 = found_[kSlotGicV2];
  const int v3 = found_[kSlotGicV3];
  const bool is_v3 = v3 >= 0 && (v2 < 0 || v3 < v2);
  const int node = is_v3 ? v3 : v2;
  if (node < 0) return kOkStatus;
  GicInfo& gic = out_->gic;
  size_t count = 0;
  Status st = reg_count(node, &count);
  if (!st.ok()) return st;
  if (count < 2) {
    return fail(Errno::kInval, "%s: GIC needs at least 2 reg entries (distributor and %s), has %zu", path(node),
                is_v3 ? "redistributor" : "CPU interface", count);
  }
  st = read_reg(node, kRegDistributor, &gic.distributor);
  if (!st.ok()) return st;
  if (is_v3) {
    gic.version = GicVersion::kV3;
    st = read_reg(node, kRegCpuOrRedist, &gic.redistributor);
  } else {
    gic.version = GicVersion::kV2;
    st = read_reg(node, kRegCpuOrRedist, &gic.cpu_interface);
    if (st.ok() && count > kRegHyp) st = read_reg(node, kRegHyp, &gic.hyp_interface);
    if (st.ok() && count > kRegVcpu) st = read_reg(node, kRegVcpu, &gic.vcpu_interface);
  }
  if (!st.ok()) return st;
  uint32_t intid = 0;
  size_t got = 0;
  st = interrupt_intids(node, &intid, 1, &got);
  if (!st.ok()) return st;
  if (got == 1) gic.maintenance_intid = intid;
  return kOkStatus;
}

Status Parser::parse_timer() {
  const int node = found_[kSlotTimer];
  if (node < 0) return kOkStatus;
  uint32_t intids[kTimerInterrupts] = {};
  size_t got = 0;
  Status st = interrupt_intids(node, intids, kTimerInterrupts, &got);
  if (!st.ok()) return st;
  if (got < kTimerInterrupts) {
    return fail(Errno::kInval, "%s: %zu interrupts, need %zu (sec-phys, phys, virt, hyp-phys)", path(node), got,
                kTimerInterrupts);
  }
  TimerInfo& t = out_->timer;
  t.secure_phys_intid = intids[0];
  t.nonsecure_phys_intid = intids[1];
  t.virt_intid = intids[2];
  t.hyp_phys_intid = intids[3];
  int len = 0;
  const auto* freq = static_cast<const uint8_t*>(fdt_getprop(fdt_, node, "clock-frequency", &len));
  if (freq != nullptr) {
    if (len != static_cast<int>(kCellBytes)) return fail(Errno::kInval, "%s: bad clock-frequency", path(node));
    t.clock_frequency_hz = be32(freq);
  }
  t.present = true;
  return kOkStatus;
}

Status Parser::parse_psci() {
  // Most capable binding first: a node lists all it implements.
  static constexpr Slot kSlots[] = {kSlotPsci10, kSlotPsci02, kSlotPsci01};
  static constexpr PsciVersion kVersions[] = {PsciVersion::k1_0, PsciVersion::k0_2, PsciVersion::k0_1};
  int node = -1;
  size_t which = 0;
  for (size_t i = 0; i < sizeof(kSlots) / sizeof(kSlots[0]) && node < 0; ++i) {
    node = found_[kSlots[i]];
    which = i;
  }
  if (node < 0) return kOkStatus;
  const char* method = nullptr;
  Status st = get_string(node, "method", &method);
  if (!st.ok()) return st;
  if (method == nullptr) return fail(Errno::kInval, "%s: no method", path(node));
  if (strcmp(method, "smc") == 0) {
    out_->psci.method = PsciMethod::kSmc;
  } else if (strcmp(method, "hvc") == 0) {
    out_->psci.method = PsciMethod::kHvc;
  } else {
    return fail(Errno::kInval, "%s: unknown method \"%s\"", path(node), method);
  }
  out_->psci.version = kVersions[which];
  return kOkStatus;
}

Status Parser::parse_rpi() {
  struct Want {
    Slot slot;
    PhysRange* dest;
  };
  const Want wants[] = {
      {kSlotMailbox, &out_->rpi.mailbox},
      {kSlotWatchdog, &out_->rpi.watchdog},
      {kSlotGpio, &out_->rpi.gpio},
      {kSlotRng, &out_->rpi.rng},
  };
  for (const Want& w : wants) {
    if (found_[w.slot] < 0) continue;
    Status st = read_reg(found_[w.slot], 0, w.dest);
    if (!st.ok()) return st;
  }
  return kOkStatus;
}

Status Parser::run(PhysAddr blob_phys) {
  Status st = validate_header();
  if (st.ok()) st = validate_structure();
  if (st.ok()) st = validate_memreserve();
  if (!st.ok()) return st;
  out_->blob = PhysRange{blob_phys, totalsize_};
  st = parse_memory();
  if (st.ok()) st = parse_reserved();
  if (st.ok()) st = parse_root_and_chosen();
  if (st.ok()) st = scan_devices();
  if (st.ok()) st = parse_uart();
  if (st.ok()) st = parse_gic();
  if (st.ok()) st = parse_timer();
  if (st.ok()) st = parse_psci();
  if (st.ok()) st = parse_rpi();
  if (st.ok()) format(out_->reason, sizeof(out_->reason), "ok");
  return st;
}

}  // namespace

Status parse_device_tree(const void* blob, size_t available_bytes, PhysAddr blob_phys, BootInfo* out,
                         const char** reason) {
  if (out == nullptr) return Errno::kInval;
  *out = BootInfo{};
  Status st;
  if (blob == nullptr) {
    format(out->reason, sizeof(out->reason), "no device tree (null pointer)");
    st = Errno::kFault;
  } else {
    Parser parser(static_cast<const uint8_t*>(blob), available_bytes, out);
    st = parser.run(blob_phys);
  }
  if (!st.ok()) {
    // Never hand back half-filled results next to an error.
    char saved[kDtReasonCapacity];
    memcpy(saved, out->reason, sizeof(saved));
    *out = BootInfo{};
    memcpy(out->reason, saved, sizeof(saved));
  }
  if (reason != nullptr) *reason = out->reason;
  return st;
}

Status parse_device_tree(const void* blob, size_t available_bytes, BootInfo* out, const char** reason) {
  return parse_device_tree(blob, available_bytes, PhysAddr(reinterpret_cast<uintptr_t>(blob)), out, reason);
}

bool root_compatible_with(const BootInfo& info, const char* compat) {
  if (info.compatible_list == nullptr || compat == nullptr) return false;
  return fdt_stringlist_contains(info.compatible_list, static_cast<int>(info.compatible_list_bytes), compat) != 0;
}

}  // namespace uk
