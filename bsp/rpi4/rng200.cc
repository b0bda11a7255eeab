#include "bsp/rpi4/rng200.h"

#include "arch/aarch64/cpu/mmio.h"

namespace uk::bsp::rpi4 {
namespace {

using arch::mmio_read32;
using arch::mmio_write32;

// RNG200 registers (offsets from the block's base).
constexpr uint64_t kCtrl = 0x00;
constexpr uint64_t kTotalBitCountThreshold = 0x10;
constexpr uint64_t kFifoData = 0x20;
constexpr uint64_t kFifoCount = 0x24;
constexpr uint32_t kCtrlRbgEnable = 1u << 0;
// Sample clock divider field [14:13]: the value the firmware-less start-up
// uses on the BCM2711.
constexpr uint32_t kCtrlDiv = 3u << 13;
constexpr uint32_t kWarmUpBits = 0x40000;
constexpr uint32_t kFifoCountMask = 0xff;
// Bounded wait for data: a missing or differently-modelled block must not
// hang the boot (QEMU's raspi4b models the older BCM2835 RNG here).
constexpr int kPollLimit = 100000;

uint64_t g_base = 0;

bool read_word(uint32_t* out) {
  for (int i = 0; i < kPollLimit; ++i) {
    if ((mmio_read32(g_base + kFifoCount) & kFifoCountMask) != 0) {
      *out = mmio_read32(g_base + kFifoData);
      return true;
    }
  }
  return false;
}

size_t read(void*, uint8_t* out, size_t len) {
  size_t done = 0;
  while (done < len) {
    uint32_t word;
    if (!read_word(&word)) break;
    for (int i = 0; i < 4 && done < len; ++i) out[done++] = static_cast<uint8_t>(word >> (8 * i));
  }
  return done;
}

}  // namespace

bool rng200_start(uint64_t base) {
  g_base = base;
  if ((mmio_read32(base + kCtrl) & kCtrlRbgEnable) == 0) {
    mmio_write32(base + kTotalBitCountThreshold, kWarmUpBits);
    mmio_write32(base + kCtrl, kCtrlDiv | kCtrlRbgEnable);
  }
  uint32_t probe;
  return read_word(&probe);
}

random::EntropySource rng200_source() {
  return random::EntropySource{.name = "RNG200", .quality = random::EntropyQuality::kHardware, .read = read};
}

}  // namespace uk::bsp::rpi4
