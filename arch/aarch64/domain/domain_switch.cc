// Running native domains: EL1&0 configuration, entering EL0, turning every
// exception a domain causes into a kernel event (kernel/domain/
// domain_manager.h), and switching to whichever domain the event picks.
//
// Context switch = swap the saved register frame: the vectors save EL0's
// registers in a TrapFrame on the kernel stack, the handler copies them into
// the current Domain, copies the next domain's registers into the frame,
// switches the per-domain system registers, and the vectors' eret resumes it.
#include "arch/aarch64/domain/domain_switch.h"

#include <string.h>

#include "arch/aarch64/cpu/sysreg.h"
#include "arch/aarch64/domain/domain_regs.h"
#include "arch/aarch64/domain/gateway_check.h"
#include "arch/aarch64/exceptions/esr.h"
#include "arch/aarch64/gic/gic.h"
#include "arch/aarch64/mmu/page_table.h"
#include "arch/aarch64/cpu/stacks.h"
#include "arch/aarch64/timer/generic_timer.h"
#include "kernel/console/console.h"
#include "kernel/console/format.h"
#include "kernel/cpu/cpu.h"
#include "kernel/cpu/kernel_lock.h"
#include "kernel/domain/domain_manager.h"
#include "kernel/domain/layout.h"

extern "C" [[noreturn]] void uk_enter_frame(uk::arch::TrapFrame* frame);

