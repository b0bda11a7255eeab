// BCM2711 register facts used by the Pi 4 BSP, as constants and pure field
// helpers (host-tested). Sources: the BCM2711 ARM Peripherals document
// (GPIO chapter, "GPIO_PUP_PDN_CNTRL" registers), the VideoCore mailbox
// description on the Raspberry Pi firmware wiki, and the PM (power
// management) block's watchdog registers as described for the BCM2835
// family. Offsets are from the block base the device tree gives.
#pragma once

#include <stdint.h>

namespace uk::bsp::rpi4 {

// ---- GPIO ("brcm,bcm2711-gpio") --------------------------------------------

inline constexpr unsigned kGpioPinCount = 58;

// GPFSEL0..5: 3 bits per pin, 10 pins per register.
enum class GpioFunction : uint32_t {
  kInput = 0b000,
  kOutput = 0b001,
  kAlt0 = 0b100,
  kAlt1 = 0b101,
  kAlt2 = 0b110,
  kAlt3 = 0b111,
  kAlt4 = 0b011,
  kAlt5 = 0b010,
};
inline constexpr uint64_t kGpfsel0 = 0x00;
[[nodiscard]] constexpr uint64_t gpfsel_offset(unsigned pin) { return kGpfsel0 + 4 * (pin / 10); }
[[nodiscard]] constexpr unsigned gpfsel_shift(unsigned pin) { return 3 * (pin % 10); }
[[nodiscard]] constexpr uint32_t gpfsel_update(uint32_t reg, unsigned pin, GpioFunction f) {
  const unsigned shift = gpfsel_shift(pin);
  return (reg & ~(0x7u << shift)) | (static_cast<uint32_t>(f) << shift);
}
[[nodiscard]] constexpr GpioFunction gpfsel_get(uint32_t reg, unsigned pin) {
  return static_cast<GpioFunction>((reg >> gpfsel_shift(pin)) & 0x7u);
}

// GPIO_PUP_PDN_CNTRL_REG0..3 (BCM2711 only; the BCM2835's GPPUD/GPPUDCLK
// sequence is gone): 2 bits per pin, 16 pins per register.
enum class GpioPull : uint32_t {
  kNone = 0b00,
  kUp = 0b01,
  kDown = 0b10,
};
inline constexpr uint64_t kGpioPupPdnCntrl0 = 0xe4;
[[nodiscard]] constexpr uint64_t pull_offset(unsigned pin) { return kGpioPupPdnCntrl0 + 4 * (pin / 16); }
[[nodiscard]] constexpr unsigned pull_shift(unsigned pin) { return 2 * (pin % 16); }
[[nodiscard]] constexpr uint32_t pull_update(uint32_t reg, unsigned pin, GpioPull p) {
  const unsigned shift = pull_shift(pin);
  return (reg & ~(0x3u << shift)) | (static_cast<uint32_t>(p) << shift);
}

// UART0 (PL011) signals: ALT0 on GPIO 14 (TXD) / 15 (RXD), the 40-pin
// header's pins 8 and 10. The firmware's default device tree wires UART0 to
// the Bluetooth module instead: ALT3 on GPIO 32 (TXD) / 33 (RXD).
inline constexpr unsigned kUart0TxdPin = 14;
inline constexpr unsigned kUart0RxdPin = 15;
inline constexpr unsigned kBluetoothUartTxdPin = 32;
inline constexpr unsigned kBluetoothUartRxdPin = 33;

// ---- VideoCore mailbox ("brcm,bcm2835-mbox") -------------------------------

// Mailbox 0 is VideoCore -> ARM (read), mailbox 1 is ARM -> VideoCore (write).
inline constexpr uint64_t kMbox0Read = 0x00;
inline constexpr uint64_t kMbox0Status = 0x18;
inline constexpr uint64_t kMbox1Write = 0x20;
inline constexpr uint64_t kMbox1Status = 0x38;
inline constexpr uint32_t kMboxStatusFull = 1u << 31;
inline constexpr uint32_t kMboxStatusEmpty = 1u << 30;
// A mailbox word is a 16-byte aligned bus address with the channel in bits 3:0.
inline constexpr uint32_t kMboxChannelMask = 0xf;
inline constexpr uint32_t kMboxChannelProperty = 8;  // property tags, ARM to VideoCore
// The VideoCore sees ARM RAM [0, 1 GiB) at bus address 0xC0000000 (the
// uncached alias; the BCM2711 device tree's /soc dma-ranges say the same).
inline constexpr uint64_t kVcBusRamAlias = 0xc0000000;
inline constexpr uint64_t kVcBusRamWindow = 0x40000000;

// ---- PM block and its watchdog ("brcm,bcm2711-pm", reg[0]) -----------------

inline constexpr uint64_t kPmRstc = 0x1c;  // reset control
inline constexpr uint64_t kPmRsts = 0x20;  // reset status: also the partition to boot after reset
inline constexpr uint64_t kPmWdog = 0x24;  // watchdog counter (ticks of ~16 us)
// Every write to a PM register must carry this in bits 31:24.
inline constexpr uint32_t kPmPassword = 0x5a000000;
inline constexpr uint32_t kPmPasswordMask = 0xff000000;
// RSTC.WRCFG (bits 5:4): what the watchdog does when it expires; 0b10 = full reset.
inline constexpr uint32_t kPmRstcWrcfgMask = 0x00000030;
inline constexpr uint32_t kPmRstcWrcfgFullReset = 0x00000020;
inline constexpr uint32_t kPmWdogTimeMask = 0x000fffff;
// The boot firmware reads a 6-bit "partition" back from RSTS after a reset,
// stored in its even bits (partition bit i in RSTS bit 2i). Partition 63 is
// the convention (shared with Linux) for "halt": the firmware does not boot
// again but stays in its low-power halt state.
inline constexpr unsigned kPmHaltPartition = 63;
[[nodiscard]] constexpr uint32_t rsts_partition_bits(unsigned partition) {
  uint32_t bits = 0;
  for (unsigned i = 0; i < 6; ++i) bits |= ((partition >> i) & 1u) << (2 * i);
  return bits;
}
inline constexpr uint32_t kPmRstsPartitionMask = rsts_partition_bits(63);
static_assert(kPmRstsPartitionMask == 0x555);
// The RSTS value to write so the next boot sees `partition`.
[[nodiscard]] constexpr uint32_t rsts_with_partition(uint32_t rsts, unsigned partition) {
  return kPmPassword | (rsts & ~kPmPasswordMask & ~kPmRstsPartitionMask) | rsts_partition_bits(partition);
}
// The RSTC value that arms a full reset when the watchdog counter expires.
[[nodiscard]] constexpr uint32_t rstc_full_reset(uint32_t rstc) {
  return kPmPassword | (rstc & ~kPmPasswordMask & ~kPmRstcWrcfgMask) | kPmRstcWrcfgFullReset;
}

}  // namespace uk::bsp::rpi4
