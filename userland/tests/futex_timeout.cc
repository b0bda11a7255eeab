// futex_timeout: futex_wait / sleep_ns timing and errors, first with one
// thread (the runtime keeps the ring lock while blocked), then again once a
// helper thread exists (the kernel releases the lock through unlock_va):
//   futex_wait(expected matches, 2 ms, nobody wakes) -> -ETIMEDOUT after
//     >= 2 ms (time_ns), completion flag TIMER_EXPIRED (raw, single phase);
//   sleep_ns(1 ms) -> 0 after >= 1 ms;
//   futex_wait(wrong expected) -> -EAGAIN at once; FutexWake(nobody) -> 0;
//   woken by another thread before a 1 s timeout -> 0, well before 1 s;
//   raw BlockThread / FutexWake argument errors.
// Prints "futex_timeout: all N checks passed" and exits 0 (1 on failure).
// Capabilities: debug info time yield exit threads.
#include <ukernel/ring.h>
#include <ukernel/thread.h>

namespace {

using ukernel::Ring;
using ukernel::sys::KernelOp;

constexpr int64_t kWaitNs = 2'000'000;
constexpr int64_t kSleepNs = 1'000'000;
constexpr int64_t kLongNs = 1'000'000'000;

int g_checks = 0;
int g_failures = 0;

void check(const char* phase, const char* what, int64_t got, int64_t want) {
    ++g_checks;
    if (got == want) return;
    ++g_failures;
    ukernel::printf("futex_timeout: FAIL [%s] %s: got %lld, want %lld\n", phase, what, static_cast<long long>(got),
                    static_cast<long long>(want));
}

void check_at_least(const char* phase, const char* what, int64_t got, int64_t min) {
    ++g_checks;
    if (got >= min) return;
    ++g_failures;
    ukernel::printf("futex_timeout: FAIL [%s] %s: %lld ns, want >= %lld\n", phase, what, static_cast<long long>(got),
                    static_cast<long long>(min));
}

uint32_t g_word = 0;  // nobody wakes it (except in the wake test)

void timing(const char* phase) {
    int64_t t0 = ukernel::time_ns();
    int64_t rc = ukernel::futex_wait(&g_word, 0, kWaitNs);
    int64_t elapsed = ukernel::time_ns() - t0;
    check(phase, "futex_wait timeout result", rc, -UK_ETIMEDOUT);
    check_at_least(phase, "futex_wait timeout elapsed", elapsed, kWaitNs);
    ukernel::printf("futex_timeout: [%s] futex_wait(%lld ns) -> %lld after %lld ns\n", phase,
                    static_cast<long long>(kWaitNs), static_cast<long long>(rc), static_cast<long long>(elapsed));

    t0 = ukernel::time_ns();
    rc = ukernel::sleep_ns(kSleepNs);
    elapsed = ukernel::time_ns() - t0;
    check(phase, "sleep_ns result", rc, 0);
    check_at_least(phase, "sleep_ns elapsed", elapsed, kSleepNs);
    ukernel::printf("futex_timeout: [%s] sleep_ns(%lld) -> %lld after %lld ns\n", phase,
                    static_cast<long long>(kSleepNs), static_cast<long long>(rc), static_cast<long long>(elapsed));

    rc = ukernel::futex_wait(&g_word, 1, kLongNs);  // *addr is 0
    check(phase, "futex_wait wrong expected", rc, -UK_EAGAIN);
    rc = ukernel::futex_wait(&g_word, 1, 0);
    check(phase, "futex_wait wrong expected, no timeout", rc, -UK_EAGAIN);
    check(phase, "futex_wake nobody", ukernel::futex_wake(&g_word, 1), 0);
    check(phase, "futex_wake nobody (all)", ukernel::futex_wake(&g_word, UINT32_MAX), 0);
    check(phase, "sleep_ns(0)", ukernel::sleep_ns(0), 0);
}

// Raw ops: the argument checks of BlockThread and FutexWake.
void errors(const char* phase) {
    Ring& ring = Ring::domain();
    const uintptr_t word = reinterpret_cast<uintptr_t>(&g_word);
    {
        const Ring::Args a = {kWaitNs, word + 1, 0, 0, 0};
        check(phase, "BlockThread misaligned futex", ring.call(KernelOp::BlockThread, a), -UK_EINVAL);
    }
    {
        const Ring::Args a = {0, 0, 0, 0, 0};
        check(phase, "BlockThread no futex, no timeout", ring.call(KernelOp::BlockThread, a), -UK_EINVAL);
    }
    {
        const Ring::Args a = {kWaitNs, 0x1000, 0, 0, 0};
        check(phase, "BlockThread unmapped futex", ring.call(KernelOp::BlockThread, a), -UK_EFAULT);
    }
    {
        const Ring::Args a = {kWaitNs, word, 1ull << 32, 0, 0};
        check(phase, "BlockThread expected > u32", ring.call(KernelOp::BlockThread, a), -UK_EINVAL);
    }
    {
        const Ring::Args a = {kWaitNs, word, 0, word + 2, 0};
        check(phase, "BlockThread misaligned unlock_va", ring.call(KernelOp::BlockThread, a), -UK_EINVAL);
    }
    {
        const Ring::Args a = {kWaitNs, word, 0, 0, 1};
        check(phase, "BlockThread args[4] != 0", ring.call(KernelOp::BlockThread, a), -UK_EINVAL);
    }
    check(phase, "futex_wait unmapped", ukernel::futex_wait(reinterpret_cast<const uint32_t*>(0x1000), 0, kWaitNs),
          -UK_EFAULT);
    check(phase, "futex_wake misaligned",
          ukernel::futex_wake(reinterpret_cast<const uint32_t*>(word + 2), 1), -UK_EINVAL);
    check(phase, "futex_wake unmapped", ukernel::futex_wake(reinterpret_cast<const uint32_t*>(0x1000), 1),
          -UK_EFAULT);
}

// One thread: a raw BlockThread through queue/submit/reap completes with
// -ETIMEDOUT and the TIMER_EXPIRED flag.
void timer_flag() {
    Ring& ring = Ring::domain();
    const Ring::Args a = {kSleepNs, reinterpret_cast<uintptr_t>(&g_word), 0, 0, 0};
    check("single", "queue BlockThread", ring.queue(KernelOp::BlockThread, a, 77, UK_SUBMIT_NEED_COMPLETION) >= 0, 1);
    check("single", "submit BlockThread", ring.submit(), 1);
    ukernel::Completion c{};
    check("single", "reap BlockThread", ring.reap_one(c), 1);
    check("single", "BlockThread user_data", static_cast<int64_t>(c.user_data), 77);
    check("single", "BlockThread result", c.result, -UK_ETIMEDOUT);
    check("single", "BlockThread TIMER_EXPIRED", c.flags & UK_COMPLETE_TIMER_EXPIRED, UK_COMPLETE_TIMER_EXPIRED);
}

alignas(16) unsigned char g_helper_stack[8192];
uint32_t g_wake = 0;
uint32_t g_helper_go = 0;
int64_t g_helper_woken = -1;

// Waits for main's go, sleeps 1 ms, then sets g_wake and wakes main.
void helper(void*) {
    while (__atomic_load_n(&g_helper_go, __ATOMIC_ACQUIRE) == 0) ukernel::futex_wait(&g_helper_go, 0, 0);
    ukernel::sleep_ns(kSleepNs);
    __atomic_store_n(&g_wake, 1u, __ATOMIC_RELEASE);
    g_helper_woken = ukernel::futex_wake(&g_wake, 1);
}

}  // namespace

