// EL2 exception dispatch and the panic report for exceptions taken from EL2
// itself (always a kernel bug).
#include "arch/aarch64/cpu/sysreg.h"
#include "arch/aarch64/domain/domain_switch.h"
#include "arch/aarch64/exceptions/backtrace.h"
#include "arch/aarch64/exceptions/esr.h"
#include "arch/aarch64/exceptions/trap_frame.h"
#include "arch/aarch64/gic/gic.h"
#include "kernel/console/console.h"
#include "kernel/platform.h"

namespace uk::arch {
namespace {

const char* vector_name(VectorKind kind) {
  static const char* const kNames[] = {
      "synchronous (EL2, SP_EL0)", "IRQ (EL2, SP_EL0)", "FIQ (EL2, SP_EL0)", "SError (EL2, SP_EL0)",
      "synchronous (EL2)",         "IRQ (EL2)",         "FIQ (EL2)",         "SError (EL2)",
      "synchronous (lower EL, AArch64)", "IRQ (lower EL, AArch64)", "FIQ (lower EL, AArch64)",
      "SError (lower EL, AArch64)", "synchronous (lower EL, AArch32)", "IRQ (lower EL, AArch32)",
      "FIQ (lower EL, AArch32)", "SError (lower EL, AArch32)",
  };
  const auto index = static_cast<uint64_t>(kind);
  return index < sizeof kNames / sizeof kNames[0] ? kNames[index] : "unknown vector";
}

[[noreturn]] void panic_report(const TrapFrame& f, VectorKind kind) {
  irq_disable();
  char fault[64];
  kprintf("\n*** KERNEL PANIC: %s exception at EL2\n", vector_name(kind));
  kprintf("  Exception class: %s (EC 0x%02lx)\n", exception_class_name(f.esr),
          static_cast<unsigned long>((f.esr >> kEsrEcShift) & kEsrEcMask));
  if (esr_is_abort(f.esr)) kprintf("  Fault: %s\n", abort_status_text(f.esr, fault, sizeof fault));
  const uint64_t base = kernel_image_base();
  kprintf("  ESR_EL2  0x%016lx\n", static_cast<unsigned long>(f.esr));
  kprintf("  FAR_EL2  0x%016lx\n", static_cast<unsigned long>(f.far));
  kprintf("  ELR_EL2  0x%016lx (kernel+0x%lx)\n", static_cast<unsigned long>(f.elr),
          static_cast<unsigned long>(f.elr - base));
  kprintf("  SPSR_EL2 0x%016lx\n", static_cast<unsigned long>(f.spsr));
  kprintf("  SP       0x%016lx\n", static_cast<unsigned long>(f.sp));
  for (int i = 0; i < 31; i += 2) {
    if (i == 30) {
      kprintf("  x30 0x%016lx\n", static_cast<unsigned long>(f.x[30]));
    } else {
      kprintf("  x%-2d 0x%016lx  x%-2d 0x%016lx\n", i, static_cast<unsigned long>(f.x[i]), i + 1,
              static_cast<unsigned long>(f.x[i + 1]));
    }
  }
  print_backtrace(f.elr, f.x[29]);
  platform_halt_after_panic();
}

}  // namespace
}  // namespace uk::arch

extern "C" void uk_handle_exception(uk::arch::TrapFrame* frame, uk::arch::VectorKind kind) {
  using uk::arch::VectorKind;
  switch (kind) {
    case VectorKind::kCurrentSpxIrq:
      uk::arch::gic_handle_irq();
      return;
    case VectorKind::kLower64Sync:
    case VectorKind::kLower64Irq:
    case VectorKind::kLower64Fiq:
    case VectorKind::kLower64SError:
    case VectorKind::kLower32Sync:
    case VectorKind::kLower32Irq:
    case VectorKind::kLower32Fiq:
    case VectorKind::kLower32SError:
      uk::arch::handle_lower_el_exception(*frame, kind);
      return;
    default:
      uk::arch::panic_report(*frame, kind);
  }
}
