// The POSIX-named functions of ukernel/posix.h: each calls its raw uk_ form
// and turns -errno into -1 + errno. Built for domains only (on a hosted
// system these names belong to the C library).
#include <stdarg.h>

#include <ukernel/posix.h>

#if !defined(UK_POSIX_HAVE_SHORT_NAMES)
#error "names.cc needs the POSIX short names (a freestanding build, or UK_POSIX_SHORT_NAMES)"
#endif

namespace {

// -errno -> -1 and errno; anything else passes through.
int64_t posix_result(int64_t rc) {
    if (rc < 0) {
        uk_errno = static_cast<int>(-rc);
        return -1;
    }
    return rc;
}

}  // namespace

extern "C" {

int open(const char* path, int flags, ...) noexcept {
    uint32_t mode = 0;
    if (static_cast<uint32_t>(flags) & UK_O_CREAT) {
        va_list ap;
        va_start(ap, flags);
        mode = va_arg(ap, mode_t);
        va_end(ap);
    }
    return static_cast<int>(posix_result(uk_open(path, static_cast<uint32_t>(flags), mode)));
}

ssize_t read(int fd, void* buf, size_t len) noexcept { return posix_result(uk_read(fd, buf, len)); }

ssize_t write(int fd, const void* buf, size_t len) noexcept { return posix_result(uk_write(fd, buf, len)); }

ssize_t pread(int fd, void* buf, size_t len, off_t offset) noexcept {
    return posix_result(uk_pread(fd, buf, len, offset));
}

ssize_t pwrite(int fd, const void* buf, size_t len, off_t offset) noexcept {
    return posix_result(uk_pwrite(fd, buf, len, offset));
}

int close(int fd) noexcept { return static_cast<int>(posix_result(uk_close(fd))); }

off_t lseek(int fd, off_t offset, int whence) noexcept { return posix_result(uk_lseek(fd, offset, whence)); }

int fstat(int fd, struct stat* st) noexcept {
    if (st == nullptr) return static_cast<int>(posix_result(-UK_EFAULT));
    struct uk_stat k;
    const int64_t rc = uk_fstat(fd, &k);
    if (rc < 0) return static_cast<int>(posix_result(rc));
    *st = stat{};
    st->st_ino = k.ino;
    st->st_mode = k.mode;
    st->st_nlink = k.nlink;
    st->st_size = static_cast<off_t>(k.size);
    st->st_blksize = k.blksize;
    st->st_blocks = static_cast<int64_t>(k.blocks);
    st->st_mtim.tv_sec = static_cast<time_t>(k.mtime_ns / 1'000'000'000u);
    st->st_mtim.tv_nsec = static_cast<long>(k.mtime_ns % 1'000'000'000u);
    st->st_atim = st->st_mtim;
    st->st_ctim = st->st_mtim;
    st->st_uk_flags = k.flags;
    st->st_uk_open_flags = k.open_flags;
    return 0;
}

int ftruncate(int fd, off_t length) noexcept { return static_cast<int>(posix_result(uk_ftruncate(fd, length))); }

int fsync(int fd) noexcept { return static_cast<int>(posix_result(uk_fsync(fd))); }

void* mmap(void* addr, size_t len, int prot, int flags, int fd, off_t offset) noexcept {
    const int64_t rc = uk_mmap(addr, len, prot, flags, fd, offset);
    if (rc < 0) {
        uk_errno = static_cast<int>(-rc);
        return MAP_FAILED;
    }
    return reinterpret_cast<void*>(static_cast<uintptr_t>(rc));
}

int munmap(void* addr, size_t len) noexcept { return static_cast<int>(posix_result(uk_munmap(addr, len))); }

int mprotect(void* addr, size_t len, int prot) noexcept {
    return static_cast<int>(posix_result(uk_mprotect(addr, len, prot)));
}

int clock_gettime(clockid_t clock_id, struct timespec* ts) noexcept {
    static_assert(sizeof(struct timespec) == sizeof(struct uk_timespec), "timespec layout");
    if (ts == nullptr) return static_cast<int>(posix_result(-UK_EFAULT));
    if (clock_id < 0) return static_cast<int>(posix_result(-UK_EINVAL));
    uk_timespec t;
    const int64_t rc = uk_clock_gettime(static_cast<uint32_t>(clock_id), &t);
    if (rc < 0) return static_cast<int>(posix_result(rc));
    ts->tv_sec = t.tv_sec;
    ts->tv_nsec = static_cast<long>(t.tv_nsec);
    return 0;
}

ssize_t getrandom(void* buf, size_t len, unsigned flags) noexcept { return posix_result(uk_getrandom(buf, len, flags)); }

int kill(pid_t domain_id, int signo) noexcept {
    if (domain_id < 0) return static_cast<int>(posix_result(-UK_EINVAL));  // no process groups
    return static_cast<int>(posix_result(uk_kill(static_cast<uint64_t>(domain_id), signo)));
}

void exit(int status) noexcept { uk_exit(status); }

void _exit(int status) noexcept { uk_exit(status); }

}  // extern "C"
