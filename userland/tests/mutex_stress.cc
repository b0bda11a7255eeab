// mutex_stress: kWorkers threads each add 1 to a shared counter kRounds
// times under a ukernel::Mutex, reading the counter, yielding inside the
// critical section, then writing it back (without mutual exclusion updates
// would be lost). Main joins them (ukernel::Thread) and checks the counter
// exactly, and that the mutex was really contended (its futex path ran).
// Prints "mutex_stress: counter 800 == 4 x 200, contended N times" and
// exits 0 (1 on failure). Capabilities: debug yield exit threads.
#include <ukernel/ring.h>
#include <ukernel/thread.h>

namespace {

constexpr int kWorkers = 4;
constexpr int kRounds = 200;
constexpr size_t kStackBytes = 8192;

alignas(16) unsigned char g_stacks[kWorkers][kStackBytes];
ukernel::Thread g_threads[kWorkers];
ukernel::Mutex g_mutex;
volatile uint64_t g_counter = 0;
uint32_t g_contended = 0;
uint32_t g_inside = 0;  // threads inside the critical section (must stay <= 1)
uint32_t g_overlaps = 0;
int g_index[kWorkers];

void worker(void* arg) {
    const int me = *static_cast<const int*>(arg);
    for (int round = 0; round < kRounds; ++round) {
        if (!g_mutex.try_lock()) {
            __atomic_fetch_add(&g_contended, 1u, __ATOMIC_RELAXED);
            g_mutex.lock();
        }
        if (__atomic_fetch_add(&g_inside, 1u, __ATOMIC_RELAXED) != 0) {
            __atomic_fetch_add(&g_overlaps, 1u, __ATOMIC_RELAXED);
        }
        const uint64_t value = g_counter;
        ukernel::yield();  // others run, try to lock, sleep in futex_wait
        g_counter = value + 1;
        __atomic_fetch_sub(&g_inside, 1u, __ATOMIC_RELAXED);
        g_mutex.unlock();
        if (round % 50 == 49) ukernel::printf("mutex_stress: worker %d at round %d\n", me + 1, round + 1);
        if (round % 3 == 0) ukernel::yield();
    }
}

}  // namespace

int main() {
    for (int i = 0; i < kWorkers; ++i) {
        g_index[i] = i;
        const int64_t id = g_threads[i].start(worker, &g_index[i], g_stacks[i], kStackBytes);
        if (id < 0) {
            ukernel::printf("mutex_stress: FAIL start %d: %lld\n", i + 1, static_cast<long long>(id));
            return 1;
        }
    }
    for (int i = 0; i < kWorkers; ++i) {
        const int64_t rc = g_threads[i].join();
        if (rc != 0) {
            ukernel::printf("mutex_stress: FAIL join %d: %lld\n", i + 1, static_cast<long long>(rc));
            return 1;
        }
    }
    const uint64_t want = static_cast<uint64_t>(kWorkers) * kRounds;
    const uint64_t got = g_counter;
    ukernel::printf("mutex_stress: counter %llu, want %llu; contended %u times; %u overlaps; mutex word %u\n",
                    static_cast<unsigned long long>(got), static_cast<unsigned long long>(want), g_contended,
                    g_overlaps, *g_mutex.word());
    if (got != want || g_overlaps != 0 || g_contended == 0 || *g_mutex.word() != 0) {
        ukernel::printf("mutex_stress: FAIL\n");
        return 1;
    }
    ukernel::printf("mutex_stress: counter %llu == %d x %d, contended %u times\n",
                    static_cast<unsigned long long>(got), kWorkers, kRounds, g_contended);
    return 0;
}
