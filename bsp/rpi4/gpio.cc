#include "bsp/rpi4/gpio.h"

#include "arch/aarch64/cpu/mmio.h"

namespace uk::bsp::rpi4 {

using arch::mmio_read32;
using arch::mmio_write32;

void gpio_set_function(uint64_t base, unsigned pin, GpioFunction function) {
  if (pin >= kGpioPinCount) return;
  const uint64_t reg = base + gpfsel_offset(pin);
  mmio_write32(reg, gpfsel_update(mmio_read32(reg), pin, function));
}

GpioFunction gpio_function(uint64_t base, unsigned pin) {
  if (pin >= kGpioPinCount) return GpioFunction::kInput;
  return gpfsel_get(mmio_read32(base + gpfsel_offset(pin)), pin);
}

void gpio_set_pull(uint64_t base, unsigned pin, GpioPull pull) {
  if (pin >= kGpioPinCount) return;
  const uint64_t reg = base + pull_offset(pin);
  mmio_write32(reg, pull_update(mmio_read32(reg), pin, pull));
}

}  // namespace uk::bsp::rpi4
