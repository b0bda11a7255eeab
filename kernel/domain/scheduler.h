// Which thread runs next. Until the rate-monotonic scheduler lands this is
// round robin over ready threads with a time quantum, so a busy thread cannot
// keep the CPU from the others.
#pragma once

#include <stdint.h>

namespace uk {

struct Thread;

// Round-robin quantum.
inline constexpr uint64_t kQuantumMicros = 10'000;

void scheduler_reset();
void scheduler_add(Thread& t);
void scheduler_remove(Thread& t);
// The next ready thread after `current` in round-robin order (current itself
// if it is the only ready one); nullptr when none is ready.
[[nodiscard]] Thread* scheduler_pick(Thread* current);
// True when some thread other than `t` is ready (so `t` needs a quantum).
[[nodiscard]] bool scheduler_others_ready(const Thread& t);
// Yield was requested during the current SYS_SUBMIT.
void scheduler_request_yield(Thread& t);
[[nodiscard]] bool scheduler_take_yield(Thread& t);

}  // namespace uk
