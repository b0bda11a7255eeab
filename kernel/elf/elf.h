// ELF64 validation and PT_LOAD iteration for domain programs.
//
// Portable (host and kernel), no heap, no exceptions. The image is untrusted
// input: validate_elf() reads only inside [data, data + size), with
// overflow-checked arithmetic, byte by byte (no alignment requirement, any
// host endianness), and explains every rejection in Image::reason.
//
// What a valid domain program is (see docs/manifest.md, "ELF requirements"):
//   - ELF64, little endian, EV_CURRENT, e_machine EM_AARCH64, ET_EXEC or
//     ET_DYN (a position-independent executable is loaded at its p_vaddr as
//     linked: no relocation is applied by the kernel);
//   - 1..kMaxProgramHeaders program headers of 56 bytes, inside the file;
//   - no PT_INTERP (no dynamic linker);
//   - every PT_LOAD: p_memsz > 0, p_filesz <= p_memsz, file bytes inside the
//     file, p_vaddr page aligned, [p_vaddr, p_vaddr + p_memsz) inside the
//     limits' [base, limit), some access permission, never both W and X;
//   - PT_LOAD segments do not overlap (page-rounded: each page has one set of
//     permissions);
//   - e_entry is 4-byte aligned and inside an executable PT_LOAD segment.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "kernel/lib/result.h"

namespace uk::elf {

// Segment permission bits: the ELF p_flags values.
inline constexpr uint32_t kExecute = 1;  // PF_X
inline constexpr uint32_t kWrite = 2;    // PF_W
inline constexpr uint32_t kRead = 4;     // PF_R

// Programs with more program headers are rejected (a linker emits < 16).
inline constexpr uint32_t kMaxProgramHeaders = 64;
// Length of Image::reason, NUL included.
inline constexpr size_t kReasonCapacity = 192;

// Where PT_LOAD segments may lie and the page size they are aligned to.
struct LoadLimits {
  uint64_t base;       // lowest allowed p_vaddr
  uint64_t limit;      // p_vaddr + p_memsz must be <= limit
  uint64_t page_size;  // power of two
};

// The domain address space of kernel/domain/layout.h:
// [kImageBase, kImageLimit) with 4 KiB pages.
extern const LoadLimits kDomainLoadLimits;

// One PT_LOAD segment: map [vaddr, vaddr + mem_bytes) with `flags`, copy
// file_bytes from file_offset to vaddr and zero the rest.
struct Segment {
  uint64_t vaddr;
  uint64_t mem_bytes;
  uint64_t file_offset;
  uint64_t file_bytes;
  uint32_t flags;  // kRead | kWrite | kExecute bits

  [[nodiscard]] constexpr bool readable() const { return (flags & kRead) != 0; }
  [[nodiscard]] constexpr bool writable() const { return (flags & kWrite) != 0; }
  [[nodiscard]] constexpr bool executable() const { return (flags & kExecute) != 0; }
  // Page-rounded end; validate_elf() guarantees it does not overflow.
  [[nodiscard]] uint64_t page_end(uint64_t page_size) const;
};

// A validated program. Only meaningful after validate_elf() returned OK; the
// image bytes must stay unchanged while it is used.
struct Image {
  const uint8_t* data = nullptr;
  size_t size = 0;
  uint16_t type = 0;  // 2 (ET_EXEC) or 3 (ET_DYN)
  uint64_t entry = 0;
  uint32_t load_count = 0;      // PT_LOAD segments
  uint64_t lowest_vaddr = 0;    // over PT_LOAD segments
  uint64_t highest_end = 0;     // max vaddr + mem_bytes
  uint64_t load_pages = 0;      // pages the PT_LOAD segments cover
  // Why validation failed ("ok" after success). Always NUL-terminated.
  char reason[kReasonCapacity] = {};

  // The index-th PT_LOAD segment in program-header order, 0 <= index <
  // load_count. Returns false (and leaves *out alone) for a bad index.
  bool load_segment(uint32_t index, Segment* out) const;

  // Calls f(const Segment&) for every PT_LOAD segment in order; stops early
  // and returns false when f returns false.
  template <typename F>
  bool for_each_load_segment(F&& f) const {
    for (uint32_t i = 0; i < load_count; ++i) {
      Segment s;
      if (!load_segment(i, &s)) return false;
      if (!f(static_cast<const Segment&>(s))) return false;
    }
    return true;
  }

 private:
  friend Status validate_elf(const void*, size_t, const LoadLimits&, Image*);
  uint64_t phoff_ = 0;
  uint16_t phnum_ = 0;
};

// Validates `size` bytes at `data` against the rules above. Returns OK, or
// kInval (malformed or not allowed; out->reason says which rule and which
// value) or kFault (data == nullptr). *out is always (re)initialised.
[[nodiscard]] Status validate_elf(const void* data, size_t size, const LoadLimits& limits, Image* out);

}  // namespace uk::elf
