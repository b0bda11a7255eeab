// Response-time analysis (kernel/sched/rta.h) on task sets whose response
// times are computed by hand in the comments, edge cases (ties, saturation,
// divergence, iteration cap), the tick conversions, and a brute-force
// cross-check against a tick-by-tick fixed-priority simulation.
#include "kernel/sched/rta.h"

#include <stdint.h>

#include <cmath>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace uk::sched {
namespace {

struct Analysis {
  Status status;
  std::vector<RtaResult> results;
  RtaSummary summary;
};

Analysis run(const std::vector<RtaTask>& tasks, RtaOptions options = {}) {
  Analysis a;
  a.results.resize(tasks.size());
  a.status = analyse(tasks.data(), tasks.size(), options, a.results.data(), &a.summary);
  return a;
}

std::string describe(const std::vector<RtaTask>& tasks, const Analysis& a, size_t i) {
  char buf[256];
  describe_result(tasks[i].name, tasks[i].period_ticks, a.results[i], buf, sizeof buf);
  return buf;
}

// Liu & Layland: n (2^(1/n) - 1); 3 threads: 0.7798.
double liu_layland_bound(size_t n) { return static_cast<double>(n) * (std::pow(2.0, 1.0 / n) - 1.0); }

// T = (4, 5, 20), C = (1, 2, 5): U = 0.25 + 0.4 + 0.25 = 0.9 > 0.7798.
//   R_a = 1
//   R_b: 3 -> 2 + ceil(3/4)*1 = 3                                     = 3
//   R_c: 8 -> 5 + 2*1 + 2*2 = 11 -> 5 + 3 + 3*2 = 14 -> 5 + 4 + 6 = 15 -> 15
TEST(RtaTest, AboveLiuLaylandBoundIsAcceptedByExactAnalysis) {
  const std::vector<RtaTask> tasks = {{"a", 4, 1}, {"b", 5, 2}, {"c", 20, 5}};
  const Analysis a = run(tasks);
  ASSERT_TRUE(a.status.ok());
  EXPECT_TRUE(a.summary.schedulable());
  EXPECT_EQ(a.summary.failing, 0u);
  EXPECT_EQ(a.summary.first_failing, kNoTask);
  EXPECT_EQ(a.summary.utilisation_ppm, 900'000u);
  EXPECT_GT(0.9, liu_layland_bound(3));
  EXPECT_EQ(a.results[0].response_ticks, 1u);
  EXPECT_EQ(a.results[1].response_ticks, 3u);
  EXPECT_EQ(a.results[2].response_ticks, 15u);
  EXPECT_EQ(a.results[2].iterations, 4u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(a.results[i].outcome, RtaOutcome::kMeets);
    EXPECT_EQ(a.results[i].priority, i);
    EXPECT_EQ(a.results[i].miss_ticks, 0u);
    EXPECT_EQ(a.results[i].cost_ticks, tasks[i].budget_ticks);
  }
  EXPECT_EQ(describe(tasks, a, 2), "thread 'c' meets its deadline: worst response time 15 ticks <= period 20 ticks");
}

// Harmonic T = (10, 20, 40), C = (5, 5, 10): U = 1 exactly.
//   R_a = 5; R_b: 10 -> 5 + 5 = 10; R_c: 20 -> 10 + 2*5 + 1*5 = 25 -> 10 + 15 + 10 = 35 -> 10 + 20 + 10 = 40 -> 40
TEST(RtaTest, HarmonicSetAtFullUtilisationIsSchedulable) {
  const Analysis a = run({{"a", 10, 5}, {"b", 20, 5}, {"c", 40, 10}});
  ASSERT_TRUE(a.status.ok());
  EXPECT_TRUE(a.summary.schedulable());
  EXPECT_EQ(a.summary.utilisation_ppm, 1'000'000u);
  EXPECT_EQ(a.results[0].response_ticks, 5u);
  EXPECT_EQ(a.results[1].response_ticks, 10u);
  EXPECT_EQ(a.results[2].response_ticks, 40u);  // completes exactly at its deadline
}

// U = 1 with terms that are not exact in binary: 1/3 + 1/3 + 1/3.
TEST(RtaTest, FullUtilisationWithInexactTermsIsNotDivergent) {
  const Analysis a = run({{"a", 3, 1}, {"b", 3, 1}, {"c", 3, 1}});
  ASSERT_TRUE(a.status.ok());
  EXPECT_TRUE(a.summary.schedulable());
  EXPECT_EQ(a.summary.utilisation_ppm, 1'000'000u);
  EXPECT_EQ(a.results[2].response_ticks, 3u);
}

// Declaration order does not matter for priorities, only periods; equal
// periods go to the thread declared first.
TEST(RtaTest, PriorityByPeriodTiesByDeclarationOrder) {
  const Analysis a = run({{"c", 20, 5}, {"x", 4, 1}, {"b", 5, 2}, {"y", 4, 1}});
  ASSERT_TRUE(a.status.ok());
  EXPECT_EQ(a.results[1].priority, 0u);  // x: period 4, declared before y
  EXPECT_EQ(a.results[3].priority, 1u);  // y: period 4
  EXPECT_EQ(a.results[2].priority, 2u);  // b
  EXPECT_EQ(a.results[0].priority, 3u);  // c
  const uint8_t expected_order[] = {1, 3, 2, 0};
  for (size_t p = 0; p < 4; ++p) EXPECT_EQ(a.summary.by_priority[p], expected_order[p]);
  EXPECT_EQ(a.results[1].response_ticks, 1u);
  EXPECT_EQ(a.results[3].response_ticks, 2u);
  // b: 4 -> 2 + 1 + 1 = 4 (fixed point)
  EXPECT_EQ(a.results[2].response_ticks, 4u);
  // c: U = 0.25 + 0.25 + 0.4 + 0.25 = 1.15 > 1
  EXPECT_EQ(a.results[0].outcome, RtaOutcome::kDiverges);
  EXPECT_EQ(a.summary.first_failing, 0u);
  EXPECT_TRUE(rm_higher_priority(4, 1, 4, 3));
  EXPECT_FALSE(rm_higher_priority(4, 3, 4, 1));
  EXPECT_TRUE(rm_higher_priority(4, 9, 5, 0));
}

// T = (4, 6), C = (2, 3): U = 1 but not harmonic.
//   R_b: 5 -> 3 + ceil(5/4)*2 = 7 -> 3 + ceil(7/4)*2 = 7: misses by 1.
TEST(RtaTest, OverloadedSetNamesTheThreadAndTheMiss) {
  const std::vector<RtaTask> tasks = {{"a", 4, 2}, {"b", 6, 3}};
  const Analysis a = run(tasks);
  ASSERT_TRUE(a.status.ok());
  EXPECT_FALSE(a.summary.schedulable());
  EXPECT_EQ(a.summary.failing, 1u);
  EXPECT_EQ(a.summary.first_failing, 1u);
  EXPECT_EQ(a.results[0].outcome, RtaOutcome::kMeets);
  EXPECT_EQ(a.results[1].outcome, RtaOutcome::kMisses);
  EXPECT_EQ(a.results[1].response_ticks, 7u);
  EXPECT_EQ(a.results[1].miss_ticks, 1u);
  EXPECT_EQ(describe(tasks, a, 1),
            "thread 'b' misses its deadline by 1 tick: worst response time 7 ticks > period 6 ticks");
}

// Adding a short-period thread makes an already admitted lower-priority
// thread miss: T = (5, 12, 20), C = (2, 4, 5), U = 0.983.
//   R_b: 6 -> 4 + 2*2 = 8 -> 8
//   R_c: 11 -> 5 + 3*2 + 1*4 = 15 -> 5 + 6 + 8 = 19 -> 5 + 8 + 8 = 21 -> 5 + 10 + 8 = 23 -> 23: misses by 3
TEST(RtaTest, LowerPriorityThreadMissesBecauseOfANewOne) {
  const std::vector<RtaTask> tasks = {{"b", 12, 4}, {"c", 20, 5}, {"a", 5, 2}};
  const Analysis a = run(tasks);
  ASSERT_TRUE(a.status.ok());
  EXPECT_EQ(a.summary.first_failing, 1u);
  EXPECT_EQ(a.results[2].response_ticks, 2u);
  EXPECT_EQ(a.results[0].response_ticks, 8u);
  EXPECT_EQ(a.results[1].outcome, RtaOutcome::kMisses);
  EXPECT_EQ(a.results[1].response_ticks, 23u);
  EXPECT_EQ(a.results[1].miss_ticks, 3u);
  EXPECT_EQ(a.summary.utilisation_ppm, 983'333u);
  EXPECT_EQ(describe(tasks, a, 1),
            "thread 'c' misses its deadline by 3 ticks: worst response time 23 ticks > period 20 ticks");
}

// T = (4, 6, 12), C = (2, 3, 2): U = 1 + 1/6. b misses by 1 (above), c diverges.
TEST(RtaTest, UtilisationAboveOneDiverges) {
  const std::vector<RtaTask> tasks = {{"a", 4, 2}, {"b", 6, 3}, {"c", 12, 2}};
  const Analysis a = run(tasks);
  ASSERT_TRUE(a.status.ok());
  EXPECT_EQ(a.summary.failing, 2u);
  EXPECT_EQ(a.summary.first_failing, 1u);  // the highest-priority failing thread
  EXPECT_EQ(a.results[1].outcome, RtaOutcome::kMisses);
  EXPECT_EQ(a.results[2].outcome, RtaOutcome::kDiverges);
  EXPECT_EQ(a.results[2].response_ticks, kInfiniteTicks);
  EXPECT_EQ(a.results[2].miss_ticks, kInfiniteTicks);
  EXPECT_EQ(a.results[2].iterations, 0u);
  EXPECT_EQ(a.summary.utilisation_ppm, 1'166'667u);
  EXPECT_EQ(describe(tasks, a, 2),
            "thread 'c' misses its deadline without bound: with the higher-priority threads it needs more than "
            "100% of the CPU (response time diverges)");
}

// 1/1 + 1/(2^64 - 1) exceeds 1 by 2^-64 (roughly): still detected exactly.
TEST(RtaTest, DivergenceByTheSmallestMarginIsDetected) {
  const Analysis a = run({{"a", 1, 1}, {"b", UINT64_MAX, 1}});
  ASSERT_TRUE(a.status.ok());
  EXPECT_EQ(a.results[0].outcome, RtaOutcome::kMeets);
  EXPECT_EQ(a.results[1].outcome, RtaOutcome::kDiverges);
}

// Harmonic set plus one tick of overhead per release: costs (6, 6, 11).
//   R_a = 6; R_b: 12 -> 6 + 2*6 = 18 -> 18 <= 20; c: U = 0.6 + 0.3 + 0.275 > 1.
TEST(RtaTest, OverheadIsAddedToEveryBudget) {
  RtaOptions options;
  options.overhead_ticks = 1;
  const Analysis a = run({{"a", 10, 5}, {"b", 20, 5}, {"c", 40, 10}}, options);
  ASSERT_TRUE(a.status.ok());
  EXPECT_EQ(a.results[0].cost_ticks, 6u);
  EXPECT_EQ(a.results[0].response_ticks, 6u);
  EXPECT_EQ(a.results[1].response_ticks, 18u);
  EXPECT_EQ(a.results[2].outcome, RtaOutcome::kDiverges);
  EXPECT_EQ(a.summary.first_failing, 2u);
  EXPECT_EQ(a.summary.utilisation_ppm, 1'175'000u);
}

TEST(RtaTest, BudgetAbovePeriodMisses) {
  const Analysis a = run({{"a", 10, 12}});
  ASSERT_TRUE(a.status.ok());
  EXPECT_EQ(a.results[0].outcome, RtaOutcome::kDiverges);  // 12/10 > 1
}

// R = (2^63 - 1) + ceil(R / 2) has its fixed point at 2^64 - 2, one tick
// below the deadline: no intermediate value overflows.
TEST(RtaTest, FixedPointNextToUint64MaxIsExact) {
  const Analysis a = run({{"a", 2, 1}, {"b", UINT64_MAX, (1ull << 63) - 1}});
  ASSERT_TRUE(a.status.ok());
  EXPECT_EQ(a.results[1].outcome, RtaOutcome::kMeets);
  EXPECT_EQ(a.results[1].response_ticks, UINT64_MAX - 1);
}

TEST(RtaTest, SaturatingOverheadIsAMissNotAnOverflow) {
  RtaOptions options;
  options.overhead_ticks = UINT64_MAX;
  const Analysis a = run({{"a", 1000, 1}}, options);
  ASSERT_TRUE(a.status.ok());
  EXPECT_EQ(a.results[0].cost_ticks, UINT64_MAX);
  EXPECT_FALSE(a.summary.schedulable());
}

// Iteration cap: c needs 4 iterations (above). With 1 it stops at 11 <= 20
// (undecided: refused), and the miss of the (4, 6) set's b is a lower bound.
TEST(RtaTest, IterationCapIsConservative) {
  RtaOptions options;
  options.max_iterations = 1;
  const std::vector<RtaTask> ll = {{"a", 4, 1}, {"b", 5, 2}, {"c", 20, 5}};
  const Analysis a = run(ll, options);
  ASSERT_TRUE(a.status.ok());
  EXPECT_EQ(a.results[1].outcome, RtaOutcome::kMeets);  // 3 -> 3: settled in one iteration
  EXPECT_EQ(a.results[2].outcome, RtaOutcome::kUndecided);
  EXPECT_EQ(a.results[2].response_ticks, 11u);
  EXPECT_FALSE(a.summary.schedulable());
  EXPECT_EQ(describe(ll, a, 2),
            "thread 'c': no fixed point within 1 iterations (response time so far 11 ticks, period 20 ticks); "
            "refused to be safe");

  const std::vector<RtaTask> over = {{"a", 4, 2}, {"b", 6, 3}};
  const Analysis b = run(over, options);
  EXPECT_EQ(b.results[1].outcome, RtaOutcome::kMissesAtLeast);
  EXPECT_EQ(b.results[1].response_ticks, 7u);
  EXPECT_EQ(b.results[1].miss_ticks, 1u);
  EXPECT_EQ(describe(over, b, 1),
            "thread 'b' misses its deadline by at least 1 tick: worst response time at least 7 ticks > period 6 "
            "ticks");
}

TEST(RtaTest, InvalidInputIsRejected) {
  RtaResult results[kMaxRtaTasks + 1];
  RtaSummary summary;
  const RtaTask zero_period[] = {{"a", 0, 1}};
  EXPECT_EQ(analyse(zero_period, 1, {}, results, &summary).error(), Errno::kInval);
  const RtaTask zero_budget[] = {{"a", 10, 0}};
  EXPECT_EQ(analyse(zero_budget, 1, {}, results, &summary).error(), Errno::kInval);
  std::vector<RtaTask> many(kMaxRtaTasks + 1, RtaTask{"t", 1000, 1});
  EXPECT_EQ(analyse(many.data(), many.size(), {}, results, &summary).error(), Errno::kInval);
  EXPECT_EQ(analyse(nullptr, 1, {}, results, &summary).error(), Errno::kInval);
  EXPECT_EQ(analyse(zero_period, 1, {}, results, nullptr).error(), Errno::kInval);

  ASSERT_TRUE(analyse(nullptr, 0, {}, nullptr, &summary).ok());
  EXPECT_TRUE(summary.schedulable());
  EXPECT_EQ(summary.count, 0u);

  // The maximum: 64 threads of 1/1000 each.
  ASSERT_TRUE(analyse(many.data(), kMaxRtaTasks, {}, results, &summary).ok());
  EXPECT_TRUE(summary.schedulable());
  EXPECT_EQ(results[63].response_ticks, 64u);
  EXPECT_EQ(results[63].priority, 63u);
}

TEST(RtaTest, TickConversionsAreConservative) {
  uint64_t t = 0;
  // QEMU virt: 62.5 ticks per microsecond.
  ASSERT_TRUE(us_to_ticks(1, kQemuVirtTimerHz, Rounding::kDown, &t));
  EXPECT_EQ(t, 62u);
  ASSERT_TRUE(us_to_ticks(1, kQemuVirtTimerHz, Rounding::kUp, &t));
  EXPECT_EQ(t, 63u);
  ASSERT_TRUE(period_us_to_ticks(10'000, kQemuVirtTimerHz, &t));
  EXPECT_EQ(t, 625'000u);
  ASSERT_TRUE(budget_us_to_ticks(2'000, kQemuVirtTimerHz, &t));
  EXPECT_EQ(t, 125'000u);
  ASSERT_TRUE(period_us_to_ticks(101, kQemuVirtTimerHz, &t));  // 6312.5
  EXPECT_EQ(t, 6'312u);
  ASSERT_TRUE(budget_us_to_ticks(101, kQemuVirtTimerHz, &t));
  EXPECT_EQ(t, 6'313u);
  // Raspberry Pi 4: 54 ticks per microsecond.
  ASSERT_TRUE(period_us_to_ticks(10'000'000, kRpi4TimerHz, &t));
  EXPECT_EQ(t, 540'000'000u);
  // Too small or too large.
  EXPECT_FALSE(period_us_to_ticks(1, 1'000, &t));  // 0.001 ticks -> 0
  ASSERT_TRUE(budget_us_to_ticks(1, 1'000, &t));   // rounds up to 1
  EXPECT_EQ(t, 1u);
  EXPECT_FALSE(budget_us_to_ticks(0, kRpi4TimerHz, &t));
  EXPECT_FALSE(us_to_ticks(UINT64_MAX, kQemuVirtTimerHz, Rounding::kDown, &t));
  EXPECT_FALSE(us_to_ticks(5, 0, Rounding::kDown, &t));
  // Back to microseconds, rounded up.
  EXPECT_EQ(ticks_to_us_ceil(63, kQemuVirtTimerHz), 2u);
  EXPECT_EQ(ticks_to_us_ceil(625'000, kQemuVirtTimerHz), 10'000u);
  EXPECT_EQ(ticks_to_us_ceil(0, kQemuVirtTimerHz), 0u);
  EXPECT_EQ(ticks_to_us_ceil(UINT64_MAX, 1), UINT64_MAX);  // saturates
  // mul_div with full 128-bit intermediates.
  ASSERT_TRUE(mul_div(UINT64_MAX, UINT64_MAX, UINT64_MAX, Rounding::kDown, &t));
  EXPECT_EQ(t, UINT64_MAX);
  ASSERT_TRUE(mul_div(1ull << 40, 1ull << 20, 3, Rounding::kUp, &t));
  EXPECT_EQ(t, ((1ull << 60) + 2) / 3);  // ceil(2^60 / 3)
  ASSERT_TRUE(mul_div(1ull << 40, 1ull << 40, 3ull << 20, Rounding::kDown, &t));  // 2^80 / (3 * 2^20)
  EXPECT_EQ(t, ((1ull << 60) - 1) / 3);
  EXPECT_FALSE(mul_div(UINT64_MAX, 2, 1, Rounding::kDown, &t));
  EXPECT_FALSE(mul_div(1, 1, 0, Rounding::kDown, &t));
}

// ---- brute force ---------------------------------------------------------

// Completion time of each thread's first job after a synchronous release
// under preemptive fixed priority (priority = position in `order`), by
// simulating every tick; jobs of one thread run in release order.
// kInfiniteTicks when it does not complete within `horizon`.
std::vector<uint64_t> simulate_first_completion(const std::vector<RtaTask>& tasks, const std::vector<size_t>& order,
                                                uint64_t horizon) {
  const size_t n = tasks.size();
  std::vector<uint64_t> backlog(n, 0), first_done(n, kInfiniteTicks), first_left(n);
  for (size_t i = 0; i < n; ++i) first_left[i] = tasks[i].budget_ticks;
  for (uint64_t t = 0; t < horizon; ++t) {
    for (size_t i = 0; i < n; ++i) {
      if (t % tasks[i].period_ticks == 0) backlog[i] += tasks[i].budget_ticks;
    }
    for (size_t i : order) {
      if (backlog[i] == 0) continue;
      --backlog[i];
      if (first_left[i] > 0 && --first_left[i] == 0) first_done[i] = t + 1;
      break;
    }
  }
  return first_done;
}

TEST(RtaTest, MatchesTickLevelSimulationOnRandomSets) {
  std::mt19937_64 rng(20240611);
  int schedulable = 0, misses = 0, diverging = 0;
  for (int round = 0; round < 3000; ++round) {
    const size_t n = 1 + rng() % 5;
    std::vector<RtaTask> tasks(n);
    uint64_t lcm = 1;
    for (size_t i = 0; i < n; ++i) {
      tasks[i].name = "t";
      tasks[i].period_ticks = 2 + rng() % 11;  // 2..12
      tasks[i].budget_ticks = 1 + rng() % (tasks[i].period_ticks / 2 + 1);
      lcm = std::lcm(lcm, tasks[i].period_ticks);
    }
    const Analysis a = run(tasks);
    ASSERT_TRUE(a.status.ok());
    std::vector<size_t> order(a.summary.by_priority, a.summary.by_priority + n);
    const std::vector<uint64_t> done = simulate_first_completion(tasks, order, 4 * lcm);

    uint64_t demand = 0;  // sum over the first p+1 threads of C * lcm / T: U <= 1 iff demand <= lcm
    for (size_t p = 0; p < n; ++p) {
      const size_t i = order[p];
      demand += tasks[i].budget_ticks * (lcm / tasks[i].period_ticks);
      const RtaResult& r = a.results[i];
      if (demand > lcm) {
        EXPECT_EQ(r.outcome, RtaOutcome::kDiverges) << "round " << round << " thread " << i;
        ++diverging;
        continue;
      }
      ASSERT_NE(done[i], kInfiniteTicks) << "round " << round;
      EXPECT_EQ(r.response_ticks, done[i]) << "round " << round << " thread " << i;
      EXPECT_EQ(r.outcome, done[i] <= tasks[i].period_ticks ? RtaOutcome::kMeets : RtaOutcome::kMisses);
      (r.meets() ? schedulable : misses)++;
    }
  }
  // The generator covers all three outcomes.
  EXPECT_GT(schedulable, 1000);
  EXPECT_GT(misses, 50);
  EXPECT_GT(diverging, 100);
}

}  // namespace
}  // namespace uk::sched
