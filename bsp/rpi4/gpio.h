// BCM2711 GPIO block: pin function and pull resistor control (the two things
// the console needs). `base` is the CPU physical address of
// "brcm,bcm2711-gpio" (its device-tree reg stops at 0xb4, but the pull
// registers at 0xe4..0xf0 are in the same page, which the kernel maps).
#pragma once

#include <stdint.h>

#include "bsp/rpi4/bcm2711_regs.h"

namespace uk::bsp::rpi4 {

void gpio_set_function(uint64_t base, unsigned pin, GpioFunction function);
[[nodiscard]] GpioFunction gpio_function(uint64_t base, unsigned pin);
void gpio_set_pull(uint64_t base, unsigned pin, GpioPull pull);

}  // namespace uk::bsp::rpi4
