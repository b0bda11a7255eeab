// bench: the operations behind the figures in docs (bazel run //tests/bench).
// Each phase is bracketed by DebugPrint lines
//     bench-mark: <phase> start
//     bench-mark: <phase> end
// which the kernel side timestamps (QEMU -icount: instructions). Phases:
//   domain_switch  BENCH_N Yields; with bench_partner (which only yields)
//                  in the image, each one is two domain switches
//   null_submit    BENCH_N round trips: 1 GetDomainId (NEED_COMPLETION) per
//                  SYS_SUBMIT, completion reaped
//   batch64        BENCH_N SYS_SUBMITs of 64 GetDomainId each, all 64
//                  completions reaped (64 * BENCH_N ops)
// After each phase it prints the virtual counter delta (CNTVCT_EL0, readable
// at EL0) as "bench: <phase> n=<ops> cntvct=<ticks>". Exits 0, or 1 if any
// result was wrong.
// Capabilities: debug info yield exit.
#include <ukernel/ring.h>

#ifndef BENCH_N
#define BENCH_N 1000
#endif

namespace {

using ukernel::Completion;
using ukernel::Ring;
using ukernel::sys::KernelOp;
namespace flags = ukernel::sys::submit_flags;

constexpr uint32_t kN = BENCH_N;
int g_errors = 0;

uint64_t cntvct() {
    uint64_t v;
    asm volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(v) : : "memory");
    return v;
}

void mark(const char* phase, const char* edge) { ukernel::printf("bench-mark: %s %s\n", phase, edge); }

void report(const char* phase, uint64_t ops, uint64_t ticks) {
    ukernel::printf("bench: %s n=%llu cntvct=%llu\n", phase, static_cast<unsigned long long>(ops),
                    static_cast<unsigned long long>(ticks));
}

void domain_switch(Ring& ring) {
    mark("domain_switch", "start");
    const uint64_t t0 = cntvct();
    for (uint32_t i = 0; i < kN; ++i) {
        ring.queue(KernelOp::Yield, {}, i, flags::NEED_COMPLETION);
        ring.submit();
        Completion c;
        if (!ring.reap_one(c) || c.result != 0) ++g_errors;
    }
    const uint64_t t1 = cntvct();
    mark("domain_switch", "end");
    report("domain_switch", kN, t1 - t0);
}

void null_submit(Ring& ring, int64_t id) {
    mark("null_submit", "start");
    const uint64_t t0 = cntvct();
    for (uint32_t i = 0; i < kN; ++i) {
        ring.queue(KernelOp::GetDomainId, {}, i, flags::NEED_COMPLETION);
        ring.submit();
        Completion c;
        if (!ring.reap_one(c) || c.result != id) ++g_errors;
    }
    const uint64_t t1 = cntvct();
    mark("null_submit", "end");
    report("null_submit", kN, t1 - t0);
}

void batch64(Ring& ring, int64_t id) {
    constexpr uint32_t kBatch = 64;
    Completion c[kBatch];
    mark("batch64", "start");
    const uint64_t t0 = cntvct();
    for (uint32_t i = 0; i < kN; ++i) {
        for (uint32_t j = 0; j < kBatch; ++j) ring.queue(KernelOp::GetDomainId, {}, j, flags::NEED_COMPLETION);
        if (ring.submit() != kBatch) ++g_errors;
        if (ring.reap(c, kBatch) != kBatch || c[kBatch - 1].result != id) ++g_errors;
    }
    const uint64_t t1 = cntvct();
    mark("batch64", "end");
    report("batch64", uint64_t{kN} * kBatch, t1 - t0);
}

}  // namespace

int main() {
    Ring& ring = Ring::domain();
    const int64_t id = ukernel::domain_id();
    ukernel::printf("bench: n=%u per phase (batch64: %u submits of 64)\n", kN, kN);
    domain_switch(ring);
    null_submit(ring, id);
    batch64(ring, id);
    if (g_errors != 0) {
        ukernel::printf("bench: %d wrong results\n", g_errors);
        return 1;
    }
    ukernel::debug_print("bench: done\n");
    return 0;
}
