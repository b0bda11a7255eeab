// The cpio newc / crc reader (kernel/vfs/cpio.h) on archives written by GNU
// cpio (BUILD: genrules over testdata/tree) and on corrupted copies of them.
#include "kernel/vfs/cpio.h"

#include <gtest/gtest.h>
#include <stdio.h>
#include <string.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "tests/host/vfs/test_util.h"

namespace uk::vfs {
namespace {

using test::header_offsets;
using test::read_runfile;

struct Member {
  std::string name;
  uint32_t mode;
  std::string data;
  uint32_t mtime;
};

Status read_all(const std::vector<uint8_t>& a, std::vector<Member>* out, CpioError* error) {
  CpioReader reader(a.data(), a.size());
  CpioEntry e;
  bool end = false;
  while (true) {
    Status st = reader.next(e, end);
    if (!st.ok()) {
      if (error != nullptr) *error = reader.error();
      return st;
    }
    if (end) return st;
    if (out != nullptr) out->push_back({std::string(e.name, e.name_len), e.mode, std::string(reinterpret_cast<const char*>(e.data), e.size), e.mtime});
  }
}

void set_field(std::vector<uint8_t>& a, size_t header, int field, uint32_t value) {
  char hex[9];
  snprintf(hex, sizeof hex, "%08X", value);
  memcpy(a.data() + header + 6 + 8 * field, hex, 8);
}

std::string why(const std::vector<uint8_t>& a) {
  CpioError error;
  Status st = cpio_validate(a.data(), a.size(), &error);
  return st.ok() ? std::string("OK") : std::string(error.message);
}

constexpr int kFieldFilesize = 6;
constexpr int kFieldNamesize = 11;
constexpr int kFieldCheck = 12;

class CpioTest : public ::testing::Test {
 protected:
  void SetUp() override {
    newc_ = read_runfile("tests/host/vfs/tree.cpio");
    crc_ = read_runfile("tests/host/vfs/tree_crc.cpio");
    ASSERT_GT(newc_.size(), 512u);
    ASSERT_GT(crc_.size(), 512u);
    offsets_ = header_offsets(newc_);
    ASSERT_GE(offsets_.size(), 3u);
  }
  // Offset of the header of member `name` in newc_.
  size_t header_of(const std::string& name) {
    for (size_t off : offsets_) {
      if (std::string(reinterpret_cast<const char*>(newc_.data() + off + 110)) == name) return off;
    }
    ADD_FAILURE() << "no member " << name;
    return 0;
  }
  std::vector<uint8_t> newc_;
  std::vector<uint8_t> crc_;
  std::vector<size_t> offsets_;
};

TEST_F(CpioTest, ReadsGnuNewcArchive) {
  std::vector<Member> members;
  CpioError error;
  ASSERT_TRUE(read_all(newc_, &members, &error).ok()) << error.message;
  std::vector<std::string> names;
  for (const Member& m : members) names.push_back(m.name);
  const std::vector<std::string> expected = {".",        "data",      "data/big.txt",        "data/empty",
                                             "data/hello.txt", "data/sub", "data/sub/nested.txt", "etc",
                                             "etc/motd", "tmp"};
  EXPECT_EQ(names, expected);
  for (const Member& m : members) {
    EXPECT_EQ(m.mtime, 1700000000u) << m.name;
    if (m.name == "data/hello.txt") {
      EXPECT_EQ(m.mode, 0100644u);  // GNU cpio writes upper-case hex: 000081A4
      EXPECT_EQ(m.data, "hello, world\n");
    }
    if (m.name == "data") { EXPECT_EQ(m.mode, 040755u); }
    if (m.name == "data/big.txt") { EXPECT_EQ(m.data.size(), 6400u); }
    if (m.name == "data/empty") { EXPECT_EQ(m.data.size(), 0u); }
  }
}

TEST_F(CpioTest, ReadsGnuCrcArchiveAndChecksData) {
  std::vector<Member> members;
  CpioError error;
  ASSERT_TRUE(read_all(crc_, &members, &error).ok()) << error.message;
  EXPECT_EQ(members.size(), 10u);
  // Flip one data byte of hello.txt: the checksum no longer matches.
  std::vector<uint8_t> bad = crc_;
  const std::string needle = "hello, world\n";
  auto it = std::search(bad.begin(), bad.end(), needle.begin(), needle.end());
  ASSERT_NE(it, bad.end());
  *it = 'H';
  EXPECT_NE(why(bad).find("crc: check"), std::string::npos) << why(bad);
}

TEST_F(CpioTest, AcceptsLowerCaseHex) {
  std::vector<uint8_t> a = newc_;
  for (size_t off : offsets_) {
    for (size_t i = 6; i < 110; ++i) a[off + i] = static_cast<uint8_t>(tolower(a[off + i]));
  }
  EXPECT_EQ(why(a), "OK");
}

TEST_F(CpioTest, EveryTruncationBeforeTheTrailerEndFails) {
  const size_t trailer = offsets_.back();
  const size_t trailer_end = (trailer + 110 + 11 + 3) & ~size_t{3};
  ASSERT_LE(trailer_end, newc_.size());
  for (size_t n = 0; n < trailer_end; ++n) {
    CpioError error;
    EXPECT_FALSE(cpio_validate(newc_.data(), n, &error).ok()) << "truncated to " << n;
  }
  // What follows the trailer is cpio's zero padding to 512 bytes: optional.
  for (size_t n = trailer_end; n <= newc_.size(); ++n) {
    EXPECT_TRUE(cpio_validate(newc_.data(), n, nullptr).ok()) << "truncated to " << n;
  }
}

TEST_F(CpioTest, TruncationMessagesNameTheProblem) {
  const size_t hello = header_of("data/hello.txt");
  EXPECT_NE(why(std::vector<uint8_t>(newc_.begin(), newc_.begin() + hello + 50)).find("truncated header"),
            std::string::npos);
  EXPECT_NE(why(std::vector<uint8_t>(newc_.begin(), newc_.begin() + hello + 115)).find("truncated name"),
            std::string::npos);
  EXPECT_NE(why(std::vector<uint8_t>(newc_.begin(), newc_.begin() + hello + 132)).find("truncated data"),
            std::string::npos);
  EXPECT_NE(why(std::vector<uint8_t>(newc_.begin(), newc_.begin() + hello)).find("without a TRAILER"),
            std::string::npos);
  EXPECT_NE(why({}).find("without a TRAILER"), std::string::npos);
}

TEST_F(CpioTest, BadMagic) {
  for (const char* magic : {"070707", "070703", "xxxxxx", "07070 "}) {
    std::vector<uint8_t> a = newc_;
    memcpy(a.data() + header_of("etc/motd"), magic, 6);
    const std::string msg = why(a);
    EXPECT_NE(msg.find("bad magic"), std::string::npos) << msg;
    EXPECT_NE(msg.find("offset " + std::to_string(header_of("etc/motd"))), std::string::npos) << msg;
  }
}

TEST_F(CpioTest, NonHexDigit) {
  for (char c : {'g', ' ', 'x', '\0', '-'}) {
    std::vector<uint8_t> a = newc_;
    a[header_of("data/hello.txt") + 6 + 8 * kFieldFilesize + 3] = static_cast<uint8_t>(c);
    EXPECT_NE(why(a).find("field filesize"), std::string::npos) << why(a);
  }
}

TEST_F(CpioTest, NameSizeChecks) {
  const size_t h = header_of("etc/motd");
  std::vector<uint8_t> a = newc_;
  set_field(a, h, kFieldNamesize, 0);
  EXPECT_NE(why(a).find("namesize is 0"), std::string::npos) << why(a);
  a = newc_;
  set_field(a, h, kFieldNamesize, 0xFFFFFFFF);
  EXPECT_NE(why(a).find("larger than"), std::string::npos) << why(a);
  a = newc_;
  set_field(a, h, kFieldNamesize, 4);  // "etc/" : no NUL at namesize - 1
  EXPECT_NE(why(a).find("not NUL-terminated"), std::string::npos) << why(a);
  a = newc_;
  a[h + 110 + 3] = 0;  // "etc\0motd\0"
  EXPECT_NE(why(a).find("NUL inside the name"), std::string::npos) << why(a);
}

TEST_F(CpioTest, PaddingMustBeZero) {
  // "data/hello.txt\0" is 15 bytes after a 110-byte header: 125 -> one pad byte.
  const size_t h = header_of("data/hello.txt");
  std::vector<uint8_t> a = newc_;
  a[h + 125] = 1;
  EXPECT_NE(why(a).find("name padding"), std::string::npos) << why(a);
  // 13 data bytes at h + 128 -> three pad bytes at h + 141.
  a = newc_;
  a[h + 141] = 'z';
  EXPECT_NE(why(a).find("data padding"), std::string::npos) << why(a);
}

TEST_F(CpioTest, FileSizePastTheEnd) {
  std::vector<uint8_t> a = newc_;
  set_field(a, header_of("etc/motd"), kFieldFilesize, 0xFFFFFFF0);
  EXPECT_NE(why(a).find("truncated data"), std::string::npos) << why(a);
  // A wrong (larger) size makes the next header land inside the real one.
  a = newc_;
  set_field(a, header_of("data/hello.txt"), kFieldFilesize, 17);
  EXPECT_NE(why(a).find("data padding byte is 0x37"), std::string::npos) << why(a);  // '7' of "070701"
  // 13 -> 16 only swallows the zero padding: still a well-formed archive
  // (of a different file), which no reader can tell apart.
  a = newc_;
  set_field(a, header_of("data/hello.txt"), kFieldFilesize, 16);
  EXPECT_EQ(why(a), "OK");
}

TEST_F(CpioTest, NewcCheckFieldMustBeZero) {
  std::vector<uint8_t> a = newc_;
  set_field(a, header_of("etc/motd"), kFieldCheck, 1);
  EXPECT_NE(why(a).find("check field"), std::string::npos) << why(a);
}

TEST_F(CpioTest, TrailerRules) {
  const size_t t = offsets_.back();
  std::vector<uint8_t> a = newc_;
  set_field(a, t, kFieldFilesize, 4);
  EXPECT_NE(why(a).find("TRAILER!!! has 4 data bytes"), std::string::npos) << why(a);
  a = newc_;
  a.back() = 0x55;  // garbage in the zero padding after the trailer
  EXPECT_NE(why(a).find("after TRAILER"), std::string::npos) << why(a);
  a = newc_;
  a.insert(a.end(), 512, 0);  // more zeros: fine
  EXPECT_EQ(why(a), "OK");
  // Two archives back to back (Linux initramfs allows it): refused here.
  a = newc_;
  a.insert(a.end(), newc_.begin(), newc_.end());
  EXPECT_NE(why(a).find("after TRAILER"), std::string::npos) << why(a);
}

TEST_F(CpioTest, ErrorsAreSticky) {
  std::vector<uint8_t> a = newc_;
  memcpy(a.data(), "123456", 6);
  CpioReader reader(a.data(), a.size());
  CpioEntry e;
  bool end = true;
  EXPECT_FALSE(reader.next(e, end).ok());
  EXPECT_FALSE(end);
  EXPECT_FALSE(reader.next(e, end).ok());
  EXPECT_EQ(reader.error().offset, 0u);
}

TEST_F(CpioTest, HandMadeArchiveRoundTrip) {
  std::vector<uint8_t> a = test::make_newc({{.name = "./x", .data = "abc"}, {.name = "d", .mode = test::kDirMode}});
  std::vector<Member> members;
  ASSERT_TRUE(read_all(a, &members, nullptr).ok()) << why(a);
  ASSERT_EQ(members.size(), 2u);
  EXPECT_EQ(members[0].name, "./x");
  EXPECT_EQ(members[0].data, "abc");
}

}  // namespace
}  // namespace uk::vfs
