// ops_peer: ops_all's signal partner (domain 2 of the ops_all image). Polls
// with GetDomainId + CheckSignals in one batch (so it sees the
// SIGNAL_PENDING flag on whichever completion carries it), yielding between
// polls, until SIGUSR1 arrives; then answers ops_all (domain 1) with SIGUSR2
// and exits 0, printing
//   ops_peer: got SIGUSR1 (SIGNAL_PENDING seen), answered SIGUSR2: 0
// Without the signal ops (-ENOSYS) it prints "ops_peer: signals not yet
// integrated" and exits 0 (ops_all counts its own checks as pending); if no
// signal comes within 20 s it prints "ops_peer: FAIL ..." and exits 1.
// Capabilities: debug info time yield exit signals; grant: signal ops_all.
#include <ukernel/posix.h>
#include <ukernel/ring.h>

namespace {

constexpr uint64_t kOpsAll = 1;

uk_op poll_op(uint16_t code, uint64_t ud) {
    uk_op o{};
    o.opcode = code;
    o.flags = UK_SUBMIT_NEED_COMPLETION;
    o.user_data = ud;
    return o;
}

}  // namespace

int main() {
    const uint64_t deadline = static_cast<uint64_t>(uk_time_ns(UK_CLOCK_MONOTONIC)) + 20'000'000'000ull;
    const uk_op ops[2] = {poll_op(UK_OP_GET_DOMAIN_ID, 1), poll_op(UK_OP_CHECK_SIGNALS, 2)};
    bool saw_flag = false;
    for (;;) {
        uk_completion out[4];
        const int64_t n = uk_ring_batch(ops, 2, out, 4, nullptr);
        int64_t mask = INT64_MIN;
        for (int64_t i = 0; i < n; ++i) {
            if (out[i].flags & UK_COMPLETE_SIGNAL_PENDING) saw_flag = true;
            if (out[i].user_data == 2) mask = out[i].result;
        }
        if (mask == -UK_ENOSYS) {
            uk_printf("ops_peer: signals not yet integrated\n");
            return 0;
        }
        if (mask < 0) {
            uk_printf("ops_peer: FAIL CheckSignals: %lld\n", static_cast<long long>(mask));
            return 1;
        }
        if (mask != 0) {
            if (mask != static_cast<int64_t>(UK_SIGBIT(UK_SIGUSR1))) {
                uk_printf("ops_peer: FAIL unexpected mask 0x%llx\n", static_cast<unsigned long long>(mask));
                return 1;
            }
            const int64_t answer = uk_kill(kOpsAll, UK_SIGUSR2);
            uk_printf("ops_peer: got SIGUSR1 (SIGNAL_PENDING %s), answered SIGUSR2: %lld\n",
                      saw_flag ? "seen" : "NOT seen", static_cast<long long>(answer));
            return saw_flag && answer == 0 ? 0 : 1;
        }
        if (static_cast<uint64_t>(uk_time_ns(UK_CLOCK_MONOTONIC)) > deadline) {
            uk_printf("ops_peer: FAIL no signal from ops_all within 20 s\n");
            return 1;
        }
        (void)uk_yield();
    }
}