namespace uk::arch {
namespace {

// hvc immediates used by gateway.S.
constexpr uint32_t kGatewayFromEl0Sync = 1;
constexpr uint32_t kGatewayFromEl1 = 2;
constexpr uint32_t kHvcImmMask = 0xffff;

// HCR_EL2.VM: stage-2 translation for EL1&0.
constexpr uint64_t kHcrVm = 1ull << 0;

// VTCR_EL2: 39-bit IPA (T0SZ = 25) from level 1 (SL0 = 1), WB cacheable
// inner-shareable walks, 4 KiB granule; PS from the CPU; bit 31 RES1.
constexpr uint64_t kVtcrT0sz = 64 - kStage2IpaBits;
constexpr uint64_t kVtcrSl0Level1 = 1ull << 6;
constexpr uint64_t kVtcrIrgn0WbWa = 1ull << 8;
constexpr uint64_t kVtcrOrgn0WbWa = 1ull << 10;
constexpr uint64_t kVtcrSh0Inner = 3ull << 12;
constexpr unsigned kVtcrPsShift = 16;
constexpr uint64_t kVtcrRes1 = 1ull << 31;
constexpr uint64_t kParangeMask = 0xf;
constexpr unsigned kVttbrVmidShift = 48;

// TCR_EL1: 48-bit VA through TTBR0 only (EPD1 disables TTBR1 walks), WB
// cacheable inner-shareable walks, 4 KiB granule.
constexpr uint64_t kTcrT0sz = 64 - mmu::kInputBits;
constexpr uint64_t kTcrIrgn0WbWa = 1ull << 8;
constexpr uint64_t kTcrOrgn0WbWa = 1ull << 10;
constexpr uint64_t kTcrSh0Inner = 3ull << 12;
constexpr uint64_t kTcrEpd1 = 1ull << 23;
// IPS encodings: 0b000 32, 0b001 36, 0b010 40 bits; 40 covers the 39-bit IPA space.
constexpr uint64_t kTcrIps40Bit = 2ull << 32;

// SCTLR_EL1: MMU, D- and I-cache, SP alignment checks, EL0 may read CTR_EL0
// (UCT) and use DC ZVA (DZE), write-implies-XN; RES1 bits 29:28, 23:22, 20, 11.
constexpr uint64_t kSctlrM = 1ull << 0;
constexpr uint64_t kSctlrC = 1ull << 2;
constexpr uint64_t kSctlrSa = 1ull << 3;
constexpr uint64_t kSctlrSa0 = 1ull << 4;
constexpr uint64_t kSctlrI = 1ull << 12;
// nTWI/nTWE: EL0 WFI/WFE are not trapped to EL1, so HCR_EL2.TWI/TWE bring
// them straight to the kernel (an idle or spinning thread gives up the CPU).
constexpr uint64_t kSctlrNtwi = 1ull << 16;
constexpr uint64_t kSctlrNtwe = 1ull << 18;
constexpr uint64_t kSctlrDze = 1ull << 14;
constexpr uint64_t kSctlrUct = 1ull << 15;
constexpr uint64_t kSctlrWxn = 1ull << 19;
constexpr uint64_t kSctlrEl1Res1 = (3ull << 28) | (3ull << 22) | (1ull << 20) | (1ull << 11);

// CPACR_EL1.FPEN = 0: FP/SIMD traps (domains are integer-only, see docs).
constexpr uint64_t kCpacrFpTrap = 0;
// CNTKCTL_EL1.EL0VCTEN: EL0 may read the virtual counter (and CNTFRQ_EL0).
constexpr uint64_t kCntkctlEl0Vcten = 1ull << 1;

// FEAT_FGT (ID_AA64MMFR0_EL1.FGT, bits [59:56]): HFGITR_EL2.SVC_EL0 (bit 52)
// sends EL0's svc straight to EL2, skipping the EL1 gateway hop.
constexpr unsigned kMmfr0FgtShift = 56;
constexpr uint64_t kMmfr0FgtMask = 0xf;
constexpr uint64_t kHfgitrSvcEl0 = 1ull << 52;

// SPSR for EL0t with interrupts unmasked (they are routed to EL2 anyway);
// kSpsrModeMask / kSpsrEl0t (the mode field) are in gateway_check.h.
constexpr uint64_t kSpsrEl0tUnmasked = kSpsrEl0t;
static_assert(UserRegs{}.pstate == kSpsrEl0tUnmasked, "a new thread starts at EL0t");

bool g_fgt_svc = false;
bool g_allow_fgt = true;

// Per core (the registers are banked); the boot CPU reports the choice.
void configure_el1_for_domains(bool report) {
  const uint64_t parange = read_id_aa64mmfr0_el1() & kParangeMask;
  write_vtcr_el2(kVtcrRes1 | kVtcrT0sz | kVtcrSl0Level1 | kVtcrIrgn0WbWa | kVtcrOrgn0WbWa | kVtcrSh0Inner |
                 (parange << kVtcrPsShift));
  write_mair_el1(mmu::kMairValue);
  write_tcr_el1(kTcrT0sz | kTcrIrgn0WbWa | kTcrOrgn0WbWa | kTcrSh0Inner | kTcrEpd1 | kTcrIps40Bit);
  write_sctlr_el1(kSctlrEl1Res1 | kSctlrM | kSctlrC | kSctlrSa | kSctlrSa0 | kSctlrI | kSctlrNtwi | kSctlrNtwe | kSctlrDze |
                  kSctlrUct | kSctlrWxn);
  write_vbar_el1(domain_layout::kGatewayBase);
  write_cpacr_el1(kCpacrFpTrap);
  write_cntkctl_el1(kCntkctlEl0Vcten);
  write_hcr_el2(read_hcr_el2() | kHcrVm);
  if (g_allow_fgt && ((read_id_aa64mmfr0_el1() >> kMmfr0FgtShift) & kMmfr0FgtMask) != 0) {
    write_hfgitr_el2(kHfgitrSvcEl0);
    g_fgt_svc = true;
    if (report) kprintf("domains: svc trapped to EL2 directly (FEAT_FGT)\n");
  } else if (report) {
    kprintf("domains: svc through the EL1 gateway\n");
  }
  isb();
}

void load_translation(const Domain& d) {
  write_vttbr_el2((static_cast<uint64_t>(vmid(d.address_space)) << kVttbrVmidShift) | stage2_root(d.address_space));
  write_ttbr0_el1(stage1_root(d.address_space));
  isb();
}

// Registers move lazily between the trap frame and Thread::regs. On entry
// only what the kernel reads or changes is copied (x0..x8: the svc arguments
// and number; pc, pstate); the rest stays in the frame. If the same thread
// resumes, only x0 (the result), pc and pstate go back. Only a switch copies
// the whole register file: the rest of the old thread's out of the frame,
// then all of the new one's in.
constexpr int kEntryRegs = 9;  // x0..x8
constexpr int kGprs = 31;      // x0..x30

// Copies registers [first, last) two at a time (ldp/stp; the compiler keeps
// a counted loop of pairs rather than a call).
inline void copy_regs(uint64_t* to, const uint64_t* from, int first, int last) {
  int i = first;
  for (; i + 1 < last; i += 2) {
    const uint64_t a = from[i];
    const uint64_t b = from[i + 1];
    to[i] = a;
    to[i + 1] = b;
  }
  if (i < last) to[i] = from[i];
}

void save_regs(Thread& d, const TrapFrame& f, uint64_t pc, uint64_t pstate) {
  copy_regs(d.regs.x, f.x, 0, kEntryRegs);
  d.regs.pc = pc;
  d.regs.pstate = pstate;
}

// The registers save_regs left in the frame and in EL0's system registers.
void save_rest(Thread& d, const TrapFrame& f) {
  copy_regs(d.regs.x, f.x, kEntryRegs, kGprs);
  d.regs.sp = read_sp_el0();
  d.regs.tpidr = read_tpidr_el0();
}

void restore_regs(const Thread& d, TrapFrame& f) {
  copy_regs(f.x, d.regs.x, 0, kGprs);
  f.elr = d.regs.pc;
  f.spsr = d.regs.pstate;
  write_sp_el0(d.regs.sp);
  write_tpidr_el0(d.regs.tpidr);
  // The thread's core, readable at EL0 (uk_current_cpu, docs/abi.md).
  write_tpidrro_el0(d.cpu);
}

// Makes `next` this core's running thread in `frame` and arms the timer.
// `entered` is true when `frame` holds this core's current thread (an
// exception from it), false for the very first entry.
void resume(Thread& next, TrapFrame& frame, bool entered) {
  Cpu& cpu = this_cpu();
  Thread* previous = cpu.current;
  if (entered && &next == previous) {
    frame.x[0] = next.regs.x[0];
    frame.elr = next.regs.pc;
    frame.spsr = next.regs.pstate;
  } else {
    if (entered && previous != nullptr) save_rest(*previous, frame);
    if (previous == nullptr || next.domain != previous->domain) load_translation(*next.domain);
    cpu.current = &next;
    restore_regs(next, frame);
  }
  if (!timer_needs_rearm()) return;  // the fast path: nothing changed
  const uint64_t deadline = next_timer_deadline(next);
  if (deadline != 0) {
    timer_set_deadline(deadline);
  } else {
    timer_cancel();
  }
}

DomainFault fault_from(uint64_t esr, uint64_t far, uint64_t pc, char* detail, unsigned detail_cap) {
  DomainFault f;
  f.cause = exception_class_name(esr);
  f.pc = pc;
  f.address = far;
  f.address_valid = esr_is_abort(esr) || esr_class(esr) == ExceptionClass::kPcAlignment ||
                    esr_class(esr) == ExceptionClass::kSpAlignment;
  f.detail = esr_is_abort(esr) ? abort_status_text(esr, detail, detail_cap) : "";
  return f;
}

// An exception EL0 took to EL1, forwarded by the gateway.
Thread* forwarded_from_el0(Thread& d, const TrapFrame& frame) {
  const uint64_t esr = read_esr_el1();
  const uint64_t elr = read_elr_el1();
  save_regs(d, frame, elr, read_spsr_el1());
  if (esr_class(esr) == ExceptionClass::kSvc64) return thread_on_svc(d, esr_imm16(esr));
  if (esr_class(esr) == ExceptionClass::kWfx) {
    d.regs.pc += 4;  // ELR_EL1 points at the WFI/WFE itself
    return thread_on_idle(d);
  }
  char detail[64];
  return thread_on_fault(d, fault_from(esr, read_far_el1(), elr, detail, sizeof detail));
}

Thread* lower_el_sync(Thread& d, TrapFrame& frame) {
  const ExceptionClass ec = esr_class(frame.esr);
  if (ec == ExceptionClass::kHvc64) {
    const uint32_t imm = esr_iss(frame.esr) & kHvcImmMask;
    if (imm == kGatewayFromEl0Sync) return forwarded_from_el0(d, frame);
    save_regs(d, frame, read_elr_el1(), read_spsr_el1());
    DomainFault f;
    f.cause = imm == kGatewayFromEl1 ? "exception inside the EL1 gateway" : "unexpected exception at EL1";
    f.pc = read_elr_el1();
    f.address_valid = false;
    return thread_on_fault(d, f);
  }
  // Taken directly to EL2 from EL0: svc under FEAT_FGT, WFI/WFE traps and
  // stage-2 aborts.
  save_regs(d, frame, frame.elr, frame.spsr);
  if (ec == ExceptionClass::kSvc64) {
    // A fine-grained trap of svc reports the svc itself in ELR_EL2 (unlike
    // a normal svc exception): resume after it.
    d.regs.pc += 4;
    return thread_on_svc(d, esr_imm16(frame.esr));
  }
  if (ec == ExceptionClass::kWfx) {
    d.regs.pc += 4;  // resume after the WFI/WFE once the domain runs again
    return thread_on_idle(d);
  }
  char detail[80];
  DomainFault f = fault_from(frame.esr, frame.far, frame.elr, detail, sizeof detail - 16);
  if (esr_is_abort(frame.esr)) {
    // Stage 2 refused the access: report the intermediate physical address too.
    constexpr unsigned kHpfarFipaShift = 4;
    constexpr unsigned kIpaPageShift = 12;
    const uint64_t ipa = ((read_hpfar_el2() >> kHpfarFipaShift) << kIpaPageShift) | (frame.far & (kPageSize - 1));
    format(detail + strlen(detail), 16, ", stage 2");
    f.detail = detail;
    f.address = ipa;
    f.address_kind = "IPA";
  }
  return thread_on_fault(d, f);
}

}  // namespace

void allow_direct_svc_trap(bool allow) { g_allow_fgt = allow; }

void prepare_domains_on_this_core(bool report) { configure_el1_for_domains(report); }

void enter_scheduler() {
  Cpu& cpu = this_cpu();
  // The first entry frame sits at the top of this core's stack (the boot
  // code left room for it above its own frames); exceptions from the domain
  // then start just above it.
  auto* frame = reinterpret_cast<TrapFrame*>(cpu_stack_top(cpu.index) - sizeof(TrapFrame));
  kernel_lock();
  Thread& first = cpu_first_thread();
  resume(first, *frame, /*entered=*/false);
  __atomic_store_n(&cpu.at_el0, 1u, __ATOMIC_RELEASE);
  kernel_unlock();
  uk_enter_frame(frame);
}

void handle_lower_el_exception(TrapFrame& frame, VectorKind kind) {
  Cpu& cpu = this_cpu();
  __atomic_store_n(&cpu.at_el0, 0u, __ATOMIC_RELEASE);
  kernel_lock();
  Thread& current = *cpu.current;
  Thread* next = &current;
  switch (kind) {
    case VectorKind::kLower64Sync:
      next = lower_el_sync(current, frame);
      break;
    case VectorKind::kLower64Irq:
    case VectorKind::kLower64Fiq:
      save_regs(current, frame, frame.elr, frame.spsr);
      if ((frame.spsr & kSpsrModeMask) != kSpsrEl0t) {
        const uint64_t spsr_el1 = read_spsr_el1();
        if (classify_el1_interrupt(frame.elr, spsr_el1) == El1Interrupt::kGatewayBroken) {
          // EL1 is looping on a missing or broken gateway: no EL0 exception
          // of this domain can reach the kernel any more. Stop it, or it
          // would be resumed at EL0 and fall into the loop forever.
          gic_handle_irq();
          DomainFault f;
          f.cause = "exception loop at EL1 (svc gateway missing or broken)";
          f.pc = frame.elr;
          f.address_valid = false;
          next = thread_on_fault(current, f);
          break;
        }
        // Interrupted inside the EL1 gateway, between the EL0 exception and
        // its hvc. The EL1 exception registers would be overwritten by the
        // next domain's gateway entry, so undo the hop: resume at EL0 where
        // the exception came from (re-executing an svc).
        const bool svc = esr_class(read_esr_el1()) == ExceptionClass::kSvc64;
        current.regs.pc = read_elr_el1() - (svc ? 4 : 0);
        current.regs.pstate = spsr_el1;
      }
      gic_handle_irq();
      next = thread_on_interrupt(current);
      break;
    default: {
      save_regs(current, frame, frame.elr, frame.spsr);
      DomainFault f;
      f.cause = kind == VectorKind::kLower64SError ? "SError (asynchronous external abort)" : "AArch32 exception";
      f.pc = frame.elr;
      f.address_valid = false;
      next = thread_on_fault(current, f);
      break;
    }
  }
  resume(*next, frame, /*entered=*/true);
  __atomic_store_n(&cpu.at_el0, 1u, __ATOMIC_RELEASE);
  kernel_unlock();
}

}  // namespace uk::arch
