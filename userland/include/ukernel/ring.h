/*
 * ukernel/ring.h -- the domain-side ring client (C and C++).
 *
 * A domain talks to the kernel only through the shared submission ring at
 * RING_VADDR and one system call, SYS_SUBMIT (see ukernel/sys.h and
 * docs/userland.md). This header offers
 *   C++  class ukernel::Ring (queue, submit, reap, wait, call, batch) and the
 *        helpers ukernel::debug_print, domain_id, parent_id, time_ns, yield,
 *        exit, printf;
 *   C    the same operations on the domain's ring: uk_ring_queue,
 *        uk_ring_submit, uk_ring_reap, ..., uk_debug_print, uk_exit.
 * Both are one implementation (C++; the C functions are extern "C" wrappers).
 *
 * System call (svc #0)
 *   in   x8 = SYS_SUBMIT (500)
 *        x0 = to_submit     most entries to consume; the kernel consumes
 *                           min(to_submit, pending, MAX_SUBMIT_COUNT)
 *        x1 = min_complete  0 (reserved for waiting; must be 0 for now)
 *        x2 = flags         0
 *   out  x0 = entries consumed (>= 0), or -errno (-EINVAL: impossible ring
 *        indices). Every other register is preserved. Any other x8: -ENOSYS.
 *
 * Ring protocol (free-running u32 indices, slot = index & (RING_SIZE-1)):
 * fill submissions, release-store submit_head, SYS_SUBMIT; acquire-load
 * complete_head, read completions, release-store complete_tail. A failed op
 * always completes with -errno; a successful one only with NEED_COMPLETION.
 * An entry is consumed only while a completion slot is free for it, so a
 * full completion ring stops consumption (back-pressure): reap, resubmit.
 *
 * Threads: the ring is per domain and whoever calls SYS_SUBMIT runs every
 * pending entry, so each Ring carries a ring lock (a u32: 0 free, 1 taken)
 * and every public operation below (C++ and C, queue ... exit, the print and
 * info helpers) takes it for its whole duration. The lock is not recursive;
 * the runtime never calls a locking entry point with it held. Waiters
 * execute WFE (trapped by the kernel: the CPU goes to another thread), and a
 * thread never sleeps holding it: BlockThread hands its address to the
 * kernel as unlock_va, Yield is preceded by a lock-releasing BlockThread
 * once threads exist. See ukernel/thread.h and docs/threads.md.
 * user_data values >= UK_RING_HELPER_TAG are reserved for the helpers.
 */
#ifndef UKERNEL_RING_H
#define UKERNEL_RING_H

#include <stddef.h>
#include <stdint.h>

#include <ukernel/errno.h>
#include <ukernel/sys.h>

#if defined(__cplusplus)
#define UK_RING_NOEXCEPT noexcept
#else
#define UK_RING_NOEXCEPT
#endif

/* Longest DebugPrint the kernel accepts in one op (longer: -EINVAL). The
 * print helpers split longer text into several ops. */
#define UK_DEBUG_PRINT_MAX 1024u

/* user_data values from here up are used by the synchronous helpers
 * (call, debug_print, exit, ...) to find their own completions. */
#define UK_RING_HELPER_TAG UINT64_C(0xFFFFFFFF00000000)

/* A completion as the client hands it out (a copy of a CompleteEntry). */
struct uk_completion {
    int64_t result;     /* >= 0 success, < 0 -errno */
    uint64_t user_data; /* from the submission */
    uint16_t flags;     /* UK_COMPLETE_* */
    uint16_t _pad[3];
#if defined(__cplusplus)
    constexpr bool ok() const noexcept { return result >= 0; }
    /* Positive errno, 0 on success. */
    constexpr int32_t error() const noexcept { return result < 0 ? static_cast<int32_t>(-result) : 0; }
#endif
};

/* One operation for uk_ring_batch / Ring::batch. */
struct uk_op {
    uint16_t opcode;                    /* enum uk_kernel_op */
    uint16_t flags;                     /* UK_SUBMIT_* */
    uint32_t _pad;
    uint64_t args[UK_SUBMIT_ARG_COUNT]; /* unused slots 0 */
    uint64_t user_data;
#if defined(__cplusplus)
    static constexpr uk_op make(ukernel::sys::KernelOp op, const uint64_t (&a)[UK_SUBMIT_ARG_COUNT],
                                uint64_t ud, uint16_t fl = 0) noexcept {
        uk_op o{};
        o.opcode = static_cast<uint16_t>(op);
        o.flags = fl;
        for (size_t i = 0; i < UK_SUBMIT_ARG_COUNT; ++i) o.args[i] = a[i];
        o.user_data = ud;
        return o;
    }
#endif
};

