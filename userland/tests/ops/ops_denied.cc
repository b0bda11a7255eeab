// ops_denied: a domain with only the "debug" and "exit" capabilities calls
// every operation of issue 5 (memory, files, signals, random, time), the
// thread, network, scheduling and info operations -- each with well-formed
// arguments -- and checks that every one completes with -EPERM, then the
// POSIX layer (ukernel/posix.h) over the same ops: -1 and errno EPERM.
// Prints "ops_denied: all N ops refused with EPERM" and
// "ops_denied: posix layer: all M calls failed with errno EPERM" and exits
// 0, or prints "ops_denied: FAIL ..." lines and exits 1.
// Capabilities: debug exit (nothing else).
#include <ukernel/posix.h>
#include <ukernel/ring.h>
#include <ukernel/runtime.h>

namespace {

int g_ops = 0;
int g_posix = 0;
int g_failed = 0;

uint8_t g_buf[256];
alignas(4) uint32_t g_word = 0;
const char kPath[] = "/data/denied";

void thread_entry() {
    for (;;) {
    }
}

struct Call {
    const char* name;
    uint16_t opcode;
    uint64_t args[UK_SUBMIT_ARG_COUNT];
};

void check_op(const Call& c) {
    ++g_ops;
    const int64_t got = uk_ring_call(c.opcode, c.args, 0);
    if (got != -UK_EPERM) {
        ++g_failed;
        uk_printf("ops_denied: FAIL %s (0x%04x): got %lld, want %d (-EPERM)\n", c.name, c.opcode,
                  static_cast<long long>(got), -UK_EPERM);
    }
}

void check_posix(const char* name, bool returned_failure) {
    ++g_posix;
    if (returned_failure && errno == EPERM) return;
    ++g_failed;
    uk_printf("ops_denied: FAIL posix %s: %s, errno %d (want -1 / errno %d)\n", name,
              returned_failure ? "failed" : "succeeded", errno, EPERM);
}

}  // namespace

