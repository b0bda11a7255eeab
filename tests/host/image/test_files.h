// Test inputs for tests/host/image: files from Bazel runfiles and
// little-endian field access for mutating ELF images and bundles.
#pragma once

#include <stdint.h>
#include <string.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace uk::test {

// `path` is relative to the workspace, e.g. "tests/build/hello.elf".
inline std::vector<uint8_t> read_runfile(const std::string& path) {
  const char* root = std::getenv("TEST_SRCDIR");
  const std::string full = std::string(root != nullptr ? root : ".") + "/ukernel/" + path;
  std::ifstream in(full, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

template <typename T>
T get(const std::vector<uint8_t>& b, size_t off) {
  T v;
  memcpy(&v, b.data() + off, sizeof v);
  return v;
}

template <typename T>
void put(std::vector<uint8_t>& b, size_t off, T v) {
  memcpy(b.data() + off, &v, sizeof v);
}

// Bytes in 8-byte-aligned storage (bundles are read in place).
struct Aligned {
  explicit Aligned(const std::vector<uint8_t>& bytes) : storage(bytes.size() / 8 + 1), size(bytes.size()) {
    if (!bytes.empty()) memcpy(storage.data(), bytes.data(), bytes.size());
  }
  std::vector<uint64_t> storage;
  size_t size;
  uint8_t* data() { return reinterpret_cast<uint8_t*>(storage.data()); }
};

}  // namespace uk::test
