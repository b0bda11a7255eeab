#include "arch/aarch64/cpu/rndr.h"

#include "arch/aarch64/cpu/sysreg.h"

namespace uk::arch {
namespace {
// ID_AA64ISAR0_EL1.RNDR, bits [63:60]: 0b0001 = RNDR and RNDRRS implemented.
constexpr unsigned kIsar0RndrShift = 60;
constexpr uint64_t kIsar0RndrMask = 0xf;
// RNDR may fail transiently (NZCV.Z set); retry a bounded number of times.
constexpr int kRetries = 16;
}  // namespace

bool rndr_available() { return ((read_id_aa64isar0_el1() >> kIsar0RndrShift) & kIsar0RndrMask) >= 1; }

bool rndr_read(uint64_t* out) {
  for (int i = 0; i < kRetries; ++i) {
    uint64_t value;
    uint64_t ok;
    // RNDR is S3_3_C2_C4_0; success leaves NZCV.Z clear.
    asm volatile(
        "mrs %0, s3_3_c2_c4_0\n"
        "cset %1, ne"
        : "=r"(value), "=r"(ok)
        :
        : "cc");
    if (ok) {
      *out = value;
      return true;
    }
  }
  return false;
}

}  // namespace uk::arch
