// The raw (-errno) forms of the POSIX layer (ukernel/posix.h, docs/posix.md):
// each one is a synchronous ring op (uk_ring_call) plus argument and result
// translation. Portable C++ (host tests link it against a fake kernel).
#include <ukernel/posix.h>

namespace {

constexpr int64_t kInt64Max = INT64_MAX;
constexpr uint64_t kNanosPerSecond = 1'000'000'000;

constexpr bool is_console(int fd) { return fd >= 0 && fd < UK_POSIX_FD_BASE; }

// fd -> VFS handle; false for fds that are not files (negative, console).
bool handle_of(int fd, uint64_t* handle) {
    if (fd < UK_POSIX_FD_BASE) return false;
    *handle = static_cast<uint64_t>(fd - UK_POSIX_FD_BASE);
    return true;
}

int64_t call(uint16_t op, uint64_t a0 = 0, uint64_t a1 = 0, uint64_t a2 = 0, uint64_t a3 = 0, uint64_t a4 = 0) {
    const uint64_t args[UK_SUBMIT_ARG_COUNT] = {a0, a1, a2, a3, a4};
    return uk_ring_call(op, args, 0);
}

// One VfsRead / VfsWrite moves at most UK_VFS_MAX_IO_BYTES (the kernel
// refuses more with -EINVAL): longer requests become short counts, which
// read(2) / write(2) allow.
uint64_t io_len(size_t len) { return len > UK_VFS_MAX_IO_BYTES ? UK_VFS_MAX_IO_BYTES : len; }

size_t cstrlen(const char* s) {
    size_t n = 0;
    while (s[n] != '\0') ++n;
    return n;
}

}  // namespace

// Shared with batch.cc (internal linkage would need one translation unit).
namespace ukernel::posix_detail {

int64_t handle_to_fd(int64_t handle) {
    if (handle < 0) return handle;
    if (handle > INT32_MAX - UK_POSIX_FD_BASE) return -UK_EMFILE;
    return handle + UK_POSIX_FD_BASE;
}

// Checks the mmap arguments the ABI has no room for and returns the ABI's
// MapAnonymous flags (>= 0) or -errno.
int64_t map_flags(int flags, int fd, int64_t offset) {
    const uint32_t f = static_cast<uint32_t>(flags);
    const uint32_t known = UK_MAP_SHARED | UK_MAP_PRIVATE | UK_MAP_ANONYMOUS | UK_MAP_FIXED | UK_MAP_FIXED_NOREPLACE |
                           UK_MAP_POPULATE;
    if ((f & ~known) != 0) return -UK_EINVAL;
    if ((f & UK_MAP_ANONYMOUS) == 0) return -UK_EINVAL;  // no file mappings
    const uint32_t sharing = f & (UK_MAP_SHARED | UK_MAP_PRIVATE);
    if (sharing != UK_MAP_SHARED && sharing != UK_MAP_PRIVATE) return -UK_EINVAL;
    if (fd != -1 || offset != 0) return -UK_EINVAL;
    uint32_t abi = 0;
    if (f & (UK_MAP_FIXED | UK_MAP_FIXED_NOREPLACE)) abi |= UK_MAP_FIXED;
    if (f & UK_MAP_POPULATE) abi |= UK_MAP_POPULATE;
    return abi;
}

void timespec_from_ns(int64_t ns, uk_timespec* ts) {
    const uint64_t n = static_cast<uint64_t>(ns);
    ts->tv_sec = static_cast<int64_t>(n / kNanosPerSecond);
    ts->tv_nsec = static_cast<int64_t>(n % kNanosPerSecond);
}

bool offset_ok(int64_t offset) { return offset >= 0 && offset <= kInt64Max; }

}  // namespace ukernel::posix_detail

using ukernel::posix_detail::handle_to_fd;
using ukernel::posix_detail::map_flags;
using ukernel::posix_detail::offset_ok;
using ukernel::posix_detail::timespec_from_ns;

