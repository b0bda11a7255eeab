#include "kernel/elf/elf.h"

#include <stdarg.h>

#include "kernel/console/format.h"
#include "kernel/domain/layout.h"

namespace uk::elf {

const LoadLimits kDomainLoadLimits = {
    domain_layout::kImageBase,
    domain_layout::kImageLimit,
    4096,
};

namespace {

// ELF64 constants (System V gABI, AArch64 ELF ABI).
constexpr uint8_t kMagic[4] = {0x7f, 'E', 'L', 'F'};
constexpr uint8_t kClass64 = 2;     // ELFCLASS64
constexpr uint8_t kDataLsb = 1;     // ELFDATA2LSB
constexpr uint8_t kEvCurrent = 1;   // EV_CURRENT
constexpr uint16_t kEtExec = 2;     // ET_EXEC
constexpr uint16_t kEtDyn = 3;      // ET_DYN
constexpr uint16_t kEmAarch64 = 183;
constexpr uint32_t kPtLoad = 1;
constexpr uint32_t kPtInterp = 3;
constexpr size_t kEhdrBytes = 64;
constexpr size_t kPhdrBytes = 56;

// Ehdr field offsets.
constexpr size_t kEiClass = 4, kEiData = 5, kEiVersion = 6;
constexpr size_t kEType = 16, kEMachine = 18, kEVersion = 20, kEEntry = 24, kEPhoff = 32;
constexpr size_t kEEhsize = 52, kEPhentsize = 54, kEPhnum = 56;
// Phdr field offsets.
constexpr size_t kPType = 0, kPFlags = 4, kPOffset = 8, kPVaddr = 16, kPFilesz = 32, kPMemsz = 40;

uint16_t le16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | (p[1] << 8)); }
uint32_t le32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) | (static_cast<uint32_t>(p[2]) << 16) |
         (static_cast<uint32_t>(p[3]) << 24);
}
uint64_t le64(const uint8_t* p) { return static_cast<uint64_t>(le32(p)) | (static_cast<uint64_t>(le32(p + 4)) << 32); }

struct RawSegment {
  uint32_t type;
  Segment seg;
};

RawSegment read_phdr(const uint8_t* ph) {
  RawSegment r;
  r.type = le32(ph + kPType);
  r.seg.flags = le32(ph + kPFlags);
  r.seg.file_offset = le64(ph + kPOffset);
  r.seg.vaddr = le64(ph + kPVaddr);
  r.seg.file_bytes = le64(ph + kPFilesz);
  r.seg.mem_bytes = le64(ph + kPMemsz);
  return r;
}

Status fail(Image* out, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
Status fail(Image* out, const char* fmt, ...) {
  va_list args;
  va_start(args, fmt);
  vformat(out->reason, sizeof(out->reason), fmt, args);
  va_end(args);
  out->load_count = 0;
  return Errno::kInval;
}

unsigned long long ull(uint64_t v) { return static_cast<unsigned long long>(v); }

}  // namespace

uint64_t Segment::page_end(uint64_t page_size) const {
  uint64_t end = vaddr + mem_bytes;
  return (end + page_size - 1) & ~(page_size - 1);
}

bool Image::load_segment(uint32_t index, Segment* out) const {
  if (data == nullptr || index >= load_count) return false;
  uint32_t seen = 0;
  for (uint16_t i = 0; i < phnum_; ++i) {
    RawSegment r = read_phdr(data + phoff_ + static_cast<uint64_t>(i) * kPhdrBytes);
    if (r.type != kPtLoad) continue;
    if (seen++ == index) {
      *out = r.seg;
      return true;
    }
  }
  return false;
}

