/* threads_c: the C thread API. Two producer threads (uk_thread_start) post
 * kItems units each to a semaphore and add to a total under a uk_mutex;
 * main takes every unit with uk_sem_wait, joins both (uk_thread_join) and
 * checks the total. Prints "threads_c: 2 producers joined, total 40, all ok"
 * and exits 0 (1 on failure). Capabilities: debug yield exit threads. */
#include <ukernel/ring.h>
#include <ukernel/thread.h>

enum { kProducers = 2, kItems = 20, kStackBytes = 8192 };

static _Alignas(16) unsigned char g_stacks[kProducers][kStackBytes];
static struct uk_thread g_threads[kProducers];
static struct uk_mutex g_mutex = UK_MUTEX_INIT;
static struct uk_semaphore g_items = UK_SEMAPHORE_INIT(0);
static uint64_t g_total;
static int g_index[kProducers];

static void producer(void *arg) {
    const int me = *(const int *)arg;
    for (int i = 1; i <= kItems; ++i) {
        uk_mutex_lock(&g_mutex);
        const uint64_t t = g_total;
        uk_yield();
        g_total = t + 1;
        uk_mutex_unlock(&g_mutex);
        uk_sem_post(&g_items, 1);
        if (i % 10 == 0) uk_printf("threads_c: producer %d posted %d\n", me + 1, i);
    }
}

int main(void) {
    for (int i = 0; i < kProducers; ++i) {
        g_index[i] = i;
        const int64_t id = uk_thread_start(&g_threads[i], producer, &g_index[i], g_stacks[i], kStackBytes);
        if (id <= 0) {
            uk_printf("threads_c: FAIL uk_thread_start %d: %lld\n", i + 1, (long long)id);
            return 1;
        }
    }
    for (int n = 0; n < kProducers * kItems; ++n) {
        const int64_t rc = uk_sem_wait(&g_items, 0);
        if (rc != 0) {
            uk_printf("threads_c: FAIL uk_sem_wait: %lld\n", (long long)rc);
            return 1;
        }
    }
    for (int i = 0; i < kProducers; ++i) {
        const int64_t rc = uk_thread_join(&g_threads[i], 0);
        if (rc != 0 || g_threads[i].alive != 0) {
            uk_printf("threads_c: FAIL join %d: %lld\n", i + 1, (long long)rc);
            return 1;
        }
    }
    if (g_total != kProducers * kItems || uk_sem_trywait(&g_items) != 0 || g_mutex.state != 0) {
        uk_printf("threads_c: FAIL total %llu, mutex %u\n", (unsigned long long)g_total, g_mutex.state);
        return 1;
    }
    uk_printf("threads_c: %d producers joined, total %llu, all ok\n", kProducers, (unsigned long long)g_total);
    return 0;
}