extern "C" {

int uk_errno = 0;

int64_t uk_open(const char* path, uint32_t flags, uint32_t mode) noexcept {
    if (path == nullptr) return -UK_EFAULT;
    const size_t len = cstrlen(path);
    return handle_to_fd(call(UK_OP_VFS_OPEN, reinterpret_cast<uintptr_t>(path), len, flags, mode));
}

int64_t uk_read(int fd, void* buf, size_t len) noexcept {
    if (fd == UK_STDIN_FILENO) return 0;  // the console has no input: end of file
    uint64_t h;
    if (!handle_of(fd, &h)) return -UK_EBADF;
    return call(UK_OP_VFS_READ, h, reinterpret_cast<uintptr_t>(buf), io_len(len), UK_VFS_OFFSET_CURRENT);
}

int64_t uk_write(int fd, const void* buf, size_t len) noexcept {
    if (fd == UK_STDOUT_FILENO || fd == UK_STDERR_FILENO) {
        if (len == 0) return 0;
        return uk_debug_write(static_cast<const char*>(buf), len);
    }
    uint64_t h;
    if (!handle_of(fd, &h)) return -UK_EBADF;
    return call(UK_OP_VFS_WRITE, h, reinterpret_cast<uintptr_t>(buf), io_len(len), UK_VFS_OFFSET_CURRENT);
}

int64_t uk_pread(int fd, void* buf, size_t len, int64_t offset) noexcept {
    uint64_t h;
    if (is_console(fd)) return -UK_ESPIPE;
    if (!handle_of(fd, &h)) return -UK_EBADF;
    if (!offset_ok(offset)) return -UK_EINVAL;
    return call(UK_OP_VFS_READ, h, reinterpret_cast<uintptr_t>(buf), io_len(len), static_cast<uint64_t>(offset));
}

int64_t uk_pwrite(int fd, const void* buf, size_t len, int64_t offset) noexcept {
    uint64_t h;
    if (is_console(fd)) return -UK_ESPIPE;
    if (!handle_of(fd, &h)) return -UK_EBADF;
    if (!offset_ok(offset)) return -UK_EINVAL;
    return call(UK_OP_VFS_WRITE, h, reinterpret_cast<uintptr_t>(buf), io_len(len), static_cast<uint64_t>(offset));
}

int64_t uk_close(int fd) noexcept {
    if (is_console(fd)) return 0;
    uint64_t h;
    if (!handle_of(fd, &h)) return -UK_EBADF;
    return call(UK_OP_VFS_CLOSE, h);
}

int64_t uk_lseek(int fd, int64_t offset, int whence) noexcept {
    if (is_console(fd)) return -UK_ESPIPE;
    uint64_t h;
    if (!handle_of(fd, &h)) return -UK_EBADF;
    // The ABI takes the offset as a u64 (two's complement) and whence as given.
    return call(UK_OP_VFS_SEEK, h, 0, 0, static_cast<uint64_t>(offset), static_cast<uint64_t>(static_cast<uint32_t>(whence)));
}

int64_t uk_fstat(int fd, struct uk_stat* st) noexcept {
    if (st == nullptr) return -UK_EFAULT;
    if (is_console(fd)) {
        *st = uk_stat{};
        st->mode = UK_S_IFCHR | (fd == UK_STDIN_FILENO ? 0444u : 0222u);
        st->nlink = 1;
        st->blksize = UK_DEBUG_PRINT_MAX;
        st->open_flags = fd == UK_STDIN_FILENO ? UK_O_RDONLY : UK_O_WRONLY;
        return 0;
    }
    uint64_t h;
    if (!handle_of(fd, &h)) return -UK_EBADF;
    const int64_t rc = call(UK_OP_VFS_STAT, h, reinterpret_cast<uintptr_t>(st), sizeof(struct uk_stat));
    return rc < 0 ? rc : 0;
}

int64_t uk_ftruncate(int fd, int64_t length) noexcept {
    uint64_t h;
    if (is_console(fd)) return -UK_EINVAL;
    if (!handle_of(fd, &h)) return -UK_EBADF;
    if (length < 0) return -UK_EINVAL;
    return call(UK_OP_VFS_TRUNCATE, h, 0, 0, static_cast<uint64_t>(length));
}

int64_t uk_fsync(int fd) noexcept {
    if (is_console(fd)) return 0;
    uint64_t h;
    if (!handle_of(fd, &h)) return -UK_EBADF;
    return call(UK_OP_VFS_SYNC, h);
}

int64_t uk_mmap(void* addr, size_t len, int prot, int flags, int fd, int64_t offset) noexcept {
    const int64_t abi = map_flags(flags, fd, offset);
    if (abi < 0) return abi;
    return call(UK_OP_MAP_ANONYMOUS, reinterpret_cast<uintptr_t>(addr), len,
                static_cast<uint64_t>(static_cast<uint32_t>(prot)), static_cast<uint64_t>(abi));
}

int64_t uk_munmap(void* addr, size_t len) noexcept {
    return call(UK_OP_MUNMAP, reinterpret_cast<uintptr_t>(addr), len);
}

int64_t uk_mprotect(void* addr, size_t len, int prot) noexcept {
    return call(UK_OP_MPROTECT, reinterpret_cast<uintptr_t>(addr), len,
                static_cast<uint64_t>(static_cast<uint32_t>(prot)));
}

int64_t uk_clock_gettime(uint32_t clock_id, struct uk_timespec* ts) noexcept {
    if (ts == nullptr) return -UK_EFAULT;
    const int64_t ns = call(UK_OP_GET_TIME_NS, clock_id);
    if (ns < 0) return ns;
    timespec_from_ns(ns, ts);
    return 0;
}

int64_t uk_getrandom(void* buf, size_t len, unsigned flags) noexcept {
    if ((flags & ~(UK_GRND_NONBLOCK | UK_GRND_RANDOM)) != 0) return -UK_EINVAL;
    auto* p = static_cast<uint8_t*>(buf);
    size_t done = 0;
    do {
        const size_t chunk = len - done > UK_GETRANDOM_OP_MAX ? UK_GETRANDOM_OP_MAX : len - done;
        const int64_t rc = call(UK_OP_GET_RANDOM, reinterpret_cast<uintptr_t>(p + done), chunk);
        if (rc < 0) return done > 0 ? static_cast<int64_t>(done) : rc;
        done += static_cast<size_t>(rc);
        if (static_cast<size_t>(rc) < chunk) break;
    } while (done < len);
    return static_cast<int64_t>(done);
}

int64_t uk_kill(uint64_t domain_id, int signo) noexcept {
    if (signo < 0) return -UK_EINVAL;
    return call(UK_OP_SEND_SIGNAL, domain_id, static_cast<uint64_t>(signo));
}

int64_t uk_check_signals(void) noexcept { return call(UK_OP_CHECK_SIGNALS); }

}  // extern "C"
