/*
 * ukernel/posix.h -- a POSIX-flavoured layer over the ring (C and C++).
 *
 * docs/posix.md is the reference. Two forms of every call:
 *
 *   raw     uk_open, uk_read, uk_write, uk_pread, uk_pwrite, uk_close,
 *           uk_lseek, uk_fstat, uk_ftruncate, uk_fsync, uk_mmap, uk_munmap,
 *           uk_mprotect, uk_clock_gettime, uk_getrandom, uk_kill,
 *           uk_check_signals: return the result (>= 0) or -errno (UK_E*,
 *           <ukernel/errno.h>); errno is not touched. (uk_exit is in
 *           <ukernel/ring.h>.)
 *   POSIX   open, read, write, pread, pwrite, close, lseek, fstat,
 *           ftruncate, fsync, mmap, munmap, mprotect, clock_gettime,
 *           getrandom, kill, exit, _exit: return -1 (MAP_FAILED for mmap)
 *           and set errno on failure, like their POSIX namesakes.
 *
 *   Batches (struct uk_batch, uk_batch_*): queue several calls, run them
 *   with as few SYS_SUBMITs as the dependencies allow, then read each
 *   result (-errno form). A call may take the fd an earlier open of the
 *   same batch will return: UK_BATCH_FD(i).
 *
 * errno
 *   One plain global, uk_errno (`errno` is a macro for it): there is no
 *   thread-local storage in domains yet, so it is shared by the domain's
 *   threads; multi-threaded code should use the raw forms.
 *
 * Threads
 *   Every call goes through the ring client, which takes the domain's ring
 *   lock (ukernel/ring.h), so raw forms and batches may be used from several
 *   threads; batches share scratch space under a lock of their own. One
 *   struct uk_batch must be used by one thread at a time. Only errno is
 *   shared.
 *
 * File descriptors
 *   fd = VFS handle + 3 (UK_POSIX_FD_BASE). fds 0, 1, 2 are the console:
 *   read(0) returns 0 (end of file), write(1 or 2) prints through
 *   DebugPrint (capability "debug"), close(0..2) does nothing and returns
 *   0, lseek -> ESPIPE, fstat -> a character device. Negative fds -> EBADF.
 *
 * Short names
 *   The POSIX names (functions, types ssize_t off_t mode_t clockid_t pid_t
 *   time_t, struct timespec, struct stat, O_* PROT_* MAP_* CLOCK_* SEEK_*
 *   E* S_* GRND_* SIG*) are declared only in freestanding builds (domains)
 *   or with UK_POSIX_SHORT_NAMES defined, and never with
 *   UK_POSIX_NO_SHORT_NAMES: on a hosted system they would collide with the
 *   C library's. The uk_ names are always there. The POSIX functions are
 *   defined by //userland/posix:posix only for bare-metal (domain) builds.
 *
 * Capabilities (manifest `caps:`): files (open ... fsync), memory (mmap,
 * munmap, mprotect), time (clock_gettime), random (getrandom), signals
 * (kill, uk_check_signals), exit (exit), debug (write to fd 1/2). Without
 * one the call fails with EPERM.
 *
 * Freestanding C11 / C++20. Build: deps = ["//userland/posix"].
 */
#ifndef UKERNEL_POSIX_H
#define UKERNEL_POSIX_H

#include <stddef.h>
#include <stdint.h>

#include <ukernel/errno.h>
#include <ukernel/ring.h>
#include <ukernel/sys.h>
#include <ukernel/vfs.h>

#if defined(__cplusplus)
#define UK_POSIX_NOEXCEPT noexcept
#define UK_POSIX_NORETURN [[noreturn]]
#else
#define UK_POSIX_NOEXCEPT
#define UK_POSIX_NORETURN _Noreturn
#endif

/* ======================================================================== */
/* Constants (always available, UK_ prefixed).                               */
/* ======================================================================== */

/* fd = VFS handle + UK_POSIX_FD_BASE; 0, 1, 2 are the console. */
#define UK_POSIX_FD_BASE 3
#define UK_STDIN_FILENO 0
#define UK_STDOUT_FILENO 1
#define UK_STDERR_FILENO 2

