// bench_partner: the other side of bench's domain_switch phase. Yields
// BENCH_N + 8 times (a margin for the start-up order), prints nothing in
// between, exits 0. With bench and bench_partner alone in an image, each of
// bench's Yields switches to this domain and this domain's Yield switches
// back: two domain switches per bench Yield.
// Capabilities: yield exit (debug for the final line).
#include <ukernel/ring.h>

#ifndef BENCH_N
#define BENCH_N 1000
#endif

int main() {
    ukernel::Ring& ring = ukernel::Ring::domain();
    for (uint32_t i = 0; i < BENCH_N + 8; ++i) {
        ring.queue(ukernel::sys::KernelOp::Yield, {}, i, 0);
        ring.submit();
    }
    ukernel::debug_print("bench_partner: done\n");
    return 0;
}
