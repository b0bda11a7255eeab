/*
 * ukernel/thread.h -- threads inside a domain (C and C++).
 *
 * A domain starts with one thread (main). More come from ThreadCreate; all
 * threads of a domain share its address space and its one ring. The kernel
 * ops (capability group "threads"; docs/threads.md has the full semantics):
 *
 *   ThreadCreate(entry, stack_top, arg, tls, flags = 0) -> thread id
 *       starts at entry with x0 = arg, sp = stack_top (16-aligned, inside a
 *       writable region), TPIDR_EL0 = tls, x30 = 0 (returning faults).
 *       -EFAULT entry not executable / stack not writable, -EINVAL stack
 *       misaligned or flags != 0, -EAGAIN the domain has 8 live threads,
 *       -ENOMEM the system's 64 threads are in use.
 *   ThreadExit(code)  ends the calling thread; the last thread of a domain
 *       ends the domain with `code`. (DomainExit ends every thread.)
 *   BlockThread(timeout_ns, futex_va, expected, unlock_va)
 *       sleeps until FutexWake(futex_va) (0) or the timeout (-ETIMEDOUT,
 *       completion flag UK_COMPLETE_TIMER_EXPIRED); -EAGAIN at once if the
 *       u32 at futex_va != expected; timeout 0 = none; futex_va 0 = a plain
 *       sleep (needs a timeout). The kernel stores 0 at unlock_va when it
 *       consumes the entry (whatever the outcome). The thread that sleeps is
 *       the one whose SYS_SUBMIT consumes the entry.
 *   FutexWake(addr, count) -> number of threads of the domain woken.
 *
 * The ring is per domain and SYS_SUBMIT runs every pending entry, so the
 * ring client serialises threads with the ring lock (ukernel/ring.h) and
 * the functions below never sleep holding it: BlockThread gets the lock's
 * address as unlock_va. Any ring function may be called from any thread.
 *
 * This runtime's threads run fn(arg) on a caller-provided stack (e.g. a
 * static array); the top 32 bytes hold a start block (fn, arg, join word)
 * that TPIDR_EL0 points at. When fn returns the thread calls
 * thread_exit(0). The stack must stay untouched until the thread has ended:
 * uk_thread_join (or a joinable uk_thread_start) tells when.
 *
 * Returning from main ends the whole domain (DomainExit); call
 * uk_thread_exit() in main to let the other threads run on.
 */
#ifndef UKERNEL_THREAD_H
#define UKERNEL_THREAD_H

#include <stddef.h>
#include <stdint.h>

#include <ukernel/errno.h>
#include <ukernel/sys.h>

#if defined(__cplusplus)
#define UK_THREAD_NOEXCEPT noexcept
#else
#define UK_THREAD_NOEXCEPT
#endif

/* Kernel limits (kernel/domain/domain.h). */
#define UK_MAX_THREADS_PER_DOMAIN 8u
#define UK_MAX_THREADS 64u
/* Smallest stack uk_thread_create accepts (the start block takes 32 bytes). */
#define UK_THREAD_MIN_STACK 256u

/* A futex-based mutex. state: 0 free, 1 locked, 2 locked with waiters.
 * Zero-initialised (UK_MUTEX_INIT) is unlocked. Not recursive. */
struct uk_mutex {
    uint32_t state;
};
#define UK_MUTEX_INIT {0}

/* A counting semaphore: count, and how many threads sleep in wait. */
struct uk_semaphore {
    uint32_t count;
    uint32_t waiters;
};
#define UK_SEMAPHORE_INIT(n) {(n), 0}

/* A joinable thread: alive is 1 from uk_thread_start until the kernel ends
 * the thread (it stores 0 and wakes joiners in the thread's final
 * SYS_SUBMIT); id is the kernel's thread id. Zero-initialise it. */
struct uk_thread {
    uint32_t alive;
    uint32_t id;
};

