// no_threads: a domain without the "threads" capability. Thread and futex
// calls fail with -EPERM; the ring lock is never left taken, so printing,
// yielding and an uncontended Mutex still work; main returns 0.
// Prints "no_threads: all N checks passed". Capabilities: debug yield exit.
#include <ukernel/ring.h>
#include <ukernel/thread.h>

namespace {

int g_checks = 0;
int g_failures = 0;

void check(const char* what, int64_t got, int64_t want) {
    ++g_checks;
    if (got == want) return;
    ++g_failures;
    ukernel::printf("no_threads: FAIL %s: got %lld, want %lld\n", what, static_cast<long long>(got),
                    static_cast<long long>(want));
}

alignas(16) unsigned char g_stack[4096];
uint32_t g_word = 0;
ukernel::Mutex g_mutex;
ukernel::Semaphore g_sem{2};

void never(void*) {}

}  // namespace

int main() {
    check("thread_create", ukernel::thread_create(never, nullptr, g_stack, sizeof g_stack), -UK_EPERM);
    check("threaded()", ukernel::Ring::domain().threaded(), 0);
    check("futex_wait", ukernel::futex_wait(&g_word, 0, 1000), -UK_EPERM);
    check("futex_wake", ukernel::futex_wake(&g_word, 1), -UK_EPERM);
    check("sleep_ns", ukernel::sleep_ns(1000), -UK_EPERM);
    check("yield", ukernel::yield(), 0);
    check("sleep_ns(0) yields", ukernel::sleep_ns(0), 0);
    g_mutex.lock();
    check("mutex locked", *g_mutex.word(), 1);
    check("try_lock while locked", g_mutex.try_lock(), 0);
    g_mutex.unlock();
    check("mutex unlocked", *g_mutex.word(), 0);
    check("sem wait 1", g_sem.wait(), 0);
    check("sem wait 2", g_sem.wait(), 0);
    check("sem try_wait empty", g_sem.try_wait(), 0);
    check("sem post", g_sem.post(), 0);
    check("sem value", g_sem.value(), 1);
    check("ring lock free", *ukernel::Ring::domain().lock_word(), 0);
    if (g_failures != 0) {
        ukernel::printf("no_threads: %d of %d checks failed\n", g_failures, g_checks);
        return 1;
    }
    ukernel::printf("no_threads: all %d checks passed\n", g_checks);
    return 0;
}
