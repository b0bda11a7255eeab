// EL2 exception vectors. Every slot saves the complete general-register state
// into a TrapFrame (see trap_frame.h) on the current stack and calls
// uk_handle_exception(frame, kind); on return the state is restored and the
// exception returns to wherever ELR_EL2/SPSR_EL2 now point.

.equ FRAME_SIZE, 288
.equ FRAME_ELR,  248
.equ FRAME_SPSR, 256
.equ FRAME_SP,   264
.equ FRAME_ESR,  272

.macro VECTOR kind
    .balign 0x80
    sub     sp, sp, #FRAME_SIZE
    stp     x0, x1, [sp, #0]
    mov     x1, #\kind
    b       trap_common
.endm

.section .text.vectors, "ax"
.balign 0x800
.global uk_el2_vectors
uk_el2_vectors:
    VECTOR 0
    VECTOR 1
    VECTOR 2
    VECTOR 3
    VECTOR 4
    VECTOR 5
    VECTOR 6
    VECTOR 7
    VECTOR 8
    VECTOR 9
    VECTOR 10
    VECTOR 11
    VECTOR 12
    VECTOR 13
    VECTOR 14
    VECTOR 15

trap_common:
    stp     x2, x3, [sp, #16]
    stp     x4, x5, [sp, #32]
    stp     x6, x7, [sp, #48]
    stp     x8, x9, [sp, #64]
    stp     x10, x11, [sp, #80]
    stp     x12, x13, [sp, #96]
    stp     x14, x15, [sp, #112]
    stp     x16, x17, [sp, #128]
    stp     x18, x19, [sp, #144]
    stp     x20, x21, [sp, #160]
    stp     x22, x23, [sp, #176]
    stp     x24, x25, [sp, #192]
    stp     x26, x27, [sp, #208]
    stp     x28, x29, [sp, #224]
    mrs     x2, elr_el2
    stp     x30, x2, [sp, #240]
    mrs     x2, spsr_el2
    add     x3, sp, #FRAME_SIZE
    stp     x2, x3, [sp, #FRAME_SPSR]
    mrs     x2, esr_el2
    mrs     x3, far_el2
    stp     x2, x3, [sp, #FRAME_ESR]
    // Link the frame chain through the interrupted code for backtraces.
    mov     x29, sp
    add     x29, x29, #224 + 8             // &frame.x[29]: holds caller fp, then x30 (lr)
    mov     x0, sp
    bl      uk_handle_exception

trap_return:
    ldp     x2, x3, [sp, #FRAME_ELR]       // elr, spsr (handler may have changed them)
    msr     elr_el2, x2
    msr     spsr_el2, x3
    ldp     x2, x3, [sp, #16]
    ldp     x4, x5, [sp, #32]
    ldp     x6, x7, [sp, #48]
    ldp     x8, x9, [sp, #64]
    ldp     x10, x11, [sp, #80]
    ldp     x12, x13, [sp, #96]
    ldp     x14, x15, [sp, #112]
    ldp     x16, x17, [sp, #128]
    ldp     x18, x19, [sp, #144]
    ldp     x20, x21, [sp, #160]
    ldp     x22, x23, [sp, #176]
    ldp     x24, x25, [sp, #192]
    ldp     x26, x27, [sp, #208]
    ldp     x28, x29, [sp, #224]
    ldr     x30, [sp, #240]
    ldp     x0, x1, [sp, #0]
    add     sp, sp, #FRAME_SIZE
    eret

// uk_enter_frame(frame): resumes the context in a TrapFrame that sits at the
// top of the kernel stack (the first entry into a domain). Exceptions from
// the domain then start with sp = frame + FRAME_SIZE.
.global uk_enter_frame
uk_enter_frame:
    mov     sp, x0
    b       trap_return
