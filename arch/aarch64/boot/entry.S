// Kernel entry: the arm64 Image header, exception-level hand-off, and
// self-relocation. Everything after this runs in C++ (boot_main).
//
// The kernel is linked position-independent at address 0 and applies its own
// R_AARCH64_RELATIVE relocations, so it runs wherever the loader placed it
// (QEMU -kernel, U-Boot booti, the Pi firmware's kernel8.img).

// Image header flags: little endian (bit 0 = 0), 4 KiB pages (bits 2:1 = 1),
// may be placed anywhere in physical memory (bit 3 = 1).
.equ IMAGE_FLAG_PAGE_4K,       (1 << 1)
.equ IMAGE_FLAG_PLACE_ANYWHERE, (1 << 3)
.equ IMAGE_MAGIC,              0x644d5241  // "ARM\x64"

// SCR_EL3: lower levels non-secure, EL2 may use hvc, EL2 is AArch64.
.equ SCR_EL3_NS,  (1 << 0)
.equ SCR_EL3_HCE, (1 << 8)
.equ SCR_EL3_RW,  (1 << 10)
.equ SCR_EL3_FGTEN, (1 << 27)   // EL2 may use the FEAT_FGT registers
.equ ID_AA64MMFR0_FGT_SHIFT, 56
// SPSR: return to EL2h with D, A, I, F masked.
.equ SPSR_EL2H_MASKED, 0x3c9
// SCTLR_EL2 with MMU and caches off; bits 29:28, 23:22, 18, 16, 11, 5:4 are RES1.
.equ SCTLR_EL2_RES1, 0x30c50830
.equ R_AARCH64_RELATIVE, 1027
// Room left at the top of the boot stack for the first entry frame
// (TrapFrame, 288 bytes), which the kernel builds there while still running
// below it (arch/aarch64/domain/domain_switch.cc: enter_scheduler).
.equ ENTRY_FRAME_RESERVE, 512

// The header is split around image_size, which kernel.ld emits itself: a
// PIE cannot hold a link-time constant from another section without a
// dynamic relocation.
.section .text.boot.head, "ax"
.global _start
_start:
    b       primary_entry                 // code0
    .long   0                             // code1
    .quad   0                             // text_offset: loader places us 2 MiB aligned
    // image_size (8 bytes) is placed here by kernel.ld
.section .text.boot, "ax"
    .quad   IMAGE_FLAG_PAGE_4K | IMAGE_FLAG_PLACE_ANYWHERE
    .quad   0                             // res2
    .quad   0                             // res3
    .quad   0                             // res4
    .long   IMAGE_MAGIC
    .long   0                             // res5 (PE header offset: none)

primary_entry:
    msr     daifset, #0xf
    msr     spsel, #1                     // sp is the current EL's own, whatever the loader left
    mov     x19, x0                       // device tree physical address
    mrs     x20, CurrentEL
    lsr     x20, x20, #2

    // Self-relocate: write base + addend at base + offset for each RELATIVE entry.
    adr     x0, _start
    adrp    x1, __rela_start
    add     x1, x1, :lo12:__rela_start
    adrp    x2, __rela_end
    add     x2, x2, :lo12:__rela_end
1:  cmp     x1, x2
    b.hs    2f
    ldp     x3, x4, [x1], #16             // r_offset, r_info
    ldr     x5, [x1], #8                  // r_addend
    cmp     x4, #R_AARCH64_RELATIVE
    b.ne    1b                            // the linker emits nothing else (checked at build time)
    add     x5, x5, x0
    str     x5, [x0, x3]
    b       1b
2:
    // Zero .bss (16-byte aligned by the linker script).
    adrp    x1, __bss_start
    add     x1, x1, :lo12:__bss_start
    adrp    x2, __bss_end
    add     x2, x2, :lo12:__bss_end
3:  cmp     x1, x2
    b.hs    4f
    stp     xzr, xzr, [x1], #16
    b       3b
4:
    adrp    x1, __boot_stack_top
    add     x1, x1, :lo12:__boot_stack_top
    sub     sp, x1, #ENTRY_FRAME_RESERVE
    mov     x29, xzr                      // terminates the frame-pointer chain
    mov     x30, xzr
    mov     x0, x19
    mov     x1, x20
    bl      boot_main                     // at EL3 it comes back through uk_el3_enter_el2
5:  wfe
    b       5b

// uk_el3_enter_el2(dtb): called by boot_main at EL3 once it has done the
// firmware's part (interrupt groups for the non-secure world). Returns to
// boot_main(dtb, 3) at EL2h on a fresh boot stack; never returns here.
.global uk_el3_enter_el2
uk_el3_enter_el2:
    mov     x19, x0
    mov     x1, #(SCR_EL3_NS | SCR_EL3_HCE | SCR_EL3_RW)
    mrs     x2, id_aa64mmfr0_el1
    ubfx    x2, x2, #ID_AA64MMFR0_FGT_SHIFT, #4
    cbz     x2, 7f
    orr     x1, x1, #SCR_EL3_FGTEN
7:  msr     scr_el3, x1
    ldr     x1, =SCTLR_EL2_RES1
    msr     sctlr_el2, x1
    mov     x1, #SPSR_EL2H_MASKED
    msr     spsr_el3, x1
    adr     x1, 6f
    msr     elr_el3, x1
    isb
    eret
6:  adrp    x1, __boot_stack_top
    add     x1, x1, :lo12:__boot_stack_top
    sub     sp, x1, #ENTRY_FRAME_RESERVE
    mov     x29, xzr
    mov     x30, xzr
    mov     x0, x19
    mov     x1, #3
    bl      boot_main
    b       5b
