// Reset and power-off through the BCM2711 PM block's watchdog: arm the
// watchdog with a few ticks and let it expire into a full chip reset. For
// power-off the reset is first tagged with the "halt" partition (63) in
// PM_RSTS, which the boot firmware honours by not booting again (the Pi 4
// then sits in its low-power halt state; QEMU's raspi4b exits).
#pragma once

#include <stdint.h>

namespace uk::bsp::rpi4 {

// `base`: CPU physical address of the PM block (reg[0] of "brcm,bcm2711-pm").
// Each returns only if the reset did not happen within 100 ms.
void watchdog_reset(uint64_t base);
void watchdog_power_off(uint64_t base);

}  // namespace uk::bsp::rpi4
