// Which domain runs next. Until the rate-monotonic scheduler lands this is
// round robin over ready domains with a time quantum, so a busy domain
// cannot keep the CPU from the others.
#pragma once

#include <stdint.h>

namespace uk {

struct Domain;

// Round-robin quantum in timer ticks is derived from this.
inline constexpr uint64_t kQuantumMicros = 10'000;

void scheduler_reset();
void scheduler_add(Domain& d);
// The next ready domain after `current` in round-robin order (current itself
// if it is the only ready one); nullptr when no domain is ready.
[[nodiscard]] Domain* scheduler_pick(Domain* current);
// Yield was requested during the current SYS_SUBMIT.
void scheduler_request_yield(Domain& d);
[[nodiscard]] bool scheduler_take_yield(Domain& d);

}  // namespace uk
