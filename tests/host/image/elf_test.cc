// kernel/elf: a real domain ELF built by the cross compiler
// (//tests/build:hello_elf), then mutated and truncated copies of it.
#include "kernel/elf/elf.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/host/image/test_files.h"

namespace uk::elf {
namespace {

using test::get;
using test::put;

// ELF64 field offsets.
constexpr size_t kType = 16, kMachine = 18, kVersion = 20, kEntry = 24, kPhoff = 32, kEhsize = 52, kPhentsize = 54,
                 kPhnum = 56;
constexpr size_t kPType = 0, kPFlags = 4, kPOffset = 8, kPVaddr = 16, kPFilesz = 32, kPMemsz = 40;

class ElfTest : public ::testing::Test {
 protected:
  void SetUp() override {
    elf_ = test::read_runfile("tests/build/hello.elf");
    ASSERT_GT(elf_.size(), 64u) << "tests/build/hello.elf missing from runfiles";
  }

  // Offset of program header i.
  size_t ph(size_t i) const { return get<uint64_t>(elf_, kPhoff) + i * 56; }

  // Validates `bytes` (default: the mutated copy) with the domain limits.
  std::string reason_for(const std::vector<uint8_t>& bytes, size_t size) {
    Image img;
    Status s = validate_elf(bytes.data(), size, kDomainLoadLimits, &img);
    EXPECT_EQ(s.ok(), std::string(img.reason) == "ok");
    return img.reason;
  }
  std::string reason() { return reason_for(elf_, elf_.size()); }

