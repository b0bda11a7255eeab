// thread_limits: ThreadCreate's errors and limits, and how a domain ends
// when its threads exit one by one.
//   bad entry (data, not executable) -> -EFAULT; misaligned stack -> -EINVAL;
//   stack not writable -> -EFAULT; flags != 0 -> -EINVAL; the runtime's own
//   checks (null fn, tiny stack) -> -EINVAL;
//   main + 7 threads = 8: the next ThreadCreate -> -EAGAIN; after they are
//   joined a new one starts again (slots are recycled);
//   a raw ThreadCreate gets x0 = arg, sp = stack_top, TPIDR_EL0 = tls;
//   main ends with thread_exit(3) while a last thread sleeps; that thread
//   ends with thread_exit(42): the domain exits with code 42.
// Prints "thread_limits: all N checks passed" and
// "thread_limits: last thread exiting with 42". Capabilities: debug yield
// exit threads.
#include <ukernel/ring.h>
#include <ukernel/thread.h>

namespace {

using ukernel::Ring;
using ukernel::sys::KernelOp;

constexpr size_t kStackBytes = 4096;
constexpr int kWorkers = 7;  // + main = the kernel's 8 per domain

int g_checks = 0;
int g_failures = 0;

void check(const char* what, int64_t got, int64_t want) {
    ++g_checks;
    if (got == want) return;
    ++g_failures;
    ukernel::printf("thread_limits: FAIL %s: got %lld, want %lld\n", what, static_cast<long long>(got),
                    static_cast<long long>(want));
}

alignas(16) unsigned char g_stacks[kWorkers + 1][kStackBytes];
ukernel::Thread g_threads[kWorkers + 1];
uint32_t g_gate = 0;     // workers sleep until it is 1
uint32_t g_waiting = 0;  // workers that reached the gate
alignas(16) uint32_t g_data_word = 0;
alignas(16) const uint64_t g_readonly[4] = {1, 2, 3, 4};

void gated(void*) {
    __atomic_fetch_add(&g_waiting, 1u, __ATOMIC_RELAXED);
    while (__atomic_load_n(&g_gate, __ATOMIC_ACQUIRE) == 0) ukernel::futex_wait(&g_gate, 0, 0);
}

// Raw thread: no start block; records what it was started with.
struct RawSeen {
    uint64_t arg;
    uintptr_t sp;
    uintptr_t tls;
    uint32_t done;
};
RawSeen g_raw = {};
struct alignas(16) FakeTls {
    uint64_t words[4];
};
FakeTls g_fake_tls = {};

extern "C" [[noreturn]] void raw_entry(uint64_t arg) {
    g_raw.arg = arg;
    g_raw.sp = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
    g_raw.tls = uk_thread_pointer();
    __atomic_store_n(&g_raw.done, 1u, __ATOMIC_RELEASE);
    ukernel::futex_wake(&g_raw.done, 1);
    ukernel::thread_exit(0);  // TPIDR_EL0 is not a start block: no join word
}

void last(void*) {
    ukernel::sleep_ns(2'000'000);  // main has ended by then
    ukernel::printf("thread_limits: last thread exiting with 42\n");
    ukernel::thread_exit(42);
}

uintptr_t top_of(int i) { return reinterpret_cast<uintptr_t>(g_stacks[i] + kStackBytes); }

}  // namespace

