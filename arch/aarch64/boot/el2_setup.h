// EL2 control registers for a kernel that hosts domains.
#pragma once

#include <stdint.h>

namespace uk::arch {

// The architected INTID of the EL2 physical timer (PPI 10), used when the
// device tree's timer node does not list it.
inline constexpr uint32_t kDefaultHypTimerIntId = 26;

// Sets HCR_EL2, CPTR_EL2 and friends for running the kernel at EL2 with
// physical interrupts routed to it. Stage-2 (HCR_EL2.VM) is turned on per
// domain switch, not here.
void el2_setup();

}  // namespace uk::arch
