// Threads, futexes, Mutex and Semaphore on top of the ring client
// (ukernel/thread.h, docs/threads.md). Portable C++: the kernel is reached
// through Ring::domain(), TPIDR_EL0 through uk_thread_pointer().
#include <ukernel/ring.h>
#include <ukernel/thread.h>

namespace ukernel {
namespace {

using sys::KernelOp;

// "UKTHREAD": marks a start block, so thread_exit ignores a foreign
// TPIDR_EL0 (a raw ThreadCreate's tls).
constexpr uint64_t kStartMagic = 0x554b'5448'5245'4144ull;

// At the top of a new thread's stack; sp, x0 and TPIDR_EL0 point at it.
struct StartBlock {
    void (*fn)(void*);
    void* arg;
    uint32_t* join_word;  // set to 0 by the kernel when the thread ends; may be null
    uint64_t magic;
};
static_assert(sizeof(StartBlock) == 32, "the block keeps sp 16-aligned");

// Where every thread of thread_create starts (x0 = its start block, x30 =
// 0): runs fn(arg), then ends the thread. Must not return.
[[noreturn]] void thread_entry(StartBlock* block) noexcept {
    block->fn(block->arg);
    thread_exit(0);
}

int64_t create(void (*fn)(void*), void* arg, void* stack_base, size_t stack_bytes, uint32_t* join_word) noexcept {
    if (fn == nullptr || stack_base == nullptr || stack_bytes < kThreadMinStack) return -UK_EINVAL;
    const uintptr_t base = reinterpret_cast<uintptr_t>(stack_base);
    if (base + stack_bytes < base) return -UK_EINVAL;
    const uintptr_t top = (base + stack_bytes) & ~static_cast<uintptr_t>(15);
    if (top - base < kThreadMinStack) return -UK_EINVAL;
    auto* block = reinterpret_cast<StartBlock*>(top - sizeof(StartBlock));
    block->fn = fn;
    block->arg = arg;
    block->join_word = join_word;
    block->magic = kStartMagic;
    if (join_word != nullptr) __atomic_store_n(join_word, 1u, __ATOMIC_RELEASE);
    const uintptr_t b = reinterpret_cast<uintptr_t>(block);
    // The block is written before the kernel can start the thread: the
    // system call is a compiler barrier ("memory") and the CPU is the same.
    const int64_t id = thread_create_raw(reinterpret_cast<uintptr_t>(&thread_entry), b, b, b);
    if (id < 0 && join_word != nullptr) __atomic_store_n(join_word, 0u, __ATOMIC_RELEASE);
    return id;
}

bool cas(uint32_t* p, uint32_t& expected, uint32_t desired) {
    return __atomic_compare_exchange_n(p, &expected, desired, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

}  // namespace

int64_t thread_create_raw(uintptr_t entry, uintptr_t stack_top, uint64_t arg, uint64_t tls) noexcept {
    const Ring::Args args = {entry, stack_top, arg, tls, 0};
    // call() marks the domain multi-threaded when this succeeds.
    return Ring::domain().call(KernelOp::ThreadCreate, args);
}

int64_t thread_create(void (*fn)(void*), void* arg, void* stack_base, size_t stack_bytes) noexcept {
    return create(fn, arg, stack_base, stack_bytes, nullptr);
}

void thread_exit(int64_t code) noexcept {
    uint32_t* join_word = nullptr;
    const auto* block = reinterpret_cast<const StartBlock*>(uk_thread_pointer());
    if (block != nullptr && (reinterpret_cast<uintptr_t>(block) & 15) == 0 && block->magic == kStartMagic) {
        join_word = block->join_word;
    }
    Ring::domain().exit_thread(code, join_word);
}

int64_t futex_wait(const uint32_t* addr, uint32_t expected, uint64_t timeout_ns) noexcept {
    return Ring::domain().block(timeout_ns, reinterpret_cast<uintptr_t>(addr), expected);
}

int64_t futex_wake(const uint32_t* addr, uint32_t count) noexcept {
    const Ring::Args args = {reinterpret_cast<uintptr_t>(addr), count};
    return Ring::domain().call(KernelOp::FutexWake, args);
}

int64_t sleep_ns(uint64_t ns) noexcept {
    if (ns == 0) {
        const int64_t rc = Ring::domain().yield();
        return rc < 0 ? rc : 0;
    }
    const int64_t rc = Ring::domain().block(ns, 0, 0);
    return rc == -UK_ETIMEDOUT ? 0 : rc;
}

}  // namespace ukernel

// ---- C API (and the implementation of Mutex, Semaphore, Thread) ----------------

extern "C" {

int64_t uk_thread_create(void (*fn)(void*), void* arg, void* stack_base, size_t stack_bytes) noexcept {
    return ukernel::create(fn, arg, stack_base, stack_bytes, nullptr);
}

int64_t uk_thread_start(uk_thread* t, void (*fn)(void*), void* arg, void* stack_base, size_t stack_bytes) noexcept {
    if (t == nullptr) return -UK_EINVAL;
    if (__atomic_load_n(&t->alive, __ATOMIC_ACQUIRE) != 0) return -UK_EBUSY;  // still running
    t->id = 0;
    const int64_t id = ukernel::create(fn, arg, stack_base, stack_bytes, &t->alive);
    if (id >= 0) t->id = static_cast<uint32_t>(id);
    return id;
}

int64_t uk_thread_join(uk_thread* t, uint64_t timeout_ns) noexcept {
    for (;;) {
        if (__atomic_load_n(&t->alive, __ATOMIC_ACQUIRE) == 0) return 0;
        const int64_t rc = ukernel::futex_wait(&t->alive, 1, timeout_ns);
        if (rc < 0 && rc != -UK_EAGAIN) return rc;  // -EAGAIN: it changed meanwhile
    }
}

int64_t uk_thread_create_raw(uintptr_t entry, uintptr_t stack_top, uint64_t arg, uint64_t tls) noexcept {
    return ukernel::thread_create_raw(entry, stack_top, arg, tls);
}

void uk_thread_exit(int64_t code) noexcept { ukernel::thread_exit(code); }

int64_t uk_futex_wait(const uint32_t* addr, uint32_t expected, uint64_t timeout_ns) noexcept {
    return ukernel::futex_wait(addr, expected, timeout_ns);
}
int64_t uk_futex_wake(const uint32_t* addr, uint32_t count) noexcept { return ukernel::futex_wake(addr, count); }
int64_t uk_sleep_ns(uint64_t ns) noexcept { return ukernel::sleep_ns(ns); }

// Mutex: Drepper, "Futexes Are Tricky", mutex2.
void uk_mutex_lock(uk_mutex* m) noexcept {
    uint32_t c = 0;
    if (ukernel::cas(&m->state, c, 1)) return;
    // Contended: mark "waiters" (2) and sleep until the holder hands over.
    if (c != 2) c = __atomic_exchange_n(&m->state, 2u, __ATOMIC_ACQUIRE);
    while (c != 0) {
        ukernel::futex_wait(&m->state, 2, 0);
        c = __atomic_exchange_n(&m->state, 2u, __ATOMIC_ACQUIRE);
    }
}

int uk_mutex_trylock(uk_mutex* m) noexcept {
    uint32_t c = 0;
    return ukernel::cas(&m->state, c, 1) ? 1 : 0;
}

void uk_mutex_unlock(uk_mutex* m) noexcept {
    if (__atomic_fetch_sub(&m->state, 1u, __ATOMIC_RELEASE) != 1) {
        // It was 2: there may be sleepers.
        __atomic_store_n(&m->state, 0u, __ATOMIC_RELEASE);
        ukernel::futex_wake(&m->state, 1);
    }
}

int uk_sem_trywait(uk_semaphore* s) noexcept {
    uint32_t c = __atomic_load_n(&s->count, __ATOMIC_RELAXED);
    while (c != 0) {
        if (ukernel::cas(&s->count, c, c - 1)) return 1;
    }
    return 0;
}

int64_t uk_sem_wait(uk_semaphore* s, uint64_t timeout_ns) noexcept {
    for (;;) {
        if (uk_sem_trywait(s)) return 0;
        __atomic_fetch_add(&s->waiters, 1u, __ATOMIC_SEQ_CST);
        // Sleeps only while the count is still 0 (else -EAGAIN: try again).
        const int64_t rc = ukernel::futex_wait(&s->count, 0, timeout_ns);
        __atomic_fetch_sub(&s->waiters, 1u, __ATOMIC_SEQ_CST);
        if (rc < 0 && rc != -UK_EAGAIN) return rc;
    }
}

int64_t uk_sem_post(uk_semaphore* s, uint32_t n) noexcept {
    __atomic_fetch_add(&s->count, n, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&s->waiters, __ATOMIC_SEQ_CST) == 0) return 0;
    const int64_t rc = ukernel::futex_wake(&s->count, n);
    return rc < 0 ? rc : 0;
}

}  // extern "C"
