/*
 * ukernel/runtime.h -- the domain start-up runtime (userland/runtime).
 *
 * Entry (the kernel enters thread 0 at the ELF entry, _start, at EL0):
 *   x0 = domain id, x1 = RING_VADDR (ring zeroed, all indices 0),
 *   sp = top of the stack the kernel allocated. No FP/SIMD.
 * _start (crt0.S) zeroes .bss, records x0/x1, runs .preinit_array and
 * .init_array (C++ constructors), calls main(domain_id, 0) and passes its
 * return value to uk_exit() (DomainExit through the ring).
 *
 * main may be declared int main(void) or, since domains are freestanding,
 * int main(uint64_t domain_id). Static destructors and atexit() handlers are
 * not run: a domain ends with DomainExit.
 */
#ifndef UKERNEL_RUNTIME_H
#define UKERNEL_RUNTIME_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* x0 at entry: this domain's id (no system call; needs no capability). */
uint64_t uk_startup_domain_id(void);
/* x1 at entry: the ring's address (RING_VADDR). */
uint64_t uk_startup_ring_addr(void);

/* The core this thread runs on (0 = the boot CPU). Threads never migrate,
 * so the value is fixed for a thread's life. The kernel keeps it in
 * TPIDRRO_EL0 (EL0-readable, EL0-read-only): no system call. A ukernel
 * extension of the ukernel-sys ABI (docs/abi.md). */
static inline uint32_t uk_current_cpu(void) {
#if defined(__aarch64__)
  uint64_t value;
  __asm__ volatile("mrs %0, tpidrro_el0" : "=r"(value));
  return (uint32_t)value;
#else
  return 0;
#endif
}

/* Prints "abort" through DebugPrint and exits with UK_EXIT_ABORT. */
__attribute__((noreturn)) void uk_abort(void);
#define UK_EXIT_ABORT 134

/* Linker-script symbols (userland/runtime/domain.ld). */
extern char __image_start[], __text_end[], __rodata_end[], __data_start[], __bss_start[], __bss_end[],
    __image_end[];

#ifdef __cplusplus
}
#endif

#endif /* UKERNEL_RUNTIME_H */