/* mmap flags (Linux values). The ABI's MapAnonymous knows only FIXED and
 * POPULATE; uk_mmap requires ANONYMOUS and exactly one of SHARED/PRIVATE
 * (identical here: there is no fork) and drops them. FIXED and
 * FIXED_NOREPLACE both become the ABI's FIXED, which never replaces a
 * mapping (-EEXIST): POSIX MAP_FIXED would. */
#define UK_MAP_SHARED 0x01u
#define UK_MAP_PRIVATE 0x02u
#define UK_MAP_ANONYMOUS 0x20u
#define UK_MAP_FIXED_NOREPLACE 0x100000u
/* (UK_MAP_FIXED 0x10 and UK_MAP_POPULATE 0x8000 are in ukernel/sys.h.) */
#define UK_MAP_FAILED ((void *)-1)

/* getrandom flags (Linux values): accepted, no effect (the generator never
 * blocks once seeded; before that GetRandom is -EAGAIN). */
#define UK_GRND_NONBLOCK 0x1u
#define UK_GRND_RANDOM 0x2u

/* Console fds' st_mode. */
#define UK_S_IFCHR 0020000u

/* Signals: numbers 1..63, no payload, no default action (the target polls
 * with uk_check_signals). Bit (n - 1) of the mask is signal n. Linux numbers
 * for the usual names. */
#define UK_SIGHUP 1
#define UK_SIGINT 2
#define UK_SIGKILL 9
#define UK_SIGUSR1 10
#define UK_SIGUSR2 12
#define UK_SIGALRM 14
#define UK_SIGTERM 15
#define UK_SIGMAX 63
#define UK_SIGBIT(n) (UINT64_C(1) << ((n) - 1))

/* Most bytes one GetRandom op returns; uk_getrandom splits longer requests. */
#define UK_GETRANDOM_OP_MAX 256u

/* ======================================================================== */
/* Types.                                                                    */
/* ======================================================================== */

/* The same layout as POSIX struct timespec on AArch64 (LP64). */
struct uk_timespec {
    int64_t tv_sec;
    int64_t tv_nsec; /* 0 .. 999999999 */
};

