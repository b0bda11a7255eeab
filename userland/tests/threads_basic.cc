// threads_basic: main starts 3 worker threads on static stacks; each prints
// numbered lines with a Yield after each, records a result and counts
// itself done on a futex word that main sleeps on (futex-based join).
// Prints "threads: 3 workers joined" and exits 0 (1 on any failure).
// Capabilities: debug yield exit threads.
#include <ukernel/ring.h>
#include <ukernel/thread.h>

namespace {

constexpr int kWorkers = 3;
constexpr int kLines = 3;
constexpr size_t kStackBytes = 8192;

alignas(16) unsigned char g_stacks[kWorkers][kStackBytes];
int g_index[kWorkers];
uint64_t g_result[kWorkers];
uint32_t g_done = 0;  // futex word: workers finished
uint32_t g_next_line = 0;
int g_order[kWorkers * kLines];  // which worker printed each line, in order

void worker(void* arg) {
    const int i = *static_cast<const int*>(arg);
    for (int line = 1; line <= kLines; ++line) {
        g_order[__atomic_fetch_add(&g_next_line, 1u, __ATOMIC_RELAXED)] = i;
        ukernel::printf("threads_basic: worker %d line %d of %d\n", i + 1, line, kLines);
        ukernel::yield();
    }
    g_result[i] = static_cast<uint64_t>((i + 1) * 1000 + kLines);
    __atomic_fetch_add(&g_done, 1u, __ATOMIC_RELEASE);
    ukernel::futex_wake(&g_done, 1);
    // Returning ends the thread (the trampoline calls thread_exit(0)).
}

}  // namespace

int main() {
    for (int i = 0; i < kWorkers; ++i) {
        g_index[i] = i;
        const int64_t id = ukernel::thread_create(worker, &g_index[i], g_stacks[i], kStackBytes);
        if (id < 0) {
            ukernel::printf("threads_basic: FAIL thread_create %d: %lld\n", i + 1, static_cast<long long>(id));
            return 1;
        }
        ukernel::printf("threads_basic: started worker %d as thread %lld\n", i + 1, static_cast<long long>(id));
    }
    // Join: sleep while the count is what we last saw.
    for (;;) {
        const uint32_t done = __atomic_load_n(&g_done, __ATOMIC_ACQUIRE);
        if (done == kWorkers) break;
        const int64_t rc = ukernel::futex_wait(&g_done, done, 0);
        if (rc < 0 && rc != -UK_EAGAIN) {
            ukernel::printf("threads_basic: FAIL futex_wait: %lld\n", static_cast<long long>(rc));
            return 1;
        }
    }
    int failures = 0;
    for (int i = 0; i < kWorkers; ++i) {
        const uint64_t want = static_cast<uint64_t>((i + 1) * 1000 + kLines);
        if (g_result[i] != want) {
            ukernel::printf("threads_basic: FAIL worker %d result %llu, want %llu\n", i + 1,
                            static_cast<unsigned long long>(g_result[i]), static_cast<unsigned long long>(want));
            ++failures;
        }
    }
    // With a Yield after every line the workers take turns: the printing
    // worker changes more often than once per worker.
    int switches = 0;
    for (int n = 1; n < kWorkers * kLines; ++n) switches += g_order[n] != g_order[n - 1];
    if (switches > kWorkers - 1) {
        ukernel::printf("threads_basic: lines interleaved (%d switches)\n", switches);
    } else {
        ukernel::printf("threads_basic: FAIL lines not interleaved (%d switches)\n", switches);
        ++failures;
    }
    if (failures != 0) return 1;
    ukernel::printf("threads: %d workers joined\n", kWorkers);
    return 0;
}
