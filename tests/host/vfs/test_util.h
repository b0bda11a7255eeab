// Helpers for tests/host/vfs: runfiles, and a small cpio newc writer for
// hand-made archives (the real ones come from GNU cpio, see BUILD).
#pragma once

#include <stdint.h>
#include <stdio.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace uk::vfs::test {

// `path` is relative to the workspace, e.g. "tests/host/vfs/tree.cpio".
inline std::vector<uint8_t> read_runfile(const std::string& path) {
  const char* root = std::getenv("TEST_SRCDIR");
  const std::string full = std::string(root != nullptr ? root : ".") + "/ukernel/" + path;
  std::ifstream in(full, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline std::string read_text_runfile(const std::string& path) {
  std::vector<uint8_t> b = read_runfile(path);
  return std::string(b.begin(), b.end());
}

constexpr uint32_t kFileMode = 0100644;
constexpr uint32_t kDirMode = 0040755;

struct NewcEntry {
  std::string name;
  uint32_t mode = kFileMode;
  std::string data;
  uint32_t nlink = 1;
  uint32_t mtime = 1700000000;
  uint32_t ino = 0;
};

// Appends one newc member (magic 070701, check 0) with correct padding.
inline void append_newc(std::vector<uint8_t>& out, const NewcEntry& e, const char* magic = "070701",
                        uint32_t check = 0) {
  char header[111];
  snprintf(header, sizeof header, "%s%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", magic, e.ino, e.mode,
           0u, 0u, e.nlink, e.mtime, static_cast<uint32_t>(e.data.size()), 0u, 0u, 0u, 0u,
           static_cast<uint32_t>(e.name.size() + 1), check);
  out.insert(out.end(), header, header + 110);
  out.insert(out.end(), e.name.begin(), e.name.end());
  out.push_back(0);
  while (out.size() % 4 != 0) out.push_back(0);
  out.insert(out.end(), e.data.begin(), e.data.end());
  while (out.size() % 4 != 0) out.push_back(0);
}

inline void append_trailer(std::vector<uint8_t>& out) {
  NewcEntry t;
  t.name = "TRAILER!!!";
  t.mode = 0;
  t.nlink = 1;
  t.mtime = 0;
  append_newc(out, t);
}

// A whole archive: the entries, then the trailer.
inline std::vector<uint8_t> make_newc(const std::vector<NewcEntry>& entries) {
  std::vector<uint8_t> out;
  for (const NewcEntry& e : entries) append_newc(out, e);
  append_trailer(out);
  return out;
}

// Offsets of every header in a well-formed newc archive (trailer included).
inline std::vector<size_t> header_offsets(const std::vector<uint8_t>& a) {
  std::vector<size_t> offs;
  size_t pos = 0;
  while (pos + 110 <= a.size()) {
    offs.push_back(pos);
    auto field = [&](int i) { return std::stoul(std::string(a.begin() + pos + 6 + 8 * i, a.begin() + pos + 14 + 8 * i), nullptr, 16); };
    const size_t filesize = field(6);
    const size_t namesize = field(11);
    const std::string name(reinterpret_cast<const char*>(a.data() + pos + 110));
    size_t next = (pos + 110 + namesize + 3) & ~size_t{3};
    next = (next + filesize + 3) & ~size_t{3};
    if (name == "TRAILER!!!") break;
    pos = next;
  }
  return offs;
}

}  // namespace uk::vfs::test
