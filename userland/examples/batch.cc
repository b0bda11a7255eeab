// batch: many operations, one system call.
//  1. Queues 64 ops by hand -- 56 GetDomainId and 8 DebugPrint, all with
//     NEED_COMPLETION -- publishes them with one submit() (one SYS_SUBMIT)
//     and checks every completion: order, user_data and result.
//  2. Ring::batch() with 200 ops: more than the ring holds, so the helper
//     submits several times and reaps in between (back-pressure).
//  3. 64 GetDomainId without NEED_COMPLETION: successes complete silently.
// Prints one summary line per phase; exits 0, or 1 on any mismatch.
// Capabilities: debug info exit.
#include <ukernel/ring.h>

namespace {

using ukernel::Completion;
using ukernel::Op;
using ukernel::Ring;
using ukernel::sys::KernelOp;
namespace flags = ukernel::sys::submit_flags;

constexpr uint32_t kOps = 64;
constexpr uint32_t kPrints = 8;
constexpr uint64_t kPrintTag = 0x1000;

int g_failures = 0;

void mismatch(const char* what, uint32_t i, long long got, long long want) {
    ++g_failures;
    ukernel::printf("batch: MISMATCH %s at %u: got %lld, want %lld\n", what, i, got, want);
}

// Phase 1: every entry written by hand, one SYS_SUBMIT.
void one_submit(Ring& ring, int64_t id) {
    static const char kLines[kPrints][24] = {
        "batch: print 1 of 8\n", "batch: print 2 of 8\n", "batch: print 3 of 8\n", "batch: print 4 of 8\n",
        "batch: print 5 of 8\n", "batch: print 6 of 8\n", "batch: print 7 of 8\n", "batch: print 8 of 8\n",
    };
    uint64_t lengths[kPrints];
    uint32_t print = 0;
    for (uint32_t i = 0; i < kOps; ++i) {
        int slot;
        if (i % 8 == 7) {  // every 8th op is a DebugPrint
            const char* text = kLines[print];
            size_t len = 0;
            while (text[len] != '\0') ++len;
            lengths[print] = len;
            slot = ring.queue(KernelOp::DebugPrint, {reinterpret_cast<uintptr_t>(text), len}, kPrintTag + print,
                              flags::NEED_COMPLETION);
            ++print;
        } else {
            slot = ring.queue(KernelOp::GetDomainId, {}, i, flags::NEED_COMPLETION);
        }
        if (slot < 0) mismatch("queue", i, slot, 0);
    }
    const int64_t consumed = ring.submit();
    if (consumed != kOps) mismatch("SYS_SUBMIT consumed", 0, consumed, kOps);

    Completion done[kOps];
    const uint32_t n = ring.reap(done, kOps);
    if (n != kOps) mismatch("completions", 0, n, kOps);
    print = 0;
    for (uint32_t i = 0; i < n; ++i) {
        const Completion& c = done[i];
        if (i % 8 == 7) {
            if (c.user_data != kPrintTag + print) mismatch("user_data", i, c.user_data, kPrintTag + print);
            if (c.result != static_cast<int64_t>(lengths[print])) mismatch("DebugPrint result", i, c.result, lengths[print]);
            ++print;
        } else {
            if (c.user_data != i) mismatch("user_data", i, c.user_data, i);
            if (c.result != id) mismatch("GetDomainId result", i, c.result, id);
        }
    }
    if (g_failures == 0) ukernel::printf("batch: %u ops in 1 submit, all ok\n", kOps);
}

// Phase 2: the batch helper, with more ops than ring slots.
void helper_batch(Ring& ring, int64_t id) {
    constexpr uint32_t kMany = 200;
    static Op ops[kMany];
    static Completion out[kMany];
    for (uint32_t i = 0; i < kMany; ++i) ops[i] = Op::make(KernelOp::GetDomainId, {}, 5000 + i, flags::NEED_COMPLETION);
    ukernel::BatchStats stats{};
    const int64_t got = ring.batch(ops, kMany, out, kMany, &stats);
    const int before = g_failures;
    if (got != kMany) mismatch("batch() completions", 0, got, kMany);
    for (uint32_t i = 0; i < kMany && i < static_cast<uint64_t>(got); ++i) {
        if (out[i].user_data != 5000 + i) mismatch("batch() user_data", i, out[i].user_data, 5000 + i);
        if (out[i].result != id) mismatch("batch() result", i, out[i].result, id);
    }
    if (stats.consumed != kMany) mismatch("batch() consumed", 0, stats.consumed, kMany);
    if (g_failures == before) {
        ukernel::printf("batch: %u ops in %u submits (batch helper), all ok\n", kMany, stats.submits);
    }
}

// Phase 3: successes without NEED_COMPLETION produce no completion.
void silent(Ring& ring) {
    for (uint32_t i = 0; i < kOps; ++i) ring.queue(KernelOp::GetDomainId, {}, 9000 + i, 0);
    const int64_t consumed = ring.submit();
    const int before = g_failures;
    if (consumed != kOps) mismatch("silent consumed", 0, consumed, kOps);
    if (ring.ready() != 0) mismatch("silent completions", 0, ring.ready(), 0);
    if (g_failures == before) ukernel::printf("batch: %u ops without NEED_COMPLETION, no completions, ok\n", kOps);
}

}  // namespace

int main() {
    Ring& ring = Ring::domain();
    const int64_t id = ukernel::domain_id();
    if (id < 0) {
        ukernel::printf("batch: GetDomainId failed: %lld\n", static_cast<long long>(id));
        return 1;
    }
    one_submit(ring, id);
    helper_batch(ring, id);
    silent(ring);
    if (g_failures != 0) {
        ukernel::printf("batch: %d mismatches\n", g_failures);
        return 1;
    }
    return 0;
}
