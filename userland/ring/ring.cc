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

}  // namespace

Ring& Ring::domain() noexcept { return g_domain_ring; }

// ---- submissions -------------------------------------------------------------

uint32_t Ring::published_head() const noexcept {
    // The domain is the only writer of submit_head: a relaxed read is its own
    // last store.
    return load_relaxed(&shared()->submit_head);
}

uint32_t Ring::unconsumed() const noexcept {
    const uint32_t head = published_head() + queued_;
    const uint32_t tail = load_acquire(&shared()->submit_tail);
    const uint32_t n = head - tail;
    // Indices a test scribbled on (or a confused kernel) count as "full".
    return n > kSize ? kSize : n;
}

int Ring::queue_entry(const SubmitEntry& entry) noexcept {
    SubmitRing* const r = shared();
    const uint32_t head = published_head() + queued_;
    const uint32_t tail = load_acquire(&r->submit_tail);
    if (head - tail >= kSize) return -UK_EAGAIN;
    const uint32_t slot = head & kMask;
    r->submissions[slot] = entry;
    ++queued_;
    return static_cast<int>(slot);
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

int64_t Ring::submit() noexcept {
    SubmitRing* const r = shared();
    const uint32_t head = published_head() + queued_;
    queued_ = 0;
    // Entries are written before the kernel can see the new head.
    store_release(&r->submit_head, head);
    const uint32_t tail = load_acquire(&r->submit_tail);
    return uk_sys_submit(static_cast<uint32_t>(head - tail), 0, 0);
}

// ---- completions -------------------------------------------------------------

uint32_t Ring::ready() const noexcept {
    const SubmitRing* const r = shared();
    const uint32_t head = load_acquire(&r->complete_head);
    const uint32_t tail = load_relaxed(&r->complete_tail);
    const uint32_t n = head - tail;
    return backlog_count_ + (n > kSize ? kSize : n);
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

bool Ring::reap_one(Completion& out) noexcept { return backlog_pop(out) || pop_ring(out); }

uint32_t Ring::reap(Completion* out, uint32_t max) noexcept {
    uint32_t n = 0;
    while (n < max && reap_one(out[n])) ++n;
    return n;
}

int64_t Ring::wait(Completion& out) noexcept {
    for (;;) {
        if (reap_one(out)) return 0;
        if (unconsumed() == 0) {
            // Everything submitted has been consumed and no completion is
            // waiting. (Ops of this ABI version complete inside SYS_SUBMIT;
            // a later kernel may complete blocking ops afterwards: poll.)
            const int64_t rc = uk_sys_submit(0, 0, 0);
            if (rc < 0) return rc;
            return reap_one(out) ? 0 : -UK_EAGAIN;
        }
        const int64_t rc = submit();
        if (rc < 0) return rc;
        if (rc == 0 && ready() == 0) return -UK_EAGAIN;  // the kernel made no progress
    }
}

// ---- helpers -----------------------------------------------------------------

int64_t Ring::call(KernelOp op, const Args& args, uint16_t flags) noexcept {
    const uint64_t tag = next_tag();
    const uint16_t fl = static_cast<uint16_t>(flags | sys::submit_flags::NEED_COMPLETION);
    // Make room: submit what is queued, set completions aside.
    int slot = queue(op, args, tag, fl);
    for (int tries = 0; slot < 0 && tries < 4; ++tries) {
        const int64_t rc = submit();
        if (rc < 0) return rc;
        Completion c;
        while (backlog_count_ < kBacklog && pop_ring(c)) backlog_push(c);
        slot = queue(op, args, tag, fl);
    }
    if (slot < 0) return slot;
    const uint32_t index = published_head() + queued_ - 1;

    for (;;) {
        const int64_t rc = submit();
        if (rc < 0) return rc;
        bool progress = rc > 0;
        // Completions arrive in order; ours is among them once consumed.
        Completion c;
        for (;;) {
            SubmitRing* const r = shared();
            if (load_acquire(&r->complete_head) == load_relaxed(&r->complete_tail)) break;
            if (backlog_count_ == kBacklog) {
                // Peek: ours may be next even with a full backlog.
                const sys::CompleteEntry& next = r->completions[load_relaxed(&r->complete_tail) & kMask];
                if (next.user_data != tag) return -UK_EBUSY;
            }
            pop_ring(c);
            progress = true;
            if (c.user_data == tag) return c.result;
            backlog_push(c);
        }
        if (!progress && !consumed(load_acquire(&shared()->submit_tail), index)) return -UK_EAGAIN;
    }
}

int64_t Ring::batch(const Op* ops, size_t n, Completion* out, size_t out_cap, BatchStats* stats) noexcept {
    BatchStats s{};
    size_t next = 0;
    size_t got = 0;
    int64_t result = 0;
    for (;;) {
        while (next < n && queue(ops[next]) >= 0) ++next;
        const uint32_t pending = unconsumed();
        const int64_t rc = submit();
        ++s.submits;
        if (rc < 0) {
            result = rc;
            break;
        }
        s.consumed += static_cast<uint32_t>(rc);
        if (static_cast<uint32_t>(rc) < pending) ++s.stalls;
        uint32_t reaped = 0;
        while (got < out_cap && reap_one(out[got])) ++got, ++reaped;
        if (next == n && unconsumed() == 0) break;
        if (rc == 0 && reaped == 0) {
            // Back-pressure we cannot relieve: out[] is full, or the kernel
            // refuses to make progress.
            result = got == out_cap ? -UK_ENOBUFS : -UK_EAGAIN;
            break;
        }
    }
    if (result == 0) {
        while (got < out_cap && reap_one(out[got])) ++got;
        result = static_cast<int64_t>(got);
    }
    s.completions = static_cast<uint32_t>(got);
    if (stats != nullptr) *stats = s;
    return result;
}

void Ring::exit(int64_t code) noexcept {
    const uint64_t tag = next_tag();
    const Args args = {static_cast<uint64_t>(code)};
    Completion c;
    // Room for the exit entry: flush and drop whatever is in the way.
    while (queue(KernelOp::DomainExit, args, tag, 0) < 0) {
        if (submit() < 0) break;
        while (reap_one(c)) {
        }
    }
    const uint32_t index = published_head() + queued_ - 1;
    int64_t failure = 0;
    for (int tries = 0; tries < 1000 && failure == 0; ++tries) {
        const int64_t rc = submit();  // does not return once DomainExit runs
        if (rc < 0) {
            failure = rc;
            break;
        }
        while (reap_one(c)) {
            if (c.user_data == tag) failure = c.result < 0 ? c.result : -UK_EIO;
        }
        if (failure == 0 && consumed(load_acquire(&shared()->submit_tail), index)) failure = -UK_EIO;
    }
    // The kernel refused (no "exit" capability?) or returned: stop here with
    // an exception it reports, rather than run on.
    char msg[80];
    const int len = uk_snprintf(msg, sizeof msg, "exit(%lld) failed: %lld; trapping\n",
                                static_cast<long long>(code), static_cast<long long>(failure));
    if (len > 0) debug_write(msg, static_cast<size_t>(len) < sizeof msg ? static_cast<size_t>(len) : sizeof msg - 1);
    for (;;) __builtin_trap();
}

// ---- free helpers on the domain's ring -----------------------------------------

int64_t debug_write(const char* buf, size_t len) noexcept {
    size_t done = 0;
    do {
        const size_t chunk = len - done > kDebugPrintMax ? kDebugPrintMax : len - done;
        const Ring::Args args = {reinterpret_cast<uintptr_t>(buf + done), chunk};
        const int64_t rc = Ring::domain().call(KernelOp::DebugPrint, args);
        if (rc < 0) return rc;
        done += chunk;
    } while (done < len);
    return static_cast<int64_t>(done);
}

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
int64_t yield() noexcept { return Ring::domain().call(KernelOp::Yield); }
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