Status validate_elf(const void* data_in, size_t size, const LoadLimits& limits, Image* out) {
  *out = Image{};
  const auto* data = static_cast<const uint8_t*>(data_in);
  if (data == nullptr) {
    format(out->reason, sizeof(out->reason), "no image (null pointer)");
    return Errno::kFault;
  }
  const uint64_t page = limits.page_size;
  // limit <= 2^64 - page keeps every page-rounded segment end from wrapping.
  if (page == 0 || (page & (page - 1)) != 0 || limits.base >= limits.limit || limits.limit > ~0ull - page) {
    return fail(out, "bad load limits [0x%llx, 0x%llx) page %llu", ull(limits.base), ull(limits.limit), ull(page));
  }

  // --- ELF header ---
  if (size < 4 || data[0] != kMagic[0] || data[1] != kMagic[1] || data[2] != kMagic[2] || data[3] != kMagic[3]) {
    return fail(out, "not an ELF file (bad magic)");
  }
  if (size < kEhdrBytes) return fail(out, "truncated: %zu bytes, the ELF header alone needs %zu", size, kEhdrBytes);
  if (data[kEiClass] != kClass64) return fail(out, "not ELF64 (EI_CLASS %u, expected 2)", data[kEiClass]);
  if (data[kEiData] != kDataLsb) return fail(out, "not little endian (EI_DATA %u, expected 1)", data[kEiData]);
  if (data[kEiVersion] != kEvCurrent) return fail(out, "bad EI_VERSION %u (expected 1)", data[kEiVersion]);
  const uint16_t type = le16(data + kEType);
  if (type != kEtExec && type != kEtDyn) {
    return fail(out, "e_type %u is not an executable (need ET_EXEC 2 or ET_DYN 3)", type);
  }
  const uint16_t machine = le16(data + kEMachine);
  if (machine != kEmAarch64) return fail(out, "e_machine %u is not AArch64 (183)", machine);
  if (le32(data + kEVersion) != kEvCurrent) return fail(out, "bad e_version %u (expected 1)", le32(data + kEVersion));
  if (le16(data + kEEhsize) < kEhdrBytes) return fail(out, "e_ehsize %u < 64", le16(data + kEEhsize));

  const uint64_t entry = le64(data + kEEntry);
  const uint64_t phoff = le64(data + kEPhoff);
  const uint16_t phentsize = le16(data + kEPhentsize);
  const uint16_t phnum = le16(data + kEPhnum);
  if (phnum == 0) return fail(out, "no program headers");
  if (phnum > kMaxProgramHeaders) return fail(out, "%u program headers (at most %u)", phnum, kMaxProgramHeaders);
  if (phentsize != kPhdrBytes) return fail(out, "e_phentsize %u (expected %zu)", phentsize, kPhdrBytes);
  const uint64_t ph_bytes = static_cast<uint64_t>(phnum) * kPhdrBytes;  // <= 64 * 56: no overflow
  if (phoff > size || ph_bytes > size - phoff) {
    return fail(out, "program headers [0x%llx, +%llu) run past the end of the file (%zu bytes)", ull(phoff),
                ull(ph_bytes), size);
  }

  // --- program headers ---
  uint32_t loads = 0;
  uint64_t lowest = ~0ull, highest = 0, pages = 0;
  bool entry_ok = false;
  for (uint16_t i = 0; i < phnum; ++i) {
    const RawSegment r = read_phdr(data + phoff + static_cast<uint64_t>(i) * kPhdrBytes);
    if (r.type == kPtInterp) return fail(out, "program header %u: PT_INTERP: dynamically linked programs are not supported", i);
    if (r.type != kPtLoad) continue;
    const Segment& s = r.seg;
    if (s.mem_bytes == 0) return fail(out, "PT_LOAD %u (program header %u): p_memsz is 0", loads, i);
    if (s.file_bytes > s.mem_bytes) {
      return fail(out, "PT_LOAD %u: p_filesz 0x%llx > p_memsz 0x%llx", loads, ull(s.file_bytes), ull(s.mem_bytes));
    }
    if (s.file_offset > size || s.file_bytes > size - s.file_offset) {
      return fail(out, "PT_LOAD %u: file bytes [0x%llx, +0x%llx) run past the end of the file (%zu bytes)", loads,
                  ull(s.file_offset), ull(s.file_bytes), size);
    }
    if ((s.vaddr & (page - 1)) != 0) {
      return fail(out, "PT_LOAD %u: p_vaddr 0x%llx is not %llu-byte (page) aligned", loads, ull(s.vaddr), ull(page));
    }
    if (s.vaddr < limits.base || s.vaddr >= limits.limit || s.mem_bytes > limits.limit - s.vaddr) {
      return fail(out, "PT_LOAD %u: [0x%llx, +0x%llx) is outside [0x%llx, 0x%llx)", loads, ull(s.vaddr),
                  ull(s.mem_bytes), ull(limits.base), ull(limits.limit));
    }
    if ((s.flags & (kRead | kWrite | kExecute)) == 0) return fail(out, "PT_LOAD %u at 0x%llx has no access permission", loads, ull(s.vaddr));
    if (s.writable() && s.executable()) {
      return fail(out, "PT_LOAD %u at 0x%llx is both writable and executable (W^X)", loads, ull(s.vaddr));
    }
    const uint64_t end = s.page_end(page);
    // Overlap with earlier PT_LOAD segments, page-rounded.
    uint32_t other = 0;
    for (uint16_t j = 0; j < i; ++j) {
      const RawSegment q = read_phdr(data + phoff + static_cast<uint64_t>(j) * kPhdrBytes);
      if (q.type != kPtLoad) continue;
      if (s.vaddr < q.seg.page_end(page) && q.seg.vaddr < end) {
        return fail(out, "PT_LOAD %u [0x%llx, 0x%llx) overlaps PT_LOAD %u [0x%llx, 0x%llx) (page-rounded)", loads,
                    ull(s.vaddr), ull(end), other, ull(q.seg.vaddr), ull(q.seg.page_end(page)));
      }
      ++other;
    }
    if (s.executable() && entry >= s.vaddr && entry - s.vaddr < s.mem_bytes) entry_ok = true;
    if (s.vaddr < lowest) lowest = s.vaddr;
    if (s.vaddr + s.mem_bytes > highest) highest = s.vaddr + s.mem_bytes;
    pages += (end - s.vaddr) / page;
    ++loads;
  }
  if (loads == 0) return fail(out, "no PT_LOAD segment");
  if (!entry_ok) return fail(out, "entry point 0x%llx is not inside an executable PT_LOAD segment", ull(entry));
  if ((entry & 3) != 0) return fail(out, "entry point 0x%llx is not 4-byte aligned", ull(entry));

  out->data = data;
  out->size = size;
  out->type = type;
  out->entry = entry;
  out->load_count = loads;
  out->lowest_vaddr = lowest;
  out->highest_end = highest;
  out->load_pages = pages;
  out->phoff_ = phoff;
  out->phnum_ = phnum;
  format(out->reason, sizeof(out->reason), "ok");
  return kOkStatus;
}

}  // namespace uk::elf
