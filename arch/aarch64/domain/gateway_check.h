// What an interrupt taken at EL2 while a domain's EL1 was running means.
// EL1 only ever runs the svc gateway, for the one instruction between an EL0
// exception and its hvc. So the interrupt either came in that window (undo
// the hop and resume at EL0), or the gateway cannot run: EL1 is executing
// outside the gateway page, or EL1 took an exception from EL1 itself (the
// gateway page is missing or broken, and EL1 loops on its own vector). Then
// resuming at EL0 would only fall into the same loop, and the domain would
// never be stopped: it is killed instead.
#pragma once

#include <stdint.h>

#include "kernel/domain/layout.h"

namespace uk::arch {

enum class El1Interrupt : uint8_t {
  kGatewayWindow,  // between an EL0 exception and the gateway's hvc: resume at EL0
  kGatewayBroken,  // EL1 cannot reach EL2 through the gateway: kill the domain
};

// SPSR.M[3:0] of an exception taken from EL0 (EL0t).
inline constexpr uint64_t kSpsrModeMask = 0xf;
inline constexpr uint64_t kSpsrEl0t = 0;

// `elr_el2`: where EL1 was interrupted; `spsr_el1`: the state EL1's current
// exception came from.
[[nodiscard]] constexpr El1Interrupt classify_el1_interrupt(uint64_t elr_el2, uint64_t spsr_el1) {
  const bool in_gateway =
      elr_el2 >= domain_layout::kGatewayBase && elr_el2 - domain_layout::kGatewayBase < domain_layout::kGatewayBytes;
  const bool from_el0 = (spsr_el1 & kSpsrModeMask) == kSpsrEl0t;
  return in_gateway && from_el0 ? El1Interrupt::kGatewayWindow : El1Interrupt::kGatewayBroken;
}

}  // namespace uk::arch
