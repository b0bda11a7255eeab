// The BCM2711's RNG200 hardware random number generator, as an entropy
// source for the kernel's ChaCha20 generator (kernel/random).
#pragma once

#include <stdint.h>

#include "kernel/random/entropy.h"

namespace uk::bsp::rpi4 {

// Starts the generator at `base` (from the device tree) and checks that it
// delivers data; false if it does not (then the kernel falls back to jitter).
[[nodiscard]] bool rng200_start(uint64_t base);
[[nodiscard]] random::EntropySource rng200_source();

}  // namespace uk::bsp::rpi4
