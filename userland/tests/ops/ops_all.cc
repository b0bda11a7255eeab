// ops_all: a domain with every capability that exercises each operation of
// issue 5 -- memory (MapAnonymous, Munmap, Mprotect, ReadUser, WriteUser),
// GetRandom, GetTimeNs, the VFS (VfsOpen ... VfsSync) and signals
// (SendSignal, CheckSignals, the SIGNAL_PENDING flag) -- plus the thread
// ops that need no second thread and the info ops, and checks every result
// exactly against docs/abi.md, docs/vfs.md and docs/signals.md.
//
// VFS and signal checks that get -ENOSYS are "not integrated": reported as
// "ops_all: PENDING <check>" and counted apart, never as passed. The last
// line is
//   ops_all: N checks passed, M failed, K not integrated
// and the domain exits 0 only when M == 0 and K == 0 (1 otherwise).
//
// Image (tests/ops): ops_all is domain 1, ops_peer domain 2 (its signal
// partner); the archive tests/ops:ops_rootfs holds /etc/motd and
// /data/seed.txt. Manifest: memory 1M, all caps, grants path-ro /etc,
// path-rw /data, signal ops_peer.
#include <string.h>

#include <ukernel/posix.h>
#include <ukernel/ring.h>
#include <ukernel/runtime.h>

