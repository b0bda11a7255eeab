// Locating and loading test data files (device-tree blobs) from Bazel runfiles.
#pragma once

#include <stdint.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace uk::test {

// `runfiles_path` is relative to the runfiles root, e.g.
// "ukernel/tests/host/qemu_virt_gicv2.dtb" or
// "debian_files/linux-dtbs/bcm2711-rpi-4-b.dtb". Outside Bazel set
// TEST_SRCDIR to a directory laid out the same way.
inline std::string runfile(const std::string& runfiles_path) {
  const char* root = std::getenv("TEST_SRCDIR");
  return std::string(root != nullptr ? root : ".") + "/" + runfiles_path;
}

// A blob in 8-byte-aligned storage (FDTs must be 8-byte aligned), with
// `slack` extra zero bytes so tests can grow the tree in place.
struct Blob {
  std::vector<uint64_t> storage;
  size_t size = 0;
  uint8_t* bytes() { return reinterpret_cast<uint8_t*>(storage.data()); }
  const uint8_t* bytes() const { return reinterpret_cast<const uint8_t*>(storage.data()); }
  size_t capacity() const { return storage.size() * sizeof(uint64_t); }
};

inline Blob make_blob(const void* data, size_t size, size_t slack = 0) {
  Blob b;
  b.storage.assign((size + slack + 7) / 8, 0);
  std::memcpy(b.storage.data(), data, size);
  b.size = size;
  return b;
}

inline bool load_blob(const std::string& path, Blob* out, size_t slack = 0) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return false;
  std::vector<char> raw((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  *out = make_blob(raw.data(), raw.size(), slack);
  return true;
}

}  // namespace uk::test