/* What a batch did. */
struct uk_batch_stats {
    uint32_t submits;     /* SYS_SUBMIT calls made */
    uint32_t consumed;    /* entries the kernel consumed (sum of x0) */
    uint32_t completions; /* completions written to out[] */
    uint32_t stalls;      /* submits that consumed fewer entries than pending */
};

#if defined(__cplusplus)
extern "C" {
#endif

/* ---- the system call ---------------------------------------------------- */
/* svc #0 with x8 = SYS_SUBMIT. Returns x0: entries consumed or -errno. */
int64_t uk_sys_submit(uint64_t to_submit, uint64_t min_complete, uint64_t flags) UK_RING_NOEXCEPT;

/* ---- the domain's ring (at RING_VADDR) ---------------------------------- */
/* Queues one entry (not yet visible to the kernel). args may be NULL (all 0).
 * Returns the slot (0..RING_SIZE-1) or -UK_EAGAIN when the ring is full. */
int uk_ring_queue(uint16_t opcode, const uint64_t *args, uint64_t user_data, uint16_t flags) UK_RING_NOEXCEPT;
/* Queues a copy of *entry verbatim (reserved fields included). */
int uk_ring_queue_entry(const struct uk_submit_entry *entry) UK_RING_NOEXCEPT;
/* Publishes queued entries (release) and calls SYS_SUBMIT for everything
 * not yet consumed. Returns entries consumed or -errno. */
int64_t uk_ring_submit(void) UK_RING_NOEXCEPT;
/* Free submission slots; entries queued but unpublished; entries published
 * or queued but not yet consumed by the kernel. */
uint32_t uk_ring_space(void) UK_RING_NOEXCEPT;
uint32_t uk_ring_queued(void) UK_RING_NOEXCEPT;
uint32_t uk_ring_unconsumed(void) UK_RING_NOEXCEPT;
/* Completions available without a system call. */
uint32_t uk_ring_ready(void) UK_RING_NOEXCEPT;
/* Non-blocking: copies up to max completions to out, in order. Returns the
 * count (0 if none). */
uint32_t uk_ring_reap(struct uk_completion *out, uint32_t max) UK_RING_NOEXCEPT;
/* One completion: submits pending entries if none is ready. Returns 0, or
 * -UK_EAGAIN when nothing is pending and none is ready, or a SYS_SUBMIT error. */
int64_t uk_ring_wait(struct uk_completion *out) UK_RING_NOEXCEPT;
/* Synchronous op: queue with NEED_COMPLETION, submit, wait for its own
 * completion. Returns the op's result (>= 0 or -errno). args may be NULL. */
int64_t uk_ring_call(uint16_t opcode, const uint64_t *args, uint16_t flags) UK_RING_NOEXCEPT;
/* Runs n ops: queues as many as fit, submits, reaps into out (capacity
 * out_cap), repeats until every op is consumed (handles back-pressure).
 * Returns the number of completions written to out, or -errno (-UK_ENOBUFS:
 * out is full and the kernel cannot proceed). stats may be NULL. */
int64_t uk_ring_batch(const struct uk_op *ops, size_t n, struct uk_completion *out, size_t out_cap,
                      struct uk_batch_stats *stats) UK_RING_NOEXCEPT;

/* ---- the ring lock: slow path (ring/syscall_aarch64.cc; host: ring/host.cc) */
/* Returns once *word went from 0 to 1 by this caller (acquire ordering);
 * while it is 1, waits with WFE (exclusive monitor armed), then WFI: both
 * trap to ukernel, which runs another thread meanwhile. */
void uk_ring_lock_wait(uint32_t *word) UK_RING_NOEXCEPT;
/* How many times a thread of this domain found the ring lock taken and
 * waited (statistics, tests). */
uint64_t uk_ring_lock_wait_count(void) UK_RING_NOEXCEPT;

/* ---- helpers (each one synchronous ring op) ----------------------------- */
int64_t uk_debug_print(const char *text) UK_RING_NOEXCEPT;             /* bytes printed or -errno */
int64_t uk_debug_write(const char *buf, size_t len) UK_RING_NOEXCEPT;  /* bytes printed or -errno */
int64_t uk_printf(const char *fmt, ...) UK_RING_NOEXCEPT __attribute__((format(printf, 1, 2)));
int64_t uk_domain_id(void) UK_RING_NOEXCEPT;             /* GetDomainId ("info") */
int64_t uk_parent_id(void) UK_RING_NOEXCEPT;             /* GetParentId ("info"); 0 = the kernel */
int64_t uk_time_ns(uint32_t clock_id) UK_RING_NOEXCEPT;  /* GetTimeNs ("time"), UK_CLOCK_* */
int64_t uk_yield(void) UK_RING_NOEXCEPT;                 /* Yield ("yield") */
/* DomainExit ("exit"). Never returns: if the kernel refuses, the domain traps. */
__attribute__((noreturn)) void uk_exit(int64_t code) UK_RING_NOEXCEPT;

#if defined(__cplusplus)
} /* extern "C" */

