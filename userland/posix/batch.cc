// Batches of POSIX-layer calls (ukernel/posix.h, docs/posix.md): entries are
// turned into ring ops and run through uk_ring_batch, up to a ring's worth
// per chunk; an entry whose fd comes from an open of the same batch starts a
// new chunk once that open has completed.
#include <ukernel/posix.h>

namespace ukernel::posix_detail {
int64_t handle_to_fd(int64_t handle);
int64_t map_flags(int flags, int fd, int64_t offset);
void timespec_from_ns(int64_t ns, uk_timespec* ts);
bool offset_ok(int64_t offset);
}  // namespace ukernel::posix_detail

namespace {

using ukernel::posix_detail::handle_to_fd;
using ukernel::posix_detail::map_flags;
using ukernel::posix_detail::offset_ok;
using ukernel::posix_detail::timespec_from_ns;

// How a completion's result becomes the entry's result.
enum Kind : uint8_t {
    kRaw,   // as completed
    kOpen,  // handle -> fd
    kStat,  // 64 -> 0
    kTime,  // ns -> *out, 0
};

constexpr uint32_t kChunk = UK_RING_SIZE;
// Completions uk_ring_batch may hand back: ours plus any that were already
// waiting (not ours: dropped).
constexpr uint32_t kOutCap = 2 * UK_RING_SIZE;

// Scratch for one chunk: too big for a thread's stack, so shared and
// guarded by g_scratch_lock (taken for a whole uk_batch_submit; the ring lock
// is taken inside it, never the other way round).
uk_op g_ops[kChunk];
uint32_t g_index[kChunk];
uk_completion g_out[kOutCap];
uint32_t g_scratch_lock = 0;

// The ring lock's protocol (ukernel/ring.h): exchange, else wait with WFE.
struct ScratchGuard {
    ScratchGuard() {
        if (__atomic_exchange_n(&g_scratch_lock, 1u, __ATOMIC_ACQUIRE) != 0) uk_ring_lock_wait(&g_scratch_lock);
    }
    ~ScratchGuard() { __atomic_store_n(&g_scratch_lock, 0u, __ATOMIC_RELEASE); }
    ScratchGuard(const ScratchGuard&) = delete;
    ScratchGuard& operator=(const ScratchGuard&) = delete;
};

constexpr int32_t kNoRef = -1;

// One VfsRead / VfsWrite moves at most UK_VFS_MAX_IO_BYTES: a short count.
uint64_t io_len(size_t len) { return len > UK_VFS_MAX_IO_BYTES ? UK_VFS_MAX_IO_BYTES : len; }

uint64_t tag_of(const uk_batch& b, uint32_t index) {
    return UK_BATCH_TAG | (static_cast<uint64_t>(b.serial) << 16) | index;
}

uk_batch_entry* add(uk_batch* b, Kind kind, uint16_t opcode, uint64_t a0 = 0, uint64_t a1 = 0, uint64_t a2 = 0,
                    uint64_t a3 = 0, uint64_t a4 = 0) {
    if (b == nullptr || b->count >= b->capacity) return nullptr;
    uk_batch_entry& e = b->entries[b->count++];
    e = uk_batch_entry{};
    e.op.opcode = opcode;
    e.op.flags = UK_SUBMIT_NEED_COMPLETION;
    e.op.args[0] = a0;
    e.op.args[1] = a1;
    e.op.args[2] = a2;
    e.op.args[3] = a3;
    e.op.args[4] = a4;
    e.result = -UK_EAGAIN;
    e.fd_ref = kNoRef;
    e.kind = kind;
    return &e;
}

int index_of(const uk_batch* b, const uk_batch_entry* e) { return static_cast<int>(e - b->entries); }

// An entry that needs no op: complete now.
int done_now(uk_batch* b, int64_t result) {
    uk_batch_entry* e = add(b, kRaw, 0);
    if (e == nullptr) return -UK_ENOBUFS;
    e->result = result;
    e->done = 1;
    return index_of(b, e);
}

enum class Fd { kHandle, kRef, kConsole, kBad };

// Classifies an fd argument; sets *handle or *ref.
Fd classify(const uk_batch* b, int fd, uint64_t* handle, int32_t* ref) {
    if (fd >= UK_POSIX_FD_BASE) {
        *handle = static_cast<uint64_t>(fd - UK_POSIX_FD_BASE);
        return Fd::kHandle;
    }
    if (fd >= 0) return Fd::kConsole;
    const int64_t i = static_cast<int64_t>(fd) - UK_BATCH_FD_REF_BASE;
    if (i >= 0 && i < static_cast<int64_t>(b->count) && b->entries[i].kind == kOpen) {
        *ref = static_cast<int32_t>(i);
        return Fd::kRef;
    }
    return Fd::kBad;
}

// Queues a VFS op whose args[0] is the fd's handle. `console` is the result
// for fds 0..2 (no op), or INT64_MIN when only write to 1/2 is meaningful.
int add_fd_op(uk_batch* b, int fd, Kind kind, uint16_t opcode, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
              int64_t console) {
    if (b == nullptr) return -UK_EINVAL;
    uint64_t handle = 0;
    int32_t ref = kNoRef;
    switch (classify(b, fd, &handle, &ref)) {
        case Fd::kConsole:
            return done_now(b, console);
        case Fd::kBad:
            return done_now(b, fd >= UK_BATCH_FD_REF_BASE && fd < UK_BATCH_FD(UK_BATCH_MAX_ENTRIES) ? -UK_EINVAL
                                                                                            : -UK_EBADF);
        case Fd::kHandle:
        case Fd::kRef:
            break;
    }
    uk_batch_entry* e = add(b, kind, opcode, handle, a1, a2, a3, a4);
    if (e == nullptr) return -UK_ENOBUFS;
    e->fd_ref = ref;
    return index_of(b, e);
}

// Runs g_ops[0, n) (entries g_index[]) through the ring and files results.
// Returns 0 or the ring's -errno.
int64_t run_chunk(uk_batch* b, uint32_t n) {
    for (uint32_t i = 0; i < kOutCap; ++i) g_out[i] = uk_completion{};
    uk_batch_stats stats{};
    const int64_t rc = uk_ring_batch(g_ops, n, g_out, kOutCap, &stats);
    b->submits += stats.submits;
    ++b->waves;
    const uint64_t mask = ~UINT64_C(0xFFFF);
    for (uint32_t i = 0; i < kOutCap; ++i) {
        const uk_completion& c = g_out[i];
        if ((c.user_data & mask) != tag_of(*b, 0)) continue;
        const uint32_t index = static_cast<uint32_t>(c.user_data & 0xFFFF);
        if (index >= b->count) continue;
        uk_batch_entry& e = b->entries[index];
        if (e.done) continue;
        int64_t r = c.result;
        if (r >= 0) {
            switch (e.kind) {
                case kOpen:
                    r = handle_to_fd(r);
                    break;
                case kStat:
                    r = 0;
                    break;
                case kTime:
                    timespec_from_ns(r, static_cast<uk_timespec*>(e.out));
                    r = 0;
                    break;
                case kRaw:
                    break;
            }
        }
        e.result = r;
        e.done = 1;
    }
    // Every op asked for a completion: a missing one means the ring failed.
    for (uint32_t i = 0; i < n; ++i) {
        uk_batch_entry& e = b->entries[g_index[i]];
        if (!e.done) {
            e.result = rc < 0 ? rc : -UK_EIO;
            e.done = 1;
        }
    }
    return rc < 0 ? rc : 0;
}

}  // namespace

