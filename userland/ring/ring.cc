// The ring client: ukernel::Ring and the helpers on the domain's ring.
// Portable C++ (no inline assembly): the system call is uk_sys_submit
// (syscall_aarch64.cc in a domain, a fake kernel in host tests).
#include <stdarg.h>

#include <ukernel/format.h>
#include <ukernel/ring.h>

namespace ukernel {
namespace {

using sys::KernelOp;
using sys::SubmitEntry;
using sys::SubmitRing;

constexpr uint32_t kMask = sys::RING_MASK;

uint32_t load_relaxed(const uint32_t* p) { return __atomic_load_n(p, __ATOMIC_RELAXED); }
uint32_t load_acquire(const uint32_t* p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }
void store_release(uint32_t* p, uint32_t v) { __atomic_store_n(p, v, __ATOMIC_RELEASE); }

// true when the entry with free-running index `index` has been consumed.
bool consumed(uint32_t submit_tail, uint32_t index) {
    return static_cast<int32_t>(submit_tail - index) > 0;
}

// The domain's ring. constinit: usable from other constructors, no init
// order, no .init_array entry; the shared memory is touched on first use.
constinit Ring g_domain_ring{static_cast<uintptr_t>(UK_RING_VADDR)};

// Helper tags (user_data >= kHelperTag): bits 31:30 of the low word say
// whose completion it is.
//   00  call(): the caller holds the lock until it has found it;
//   01  parked: a blocking op (futex_wait, yield, thread_exit) whose thread
//       looks for it after re-taking the lock; whoever meets it first keeps
//       it in Ring::parked_;
//   10  discard: a lock-releasing BlockThread's -EAGAIN; dropped when met.
constexpr uint64_t kTagKindMask = 0xC0000000u;
constexpr uint64_t kTagParked = 0x40000000u;
constexpr uint64_t kTagDiscard = 0x80000000u;
constexpr uint32_t kTagSeqMask = 0x3FFFFFFFu;

uint64_t tag_kind(uint64_t user_data) { return user_data >= kHelperTag ? (user_data & kTagKindMask) : 0; }
bool is_internal(uint64_t user_data) {
    const uint64_t kind = tag_kind(user_data);
    return kind == kTagParked || kind == kTagDiscard;
}

// The futex word of a lock-releasing BlockThread: always 1, so
// BlockThread(0, &kReleaseFutex, 0, unlock_va) fails at once with -EAGAIN,
// after the kernel has stored 0 at unlock_va. Read-only data is enough (the
// kernel only reads a futex word).
alignas(4) const uint32_t kReleaseFutex = 1;

}  // namespace

Ring& Ring::domain() noexcept { return g_domain_ring; }

// ---- the ring lock -------------------------------------------------------------

struct Ring::Guard {
    const Ring& ring;
    explicit Guard(const Ring& r) noexcept : ring(r) { ring.lock(); }
    ~Guard() { ring.unlock(); }
    Guard(const Guard&) = delete;
    Guard& operator=(const Guard&) = delete;
};

void Ring::lock() const noexcept {
    // Uncontended: one atomic exchange. Taken: uk_ring_lock_wait spins with
    // WFE, which the kernel traps and treats as Yield.
    if (__atomic_exchange_n(&lock_, 1u, __ATOMIC_ACQUIRE) == 0) return;
    uk_ring_lock_wait(&lock_);
}

void Ring::unlock() const noexcept { __atomic_store_n(&lock_, 0u, __ATOMIC_RELEASE); }

uint64_t Ring::next_tag(uint64_t kind) noexcept {
    tag_seq_ = (tag_seq_ + 1) & kTagSeqMask;
    if (tag_seq_ == 0) tag_seq_ = 1;
    return kHelperTag | kind | tag_seq_;
}

// ---- submissions -------------------------------------------------------------

uint32_t Ring::published_head() const noexcept {
    // The domain is the only writer of submit_head (under the lock): a
    // relaxed read is its own last store.
    return load_relaxed(&shared()->submit_head);
}

uint32_t Ring::unconsumed_locked() const noexcept {
    const uint32_t head = published_head() + queued_;
    const uint32_t tail = load_acquire(&shared()->submit_tail);
    const uint32_t n = head - tail;
    // Indices a test scribbled on (or a confused kernel) count as "full".
    return n > kSize ? kSize : n;
}

uint32_t Ring::unconsumed() const noexcept {
    Guard g(*this);
    return unconsumed_locked();
}

uint32_t Ring::queued() const noexcept {
    Guard g(*this);
    return queued_;
}

int Ring::queue_entry_locked(const SubmitEntry& entry) noexcept {
    SubmitRing* const r = shared();
    const uint32_t head = published_head() + queued_;
    const uint32_t tail = load_acquire(&r->submit_tail);
    if (head - tail >= kSize) return -UK_EAGAIN;
    const uint32_t slot = head & kMask;
    r->submissions[slot] = entry;
    ++queued_;
    return static_cast<int>(slot);
}

int Ring::queue_entry(const SubmitEntry& entry) noexcept {
    Guard g(*this);
    return queue_entry_locked(entry);
}

int Ring::queue(KernelOp op, const Args& args, uint64_t user_data, uint16_t flags) noexcept {
    SubmitEntry e = SubmitEntry::make(op, args, user_data);
    e.flags = flags;
    return queue_entry(e);
}

int Ring::queue(const Op& op) noexcept {
    SubmitEntry e = SubmitEntry::make(op.opcode, op.args, op.user_data);
    e.flags = op.flags;
    return queue_entry(e);
}

int64_t Ring::submit_locked() noexcept {
    SubmitRing* const r = shared();
    const uint32_t head = published_head() + queued_;
    queued_ = 0;
    // Entries are written before the kernel can see the new head.
    store_release(&r->submit_head, head);
    const uint32_t tail = load_acquire(&r->submit_tail);
    // Nothing of the Ring is touched after the system call returns: if it
    // consumed a lock-releasing entry, another thread may own the lock now.
    return uk_sys_submit(static_cast<uint32_t>(head - tail), 0, 0);
}

int64_t Ring::submit() noexcept {
    Guard g(*this);
    return submit_locked();
}

// ---- completions -------------------------------------------------------------

uint32_t Ring::ready() const noexcept {
    Guard g(*this);
    const SubmitRing* const r = shared();
    const uint32_t head = load_acquire(&r->complete_head);
    const uint32_t tail = load_relaxed(&r->complete_tail);
    uint32_t n = head - tail;
    if (n > kSize) n = kSize;
    uint32_t user = 0;
    for (uint32_t i = 0; i < n; ++i) {
        if (!is_internal(r->completions[(tail + i) & kMask].user_data)) ++user;
    }
    return backlog_count_ + user;
}

bool Ring::pop_ring(Completion& out) noexcept {
    SubmitRing* const r = shared();
    const uint32_t tail = load_relaxed(&r->complete_tail);
    const uint32_t head = load_acquire(&r->complete_head);
    if (head == tail) return false;
    const sys::CompleteEntry& c = r->completions[tail & kMask];
    out.result = c.result;
    out.user_data = c.user_data;
    out.flags = c.flags;
    out._pad[0] = out._pad[1] = out._pad[2] = 0;
    // The entry is copied before its slot is handed back.
    store_release(&r->complete_tail, tail + 1);
    return true;
}

bool Ring::divert(const Completion& c) noexcept {
    const uint64_t kind = tag_kind(c.user_data);
    if (kind == kTagDiscard) return true;
    if (kind != kTagParked) return false;
    if (parked_count_ < kParked) {
        parked_[parked_count_++] = c;
        return true;
    }
    // Cannot happen with at most kMaxThreads threads (one blocking op each);
    // the backlog keeps it then, where take_tagged_locked looks too.
    return false;
}

bool Ring::pop_ring_user(Completion& out) noexcept {
    while (pop_ring(out)) {
        if (!divert(out)) return true;
    }
    return false;
}

bool Ring::backlog_push(const Completion& c) noexcept {
    if (backlog_count_ == kBacklog) return false;
    backlog_[(backlog_first_ + backlog_count_) % kBacklog] = c;
    ++backlog_count_;
    return true;
}

bool Ring::backlog_pop(Completion& out) noexcept {
    if (backlog_count_ == 0) return false;
    out = backlog_[backlog_first_];
    backlog_first_ = (backlog_first_ + 1) % kBacklog;
    --backlog_count_;
    return true;
}

bool Ring::reap_one_locked(Completion& out) noexcept { return backlog_pop(out) || pop_ring_user(out); }

bool Ring::reap_one(Completion& out) noexcept {
    Guard g(*this);
    return reap_one_locked(out);
}

uint32_t Ring::reap(Completion* out, uint32_t max) noexcept {
    Guard g(*this);
    uint32_t n = 0;
    while (n < max && reap_one_locked(out[n])) ++n;
    return n;
}

int64_t Ring::wait(Completion& out) noexcept {
    Guard g(*this);
    for (;;) {
        if (reap_one_locked(out)) return 0;
        if (unconsumed_locked() == 0) {
            // Everything submitted has been consumed and no completion is
            // waiting. (Ops of this ABI version complete inside SYS_SUBMIT;
            // a later kernel may complete blocking ops afterwards: poll.)
            const int64_t rc = uk_sys_submit(0, 0, 0);
            if (rc < 0) return rc;
            return reap_one_locked(out) ? 0 : -UK_EAGAIN;
        }
        const int64_t rc = submit_locked();
        if (rc < 0) return rc;
        if (rc == 0 && backlog_count_ == 0 && load_acquire(&shared()->complete_head) ==
                                                   load_relaxed(&shared()->complete_tail)) {
            return -UK_EAGAIN;  // the kernel made no progress
        }
    }
}

uint32_t Ring::drain_locked() noexcept {
    uint32_t n = 0;
    Completion c;
    for (;;) {
        SubmitRing* const r = shared();
        const uint32_t tail = load_relaxed(&r->complete_tail);
        if (load_acquire(&r->complete_head) == tail) break;
        // A full backlog still takes internal completions (parked/dropped).
        if (backlog_count_ == kBacklog && !is_internal(r->completions[tail & kMask].user_data)) break;
        pop_ring(c);
        ++n;
        if (!divert(c) && !backlog_push(c)) break;  // (parked_ full and backlog full: cannot happen)
    }
    return n;
}

// ---- helpers -----------------------------------------------------------------

int64_t Ring::call_locked(KernelOp op, const Args& args, uint16_t flags) noexcept {
    const uint64_t tag = next_tag();
    const uint16_t fl = static_cast<uint16_t>(flags | sys::submit_flags::NEED_COMPLETION);
    SubmitEntry e = SubmitEntry::make(op, args, tag);
    e.flags = fl;
    // Make room: submit what is queued, set completions aside.
    int slot = queue_entry_locked(e);
    for (int tries = 0; slot < 0 && tries < 4; ++tries) {
        const int64_t rc = submit_locked();
        if (rc < 0) return rc;
        drain_locked();
        slot = queue_entry_locked(e);
    }
    if (slot < 0) return slot;
    const uint32_t index = published_head() + queued_ - 1;

    for (;;) {
        const int64_t rc = submit_locked();
        if (rc < 0) return rc;
        bool progress = rc > 0;
        // Completions arrive in order; ours is among them once consumed.
        Completion c;
        for (;;) {
            SubmitRing* const r = shared();
            const uint32_t tail = load_relaxed(&r->complete_tail);
            if (load_acquire(&r->complete_head) == tail) break;
            if (backlog_count_ == kBacklog) {
                // Peek: ours may be next even with a full backlog.
                const uint64_t next = r->completions[tail & kMask].user_data;
                if (next != tag && !is_internal(next)) return -UK_EBUSY;
            }
            pop_ring(c);
            progress = true;
            if (c.user_data == tag) return c.result;
            if (!divert(c)) backlog_push(c);
        }
        if (!progress && !consumed(load_acquire(&shared()->submit_tail), index)) return -UK_EAGAIN;
    }
}

int64_t Ring::call(KernelOp op, const Args& args, uint16_t flags) noexcept {
    if (op == KernelOp::Yield && flags == 0) {
        bool zero = true;
        for (uint64_t a : args) zero = zero && a == 0;
        if (zero) return yield();
    }
    Guard g(*this);
    const int64_t rc = call_locked(op, args, flags);
    if (op == KernelOp::ThreadCreate && rc >= 0) __atomic_store_n(&threaded_, true, __ATOMIC_RELEASE);
    return rc;
}

int64_t Ring::batch(const Op* ops, size_t n, Completion* out, size_t out_cap, BatchStats* stats) noexcept {
    Guard g(*this);
    BatchStats s{};
    size_t next = 0;
    size_t got = 0;
    int64_t result = 0;
    auto queue_op = [this](const Op& op) {
        SubmitEntry e = SubmitEntry::make(op.opcode, op.args, op.user_data);
        e.flags = op.flags;
        return queue_entry_locked(e);
    };
    for (;;) {
        while (next < n && queue_op(ops[next]) >= 0) ++next;
        const uint32_t pending = unconsumed_locked();
        const int64_t rc = submit_locked();
        ++s.submits;
        if (rc < 0) {
            result = rc;
            break;
        }
        s.consumed += static_cast<uint32_t>(rc);
        if (static_cast<uint32_t>(rc) < pending) ++s.stalls;
        uint32_t reaped = 0;
        while (got < out_cap && reap_one_locked(out[got])) ++got, ++reaped;
        if (next == n && unconsumed_locked() == 0) break;
        if (rc == 0 && reaped == 0) {
            // Back-pressure we cannot relieve: out[] is full, or the kernel
            // refuses to make progress.
            result = got == out_cap ? -UK_ENOBUFS : -UK_EAGAIN;
            break;
        }
    }
    if (result == 0) {
        while (got < out_cap && reap_one_locked(out[got])) ++got;
        result = static_cast<int64_t>(got);
    }
    s.completions = static_cast<uint32_t>(got);
    if (stats != nullptr) *stats = s;
    return result;
}

void Ring::exit(int64_t code) noexcept {
    lock();  // never released: the domain ends, or traps
    const uint64_t tag = next_tag();
    const Args args = {static_cast<uint64_t>(code)};
    const SubmitEntry e = SubmitEntry::make(KernelOp::DomainExit, args, tag);
    Completion c;
    // Room for the exit entry: flush and drop whatever is in the way.
    while (queue_entry_locked(e) < 0) {
        if (submit_locked() < 0) break;
        while (reap_one_locked(c)) {
        }
    }
    const uint32_t index = published_head() + queued_ - 1;
    int64_t failure = 0;
    for (int tries = 0; tries < 1000 && failure == 0; ++tries) {
        const int64_t rc = submit_locked();  // does not return once DomainExit runs
        if (rc < 0) {
            failure = rc;
            break;
        }
        while (reap_one_locked(c)) {
            if (c.user_data == tag) failure = c.result < 0 ? c.result : -UK_EIO;
        }
        if (failure == 0 && consumed(load_acquire(&shared()->submit_tail), index)) failure = -UK_EIO;
    }
    // The kernel refused (no "exit" capability?) or returned: stop here with
    // an exception it reports, rather than run on.
    char msg[80];
    const int len = uk_snprintf(msg, sizeof msg, "exit(%lld) failed: %lld; trapping\n",
                                static_cast<long long>(code), static_cast<long long>(failure));
    if (len > 0) {
        debug_write_locked(msg, static_cast<size_t>(len) < sizeof msg ? static_cast<size_t>(len) : sizeof msg - 1);
    }
    for (;;) __builtin_trap();
}

int64_t Ring::debug_write_locked(const char* buf, size_t len) noexcept {
    size_t done = 0;
    do {
        const size_t chunk = len - done > kDebugPrintMax ? kDebugPrintMax : len - done;
        const Args args = {reinterpret_cast<uintptr_t>(buf + done), chunk};
        const int64_t rc = call_locked(KernelOp::DebugPrint, args, 0);
        if (rc < 0) return rc;
        done += chunk;
    } while (done < len);
    return static_cast<int64_t>(done);
}

int64_t Ring::debug_write(const char* buf, size_t len) noexcept {
    Guard g(*this);
    return debug_write_locked(buf, len);
}

// ---- threads -----------------------------------------------------------------
//
// The lock protocol for blocking ops (docs/threads.md): a thread must not
// sleep holding the ring lock, yet it must hold it to submit. So the entry
// that sleeps (BlockThread) or hands the CPU away (Yield, ThreadExit) goes
// into the ring together with a BlockThread whose unlock_va is the lock:
// the kernel stores 0 there when it consumes that entry, inside the same
// SYS_SUBMIT, before the thread sleeps. When the system call returns the
// thread no longer holds the lock; it takes it again to collect its
// completion, which another thread may have moved to parked_ meanwhile.

SubmitEntry Ring::release_entry(uint32_t* word) noexcept {
    const Args args = {0, reinterpret_cast<uintptr_t>(&kReleaseFutex), 0, reinterpret_cast<uintptr_t>(word), 0};
    return SubmitEntry::make(KernelOp::BlockThread, args, next_tag(kTagDiscard));
}

int64_t Ring::flush_locked() noexcept {
    while (unconsumed_locked() != 0) {
        const int64_t rc = submit_locked();
        if (rc < 0) return rc;
        const uint32_t drained = drain_locked();
        if (rc == 0 && drained == 0) return -UK_EBUSY;  // completion ring and backlog full
    }
    drain_locked();
    return 0;
}

bool Ring::take_tagged_locked(uint64_t tag, Completion& out) noexcept {
    for (uint32_t i = 0; i < parked_count_; ++i) {
        if (parked_[i].user_data != tag) continue;
        out = parked_[i];
        parked_[i] = parked_[--parked_count_];
        return true;
    }
    for (uint32_t i = 0; i < backlog_count_; ++i) {
        const uint32_t at = (backlog_first_ + i) % kBacklog;
        if (backlog_[at].user_data != tag) continue;
        out = backlog_[at];
        // Close the gap, keeping the others in order.
        for (uint32_t j = i + 1; j < backlog_count_; ++j) {
            backlog_[(backlog_first_ + j - 1) % kBacklog] = backlog_[(backlog_first_ + j) % kBacklog];
        }
        --backlog_count_;
        return true;
    }
    Completion c;
    for (;;) {
        SubmitRing* const r = shared();
        const uint32_t tail = load_relaxed(&r->complete_tail);
        if (load_acquire(&r->complete_head) == tail) return false;
        const uint64_t next = r->completions[tail & kMask].user_data;
        if (next != tag && backlog_count_ == kBacklog && !is_internal(next)) return false;
        pop_ring(c);
        if (c.user_data == tag) {
            out = c;
            return true;
        }
        if (!divert(c)) backlog_push(c);
    }
}

int64_t Ring::run_releasing_locked(const SubmitEntry* entries, uint32_t n, uint64_t tag) noexcept {
    // Everything already queued goes first, on its own, so that these n
    // entries are consumed together by the one SYS_SUBMIT below.
    int64_t rc = flush_locked();
    if (rc < 0) {
        unlock();
        return rc;
    }
    // Completion room for them: once the first one has released the lock,
    // the rest must not stop on back-pressure. Each blocked thread of the
    // domain keeps a slot reserved in the kernel.
    if (n > 1) {
        const SubmitRing* const r = shared();
        const uint32_t in_use = load_acquire(&r->complete_head) - load_relaxed(&r->complete_tail);
        if (in_use + n + (kMaxThreads - 1) > kSize) {
            unlock();
            return -UK_EBUSY;
        }
    }
    const uint32_t first = published_head() + queued_;
    for (uint32_t i = 0; i < n; ++i) {
        if (queue_entry_locked(entries[i]) < 0) {
            queued_ = 0;  // (cannot happen after the flush) take them back
            unlock();
            return -UK_EAGAIN;
        }
    }
    rc = submit_locked();
    if (!consumed(load_acquire(&shared()->submit_tail), first)) {
        // Not consumed (an error, or no completion slot): the kernel did not
        // release the lock, and nobody else has published since. Take the
        // entries back so that no other thread's SYS_SUBMIT runs them.
        store_release(&shared()->submit_head, first);
        unlock();
        return rc < 0 ? rc : -UK_EBUSY;
    }
    // The lock was released in the kernel; this thread has slept, yielded
    // or been woken since. Collect the result.
    lock();
    Completion c;
    const bool found = take_tagged_locked(tag, c);
    unlock();
    return found ? c.result : -UK_EIO;
}

int64_t Ring::yield() noexcept {
    lock();
    if (!threaded_) {
        // One thread: nobody waits for the lock.
        const Args none = {};
        const int64_t rc = call_locked(KernelOp::Yield, none, 0);
        unlock();
        return rc;
    }
    const uint64_t tag = next_tag(kTagParked);
    SubmitEntry e[2] = {release_entry(&lock_), SubmitEntry::make(KernelOp::Yield, {}, tag)};
    e[1].flags = sys::submit_flags::NEED_COMPLETION;
    return run_releasing_locked(e, 2, tag);
}

int64_t Ring::block(uint64_t timeout_ns, uintptr_t futex_va, uint32_t expected) noexcept {
    lock();
    if (!threaded_) {
        // One thread: keep the lock (unlock_va 0), so this also works
        // without the "threads" capability (-EPERM then).
        const Args args = {timeout_ns, futex_va, expected, 0, 0};
        const int64_t rc = call_locked(KernelOp::BlockThread, args, 0);
        unlock();
        return rc;
    }
    const uint64_t tag = next_tag(kTagParked);
    const Args args = {timeout_ns, futex_va, expected, reinterpret_cast<uintptr_t>(&lock_), 0};
    SubmitEntry e = SubmitEntry::make(KernelOp::BlockThread, args, tag);
    e.flags = sys::submit_flags::NEED_COMPLETION;
    return run_releasing_locked(&e, 1, tag);
}

void Ring::exit_thread(int64_t code, uint32_t* clear_word) noexcept {
    lock();
    int64_t failure;
    bool locked = true;
    if (!threaded_) {
        // The only thread: ThreadExit ends the domain with `code`.
        if (clear_word != nullptr) __atomic_store_n(clear_word, 0u, __ATOMIC_RELEASE);
        const Args args = {static_cast<uint64_t>(code)};
        failure = call_locked(KernelOp::ThreadExit, args, 0);
    } else {
        const uint64_t tag = next_tag(kTagParked);
        SubmitEntry e[4];
        uint32_t n = 0;
        if (clear_word != nullptr) {
            // Store 0 to the join word and wake its waiters from inside the
            // kernel: the stack is free once a joiner sees 0.
            e[n++] = release_entry(clear_word);
            const Args wake = {reinterpret_cast<uintptr_t>(clear_word), UINT32_MAX};
            e[n++] = SubmitEntry::make(KernelOp::FutexWake, wake, next_tag(kTagDiscard));
        }
        e[n++] = release_entry(&lock_);
        const Args args = {static_cast<uint64_t>(code)};
        e[n++] = SubmitEntry::make(KernelOp::ThreadExit, args, tag);
        failure = run_releasing_locked(e, n, tag);  // returns (unlocked) only if ThreadExit failed
        locked = false;
    }
    char msg[80];
    const int len = uk_snprintf(msg, sizeof msg, "thread_exit(%lld) failed: %lld; trapping\n",
                                static_cast<long long>(code), static_cast<long long>(failure));
    if (len > 0) {
        const size_t n = static_cast<size_t>(len) < sizeof msg ? static_cast<size_t>(len) : sizeof msg - 1;
        if (locked) {
            debug_write_locked(msg, n);
        } else {
            debug_write(msg, n);
        }
    }
    for (;;) __builtin_trap();
}

// ---- free helpers on the domain's ring -----------------------------------------

int64_t debug_write(const char* buf, size_t len) noexcept { return Ring::domain().debug_write(buf, len); }

int64_t debug_print(const char* text) noexcept {
    size_t len = 0;
    while (text[len] != '\0') ++len;
    return debug_write(text, len);
}

namespace {
int64_t vprint(const char* fmt, va_list ap) {
    char buf[512];
    const int len = uk_vsnprintf(buf, sizeof buf, fmt, ap);
    if (len < 0) return -UK_EINVAL;
    const size_t n = static_cast<size_t>(len) < sizeof buf ? static_cast<size_t>(len) : sizeof buf - 1;
    return debug_write(buf, n);
}
}  // namespace

int64_t printf(const char* fmt, ...) noexcept {
    va_list ap;
    va_start(ap, fmt);
    const int64_t rc = vprint(fmt, ap);
    va_end(ap);
    return rc;
}

int64_t domain_id() noexcept { return Ring::domain().call(KernelOp::GetDomainId); }
int64_t parent_id() noexcept { return Ring::domain().call(KernelOp::GetParentId); }
int64_t time_ns(uint32_t clock_id) noexcept {
    const Ring::Args args = {clock_id};
    return Ring::domain().call(KernelOp::GetTimeNs, args);
}
int64_t yield() noexcept { return Ring::domain().yield(); }
void exit(int64_t code) noexcept { Ring::domain().exit(code); }

}  // namespace ukernel

