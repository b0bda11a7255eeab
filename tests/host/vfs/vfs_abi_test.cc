// ukernel/vfs.h (struct uk_stat and the VFS constants) in C++ and in C
// (vfs_abi_c.c) against the literals of docs/vfs.md.
#include <gtest/gtest.h>
#include <stddef.h>
#include <stdint.h>

#include <type_traits>

#include <ukernel/vfs.h>

extern "C" const uint64_t uk_vfs_c_layout[];
extern "C" const size_t uk_vfs_c_layout_count;

namespace {

constexpr uint64_t kExpected[] = {
    64, 8,                                  // sizeof, alignof
    0, 8, 16, 20, 24, 32, 40, 44, 48, 52, 56,  // ino .. reserved1
    UINT64_MAX,                             // UK_VFS_OFFSET_CURRENT
    65536,                                  // UK_VFS_MAX_IO_BYTES
    255,                                    // UK_VFS_MAX_PATH_BYTES
    0170000, 0040000, 0100000, 0777,        // S_IFMT, S_IFDIR, S_IFREG, permission bits
    1, 2,                                   // UK_STAT_F_ARCHIVE, UK_STAT_F_MEMORY
};

TEST(VfsAbi, CMatchesTheDocumentedLayout) {
  ASSERT_EQ(uk_vfs_c_layout_count, sizeof kExpected / sizeof kExpected[0]);
  for (size_t i = 0; i < uk_vfs_c_layout_count; ++i) EXPECT_EQ(uk_vfs_c_layout[i], kExpected[i]) << "entry " << i;
}

TEST(VfsAbi, CxxMatchesTheDocumentedLayout) {
  const uint64_t cxx[] = {
      sizeof(uk_stat), alignof(uk_stat), offsetof(uk_stat, ino), offsetof(uk_stat, size), offsetof(uk_stat, mode),
      offsetof(uk_stat, nlink), offsetof(uk_stat, mtime_ns), offsetof(uk_stat, blocks), offsetof(uk_stat, blksize),
      offsetof(uk_stat, flags), offsetof(uk_stat, open_flags), offsetof(uk_stat, reserved0),
      offsetof(uk_stat, reserved1), UK_VFS_OFFSET_CURRENT, UK_VFS_MAX_IO_BYTES, UK_VFS_MAX_PATH_BYTES, UK_S_IFMT,
      UK_S_IFDIR, UK_S_IFREG, UK_S_IPERM, UK_STAT_F_ARCHIVE, UK_STAT_F_MEMORY};
  static_assert(sizeof cxx == sizeof kExpected);
  for (size_t i = 0; i < sizeof cxx / sizeof cxx[0]; ++i) EXPECT_EQ(cxx[i], kExpected[i]) << "entry " << i;
  static_assert(std::is_same_v<ukernel::vfs::Stat, uk_stat>);
  static_assert(ukernel::vfs::OFFSET_CURRENT == UINT64_MAX);
}

}  // namespace
