// ESR_ELx decoding: exception classes and abort status codes in words.
#pragma once

#include <stdint.h>

namespace uk::arch {

inline constexpr unsigned kEsrEcShift = 26;
inline constexpr uint64_t kEsrEcMask = 0x3f;
inline constexpr uint64_t kEsrIssMask = 0x1ffffff;
inline constexpr uint64_t kEsrIl = 1ull << 25;
// Data/instruction abort ISS fields.
inline constexpr uint64_t kAbortFscMask = 0x3f;
inline constexpr uint64_t kAbortWnR = 1ull << 6;
inline constexpr uint64_t kAbortS1ptw = 1ull << 7;
inline constexpr uint64_t kAbortFnV = 1ull << 10;

enum class ExceptionClass : uint8_t {
  kUnknown = 0x00,
  kWfx = 0x01,
  kFpAccess = 0x07,
  kIllegalState = 0x0e,
  kSvc64 = 0x15,
  kHvc64 = 0x16,
  kSmc64 = 0x17,
  kSysReg = 0x18,
  kSve = 0x19,
  kInstrAbortLower = 0x20,
  kInstrAbortSame = 0x21,
  kPcAlignment = 0x22,
  kDataAbortLower = 0x24,
  kDataAbortSame = 0x25,
  kSpAlignment = 0x26,
  kSError = 0x2f,
  kBreakpointLower = 0x30,
  kBreakpointSame = 0x31,
  kStepLower = 0x32,
  kStepSame = 0x33,
  kWatchpointLower = 0x34,
  kWatchpointSame = 0x35,
  kBrk64 = 0x3c,
};

[[nodiscard]] constexpr ExceptionClass esr_class(uint64_t esr) {
  return static_cast<ExceptionClass>((esr >> kEsrEcShift) & kEsrEcMask);
}
[[nodiscard]] constexpr uint32_t esr_iss(uint64_t esr) { return static_cast<uint32_t>(esr & kEsrIssMask); }
// The imm16 of an SVC or HVC (ISS[15:0]); a fine-grained trap of svc
// (HFGITR_EL2.SVC_EL0) reports it the same way.
inline constexpr uint64_t kEsrImm16Mask = 0xffff;
[[nodiscard]] constexpr uint16_t esr_imm16(uint64_t esr) { return static_cast<uint16_t>(esr & kEsrImm16Mask); }
[[nodiscard]] constexpr bool esr_is_abort(uint64_t esr) {
  auto ec = esr_class(esr);
  return ec == ExceptionClass::kInstrAbortLower || ec == ExceptionClass::kInstrAbortSame ||
         ec == ExceptionClass::kDataAbortLower || ec == ExceptionClass::kDataAbortSame;
}

// "Data abort from the same exception level", "SVC from AArch64", ...
[[nodiscard]] const char* exception_class_name(uint64_t esr);
// "translation fault, level 2", "permission fault, level 3", ...; writes into buf.
const char* abort_status_text(uint64_t esr, char* buf, unsigned cap);

}  // namespace uk::arch
