/*
 * ukernel/vfs.h -- what the VFS operations exchange with a domain beyond
 * the op codes and open/seek flags of ukernel/sys.h: the stat record
 * (VfsStat), the "current position" offset (VfsRead / VfsWrite), mode bits.
 * docs/vfs.md is the reference. Freestanding C11 / C++20; stddef.h and stdint.h only.
 *
 * VfsStat  args: handle, user_buf, len, 0, flags (0)
 *          len >= sizeof(struct uk_stat) (64); the kernel writes exactly
 *          64 bytes and returns 64. A shorter len is -EINVAL.
 * VfsRead / VfsWrite  args: handle, user_buf, len, offset, 0
 *          offset == UK_VFS_OFFSET_CURRENT: read/write at the handle's
 *          position and advance it (read(2)/write(2)); O_APPEND writes go to
 *          the end of the file. Any other offset (<= INT64_MAX): at that
 *          offset, the position is neither used nor changed
 *          (pread(2)/pwrite(2), also with O_APPEND, as POSIX says).
 */
#ifndef UKERNEL_VFS_H
#define UKERNEL_VFS_H

#include <stddef.h>
#include <stdint.h>

/* VfsRead / VfsWrite offset meaning "the handle's current position". */
#define UK_VFS_OFFSET_CURRENT UINT64_MAX

/* Most bytes one VfsRead / VfsWrite transfers (the kernel refuses a larger
 * len with -EINVAL; split bigger transfers into several ops). */
#define UK_VFS_MAX_IO_BYTES 65536u

/* Most bytes in a VfsOpen path (no NUL needed; path_len counts bytes). */
#define UK_VFS_MAX_PATH_BYTES 255u

/* uk_stat.mode: file type (POSIX S_IF* values) and permission bits. */
#define UK_S_IFMT 0170000u
#define UK_S_IFDIR 0040000u
#define UK_S_IFREG 0100000u
#define UK_S_IPERM 0777u

/* uk_stat.flags */
#define UK_STAT_F_ARCHIVE 0x1u  /* from the read-only cpio archive in the image */
#define UK_STAT_F_MEMORY 0x2u   /* a writable in-memory node (created with O_CREAT, or a grant's directory) */

/* The VfsStat record: 64 bytes, little endian, naturally aligned. */
struct uk_stat {
    uint64_t ino;          /*  0: node number, unique while the kernel runs (not the archive's) */
    uint64_t size;         /*  8: bytes (0 for directories) */
    uint32_t mode;         /* 16: UK_S_IFREG or UK_S_IFDIR | permission bits */
    uint32_t nlink;        /* 20: 1 for files, 2 for directories */
    uint64_t mtime_ns;     /* 24: archive: its mtime (s since 1970) * 1e9; memory: kernel clock at last change */
    uint64_t blocks;       /* 32: storage used, in 512-byte units */
    uint32_t blksize;      /* 40: preferred I/O size: 4096 */
    uint32_t flags;        /* 44: UK_STAT_F_* */
    uint32_t open_flags;   /* 48: this handle's UK_O_* flags (access mode, APPEND, NONBLOCK, CLOEXEC, ...) */
    uint32_t reserved0;    /* 52: 0 */
    uint64_t reserved1;    /* 56: 0 */
};

#if defined(__cplusplus)
static_assert(sizeof(struct uk_stat) == 64, "uk_stat is 64 bytes");
static_assert(alignof(struct uk_stat) == 8, "uk_stat is 8-byte aligned");
static_assert(offsetof(struct uk_stat, ino) == 0, "uk_stat.ino");
static_assert(offsetof(struct uk_stat, size) == 8, "uk_stat.size");
static_assert(offsetof(struct uk_stat, mode) == 16, "uk_stat.mode");
static_assert(offsetof(struct uk_stat, nlink) == 20, "uk_stat.nlink");
static_assert(offsetof(struct uk_stat, mtime_ns) == 24, "uk_stat.mtime_ns");
static_assert(offsetof(struct uk_stat, blocks) == 32, "uk_stat.blocks");
static_assert(offsetof(struct uk_stat, blksize) == 40, "uk_stat.blksize");
static_assert(offsetof(struct uk_stat, flags) == 44, "uk_stat.flags");
static_assert(offsetof(struct uk_stat, open_flags) == 48, "uk_stat.open_flags");
static_assert(offsetof(struct uk_stat, reserved0) == 52, "uk_stat.reserved0");
static_assert(offsetof(struct uk_stat, reserved1) == 56, "uk_stat.reserved1");
namespace ukernel::vfs {
using Stat = ::uk_stat;
inline constexpr uint64_t OFFSET_CURRENT = UK_VFS_OFFSET_CURRENT;
}  // namespace ukernel::vfs
#else
_Static_assert(sizeof(struct uk_stat) == 64, "uk_stat is 64 bytes");
_Static_assert(_Alignof(struct uk_stat) == 8, "uk_stat is 8-byte aligned");
_Static_assert(offsetof(struct uk_stat, mtime_ns) == 24, "uk_stat.mtime_ns");
_Static_assert(offsetof(struct uk_stat, open_flags) == 48, "uk_stat.open_flags");
#endif

#endif /* UKERNEL_VFS_H */
