#include "arch/aarch64/exceptions/esr.h"

#include "kernel/console/format.h"

namespace uk::arch {

const char* exception_class_name(uint64_t esr) {
  switch (esr_class(esr)) {
    case ExceptionClass::kUnknown: return "Unknown reason (undefined instruction)";
    case ExceptionClass::kWfx: return "WFI/WFE trapped";
    case ExceptionClass::kFpAccess: return "FP/SIMD access trapped";
    case ExceptionClass::kIllegalState: return "Illegal execution state";
    case ExceptionClass::kSvc64: return "SVC from AArch64";
    case ExceptionClass::kHvc64: return "HVC from AArch64";
    case ExceptionClass::kSmc64: return "SMC from AArch64";
    case ExceptionClass::kSysReg: return "MSR/MRS/system instruction trapped";
    case ExceptionClass::kSve: return "SVE access trapped";
    case ExceptionClass::kInstrAbortLower: return "Instruction abort from a lower exception level";
    case ExceptionClass::kInstrAbortSame: return "Instruction abort from the same exception level";
    case ExceptionClass::kPcAlignment: return "PC alignment fault";
    case ExceptionClass::kDataAbortLower: return "Data abort from a lower exception level";
    case ExceptionClass::kDataAbortSame: return "Data abort from the same exception level";
    case ExceptionClass::kSpAlignment: return "SP alignment fault";
    case ExceptionClass::kSError: return "SError interrupt";
    case ExceptionClass::kBreakpointLower: return "Breakpoint from a lower exception level";
    case ExceptionClass::kBreakpointSame: return "Breakpoint from the same exception level";
    case ExceptionClass::kStepLower: return "Software step from a lower exception level";
    case ExceptionClass::kStepSame: return "Software step from the same exception level";
    case ExceptionClass::kWatchpointLower: return "Watchpoint from a lower exception level";
    case ExceptionClass::kWatchpointSame: return "Watchpoint from the same exception level";
    case ExceptionClass::kBrk64: return "BRK instruction";
  }
  return "Unrecognised exception class";
}

const char* abort_status_text(uint64_t esr, char* buf, unsigned cap) {
  const unsigned fsc = static_cast<unsigned>(esr & kAbortFscMask);
  const unsigned level = fsc & 3;
  const char* kind = nullptr;
  switch (fsc >> 2) {
    case 0: kind = "address size fault"; break;
    case 1: kind = "translation fault"; break;
    case 2: kind = "access flag fault"; break;
    case 3: kind = "permission fault"; break;
    default: break;
  }
  const bool write = (esr & kAbortWnR) != 0;
  if (kind != nullptr) {
    format(buf, cap, "%s, level %u%s", kind, level, write ? ", on write" : "");
  } else if (fsc == 0x10) {
    format(buf, cap, "synchronous external abort%s", write ? ", on write" : "");
  } else if (fsc == 0x21) {
    format(buf, cap, "alignment fault%s", write ? ", on write" : "");
  } else {
    format(buf, cap, "fault status 0x%02x%s", fsc, write ? ", on write" : "");
  }
  return buf;
}

}  // namespace uk::arch