#if defined(__cplusplus)
extern "C" {
#endif

/* ======================================================================== */
/* errno.                                                                    */
/* ======================================================================== */

/* The last error of a POSIX-form call (positive UK_E*). Never reset to 0 by
 * a successful call, as POSIX says. One global for all threads. */
extern int uk_errno;

/* ======================================================================== */
/* Raw forms: result >= 0, or -errno. Not one of them touches uk_errno.      */
/* ======================================================================== */

/* VfsOpen. path: NUL-terminated, absolute; its length (without the NUL) is
 * what the kernel sees. flags UK_O_*, mode 0..0777 (with UK_O_CREAT).
 * Returns the new fd (handle + 3). NULL path: -EFAULT. */
int64_t uk_open(const char *path, uint32_t flags, uint32_t mode) UK_POSIX_NOEXCEPT;
/* VfsRead / VfsWrite at the fd's position (which moves): bytes moved, at
 * most UK_VFS_MAX_IO_BYTES per call (a short count, like read(2)). */
int64_t uk_read(int fd, void *buf, size_t len) UK_POSIX_NOEXCEPT;
int64_t uk_write(int fd, const void *buf, size_t len) UK_POSIX_NOEXCEPT;
/* The same at an explicit offset (0 .. INT64_MAX; else -EINVAL); the
 * position is neither used nor changed. */
int64_t uk_pread(int fd, void *buf, size_t len, int64_t offset) UK_POSIX_NOEXCEPT;
int64_t uk_pwrite(int fd, const void *buf, size_t len, int64_t offset) UK_POSIX_NOEXCEPT;
/* VfsClose. 0. */
int64_t uk_close(int fd) UK_POSIX_NOEXCEPT;
/* VfsSeek(whence UK_SEEK_*): the new offset. */
int64_t uk_lseek(int fd, int64_t offset, int whence) UK_POSIX_NOEXCEPT;
/* VfsStat: the kernel's 64-byte record (ukernel/vfs.h). 0. */
int64_t uk_fstat(int fd, struct uk_stat *st) UK_POSIX_NOEXCEPT;
/* VfsTruncate (length 0 .. INT64_MAX) / VfsSync. 0. */
int64_t uk_ftruncate(int fd, int64_t length) UK_POSIX_NOEXCEPT;
int64_t uk_fsync(int fd) UK_POSIX_NOEXCEPT;

/* MapAnonymous: the address. prot UK_PROT_*, flags UK_MAP_* above; fd must
 * be -1 and offset 0 (-EINVAL otherwise: anonymous memory only). addr is a
 * hint, or the exact address with UK_MAP_FIXED / UK_MAP_FIXED_NOREPLACE. */
int64_t uk_mmap(void *addr, size_t len, int prot, int flags, int fd, int64_t offset) UK_POSIX_NOEXCEPT;
/* Munmap / Mprotect: whole regions made by one mmap only (-EINVAL else). 0. */
int64_t uk_munmap(void *addr, size_t len) UK_POSIX_NOEXCEPT;
int64_t uk_mprotect(void *addr, size_t len, int prot) UK_POSIX_NOEXCEPT;

/* GetTimeNs(clock UK_CLOCK_*), split into seconds and nanoseconds. 0.
 * ts NULL: -EFAULT. */
int64_t uk_clock_gettime(uint32_t clock_id, struct uk_timespec *ts) UK_POSIX_NOEXCEPT;
/* GetRandom, UK_GETRANDOM_OP_MAX bytes per op: len bytes (or, if an op after
 * the first fails, the bytes delivered so far). flags UK_GRND_* (else
 * -EINVAL). */
int64_t uk_getrandom(void *buf, size_t len, unsigned flags) UK_POSIX_NOEXCEPT;
/* SendSignal(domain_id, signo): signo 0..63 (0 only checks the target may be
 * signalled). 0; -EPERM (no `grant: signal` for the target), -ESRCH (target
 * not running), -EINVAL (signo > 63). */
int64_t uk_kill(uint64_t domain_id, int signo) UK_POSIX_NOEXCEPT;
/* CheckSignals: the pending mask (bit n-1 = signal n), which it clears. */
int64_t uk_check_signals(void) UK_POSIX_NOEXCEPT;

/* struct uk_stat -> POSIX-shaped fields are filled by fstat(); see below. */

/* ======================================================================== */
/* Batches.                                                                  */
/* ======================================================================== */

/* An fd argument meaning "the fd entry i of this batch (an open) returns".
 * If that open fails, the entry is not submitted and its result is -EBADF. */
#define UK_BATCH_FD_REF_BASE (-0x40000000)
#define UK_BATCH_FD(i) (UK_BATCH_FD_REF_BASE + (int)(i))

/* user_data of batch ops: UK_BATCH_TAG | (serial << 16) | index (below the
 * ring helpers' UK_RING_HELPER_TAG). */
#define UK_BATCH_TAG UINT64_C(0xB47C000000000000)

/* Most entries one batch can hold (index must fit 16 bits). */
#define UK_BATCH_MAX_ENTRIES 4096u

/* One queued call (treat as opaque). */
struct uk_batch_entry {
    struct uk_op op;   /* the ring op (args patched when fd_ref resolves) */
    int64_t result;    /* raw-form result once run; -UK_EAGAIN before */
    void *out;         /* struct uk_timespec * for clock_gettime */
    int32_t fd_ref;    /* index of the open whose fd args[0] takes, or -1 */
    uint8_t kind;      /* internal: how the result is post-processed */
    uint8_t done;      /* 1 once result is final */
    uint16_t _pad;
};

struct uk_batch {
    struct uk_batch_entry *entries; /* caller's storage */
    uint32_t capacity;
    uint32_t count;
    uint32_t submits;  /* SYS_SUBMITs the last uk_batch_submit made */
    uint32_t waves;    /* dependency waves it ran */
    uint32_t serial;   /* tags this batch's completions */
};

/* Sets up an empty batch over storage for `capacity` entries (at most
 * UK_BATCH_MAX_ENTRIES). */
void uk_batch_init(struct uk_batch *b, struct uk_batch_entry *storage, uint32_t capacity) UK_POSIX_NOEXCEPT;
/* Forgets every entry (storage reused). */
void uk_batch_reset(struct uk_batch *b) UK_POSIX_NOEXCEPT;

/* Queueing: each returns the entry's index (>= 0), or -UK_ENOBUFS when the
 * batch is full (nothing queued). Nothing runs until uk_batch_submit;
 * pointers (paths, buffers, ts) must stay valid until then. Arguments the
 * raw form refuses before any op (a bad fd, an fd reference to an entry
 * that is not an earlier open, bad mmap flags, ...) and calls that need no
 * op (read(0), close(1), fstat(2), ...) still take an index: the entry is
 * complete at once with the raw form's result. fd arguments may be
 * UK_BATCH_FD(i). */
int uk_batch_open(struct uk_batch *b, const char *path, uint32_t flags, uint32_t mode) UK_POSIX_NOEXCEPT;
int uk_batch_read(struct uk_batch *b, int fd, void *buf, size_t len) UK_POSIX_NOEXCEPT;
int uk_batch_pread(struct uk_batch *b, int fd, void *buf, size_t len, int64_t offset) UK_POSIX_NOEXCEPT;
int uk_batch_write(struct uk_batch *b, int fd, const void *buf, size_t len) UK_POSIX_NOEXCEPT;
int uk_batch_pwrite(struct uk_batch *b, int fd, const void *buf, size_t len, int64_t offset) UK_POSIX_NOEXCEPT;
int uk_batch_lseek(struct uk_batch *b, int fd, int64_t offset, int whence) UK_POSIX_NOEXCEPT;
int uk_batch_fstat(struct uk_batch *b, int fd, struct uk_stat *st) UK_POSIX_NOEXCEPT;
int uk_batch_ftruncate(struct uk_batch *b, int fd, int64_t length) UK_POSIX_NOEXCEPT;
int uk_batch_fsync(struct uk_batch *b, int fd) UK_POSIX_NOEXCEPT;
int uk_batch_close(struct uk_batch *b, int fd) UK_POSIX_NOEXCEPT;
int uk_batch_mmap(struct uk_batch *b, void *addr, size_t len, int prot, int flags) UK_POSIX_NOEXCEPT;
int uk_batch_munmap(struct uk_batch *b, void *addr, size_t len) UK_POSIX_NOEXCEPT;
int uk_batch_mprotect(struct uk_batch *b, void *addr, size_t len, int prot) UK_POSIX_NOEXCEPT;
int uk_batch_clock_gettime(struct uk_batch *b, uint32_t clock_id, struct uk_timespec *ts) UK_POSIX_NOEXCEPT;
/* One GetRandom op: len <= UK_GETRANDOM_OP_MAX. */
int uk_batch_getrandom(struct uk_batch *b, void *buf, size_t len) UK_POSIX_NOEXCEPT;
int uk_batch_kill(struct uk_batch *b, uint64_t domain_id, int signo) UK_POSIX_NOEXCEPT;
/* Any ring op, arguments verbatim (args NULL: all 0); result as completed. */
int uk_batch_op(struct uk_batch *b, uint16_t opcode, const uint64_t *args) UK_POSIX_NOEXCEPT;

/* Runs every entry not yet run. Entries go to the ring in order, as many per
 * SYS_SUBMIT as fit; an entry whose fd comes from an open of the same batch
 * waits for that open's completion (a new wave). Returns the number of
 * entries whose result is < 0 (0: all succeeded), or -errno when the ring
 * itself failed (entries not run then keep that error as their result).
 * b->submits and b->waves say what it took. */
int64_t uk_batch_submit(struct uk_batch *b) UK_POSIX_NOEXCEPT;
/* Entry i's result in raw form: open -> fd, read/write -> bytes, lseek ->
 * offset, mmap -> address, getrandom -> bytes, others 0; or -errno.
 * -UK_EINVAL for an index that was never queued. */
int64_t uk_batch_result(const struct uk_batch *b, int index) UK_POSIX_NOEXCEPT;

#if defined(__cplusplus)
} /* extern "C" */
#endif