int main() {
    const uint64_t buf = reinterpret_cast<uintptr_t>(g_buf);
    const uint64_t word = reinterpret_cast<uintptr_t>(&g_word);
    const uint64_t path = reinterpret_cast<uintptr_t>(kPath);
    const uint64_t entry = reinterpret_cast<uintptr_t>(&thread_entry);
    const uint64_t stack_top = (reinterpret_cast<uintptr_t>(g_buf) + sizeof g_buf) & ~uint64_t{15};
    const Call calls[] = {
        // memory ("memory")
        {"MapAnonymous", UK_OP_MAP_ANONYMOUS, {0, 4096, UK_PROT_READ | UK_PROT_WRITE, 0, 0}},
        {"Munmap", UK_OP_MUNMAP, {0x100000000000, 4096, 0, 0, 0}},
        {"Mprotect", UK_OP_MPROTECT, {0x100000000000, 4096, UK_PROT_READ, 0, 0}},
        {"ReadUser", UK_OP_READ_USER, {buf, 0, 16, 0, 0}},
        {"WriteUser", UK_OP_WRITE_USER, {buf, 0, 16, 0, 0}},
        // threads ("threads") and scheduling ("yield")
        {"Yield", UK_OP_YIELD, {0, 0, 0, 0, 0}},
        {"BlockThread", UK_OP_BLOCK_THREAD, {1000000, 0, 0, 0, 0}},
        {"ThreadCreate", UK_OP_THREAD_CREATE, {entry, stack_top, 0, 0, 0}},
        {"ThreadExit", UK_OP_THREAD_EXIT, {0, 0, 0, 0, 0}},
        {"FutexWake", UK_OP_FUTEX_WAKE, {word, 1, 0, 0, 0}},
        // time, random ("time", "random")
        {"GetTimeNs", UK_OP_GET_TIME_NS, {UK_CLOCK_MONOTONIC, 0, 0, 0, 0}},
        {"GetTimeNs(REALTIME)", UK_OP_GET_TIME_NS, {UK_CLOCK_REALTIME, 0, 0, 0, 0}},
        {"GetRandom", UK_OP_GET_RANDOM, {buf, 16, 0, 0, 0}},
        // files ("files")
        {"VfsOpen", UK_OP_VFS_OPEN, {path, sizeof kPath - 1, UK_O_RDONLY, 0, 0}},
        {"VfsRead", UK_OP_VFS_READ, {0, buf, 16, UK_VFS_OFFSET_CURRENT, 0}},
        {"VfsWrite", UK_OP_VFS_WRITE, {0, buf, 16, UK_VFS_OFFSET_CURRENT, 0}},
        {"VfsStat", UK_OP_VFS_STAT, {0, buf, sizeof(struct uk_stat), 0, 0}},
        {"VfsClose", UK_OP_VFS_CLOSE, {0, 0, 0, 0, 0}},
        {"VfsSeek", UK_OP_VFS_SEEK, {0, 0, 0, 0, UK_SEEK_SET}},
        {"VfsTruncate", UK_OP_VFS_TRUNCATE, {0, 0, 0, 0, 0}},
        {"VfsSync", UK_OP_VFS_SYNC, {0, 0, 0, 0, 0}},
        // network ("net")
        {"NetConnect", UK_OP_NET_CONNECT, {0, 0, 0, buf, 16}},
        {"NetListen", UK_OP_NET_LISTEN, {0, 0, 4, buf, 16}},
        {"NetAccept", UK_OP_NET_ACCEPT, {0, 0, 0, 0, 0}},
        {"NetSend", UK_OP_NET_SEND, {0, buf, 16, 0, 0}},
        {"NetRecv", UK_OP_NET_RECV, {0, buf, 16, 0, 0}},
        {"NetClose", UK_OP_NET_CLOSE, {0, 0, 0, 0, 0}},
        {"NetUdpBind", UK_OP_NET_UDP_BIND, {0, 0, 0, buf, 16}},
        {"NetUdpSend", UK_OP_NET_UDP_SEND, {0, buf, 16, buf, 16}},
        {"NetUdpRecv", UK_OP_NET_UDP_RECV, {0, buf, 16, 0, 0}},
        // signals ("signals"): to itself, which is always allowed with the cap
        {"SendSignal", UK_OP_SEND_SIGNAL, {uk_startup_domain_id(), UK_SIGUSR1, 0, 0, 0}},
        {"CheckSignals", UK_OP_CHECK_SIGNALS, {0, 0, 0, 0, 0}},
        // info ("info")
        {"GetDomainId", UK_OP_GET_DOMAIN_ID, {0, 0, 0, 0, 0}},
        {"GetParentId", UK_OP_GET_PARENT_ID, {0, 0, 0, 0, 0}},
    };
    for (const Call& c : calls) check_op(c);

    // The same refusals through the POSIX layer: -1 / MAP_FAILED, errno EPERM.
    struct timespec ts;
    struct stat st;
    check_posix("open", open(kPath, O_RDONLY) == -1);
    check_posix("open(O_CREAT)", open(kPath, O_RDWR | O_CREAT, 0644) == -1);
    check_posix("read", read(3, g_buf, 16) == -1);
    check_posix("write", write(3, g_buf, 16) == -1);
    check_posix("pread", pread(3, g_buf, 16, 0) == -1);
    check_posix("pwrite", pwrite(3, g_buf, 16, 0) == -1);
    check_posix("lseek", lseek(3, 0, SEEK_SET) == -1);
    check_posix("fstat", fstat(3, &st) == -1);
    check_posix("ftruncate", ftruncate(3, 0) == -1);
    check_posix("fsync", fsync(3) == -1);
    check_posix("close", close(3) == -1);
    check_posix("mmap", mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_ANONYMOUS | MAP_PRIVATE, -1, 0) == MAP_FAILED);
    check_posix("munmap", munmap(reinterpret_cast<void*>(0x100000000000), 4096) == -1);
    check_posix("mprotect", mprotect(reinterpret_cast<void*>(0x100000000000), 4096, PROT_READ) == -1);
    check_posix("clock_gettime(MONOTONIC)", clock_gettime(CLOCK_MONOTONIC, &ts) == -1);
    check_posix("clock_gettime(REALTIME)", clock_gettime(CLOCK_REALTIME, &ts) == -1);
    check_posix("getrandom", getrandom(g_buf, 16, 0) == -1);
    check_posix("kill", kill(1, SIGUSR1) == -1);

    // And a batch of them: every entry -EPERM, in one SYS_SUBMIT.
    ukernel::posix::Batch<8> b;
    ukernel::posix::Timespec uts;
    b.open(kPath, O_RDONLY);
    b.mmap(nullptr, 4096, PROT_READ, MAP_ANONYMOUS | MAP_PRIVATE);
    b.clock_gettime(UK_CLOCK_MONOTONIC, &uts);
    b.getrandom(g_buf, 16);
    b.kill(1, SIGUSR1);
    const int64_t failed = b.submit();
    ++g_posix;
    bool batch_ok = failed == static_cast<int64_t>(b.count()) && b.submits() == 1;
    for (uint32_t i = 0; i < b.count(); ++i) batch_ok = batch_ok && b.result(static_cast<int>(i)) == -UK_EPERM;
    if (!batch_ok) {
        ++g_failed;
        uk_printf("ops_denied: FAIL batch: %lld of %u failed in %u submits\n", static_cast<long long>(failed),
                  b.count(), b.submits());
    }

    if (g_failed != 0) {
        uk_printf("ops_denied: %d of %d checks FAILED\n", g_failed, g_ops + g_posix);
        return 1;
    }
    uk_printf("ops_denied: all %d ops refused with EPERM\n", g_ops);
    uk_printf("ops_denied: posix layer: all %d calls failed with errno EPERM\n", g_posix);
    return 0;
}
