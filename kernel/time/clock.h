// Conversions between generic-timer ticks and nanoseconds/microseconds, done
// with a 64.64 fixed-point factor computed once: two multiplies instead of a
// 128-bit division (a library call) on every GetTimeNs, timeout and file
// timestamp, exact to within one unit.
#pragma once

#include <stdint.h>

namespace uk {

class TickConverter {
 public:
  // hz must be nonzero (the generic timer's CNTFRQ).
  void set_frequency(uint64_t hz);
  [[nodiscard]] uint64_t frequency() const { return hz_; }
  // Rounded down.
  [[nodiscard]] uint64_t to_ns(uint64_t ticks) const;
  // Rounded up: a timeout never ends early and at most one tick late.
  // Saturates at UINT64_MAX.
  [[nodiscard]] uint64_t from_ns(uint64_t ns) const;
  [[nodiscard]] uint64_t from_us(uint64_t us) const;

 private:
  uint64_t hz_ = 1;
  // A ratio as integer part + 64-bit fraction.
  struct Ratio {
    uint64_t whole = 0;
    uint64_t fraction = 0;
  };
  Ratio ns_per_tick_;   // 1e9 / hz, fraction rounded down
  Ratio ticks_per_ns_;  // hz / 1e9, fraction rounded up
};

// The kernel's clock, set once at boot from the timer's frequency.
void kernel_clock_init(uint64_t hz);
[[nodiscard]] const TickConverter& kernel_clock();

}  // namespace uk
