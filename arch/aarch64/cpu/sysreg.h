// Named accessors for the AArch64 system registers the kernel touches. Each
// register gets read_<name>() / write_<name>(); the field constants live next
// to the code that uses them (mmu, timer, gic, ...).
#pragma once

#include <stdint.h>

namespace uk::arch {

#define UK_SYSREG_READ(fn, reg)                           \
  [[nodiscard]] inline uint64_t read_##fn() {             \
    uint64_t value;                                       \
    asm volatile("mrs %0, " #reg : "=r"(value));          \
    return value;                                         \
  }
#define UK_SYSREG_WRITE(fn, reg) \
  inline void write_##fn(uint64_t value) { asm volatile("msr " #reg ", %0" : : "r"(value) : "memory"); }
#define UK_SYSREG_RW(fn, reg) UK_SYSREG_READ(fn, reg) UK_SYSREG_WRITE(fn, reg)

UK_SYSREG_READ(current_el, CurrentEL)
UK_SYSREG_READ(midr_el1, midr_el1)
UK_SYSREG_READ(mpidr_el1, mpidr_el1)
UK_SYSREG_READ(id_aa64mmfr0_el1, id_aa64mmfr0_el1)
UK_SYSREG_READ(id_aa64isar0_el1, id_aa64isar0_el1)
UK_SYSREG_READ(id_aa64mmfr1_el1, id_aa64mmfr1_el1)
UK_SYSREG_READ(id_aa64pfr0_el1, id_aa64pfr0_el1)

// EL2 control and translation.
UK_SYSREG_RW(hcr_el2, hcr_el2)
UK_SYSREG_RW(sctlr_el2, sctlr_el2)
UK_SYSREG_RW(tcr_el2, tcr_el2)
UK_SYSREG_RW(ttbr0_el2, ttbr0_el2)
UK_SYSREG_RW(mair_el2, mair_el2)
UK_SYSREG_RW(vbar_el2, vbar_el2)
UK_SYSREG_RW(vtcr_el2, vtcr_el2)
UK_SYSREG_RW(vttbr_el2, vttbr_el2)
UK_SYSREG_RW(cptr_el2, cptr_el2)
UK_SYSREG_RW(mdcr_el2, mdcr_el2)
UK_SYSREG_RW(hstr_el2, hstr_el2)
UK_SYSREG_RW(elr_el2, elr_el2)
UK_SYSREG_RW(spsr_el2, spsr_el2)
UK_SYSREG_READ(esr_el2, esr_el2)
UK_SYSREG_READ(far_el2, far_el2)
UK_SYSREG_READ(hpfar_el2, hpfar_el2)
UK_SYSREG_RW(tpidr_el2, tpidr_el2)

// FEAT_FGT: fine-grained traps of EL0/EL1 instructions to EL2.
UK_SYSREG_RW(hfgitr_el2, S3_4_C1_C1_6)

// A domain's EL1 and EL0 state (switched per domain by the kernel).
UK_SYSREG_RW(sctlr_el1, sctlr_el1)
UK_SYSREG_RW(tcr_el1, tcr_el1)
UK_SYSREG_RW(mair_el1, mair_el1)
UK_SYSREG_RW(ttbr0_el1, ttbr0_el1)
UK_SYSREG_RW(vbar_el1, vbar_el1)
UK_SYSREG_RW(cpacr_el1, cpacr_el1)
UK_SYSREG_RW(cntkctl_el1, cntkctl_el1)
UK_SYSREG_READ(esr_el1, esr_el1)
UK_SYSREG_READ(far_el1, far_el1)
UK_SYSREG_READ(elr_el1, elr_el1)
UK_SYSREG_READ(spsr_el1, spsr_el1)
UK_SYSREG_RW(sp_el0, sp_el0)
UK_SYSREG_RW(tpidr_el0, tpidr_el0)
UK_SYSREG_RW(tpidrro_el0, tpidrro_el0)

// Generic timer.
UK_SYSREG_READ(cntfrq_el0, cntfrq_el0)
UK_SYSREG_READ(cntpct_el0, cntpct_el0)
UK_SYSREG_RW(cnthp_ctl_el2, cnthp_ctl_el2)
UK_SYSREG_RW(cnthp_cval_el2, cnthp_cval_el2)
UK_SYSREG_RW(cnthctl_el2, cnthctl_el2)
UK_SYSREG_RW(cntvoff_el2, cntvoff_el2)

// GICv3 CPU interface (system-register access).
UK_SYSREG_RW(icc_sre_el2, S3_4_C12_C9_5)
UK_SYSREG_RW(icc_sre_el1, S3_0_C12_C12_5)
UK_SYSREG_RW(icc_pmr_el1, S3_0_C4_C6_0)
UK_SYSREG_RW(icc_bpr1_el1, S3_0_C12_C12_3)
UK_SYSREG_RW(icc_ctlr_el1, S3_0_C12_C12_4)
UK_SYSREG_RW(icc_igrpen1_el1, S3_0_C12_C12_7)
UK_SYSREG_READ(icc_iar1_el1, S3_0_C12_C12_0)
UK_SYSREG_WRITE(icc_eoir1_el1, S3_0_C12_C12_1)
UK_SYSREG_WRITE(icc_sgi1r_el1, S3_0_C12_C11_5)

#undef UK_SYSREG_READ
#undef UK_SYSREG_WRITE
#undef UK_SYSREG_RW

inline void isb() { asm volatile("isb" ::: "memory"); }
inline void dsb_sy() { asm volatile("dsb sy" ::: "memory"); }
inline void dsb_ish() { asm volatile("dsb ish" ::: "memory"); }
inline void dsb_ishst() { asm volatile("dsb ishst" ::: "memory"); }
inline void wfi() { asm volatile("wfi" ::: "memory"); }
inline void wfe() { asm volatile("wfe" ::: "memory"); }
inline void sev() { asm volatile("sev" ::: "memory"); }
inline void irq_enable() { asm volatile("msr daifclr, #2" ::: "memory"); }
inline void irq_disable() { asm volatile("msr daifset, #2" ::: "memory"); }

// CurrentEL holds the exception level in bits [3:2].
inline constexpr unsigned kCurrentElShift = 2;
[[nodiscard]] inline unsigned current_el() { return static_cast<unsigned>(read_current_el() >> kCurrentElShift) & 3; }

}  // namespace uk::arch
