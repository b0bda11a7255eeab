#include "arch/aarch64/boot/el2_setup.h"

#include "arch/aarch64/cpu/sysreg.h"

namespace uk::arch {
namespace {

// HCR_EL2 fields.
constexpr uint64_t kHcrFmo = 1ull << 3;   // physical FIQs to EL2
constexpr uint64_t kHcrImo = 1ull << 4;   // physical IRQs to EL2
constexpr uint64_t kHcrAmo = 1ull << 5;   // SErrors to EL2
constexpr uint64_t kHcrTwi = 1ull << 13;  // trap WFI: an idle domain gives the CPU back
constexpr uint64_t kHcrTwe = 1ull << 14;  // trap WFE
constexpr uint64_t kHcrTsc = 1ull << 19;  // trap SMC: domains never reach firmware
constexpr uint64_t kHcrRw = 1ull << 31;   // EL1 is AArch64

// CPTR_EL2 (non-VHE): bits 13:12, 9 and 7:0 are RES1; TZ (bit 8, also in the
// RES1 mask here) traps SVE; TFP (bit 10) clear lets lower levels use FP/SIMD.
constexpr uint64_t kCptrRes1 = 0x33ff;

}  // namespace

void el2_setup() {
  write_hcr_el2(kHcrRw | kHcrImo | kHcrFmo | kHcrAmo | kHcrTwi | kHcrTwe | kHcrTsc);
  write_cptr_el2(kCptrRes1);
  write_hstr_el2(0);
  isb();
}

}  // namespace uk::arch
