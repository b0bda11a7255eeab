// The kernel's file system behind the Vfs* ring operations (docs/vfs.md is
// the reference): a read-only tree unpacked in place from a cpio newc
// archive in the image, plus writable in-memory files created with O_CREAT
// under a `path-rw` grant, stored in a fixed page pool handed in at init.
// Per-domain handle tables (DomainFiles) with kMaxHandles entries; every
// path a domain opens is normalised and checked against its grants.
//
// Portable: no heap, no system registers, fixed pools; the caller (ring op
// code) translates user pointers with user_range() and passes kernel
// pointers. Not thread safe: the kernel calls it with the big kernel lock.
//
// Errors are the Errno values below each function; a ring op completes with
// -errno. Handles are the raw u64 ring argument: anything that is not an
// open handle of this domain is kBadF.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <ukernel/sys.h>
#include <ukernel/vfs.h>

#include "kernel/lib/result.h"
#include "kernel/vfs/cpio.h"
#include "kernel/vfs/path.h"

namespace uk::vfs {

// ---- limits (docs/vfs.md "Limits") ------------------------------------------
inline constexpr size_t kMaxArchiveNodes = 512;     // archive entries + the root + implied parent dirs
inline constexpr size_t kMaxMemNodes = 64;          // writable files + grant directories, all domains
inline constexpr size_t kMaxMemNodesPerDomain = 16; // nodes one domain may create with O_CREAT
inline constexpr size_t kMaxHandles = 16;           // open handles per domain (kMFile beyond)
inline constexpr size_t kMaxPathGrants = 16;        // path grants per domain (bundle::kMaxGrants)
inline constexpr size_t kMaxDomainAccounts = 16;    // domains with storage accounts (kMaxDomains)
inline constexpr size_t kPageBytes = 4096;          // pool allocation unit
inline constexpr size_t kMaxFilePages = 64;         // hard cap per writable file ...
inline constexpr uint64_t kMaxFileBytesCap = kMaxFilePages * kPageBytes;  // ... 256 KiB
inline constexpr size_t kMaxPoolPages = 0xFFFE;     // page numbers are 16 bits
inline constexpr size_t kMaxIoBytes = UK_VFS_MAX_IO_BYTES;  // per VfsRead / VfsWrite
inline constexpr uint64_t kOffsetCurrent = UK_VFS_OFFSET_CURRENT;
inline constexpr uint64_t kUnlimitedQuota = UINT64_MAX;
inline constexpr uint32_t kDefaultDirPerm = 0755;

static_assert(kPageBytes * kMaxFilePages == kMaxFileBytesCap);
static_assert(UK_VFS_MAX_PATH_BYTES == kMaxPathBytes);

// Open flags the VFS accepts (ukernel/sys.h UK_O_*); any other bit is kInval.
inline constexpr uint32_t kAccessModeMask = 3;
inline constexpr uint32_t kKnownOpenFlags = kAccessModeMask | UK_O_CREAT | UK_O_EXCL | UK_O_TRUNC | UK_O_APPEND |
                                            UK_O_NONBLOCK | UK_O_DIRECTORY | UK_O_CLOEXEC;

enum class NodeType : uint8_t { kNone, kFile, kDir };

// An entry of the read-only tree; `path` points into the archive (internal
// form, see path.h; the root's is "").
struct ArchiveNode {
  const char* path = nullptr;
  uint16_t path_len = 0;
  NodeType type = NodeType::kNone;
  bool explicit_entry = false;  // listed in the archive (not implied by a child)
  uint16_t perm = 0;
  uint32_t mtime = 0;  // seconds
  const uint8_t* data = nullptr;
  uint64_t size = 0;
};

inline constexpr uint16_t kNoPage = 0xFFFF;

// A writable file (or a directory made for a rw grant), in the pool.
struct MemNode {
  bool in_use = false;
  NodeType type = NodeType::kNone;
  uint16_t perm = 0;
  uint16_t path_len = 0;
  char path[kMaxPathBytes + 1] = {};  // internal form
  uint32_t owner = 0;                 // domain id charged for its pages (0: the kernel)
  uint64_t size = 0;
  uint64_t mtime_ns = 0;
  uint16_t pages[kMaxFilePages] = {};  // kNoPage: a hole (reads as zeros)
};

// A domain's storage account for writable files (charged to the creator).
struct DomainAccount {
  bool in_use = false;
  uint32_t domain_id = 0;
  uint64_t quota_pages = 0;
  uint64_t used_pages = 0;
  uint32_t nodes = 0;  // files created
};

struct VfsConfig {
  // The cpio newc (or crc) archive; it must stay mapped and unchanged while
  // the VFS is used (the tree points into it). archive_bytes == 0: no
  // archive, the tree is only "/".
  const void* archive = nullptr;
  size_t archive_bytes = 0;
  // Storage for writable files: floor(pool_bytes / 4096) pages (at most
  // kMaxPoolPages), any alignment. 0 bytes: files can be created but not
  // written (kNoSpc).
  void* pool = nullptr;
  size_t pool_bytes = 0;
  // Per-file size limit, 1 .. kMaxFileBytesCap (writes beyond: kFBig).
  uint64_t max_file_bytes = kMaxFileBytesCap;
  // Time for memory files' mtime (ns); nullptr: 0.
  uint64_t (*now_ns)() = nullptr;
};

struct Vfs {
  bool ready = false;
  VfsConfig config;
  uint64_t max_file_bytes = 0;
  ArchiveNode archive[kMaxArchiveNodes];
  size_t archive_count = 0;
  MemNode mem[kMaxMemNodes];
  uint8_t* pool = nullptr;
  size_t pool_pages = 0;
  uint16_t free_head = kNoPage;  // intrusive free list through the pool pages
  size_t free_pages = 0;
  DomainAccount accounts[kMaxDomainAccounts];
};

// A path prefix the manifest grants (`path-ro` / `path-rw`). `prefix` is an
// absolute, normalised path ("/", "/data", "/tmp/app"; no trailing '/',
// no "." or ".." or empty component) of `len` bytes, not necessarily
// NUL-terminated. The VFS keeps the pointer: the string must outlive the
// domain's DomainFiles (bundle strings live as long as the kernel).
struct PathGrant {
  const char* prefix = nullptr;
  size_t len = 0;
  bool writable = false;
};

// One open handle.
struct OpenFile {
  bool in_use = false;
  bool readable = false;
  bool writable = false;
  uint16_t node = 0;   // node id (see vfs.cc: archive index, or kMemBase + mem index)
  uint32_t flags = 0;  // the UK_O_* flags it was opened with (CREAT/EXCL/TRUNC dropped)
  uint64_t pos = 0;
};

// A domain's view: its grants and its handle table. Embed one per domain.
struct DomainFiles {
  Vfs* vfs = nullptr;
  uint32_t domain_id = 0;
  uint32_t grant_count = 0;
  PathGrant grants[kMaxPathGrants];
  OpenFile handles[kMaxHandles];
};

// Why vfs_init refused the archive.
struct VfsInitError {
  uint64_t offset = 0;  // archive offset of the offending entry or byte
  char message[192] = {};
};

// ---- set-up ----------------------------------------------------------------

// Builds the tree from the archive and the page pool. Validates every cpio
// header (cpio.h) and then the tree: names must be "." (the root), or
// "./x/y", "x/y", "/x/y" with canonical components (no "..", ".", empty
// component, trailing '/'), at most kMaxPathBytes - 1 bytes after the
// prefix; types only regular files and directories; regular files with
// nlink 1 (hard links are refused); directories with size 0; no name twice;
// a parent is never a regular file; at most kMaxArchiveNodes nodes.
// Missing parent directories are implied (mode 0755). Errors: kInval (the
// archive, see `error`), kInval (bad config: pool null with bytes, or
// max_file_bytes 0 or > kMaxFileBytesCap). Resets everything (handles of
// attached domains become stale: attach again).
Status vfs_init(Vfs& vfs, const VfsConfig& config, VfsInitError* error);

// Gives a domain its view: grants are validated and copied (pointers), the
// handle table cleared, a storage account opened (or updated) for
// `domain_id` with `storage_quota_bytes` (rounded up to pages;
// kUnlimitedQuota: only the pool bounds it). The directory of every
// writable grant (and its missing ancestors) is created if the tree has no
// node there, so files can be created in it. Errors: kInval (domain id 0,
// null vfs / uninitialised, > kMaxPathGrants grants, a prefix that is not
// absolute and normalised or too long), kNotDir (a writable grant's path,
// or an ancestor, is a regular file), kNoSpc (no free account or memory
// node). On error nothing of the domain is attached (directories already
// created stay; they are harmless).
Status vfs_attach_domain(Vfs& vfs, DomainFiles& files, uint32_t domain_id, const PathGrant* grants,
                         size_t grant_count, uint64_t storage_quota_bytes);

// Closes every handle (domain exit). Files and the storage account stay.
void vfs_close_all(DomainFiles& files);

// ---- operations (one per ring op) ---------------------------------------------

// VfsOpen: returns the new handle (the lowest free one, 0..kMaxHandles-1).
//   flags: unknown bit, access mode 3, CREAT|DIRECTORY, TRUNC with RDONLY -> kInval
//   mode: bits outside 0777 -> kInval (used only when a file is created)
//   path: see normalize_path (kNoEnt, kNameTooLong, kInval)
//   no grant covers the path -> kAcces, whether or not it exists
//   write access (WRONLY/RDWR/TRUNC) without a covering rw grant -> kAcces
//   kMaxHandles open -> kMFile
//   exists: CREAT|EXCL -> kExist; directory with write access -> kIsDir;
//     regular file with DIRECTORY or a trailing '/' -> kNotDir;
//     archive file with write access -> kRofs; memory file with TRUNC -> size 0
//   missing: without CREAT -> kNoEnt (kNotDir if a granted ancestor is a file);
//     CREAT: trailing '/' -> kIsDir; no rw grant -> kAcces; parent missing ->
//     kNoEnt, parent a file -> kNotDir; node pool or the domain's
//     kMaxMemNodesPerDomain used up -> kNoSpc; else a new empty file (perm = mode)
// APPEND, NONBLOCK (no effect: nothing blocks), CLOEXEC (no effect: there is
// no exec) are kept on the handle and shown by stat.
Result<int> vfs_open(DomainFiles& files, const char* path, size_t path_len, uint64_t flags, uint64_t mode);

// VfsRead: bytes read (0 at or past the end), at most min(len, kMaxIoBytes).
//   kBadF (not open, or opened WRONLY), kIsDir, kInval (offset > INT64_MAX
//   and != kOffsetCurrent; buf null with len > 0).
// offset == kOffsetCurrent reads at the position and advances it.
Result<size_t> vfs_read(DomainFiles& files, uint64_t handle, void* buf, size_t len, uint64_t offset);

// VfsWrite: bytes written, at most min(len, kMaxIoBytes); a short count when
// the per-file limit, the pool or the domain's quota runs out part way.
//   kBadF (not open for writing), kIsDir, kInval (as read), kFBig (nothing
//   fits below max_file_bytes), kNoSpc (no page for the first byte: pool or
//   quota of the file's owner exhausted).
// offset == kOffsetCurrent writes at the position (at the end with APPEND)
// and advances it; an explicit offset is used as given (pwrite).
Result<size_t> vfs_write(DomainFiles& files, uint64_t handle, const void* buf, size_t len, uint64_t offset);

// VfsStat: fills `*out` (struct uk_stat, 64 bytes, an aligned kernel
// object). kBadF, kInval (out null).
Status vfs_stat(DomainFiles& files, uint64_t handle, uk_stat* out);
// The VfsStat argument rule: len >= sizeof(uk_stat) and flags == 0, else kInval.
[[nodiscard]] Status vfs_stat_args_ok(uint64_t len, uint64_t flags);
// VfsStat as the ring op sees it: checks len and flags (vfs_stat_args_ok),
// then the handle (kBadF), then copies the 64-byte record byte-wise to
// `buf` (any alignment; the caller translated sizeof(uk_stat) bytes of the
// user buffer, not `len`). Returns sizeof(uk_stat).
Result<size_t> vfs_stat_copy(DomainFiles& files, uint64_t handle, void* buf, uint64_t len, uint64_t flags);

// VfsSeek: the new position. whence UK_SEEK_SET / CUR / END (else kInval);
// a negative result -> kInval, one above INT64_MAX -> kOverflow; kBadF.
// Positions past the end are allowed (reads return 0; writes leave a hole).
Result<uint64_t> vfs_seek(DomainFiles& files, uint64_t handle, int64_t offset, uint64_t whence);

// VfsTruncate: sets the size. kBadF (not open for writing), kIsDir,
// kInval (length > INT64_MAX), kFBig (length > max_file_bytes). Shrinking
// frees whole pages past the end and zeroes the rest of the last page;
// growing leaves a hole. The position is not changed.
Status vfs_truncate(DomainFiles& files, uint64_t handle, uint64_t length);

// VfsSync: nothing to write back (memory only); kBadF, kInval (flags != 0).
Status vfs_sync(DomainFiles& files, uint64_t handle, uint64_t flags);

// VfsClose: kBadF.
Status vfs_close(DomainFiles& files, uint64_t handle);

// ---- introspection (tests, console) ----------------------------------------------
[[nodiscard]] size_t vfs_free_pages(const Vfs& vfs);
[[nodiscard]] size_t vfs_mem_nodes_in_use(const Vfs& vfs);
[[nodiscard]] size_t vfs_open_handles(const DomainFiles& files);
// Storage used by a domain's files, in pages (0 if it has no account).
[[nodiscard]] uint64_t vfs_domain_used_pages(const Vfs& vfs, uint32_t domain_id);

}  // namespace uk::vfs
