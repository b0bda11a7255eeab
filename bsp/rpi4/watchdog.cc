#include "bsp/rpi4/watchdog.h"

#include "arch/aarch64/cpu/mmio.h"
#include "arch/aarch64/cpu/sysreg.h"
#include "bsp/rpi4/bcm2711_regs.h"

namespace uk::bsp::rpi4 {
namespace {

using arch::mmio_read32;
using arch::mmio_write32;

// ~16 us per tick: expire after ~250 us.
constexpr uint32_t kWatchdogTicks = 16;
constexpr uint64_t kWaitMs = 100;

void restart_into(uint64_t base, unsigned partition) {
  mmio_write32(base + kPmRsts, rsts_with_partition(mmio_read32(base + kPmRsts), partition));
  mmio_write32(base + kPmWdog, kPmPassword | (kWatchdogTicks & kPmWdogTimeMask));
  mmio_write32(base + kPmRstc, rstc_full_reset(mmio_read32(base + kPmRstc)));
  arch::dsb_sy();
  const uint64_t hz = arch::read_cntfrq_el0() != 0 ? arch::read_cntfrq_el0() : 54000000;
  const uint64_t start = arch::read_cntpct_el0();
  while (arch::read_cntpct_el0() - start < hz / 1000 * kWaitMs) {
  }
}

}  // namespace

// Partition 0: the firmware boots normally.
void watchdog_reset(uint64_t base) { restart_into(base, 0); }

void watchdog_power_off(uint64_t base) { restart_into(base, kPmHaltPartition); }

}  // namespace uk::bsp::rpi4
