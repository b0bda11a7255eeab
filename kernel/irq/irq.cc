#include "kernel/irq/irq.h"

#include "kernel/console/console.h"

namespace uk {
namespace {

struct Slot {
  IrqHandler handler = nullptr;
  void* context = nullptr;
};

// Only the SGIs, PPIs and the first SPIs are ever used by the kernel; a flat
// table indexed by INTID keeps dispatch O(1).
constexpr uint32_t kTableSize = 256;
Slot g_table[kTableSize];
uint64_t g_unhandled = 0;

}  // namespace

Status irq_register(uint32_t intid, IrqHandler handler, void* context) {
  if (intid >= kTableSize || handler == nullptr) return Errno::kInval;
  if (g_table[intid].handler != nullptr) return Errno::kBusy;
  g_table[intid] = Slot{handler, context};
  return kOkStatus;
}

void irq_dispatch(uint32_t intid) {
  if (intid < kTableSize && g_table[intid].handler != nullptr) {
    g_table[intid].handler(intid, g_table[intid].context);
    return;
  }
  ++g_unhandled;
  kprintf("irq: interrupt %u has no handler\n", intid);
}

uint64_t irq_spurious_count() { return g_unhandled; }

}  // namespace uk