/* ======================================================================== */
/* POSIX names.                                                              */
/* ======================================================================== */
#if !defined(UK_POSIX_NO_SHORT_NAMES) && (defined(UK_POSIX_SHORT_NAMES) || !__STDC_HOSTED__)
#define UK_POSIX_HAVE_SHORT_NAMES 1

typedef int64_t ssize_t;
typedef int64_t off_t;
typedef uint32_t mode_t;
typedef int32_t clockid_t;
typedef int64_t pid_t; /* a domain id */
typedef int64_t time_t;

struct timespec {
    time_t tv_sec;
    long tv_nsec;
};

/* What fstat() reports: POSIX fields from the kernel's struct uk_stat. */
struct stat {
    uint64_t st_dev;   /* 0 */
    uint64_t st_ino;   /* uk_stat.ino */
    mode_t st_mode;    /* uk_stat.mode (S_IFREG / S_IFDIR | 0777 bits); S_IFCHR for fds 0-2 */
    uint32_t st_nlink; /* uk_stat.nlink */
    uint32_t st_uid;   /* 0 */
    uint32_t st_gid;   /* 0 */
    uint64_t st_rdev;  /* 0 */
    off_t st_size;     /* uk_stat.size */
    int64_t st_blksize;          /* uk_stat.blksize (4096) */
    int64_t st_blocks;           /* uk_stat.blocks (512-byte units) */
    struct timespec st_atim;     /* = st_mtim */
    struct timespec st_mtim;     /* uk_stat.mtime_ns */
    struct timespec st_ctim;     /* = st_mtim */
    uint32_t st_uk_flags;        /* uk_stat.flags (UK_STAT_F_ARCHIVE / _MEMORY) */
    uint32_t st_uk_open_flags;   /* uk_stat.open_flags: this fd's O_* flags */
};
#define st_atime st_atim.tv_sec
#define st_mtime st_mtim.tv_sec
#define st_ctime st_ctim.tv_sec