int main() {
    check("single", "threaded() before any thread", Ring::domain().threaded(), 0);
    timing("single");
    errors("single");
    timer_flag();

    ukernel::Thread t;
    const int64_t id = t.start(helper, nullptr, g_helper_stack, sizeof g_helper_stack);
    check("threads", "helper started", id > 0, 1);
    check("threads", "threaded() after thread_create", Ring::domain().threaded(), 1);
    timing("threads");
    errors("threads");

    // Woken by the helper long before the 1 s timeout.
    __atomic_store_n(&g_helper_go, 1u, __ATOMIC_RELEASE);
    ukernel::futex_wake(&g_helper_go, 1);
    const int64_t t0 = ukernel::time_ns();
    const int64_t rc = ukernel::futex_wait(&g_wake, 0, kLongNs);
    const int64_t elapsed = ukernel::time_ns() - t0;
    check("threads", "futex_wait woken", rc, 0);
    check("threads", "woken before the timeout", elapsed < kLongNs / 2, 1);
    check("threads", "join helper", t.join(), 0);
    check("threads", "helper's futex_wake woke main", g_helper_woken, 1);
    ukernel::printf("futex_timeout: [threads] futex_wait(1 s) woken by thread %u -> %lld after %lld ns\n", t.id(),
                    static_cast<long long>(rc), static_cast<long long>(elapsed));

    if (g_failures != 0) {
        ukernel::printf("futex_timeout: %d of %d checks failed\n", g_failures, g_checks);
        return 1;
    }
    ukernel::printf("futex_timeout: all %d checks passed\n", g_checks);
    return 0;
}