namespace {

// ---- what the image and the kernel promise ---------------------------------
constexpr uint64_t kSelf = 1;                   // image order
constexpr uint64_t kPeer = 2;                   // ops_peer
constexpr uint64_t kQuotaBytes = 1024 * 1024;   // manifest "memory: 1M"
constexpr uint64_t kMmapBase = 0x100000000000;  // kernel/domain/layout.h
constexpr uint64_t kMmapLimit = 0x700000000000;
constexpr uint64_t kImageBase = 0x400000;
constexpr uint64_t kMaxMapBytes = 16ull << 20;  // memory_ops.cc
constexpr uint64_t kKernelBufferBytes = 4096;   // ReadUser / WriteUser
constexpr uint64_t kKernelBuffers = 4;
constexpr uint64_t kMaxRandom = 256;            // GetRandom per op
constexpr uint64_t kMaxHandles = 16;            // docs/vfs.md
constexpr uint64_t kMaxCreatedFiles = 16;
constexpr char kMotd[] = "ukernel ops_all archive file\n";  // tests/ops/rootfs/etc/motd

constexpr uint64_t R = UK_PROT_READ;
constexpr uint64_t W = UK_PROT_WRITE;
constexpr uint64_t X = UK_PROT_EXEC;
constexpr uint64_t RW = R | W;

// ---- counting ------------------------------------------------------------------
int g_passed = 0;
int g_failed = 0;
int g_pending = 0;

void fail(const char* what, int64_t got, int64_t want) {
    ++g_failed;
    uk_printf("ops_all: FAIL %s: got %lld, want %lld\n", what, static_cast<long long>(got),
              static_cast<long long>(want));
}

void check(const char* what, int64_t got, int64_t want) {
    if (got == want) {
        ++g_passed;
    } else {
        fail(what, got, want);
    }
}

void check_true(const char* what, bool ok) { check(what, ok ? 1 : 0, 1); }

// For VFS and signal ops: -ENOSYS means the op is not integrated yet.
void pending(const char* what) {
    ++g_pending;
    uk_printf("ops_all: PENDING %s: -ENOSYS (not yet integrated)\n", what);
}

void checkp(const char* what, int64_t got, int64_t want) {
    if (got == -UK_ENOSYS && want != -UK_ENOSYS) {
        pending(what);
        return;
    }
    check(what, got, want);
}

// A check derived from op result `rc` (e.g. buffer contents after a read).
void checkp_true(const char* what, int64_t rc, bool ok) {
    if (rc == -UK_ENOSYS) {
        pending(what);
        return;
    }
    check_true(what, ok);
}

// ---- raw ops -------------------------------------------------------------------
int64_t op(uint16_t code, uint64_t a0 = 0, uint64_t a1 = 0, uint64_t a2 = 0, uint64_t a3 = 0, uint64_t a4 = 0) {
    const uint64_t args[UK_SUBMIT_ARG_COUNT] = {a0, a1, a2, a3, a4};
    return uk_ring_call(code, args, 0);
}

uk_op make_op(uint16_t code, uint64_t ud, uint64_t a0 = 0, uint64_t a1 = 0) {
    uk_op o{};
    o.opcode = code;
    o.flags = UK_SUBMIT_NEED_COMPLETION;
    o.args[0] = a0;
    o.args[1] = a1;
    o.user_data = ud;
    return o;
}

// Runs ops[0, n) in one batch; results[i] / flags[i] by user_data == i + 1.
void run_flagged(const uk_op* ops, uint32_t n, int64_t* results, uint16_t* flags) {
    uk_completion out[8];
    for (uint32_t i = 0; i < n; ++i) {
        results[i] = INT64_MIN;
        flags[i] = 0;
    }
    const int64_t got = uk_ring_batch(ops, n, out, 8, nullptr);
    for (int64_t i = 0; i < got; ++i) {
        const uint64_t ud = out[i].user_data;
        if (ud >= 1 && ud <= n) {
            results[ud - 1] = out[i].result;
            flags[ud - 1] = out[i].flags;
        }
    }
}

uint64_t addr(const void* p) { return reinterpret_cast<uintptr_t>(p); }

uint64_t now_ns() { return static_cast<uint64_t>(uk_time_ns(UK_CLOCK_MONOTONIC)); }

// ---- memory --------------------------------------------------------------------
uint8_t g_src[kKernelBufferBytes];
uint8_t g_dst[kKernelBufferBytes];
const uint8_t kReadOnly[64] = {1, 2, 3};  // in .rodata: the kernel must not write here

uint8_t pattern(uint64_t i) { return static_cast<uint8_t>(i * 7 + 1); }

bool all_equal(const volatile uint8_t* p, uint64_t n, uint8_t v) {
    for (uint64_t i = 0; i < n; ++i) {
        if (p[i] != v) return false;
    }
    return true;
}

bool has_pattern(const volatile uint8_t* p, uint64_t n) {
    for (uint64_t i = 0; i < n; ++i) {
        if (p[i] != pattern(i)) return false;
    }
    return true;
}

bool in_window(int64_t a) {
    return a >= static_cast<int64_t>(kMmapBase) && a < static_cast<int64_t>(kMmapLimit) && (a & 0xFFF) == 0;
}

void test_map_protect_unmap() {
    const int64_t a = op(UK_OP_MAP_ANONYMOUS, 0, 8192, RW, 0);
    check_true("MapAnonymous(8K, RW): page-aligned address in the mmap window", in_window(a));
    if (!in_window(a)) return;
    volatile uint8_t* p = reinterpret_cast<volatile uint8_t*>(a);
    check_true("a fresh mapping reads as zeros", all_equal(p, 8192, 0));
    for (uint64_t i = 0; i < 8192; ++i) p[i] = pattern(i);
    check_true("RW mapping: pattern written and read back", has_pattern(p, 8192));
    check("ReadUser from an RW mapping", op(UK_OP_READ_USER, a, 1, 16), 16);

    check("Mprotect(READ)", op(UK_OP_MPROTECT, a, 8192, R), 0);
    check_true("READ mapping: pattern intact", has_pattern(p, 8192));
    check("WriteUser into a READ mapping (kernel honours R)", op(UK_OP_WRITE_USER, a, 1, 16), -UK_EFAULT);
    check("ReadUser from a READ mapping", op(UK_OP_READ_USER, a, 1, 16), 16);
    check("Mprotect(NONE)", op(UK_OP_MPROTECT, a, 8192, UK_PROT_NONE), 0);
    check("ReadUser from a PROT_NONE mapping", op(UK_OP_READ_USER, a, 1, 16), -UK_EFAULT);
    check("Mprotect(READ|WRITE) again", op(UK_OP_MPROTECT, a, 8192, RW), 0);
    check_true("pattern survives NONE and back", has_pattern(p, 8192));
    p[8191] = 0x5A;
    check_true("writable again", p[8191] == 0x5A);
    check("Mprotect of half a mapping", op(UK_OP_MPROTECT, a, 4096, R), -UK_EINVAL);
    check("Mprotect(WRITE|EXEC): W^X", op(UK_OP_MPROTECT, a, 8192, W | X), -UK_EACCES);
    check("Mprotect with an unknown prot bit", op(UK_OP_MPROTECT, a, 8192, 8), -UK_EINVAL);
    check("Mprotect nonzero args[3]", op(UK_OP_MPROTECT, a, 8192, R, 1), -UK_EINVAL);
    check("Mprotect of the program image (not anonymous)", op(UK_OP_MPROTECT, kImageBase, 4096, R), -UK_EINVAL);
    check("Mprotect(READ|EXEC)", op(UK_OP_MPROTECT, a, 8192, R | X), 0);
    check("Munmap of half a mapping", op(UK_OP_MUNMAP, a, 4096), -UK_EINVAL);
    check("Munmap nonzero args[2]", op(UK_OP_MUNMAP, a, 8192, 1), -UK_EINVAL);
    check("Munmap", op(UK_OP_MUNMAP, a, 8192), 0);
    check("ReadUser after Munmap", op(UK_OP_READ_USER, a, 1, 16), -UK_EFAULT);
    check("Munmap twice", op(UK_OP_MUNMAP, a, 8192), -UK_EINVAL);
    check("Munmap of the program image", op(UK_OP_MUNMAP, kImageBase, 4096), -UK_EINVAL);

    // Argument checks.
    check("MapAnonymous len 0", op(UK_OP_MAP_ANONYMOUS, 0, 0, RW, 0), -UK_EINVAL);
    check("MapAnonymous len 16 MiB + 1", op(UK_OP_MAP_ANONYMOUS, 0, kMaxMapBytes + 1, RW, 0), -UK_EINVAL);
    check("MapAnonymous WRITE|EXEC: W^X", op(UK_OP_MAP_ANONYMOUS, 0, 4096, W | X, 0), -UK_EACCES);
    check("MapAnonymous READ|WRITE|EXEC: W^X", op(UK_OP_MAP_ANONYMOUS, 0, 4096, R | W | X, 0), -UK_EACCES);
    check("MapAnonymous unknown prot bit", op(UK_OP_MAP_ANONYMOUS, 0, 4096, 8, 0), -UK_EINVAL);
    check("MapAnonymous unknown flag (MAP_SHARED)", op(UK_OP_MAP_ANONYMOUS, 0, 4096, RW, 1), -UK_EINVAL);
    check("MapAnonymous nonzero args[4]", op(UK_OP_MAP_ANONYMOUS, 0, 4096, RW, 0, 1), -UK_EINVAL);

    // Lengths are rounded up to pages, for Munmap too.
    const int64_t small = op(UK_OP_MAP_ANONYMOUS, 0, 100, RW, 0);
    check_true("MapAnonymous(100 bytes)", in_window(small));
    check("Munmap with the same unrounded length", op(UK_OP_MUNMAP, small, 100), 0);

    // A PROT_NONE mapping: reserved, not readable until mprotect.
    const int64_t none = op(UK_OP_MAP_ANONYMOUS, 0, 4096, UK_PROT_NONE, 0);
    check_true("MapAnonymous(PROT_NONE)", in_window(none));
    check("ReadUser from it", op(UK_OP_READ_USER, none, 2, 16), -UK_EFAULT);
    check("Mprotect(PROT_NONE -> READ)", op(UK_OP_MPROTECT, none, 4096, R), 0);
    check("ReadUser from it now", op(UK_OP_READ_USER, none, 2, 64), 64);
    memset(g_dst, 0xEE, 64);
    check("WriteUser of what it read", op(UK_OP_WRITE_USER, addr(g_dst), 2, 64), 64);
    check_true("a PROT_NONE mapping made readable reads as zeros", all_equal(g_dst, 64, 0));
    check("Munmap(PROT_NONE mapping)", op(UK_OP_MUNMAP, none, 4096), 0);

    // READ|EXEC is fine (no W).
    const int64_t rx = op(UK_OP_MAP_ANONYMOUS, 0, 4096, R | X, 0);
    check_true("MapAnonymous(READ|EXEC)", in_window(rx));
    check("Munmap(READ|EXEC mapping)", op(UK_OP_MUNMAP, rx, 4096), 0);
}

void test_map_fixed_and_hints() {
    const uint64_t f = kMmapBase + 0x40000000;  // 1 GiB into the window: free
    check("MAP_FIXED at a free address", op(UK_OP_MAP_ANONYMOUS, f, 8192, RW, UK_MAP_FIXED), static_cast<int64_t>(f));
    check("MAP_FIXED at the same address: never replaces", op(UK_OP_MAP_ANONYMOUS, f, 8192, RW, UK_MAP_FIXED),
          -UK_EEXIST);
    check("MAP_FIXED overlapping the end", op(UK_OP_MAP_ANONYMOUS, f + 4096, 8192, RW, UK_MAP_FIXED), -UK_EEXIST);
    check("MAP_FIXED overlapping the start", op(UK_OP_MAP_ANONYMOUS, f - 4096, 8192, RW, UK_MAP_FIXED), -UK_EEXIST);
    check("MAP_FIXED covering it", op(UK_OP_MAP_ANONYMOUS, f - 4096, 4 * 4096, RW, UK_MAP_FIXED), -UK_EEXIST);
    check("MAP_FIXED not page aligned", op(UK_OP_MAP_ANONYMOUS, f + 0x10008, 4096, RW, UK_MAP_FIXED), -UK_EINVAL);
    check("MAP_FIXED below the mmap window", op(UK_OP_MAP_ANONYMOUS, kImageBase, 4096, RW, UK_MAP_FIXED),
          -UK_EINVAL);
    check("MAP_FIXED|MAP_POPULATE right after it",
          op(UK_OP_MAP_ANONYMOUS, f + 8192, 4096, RW, UK_MAP_FIXED | UK_MAP_POPULATE), static_cast<int64_t>(f + 8192));
    volatile uint8_t* p = reinterpret_cast<volatile uint8_t*>(f);
    p[0] = 1;
    p[8192] = 2;
    check_true("both fixed mappings are usable", p[0] == 1 && p[8192] == 2);
    check("Munmap(fixed)", op(UK_OP_MUNMAP, f, 8192), 0);
    check("Munmap(fixed, adjacent)", op(UK_OP_MUNMAP, f + 8192, 4096), 0);
    check("MAP_FIXED at the freed address", op(UK_OP_MAP_ANONYMOUS, f, 4096, RW, UK_MAP_FIXED), static_cast<int64_t>(f));
    check("Munmap(fixed again)", op(UK_OP_MUNMAP, f, 4096), 0);

    const uint64_t g = kMmapBase + 0x80000000;
    check("a free hint is used as is", op(UK_OP_MAP_ANONYMOUS, g, 4096, RW, 0), static_cast<int64_t>(g));
    const int64_t elsewhere = op(UK_OP_MAP_ANONYMOUS, g, 4096, RW, 0);
    check_true("a taken hint: placed elsewhere", in_window(elsewhere) && elsewhere != static_cast<int64_t>(g));
    check("Munmap(hinted)", op(UK_OP_MUNMAP, g, 4096), 0);
    check("Munmap(placed elsewhere)", op(UK_OP_MUNMAP, elsewhere, 4096), 0);
}

void test_quota() {
    constexpr uint64_t kChunk = 64 * 1024;
    constexpr int kMaxChunks = 32;
    int64_t chunks[kMaxChunks];
    int n = 0;
    int64_t last = 0;
    while (n < kMaxChunks) {
        last = op(UK_OP_MAP_ANONYMOUS, 0, kChunk, RW, 0);
        if (last < 0) break;
        chunks[n++] = last;
    }
    check("64 KiB mappings until the quota is exhausted: -ENOMEM", last, -UK_ENOMEM);
    uk_printf("ops_all: quota: %d mappings of 64 KiB before -ENOMEM\n", n);
    check_true("at least one fit, and no more than the 1 MiB quota",
               n >= 1 && static_cast<uint64_t>(n) * kChunk <= kQuotaBytes);
    int unmapped = 0;
    for (int i = 0; i < n; ++i) unmapped += op(UK_OP_MUNMAP, chunks[i], kChunk) == 0 ? 1 : 0;
    check("every chunk unmapped", unmapped, n);
    // The quota was refunded: the same number fits again.
    int again = 0;
    for (int i = 0; i < n; ++i) {
        chunks[i] = op(UK_OP_MAP_ANONYMOUS, 0, kChunk, RW, 0);
        if (chunks[i] > 0) ++again;
    }
    check("after unmapping, as many chunks fit again", again, n);
    for (int i = 0; i < n; ++i) {
        if (chunks[i] > 0) (void)op(UK_OP_MUNMAP, chunks[i], kChunk);
    }
    const int64_t once_more = op(UK_OP_MAP_ANONYMOUS, 0, kChunk, RW, 0);
    check_true("and MapAnonymous works normally", in_window(once_more));
    if (once_more > 0) check("Munmap", op(UK_OP_MUNMAP, once_more, kChunk), 0);
}

void test_kernel_buffers() {
    for (uint64_t i = 0; i < kKernelBufferBytes; ++i) g_src[i] = pattern(i);
    memset(g_dst, 0, sizeof g_dst);
    check("ReadUser 4096 bytes into buffer 0", op(UK_OP_READ_USER, addr(g_src), 0, 4096), 4096);
    check("WriteUser 4096 bytes from buffer 0", op(UK_OP_WRITE_USER, addr(g_dst), 0, 4096), 4096);
    check_true("round trip through kernel buffer 0", memcmp(g_src, g_dst, 4096) == 0);

    // Four separate buffers.
    for (uint64_t id = 0; id < kKernelBuffers; ++id) {
        memset(g_src, static_cast<int>(0xA0 + id), sizeof g_src);
        check("ReadUser into buffer id", op(UK_OP_READ_USER, addr(g_src), id, 4096), 4096);
    }
    bool distinct = true;
    for (uint64_t id = 0; id < kKernelBuffers; ++id) {
        memset(g_dst, 0, sizeof g_dst);
        check("WriteUser from buffer id", op(UK_OP_WRITE_USER, addr(g_dst), id, 4096), 4096);
        distinct = distinct && all_equal(g_dst, 4096, static_cast<uint8_t>(0xA0 + id));
    }
    check_true("buffers 0..3 are four separate buffers", distinct);

    // A short ReadUser changes only its bytes.
    memset(g_src, 0x11, 10);
    check("ReadUser 10 bytes into buffer 1", op(UK_OP_READ_USER, addr(g_src), 1, 10), 10);
    check("WriteUser 4096 bytes from buffer 1", op(UK_OP_WRITE_USER, addr(g_dst), 1, 4096), 4096);
    check_true("only the first 10 bytes changed", all_equal(g_dst, 10, 0x11) && all_equal(g_dst + 10, 4086, 0xA1));
    check("zero-length ReadUser", op(UK_OP_READ_USER, addr(g_src), 1, 0), 0);

    check("ReadUser buffer id 4", op(UK_OP_READ_USER, addr(g_src), kKernelBuffers, 16), -UK_EINVAL);
    check("WriteUser buffer id 4", op(UK_OP_WRITE_USER, addr(g_dst), kKernelBuffers, 16), -UK_EINVAL);
    check("ReadUser buffer id 2^64-1", op(UK_OP_READ_USER, addr(g_src), UINT64_MAX, 16), -UK_EINVAL);
    check("ReadUser 4097 bytes", op(UK_OP_READ_USER, addr(g_src), 0, 4097), -UK_EINVAL);
    check("WriteUser 4097 bytes", op(UK_OP_WRITE_USER, addr(g_dst), 0, 4097), -UK_EINVAL);
    check("ReadUser nonzero args[3]", op(UK_OP_READ_USER, addr(g_src), 0, 16, 1), -UK_EINVAL);
    check("ReadUser from address 0", op(UK_OP_READ_USER, 0, 0, 16), -UK_EFAULT);
    check("ReadUser from the kernel half", op(UK_OP_READ_USER, 0xFFFF000040000000, 0, 16), -UK_EFAULT);
    check("WriteUser into .rodata", op(UK_OP_WRITE_USER, addr(kReadOnly), 0, 16), -UK_EFAULT);
    check("ReadUser from .rodata", op(UK_OP_READ_USER, addr(kReadOnly), 0, 16), 16);
}

// ---- random --------------------------------------------------------------------
uint8_t g_rand_a[kMaxRandom];
uint8_t g_rand_b[kMaxRandom];

void test_random() {
    check("GetRandom 256 bytes", op(UK_OP_GET_RANDOM, addr(g_rand_a), kMaxRandom), 256);
    check("GetRandom 256 bytes again", op(UK_OP_GET_RANDOM, addr(g_rand_b), kMaxRandom), 256);
    check_true("the two outputs differ", memcmp(g_rand_a, g_rand_b, kMaxRandom) != 0);
    check_true("output is not all zero", !all_equal(g_rand_a, kMaxRandom, 0));
    check("GetRandom 1 byte", op(UK_OP_GET_RANDOM, addr(g_rand_a), 1), 1);
    check("GetRandom 0 bytes", op(UK_OP_GET_RANDOM, addr(g_rand_a), 0), 0);
    check("GetRandom 257 bytes", op(UK_OP_GET_RANDOM, addr(g_rand_a), kMaxRandom + 1), -UK_EINVAL);
    check("GetRandom flags 1", op(UK_OP_GET_RANDOM, addr(g_rand_a), 16, 1), -UK_EINVAL);
    check("GetRandom nonzero args[3]", op(UK_OP_GET_RANDOM, addr(g_rand_a), 16, 0, 1), -UK_EINVAL);
    check("GetRandom into address 0x1000", op(UK_OP_GET_RANDOM, 0x1000, 16), -UK_EFAULT);
    check("GetRandom into .rodata", op(UK_OP_GET_RANDOM, addr(kReadOnly), 16), -UK_EFAULT);
}

// ---- time and the thread ops that need no second thread -------------------------
alignas(4) uint32_t g_futex = 5;

void test_time_and_threads() {
    const uint32_t clocks[] = {UK_CLOCK_REALTIME, UK_CLOCK_MONOTONIC};
    for (uint32_t clock : clocks) {
        const int64_t t1 = op(UK_OP_GET_TIME_NS, clock);
        const int64_t t2 = op(UK_OP_GET_TIME_NS, clock);
        const int64_t t3 = op(UK_OP_GET_TIME_NS, clock);
        check_true(clock == UK_CLOCK_REALTIME ? "GetTimeNs(REALTIME) > 0, non-decreasing"
                                              : "GetTimeNs(MONOTONIC) > 0, non-decreasing",
                   t1 > 0 && t1 <= t2 && t2 <= t3);
        // A 2 ms sleep (BlockThread with only a timeout) moves the clock on.
        check("BlockThread(2 ms timeout): -ETIMEDOUT", op(UK_OP_BLOCK_THREAD, 2'000'000), -UK_ETIMEDOUT);
        const int64_t t4 = op(UK_OP_GET_TIME_NS, clock);
        check_true(clock == UK_CLOCK_REALTIME ? "GetTimeNs(REALTIME) advanced >= 2 ms over the sleep"
                                              : "GetTimeNs(MONOTONIC) advanced >= 2 ms over the sleep",
                   t4 - t3 >= 2'000'000);
    }
    check("GetTimeNs clock 2", op(UK_OP_GET_TIME_NS, 2), -UK_EINVAL);
    check("GetTimeNs clock 2^32 + 1", op(UK_OP_GET_TIME_NS, (1ull << 32) + 1), -UK_EINVAL);
    check("GetTimeNs nonzero args[1]", op(UK_OP_GET_TIME_NS, UK_CLOCK_MONOTONIC, 1), -UK_EINVAL);

    check("FutexWake with nobody waiting", op(UK_OP_FUTEX_WAKE, addr(&g_futex), 1), 0);
    check("FutexWake unaligned", op(UK_OP_FUTEX_WAKE, addr(&g_futex) + 1, 1), -UK_EINVAL);
    check("FutexWake at 0x1000", op(UK_OP_FUTEX_WAKE, 0x1000, 1), -UK_EFAULT);
    check("BlockThread on a futex whose value differs: -EAGAIN",
          op(UK_OP_BLOCK_THREAD, 1'000'000, addr(&g_futex), 4), -UK_EAGAIN);
    check("BlockThread without timeout or futex", op(UK_OP_BLOCK_THREAD, 0, 0, 0), -UK_EINVAL);
    check("ThreadCreate flags != 0", op(UK_OP_THREAD_CREATE, addr(reinterpret_cast<void*>(&test_random)), 0, 0, 0, 1),
          -UK_EINVAL);
    check("ThreadCreate entry not executable", op(UK_OP_THREAD_CREATE, addr(g_src), addr(g_dst) + 4096), -UK_EFAULT);
    check("ThreadCreate unaligned stack", op(UK_OP_THREAD_CREATE, addr(reinterpret_cast<void*>(&test_random)), 8),
          -UK_EINVAL);
    check("Yield", uk_yield(), 0);

    check("GetDomainId", op(UK_OP_GET_DOMAIN_ID), static_cast<int64_t>(kSelf));
    check("GetDomainId matches the entry value", op(UK_OP_GET_DOMAIN_ID),
          static_cast<int64_t>(uk_startup_domain_id()));
    check("GetParentId: the kernel", op(UK_OP_GET_PARENT_ID), 0);
}

// ---- files -----------------------------------------------------------------------
char g_buf[1024];
char g_long_path[UK_VFS_MAX_PATH_BYTES + 2];
struct uk_stat g_st;
const char kPattern[] = "0123456789abcdefghijklmnopqrstuvwxyz";

int64_t vopen(const char* path, uint64_t flags, uint64_t mode = 0) {
    return op(UK_OP_VFS_OPEN, addr(path), strlen(path), flags, mode);
}
int64_t vread(int64_t h, void* buf, uint64_t len, uint64_t off = UK_VFS_OFFSET_CURRENT) {
    return op(UK_OP_VFS_READ, static_cast<uint64_t>(h), addr(buf), len, off);
}
int64_t vwrite(int64_t h, const void* buf, uint64_t len, uint64_t off = UK_VFS_OFFSET_CURRENT) {
    return op(UK_OP_VFS_WRITE, static_cast<uint64_t>(h), addr(buf), len, off);
}
int64_t vstat(int64_t h, struct uk_stat* st, uint64_t len = sizeof(struct uk_stat), uint64_t flags = 0) {
    return op(UK_OP_VFS_STAT, static_cast<uint64_t>(h), addr(st), len, 0, flags);
}
int64_t vseek(int64_t h, int64_t off, uint64_t whence) {
    return op(UK_OP_VFS_SEEK, static_cast<uint64_t>(h), 0, 0, static_cast<uint64_t>(off), whence);
}
int64_t vtrunc(int64_t h, uint64_t len) { return op(UK_OP_VFS_TRUNCATE, static_cast<uint64_t>(h), 0, 0, len); }
int64_t vsync(int64_t h, uint64_t flags = 0) { return op(UK_OP_VFS_SYNC, static_cast<uint64_t>(h), 0, 0, 0, flags); }
int64_t vclose(int64_t h) { return op(UK_OP_VFS_CLOSE, static_cast<uint64_t>(h)); }

bool stat_reserved_zero(const struct uk_stat& st) { return st.reserved0 == 0 && st.reserved1 == 0; }

void test_motd(int64_t h) {
    const uint64_t motd_len = sizeof kMotd - 1;
    memset(g_buf, 0, sizeof g_buf);
    int64_t rc = vread(h, g_buf, sizeof g_buf);
    checkp("[archive] VfsRead at the position: whole file", rc, static_cast<int64_t>(motd_len));
    checkp_true("[archive] contents of /etc/motd", rc, memcmp(g_buf, kMotd, motd_len) == 0);
    checkp("[archive] VfsRead at the end: 0", vread(h, g_buf, sizeof g_buf), 0);
    memset(&g_st, 0xFF, sizeof g_st);
    rc = vstat(h, &g_st);
    checkp("[archive] VfsStat: 64", rc, 64);
    checkp_true("[archive] stat: S_IFREG|0444, mtime 0 (as make_rootfs.sh packs), size, nlink 1, ARCHIVE, RDONLY, "
                "blksize 4096, reserved 0",
                rc,
                g_st.mode == (UK_S_IFREG | 0444) && g_st.mtime_ns == 0 && g_st.size == motd_len && g_st.nlink == 1 &&
                    g_st.flags == UK_STAT_F_ARCHIVE && g_st.open_flags == UK_O_RDONLY && g_st.blksize == 4096 &&
                    stat_reserved_zero(g_st));
    checkp("[archive] VfsWrite on a RDONLY handle: -EBADF", vwrite(h, "x", 1), -UK_EBADF);
    checkp("[archive] VfsTruncate on a RDONLY handle: -EBADF", vtrunc(h, 0), -UK_EBADF);
    checkp("[archive] VfsSeek(5, SET)", vseek(h, 5, UK_SEEK_SET), 5);
    rc = vread(h, g_buf, 3);
    checkp("[archive] VfsRead 3 at 5", rc, 3);
    checkp_true("[archive] bytes 5..7", rc, memcmp(g_buf, kMotd + 5, 3) == 0);
    checkp("[archive] VfsSeek(0, CUR): 8", vseek(h, 0, UK_SEEK_CUR), 8);
    rc = vread(h, g_buf, 4, 0);
    checkp("[archive] VfsRead at offset 0 (pread)", rc, 4);
    checkp_true("[archive] pread bytes", rc, memcmp(g_buf, kMotd, 4) == 0);
    checkp("[archive] pread leaves the position: 8", vseek(h, 0, UK_SEEK_CUR), 8);
    checkp("[archive] VfsSeek(-1, END)", vseek(h, -1, UK_SEEK_END), static_cast<int64_t>(motd_len - 1));
    checkp("[archive] VfsSeek past the end is fine", vseek(h, 100, UK_SEEK_END), static_cast<int64_t>(motd_len + 100));
    checkp("[archive] VfsRead past the end: 0", vread(h, g_buf, 4), 0);
    checkp("[archive] VfsSync", vsync(h), 0);
    checkp("[archive] VfsClose", vclose(h), 0);
}

// The read-only archive (/etc/motd under path-ro /etc; /data/seed.txt under
// path-rw /data). "[archive]" checks need tests/ops:ops_rootfs in the image.
void test_vfs_archive() {
    const int64_t h = vopen("/etc/motd", UK_O_RDONLY);
    checkp("[archive] VfsOpen(/etc/motd, RDONLY): lowest handle 0", h, 0);
    if (h >= 0 || h == -UK_ENOSYS) {
        test_motd(h);
    } else {
        uk_printf("ops_all: /etc/motd missing: is tests/ops:ops_rootfs packed into the image?\n");
    }

    checkp("VfsOpen(/etc/motd, WRONLY) under path-ro: -EACCES", vopen("/etc/motd", UK_O_WRONLY), -UK_EACCES);
    checkp("VfsOpen(/etc/motd, RDWR) under path-ro: -EACCES", vopen("/etc/motd", UK_O_RDWR), -UK_EACCES);
    checkp("VfsOpen(/etc/new, CREAT) under path-ro: -EACCES", vopen("/etc/new", UK_O_WRONLY | UK_O_CREAT, 0644),
           -UK_EACCES);
    checkp("[archive] VfsOpen(archive file, RDWR) under path-rw: -EROFS", vopen("/data/seed.txt", UK_O_RDWR),
           -UK_EROFS);
    const int64_t seed = vopen("/data/seed.txt", UK_O_RDONLY);
    checkp("[archive] VfsOpen(archive file, RDONLY) under path-rw", seed, 0);
    if (seed >= 0) checkp("[archive] VfsClose(seed)", vclose(seed), 0);
    checkp("[archive] VfsOpen(/etc/motd/x): -ENOTDIR", vopen("/etc/motd/x", UK_O_RDONLY), -UK_ENOTDIR);
    checkp("[archive] VfsOpen(/etc/motd/): -ENOTDIR", vopen("/etc/motd/", UK_O_RDONLY), -UK_ENOTDIR);
    checkp("[archive] VfsOpen(/etc, O_DIRECTORY)", vopen("/etc", UK_O_RDONLY | UK_O_DIRECTORY), 0);
    checkp("[archive] VfsClose(/etc)", vclose(0), 0);
}

void test_vfs_paths() {
    checkp("VfsOpen outside every grant: -EACCES", vopen("/secret", UK_O_RDONLY), -UK_EACCES);
    checkp("VfsOpen(/): -EACCES (not granted)", vopen("/", UK_O_RDONLY), -UK_EACCES);
    checkp("VfsOpen(/etcetera): grants end at components", vopen("/etcetera", UK_O_RDONLY), -UK_EACCES);
    checkp("VfsOpen(/etc/missing): -ENOENT", vopen("/etc/missing", UK_O_RDONLY), -UK_ENOENT);
    checkp("VfsOpen(/etc/../data/x): -EINVAL", vopen("/etc/../data/x", UK_O_RDONLY), -UK_EINVAL);
    checkp("VfsOpen(relative path): -EINVAL", vopen("etc/motd", UK_O_RDONLY), -UK_EINVAL);
    checkp("VfsOpen(empty path): -ENOENT", op(UK_OP_VFS_OPEN, addr("/etc"), 0, UK_O_RDONLY), -UK_ENOENT);
    checkp("VfsOpen(NUL inside the path): -EINVAL", op(UK_OP_VFS_OPEN, addr("/etc\0x"), 6, UK_O_RDONLY), -UK_EINVAL);
    g_long_path[0] = '/';
    for (size_t i = 1; i <= UK_VFS_MAX_PATH_BYTES; ++i) g_long_path[i] = 'a';
    checkp("VfsOpen(256-byte path): -ENAMETOOLONG",
           op(UK_OP_VFS_OPEN, addr(g_long_path), UK_VFS_MAX_PATH_BYTES + 1, UK_O_RDONLY), -UK_ENAMETOOLONG);
    checkp("VfsOpen(path at 0x1000): -EFAULT", op(UK_OP_VFS_OPEN, 0x1000, 5, UK_O_RDONLY), -UK_EFAULT);
    checkp("VfsOpen unknown flag bit: -EINVAL", vopen("/data/f", UK_O_RDONLY | 0x4), -UK_EINVAL);
    checkp("VfsOpen access mode 3: -EINVAL", vopen("/data/f", 3), -UK_EINVAL);
    checkp("VfsOpen TRUNC|RDONLY: -EINVAL", vopen("/data/f", UK_O_RDONLY | UK_O_TRUNC), -UK_EINVAL);
    checkp("VfsOpen CREAT|DIRECTORY: -EINVAL", vopen("/data/f", UK_O_RDWR | UK_O_CREAT | UK_O_DIRECTORY, 0644),
           -UK_EINVAL);
    checkp("VfsOpen mode 01000: -EINVAL", vopen("/data/f", UK_O_RDWR | UK_O_CREAT, 01000), -UK_EINVAL);
    checkp("VfsOpen nonzero args[4]: -EINVAL", op(UK_OP_VFS_OPEN, addr("/data/f"), 7, UK_O_RDONLY, 0, 1), -UK_EINVAL);
    checkp("VfsOpen(CREAT in a missing directory): -ENOENT", vopen("/data/nodir/f", UK_O_WRONLY | UK_O_CREAT, 0644),
           -UK_ENOENT);
}

void test_vfs_memory_files() {
    const int64_t h = vopen("/data/f", UK_O_RDWR | UK_O_CREAT | UK_O_EXCL, 0640);
    checkp("VfsOpen(/data/f, RDWR|CREAT|EXCL, 0640): handle 0", h, 0);
    checkp("VfsOpen(/data/f, CREAT|EXCL) again: -EEXIST", vopen("/data/f", UK_O_RDWR | UK_O_CREAT | UK_O_EXCL, 0640),
           -UK_EEXIST);
    for (int i = 0; i < 300; ++i) g_buf[i] = kPattern[i % 36];
    checkp("VfsWrite 300 bytes at the position", vwrite(h, g_buf, 300), 300);
    checkp("the position moved to 300", vseek(h, 0, UK_SEEK_CUR), 300);
    checkp("VfsWrite 4 bytes at offset 1000 (pwrite, leaves a hole)", vwrite(h, "ABCD", 4, 1000), 4);
    checkp("pwrite leaves the position at 300", vseek(h, 0, UK_SEEK_CUR), 300);
    memset(&g_st, 0xFF, sizeof g_st);
    int64_t rc = vstat(h, &g_st);
    checkp("VfsStat(/data/f): 64", rc, 64);
    checkp_true("stat: size 1004, S_IFREG|0640, nlink 1, MEMORY, RDWR, blksize 4096, reserved 0", rc,
                g_st.size == 1004 && g_st.mode == (UK_S_IFREG | 0640) && g_st.nlink == 1 &&
                    g_st.flags == UK_STAT_F_MEMORY && g_st.open_flags == UK_O_RDWR && g_st.blksize == 4096 &&
                    stat_reserved_zero(g_st));
    checkp_true("stat: mtime set (kernel clock), blocks counted", rc, g_st.mtime_ns > 0 && g_st.blocks > 0);
    memset(g_buf + 512, 0x77, 16);
    rc = vread(h, g_buf + 512, 16, 500);
    checkp("VfsRead 16 bytes in the hole", rc, 16);
    checkp_true("a hole reads as zeros", rc, all_equal(reinterpret_cast<uint8_t*>(g_buf + 512), 16, 0));
    checkp("VfsSeek(0, SET)", vseek(h, 0, UK_SEEK_SET), 0);
    memset(g_buf + 400, 0, 400);
    rc = vread(h, g_buf + 400, 300);
    checkp("VfsRead 300 bytes back", rc, 300);
    checkp_true("what was written is read back", rc, memcmp(g_buf, g_buf + 400, 300) == 0);
    rc = vread(h, g_buf + 400, 4, 1000);
    checkp_true("the pwrite bytes are at 1000", rc, rc == 4 && memcmp(g_buf + 400, "ABCD", 4) == 0);
    checkp("VfsSeek(0, END): the size", vseek(h, 0, UK_SEEK_END), 1004);
    checkp("VfsSeek to -1: -EINVAL", vseek(h, -1, UK_SEEK_SET), -UK_EINVAL);
    checkp("a failed seek changes nothing", vseek(h, 0, UK_SEEK_CUR), 1004);
    checkp("VfsSeek whence 3: -EINVAL", vseek(h, 0, 3), -UK_EINVAL);
    checkp("VfsSeek beyond INT64_MAX: -EOVERFLOW", vseek(h, INT64_MAX, UK_SEEK_CUR), -UK_EOVERFLOW);
    checkp("VfsTruncate to 10", vtrunc(h, 10), 0);
    rc = vstat(h, &g_st);
    checkp_true("stat after truncate: size 10", rc, rc == 64 && g_st.size == 10);
    checkp("truncate leaves the position", vseek(h, 0, UK_SEEK_CUR), 1004);
    checkp("VfsTruncate beyond INT64_MAX: -EINVAL", vtrunc(h, 1ull << 63), -UK_EINVAL);
    checkp("VfsStat len 63: -EINVAL", vstat(h, &g_st, 63), -UK_EINVAL);
    checkp("VfsStat flags 1: -EINVAL", vstat(h, &g_st, 64, 1), -UK_EINVAL);
    checkp("VfsStat into address 0x1000: -EFAULT", op(UK_OP_VFS_STAT, static_cast<uint64_t>(h), 0x1000, 64),
           -UK_EFAULT);
    checkp("VfsRead into .rodata: -EFAULT", vread(h, const_cast<uint8_t*>(kReadOnly), 4, 0), -UK_EFAULT);
    checkp("VfsWrite from address 0x1000: -EFAULT", vwrite(h, reinterpret_cast<const void*>(0x1000), 4, 0),
           -UK_EFAULT);
    checkp("VfsRead offset beyond INT64_MAX: -EINVAL", vread(h, g_buf, 4, 1ull << 63), -UK_EINVAL);
    checkp("VfsRead 0 bytes", vread(h, g_buf, 0, 0), 0);
    checkp("VfsRead of 64 KiB + 1 bytes: -EINVAL", vread(h, g_buf, UK_VFS_MAX_IO_BYTES + 1, 0), -UK_EINVAL);
    checkp("VfsWrite of 64 KiB + 1 bytes: -EINVAL", vwrite(h, g_buf, UK_VFS_MAX_IO_BYTES + 1, 0), -UK_EINVAL);
    checkp("VfsSync", vsync(h), 0);
    checkp("VfsSync flags 1: -EINVAL", vsync(h, 1), -UK_EINVAL);
    checkp("VfsClose", vclose(h), 0);
    checkp("VfsClose twice: -EBADF", vclose(h), -UK_EBADF);
    checkp("VfsRead on a closed handle: -EBADF", vread(h, g_buf, 4), -UK_EBADF);
    checkp("VfsRead on handle 999: -EBADF", vread(999, g_buf, 4), -UK_EBADF);
    checkp("VfsSeek on handle 16: -EBADF", vseek(16, 0, UK_SEEK_SET), -UK_EBADF);
    checkp("VfsStat on a closed handle: -EBADF", vstat(h, &g_st), -UK_EBADF);
    checkp("VfsSync on a closed handle: -EBADF", vsync(h), -UK_EBADF);
    checkp("VfsTruncate on a closed handle: -EBADF", vtrunc(h, 0), -UK_EBADF);
    checkp("VfsWrite on a closed handle: -EBADF", vwrite(h, "x", 1), -UK_EBADF);

    // O_APPEND, O_TRUNC, read-only and write-only handles.
    int64_t a = vopen("/data/f", UK_O_WRONLY | UK_O_APPEND);
    checkp("VfsOpen(WRONLY|APPEND)", a, 0);
    checkp("VfsWrite with APPEND: at the end", vwrite(a, "xyz", 3), 3);
    checkp("the position is at the end: 13", vseek(a, 0, UK_SEEK_CUR), 13);
    rc = vstat(a, &g_st);
    checkp_true("stat: size 13, open_flags WRONLY|APPEND", rc,
                rc == 64 && g_st.size == 13 && g_st.open_flags == (UK_O_WRONLY | UK_O_APPEND));
    checkp("VfsRead on a WRONLY handle: -EBADF", vread(a, g_buf, 4), -UK_EBADF);
    checkp("VfsClose(append)", vclose(a), 0);
    a = vopen("/data/f", UK_O_RDONLY);
    checkp("VfsOpen(RDONLY)", a, 0);
    rc = vread(a, g_buf, 64);
    checkp_true("10 bytes + the appended 3", rc, rc == 13 && memcmp(g_buf, kPattern, 10) == 0 &&
                                                     memcmp(g_buf + 10, "xyz", 3) == 0);
    checkp("VfsWrite on a RDONLY handle: -EBADF", vwrite(a, "x", 1), -UK_EBADF);
    checkp("VfsClose(rdonly)", vclose(a), 0);
    a = vopen("/data/f", UK_O_RDWR | UK_O_TRUNC);
    checkp("VfsOpen(RDWR|TRUNC)", a, 0);
    rc = vstat(a, &g_st);
    checkp_true("TRUNC emptied the file", rc, rc == 64 && g_st.size == 0);
    checkp("VfsClose(trunc)", vclose(a), 0);

    // Directories.
    const int64_t d = vopen("/data", UK_O_RDONLY | UK_O_DIRECTORY);
    checkp("VfsOpen(/data, DIRECTORY)", d, 0);
    checkp("VfsRead on a directory: -EISDIR", vread(d, g_buf, 4), -UK_EISDIR);
    rc = vstat(d, &g_st);
    checkp_true("stat: a directory, nlink 2, size 0", rc,
                rc == 64 && (g_st.mode & UK_S_IFMT) == UK_S_IFDIR && g_st.nlink == 2 && g_st.size == 0);
    checkp("VfsClose(dir)", vclose(d), 0);
    checkp("VfsOpen(/data, WRONLY): -EISDIR", vopen("/data", UK_O_WRONLY), -UK_EISDIR);
    checkp("VfsOpen(/data/f, DIRECTORY): -ENOTDIR", vopen("/data/f", UK_O_RDONLY | UK_O_DIRECTORY), -UK_ENOTDIR);
    checkp("VfsOpen(/data/f/): -ENOTDIR", vopen("/data/f/", UK_O_RDONLY), -UK_ENOTDIR);
    checkp("VfsOpen(/data/new/, CREAT): -EISDIR", vopen("/data/new/", UK_O_WRONLY | UK_O_CREAT, 0644), -UK_EISDIR);
}

void test_vfs_limits() {
    // 16 handles per domain, the lowest free one first.
    int64_t handles[kMaxHandles];
    int lowest = 0;
    for (uint64_t i = 0; i < kMaxHandles; ++i) {
        handles[i] = vopen("/data/f", UK_O_RDONLY);
        if (handles[i] == static_cast<int64_t>(i)) ++lowest;
    }
    checkp("16 opens get handles 0..15", handles[0] == -UK_ENOSYS ? -UK_ENOSYS : lowest, kMaxHandles);
    checkp("the 17th open: -EMFILE", vopen("/data/f", UK_O_RDONLY), -UK_EMFILE);
    checkp("VfsClose(handle 7)", vclose(7), 0);
    checkp("the next open reuses handle 7", vopen("/data/f", UK_O_RDONLY), 7);
    int closed = 0;
    for (uint64_t i = 0; i < kMaxHandles; ++i) closed += vclose(static_cast<int64_t>(i)) == 0 ? 1 : 0;
    checkp("all 16 closed", handles[0] == -UK_ENOSYS ? -UK_ENOSYS : closed, kMaxHandles);

    // 16 files created per domain (/data/f was the first).
    char name[] = "/data/nX";
    int created = 0;
    int64_t first = 0;
    for (uint64_t i = 1; i < kMaxCreatedFiles; ++i) {
        name[7] = static_cast<char>('a' + i);
        const int64_t h = vopen(name, UK_O_WRONLY | UK_O_CREAT | UK_O_EXCL, 0600);
        if (i == 1) first = h;
        if (h >= 0) {
            ++created;
            (void)vclose(h);
        }
    }
    checkp("15 more files created", first == -UK_ENOSYS ? -UK_ENOSYS : created, kMaxCreatedFiles - 1);
    checkp("the 17th creation: -ENOSPC", vopen("/data/one-too-many", UK_O_WRONLY | UK_O_CREAT, 0600), -UK_ENOSPC);
    const int64_t again = vopen("/data/f", UK_O_RDWR);
    checkp("existing files still open for writing", again, 0);
    if (again >= 0) (void)vclose(again);
}

// ---- signals -----------------------------------------------------------------------
constexpr int kSigPeerPing = UK_SIGUSR1;  // ops_all -> ops_peer
constexpr int kSigPeerPong = UK_SIGUSR2;  // ops_peer -> ops_all

void test_signals() {
    checkp("CheckSignals: nothing pending at first", op(UK_OP_CHECK_SIGNALS), 0);

    // Signal itself; the flag comes on its next completion (this batch's
    // SendSignal or GetDomainId completion, depending on when the kernel
    // arms it).
    const uk_op ops[2] = {make_op(UK_OP_SEND_SIGNAL, 1, kSelf, 5), make_op(UK_OP_GET_DOMAIN_ID, 2)};
    int64_t res[2];
    uint16_t fl[2];
    run_flagged(ops, 2, res, fl);
    checkp("SendSignal(itself, 5)", res[0], 0);
    checkp_true("SIGNAL_PENDING on the next completion", res[0],
                ((fl[0] | fl[1]) & UK_COMPLETE_SIGNAL_PENDING) != 0);
    checkp("CheckSignals: signal 5 (bit 4)", op(UK_OP_CHECK_SIGNALS), static_cast<int64_t>(UK_SIGBIT(5)));
    checkp("CheckSignals again: cleared", op(UK_OP_CHECK_SIGNALS), 0);
    checkp("SendSignal(itself, 0): a probe", op(UK_OP_SEND_SIGNAL, kSelf, 0), 0);
    checkp("a probe sends nothing", op(UK_OP_CHECK_SIGNALS), 0);
    checkp("SendSignal(itself, 63)", op(UK_OP_SEND_SIGNAL, kSelf, 63), 0);
    checkp("SendSignal(itself, 5)", op(UK_OP_SEND_SIGNAL, kSelf, 5), 0);
    checkp("SendSignal(itself, 5) again", op(UK_OP_SEND_SIGNAL, kSelf, 5), 0);
    checkp("CheckSignals: a set of 5 and 63", op(UK_OP_CHECK_SIGNALS),
           static_cast<int64_t>(UK_SIGBIT(5) | UK_SIGBIT(63)));
    checkp("SendSignal(itself, 64): -EINVAL", op(UK_OP_SEND_SIGNAL, kSelf, 64), -UK_EINVAL);
    checkp("SendSignal to an ungranted domain: -EPERM", op(UK_OP_SEND_SIGNAL, 3, 1), -UK_EPERM);
    checkp("SendSignal to domain 0: -EPERM", op(UK_OP_SEND_SIGNAL, 0, 1), -UK_EPERM);
    checkp("SendSignal to domain 2^40 (ids are u32): -EINVAL", op(UK_OP_SEND_SIGNAL, 1ull << 40, 1), -UK_EINVAL);
    checkp("SendSignal(itself, 2^32 + 5): -EINVAL", op(UK_OP_SEND_SIGNAL, kSelf, (1ull << 32) + 5), -UK_EINVAL);
    checkp("SendSignal nonzero args[2]: -EINVAL", op(UK_OP_SEND_SIGNAL, kSelf, 1, 1), -UK_EINVAL);
    checkp("CheckSignals nonzero args[0]: -EINVAL", op(UK_OP_CHECK_SIGNALS, 1), -UK_EINVAL);
    checkp("nothing pending after the refusals", op(UK_OP_CHECK_SIGNALS), 0);

    // The peer: granted, running until it has our signal.
    checkp("SendSignal(ops_peer, 0): granted and running", op(UK_OP_SEND_SIGNAL, kPeer, 0), 0);
    const int64_t ping = op(UK_OP_SEND_SIGNAL, kPeer, kSigPeerPing);
    checkp("SendSignal(ops_peer, SIGUSR1)", ping, 0);
    int64_t mask = ping;
    if (ping == 0) {
        const uint64_t deadline = now_ns() + 5'000'000'000ull;
        for (;;) {
            mask = op(UK_OP_CHECK_SIGNALS);
            if (mask != 0 || now_ns() > deadline) break;
            (void)uk_yield();
        }
    }
    checkp("ops_peer answered with SIGUSR2", mask, static_cast<int64_t>(UK_SIGBIT(kSigPeerPong)));
    int64_t probe = ping;
    if (ping == 0) {
        const uint64_t deadline = now_ns() + 5'000'000'000ull;
        for (;;) {
            probe = op(UK_OP_SEND_SIGNAL, kPeer, 0);
            if (probe != 0 || now_ns() > deadline) break;
            (void)uk_yield();
        }
    }
    checkp("SendSignal(ops_peer, 0) once it exited: -ESRCH", probe, -UK_ESRCH);
    checkp("SendSignal(ops_peer, SIGUSR1) once it exited: -ESRCH", op(UK_OP_SEND_SIGNAL, kPeer, kSigPeerPing),
           -UK_ESRCH);
}

}  // namespace

int main() {
    uk_printf("ops_all: start (domain %llu)\n", static_cast<unsigned long long>(uk_startup_domain_id()));
    test_map_protect_unmap();
    test_map_fixed_and_hints();
    test_kernel_buffers();
    test_quota();
    test_random();
    test_time_and_threads();
    test_vfs_archive();
    test_vfs_paths();
    test_vfs_memory_files();
    test_vfs_limits();
    test_signals();
    uk_printf("ops_all: %d checks passed, %d failed, %d not integrated\n", g_passed, g_failed, g_pending);
    return g_failed == 0 && g_pending == 0 ? 0 : 1;
}