#ifndef errno
#define errno uk_errno
#endif

#define STDIN_FILENO UK_STDIN_FILENO
#define STDOUT_FILENO UK_STDOUT_FILENO
#define STDERR_FILENO UK_STDERR_FILENO

#define O_RDONLY UK_O_RDONLY
#define O_WRONLY UK_O_WRONLY
#define O_RDWR UK_O_RDWR
#define O_ACCMODE 3u
#define O_CREAT UK_O_CREAT
#define O_EXCL UK_O_EXCL
#define O_TRUNC UK_O_TRUNC
#define O_APPEND UK_O_APPEND
#define O_NONBLOCK UK_O_NONBLOCK
#define O_DIRECTORY UK_O_DIRECTORY
#define O_CLOEXEC UK_O_CLOEXEC

#define SEEK_SET UK_SEEK_SET
#define SEEK_CUR UK_SEEK_CUR
#define SEEK_END UK_SEEK_END

#define PROT_NONE UK_PROT_NONE
#define PROT_READ UK_PROT_READ
#define PROT_WRITE UK_PROT_WRITE
#define PROT_EXEC UK_PROT_EXEC

#define MAP_SHARED UK_MAP_SHARED
#define MAP_PRIVATE UK_MAP_PRIVATE
#define MAP_ANONYMOUS UK_MAP_ANONYMOUS
#define MAP_ANON UK_MAP_ANONYMOUS
#define MAP_FIXED UK_MAP_FIXED
#define MAP_FIXED_NOREPLACE UK_MAP_FIXED_NOREPLACE
#define MAP_POPULATE UK_MAP_POPULATE
#define MAP_FAILED UK_MAP_FAILED

#define CLOCK_REALTIME ((clockid_t)UK_CLOCK_REALTIME)
#define CLOCK_MONOTONIC ((clockid_t)UK_CLOCK_MONOTONIC)