extern "C" {

void uk_batch_init(struct uk_batch* b, struct uk_batch_entry* storage, uint32_t capacity) noexcept {
    b->entries = storage;
    b->capacity = capacity > UK_BATCH_MAX_ENTRIES ? UK_BATCH_MAX_ENTRIES : capacity;
    b->count = 0;
    b->submits = 0;
    b->waves = 0;
    b->serial = 0;
}

void uk_batch_reset(struct uk_batch* b) noexcept {
    b->count = 0;
    b->submits = 0;
    b->waves = 0;
}

int uk_batch_open(struct uk_batch* b, const char* path, uint32_t flags, uint32_t mode) noexcept {
    if (path == nullptr) return done_now(b, -UK_EFAULT);
    size_t len = 0;
    while (path[len] != '\0') ++len;
    uk_batch_entry* e = add(b, kOpen, UK_OP_VFS_OPEN, reinterpret_cast<uintptr_t>(path), len, flags, mode);
    return e == nullptr ? -UK_ENOBUFS : index_of(b, e);
}

int uk_batch_read(struct uk_batch* b, int fd, void* buf, size_t len) noexcept {
    if (fd == UK_STDOUT_FILENO || fd == UK_STDERR_FILENO) return done_now(b, -UK_EBADF);
    return add_fd_op(b, fd, kRaw, UK_OP_VFS_READ, reinterpret_cast<uintptr_t>(buf), io_len(len), UK_VFS_OFFSET_CURRENT, 0,
                     0);
}

int uk_batch_pread(struct uk_batch* b, int fd, void* buf, size_t len, int64_t offset) noexcept {
    if (!offset_ok(offset)) return done_now(b, -UK_EINVAL);
    return add_fd_op(b, fd, kRaw, UK_OP_VFS_READ, reinterpret_cast<uintptr_t>(buf), io_len(len),
                     static_cast<uint64_t>(offset), 0, -UK_ESPIPE);
}

int uk_batch_write(struct uk_batch* b, int fd, const void* buf, size_t len) noexcept {
    if (fd == UK_STDOUT_FILENO || fd == UK_STDERR_FILENO) {
        if (len == 0) return done_now(b, 0);
        if (len > UK_DEBUG_PRINT_MAX) return done_now(b, -UK_EINVAL);  // one op per entry
        uk_batch_entry* e = add(b, kRaw, UK_OP_DEBUG_PRINT, reinterpret_cast<uintptr_t>(buf), len);
        return e == nullptr ? -UK_ENOBUFS : index_of(b, e);
    }
    if (fd == UK_STDIN_FILENO) return done_now(b, -UK_EBADF);
    return add_fd_op(b, fd, kRaw, UK_OP_VFS_WRITE, reinterpret_cast<uintptr_t>(buf), io_len(len), UK_VFS_OFFSET_CURRENT, 0,
                     0);
}

int uk_batch_pwrite(struct uk_batch* b, int fd, const void* buf, size_t len, int64_t offset) noexcept {
    if (!offset_ok(offset)) return done_now(b, -UK_EINVAL);
    return add_fd_op(b, fd, kRaw, UK_OP_VFS_WRITE, reinterpret_cast<uintptr_t>(buf), io_len(len),
                     static_cast<uint64_t>(offset), 0, -UK_ESPIPE);
}

int uk_batch_lseek(struct uk_batch* b, int fd, int64_t offset, int whence) noexcept {
    return add_fd_op(b, fd, kRaw, UK_OP_VFS_SEEK, 0, 0, static_cast<uint64_t>(offset),
                     static_cast<uint64_t>(static_cast<uint32_t>(whence)), -UK_ESPIPE);
}

int uk_batch_fstat(struct uk_batch* b, int fd, struct uk_stat* st) noexcept {
    if (st == nullptr) return done_now(b, -UK_EFAULT);
    if (fd >= 0 && fd < UK_POSIX_FD_BASE) return done_now(b, uk_fstat(fd, st));  // no op for the console
    return add_fd_op(b, fd, kStat, UK_OP_VFS_STAT, reinterpret_cast<uintptr_t>(st), sizeof(struct uk_stat), 0, 0, 0);
}

int uk_batch_ftruncate(struct uk_batch* b, int fd, int64_t length) noexcept {
    if (length < 0) return done_now(b, -UK_EINVAL);
    return add_fd_op(b, fd, kRaw, UK_OP_VFS_TRUNCATE, 0, 0, static_cast<uint64_t>(length), 0, -UK_EINVAL);
}

int uk_batch_fsync(struct uk_batch* b, int fd) noexcept {
    return add_fd_op(b, fd, kRaw, UK_OP_VFS_SYNC, 0, 0, 0, 0, 0);
}

int uk_batch_close(struct uk_batch* b, int fd) noexcept {
    return add_fd_op(b, fd, kRaw, UK_OP_VFS_CLOSE, 0, 0, 0, 0, 0);
}

int uk_batch_mmap(struct uk_batch* b, void* addr, size_t len, int prot, int flags) noexcept {
    const int64_t abi = map_flags(flags, -1, 0);
    if (abi < 0) return done_now(b, abi);
    uk_batch_entry* e = add(b, kRaw, UK_OP_MAP_ANONYMOUS, reinterpret_cast<uintptr_t>(addr), len,
                            static_cast<uint64_t>(static_cast<uint32_t>(prot)), static_cast<uint64_t>(abi));
    return e == nullptr ? -UK_ENOBUFS : index_of(b, e);
}

int uk_batch_munmap(struct uk_batch* b, void* addr, size_t len) noexcept {
    uk_batch_entry* e = add(b, kRaw, UK_OP_MUNMAP, reinterpret_cast<uintptr_t>(addr), len);
    return e == nullptr ? -UK_ENOBUFS : index_of(b, e);
}

int uk_batch_mprotect(struct uk_batch* b, void* addr, size_t len, int prot) noexcept {
    uk_batch_entry* e = add(b, kRaw, UK_OP_MPROTECT, reinterpret_cast<uintptr_t>(addr), len,
                            static_cast<uint64_t>(static_cast<uint32_t>(prot)));
    return e == nullptr ? -UK_ENOBUFS : index_of(b, e);
}

int uk_batch_clock_gettime(struct uk_batch* b, uint32_t clock_id, struct uk_timespec* ts) noexcept {
    if (ts == nullptr) return done_now(b, -UK_EFAULT);
    uk_batch_entry* e = add(b, kTime, UK_OP_GET_TIME_NS, clock_id);
    if (e == nullptr) return -UK_ENOBUFS;
    e->out = ts;
    return index_of(b, e);
}

int uk_batch_getrandom(struct uk_batch* b, void* buf, size_t len) noexcept {
    if (len > UK_GETRANDOM_OP_MAX) return done_now(b, -UK_EINVAL);
    uk_batch_entry* e = add(b, kRaw, UK_OP_GET_RANDOM, reinterpret_cast<uintptr_t>(buf), len);
    return e == nullptr ? -UK_ENOBUFS : index_of(b, e);
}

int uk_batch_kill(struct uk_batch* b, uint64_t domain_id, int signo) noexcept {
    if (signo < 0) return done_now(b, -UK_EINVAL);
    uk_batch_entry* e = add(b, kRaw, UK_OP_SEND_SIGNAL, domain_id, static_cast<uint64_t>(signo));
    return e == nullptr ? -UK_ENOBUFS : index_of(b, e);
}

int uk_batch_op(struct uk_batch* b, uint16_t opcode, const uint64_t* args) noexcept {
    uk_batch_entry* e = add(b, kRaw, opcode);
    if (e == nullptr) return -UK_ENOBUFS;
    if (args != nullptr) {
        for (uint32_t i = 0; i < UK_SUBMIT_ARG_COUNT; ++i) e->op.args[i] = args[i];
    }
    return index_of(b, e);
}

int64_t uk_batch_submit(struct uk_batch* b) noexcept {
    const ScratchGuard guard;
    b->submits = 0;
    b->waves = 0;
    ++b->serial;
    uint32_t next = 0;
    int64_t ring_error = 0;
    while (next < b->count && ring_error == 0) {
        // Gather a chunk: entries in order, stopping at a ring's worth or at
        // an entry whose open is in this chunk (its handle is not known yet).
        uint32_t n = 0;
        uint32_t i = next;
        for (; i < b->count && n < kChunk; ++i) {
            uk_batch_entry& e = b->entries[i];
            if (e.done) continue;
            if (e.fd_ref != kNoRef) {
                const uk_batch_entry& open = b->entries[e.fd_ref];
                if (!open.done) break;
                if (open.result < 0) {
                    e.result = -UK_EBADF;  // as read(-1, ...) would
                    e.done = 1;
                    continue;
                }
                e.op.args[0] = static_cast<uint64_t>(open.result - UK_POSIX_FD_BASE);
                e.fd_ref = kNoRef;
            }
            g_ops[n] = e.op;
            g_ops[n].user_data = tag_of(*b, i);
            g_index[n] = i;
            ++n;
        }
        next = i;
        if (n > 0) ring_error = run_chunk(b, n);
    }
    int64_t failed = 0;
    for (uint32_t i = 0; i < b->count; ++i) {
        uk_batch_entry& e = b->entries[i];
        if (!e.done) {
            e.result = ring_error;
            e.done = 1;
        }
        if (e.result < 0) ++failed;
    }
    return ring_error < 0 ? ring_error : failed;
}

int64_t uk_batch_result(const struct uk_batch* b, int index) noexcept {
    if (b == nullptr || index < 0 || static_cast<uint32_t>(index) >= b->count) return -UK_EINVAL;
    return b->entries[index].result;
}

}  // extern "C"
