// The EL2 physical timer (CNTHP): a one-shot deadline in counter ticks. The
// kernel is tickless: whoever needs the CPU next programs the deadline.
#pragma once

#include <stdint.h>

#include "kernel/lib/result.h"

namespace uk::arch {

using TimerCallback = void (*)(void* context);

// On the boot CPU: registers the CNTHP interrupt (INTID from the device tree,
// normally 26) and sets up this core's timer.
[[nodiscard]] Status timer_init(uint32_t intid, TimerCallback on_expiry, void* context);
// On every other core, after timer_init: its own (banked) timer and PPI.
[[nodiscard]] Status timer_init_cpu(uint32_t intid);
[[nodiscard]] uint64_t timer_frequency_hz();
[[nodiscard]] uint64_t timer_now_ticks();
// Fires once when the counter reaches `deadline_ticks` (at once if already past).
void timer_set_deadline(uint64_t deadline_ticks);
void timer_cancel();

}  // namespace uk::arch
