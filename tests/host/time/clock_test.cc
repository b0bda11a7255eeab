// TickConverter against exact 128-bit arithmetic at the boards' frequencies.
#include "kernel/time/clock.h"

#include <gtest/gtest.h>

namespace {

using uk::TickConverter;

uint64_t exact_ns_floor(uint64_t ticks, uint64_t hz) {
  return static_cast<uint64_t>(static_cast<unsigned __int128>(ticks) * 1'000'000'000 / hz);
}

uint64_t exact_ticks_ceil(uint64_t ns, uint64_t hz) {
  return static_cast<uint64_t>((static_cast<unsigned __int128>(ns) * hz + 999'999'999) / 1'000'000'000);
}

class ClockTest : public ::testing::TestWithParam<uint64_t> {};

TEST_P(ClockTest, TicksToNanosecondsIsExactOrOneBelowOverADay) {
  TickConverter c;
  c.set_frequency(GetParam());
  const uint64_t day = GetParam() * 86'400;
  for (uint64_t t : {uint64_t{0}, uint64_t{1}, uint64_t{15}, uint64_t{16}, GetParam(), day / 3, day}) {
    const uint64_t want = exact_ns_floor(t, GetParam());
    const uint64_t got = c.to_ns(t);
    EXPECT_LE(got, want) << t;
    EXPECT_LE(want - got, 1u) << t;  // the 32-bit fraction loses at most a nanosecond a day
  }
}

TEST_P(ClockTest, NanosecondsToTicksNeverEndsATimeoutEarly) {
  TickConverter c;
  c.set_frequency(GetParam());
  for (uint64_t ns : {uint64_t{1}, uint64_t{999}, uint64_t{1'000'000}, uint64_t{2'500'000'000}, uint64_t{86'400} * 1'000'000'000}) {
    const uint64_t want = exact_ticks_ceil(ns, GetParam());
    const uint64_t got = c.from_ns(ns);
    EXPECT_GE(got, want) << ns;
    EXPECT_LE(got - want, 1u) << ns;
  }
  EXPECT_LE(c.from_ns(0), 1u);
  EXPECT_EQ(c.from_us(1000), c.from_ns(1'000'000));
}

TEST_P(ClockTest, HugeValuesSaturate) {
  TickConverter c;
  c.set_frequency(GetParam());
  EXPECT_EQ(c.from_ns(UINT64_MAX), GetParam() >= 1'000'000'000 ? UINT64_MAX : c.from_ns(UINT64_MAX));
  EXPECT_EQ(c.from_us(UINT64_MAX), c.from_ns(UINT64_MAX));
}

// QEMU virt (62.5 MHz), the Pi 4 (54 MHz), QEMU -cpu max (1 GHz).
INSTANTIATE_TEST_SUITE_P(Boards, ClockTest, ::testing::Values(62'500'000u, 54'000'000u, 1'000'000'000u));

}  // namespace