#if defined(__cplusplus)
extern "C" {
#endif

/* Starts fn(arg) on [stack_base, stack_base + stack_bytes) (the top is
 * aligned down to 16). Returns the thread id or -errno: -UK_EINVAL (fn or
 * stack_base NULL, stack smaller than UK_THREAD_MIN_STACK) or the kernel's
 * ThreadCreate errors. */
int64_t uk_thread_create(void (*fn)(void *), void *arg, void *stack_base, size_t stack_bytes) UK_THREAD_NOEXCEPT;
/* As uk_thread_create, and t becomes joinable (t->alive = 1, t->id). */
int64_t uk_thread_start(struct uk_thread *t, void (*fn)(void *), void *arg, void *stack_base,
                        size_t stack_bytes) UK_THREAD_NOEXCEPT;
/* Waits until t has ended (0), or -UK_ETIMEDOUT if one wait of timeout_ns
 * (0 = forever) passed without a change; 0 at once for a thread never
 * started. After 0, the thread's stack may be reused. */
int64_t uk_thread_join(struct uk_thread *t, uint64_t timeout_ns) UK_THREAD_NOEXCEPT;
/* The raw ThreadCreate op (no start block, no trampoline): entry must end
 * the thread itself. Returns the id or -errno. */
int64_t uk_thread_create_raw(uintptr_t entry, uintptr_t stack_top, uint64_t arg, uint64_t tls) UK_THREAD_NOEXCEPT;
/* Ends the calling thread (ThreadExit). The last thread ends the domain
 * with `code`. Traps if the kernel refuses (no "threads" capability). */
__attribute__((noreturn)) void uk_thread_exit(int64_t code) UK_THREAD_NOEXCEPT;
/* TPIDR_EL0: the thread's start block for threads of uk_thread_create, 0
 * for main (and whatever tls a raw ThreadCreate passed). */
uintptr_t uk_thread_pointer(void) UK_THREAD_NOEXCEPT;

/* Sleeps while *addr == expected, until uk_futex_wake(addr) (0) or
 * timeout_ns (0 = none) passes (-UK_ETIMEDOUT). -UK_EAGAIN at once if
 * *addr != expected (the comparison is atomic with respect to FutexWake);
 * -UK_EINVAL misaligned addr, -UK_EFAULT unreadable, -UK_EPERM no
 * "threads" capability. The ring lock is not held while asleep. */
int64_t uk_futex_wait(const uint32_t *addr, uint32_t expected, uint64_t timeout_ns) UK_THREAD_NOEXCEPT;
/* Wakes up to count threads sleeping on addr; returns how many, or -errno. */
int64_t uk_futex_wake(const uint32_t *addr, uint32_t count) UK_THREAD_NOEXCEPT;
/* Sleeps at least ns nanoseconds (BlockThread without a futex): 0 or
 * -errno. ns == 0 yields instead. */
int64_t uk_sleep_ns(uint64_t ns) UK_THREAD_NOEXCEPT;

void uk_mutex_lock(struct uk_mutex *m) UK_THREAD_NOEXCEPT;
int uk_mutex_trylock(struct uk_mutex *m) UK_THREAD_NOEXCEPT; /* 1 taken, 0 busy */
void uk_mutex_unlock(struct uk_mutex *m) UK_THREAD_NOEXCEPT;

/* Takes one unit, sleeping while the count is 0: 0, or -errno from the
 * futex (e.g. -UK_ETIMEDOUT after a wait of timeout_ns; 0 = forever). */
int64_t uk_sem_wait(struct uk_semaphore *s, uint64_t timeout_ns) UK_THREAD_NOEXCEPT;
int uk_sem_trywait(struct uk_semaphore *s) UK_THREAD_NOEXCEPT; /* 1 taken, 0 none */
/* Adds n units and wakes up to n sleepers: 0 or -errno. */
int64_t uk_sem_post(struct uk_semaphore *s, uint32_t n) UK_THREAD_NOEXCEPT;

#if defined(__cplusplus)
} /* extern "C" */

