// The rate-monotonic policy (kernel/sched/rm_scheduler.h) driven by a
// simulated clock (sim.h): exact schedules over hyperperiods for classic task
// sets, budget enforcement, best-effort round robin, blocking with timeouts,
// admission, tickless deadlines and statistics.
#include "kernel/sched/rm_scheduler.h"

#include <stdint.h>

#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/host/sched/sim.h"

namespace uk::sched {
namespace {

using test::Dispatch;
using test::kForever;
using test::repeat;
using test::Sim;

constexpr ThreadId A = 1, B = 2, C = 3, X = 10, Y = 11, E = 20;

ThreadParams rt(const char* name, uint64_t period, uint64_t budget) {
  ThreadParams p;
  p.name = name;
  p.period_ticks = period;
  p.budget_ticks = budget;
  return p;
}

ThreadParams be(const char* name) {
  ThreadParams p;
  p.name = name;
  return p;
}

SchedulerConfig quantum(uint64_t q) {
  SchedulerConfig c;
  c.quantum_ticks = q;
  return c;
}

void expect_stats(const RmScheduler& s, ThreadId id, uint64_t releases, uint64_t done, uint64_t misses,
                  uint64_t overruns, uint64_t worst_response, uint64_t worst_jitter) {
  const ThreadStats* st = s.stats(id);
  ASSERT_NE(st, nullptr);
  EXPECT_EQ(st->releases, releases) << "thread " << id;
  EXPECT_EQ(st->jobs_done, done) << "thread " << id;
  EXPECT_EQ(st->deadline_misses, misses) << "thread " << id;
  EXPECT_EQ(st->overruns, overruns) << "thread " << id;
  EXPECT_EQ(st->worst_response_ticks, worst_response) << "thread " << id;
  EXPECT_EQ(st->worst_jitter_ticks, worst_jitter) << "thread " << id;
}

// ---- exact schedules ---------------------------------------------------------

// Harmonic T = (10, 20, 40), C = (5, 5, 10): 100 % utilisation, no idle time.
//   0 a | 5 b | 10 a | 15 c | 20 a | 25 b | 30 a | 35 c | 40 (repeat)
TEST(RmSchedulerTest, HarmonicSetAtFullUtilisation) {
  RmScheduler s;
  ASSERT_TRUE(s.admit(A, rt("a", 10, 5), 0).ok());
  ASSERT_TRUE(s.admit(B, rt("b", 20, 5), 0).ok());
  ASSERT_TRUE(s.admit(C, rt("c", 40, 10), 0).ok());
  Sim sim(s);
  sim.real_time(A, 5);
  sim.real_time(B, 5);
  sim.real_time(C, 10);
  constexpr int kHyperperiods = 100;
  sim.run_until(40 * kHyperperiods);
  const std::vector<Dispatch> pattern = {{0, A}, {5, B}, {10, A}, {15, C}, {20, A}, {25, B}, {30, A}, {35, C}};
  EXPECT_EQ(sim.log(), repeat(pattern, 40, kHyperperiods));
  // Worst responses equal the analysis (5, 10, 40): c ends exactly at its
  // deadline. Releases: one more each, at the end instant.
  expect_stats(s, A, 4 * kHyperperiods + 1, 4 * kHyperperiods, 0, 0, 5, 0);
  expect_stats(s, B, 2 * kHyperperiods + 1, 2 * kHyperperiods, 0, 0, 10, 5);
  expect_stats(s, C, kHyperperiods + 1, kHyperperiods, 0, 0, 40, 15);
  EXPECT_EQ(s.stats(C)->cpu_ticks, 10u * kHyperperiods);
}

// T = (4, 5, 20), C = (1, 2, 5): U = 0.9, above the Liu-Layland bound
// (0.78), accepted by response-time analysis (R = 1, 3, 15):
//   0 a | 1 b | 3 c | 4 a | 5 b | 7 c | 8 a | 9 c | 10 b | 12 a | 13 c |
//   15 b | 16 a (preempts b) | 17 b | 18 idle | 20 (repeat)
const std::vector<Dispatch> kLiuLaylandPattern = {{0, A},  {1, B},  {3, C},  {4, A},  {5, B},
                                                  {7, C},  {8, A},  {9, C},  {10, B}, {12, A},
                                                  {13, C}, {15, B}, {16, A}, {17, B}, {18, kIdle}};

TEST(RmSchedulerTest, SetAboveLiuLaylandBoundHasNoMisses) {
  RmScheduler s;
  ASSERT_TRUE(s.admit(A, rt("a", 4, 1), 0).ok());
  ASSERT_TRUE(s.admit(B, rt("b", 5, 2), 0).ok());
  ASSERT_TRUE(s.admit(C, rt("c", 20, 5), 0).ok());
  Sim sim(s);
  sim.real_time(A, 1);
  sim.real_time(B, 2);
  sim.real_time(C, 5);
  constexpr int kHyperperiods = 200;
  sim.run_until(20 * kHyperperiods);
  EXPECT_EQ(sim.log(), repeat(kLiuLaylandPattern, 20, kHyperperiods));
  // Releases: one more each, at the end instant.
  expect_stats(s, A, 5 * kHyperperiods + 1, 5 * kHyperperiods, 0, 0, 1, 0);
  expect_stats(s, B, 4 * kHyperperiods + 1, 4 * kHyperperiods, 0, 0, 3, 1);
  expect_stats(s, C, kHyperperiods + 1, kHyperperiods, 0, 0, 15, 3);
}

// The same set with one thread that never calls job_done (busy loops). It
// is throttled at its budget every period, so the schedule is exactly the
// same as when it behaves, and the two others never miss. A busy
// best-effort thread gets only the idle time (18..20 of each hyperperiod).
class OverrunTest : public ::testing::TestWithParam<ThreadId> {};

TEST_P(OverrunTest, OverrunningThreadIsContained) {
  const ThreadId bad = GetParam();
  RmScheduler s;
  ASSERT_TRUE(s.admit(A, rt("a", 4, 1), 0).ok());
  ASSERT_TRUE(s.admit(B, rt("b", 5, 2), 0).ok());
  ASSERT_TRUE(s.admit(C, rt("c", 20, 5), 0).ok());
  ASSERT_TRUE(s.admit(E, be("hog"), 0).ok());
  Sim sim(s);
  sim.real_time(A, bad == A ? kForever : 1);
  sim.real_time(B, bad == B ? kForever : 2);
  sim.real_time(C, bad == C ? kForever : 5);
  constexpr int kHyperperiods = 50;
  sim.run_until(20 * kHyperperiods);

  std::vector<Dispatch> pattern = kLiuLaylandPattern;
  pattern.back().id = E;
  EXPECT_EQ(sim.log(), repeat(pattern, 20, kHyperperiods));

  // Jobs released before the end (the count of releases includes one at the end instant).
  const uint64_t jobs[] = {0, 5 * kHyperperiods, 4 * kHyperperiods, kHyperperiods};
  const uint64_t budget[] = {0, 1, 2, 5};
  const uint64_t response[] = {0, 1, 3, 15};
  const uint64_t jitter[] = {0, 0, 1, 3};
  for (ThreadId t : {A, B, C}) {
    if (t == bad) {
      // Every job overruns and is still pending at the next release.
      expect_stats(s, t, jobs[t] + 1, 0, jobs[t], jobs[t], 0, jitter[t]);
    } else {
      expect_stats(s, t, jobs[t] + 1, jobs[t], 0, 0, response[t], jitter[t]);
    }
    EXPECT_EQ(s.stats(t)->cpu_ticks, jobs[t] * budget[t]);
  }
  EXPECT_EQ(s.stats(E)->cpu_ticks, 2u * kHyperperiods);
}

INSTANTIATE_TEST_SUITE_P(EachThread, OverrunTest, ::testing::Values(A, B, C),
                         [](const ::testing::TestParamInfo<ThreadId>& info) {
                           return std::string(1, static_cast<char>('a' + info.param - 1));
                         });

// A higher-priority thread that would take the whole CPU without budget
// enforcement: c still meets every deadline.
TEST(RmSchedulerTest, ThrottledHogDoesNotStarveLowerPriority) {
  RmScheduler s;
  ASSERT_TRUE(s.admit(A, rt("hog", 10, 3), 0).ok());
  ASSERT_TRUE(s.admit(C, rt("c", 30, 20), 0).ok());  // R = 20 + 2*3 = 26 -> 20 + 3*3 = 29 <= 30
  Sim sim(s);
  sim.real_time(A, kForever);
  sim.real_time(C, 20);
  sim.run_until(3000);
  // 0 hog | 3 c | 10 hog | 13 c | 20 hog | 23 c (done at 29) | 29 idle | 30 ...
  const std::vector<Dispatch> pattern = {{0, A}, {3, C}, {10, A}, {13, C}, {20, A}, {23, C}, {29, kIdle}};
  EXPECT_EQ(sim.log(), repeat(pattern, 30, 100));
  expect_stats(s, C, 101, 100, 0, 0, 29, 3);
  expect_stats(s, A, 301, 0, 300, 300, 0, 0);
}

// Best-effort threads x and y (quantum 4) below a = (10, 4). A preempted
// best-effort thread keeps its place and the rest of its quantum:
//   0 a | 4 x | 8 y | 10 a | 14 y (2 left) | 16 x | 20 a | 24 y | 28 x |
//   30 a | 34 x (2 left) | 36 y | 40 (repeat)
TEST(RmSchedulerTest, BestEffortRoundRobinInIdleTime) {
  RmScheduler s(quantum(4));
  ASSERT_TRUE(s.admit(A, rt("a", 10, 4), 0).ok());
  ASSERT_TRUE(s.admit(X, be("x"), 0).ok());
  ASSERT_TRUE(s.admit(Y, be("y"), 0).ok());
  Sim sim(s);
  sim.real_time(A, 4);
  sim.run_until(40 * 25);
  const std::vector<Dispatch> pattern = {{0, A},  {4, X},  {8, Y},  {10, A}, {14, Y}, {16, X},
                                         {20, A}, {24, Y}, {28, X}, {30, A}, {34, X}, {36, Y}};
  EXPECT_EQ(sim.log(), repeat(pattern, 40, 25));
  expect_stats(s, A, 101, 100, 0, 0, 4, 0);
  EXPECT_EQ(s.stats(X)->cpu_ticks, 12u * 25);
  EXPECT_EQ(s.stats(Y)->cpu_ticks, 12u * 25);
}

// Best-effort yield (job_done) goes to the tail with a fresh quantum.
TEST(RmSchedulerTest, BestEffortYieldRotates) {
  RmScheduler s(quantum(10));
  ASSERT_TRUE(s.admit(X, be("x"), 0).ok());
  ASSERT_TRUE(s.admit(Y, be("y"), 0).ok());
  EXPECT_EQ(s.pick(0), X);
  ASSERT_TRUE(s.job_done(X, 3).ok());
  EXPECT_EQ(s.pick(3), Y);
  EXPECT_EQ(s.next_deadline(3), 13u);
  ASSERT_TRUE(s.job_done(Y, 4).ok());
  EXPECT_EQ(s.pick(4), X);
  EXPECT_EQ(s.remaining_ticks(X), 10u);
}

// ---- blocking ------------------------------------------------------------------

TEST(RmSchedulerTest, BlockedThreadWakesAtItsTimeout) {
  RmScheduler s(quantum(4));
  ASSERT_TRUE(s.admit(Y, be("y"), 0).ok());
  ASSERT_TRUE(s.admit(X, be("x"), 0).ok());
  EXPECT_EQ(s.pick(0), Y);
  ASSERT_TRUE(s.block(Y, 2, 5).ok());
  EXPECT_EQ(s.state(Y).value(), ThreadState::kBlocked);
  EXPECT_EQ(s.pick(2), X);
  // x is alone: no quantum tick, the timer fires for y's timeout.
  EXPECT_EQ(s.next_deadline(2), 7u);
  s.on_time(7);
  EXPECT_EQ(s.state(Y).value(), ThreadState::kReady);
  EXPECT_EQ(s.wake_reason(Y), WakeReason::kTimeout);
  // x has used more than its quantum by now: y goes first.
  EXPECT_EQ(s.pick(7), Y);
  EXPECT_EQ(s.next_deadline(7), 11u);
  EXPECT_EQ(s.pick(11), X);
}

TEST(RmSchedulerTest, WakeBeforeTimeoutCancelsIt) {
  RmScheduler s(quantum(4));
  ASSERT_TRUE(s.admit(Y, be("y"), 0).ok());
  ASSERT_TRUE(s.admit(X, be("x"), 0).ok());
  EXPECT_EQ(s.pick(0), Y);
  ASSERT_TRUE(s.block(Y, 2, 100).ok());
  EXPECT_EQ(s.pick(2), X);
  EXPECT_EQ(s.next_deadline(2), 102u);
  ASSERT_TRUE(s.wake(Y, 5).ok());
  EXPECT_EQ(s.wake_reason(Y), WakeReason::kWoken);
  EXPECT_EQ(s.wake(Y, 5).error(), Errno::kAgain);  // not blocked any more
  // x keeps the CPU until its quantum ends (2 + 4), y is next.
  EXPECT_EQ(s.next_deadline(5), 6u);
  EXPECT_EQ(s.pick(5), X);
  EXPECT_EQ(s.pick(6), Y);
  EXPECT_EQ(s.next_deadline(6), 10u);
}

TEST(RmSchedulerTest, BlockWithoutTimeoutAndZeroTimeout) {
  RmScheduler s;
  ASSERT_TRUE(s.admit(X, be("x"), 0).ok());
  EXPECT_EQ(s.pick(0), X);
  ASSERT_TRUE(s.block(X, 1, kNoTimeout).ok());
  EXPECT_EQ(s.pick(1), kIdle);
  EXPECT_EQ(s.next_deadline(1), kNever);
  ASSERT_TRUE(s.wake(X, 50).ok());
  EXPECT_EQ(s.pick(50), X);
  ASSERT_TRUE(s.block(X, 60, 0).ok());  // expires at once
  EXPECT_EQ(s.wake_reason(X), WakeReason::kTimeout);
  EXPECT_EQ(s.pick(60), X);
  EXPECT_EQ(s.block(X, 60, 0).ok(), true);
  EXPECT_EQ(s.block(99, 60, 0).error(), Errno::kSrch);
}

// A real-time thread that blocks keeps its job and budget; releases while
// it is blocked still count, and a job pending at its next release is a miss.
TEST(RmSchedulerTest, RealTimeThreadBlocking) {
  RmScheduler s;
  ASSERT_TRUE(s.admit(A, rt("a", 10, 4), 0).ok());
  EXPECT_EQ(s.pick(0), A);
  EXPECT_EQ(s.next_deadline(0), 4u);  // budget exhaustion
  ASSERT_TRUE(s.block(A, 1, 3).ok());
  EXPECT_EQ(s.pick(1), kIdle);
  EXPECT_EQ(s.next_deadline(1), 4u);  // the timeout
  EXPECT_EQ(s.pick(4), A);
  EXPECT_EQ(s.remaining_ticks(A), 3u);
  EXPECT_EQ(s.next_deadline(4), 7u);  // 3 ticks of budget left
  ASSERT_TRUE(s.job_done(A, 6).ok());
  expect_stats(s, A, 1, 1, 0, 0, 6, 0);

  // Second job: blocks forever at 11, released again at 20 while blocked.
  EXPECT_EQ(s.pick(10), A);
  ASSERT_TRUE(s.block(A, 11, kNoTimeout).ok());
  s.on_time(20);
  EXPECT_EQ(s.state(A).value(), ThreadState::kBlocked);
  expect_stats(s, A, 3, 1, 1, 0, 6, 0);
  ASSERT_TRUE(s.wake(A, 22).ok());
  EXPECT_EQ(s.pick(22), A);
  EXPECT_EQ(s.remaining_ticks(A), 4u);  // the new job's full budget
  ASSERT_TRUE(s.job_done(A, 23).ok());
  expect_stats(s, A, 3, 2, 1, 0, 6, 2);
}

// ---- tickless ------------------------------------------------------------------

TEST(RmSchedulerTest, NextDeadlineIsTickless) {
  RmScheduler s(quantum(100));
  EXPECT_EQ(s.pick(0), kIdle);
  EXPECT_EQ(s.next_deadline(0), kNever);  // nothing to do: no timer at all
  ASSERT_TRUE(s.admit(X, be("x"), 0).ok());
  EXPECT_EQ(s.pick(0), X);
  EXPECT_EQ(s.next_deadline(0), kNever);  // one best-effort thread: no quantum tick
  ASSERT_TRUE(s.admit(Y, be("y"), 30).ok());
  EXPECT_EQ(s.next_deadline(30), 100u);  // now x's quantum matters
  ASSERT_TRUE(s.admit(A, rt("a", 50, 10), 40).ok());
  EXPECT_EQ(s.pick(40), A);  // released at admission, preempts x
  EXPECT_EQ(s.next_deadline(40), 50u);  // budget exhaustion
  ASSERT_TRUE(s.job_done(A, 45).ok());
  EXPECT_EQ(s.pick(45), X);
  EXPECT_EQ(s.next_deadline(45), 90u);  // a's release, before x's quantum end (40 used, 60 left: 105)
  EXPECT_EQ(s.pick(90), A);
  EXPECT_EQ(s.next_deadline(90), 100u);  // a's budget
  EXPECT_EQ(s.next_deadline(10), 100u);  // an older time is taken as the latest seen
  ASSERT_TRUE(s.job_done(A, 92).ok());
  EXPECT_EQ(s.pick(92), X);
  EXPECT_EQ(s.next_deadline(92), 107u);  // x: 40 + 45 = 85 used, 15 left (a's release: 140)
}

// ---- admission -----------------------------------------------------------------

TEST(RmSchedulerTest, AdmissionRefusesTheThreadThatWouldMiss) {
  RmScheduler s;
  ASSERT_TRUE(s.admit(A, rt("a", 4, 2), 0).ok());
  AdmissionReport report;
  EXPECT_EQ(s.admit(B, rt("b", 6, 3), 0, &report).error(), Errno::kBusy);
  EXPECT_EQ(report.failing, B);
  EXPECT_EQ(report.outcome, RtaOutcome::kMisses);
  EXPECT_EQ(report.response_ticks, 7u);
  EXPECT_EQ(report.miss_ticks, 1u);
  EXPECT_STREQ(report.message,
               "admission of 'b' refused: thread 'b' misses its deadline by 1 tick: worst response time 7 ticks > "
               "period 6 ticks");
  EXPECT_EQ(s.thread_count(), 1u);
  EXPECT_FALSE(s.contains(B));
  EXPECT_EQ(s.admit(B, rt("b", 6, 3), 0).error(), Errno::kBusy);  // report is optional
}

TEST(RmSchedulerTest, AdmissionProtectsAlreadyAdmittedThreads) {
  RmScheduler s;
  ASSERT_TRUE(s.admit(B, rt("b", 12, 4), 0).ok());
  ASSERT_TRUE(s.admit(C, rt("c", 20, 5), 0).ok());
  AdmissionReport report;
  EXPECT_TRUE(s.would_admit(rt("a", 5, 1), &report).ok());
  EXPECT_EQ(s.would_admit(rt("a", 5, 2), &report).error(), Errno::kBusy);
  EXPECT_EQ(s.admit(A, rt("a", 5, 2), 3, &report).error(), Errno::kBusy);
  EXPECT_EQ(report.failing, C);
  EXPECT_EQ(report.response_ticks, 23u);
  EXPECT_EQ(report.miss_ticks, 3u);
  EXPECT_STREQ(report.message,
               "admission of 'a' refused: thread 'c' misses its deadline by 3 ticks: worst response time 23 ticks > "
               "period 20 ticks");
  // Once c has exited its reservation is free.
  ASSERT_TRUE(s.thread_exit(C, 5).ok());
  EXPECT_TRUE(s.admit(A, rt("a", 5, 2), 5).ok());
  EXPECT_EQ(s.state(C).value(), ThreadState::kExited);
  EXPECT_EQ(s.admit(C, rt("c", 20, 5), 5).error(), Errno::kExist);  // remove() first
  ASSERT_TRUE(s.remove(C, 5).ok());
  EXPECT_EQ(s.admit(C, rt("c", 20, 5), 5).error(), Errno::kBusy);
}

TEST(RmSchedulerTest, AdmissionUsesTheConfiguredOverhead) {
  SchedulerConfig config;
  config.rta.overhead_ticks = 1;
  RmScheduler s(config);
  ASSERT_TRUE(s.admit(A, rt("a", 10, 5), 0).ok());
  ASSERT_TRUE(s.admit(B, rt("b", 20, 5), 0).ok());
  AdmissionReport report;
  EXPECT_EQ(s.admit(C, rt("c", 40, 10), 0, &report).error(), Errno::kBusy);
  EXPECT_EQ(report.outcome, RtaOutcome::kDiverges);
  EXPECT_EQ(report.failing, C);
  s.reset(SchedulerConfig{});
  ASSERT_TRUE(s.admit(A, rt("a", 10, 5), 0).ok());
  ASSERT_TRUE(s.admit(B, rt("b", 20, 5), 0).ok());
  EXPECT_TRUE(s.admit(C, rt("c", 40, 10), 0).ok());
}

TEST(RmSchedulerTest, InvalidCalls) {
  RmScheduler s;
  EXPECT_EQ(s.admit(kIdle, be("idle"), 0).error(), Errno::kInval);
  EXPECT_EQ(s.admit(A, rt("a", 10, 0), 0).error(), Errno::kInval);
  EXPECT_EQ(s.admit(A, rt("a", 0, 5), 0).error(), Errno::kInval);
  EXPECT_EQ(s.admit(A, rt("a", 10, 11), 0).error(), Errno::kInval);
  ASSERT_TRUE(s.admit(A, rt("a", 10, 10), 0).ok());  // budget == period is allowed
  EXPECT_EQ(s.admit(A, be("again"), 0).error(), Errno::kExist);
  EXPECT_EQ(s.job_done(B, 0).error(), Errno::kSrch);
  EXPECT_EQ(s.wake(B, 0).error(), Errno::kSrch);
  EXPECT_EQ(s.remove(B, 0).error(), Errno::kSrch);
  EXPECT_EQ(s.thread_exit(B, 0).error(), Errno::kSrch);
  EXPECT_EQ(s.state(B).error(), Errno::kSrch);
  EXPECT_EQ(s.stats(B), nullptr);
  EXPECT_EQ(s.priority(B).error(), Errno::kSrch);
  ASSERT_TRUE(s.job_done(A, 1).ok());
  EXPECT_EQ(s.job_done(A, 2).error(), Errno::kInval);  // already waiting for its release
  EXPECT_EQ(s.block(A, 2, 5).error(), Errno::kInval);
  EXPECT_EQ(s.wake(A, 2).error(), Errno::kAgain);
}

TEST(RmSchedulerTest, SixtyFourThreadsAtMost) {
  RmScheduler s;
  for (ThreadId id = 0; id < kMaxThreads; ++id) {
    ASSERT_TRUE(s.admit(id, id % 2 ? be("b") : rt("r", 1000, 10), 0).ok()) << id;
  }
  EXPECT_EQ(s.thread_count(), kMaxThreads);
  EXPECT_EQ(s.admit(100, be("x"), 0).error(), Errno::kAgain);
  EXPECT_EQ(s.would_admit(rt("x", 1000, 1)).error(), Errno::kAgain);
  ASSERT_TRUE(s.remove(5, 0).ok());
  EXPECT_TRUE(s.admit(100, rt("x", 1000, 10), 0).ok());
  EXPECT_EQ(s.priority(100).value(), 32u);  // the 33rd real-time thread of period 1000
}

// Equal periods: admission order, unless an explicit order is given (the
// kernel passes the manifest declaration index).
TEST(RmSchedulerTest, TieBreaks) {
  RmScheduler s;
  ASSERT_TRUE(s.admit(A, rt("a", 10, 2), 0).ok());
  ASSERT_TRUE(s.admit(B, rt("b", 10, 2), 0).ok());
  EXPECT_EQ(s.priority(A).value(), 0u);
  EXPECT_EQ(s.priority(B).value(), 1u);
  ThreadParams p = rt("c", 10, 2);
  p.order = 0;
  ASSERT_TRUE(s.admit(C, p, 0).ok());
  EXPECT_EQ(s.priority(C).value(), 0u);
  EXPECT_EQ(s.priority(A).value(), 1u);
  EXPECT_EQ(s.pick(0), C);
  ASSERT_TRUE(s.job_done(C, 2).ok());
  EXPECT_EQ(s.pick(2), A);
  ASSERT_TRUE(s.admit(X, be("x"), 2).ok());
  EXPECT_EQ(s.priority(X).error(), Errno::kInval);
}

TEST(RmSchedulerTest, ExitedRunningThreadStopsRunning) {
  RmScheduler s;
  ASSERT_TRUE(s.admit(A, rt("a", 10, 5), 0).ok());
  ASSERT_TRUE(s.admit(X, be("x"), 0).ok());
  EXPECT_EQ(s.pick(0), A);
  ASSERT_TRUE(s.thread_exit(A, 2).ok());
  EXPECT_EQ(s.running(), kIdle);
  EXPECT_EQ(s.pick(2), X);
  EXPECT_EQ(s.next_deadline(2), kNever);  // no releases for an exited thread
  EXPECT_EQ(s.stats(A)->cpu_ticks, 2u);
}

// A caller that is late (or a thread skipped several periods): every
// release is counted in O(1) and each job that never ran is a miss.
TEST(RmSchedulerTest, LateCallCountsEverySkippedRelease) {
  RmScheduler s;
  ASSERT_TRUE(s.admit(A, rt("a", 10, 1), 0).ok());
  EXPECT_EQ(s.pick(0), A);
  ASSERT_TRUE(s.job_done(A, 1).ok());
  s.on_time(1'000'005);  // releases at 10, 20, ..., 1'000'000
  expect_stats(s, A, 100'001, 1, 99'999, 0, 1, 0);
  EXPECT_EQ(s.next_deadline(1'000'005), 1'000'010u);
}

// Threads admitted one by one at different times, then a common first
// release: the schedule from the epoch is the textbook one, and nothing
// from before it is in the statistics.
TEST(RmSchedulerTest, BeginEpochRestartsReleasesTogether) {
  RmScheduler s;
  ASSERT_TRUE(s.admit(A, rt("a", 4, 1), 0).ok());
  ASSERT_TRUE(s.admit(B, rt("b", 5, 2), 7).ok());
  ASSERT_TRUE(s.admit(C, rt("c", 20, 5), 9).ok());
  ASSERT_TRUE(s.admit(X, be("x"), 9).ok());
  EXPECT_EQ(s.pick(9), A);  // a: released at 8, not yet run
  ASSERT_TRUE(s.block(X, 9, kNoTimeout).ok());
  s.begin_epoch(100);
  for (ThreadId t : {A, B, C}) {
    expect_stats(s, t, 1, 0, 0, 0, 0, 0);
    EXPECT_EQ(s.state(t).value(), t == A ? ThreadState::kRunning : ThreadState::kReady);
  }
  EXPECT_EQ(s.state(X).value(), ThreadState::kBlocked);
  EXPECT_EQ(s.stats(A)->cpu_ticks, 0u);
  Sim sim(s, 100);
  sim.real_time(A, 1);
  sim.real_time(B, 2);
  sim.real_time(C, 5);
  sim.run_until(100 + 20 * 10);
  std::vector<Dispatch> expected = repeat(kLiuLaylandPattern, 20, 10);
  for (Dispatch& d : expected) d.time += 100;
  EXPECT_EQ(sim.log(), expected);
  expect_stats(s, C, 11, 10, 0, 0, 15, 3);
}

// ---- statistics ----------------------------------------------------------------

TEST(RmSchedulerTest, PrintStatsOneLinePerThread) {
  RmScheduler s(quantum(4));
  ASSERT_TRUE(s.admit(A, rt("a", 4, 1), 0).ok());
  ASSERT_TRUE(s.admit(B, rt("b", 5, 2), 0).ok());
  ASSERT_TRUE(s.admit(C, rt("c", 20, 5), 0).ok());
  ASSERT_TRUE(s.admit(E, be("main"), 0).ok());
  Sim sim(s);
  sim.real_time(A, 1);
  sim.real_time(B, kForever);
  sim.real_time(C, 5);
  sim.run_until(40);
  std::vector<std::string> lines;
  s.print_stats([](void* ctx, const char* line) { static_cast<std::vector<std::string>*>(ctx)->push_back(line); },
                &lines, 1'000'000);
  const std::vector<std::string> expected = {
      "sched: a rt prio=0 period=4 budget=1 releases=11 done=10 misses=0 overruns=0 worst_response=1 (1us) "
      "worst_jitter=0 (0us) cpu=10 dispatches=10 state=ready",
      "sched: b rt prio=1 period=5 budget=2 releases=9 done=0 misses=8 overruns=8 worst_response=0 (0us) "
      "worst_jitter=1 (1us) cpu=16 dispatches=10 state=ready",
      "sched: c rt prio=2 period=20 budget=5 releases=3 done=2 misses=0 overruns=0 worst_response=15 (15us) "
      "worst_jitter=3 (3us) cpu=10 dispatches=8 state=ready",
      "sched: main be cpu=4 dispatches=2 state=running",
  };
  EXPECT_EQ(lines, expected);

  char line[64];
  EXPECT_EQ(s.format_stats(E, 0, line, sizeof line), 47u);
  EXPECT_STREQ(line, "sched: main be cpu=4 dispatches=2 state=running");
  EXPECT_EQ(s.format_stats(99, 0, line, sizeof line), 0u);
  EXPECT_STREQ(line, "");
  ASSERT_TRUE(s.thread_exit(C, 40).ok());
  s.format_stats(C, 0, line, sizeof line);
  EXPECT_EQ(std::string(line).substr(0, 30), "sched: c rt prio=- period=20 b");
}

// ---- cross-check with the analysis ---------------------------------------------

// Random sets that the analysis accepts, every thread using its whole
// budget from a synchronous release: no misses, no overruns, and the worst
// observed response time of each thread is exactly its analysed R.
TEST(RmSchedulerTest, SimulationMatchesAnalysisOnRandomSets) {
  std::mt19937_64 rng(7);
  int checked = 0;
  for (int round = 0; round < 400; ++round) {
    const size_t n = 1 + rng() % 6;
    std::vector<RtaTask> tasks(n);
    for (auto& t : tasks) {
      t.name = "t";
      t.period_ticks = 5 + rng() % 40;
      t.budget_ticks = 1 + rng() % (t.period_ticks / 3);
    }
    std::vector<RtaResult> results(n);
    RtaSummary summary;
    ASSERT_TRUE(analyse(tasks.data(), n, {}, results.data(), &summary).ok());

    RmScheduler s;
    bool admitted = true;
    for (size_t i = 0; i < n && admitted; ++i) {
      admitted = s.admit(static_cast<ThreadId>(i), rt("t", tasks[i].period_ticks, tasks[i].budget_ticks), 0).ok();
    }
    if (!summary.schedulable()) {
      EXPECT_FALSE(admitted) << "round " << round;  // some prefix fails the same analysis
      continue;
    }
    ASSERT_TRUE(admitted) << "round " << round;
    Sim sim(s);
    for (size_t i = 0; i < n; ++i) sim.real_time(static_cast<ThreadId>(i), tasks[i].budget_ticks);
    sim.run_until(2000);
    for (size_t i = 0; i < n; ++i) {
      const ThreadStats* st = s.stats(static_cast<ThreadId>(i));
      EXPECT_EQ(st->deadline_misses, 0u) << "round " << round;
      EXPECT_EQ(st->overruns, 0u) << "round " << round;
      EXPECT_EQ(st->worst_response_ticks, results[i].response_ticks) << "round " << round << " thread " << i;
      EXPECT_LE(st->worst_jitter_ticks, results[i].response_ticks - tasks[i].budget_ticks);
    }
    ++checked;
  }
  EXPECT_GT(checked, 100);
}

}  // namespace
}  // namespace uk::sched
