#include "kernel/cpu/cpu.h"

#include <gtest/gtest.h>

namespace uk {
namespace {

TEST(Cpus, SetOnlineNumbersTheCoresDensely) {
  cpus_set_online(4);
  EXPECT_EQ(cpu_count(), 4u);
  for (size_t i = 0; i < kMaxCpus; ++i) {
    EXPECT_EQ(cpu_at(i).index, i);
    EXPECT_EQ(cpu_at(i).online, i < 4);
  }
  cpus_set_online(0);  // nonsense: at least the boot CPU runs
  EXPECT_EQ(cpu_count(), 1u);
  cpus_set_online(kMaxCpus + 1);
  EXPECT_EQ(cpu_count(), 1u);
}

TEST(Cpus, ARequestAsksForAnSgiOnlyWhenItIsNew) {
  Cpu& target = cpu_at(2);
  (void)cpu_take_requests(target);
  EXPECT_TRUE(cpu_post_request(target, kCpuRequestReschedule));   // first: raise the SGI
  EXPECT_FALSE(cpu_post_request(target, kCpuRequestReschedule));  // already pending: no second SGI
  EXPECT_EQ(cpu_take_requests(target), kCpuRequestReschedule);
  EXPECT_EQ(cpu_take_requests(target), 0u);  // taken once
  EXPECT_TRUE(cpu_post_request(target, kCpuRequestReschedule));
  (void)cpu_take_requests(target);
}

TEST(Cpus, IpiLatencyIsMeasuredFromTheRaise) {
  Cpu& target = cpu_at(3);
  target.ipi_latency = TimerLatency{};
  target.ipis_received = 0;
  target.ipi_raised_at = 1000;
  cpu_note_ipi_received(target, 1100);
  target.ipi_raised_at = 2000;
  cpu_note_ipi_received(target, 2300);
  cpu_note_ipi_received(target, 2400);  // no raise outstanding: counted, not timed
  EXPECT_EQ(target.ipis_received, 3u);
  EXPECT_EQ(target.ipi_latency.samples, 2u);
  EXPECT_EQ(target.ipi_latency.total, 400u);
  EXPECT_EQ(target.ipi_latency.worst, 300u);
  EXPECT_EQ(target.ipi_raised_at, 0u);
}

// Two cores, each with its own run queue: a thread blocked on core 0 is
// woken by core 1 (as futex_wake does: wake in the owner's queue, then post
// the request); core 0's next decision, after taking the request, runs it
// and preempts its best-effort thread; core 1's queue never sees it.
TEST(PartitionedQueues, CrossCoreWakeRunsOnTheOwnersCore) {
  cpus_set_online(2);
  Cpu& core0 = cpu_at(0);
  Cpu& core1 = cpu_at(1);
  sched::SchedulerConfig config;
  config.quantum_ticks = 100;
  core0.sched.reset(config);
  core1.sched.reset(config);
  (void)cpu_take_requests(core0);

  constexpr sched::ThreadId kRt = 1, kBe0 = 2, kBe1 = 3;
  ASSERT_TRUE(core0.sched.admit(kRt, {.name = "rt", .period_ticks = 1000, .budget_ticks = 100}, 0).ok());
  ASSERT_TRUE(core0.sched.admit(kBe0, {.name = "be0"}, 0).ok());
  ASSERT_TRUE(core1.sched.admit(kBe1, {.name = "be1"}, 0).ok());
  EXPECT_EQ(core0.sched.pick(0), kRt);
  ASSERT_TRUE(core0.sched.block(kRt, 10, sched::kNoTimeout).ok());
  EXPECT_EQ(core0.sched.pick(10), kBe0);
  EXPECT_EQ(core1.sched.pick(10), kBe1);

  // Core 1 wakes the real-time thread of core 0.
  ASSERT_TRUE(core0.sched.wake(kRt, 20).ok());
  EXPECT_TRUE(cpu_post_request(core0, kCpuRequestReschedule));
  EXPECT_EQ(core1.sched.pick(20), kBe1);  // core 1's queue is unaffected

  // Core 0 takes the SGI: the request is there, and its decision runs rt.
  EXPECT_EQ(cpu_take_requests(core0), kCpuRequestReschedule);
  EXPECT_EQ(core0.sched.pick(25), kRt);
  EXPECT_EQ(core0.sched.wake_reason(kRt), sched::WakeReason::kWoken);
  EXPECT_FALSE(core1.sched.contains(kRt));
  // Each core's admission is its own: a second 0.9 thread fits on core 1 but not on core 0.
  EXPECT_FALSE(core0.sched.would_admit({.name = "big", .period_ticks = 1000, .budget_ticks = 950}).ok());
  EXPECT_TRUE(core1.sched.would_admit({.name = "big", .period_ticks = 1000, .budget_ticks = 950}).ok());
}

}  // namespace
}  // namespace uk
