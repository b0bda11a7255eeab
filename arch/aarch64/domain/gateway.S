// The EL1 svc gateway: the only code a native domain's EL1 ever runs. Every
// exception EL0 takes to EL1 (svc, aborts, undefined instructions, FP traps)
// lands here and is forwarded to the kernel with `hvc`; the immediate says
// which vector it came from. The kernel reads ESR_EL1/ELR_EL1/SPSR_EL1/
// FAR_EL1 and returns straight to EL0, never back here.
//
// The page is mapped read-only and EL1-executable into every domain (the
// same physical page); it holds nothing but these vectors.

.equ GATEWAY_FROM_EL0_SYNC, 1   // svc or fault from EL0
.equ GATEWAY_FROM_EL1,      2   // the gateway itself faulted (kernel bug)
.equ GATEWAY_UNEXPECTED,    3   // an asynchronous exception reached EL1 (routing bug)

.macro GATE imm
    .balign 0x80
    hvc     #\imm
1:  b       1b
.endm

.section .text.gateway, "ax"
.balign 4096
.global uk_gateway_page
uk_gateway_page:
    GATE GATEWAY_FROM_EL1        // current EL, SP_EL0: sync
    GATE GATEWAY_UNEXPECTED
    GATE GATEWAY_UNEXPECTED
    GATE GATEWAY_UNEXPECTED
    GATE GATEWAY_FROM_EL1        // current EL, SP_ELx: sync
    GATE GATEWAY_UNEXPECTED
    GATE GATEWAY_UNEXPECTED
    GATE GATEWAY_UNEXPECTED
    GATE GATEWAY_FROM_EL0_SYNC   // lower EL, AArch64: sync (svc, aborts, ...)
    GATE GATEWAY_UNEXPECTED
    GATE GATEWAY_UNEXPECTED
    GATE GATEWAY_UNEXPECTED
    GATE GATEWAY_UNEXPECTED      // lower EL, AArch32: never (EL0 is AArch64 only)
    GATE GATEWAY_UNEXPECTED
    GATE GATEWAY_UNEXPECTED
    GATE GATEWAY_UNEXPECTED
.balign 4096
.global uk_gateway_page_end
uk_gateway_page_end:
