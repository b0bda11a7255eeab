#include "kernel/time/clock.h"

namespace uk {
namespace {

constexpr uint64_t kNanosPerSecond = 1'000'000'000;
using u128 = unsigned __int128;

TickConverter g_clock;

uint64_t saturate(u128 v) { return v > UINT64_MAX ? UINT64_MAX : static_cast<uint64_t>(v); }

// value * (whole + fraction / 2^64), rounded down, saturating.
uint64_t scale(uint64_t value, uint64_t whole, uint64_t fraction) {
  const u128 integral = static_cast<u128>(value) * whole;
  const u128 fractional = (static_cast<u128>(value) * fraction) >> 64;
  return saturate(integral + fractional);
}

}  // namespace

void TickConverter::set_frequency(uint64_t hz) {
  hz_ = hz == 0 ? 1 : hz;
  // The only divisions: once per boot.
  ns_per_tick_.whole = kNanosPerSecond / hz_;
  ns_per_tick_.fraction = static_cast<uint64_t>((static_cast<u128>(kNanosPerSecond % hz_) << 64) / hz_);
  ticks_per_ns_.whole = hz_ / kNanosPerSecond;
  const u128 remainder = static_cast<u128>(hz_ % kNanosPerSecond) << 64;
  ticks_per_ns_.fraction = static_cast<uint64_t>((remainder + kNanosPerSecond - 1) / kNanosPerSecond);
}

uint64_t TickConverter::to_ns(uint64_t ticks) const {
  return scale(ticks, ns_per_tick_.whole, ns_per_tick_.fraction);
}

uint64_t TickConverter::from_ns(uint64_t ns) const {
  // The fraction was rounded up; add one tick's worth of rounding so the
  // result is never below the exact ceiling.
  const uint64_t ticks = scale(ns, ticks_per_ns_.whole, ticks_per_ns_.fraction);
  return ticks == UINT64_MAX ? ticks : ticks + 1;
}

uint64_t TickConverter::from_us(uint64_t us) const {
  constexpr uint64_t kNanosPerMicro = 1000;
  return from_ns(us > UINT64_MAX / kNanosPerMicro ? UINT64_MAX : us * kNanosPerMicro);
}

void kernel_clock_init(uint64_t hz) { g_clock.set_frequency(hz); }

const TickConverter& kernel_clock() { return g_clock; }

}  // namespace uk
