#include "bsp/common/pl011.h"

#include "arch/aarch64/cpu/mmio.h"

namespace uk::bsp {
namespace {

using arch::mmio_read32;
using arch::mmio_write32;

constexpr uint64_t kDr = 0x00;
constexpr uint64_t kFr = 0x18;
constexpr uint64_t kIbrd = 0x24;
constexpr uint64_t kFbrd = 0x28;
constexpr uint64_t kLcrH = 0x2c;
constexpr uint64_t kCr = 0x30;
constexpr uint64_t kImsc = 0x38;
constexpr uint64_t kIcr = 0x44;
constexpr uint32_t kFrTxFull = 1u << 5;
constexpr uint32_t kFrRxEmpty = 1u << 4;
constexpr uint32_t kFrBusy = 1u << 3;
constexpr uint32_t kLcrHFifoEnable = 1u << 4;
constexpr uint32_t kLcrHWordLength8 = 3u << 5;
constexpr uint32_t kCrUartEnable = 1u << 0;
constexpr uint32_t kCrTxEnable = 1u << 8;
constexpr uint32_t kCrRxEnable = 1u << 9;
constexpr uint32_t kAllInterrupts = 0x7ff;
// The baud divisor is clock / (16 * baud) with a 6-bit fraction.
constexpr uint32_t kFractionBits = 6;

uint64_t g_base = 0;

void put(char c) {
  while (mmio_read32(g_base + kFr) & kFrTxFull) {
  }
  mmio_write32(g_base + kDr, static_cast<uint8_t>(c));
}

}  // namespace

void pl011_init(const Pl011Config& config) {
  g_base = config.base;
  if (config.clock_hz == 0 || config.baud == 0) return;
  while (mmio_read32(g_base + kFr) & kFrBusy) {
  }
  mmio_write32(g_base + kCr, 0);
  // 64 * clock / (16 * baud), rounded to nearest: (8 * clock / baud + 1) / 2.
  const uint32_t div64 = static_cast<uint32_t>((8ull * config.clock_hz / config.baud + 1) / 2);
  mmio_write32(g_base + kIbrd, div64 >> kFractionBits);
  mmio_write32(g_base + kFbrd, div64 & ((1u << kFractionBits) - 1));
  mmio_write32(g_base + kLcrH, kLcrHWordLength8 | kLcrHFifoEnable);
  mmio_write32(g_base + kImsc, 0);
  mmio_write32(g_base + kIcr, kAllInterrupts);
  mmio_write32(g_base + kCr, kCrUartEnable | kCrTxEnable | kCrRxEnable);
}

void pl011_write(const char* text, size_t length) {
  if (g_base == 0) return;
  for (size_t i = 0; i < length; ++i) {
    if (text[i] == '\n') put('\r');
    put(text[i]);
  }
}

}  // namespace uk::bsp

namespace uk::bsp {

bool pl011_poll_char(char* out) {
  if (g_base == 0 || (arch::mmio_read32(g_base + kFr) & kFrRxEmpty) != 0) return false;
  *out = static_cast<char>(arch::mmio_read32(g_base + kDr) & 0xff);
  return true;
}

}  // namespace uk::bsp
