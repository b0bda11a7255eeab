// A tiny EL0 domain for the image tests: prints one line through the ring
// (DebugPrint), then ends itself (DomainExit 0). Entered with x0 = domain id,
// x1 = RING_VADDR (kernel/domain/layout.h); see docs/abi.md for the ring.
    .text
    .globl _start
    .type _start, %function
_start:
    add     x2, x1, #64             // submissions[0]
    mov     w3, #0x0F00             // opcode DebugPrint, flags 0
    str     w3, [x2]
    adrp    x3, message
    add     x3, x3, :lo12:message
    str     x3, [x2, #8]            // args[0] = buf_ptr
    mov     x3, #message_len
    str     x3, [x2, #16]           // args[1] = buf_len
    add     x2, x1, #128            // submissions[1]
    mov     w3, #0x1000             // opcode DomainExit
    str     w3, [x2]
    mov     w3, #2
    stlr    w3, [x1]                // submit_head = 2 (release)
1:  mov     x8, #500                // SYS_SUBMIT
    svc     #0
    b       1b                      // DomainExit does not return; if the kernel
                                    // has not consumed it yet, submit again

    .section .rodata
message:
    .ascii  "hello from a packed domain\n"
    .set    message_len, . - message

    // A writable segment on its own page (W^X), with some bss.
    .data
    .balign 4096
counter:
    .quad   0
    .bss
    .balign 16
scratch:
    .skip   8192
