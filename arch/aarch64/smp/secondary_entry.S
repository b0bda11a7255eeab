// Where a secondary core starts (PSCI CPU_ON or a spin-table release): at
// EL2, MMU and caches off, any x0. It finds its entry in uk_smp_boot by its
// MPIDR (the boot CPU wrote the table and cleaned it to memory), turns on the
// boot CPU's EL2 stage-1 settings, takes its stack and enters C++
// (uk_secondary_main(cpu)). A core with no entry, or not at EL2, parks.
// Offsets: arch/aarch64/smp/smp.cc (static_asserts on SmpBoot).

.equ BOOT_MAIR,    0
.equ BOOT_TCR,     8
.equ BOOT_TTBR0,   16
.equ BOOT_SCTLR,   24
.equ BOOT_VBAR,    32
.equ BOOT_COUNT,   40
.equ BOOT_ENTRIES, 64
.equ ENTRY_MPIDR,  0
.equ ENTRY_STACK,  8
.equ ENTRY_CPU,    16
.equ ENTRY_SIZE,   32
.equ CURRENT_EL2,  (2 << 2)
// MPIDR_EL1 affinity Aff3 [39:32] and Aff2..Aff0 [23:0].
.equ MPIDR_AFF_LOW, 0xffffff
// Room left above the C++ frames for the first entry frame (TrapFrame, 288 bytes).
.equ ENTRY_FRAME_RESERVE, 512

.section .text, "ax"
.global uk_secondary_entry
uk_secondary_entry:
    msr     daifset, #0xf
    msr     spsel, #1                     // sp is SP_EL2, whatever the firmware left
    mrs     x1, CurrentEL
    cmp     x1, #CURRENT_EL2
    b.ne    park
    mrs     x1, mpidr_el1
    lsr     x2, x1, #32
    and     x2, x2, #0xff
    and     x1, x1, #MPIDR_AFF_LOW
    orr     x1, x1, x2, lsl #32           // affinity as the device tree writes it
    adrp    x3, uk_smp_boot
    add     x3, x3, :lo12:uk_smp_boot
    ldr     x4, [x3, #BOOT_COUNT]
    add     x5, x3, #BOOT_ENTRIES
1:  cbz     x4, park
    ldr     x6, [x5, #ENTRY_MPIDR]
    cmp     x6, x1
    b.eq    2f
    add     x5, x5, #ENTRY_SIZE
    sub     x4, x4, #1
    b       1b
2:  // The boot CPU's EL2 translation regime, then caches on.
    ic      iallu
    tlbi    alle2
    dsb     sy
    ldr     x6, [x3, #BOOT_MAIR]
    msr     mair_el2, x6
    ldr     x6, [x3, #BOOT_TCR]
    msr     tcr_el2, x6
    ldr     x6, [x3, #BOOT_TTBR0]
    msr     ttbr0_el2, x6
    isb
    ldr     x6, [x3, #BOOT_SCTLR]
    msr     sctlr_el2, x6
    isb
    ldr     x6, [x3, #BOOT_VBAR]
    msr     vbar_el2, x6
    ldr     x0, [x5, #ENTRY_CPU]
    msr     tpidr_el2, x0                 // this_cpu()
    ldr     x6, [x5, #ENTRY_STACK]
    sub     sp, x6, #ENTRY_FRAME_RESERVE
    isb
    mov     x29, xzr
    mov     x30, xzr
    bl      uk_secondary_main
park:
    wfe
    b       park
