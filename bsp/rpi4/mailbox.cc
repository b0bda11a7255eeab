#include "bsp/rpi4/mailbox.h"

#include "arch/aarch64/cpu/mmio.h"
#include "arch/aarch64/cpu/sysreg.h"
#include "bsp/rpi4/bcm2711_regs.h"

namespace uk::bsp::rpi4 {
namespace {

using arch::mmio_read32;
using arch::mmio_write32;

constexpr uint64_t kTimeoutMs = 500;
// If CNTFRQ_EL0 was never programmed, assume the Pi 4's 54 MHz crystal.
constexpr uint64_t kFallbackCounterHz = 54000000;

uint64_t dcache_line_bytes() {
  uint64_t ctr;
  asm volatile("mrs %0, ctr_el0" : "=r"(ctr));
  return 4ull << ((ctr >> 16) & 0xf);  // CTR_EL0.DminLine: log2(words)
}

// Clean and invalidate [start, start + size) to the point of coherency. With
// the data cache off this still matters: a loader may have left dirty lines
// over this memory, which must not be written back over the firmware's answer.
void clean_invalidate(const void* start, uint64_t size) {
  const uint64_t line = dcache_line_bytes();
  const uint64_t begin = reinterpret_cast<uint64_t>(start) & ~(line - 1);
  const uint64_t end = reinterpret_cast<uint64_t>(start) + size;
  for (uint64_t a = begin; a < end; a += line) asm volatile("dc civac, %0" : : "r"(a) : "memory");
  arch::dsb_sy();
}

class Deadline {
 public:
  Deadline() {
    uint64_t hz = arch::read_cntfrq_el0();
    if (hz == 0) hz = kFallbackCounterHz;
    start_ = arch::read_cntpct_el0();
    ticks_ = hz / 1000 * kTimeoutMs;
  }
  [[nodiscard]] bool expired() const { return arch::read_cntpct_el0() - start_ > ticks_; }

 private:
  uint64_t start_ = 0;
  uint64_t ticks_ = 0;
};

}  // namespace

Status mailbox_property_call(uint64_t base, PropertyMessage& msg) {
  if (!msg.close()) return Errno::kInval;
  const uint64_t phys = reinterpret_cast<uint64_t>(msg.words());
  if (phys + msg.size_bytes() > kVcBusRamWindow) return Errno::kInval;
  const uint32_t bus = static_cast<uint32_t>(kVcBusRamAlias | phys);

  // Drop answers nobody collected (e.g. from a loader that gave up waiting).
  for (int i = 0; i < 64 && (mmio_read32(base + kMbox0Status) & kMboxStatusEmpty) == 0; ++i) {
    (void)mmio_read32(base + kMbox0Read);
  }

  clean_invalidate(msg.words(), msg.size_bytes());
  const Deadline deadline;
  while (mmio_read32(base + kMbox1Status) & kMboxStatusFull) {
    if (deadline.expired()) return Errno::kTimedOut;
  }
  mmio_write32(base + kMbox1Write, bus | kMboxChannelProperty);

  for (;;) {
    while (mmio_read32(base + kMbox0Status) & kMboxStatusEmpty) {
      if (deadline.expired()) return Errno::kTimedOut;
    }
    const uint32_t word = mmio_read32(base + kMbox0Read);
    if ((word & kMboxChannelMask) == kMboxChannelProperty && (word & ~kMboxChannelMask) == bus) break;
  }
  // The VideoCore wrote the answer to memory behind the caches: discard any
  // line the CPU may have (speculatively) fetched meanwhile.
  clean_invalidate(msg.words(), msg.size_bytes());
  return msg.answered() ? kOkStatus : Status(Errno::kIo);
}

}  // namespace uk::bsp::rpi4
