// Hardware services the portable core uses, implemented once per
// architecture (arch/aarch64/hal.cc) and by fakes in host tests.
#pragma once

#include <stdint.h>

#include "kernel/random/entropy.h"

namespace uk {
struct Thread;
}

namespace uk::hal {

using TimerExpiryFn = void (*)(void* context);

[[nodiscard]] uint64_t timer_now_ticks();
[[nodiscard]] uint64_t timer_frequency_hz();
void timer_set_deadline(uint64_t deadline_ticks);
void timer_cancel();
// Called from interrupt context whenever the programmed deadline passes.
void timer_set_expiry_handler(TimerExpiryFn fn, void* context);

void interrupts_enable();
void interrupts_disable();
// Sleeps until an interrupt arrives (interrupts are taken if enabled).
void wait_for_interrupt();

// The best entropy source this machine has (hardware if any, else timer
// jitter, flagged weak). `jitter` is storage the weak source may use.
[[nodiscard]] random::EntropySource best_entropy_source(random::JitterState& jitter);

// Sleeps until an interrupt is pending, then takes (and handles) it. Called
// with interrupts masked; a wake-up that arrives just before the sleep is
// not lost (WFI wakes on a pending interrupt even while it is masked).
void idle_until_interrupt();

// Asks core `cpu_index` (kernel/cpu/cpu.h) to make a scheduling decision
// (the reschedule SGI); its Cpu::pending says why.
void send_reschedule(uint32_t cpu_index);

// Starts running domains at EL0 on every core (the boot CPU lets the other
// cores schedule, then schedules itself). From then on the kernel runs only
// in exception handlers (kernel/domain/domain_manager.h).
[[noreturn]] void start_scheduling();

}  // namespace uk::hal
