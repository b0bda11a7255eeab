// The AArch64 EL0 pieces of the ring client and the thread runtime: the
// SYS_SUBMIT system call, the ring lock's wait loop and the thread pointer.
//
// SYS_SUBMIT from EL0: svc #0 with x8 = SYS_SUBMIT, x0..x2 = to_submit,
// min_complete, flags; x0 returns entries consumed or -errno. The kernel
// preserves every other register, so x0 is the only output. "memory": the
// kernel reads the ring and writes completions and indices during the call.
#include <ukernel/ring.h>
#include <ukernel/thread.h>

extern "C" int64_t uk_sys_submit(uint64_t to_submit, uint64_t min_complete, uint64_t flags) noexcept {
    register uint64_t x0 asm("x0") = to_submit;
    register uint64_t x1 asm("x1") = min_complete;
    register uint64_t x2 asm("x2") = flags;
    register uint64_t x8 asm("x8") = UK_SYS_SUBMIT;
    asm volatile("svc #0" : "+r"(x0) : "r"(x1), "r"(x2), "r"(x8) : "memory", "cc");
    return static_cast<int64_t>(x0);
}

// How many times a thread found the ring lock taken (Ring::lock's slow
// path). Updated while holding the lock, so plain increments are exact.
namespace {
uint64_t g_lock_waits = 0;
constexpr unsigned kWfeRounds = 4;
}  // namespace

extern "C" uint64_t uk_ring_lock_wait_count(void) noexcept { return __atomic_load_n(&g_lock_waits, __ATOMIC_RELAXED); }

// The ring lock is taken (Ring::lock's exchange returned 1): an exchange
// loop (load-acquire exclusive, store exclusive of 1) that waits while the
// word is 1. The load-acquire exclusive arms the exclusive monitor, so on a
// CPU where WFE really sleeps the releasing store (another thread's, or the
// kernel's unlock_va store) ends the wait; a lost race retries.
// ukernel sets HCR_EL2.TWE and TWI: EL0 WFE and WFI trap to the kernel,
// which treats them as Yield, so the CPU goes to another ready thread,
// typically the lock holder. The architecture traps WFE only when it would
// sleep, and QEMU's TCG does not implement the WFE trap at all (there WFE
// is a no-op; WFI does trap): after kWfeRounds WFEs each round uses WFI,
// which gives the CPU away everywhere.
extern "C" void uk_ring_lock_wait(uint32_t* word) noexcept {
    unsigned rounds = 0;
    for (;;) {
        uint32_t value;
        uint32_t failed = 1;
        asm volatile(
            "    ldaxr   %w[value], [%[word]]\n"
            "    cbnz    %w[value], 1f\n"
            "    stxr    %w[failed], %w[one], [%[word]]\n"
            "1:\n"
            : [value] "=&r"(value), [failed] "+&r"(failed)
            : [word] "r"(word), [one] "r"(1u)
            : "memory", "cc");
        if (value == 0 && failed == 0) break;  // 0 -> 1 by us: taken
        if (value == 0) continue;              // lost the exclusive: retry at once
        if (rounds < kWfeRounds) {
            ++rounds;
            asm volatile("wfe" ::: "memory");
        } else {
            asm volatile("wfi" ::: "memory");
        }
    }
    ++g_lock_waits;
}

// TPIDR_EL0 (readable and writable at EL0): ThreadCreate's `tls`.
extern "C" uintptr_t uk_thread_pointer(void) noexcept {
    uintptr_t tp;
    asm volatile("mrs %0, tpidr_el0" : "=r"(tp));
    return tp;
}