namespace ukernel {

using Completion = ::uk_completion;
using Op = ::uk_op;
using BatchStats = ::uk_batch_stats;

inline constexpr uint64_t kHelperTag = UK_RING_HELPER_TAG;
inline constexpr size_t kDebugPrintMax = UK_DEBUG_PRINT_MAX;

class Ring {
   public:
    using Args = uint64_t[sys::SUBMIT_ARG_COUNT];
    static constexpr uint32_t kSize = static_cast<uint32_t>(sys::RING_SIZE);
    // Completions the helpers set aside while looking for their own: room
    // for a full completion ring plus the completions of a full submission
    // ring ahead of the helper's entry.
    static constexpr uint32_t kBacklog = 2 * kSize;
    // Completions of blocking runtime ops (futex_wait, yield, thread_exit)
    // that another thread met first; at most one per thread of the domain.
    static constexpr uint32_t kParked = 16;
    // The kernel's limit of threads per domain (kernel/domain/domain.h):
    // each blocked thread holds one completion slot in reserve.
    static constexpr uint32_t kMaxThreads = 8;

    // A client for the ring mapped at `shared_addr` (RING_VADDR in a domain).
    // The ring must be fresh or idle; the client trusts the domain-owned
    // indices it finds there (it is their only writer).
    constexpr explicit Ring(uintptr_t shared_addr) noexcept : addr_(shared_addr) {}
    explicit Ring(sys::SubmitRing* shared) noexcept : addr_(reinterpret_cast<uintptr_t>(shared)) {}

    // The domain's ring at RING_VADDR (what the C API and helpers use).
    static Ring& domain() noexcept;

    sys::SubmitRing* shared() const noexcept { return reinterpret_cast<sys::SubmitRing*>(addr_); }

    // Every operation below takes the ring lock (one thread at a time). It
    // is not recursive: these functions never call each other with it held.

    // ---- submissions -------------------------------------------------------
    // Fills the next free slot; the kernel sees it after submit(). Returns the
    // slot, or -UK_EAGAIN when all RING_SIZE slots are queued or in flight.
    int queue(sys::KernelOp op, const Args& args, uint64_t user_data, uint16_t flags = 0) noexcept;
    int queue(const Op& op) noexcept;
    // Verbatim entry, reserved fields included (tests use this for garbage).
    int queue_entry(const sys::SubmitEntry& entry) noexcept;
    uint32_t queued() const noexcept;
    uint32_t unconsumed() const noexcept;
    uint32_t space() const noexcept { return kSize - unconsumed(); }
    // Release-stores submit_head, then SYS_SUBMIT(unconsumed, 0, 0).
    // Returns the entries consumed or -errno.
    int64_t submit() noexcept;

    // ---- completions -------------------------------------------------------
    // Completions reap() can hand out without a system call (the runtime's
    // own completions of other threads' blocking ops are not counted).
    uint32_t ready() const noexcept;
    bool reap_one(Completion& out) noexcept;
    uint32_t reap(Completion* out, uint32_t max) noexcept;
    // One completion; submits pending entries if none is ready. 0, -UK_EAGAIN
    // (nothing in flight), or a SYS_SUBMIT error.
    int64_t wait(Completion& out) noexcept;

    // ---- helpers -----------------------------------------------------------
    // Queues `op` with NEED_COMPLETION (and `flags`) under a helper tag,
    // submits (everything queued so far goes too) and returns its result.
    // Completions of other ops met meanwhile are kept for reap() (up to
    // kBacklog; beyond that -UK_EBUSY: reap first). A Yield with no flags
    // and zero arguments goes through yield(); a successful ThreadCreate
    // marks the domain multi-threaded (see threaded()).
    int64_t call(sys::KernelOp op, const Args& args, uint16_t flags = 0) noexcept;
    int64_t call(sys::KernelOp op) noexcept {
        const Args none = {};
        return call(op, none);
    }
    // See uk_ring_batch.
    int64_t batch(const Op* ops, size_t n, Completion* out, size_t out_cap, BatchStats* stats = nullptr) noexcept;
    // DomainExit(code) after flushing; traps if the kernel returns.
    [[noreturn]] void exit(int64_t code) noexcept;
    // DebugPrint of buf[0, len) in ops of at most UK_DEBUG_PRINT_MAX bytes,
    // all under one hold of the lock (a thread's text is never split by
    // another's). Bytes printed or -errno.
    int64_t debug_write(const char* buf, size_t len) noexcept;

