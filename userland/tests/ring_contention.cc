// ring_contention: threads fight over the ring lock. Two hammer threads call
// GetDomainId back to back (no Yield: only the quantum timer switches them,
// often while the ring lock is held), two threads pass a token back and
// forth with futex_wait/futex_wake (their completions are written into the
// ring at wake time, where the hammers meet them first), and a sleeper
// sleeps 200 us at a time. Every result is checked; the ring lock's slow
// path must have run (a holder was preempted and another thread waited).
// Prints "ring_contention: all ok, lock waited N times" and exits 0.
// Capabilities: debug info time yield exit threads.
#include <ukernel/ring.h>
#include <ukernel/thread.h>

namespace {

constexpr int kHammers = 2;
constexpr int kCalls = 20000;
constexpr int kPasses = 300;
constexpr int kSleeps = 40;
constexpr int64_t kSleepNs = 200'000;
constexpr size_t kStackBytes = 8192;

enum { kHammer0, kHammer1, kPing, kPong, kSleeper, kThreads };

alignas(16) unsigned char g_stacks[kThreads][kStackBytes];
ukernel::Thread g_threads[kThreads];
int64_t g_domain = 0;
uint32_t g_errors = 0;
uint32_t g_token = 0;  // 0: ping's turn, 1: pong's turn
uint32_t g_passes[2] = {};
int64_t g_slept_min = INT64_MAX;

void error(const char* what, int64_t got) {
    __atomic_fetch_add(&g_errors, 1u, __ATOMIC_RELAXED);
    ukernel::printf("ring_contention: FAIL %s: %lld\n", what, static_cast<long long>(got));
}

void hammer(void*) {
    for (int i = 0; i < kCalls; ++i) {
        const int64_t id = ukernel::domain_id();
        if (id != g_domain) error("domain_id", id);
    }
}

// Waits for its turn (token == mine), passes the token on.
void pass(void* arg) {
    const uint32_t mine = static_cast<uint32_t>(reinterpret_cast<uintptr_t>(arg));
    for (int n = 0; n < kPasses; ++n) {
        for (;;) {
            const uint32_t t = __atomic_load_n(&g_token, __ATOMIC_ACQUIRE);
            if (t == mine) break;
            const int64_t rc = ukernel::futex_wait(&g_token, t, 0);
            if (rc != 0 && rc != -UK_EAGAIN) error("futex_wait", rc);
        }
        ++g_passes[mine];
        __atomic_store_n(&g_token, 1 - mine, __ATOMIC_RELEASE);
        const int64_t woken = ukernel::futex_wake(&g_token, 1);
        if (woken < 0 || woken > 1) error("futex_wake", woken);
    }
}

void sleeper(void*) {
    for (int i = 0; i < kSleeps; ++i) {
        const int64_t t0 = ukernel::time_ns();
        const int64_t rc = ukernel::sleep_ns(kSleepNs);
        const int64_t slept = ukernel::time_ns() - t0;
        if (rc != 0) error("sleep_ns", rc);
        if (slept < kSleepNs) error("slept too little (ns)", slept);
        if (slept < g_slept_min) g_slept_min = slept;
    }
}

}  // namespace

int main() {
    g_domain = ukernel::domain_id();
    const int64_t t0 = ukernel::time_ns();
    void (*const fns[kThreads])(void*) = {hammer, hammer, pass, pass, sleeper};
    void* const args[kThreads] = {nullptr, nullptr, reinterpret_cast<void*>(0), reinterpret_cast<void*>(1), nullptr};
    for (int i = 0; i < kThreads; ++i) {
        const int64_t id = g_threads[i].start(fns[i], args[i], g_stacks[i], kStackBytes);
        if (id <= 0) error("start", id);
    }
    for (int i = 0; i < kThreads; ++i) {
        const int64_t rc = g_threads[i].join();
        if (rc != 0) error("join", rc);
    }
    const int64_t elapsed = ukernel::time_ns() - t0;
    const uint64_t waits = uk_ring_lock_wait_count();
    ukernel::printf("ring_contention: %d x %d calls, %d + %d passes, %d sleeps (shortest %lld ns) in %lld ms; "
                    "lock waited %llu times\n",
                    kHammers, kCalls, g_passes[0], g_passes[1], kSleeps, static_cast<long long>(g_slept_min),
                    static_cast<long long>(elapsed / 1'000'000), static_cast<unsigned long long>(waits));
    if (g_passes[0] != kPasses || g_passes[1] != kPasses) error("passes", g_passes[0] + g_passes[1]);
    if (waits == 0) error("the lock's slow path never ran", 0);
    if (*ukernel::Ring::domain().lock_word() != 0) error("ring lock left taken", 1);
    if (ukernel::Ring::domain().ready() != 0) error("stray completions", ukernel::Ring::domain().ready());
    if (g_errors != 0) return 1;
    ukernel::printf("ring_contention: all ok, lock waited %llu times\n", static_cast<unsigned long long>(waits));
    return 0;
}
