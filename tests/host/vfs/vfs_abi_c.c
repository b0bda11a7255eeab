/* ukernel/vfs.h as a C11 compiler sees it: sizes, offsets and constants,
 * compared with literals by vfs_abi_test.cc. */
#include <stddef.h>
#include <stdint.h>

#include <ukernel/vfs.h>

const uint64_t uk_vfs_c_layout[] = {
    sizeof(struct uk_stat),
    _Alignof(struct uk_stat),
    offsetof(struct uk_stat, ino),
    offsetof(struct uk_stat, size),
    offsetof(struct uk_stat, mode),
    offsetof(struct uk_stat, nlink),
    offsetof(struct uk_stat, mtime_ns),
    offsetof(struct uk_stat, blocks),
    offsetof(struct uk_stat, blksize),
    offsetof(struct uk_stat, flags),
    offsetof(struct uk_stat, open_flags),
    offsetof(struct uk_stat, reserved0),
    offsetof(struct uk_stat, reserved1),
    UK_VFS_OFFSET_CURRENT,
    UK_VFS_MAX_IO_BYTES,
    UK_VFS_MAX_PATH_BYTES,
    UK_S_IFMT,
    UK_S_IFDIR,
    UK_S_IFREG,
    UK_S_IPERM,
    UK_STAT_F_ARCHIVE,
    UK_STAT_F_MEMORY,
};
const size_t uk_vfs_c_layout_count = sizeof uk_vfs_c_layout / sizeof uk_vfs_c_layout[0];