  std::vector<uint8_t> elf_;
};

// ---- the real file -----------------------------------------------------------

TEST_F(ElfTest, AcceptsTheCrossCompiledDomain) {
  Image img;
  ASSERT_TRUE(validate_elf(elf_.data(), elf_.size(), kDomainLoadLimits, &img).ok()) << img.reason;
  EXPECT_STREQ(img.reason, "ok");
  EXPECT_EQ(img.data, elf_.data());
  EXPECT_EQ(img.size, elf_.size());
  EXPECT_EQ(img.type, 2);
  EXPECT_EQ(img.entry, 0x4000b0u);
  EXPECT_EQ(img.load_count, 2u);
  EXPECT_EQ(img.lowest_vaddr, 0x400000u);
  EXPECT_EQ(img.highest_end, 0x403010u);
  EXPECT_EQ(img.load_pages, 4u);  // text page + data/bss pages 0x401000..0x404000

  Segment text, data, none;
  ASSERT_TRUE(img.load_segment(0, &text));
  ASSERT_TRUE(img.load_segment(1, &data));
  EXPECT_FALSE(img.load_segment(2, &none));
  EXPECT_EQ(text.vaddr, 0x400000u);
  EXPECT_EQ(text.file_offset, 0u);
  EXPECT_EQ(text.file_bytes, text.mem_bytes);
  EXPECT_TRUE(text.readable());
  EXPECT_TRUE(text.executable());
  EXPECT_FALSE(text.writable());
  EXPECT_EQ(text.page_end(4096), 0x401000u);
  EXPECT_EQ(data.vaddr, 0x401000u);
  EXPECT_EQ(data.file_offset, 0x1000u);
  EXPECT_EQ(data.file_bytes, 8u);
  EXPECT_EQ(data.mem_bytes, 0x2010u);
  EXPECT_EQ(data.flags, kRead | kWrite);
  EXPECT_EQ(data.page_end(4096), 0x404000u);

  std::vector<uint64_t> seen;
  EXPECT_TRUE(img.for_each_load_segment([&](const Segment& s) {
    seen.push_back(s.vaddr);
    return true;
  }));
  EXPECT_EQ(seen, (std::vector<uint64_t>{0x400000, 0x401000}));
  seen.clear();
  EXPECT_FALSE(img.for_each_load_segment([&](const Segment& s) {
    seen.push_back(s.vaddr);
    return false;  // stop at the first
  }));
  EXPECT_EQ(seen.size(), 1u);
}

TEST_F(ElfTest, AcceptsEtDyn) {
  put<uint16_t>(elf_, kType, 3);
  Image img;
  ASSERT_TRUE(validate_elf(elf_.data(), elf_.size(), kDomainLoadLimits, &img).ok()) << img.reason;
  EXPECT_EQ(img.type, 3);
}

TEST_F(ElfTest, IgnoresOtherSegmentTypes) {
  // Turn the data segment into PT_NOTE: one PT_LOAD remains.
  put<uint32_t>(elf_, ph(1) + kPType, 4);
  Image img;
  ASSERT_TRUE(validate_elf(elf_.data(), elf_.size(), kDomainLoadLimits, &img).ok()) << img.reason;
  EXPECT_EQ(img.load_count, 1u);
  EXPECT_EQ(img.highest_end, 0x40010bu);
}

// ---- truncation ----------------------------------------------------------------

TEST_F(ElfTest, EveryTruncationBeforeTheLastSegmentByteIsRejected) {
  const size_t needed = 0x1000 + 8;  // end of the data segment's file bytes
  for (size_t n = 0; n <= elf_.size(); ++n) {
    std::vector<uint8_t> copy(elf_.begin(), elf_.begin() + n);  // exact-size buffer: ASan/valgrind see overreads
    Image img;
    const bool ok = validate_elf(copy.data(), copy.size(), kDomainLoadLimits, &img).ok();
    EXPECT_EQ(ok, n >= needed) << n << " bytes: " << img.reason;
  }
  EXPECT_EQ(reason_for(elf_, 0), "not an ELF file (bad magic)");
  EXPECT_EQ(reason_for(elf_, 3), "not an ELF file (bad magic)");
  EXPECT_EQ(reason_for(elf_, 10), "truncated: 10 bytes, the ELF header alone needs 64");
  EXPECT_EQ(reason_for(elf_, 100), "program headers [0x40, +112) run past the end of the file (100 bytes)");
  EXPECT_EQ(reason_for(elf_, 0x100), "PT_LOAD 0: file bytes [0x0, +0x10b) run past the end of the file (256 bytes)");
  EXPECT_EQ(reason_for(elf_, 0x1007),
            "PT_LOAD 1: file bytes [0x1000, +0x8) run past the end of the file (4103 bytes)");
}

// ---- header mutations ------------------------------------------------------------

TEST_F(ElfTest, HeaderErrors) {
  auto with = [&](size_t off, auto value, const std::string& expected) {
    std::vector<uint8_t> saved = elf_;
    put(elf_, off, value);
    EXPECT_EQ(reason(), expected) << "offset " << off;
    elf_ = saved;
  };
  with(0, uint8_t{0x7e}, "not an ELF file (bad magic)");
  with(1, uint8_t{'e'}, "not an ELF file (bad magic)");
  with(4, uint8_t{1}, "not ELF64 (EI_CLASS 1, expected 2)");
  with(5, uint8_t{2}, "not little endian (EI_DATA 2, expected 1)");
  with(6, uint8_t{0}, "bad EI_VERSION 0 (expected 1)");
  with(kType, uint16_t{1}, "e_type 1 is not an executable (need ET_EXEC 2 or ET_DYN 3)");
  with(kType, uint16_t{4}, "e_type 4 is not an executable (need ET_EXEC 2 or ET_DYN 3)");
  with(kMachine, uint16_t{62}, "e_machine 62 is not AArch64 (183)");
  with(kVersion, uint32_t{2}, "bad e_version 2 (expected 1)");
  with(kEhsize, uint16_t{52}, "e_ehsize 52 < 64");
  with(kPhnum, uint16_t{0}, "no program headers");
  with(kPhnum, uint16_t{65}, "65 program headers (at most 64)");
  with(kPhnum, uint16_t{0xffff}, "65535 program headers (at most 64)");  // PN_XNUM
  with(kPhentsize, uint16_t{32}, "e_phentsize 32 (expected 56)");
  with(kPhoff, uint64_t{~0ull - 8},
       "program headers [0xfffffffffffffff7, +112) run past the end of the file (" + std::to_string(elf_.size()) +
           " bytes)");
  with(kPhoff, uint64_t{elf_.size() - 100},
       "program headers [0x" + [&] {
         char b[32];
         snprintf(b, sizeof b, "%zx", elf_.size() - 100);
         return std::string(b);
       }() + ", +112) run past the end of the file (" + std::to_string(elf_.size()) + " bytes)");
}

// ---- program header mutations ----------------------------------------------------

TEST_F(ElfTest, SegmentErrors) {
  auto with = [&](size_t seg, size_t field, auto value, const std::string& expected) {
    std::vector<uint8_t> saved = elf_;
    put(elf_, ph(seg) + field, value);
    EXPECT_EQ(reason(), expected) << "segment " << seg << " field " << field;
    elf_ = saved;
  };
  with(1, kPType, uint32_t{3}, "program header 1: PT_INTERP: dynamically linked programs are not supported");
  with(0, kPMemsz, uint64_t{0}, "PT_LOAD 0 (program header 0): p_memsz is 0");
  with(1, kPFilesz, uint64_t{0x2011}, "PT_LOAD 1: p_filesz 0x2011 > p_memsz 0x2010");
  with(1, kPOffset, uint64_t{~0ull},
       "PT_LOAD 1: file bytes [0xffffffffffffffff, +0x8) run past the end of the file (" +
           std::to_string(elf_.size()) + " bytes)");
  // offset + filesz wraps around: rejected, not accepted.
  {
    std::vector<uint8_t> saved = elf_;
    put<uint64_t>(elf_, ph(1) + kPOffset, 16);
    put<uint64_t>(elf_, ph(1) + kPFilesz, ~0ull - 8);
    put<uint64_t>(elf_, ph(1) + kPMemsz, ~0ull - 8);
    EXPECT_EQ(reason(), "PT_LOAD 1: file bytes [0x10, +0xfffffffffffffff7) run past the end of the file (" +
                            std::to_string(elf_.size()) + " bytes)");
    elf_ = saved;
  }
  with(1, kPVaddr, uint64_t{0x401010}, "PT_LOAD 1: p_vaddr 0x401010 is not 4096-byte (page) aligned");
  with(0, kPVaddr, uint64_t{0x3ff000}, "PT_LOAD 0: [0x3ff000, +0x10b) is outside [0x400000, 0x100000000)");
  with(1, kPVaddr, uint64_t{0xfffff000}, "PT_LOAD 1: [0xfffff000, +0x2010) is outside [0x400000, 0x100000000)");
  with(1, kPVaddr, uint64_t{0x100000000}, "PT_LOAD 1: [0x100000000, +0x2010) is outside [0x400000, 0x100000000)");
  // vaddr + memsz wraps around.
  with(1, kPVaddr, uint64_t{0xfffffffffffff000},
       "PT_LOAD 1: [0xfffffffffffff000, +0x2010) is outside [0x400000, 0x100000000)");
  with(1, kPMemsz, uint64_t{~0ull}, "PT_LOAD 1: [0x401000, +0xffffffffffffffff) is outside [0x400000, 0x100000000)");
  with(0, kPFlags, uint32_t{0}, "PT_LOAD 0 at 0x400000 has no access permission");
  with(0, kPFlags, uint32_t{kRead | kWrite | kExecute}, "PT_LOAD 0 at 0x400000 is both writable and executable (W^X)");
  with(1, kPFlags, uint32_t{kWrite | kExecute}, "PT_LOAD 1 at 0x401000 is both writable and executable (W^X)");
  with(1, kPVaddr, uint64_t{0x400000},
       "PT_LOAD 1 [0x400000, 0x403000) overlaps PT_LOAD 0 [0x400000, 0x401000) (page-rounded)");
  // Overlap only after rounding to pages: text ends at 0x401001 -> 0x402000.
  with(0, kPMemsz, uint64_t{0x1001},
       "PT_LOAD 1 [0x401000, 0x404000) overlaps PT_LOAD 0 [0x400000, 0x402000) (page-rounded)");
}

TEST_F(ElfTest, NoLoadSegment) {
  put<uint32_t>(elf_, ph(0) + kPType, 4);
  put<uint32_t>(elf_, ph(1) + kPType, 6);
  EXPECT_EQ(reason(), "no PT_LOAD segment");
}

TEST_F(ElfTest, EntryPoint) {
  put<uint64_t>(elf_, kEntry, 0x401000);  // in the data segment
  EXPECT_EQ(reason(), "entry point 0x401000 is not inside an executable PT_LOAD segment");
  put<uint64_t>(elf_, kEntry, 0x500000);  // in no segment
  EXPECT_EQ(reason(), "entry point 0x500000 is not inside an executable PT_LOAD segment");
  put<uint64_t>(elf_, kEntry, 0x40010b);  // one past the text segment
  EXPECT_EQ(reason(), "entry point 0x40010b is not inside an executable PT_LOAD segment");
  put<uint64_t>(elf_, kEntry, 0x4000b2);
  EXPECT_EQ(reason(), "entry point 0x4000b2 is not 4-byte aligned");
  put<uint64_t>(elf_, kEntry, 0x400000);
  EXPECT_EQ(reason(), "ok");
}

// ---- API edges -----------------------------------------------------------------------

TEST_F(ElfTest, NullPointerAndBadLimits) {
  Image img;
  EXPECT_EQ(validate_elf(nullptr, 100, kDomainLoadLimits, &img).error(), Errno::kFault);
  EXPECT_STREQ(img.reason, "no image (null pointer)");
  EXPECT_EQ(validate_elf(elf_.data(), elf_.size(), LoadLimits{0x400000, 0x100000000, 3000}, &img).error(),
            Errno::kInval);
  EXPECT_STREQ(img.reason, "bad load limits [0x400000, 0x100000000) page 3000");
  EXPECT_EQ(validate_elf(elf_.data(), elf_.size(), LoadLimits{0x400000, 0x400000, 4096}, &img).error(), Errno::kInval);
  EXPECT_EQ(validate_elf(elf_.data(), elf_.size(), LoadLimits{0, ~0ull, 4096}, &img).error(), Errno::kInval);
  EXPECT_EQ(img.load_count, 0u);
  Segment s;
  EXPECT_FALSE(img.load_segment(0, &s));
}

TEST_F(ElfTest, CustomLimits) {
  Image img;
  EXPECT_FALSE(validate_elf(elf_.data(), elf_.size(), LoadLimits{0x401000, 0x100000000, 4096}, &img).ok());
  EXPECT_STREQ(img.reason, "PT_LOAD 0: [0x400000, +0x10b) is outside [0x401000, 0x100000000)");
  EXPECT_FALSE(validate_elf(elf_.data(), elf_.size(), LoadLimits{0x400000, 0x403000, 4096}, &img).ok());
  EXPECT_STREQ(img.reason, "PT_LOAD 1: [0x401000, +0x2010) is outside [0x400000, 0x403000)");
  EXPECT_TRUE(validate_elf(elf_.data(), elf_.size(), LoadLimits{0x400000, 0x403010, 4096}, &img).ok());
}

TEST_F(ElfTest, ReadsUnalignedImages) {
  std::vector<uint8_t> shifted(elf_.size() + 1);
  std::copy(elf_.begin(), elf_.end(), shifted.begin() + 1);
  Image img;
  EXPECT_TRUE(validate_elf(shifted.data() + 1, elf_.size(), kDomainLoadLimits, &img).ok()) << img.reason;
}

// Random corruption never crashes the validator, and whatever it accepts
// satisfies every promise of the header.
TEST_F(ElfTest, RandomCorruptionKeepsTheInvariants) {
  uint64_t rng = 0x9e3779b97f4a7c15ull;
  auto next = [&] {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
  };
  const size_t header_bytes = ph(2);  // ELF header + both program headers
  int accepted = 0;
  for (int iter = 0; iter < 20000; ++iter) {
    std::vector<uint8_t> copy = elf_;
    const int flips = 1 + static_cast<int>(next() % 4);
    for (int f = 0; f < flips; ++f) copy[next() % header_bytes] = static_cast<uint8_t>(next());
    Image img;
    if (!validate_elf(copy.data(), copy.size(), kDomainLoadLimits, &img).ok()) continue;
    ++accepted;
    ASSERT_GE(img.load_count, 1u);
    bool entry_in_x = false;
    for (uint32_t i = 0; i < img.load_count; ++i) {
      Segment s;
      ASSERT_TRUE(img.load_segment(i, &s));
      ASSERT_EQ(s.vaddr % 4096, 0u);
      ASSERT_GE(s.vaddr, kDomainLoadLimits.base);
      ASSERT_LE(s.mem_bytes, kDomainLoadLimits.limit - s.vaddr);
      ASSERT_GT(s.mem_bytes, 0u);
      ASSERT_LE(s.file_bytes, s.mem_bytes);
      ASSERT_LE(s.file_offset, copy.size());
      ASSERT_LE(s.file_bytes, copy.size() - s.file_offset);
      ASSERT_FALSE(s.writable() && s.executable());
      if (s.executable() && img.entry >= s.vaddr && img.entry - s.vaddr < s.mem_bytes) entry_in_x = true;
      for (uint32_t j = 0; j < i; ++j) {
        Segment o;
        ASSERT_TRUE(img.load_segment(j, &o));
        ASSERT_TRUE(s.page_end(4096) <= o.vaddr || o.page_end(4096) <= s.vaddr);
      }
    }
    ASSERT_TRUE(entry_in_x);
    ASSERT_EQ(img.entry % 4, 0u);
  }
  EXPECT_GT(accepted, 0);  // harmless flips (p_align, p_paddr, ...) still pass
}

}  // namespace
}  // namespace uk::elf
