// FEAT_RNG: the RNDR register returns 64 bits from the CPU's hardware
// random source (QEMU -cpu max has it; the Cortex-A72 does not).
#pragma once

#include <stdint.h>

namespace uk::arch {

[[nodiscard]] bool rndr_available();
// One 64-bit value; false if the hardware could not produce one in time.
[[nodiscard]] bool rndr_read(uint64_t* out);

}  // namespace uk::arch
