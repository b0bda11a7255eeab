// Domain start-up: the kernel enters thread 0 here, at EL0, with
//   x0 = domain id, x1 = RING_VADDR (ring zeroed), sp = stack top.
// Domain programs are linked at a fixed address (domain.ld, non-PIE), so
// there is nothing to relocate. We zero .bss, let __uk_runtime_init record
// the entry values and run the constructors, call main and hand its return
// value to uk_exit (DomainExit through the ring), which does not return.

    .section .text.uk_crt0, "ax"
    .global _start
    .type   _start, %function
_start:
    mov     x29, xzr                      // end of the frame-pointer chain
    mov     x30, xzr
    mov     x9, sp                        // AAPCS64: sp 16-byte aligned
    and     x9, x9, #~15
    mov     sp, x9
    mov     x19, x0                       // domain id (callee-saved from here)
    mov     x20, x1                       // ring address

    // .bss: both ends 16-byte aligned by domain.ld. The kernel hands out
    // fresh zeroed pages, but a loader may share the last file page with
    // .data's tail: do not rely on it.
    adrp    x9, __bss_start
    add     x9, x9, :lo12:__bss_start
    adrp    x10, __bss_end
    add     x10, x10, :lo12:__bss_end
1:  cmp     x9, x10
    b.hs    2f
    stp     xzr, xzr, [x9], #16
    b       1b
2:
    mov     x0, x19
    mov     x1, x20
    bl      __uk_runtime_init             // entry values, .preinit_array, .init_array

    mov     x0, x19                       // main(domain_id, 0)
    mov     x1, xzr
    bl      main
    sxtw    x0, w0                        // int return value -> int64_t exit code
    bl      uk_exit                       // DomainExit; noreturn
    udf     #0                            // not reached
    .size   _start, . - _start
