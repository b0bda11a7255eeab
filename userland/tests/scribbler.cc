// scribbler: writes garbage into its ring entries and indices and checks
// that the kernel answers with the documented errors (and keeps running):
//   -ENOSYS  unknown opcodes; any svc number other than SYS_SUBMIT
//   -EINVAL  nonzero _reserved, unknown submit flags, nonzero unused args,
//            DebugPrint longer than the kernel's limit; impossible ring
//            indices as the SYS_SUBMIT return value (nothing consumed)
//   -EFAULT  DebugPrint buffers outside the domain's memory
//   -EPERM   an op outside its capabilities (GetTimeNs: no "time")
// Prints "scribbler: all N checks passed" and exits 0, or prints each failed
// check and exits 1.
// Capabilities: debug info yield exit (deliberately not "time").
#include <ukernel/ring.h>
#include <ukernel/runtime.h>

namespace {

using ukernel::Completion;
using ukernel::Ring;
using ukernel::sys::KernelOp;
using ukernel::sys::SubmitEntry;
using ukernel::sys::SubmitRing;
namespace flags = ukernel::sys::submit_flags;

constexpr int64_t kNoCompletion = INT64_MIN;

int g_checks = 0;
int g_failed = 0;
uint64_t g_tag = 0x5C0000;

void check(const char* what, int64_t got, int64_t want) {
    ++g_checks;
    if (got == want) return;
    ++g_failed;
    if (got == kNoCompletion) {
        ukernel::printf("scribbler: FAIL %s: no completion, want %lld\n", what, static_cast<long long>(want));
    } else {
        ukernel::printf("scribbler: FAIL %s: got %lld, want %lld\n", what, static_cast<long long>(got),
                        static_cast<long long>(want));
    }
}

void check_true(const char* what, bool ok) { check(what, ok ? 1 : 0, 1); }

uint32_t load(const uint32_t* p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }
void store(uint32_t* p, uint32_t v) { __atomic_store_n(p, v, __ATOMIC_RELEASE); }

// Submits one entry (its user_data replaced by a fresh tag) and returns the
// result of its completion, or kNoCompletion.
int64_t run_entry(SubmitEntry e) {
    Ring& ring = Ring::domain();
    e.user_data = ++g_tag;
    if (ring.queue_entry(e) < 0) return kNoCompletion;
    if (ring.submit() < 0) return kNoCompletion;
    Completion c;
    int64_t result = kNoCompletion;
    while (ring.reap_one(c)) {
        if (c.user_data == g_tag) result = c.result;
    }
    return result;
}

SubmitEntry entry(uint16_t opcode, uint64_t a0 = 0, uint64_t a1 = 0) {
    SubmitEntry e{};
    e.opcode = opcode;
    e.args[0] = a0;
    e.args[1] = a1;
    return e;
}

SubmitEntry print_entry(uint64_t ptr, uint64_t len) { return entry(UK_OP_DEBUG_PRINT, ptr, len); }

// svc #0 with an arbitrary x8.
int64_t raw_svc(uint64_t x8_value) {
    register uint64_t x0 asm("x0") = 0;
    register uint64_t x1 asm("x1") = 0;
    register uint64_t x2 asm("x2") = 0;
    register uint64_t x8 asm("x8") = x8_value;
    asm volatile("svc #0" : "+r"(x0) : "r"(x1), "r"(x2), "r"(x8) : "memory", "cc");
    return static_cast<int64_t>(x0);
}

uint64_t g_rng = 0x243F6A8885A308D3ull;
uint64_t next_random() {
    g_rng ^= g_rng << 13;
    g_rng ^= g_rng >> 7;
    g_rng ^= g_rng << 17;
    return g_rng;
}

char g_big[2048];

void bad_entries() {
    check("unknown opcode 0x7777", run_entry(entry(0x7777)), -UK_ENOSYS);
    check("opcode 0", run_entry(entry(0)), -UK_ENOSYS);
    check("opcode 0xffff", run_entry(entry(0xffff)), -UK_ENOSYS);

    SubmitEntry e = entry(UK_OP_GET_DOMAIN_ID);
    e._reserved = 0xdeadbeef;
    check("nonzero _reserved", run_entry(e), -UK_EINVAL);
    e = entry(UK_OP_GET_DOMAIN_ID);
    e.flags = 0x8000;
    check("unknown submit flag 0x8000", run_entry(e), -UK_EINVAL);
    e.flags = 0xfff8 | flags::NEED_COMPLETION;
    check("unknown submit flags 0xfff9", run_entry(e), -UK_EINVAL);
    e = entry(UK_OP_GET_DOMAIN_ID);
    e.args[3] = 1;
    check("GetDomainId with a nonzero unused arg", run_entry(e), -UK_EINVAL);
    e = print_entry(reinterpret_cast<uintptr_t>("x\n"), 2);
    e.args[2] = 7;
    check("DebugPrint with a nonzero unused arg", run_entry(e), -UK_EINVAL);
}

void bad_prints() {
    const uint64_t big = reinterpret_cast<uintptr_t>(g_big);
    check("DebugPrint length 1025 (limit 1024)", run_entry(print_entry(big, UK_DEBUG_PRINT_MAX + 1)), -UK_EINVAL);
    check("DebugPrint length 2^40", run_entry(print_entry(big, uint64_t{1} << 40)), -UK_EINVAL);
    check("DebugPrint length 2^64-1", run_entry(print_entry(big, ~uint64_t{0})), -UK_EINVAL);
    check("DebugPrint NULL", run_entry(print_entry(0, 8)), -UK_EFAULT);
    check("DebugPrint at 0x1000 (unmapped)", run_entry(print_entry(0x1000, 8)), -UK_EFAULT);
    check("DebugPrint at 0x40000000 (kernel RAM)", run_entry(print_entry(0x4000'0000, 16)), -UK_EFAULT);
    check("DebugPrint at a kernel-half VA", run_entry(print_entry(0xffff'0000'4000'0000, 16)), -UK_EFAULT);
    check("DebugPrint at the EL1-only gateway", run_entry(print_entry(0x7fff'ffff'0000, 16)), -UK_EFAULT);
    check("DebugPrint at an unmapped high VA", run_entry(print_entry(0x7fff'8000'0000, 16)), -UK_EFAULT);
    const uint64_t end = reinterpret_cast<uintptr_t>(__image_end);
    check("DebugPrint across the end of the image", run_entry(print_entry(end - 8, 64)), -UK_EFAULT);
    check("DebugPrint address wrap-around", run_entry(print_entry(~uint64_t{0} - 7, 32)), -UK_EFAULT);
    // Exactly the limit, inside the domain: prints one long line.
    const char kHead[] = "scribbler: a 1024-byte DebugPrint ";
    for (size_t i = 0; i < 1023; ++i) g_big[i] = i < sizeof kHead - 1 ? kHead[i] : '.';
    g_big[1023] = '\n';
    SubmitEntry full = print_entry(big, UK_DEBUG_PRINT_MAX);
    full.flags = flags::NEED_COMPLETION;
    check("DebugPrint length 1024 (ok)", run_entry(full), UK_DEBUG_PRINT_MAX);
}

void no_capability() {
    check("GetTimeNs without the time capability", run_entry(entry(UK_OP_GET_TIME_NS, UK_CLOCK_MONOTONIC)), -UK_EPERM);
    check("time_ns() helper without the time capability", ukernel::time_ns(), -UK_EPERM);
}

void bad_svc() {
    check("svc with x8 = 0", raw_svc(0), -UK_ENOSYS);
    check("svc with x8 = 501", raw_svc(501), -UK_ENOSYS);
    check("svc with x8 = 2^64-1", raw_svc(~uint64_t{0}), -UK_ENOSYS);
}

void bad_indices(int64_t id) {
    Ring& ring = Ring::domain();
    SubmitRing* const r = ring.shared();
    const uint32_t tail = load(&r->submit_tail);
    const uint32_t head = load(&r->submit_head);
    check_true("submit ring idle before index checks", head == tail && ring.queued() == 0);

    const struct {
        const char* what;
        uint32_t head;
    } heads[] = {
        {"submit_head 1000 ahead: SYS_SUBMIT", tail + 1000},
        {"submit_head 65 ahead: SYS_SUBMIT", tail + 65},
        {"submit_head 1 behind: SYS_SUBMIT", tail - 1},
        {"submit_head 2^31 ahead: SYS_SUBMIT", tail + 0x8000'0000u},
    };
    for (const auto& h : heads) {
        store(&r->submit_head, h.head);
        check(h.what, uk_sys_submit(UK_RING_SIZE, 0, 0), -UK_EINVAL);
        check_true("nothing consumed after bad submit_head", load(&r->submit_tail) == tail);
    }
    store(&r->submit_head, tail);

    // complete_tail: the kernel must refuse to trust an impossible value.
    // (Each case starts from the current, consistent indices.)
    const struct {
        const char* what;
        int32_t offset;  // new complete_tail = complete_head + offset
    } tails[] = {
        {"complete_tail 1 ahead of complete_head: SYS_SUBMIT", 1},
        {"complete_tail 65 behind complete_head: SYS_SUBMIT", -65},
        {"complete_tail 2^31 ahead of complete_head: SYS_SUBMIT", INT32_MIN},
    };
    for (const auto& t : tails) {
        const uint32_t chead = load(&r->complete_head);
        const uint32_t ctail = load(&r->complete_tail);
        const uint32_t stail = load(&r->submit_tail);
        check_true("completion ring drained before a complete_tail check", chead == ctail);
        store(&r->complete_tail, chead + static_cast<uint32_t>(t.offset));
        ring.queue(KernelOp::GetDomainId, {}, ++g_tag, flags::NEED_COMPLETION);
        check(t.what, ring.submit(), -UK_EINVAL);
        check_true("nothing consumed after bad complete_tail", load(&r->submit_tail) == stail);
        store(&r->complete_tail, ctail);
        check("pending entry after restoring complete_tail", ring.submit(), 1);
        Completion c;
        check_true("its completion", ring.reap_one(c) && c.user_data == g_tag && c.result == id);
    }

    // The kernel-owned indices: the kernel keeps its own copies, so garbage
    // here changes nothing and is overwritten when the kernel publishes.
    const uint32_t real_tail = load(&r->submit_tail);
    const uint32_t real_chead = load(&r->complete_head);
    store(&r->submit_tail, real_tail + 12345);
    store(&r->complete_head, real_chead - 777);
    SubmitEntry e = entry(UK_OP_GET_DOMAIN_ID);
    e.flags = flags::NEED_COMPLETION;
    e.user_data = ++g_tag;
    r->submissions[real_tail & UK_RING_MASK] = e;
    store(&r->submit_head, real_tail + 1);
    check("SYS_SUBMIT with scribbled submit_tail/complete_head", uk_sys_submit(1, 0, 0), 1);
    check_true("kernel republished submit_tail", load(&r->submit_tail) == real_tail + 1);
    check_true("kernel republished complete_head", load(&r->complete_head) == real_chead + 1);
    const auto& done = r->completions[real_chead & UK_RING_MASK];
    check_true("completion where the kernel's complete_head says", done.user_data == g_tag && done.result == id);
    // Whatever happened, continue from consistent indices.
    store(&r->submit_tail, real_tail + 1);
    store(&r->complete_head, real_chead + 1);
    store(&r->complete_tail, real_chead + 1);

    // to_submit larger than anything pending: the kernel takes what there is.
    const uint32_t base = load(&r->submit_head);
    const uint32_t cbase = load(&r->complete_head);
    for (uint32_t i = 0; i < 2; ++i) {
        SubmitEntry g = entry(UK_OP_GET_DOMAIN_ID);
        g.flags = flags::NEED_COMPLETION;
        g.user_data = 0xB000 + i;
        r->submissions[(base + i) & UK_RING_MASK] = g;
    }
    store(&r->submit_head, base + 2);
    check("SYS_SUBMIT to_submit = 2^64-1 with 2 pending", uk_sys_submit(~uint64_t{0}, 0, 0), 2);
    Completion c[2];
    check("two completions", ring.reap(c, 2), 2);
    check_true("in order, with results",
               c[0].user_data == 0xB000 && c[1].user_data == 0xB001 && c[0].result == id && c[1].result == id);
    check_true("indices advanced by 2", load(&r->submit_tail) == base + 2 && load(&r->complete_head) == cbase + 2);
}

// Whole rings of garbage: every entry must complete with an error and the
// call must consume all 64.
void garbage_rings() {
    Ring& ring = Ring::domain();
    SubmitRing* const r = ring.shared();
    for (int round = 0; round < 2; ++round) {
        const uint32_t head = load(&r->submit_head);
        for (uint32_t i = 0; i < UK_RING_SIZE; ++i) {
            SubmitEntry& slot = r->submissions[(head + i) & UK_RING_MASK];
            auto* words = reinterpret_cast<uint64_t*>(&slot);
            for (size_t w = 0; w < sizeof(SubmitEntry) / 8; ++w) words[w] = next_random();
            if (round == 0) {
                if (slot._reserved == 0) slot._reserved = 1;  // fully random: -EINVAL
            } else {
                // Random opcodes and arguments, valid header: anything but
                // the two ops that would end or pause this test.
                slot._reserved = 0;
                slot.flags &= 0x7;
                if (slot.opcode == UK_OP_DOMAIN_EXIT || slot.opcode == UK_OP_YIELD) slot.opcode = 0x7777;
                if (slot.args[0] == 0) slot.args[0] = 1;
                if (slot.args[4] == 0) slot.args[4] = 1;
            }
            slot.user_data = 0xA000 + i;
        }
        store(&r->submit_head, head + UK_RING_SIZE);
        check(round == 0 ? "64 random entries: SYS_SUBMIT" : "64 random ops: SYS_SUBMIT",
              uk_sys_submit(UK_RING_SIZE, 0, 0), UK_RING_SIZE);
        Completion c[UK_RING_SIZE];
        const uint32_t n = ring.reap(c, UK_RING_SIZE);
        check(round == 0 ? "64 random entries: completions" : "64 random ops: completions", n, UK_RING_SIZE);
        int bad = 0;
        for (uint32_t i = 0; i < n; ++i) {
            if (c[i].user_data != 0xA000 + i || c[i].result >= 0) ++bad;
        }
        check(round == 0 ? "64 random entries: each failed, in order" : "64 random ops: each failed, in order", bad, 0);
    }
}

}  // namespace

int main() {
    ukernel::debug_print("scribbler: start\n");
    const int64_t id = ukernel::domain_id();
    check("GetDomainId = entry x0", id, static_cast<int64_t>(uk_startup_domain_id()));

    bad_entries();
    bad_prints();
    no_capability();
    bad_svc();
    bad_indices(id);
    garbage_rings();

    // The kernel and this domain's ring still work.
    check("GetDomainId after all that", ukernel::domain_id(), id);
    check("Yield after all that", ukernel::yield(), 0);

    if (g_failed == 0) {
        ukernel::printf("scribbler: all %d checks passed\n", g_checks);
        return 0;
    }
    ukernel::printf("scribbler: %d of %d checks failed\n", g_failed, g_checks);
    return 1;
}
