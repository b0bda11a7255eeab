// Host builds of the ring client (unit tests): portable stand-ins for the
// AArch64 pieces in syscall_aarch64.cc. uk_sys_submit comes from the test
// (a fake kernel).
#include <ukernel/ring.h>
#include <ukernel/thread.h>

// Host tests are single-threaded: a taken lock means a bug in the client
// (a lock leaked, or taken twice). Spin a while, then stop loudly.
namespace {
uint64_t g_lock_waits = 0;
}

extern "C" void uk_ring_lock_wait(uint32_t* word) noexcept {
    for (unsigned long spins = 0; __atomic_exchange_n(word, 1u, __ATOMIC_ACQUIRE) != 0; ++spins) {
        if (spins > 100000000ul) __builtin_trap();
    }
    ++g_lock_waits;
}

extern "C" uint64_t uk_ring_lock_wait_count(void) noexcept { return g_lock_waits; }

// What TPIDR_EL0 would hold; tests set it (weak: a test may define its own).
extern "C" {
uintptr_t uk_host_thread_pointer = 0;
__attribute__((weak)) uintptr_t uk_thread_pointer(void) noexcept { return uk_host_thread_pointer; }
}