    // ---- threads (used by ukernel/thread.h; see docs/threads.md) -----------
    // Yield. Once threads exist, the lock is released by the kernel before
    // the Yield runs (a lock-releasing BlockThread goes first in the same
    // SYS_SUBMIT), so the threads it hands the CPU to can use the ring.
    int64_t yield() noexcept;
    // BlockThread(timeout_ns, futex_va, expected, unlock_va = the ring lock):
    // the calling thread sleeps without the lock. 0 when woken by FutexWake,
    // -UK_ETIMEDOUT, -UK_EAGAIN (*futex_va != expected), or another -errno.
    int64_t block(uint64_t timeout_ns, uintptr_t futex_va, uint32_t expected) noexcept;
    // ThreadExit(code). If clear_word is not null, the kernel stores 0 there
    // and wakes its futex waiters in the same SYS_SUBMIT that ends the
    // thread (a join word: once it reads 0 the thread's stack is unused).
    // Traps if the kernel refuses.
    [[noreturn]] void exit_thread(int64_t code, uint32_t* clear_word) noexcept;
    // True once a ThreadCreate through call() succeeded: from then on the
    // lock is contended and the kernel must release it for sleeping
    // threads. Before that the domain has one thread, and blocking ops keep
    // the lock (works without the "threads" capability, too).
    bool threaded() const noexcept { return __atomic_load_n(&threaded_, __ATOMIC_ACQUIRE); }
    // The ring lock word (0 free, 1 taken): what BlockThread gets as unlock_va.
    const uint32_t* lock_word() const noexcept { return &lock_; }

   private:
    struct Guard;

    void lock() const noexcept;
    void unlock() const noexcept;

    // Each *_locked function expects the lock held and keeps it.
    int queue_entry_locked(const sys::SubmitEntry& entry) noexcept;
    uint32_t unconsumed_locked() const noexcept;
    int64_t submit_locked() noexcept;
    bool reap_one_locked(Completion& out) noexcept;
    int64_t call_locked(sys::KernelOp op, const Args& args, uint16_t flags) noexcept;
    int64_t debug_write_locked(const char* buf, size_t len) noexcept;
    // Submits until every queued/published entry is consumed, moving
    // completions aside. 0 or -errno (-UK_EBUSY: no room to move them).
    int64_t flush_locked() noexcept;
    // Moves ring completions aside until the ring is empty or the backlog
    // is full. Returns how many it took.
    uint32_t drain_locked() noexcept;
    // Queues entries[0, n) (after a flush) and submits them in one
    // SYS_SUBMIT; the first one releases the lock in the kernel. Returns
    // the result of the completion tagged `tag`, with the lock NOT held.
    int64_t run_releasing_locked(const sys::SubmitEntry* entries, uint32_t n, uint64_t tag) noexcept;
    // Takes the completion tagged `tag` from the parked completions, the
    // backlog or the ring. false if it is not there.
    bool take_tagged_locked(uint64_t tag, Completion& out) noexcept;
    sys::SubmitEntry release_entry(uint32_t* word) noexcept;

    uint32_t published_head() const noexcept;
    bool pop_ring(Completion& out) noexcept;
    // pop_ring for callers that want completions of user ops only: the
    // runtime's internal ones are parked or dropped on the way.
    bool pop_ring_user(Completion& out) noexcept;
    // Parks or drops a runtime-internal completion; false if `c` is not one
    // (or there is no room to park it).
    bool divert(const Completion& c) noexcept;
    bool backlog_push(const Completion& c) noexcept;
    bool backlog_pop(Completion& out) noexcept;
    uint64_t next_tag(uint64_t kind = 0) noexcept;

    uintptr_t addr_;
    mutable uint32_t lock_ = 0;  // the ring lock; the kernel stores 0 here (unlock_va)
    bool threaded_ = false;
    uint32_t queued_ = 0;  // entries filled after the published submit_head
    uint32_t tag_seq_ = 0;
    uint32_t backlog_first_ = 0;
    uint32_t backlog_count_ = 0;
    uint32_t parked_count_ = 0;
    Completion backlog_[kBacklog] = {};
    Completion parked_[kParked] = {};
};

inline int64_t sys_submit(uint64_t to_submit, uint64_t min_complete = 0, uint64_t flags = 0) noexcept {
    return ::uk_sys_submit(to_submit, min_complete, flags);
}

// Helpers on Ring::domain(). Each returns the op's result: >= 0 or -errno.
int64_t debug_print(const char* text) noexcept;
int64_t debug_write(const char* buf, size_t len) noexcept;
int64_t printf(const char* fmt, ...) noexcept __attribute__((format(printf, 1, 2)));
int64_t domain_id() noexcept;
int64_t parent_id() noexcept;
int64_t time_ns(uint32_t clock_id = sys::clock::MONOTONIC) noexcept;
int64_t yield() noexcept;
[[noreturn]] void exit(int64_t code) noexcept;

}  // namespace ukernel
#endif /* __cplusplus */

#undef UK_RING_NOEXCEPT

#endif /* UKERNEL_RING_H */