#define GRND_NONBLOCK UK_GRND_NONBLOCK
#define GRND_RANDOM UK_GRND_RANDOM

#define S_IFMT UK_S_IFMT
#define S_IFDIR UK_S_IFDIR
#define S_IFREG UK_S_IFREG
#define S_IFCHR UK_S_IFCHR
#define S_ISDIR(m) (((m) & UK_S_IFMT) == UK_S_IFDIR)
#define S_ISREG(m) (((m) & UK_S_IFMT) == UK_S_IFREG)
#define S_ISCHR(m) (((m) & UK_S_IFMT) == UK_S_IFCHR)

#define SIGHUP UK_SIGHUP
#define SIGINT UK_SIGINT
#define SIGKILL UK_SIGKILL
#define SIGUSR1 UK_SIGUSR1
#define SIGUSR2 UK_SIGUSR2
#define SIGALRM UK_SIGALRM
#define SIGTERM UK_SIGTERM

#ifndef EPERM
#define EPERM UK_EPERM
#define ENOENT UK_ENOENT
#define ESRCH UK_ESRCH
#define EINTR UK_EINTR
#define EIO UK_EIO
#define E2BIG UK_E2BIG
#define EBADF UK_EBADF
#define EAGAIN UK_EAGAIN
#define EWOULDBLOCK UK_EAGAIN
#define ENOMEM UK_ENOMEM
#define EACCES UK_EACCES
#define EFAULT UK_EFAULT
#define EBUSY UK_EBUSY
#define EEXIST UK_EEXIST
#define ENOTDIR UK_ENOTDIR
#define EISDIR UK_EISDIR
#define EINVAL UK_EINVAL
#define EMFILE UK_EMFILE
#define EFBIG UK_EFBIG
#define ENOSPC UK_ENOSPC
#define ESPIPE UK_ESPIPE
#define EROFS UK_EROFS
#define ERANGE UK_ERANGE
#define ENAMETOOLONG UK_ENAMETOOLONG
#define ENOSYS UK_ENOSYS
#define EOVERFLOW UK_EOVERFLOW
#define EOPNOTSUPP UK_EOPNOTSUPP
#define ENOBUFS UK_ENOBUFS
#define ETIMEDOUT UK_ETIMEDOUT
#endif

#if defined(__cplusplus)
extern "C" {
#endif

/* POSIX forms: -1 (mmap: MAP_FAILED) and errno on failure. */
int open(const char *path, int flags, ...) UK_POSIX_NOEXCEPT; /* mode_t mode with O_CREAT */
ssize_t read(int fd, void *buf, size_t len) UK_POSIX_NOEXCEPT;
ssize_t write(int fd, const void *buf, size_t len) UK_POSIX_NOEXCEPT;
ssize_t pread(int fd, void *buf, size_t len, off_t offset) UK_POSIX_NOEXCEPT;
ssize_t pwrite(int fd, const void *buf, size_t len, off_t offset) UK_POSIX_NOEXCEPT;
int close(int fd) UK_POSIX_NOEXCEPT;
off_t lseek(int fd, off_t offset, int whence) UK_POSIX_NOEXCEPT;
int fstat(int fd, struct stat *st) UK_POSIX_NOEXCEPT;
int ftruncate(int fd, off_t length) UK_POSIX_NOEXCEPT;
int fsync(int fd) UK_POSIX_NOEXCEPT;
void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t offset) UK_POSIX_NOEXCEPT;
int munmap(void *addr, size_t len) UK_POSIX_NOEXCEPT;
int mprotect(void *addr, size_t len, int prot) UK_POSIX_NOEXCEPT;
int clock_gettime(clockid_t clock_id, struct timespec *ts) UK_POSIX_NOEXCEPT;
ssize_t getrandom(void *buf, size_t len, unsigned flags) UK_POSIX_NOEXCEPT;
/* kill(domain id, signo): SendSignal. */
int kill(pid_t domain_id, int signo) UK_POSIX_NOEXCEPT;
/* DomainExit(status); never returns. */
UK_POSIX_NORETURN void exit(int status) UK_POSIX_NOEXCEPT;
UK_POSIX_NORETURN void _exit(int status) UK_POSIX_NOEXCEPT;