int main() {
    Ring& ring = Ring::domain();
    const uintptr_t entry = reinterpret_cast<uintptr_t>(&raw_entry);

    // ---- argument errors (raw ThreadCreate) ------------------------------
    check("entry in .bss (not executable)",
          ukernel::thread_create_raw(reinterpret_cast<uintptr_t>(&g_data_word), top_of(0), 0, 0), -UK_EFAULT);
    check("entry in .rodata (not executable)",
          ukernel::thread_create_raw(reinterpret_cast<uintptr_t>(&g_readonly), top_of(0), 0, 0), -UK_EFAULT);
    check("entry unmapped", ukernel::thread_create_raw(0x1000, top_of(0), 0, 0), -UK_EFAULT);
    check("entry misaligned", ukernel::thread_create_raw(entry + 2, top_of(0), 0, 0), -UK_EFAULT);
    check("stack misaligned (8)", ukernel::thread_create_raw(entry, top_of(0) - 8, 0, 0), -UK_EINVAL);
    check("stack misaligned (4)", ukernel::thread_create_raw(entry, top_of(0) - 4, 0, 0), -UK_EINVAL);
    check("stack in .rodata (not writable)",
          ukernel::thread_create_raw(entry, reinterpret_cast<uintptr_t>(&g_readonly[2]), 0, 0), -UK_EFAULT);
    check("stack unmapped", ukernel::thread_create_raw(entry, 0x7fff80000000ull, 0, 0), -UK_EFAULT);
    {
        const Ring::Args a = {entry, top_of(0), 0, 0, 1};
        check("flags != 0", ring.call(KernelOp::ThreadCreate, a), -UK_EINVAL);
    }
    check("runtime: null fn", ukernel::thread_create(nullptr, nullptr, g_stacks[0], kStackBytes), -UK_EINVAL);
    check("runtime: tiny stack", ukernel::thread_create(gated, nullptr, g_stacks[0], 64), -UK_EINVAL);
    check("threaded() after failures only", ring.threaded(), 0);

    // ---- the per-domain limit ----------------------------------------------
    int started = 0;
    for (int i = 0; i < kWorkers; ++i) {
        const int64_t id = g_threads[i].start(gated, nullptr, g_stacks[i], kStackBytes);
        if (id > 0) ++started;
        else check("start a worker", id, 1);
    }
    check("workers started", started, kWorkers);
    check("threaded()", ring.threaded(), 1);
    const int64_t ninth = g_threads[kWorkers].start(gated, nullptr, g_stacks[kWorkers], kStackBytes);
    check("9th thread of the domain", ninth, -UK_EAGAIN);
    check("raw 9th thread", ukernel::thread_create_raw(entry, top_of(kWorkers), 0, 0), -UK_EAGAIN);
    check("failed start leaves the handle not running", g_threads[kWorkers].running(), 0);
    ukernel::printf("thread_limits: %d workers + main running; 9th -> %lld\n", started, static_cast<long long>(ninth));

    // Let every worker reach the gate, then open it.
    while (__atomic_load_n(&g_waiting, __ATOMIC_RELAXED) < static_cast<uint32_t>(started)) ukernel::yield();
    __atomic_store_n(&g_gate, 1u, __ATOMIC_RELEASE);
    const int64_t woken = ukernel::futex_wake(&g_gate, UINT32_MAX);
    check("futex_wake woke every worker", woken, started);
    for (int i = 0; i < kWorkers; ++i) check("join worker", g_threads[i].join(), 0);
    for (int i = 0; i < kWorkers; ++i) check("joined worker not running", g_threads[i].running(), 0);

    // Slots are free again: a thread on a reused stack.
    const int64_t again = g_threads[0].start(gated, nullptr, g_stacks[0], kStackBytes);
    check("start after joins", again > 0, 1);
    check("join it", g_threads[0].join(), 0);

    // ---- a raw thread's registers -----------------------------------------
    const uintptr_t raw_top = top_of(1);
    const int64_t raw = ukernel::thread_create_raw(entry, raw_top, 0x1234abcd, reinterpret_cast<uintptr_t>(&g_fake_tls));
    check("raw thread", raw > 0, 1);
    while (__atomic_load_n(&g_raw.done, __ATOMIC_ACQUIRE) == 0) ukernel::futex_wait(&g_raw.done, 0, 0);
    check("raw x0 = arg", static_cast<int64_t>(g_raw.arg), 0x1234abcd);
    check("raw TPIDR_EL0 = tls", g_raw.tls == reinterpret_cast<uintptr_t>(&g_fake_tls), 1);
    check("raw sp below stack_top", g_raw.sp < raw_top && g_raw.sp > raw_top - 512, 1);
    check("main's TPIDR_EL0", static_cast<int64_t>(uk_thread_pointer()), 0);

    // ---- the last thread's code ends the domain ---------------------------
    const int64_t last_id = g_threads[2].start(last, nullptr, g_stacks[2], kStackBytes);
    check("last thread", last_id > 0, 1);

    if (g_failures != 0) {
        ukernel::printf("thread_limits: %d of %d checks failed\n", g_failures, g_checks);
        return 1;
    }
    ukernel::printf("thread_limits: all %d checks passed; main exits with thread_exit(3)\n", g_checks);
    ukernel::thread_exit(3);
}
