// Interrupt dispatch: which handler runs for which interrupt ID. The
// architecture layer acknowledges the interrupt, calls irq_dispatch() and
// signals end-of-interrupt; handlers never touch the controller.
#pragma once

#include <stdint.h>

#include "kernel/lib/result.h"

namespace uk {

using IrqHandler = void (*)(uint32_t intid, void* context);

// Interrupt IDs 0..1019 are the architected GIC range.
inline constexpr uint32_t kMaxIntId = 1020;

[[nodiscard]] Status irq_register(uint32_t intid, IrqHandler handler, void* context);
void irq_dispatch(uint32_t intid);
// Interrupts that arrived with no handler; reported by the kernel statistics.
[[nodiscard]] uint64_t irq_spurious_count();

}  // namespace uk