namespace ukernel {

inline constexpr size_t kMaxThreadsPerDomain = UK_MAX_THREADS_PER_DOMAIN;
inline constexpr size_t kThreadMinStack = UK_THREAD_MIN_STACK;

// See uk_thread_create: thread id or -errno.
int64_t thread_create(void (*fn)(void*), void* arg, void* stack_base, size_t stack_bytes) noexcept;
// The raw op: see uk_thread_create_raw.
int64_t thread_create_raw(uintptr_t entry, uintptr_t stack_top, uint64_t arg, uint64_t tls) noexcept;
[[noreturn]] void thread_exit(int64_t code) noexcept;
int64_t futex_wait(const uint32_t* addr, uint32_t expected, uint64_t timeout_ns = 0) noexcept;
int64_t futex_wake(const uint32_t* addr, uint32_t count) noexcept;
int64_t sleep_ns(uint64_t ns) noexcept;

// A joinable thread (same layout as uk_thread).
class Thread {
   public:
    constexpr Thread() noexcept = default;
    Thread(const Thread&) = delete;
    Thread& operator=(const Thread&) = delete;

    // Starts fn(arg) on the given stack: the thread id or -errno.
    int64_t start(void (*fn)(void*), void* arg, void* stack_base, size_t stack_bytes) noexcept {
        return ::uk_thread_start(&t_, fn, arg, stack_base, stack_bytes);
    }
    // 0 once the thread has ended (its stack is free), or -UK_ETIMEDOUT.
    int64_t join(uint64_t timeout_ns = 0) noexcept { return ::uk_thread_join(&t_, timeout_ns); }
    bool running() const noexcept { return __atomic_load_n(&t_.alive, __ATOMIC_ACQUIRE) != 0; }
    uint32_t id() const noexcept { return t_.id; }

   private:
    ::uk_thread t_ = {};
};

// A futex-based mutex (Drepper's three states: 0 free, 1 locked, 2 locked
// with waiters). Unlock wakes one sleeper only when there may be one.
class Mutex {
   public:
    constexpr Mutex() noexcept = default;
    Mutex(const Mutex&) = delete;
    Mutex& operator=(const Mutex&) = delete;

    void lock() noexcept { ::uk_mutex_lock(&m_); }
    bool try_lock() noexcept { return ::uk_mutex_trylock(&m_) != 0; }
    void unlock() noexcept { ::uk_mutex_unlock(&m_); }
    const uint32_t* word() const noexcept { return &m_.state; }

   private:
    ::uk_mutex m_ = {};
};

// Scoped lock for Mutex.
class MutexLock {
   public:
    explicit MutexLock(Mutex& m) noexcept : m_(m) { m_.lock(); }
    ~MutexLock() { m_.unlock(); }
    MutexLock(const MutexLock&) = delete;
    MutexLock& operator=(const MutexLock&) = delete;

   private:
    Mutex& m_;
};

// A counting semaphore.
class Semaphore {
   public:
    constexpr explicit Semaphore(uint32_t initial = 0) noexcept : s_{initial, 0} {}
    Semaphore(const Semaphore&) = delete;
    Semaphore& operator=(const Semaphore&) = delete;

    int64_t wait(uint64_t timeout_ns = 0) noexcept { return ::uk_sem_wait(&s_, timeout_ns); }
    bool try_wait() noexcept { return ::uk_sem_trywait(&s_) != 0; }
    int64_t post(uint32_t n = 1) noexcept { return ::uk_sem_post(&s_, n); }
    uint32_t value() const noexcept { return __atomic_load_n(&s_.count, __ATOMIC_RELAXED); }

   private:
    ::uk_semaphore s_;
};

}  // namespace ukernel
#endif /* __cplusplus */

#undef UK_THREAD_NOEXCEPT

#endif /* UKERNEL_THREAD_H */