// ---- C API ---------------------------------------------------------------------

using ukernel::Ring;

namespace {
const uint64_t kZeroArgs[UK_SUBMIT_ARG_COUNT] = {};
const Ring::Args& args_or_zero(const uint64_t* args) {
    return *reinterpret_cast<const Ring::Args*>(args != nullptr ? args : kZeroArgs);
}
}  // namespace

extern "C" {

int uk_ring_queue(uint16_t opcode, const uint64_t* args, uint64_t user_data, uint16_t flags) noexcept {
    uk_submit_entry e = uk_submit_entry_make(opcode, args_or_zero(args), user_data);
    e.flags = flags;
    return Ring::domain().queue_entry(e);
}
int uk_ring_queue_entry(const uk_submit_entry* entry) noexcept { return Ring::domain().queue_entry(*entry); }
int64_t uk_ring_submit(void) noexcept { return Ring::domain().submit(); }
uint32_t uk_ring_space(void) noexcept { return Ring::domain().space(); }
uint32_t uk_ring_queued(void) noexcept { return Ring::domain().queued(); }
uint32_t uk_ring_unconsumed(void) noexcept { return Ring::domain().unconsumed(); }
uint32_t uk_ring_ready(void) noexcept { return Ring::domain().ready(); }
uint32_t uk_ring_reap(uk_completion* out, uint32_t max) noexcept { return Ring::domain().reap(out, max); }
int64_t uk_ring_wait(uk_completion* out) noexcept { return Ring::domain().wait(*out); }
int64_t uk_ring_call(uint16_t opcode, const uint64_t* args, uint16_t flags) noexcept {
    return Ring::domain().call(static_cast<ukernel::sys::KernelOp>(opcode), args_or_zero(args), flags);
}
int64_t uk_ring_batch(const uk_op* ops, size_t n, uk_completion* out, size_t out_cap, uk_batch_stats* stats) noexcept {
    return Ring::domain().batch(ops, n, out, out_cap, stats);
}

int64_t uk_debug_print(const char* text) noexcept { return ukernel::debug_print(text); }
int64_t uk_debug_write(const char* buf, size_t len) noexcept { return ukernel::debug_write(buf, len); }
int64_t uk_printf(const char* fmt, ...) noexcept {
    va_list ap;
    va_start(ap, fmt);
    const int64_t rc = ukernel::vprint(fmt, ap);
    va_end(ap);
    return rc;
}
int64_t uk_domain_id(void) noexcept { return ukernel::domain_id(); }
int64_t uk_parent_id(void) noexcept { return ukernel::parent_id(); }
int64_t uk_time_ns(uint32_t clock_id) noexcept { return ukernel::time_ns(clock_id); }
int64_t uk_yield(void) noexcept { return ukernel::yield(); }
void uk_exit(int64_t code) noexcept { ukernel::exit(code); }

}  // extern "C"
