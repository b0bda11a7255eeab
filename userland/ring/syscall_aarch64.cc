// SYS_SUBMIT from EL0: svc #0 with x8 = SYS_SUBMIT, x0..x2 = to_submit,
// min_complete, flags; x0 returns entries consumed or -errno. The kernel
// preserves every other register, so x0 is the only output. "memory": the
// kernel reads the ring and writes completions and indices during the call.
#include <ukernel/ring.h>

extern "C" int64_t uk_sys_submit(uint64_t to_submit, uint64_t min_complete, uint64_t flags) noexcept {
    register uint64_t x0 asm("x0") = to_submit;
    register uint64_t x1 asm("x1") = min_complete;
    register uint64_t x2 asm("x2") = flags;
    register uint64_t x8 asm("x8") = UK_SYS_SUBMIT;
    asm volatile("svc #0" : "+r"(x0) : "r"(x1), "r"(x2), "r"(x8) : "memory", "cc");
    return static_cast<int64_t>(x0);
}