#if defined(__cplusplus)
} /* extern "C" */
#endif

#endif /* short names */

/* ======================================================================== */
/* C++: a batch with its own storage.                                        */
/* ======================================================================== */
#if defined(__cplusplus)
namespace ukernel::posix {

using Timespec = ::uk_timespec;
using BatchEntry = ::uk_batch_entry;

// ukernel::posix::Batch<16> b; int o = b.open("/data/a", O_RDONLY);
// b.read(UK_BATCH_FD(o), buf, n); b.close(UK_BATCH_FD(o)); b.submit();
template <uint32_t N>
class Batch {
    static_assert(N > 0 && N <= UK_BATCH_MAX_ENTRIES, "batch size");

   public:
    Batch() noexcept { ::uk_batch_init(&b_, entries_, N); }
    Batch(const Batch&) = delete;
    Batch& operator=(const Batch&) = delete;

    int open(const char* path, uint32_t flags, uint32_t mode = 0) noexcept {
        return ::uk_batch_open(&b_, path, flags, mode);
    }
    int read(int fd, void* buf, size_t len) noexcept { return ::uk_batch_read(&b_, fd, buf, len); }
    int pread(int fd, void* buf, size_t len, int64_t off) noexcept { return ::uk_batch_pread(&b_, fd, buf, len, off); }
    int write(int fd, const void* buf, size_t len) noexcept { return ::uk_batch_write(&b_, fd, buf, len); }
    int pwrite(int fd, const void* buf, size_t len, int64_t off) noexcept {
        return ::uk_batch_pwrite(&b_, fd, buf, len, off);
    }
    int lseek(int fd, int64_t off, int whence) noexcept { return ::uk_batch_lseek(&b_, fd, off, whence); }
    int fstat(int fd, uk_stat* st) noexcept { return ::uk_batch_fstat(&b_, fd, st); }
    int ftruncate(int fd, int64_t len) noexcept { return ::uk_batch_ftruncate(&b_, fd, len); }
    int fsync(int fd) noexcept { return ::uk_batch_fsync(&b_, fd); }
    int close(int fd) noexcept { return ::uk_batch_close(&b_, fd); }
    int mmap(void* addr, size_t len, int prot, int flags) noexcept { return ::uk_batch_mmap(&b_, addr, len, prot, flags); }
    int munmap(void* addr, size_t len) noexcept { return ::uk_batch_munmap(&b_, addr, len); }
    int mprotect(void* addr, size_t len, int prot) noexcept { return ::uk_batch_mprotect(&b_, addr, len, prot); }
    int clock_gettime(uint32_t clock, Timespec* ts) noexcept { return ::uk_batch_clock_gettime(&b_, clock, ts); }
    int getrandom(void* buf, size_t len) noexcept { return ::uk_batch_getrandom(&b_, buf, len); }
    int kill(uint64_t domain, int signo) noexcept { return ::uk_batch_kill(&b_, domain, signo); }
    int op(uint16_t opcode, const uint64_t* args) noexcept { return ::uk_batch_op(&b_, opcode, args); }

    int64_t submit() noexcept { return ::uk_batch_submit(&b_); }
    int64_t result(int index) const noexcept { return ::uk_batch_result(&b_, index); }
    uint32_t count() const noexcept { return b_.count; }
    uint32_t submits() const noexcept { return b_.submits; }
    uint32_t waves() const noexcept { return b_.waves; }
    void reset() noexcept { ::uk_batch_reset(&b_); }
    ::uk_batch* get() noexcept { return &b_; }

   private:
    BatchEntry entries_[N];
    ::uk_batch b_;
};

}  // namespace ukernel::posix
#endif /* __cplusplus */

#undef UK_POSIX_NOEXCEPT
#undef UK_POSIX_NORETURN

#endif /* UKERNEL_POSIX_H */
