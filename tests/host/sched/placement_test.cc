// Placement of threads on cores (kernel/sched/placement.h): known task sets
// with hand-checked placements and messages, the best-effort rule, pins,
// invalid input, and random sets checked against the rule's invariants.
#include "kernel/sched/placement.h"

#include <stdint.h>

#include <memory>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace uk::sched {
namespace {

struct Placed {
  Status status;
  std::unique_ptr<Placement> p = std::make_unique<Placement>();
};

// Threads get order = input index unless given.
PlacementThread rt(const char* name, uint64_t period, uint64_t budget, int32_t cpu = kUnpinned) {
  return PlacementThread{name, period, budget, cpu, 0};
}
PlacementThread be(const char* name, int32_t cpu = kUnpinned) { return PlacementThread{name, 0, 0, cpu, 0}; }

Placed place(std::vector<PlacementThread> threads, uint32_t cpus, bool keep_order = false, RtaOptions options = {}) {
  if (!keep_order) {
    for (size_t i = 0; i < threads.size(); ++i) threads[i].order = i;
  }
  Placed r;
  r.status = place_threads(threads.data(), threads.size(), cpus, options, r.p.get());
  return r;
}

std::vector<uint32_t> cpus_of(const Placed& r) { return std::vector<uint32_t>(r.p->cpu, r.p->cpu + r.p->count); }

// Four threads of utilisation 0.6 (T = 10, C = 6): no two fit on one core
// (together they need 120 % of it), so four cores are needed.
std::vector<PlacementThread> four_heavy() {
  return {rt("a", 10, 6), rt("b", 10, 6), rt("c", 10, 6), rt("d", 10, 6)};
}

TEST(PlacementTest, FourHeavyThreadsFitOnFourCores) {
  const Placed r = place(four_heavy(), 4);
  ASSERT_TRUE(r.status.ok()) << r.p->message;
  EXPECT_EQ(cpus_of(r), (std::vector<uint32_t>{0, 1, 2, 3}));
  EXPECT_TRUE(r.p->schedulable());
  EXPECT_STREQ(r.p->message, "");
  for (uint32_t c = 0; c < 4; ++c) {
    EXPECT_EQ(r.p->cores[c].rt_count, 1u);
    EXPECT_TRUE(r.p->cores[c].schedulable());
    EXPECT_EQ(r.p->cores[c].utilisation_ppm, 600'000u);
    EXPECT_EQ(r.p->cores[c].by_priority[0], c);
    EXPECT_EQ(r.p->result[c].response_ticks, 6u);
    EXPECT_EQ(r.p->result[c].priority, 0u);
  }
}

TEST(PlacementTest, FourHeavyThreadsDoNotFitOnThreeCores) {
  const Placed r = place(four_heavy(), 3);
  EXPECT_EQ(r.status.error(), Errno::kBusy);
  EXPECT_FALSE(r.p->schedulable());
  // Every core has 0.6 when 'd' comes: the least loaded is the lowest-numbered.
  EXPECT_STREQ(r.p->message,
               "thread 'd' fits on no core of 3 (on core 0, the least loaded: thread 'd' misses its deadline without "
               "bound: with the higher-priority threads it needs more than 100% of the CPU (response time diverges))");
  EXPECT_EQ(r.p->failing_thread, 3u);
  EXPECT_EQ(r.p->failing_core, 0u);
  // The whole picture is still there: 'd' sits on core 0, which misses.
  EXPECT_EQ(cpus_of(r), (std::vector<uint32_t>{0, 1, 2, 0}));
  EXPECT_EQ(r.p->cores[0].rt_count, 2u);
  EXPECT_EQ(r.p->cores[0].failing, 1u);
  EXPECT_EQ(r.p->cores[0].first_failing, 3u);
  EXPECT_EQ(r.p->result[3].outcome, RtaOutcome::kDiverges);
  EXPECT_TRUE(r.p->cores[1].schedulable());
  EXPECT_TRUE(r.p->cores[2].schedulable());
}

TEST(PlacementTest, OneCoreKeepsTheWholeSetAnalysedTogether) {
  // Liu & Layland's example, U = 0.9 (rta_test: R = 1, 3, 15).
  const Placed ok = place({rt("a", 4, 1), rt("b", 5, 2), rt("c", 20, 5)}, 1);
  ASSERT_TRUE(ok.status.ok()) << ok.p->message;
  EXPECT_EQ(cpus_of(ok), (std::vector<uint32_t>{0, 0, 0}));
  EXPECT_EQ(ok.p->result[0].response_ticks, 1u);
  EXPECT_EQ(ok.p->result[1].response_ticks, 3u);
  EXPECT_EQ(ok.p->result[2].response_ticks, 15u);
  EXPECT_EQ(ok.p->cores[0].by_priority[0], 0u);
  EXPECT_EQ(ok.p->cores[0].by_priority[2], 2u);
  EXPECT_EQ(ok.p->cores[0].utilisation_ppm, 900'000u);

  // T = (4, 6), C = (2, 3): b misses by 1 (R = 7). Equal utilisation 0.5:
  // a (order 0) is placed first, then b does not fit.
  const Placed miss = place({rt("a", 4, 2), rt("b", 6, 3)}, 1);
  EXPECT_EQ(miss.status.error(), Errno::kBusy);
  EXPECT_STREQ(miss.p->message,
               "thread 'b' does not fit on the only core (core 0: thread 'b' misses its deadline by 1 tick: worst "
               "response time 7 ticks > period 6 ticks)");
  EXPECT_EQ(miss.p->failing_thread, 1u);
  EXPECT_EQ(miss.p->cores[0].first_failing, 1u);
  EXPECT_EQ(miss.p->result[1].response_ticks, 7u);
}

TEST(PlacementTest, FirstFitDecreasingByUtilisation) {
  // Utilisations 0.3, 0.8, 0.5: placed in the order t2, t3, t1.
  //   t2 -> core 0.  t3 on core 0: R = 8 + 5 > 10 -> core 1.
  //   t1 on core 0: t1 ranks first (equal periods, smaller order): t2's
  //   R = 3 + 8 = 11 > 10 -> core 1 (t1, t3: R = 3, 8).
  const Placed r = place({rt("t1", 10, 3), rt("t2", 10, 8), rt("t3", 10, 5)}, 2);
  ASSERT_TRUE(r.status.ok()) << r.p->message;
  EXPECT_EQ(cpus_of(r), (std::vector<uint32_t>{1, 0, 1}));
  EXPECT_EQ(r.p->result[0].response_ticks, 3u);
  EXPECT_EQ(r.p->result[2].response_ticks, 8u);
  EXPECT_EQ(r.p->cores[1].by_priority[0], 0u);
  EXPECT_EQ(r.p->cores[1].by_priority[1], 2u);
}

TEST(PlacementTest, UtilisationComparedExactly) {
  // (2^53 + 1) / 2^54 is above 1/2 by 2^-54, which a double cannot hold
  // (it rounds to exactly 1/2, a tie that the order would break the other
  // way). Together they need more than one core: the one placed second is
  // the one refused, so the refusal shows the order used.
  const uint64_t two53 = uint64_t{1} << 53;
  const Placed r = place({rt("half", 2, 1), rt("big", 2 * two53, two53 + 1)}, 1);
  EXPECT_EQ(r.status.error(), Errno::kBusy);
  EXPECT_EQ(r.p->failing_thread, 0u) << r.p->message;  // 'big' went first
  // Products near 2^128 do not overflow: y's utilisation is the larger
  // ((2^63 - 1) / (2^64 - 4) > (2^63 - 1) / (2^64 - 2)), so y goes first,
  // to core 0; x does not fit next to it.
  const uint64_t big = UINT64_MAX - 1;
  const Placed huge = place({rt("x", big, big / 2), rt("y", big - 2, big / 2)}, 2);
  ASSERT_TRUE(huge.status.ok()) << huge.p->message;
  EXPECT_EQ(cpus_of(huge), (std::vector<uint32_t>{1, 0}));
}

TEST(PlacementTest, EqualUtilisationTiesByOrderThenIndex) {
  // Same utilisation 0.6, so no two share a core; which one goes first is
  // decided by order (not by input index): with 2 cores the one left over
  // is the thread with the largest order.
  std::vector<PlacementThread> t = {rt("a", 10, 6), rt("b", 20, 12), rt("c", 5, 3)};
  t[0].order = 2;
  t[1].order = 0;
  t[2].order = 1;
  const Placed r = place(t, 2, /*keep_order=*/true);
  EXPECT_EQ(r.status.error(), Errno::kBusy);
  EXPECT_EQ(r.p->failing_thread, 0u);  // 'a' (order 2) is the last placed
  EXPECT_EQ(r.p->cpu[1], 0u);          // 'b' (order 0) first
  EXPECT_EQ(r.p->cpu[2], 1u);          // 'c' (order 1) second
  // Equal orders: the input index decides.
  std::vector<PlacementThread> u = {rt("p", 10, 6), rt("q", 10, 6), rt("r", 10, 6)};
  for (PlacementThread& x : u) x.order = 7;
  const Placed s = place(u, 2, /*keep_order=*/true);
  EXPECT_EQ(s.p->failing_thread, 2u);
  EXPECT_EQ(s.p->cpu[0], 0u);
  EXPECT_EQ(s.p->cpu[1], 1u);
}

TEST(PlacementTest, PinnedThreadsStayWherePinned) {
  // Both light threads pinned to core 3: they stay there although core 0 is empty.
  const Placed r = place({rt("a", 10, 1, 3), rt("b", 10, 1, 3), rt("c", 10, 5)}, 4);
  ASSERT_TRUE(r.status.ok()) << r.p->message;
  EXPECT_EQ(cpus_of(r), (std::vector<uint32_t>{3, 3, 0}));
  // Unpinned threads fill around the pins, first fit from core 0.
  const Placed s = place({rt("heavy", 10, 9, 0), rt("x", 10, 5), rt("y", 10, 5)}, 2);
  ASSERT_TRUE(s.status.ok()) << s.p->message;
  EXPECT_EQ(cpus_of(s), (std::vector<uint32_t>{0, 1, 1}));
}

TEST(PlacementTest, PinnedOverloadIsRefusedNamingTheCore) {
  // T = (4, 6), C = (2, 3) pinned together: 'log' misses by 1 (R = 7).
  const Placed r = place({rt("free", 10, 2), rt("ctrl", 4, 2, 2), rt("log", 6, 3, 2)}, 4);
  EXPECT_EQ(r.status.error(), Errno::kBusy);
  EXPECT_STREQ(r.p->message,
               "core 2: thread 'log' misses its deadline by 1 tick: worst response time 7 ticks > period 6 ticks");
  EXPECT_EQ(r.p->failing_core, 2u);
  EXPECT_EQ(r.p->failing_thread, 2u);
  EXPECT_EQ(r.p->cores[2].failing, 1u);
  EXPECT_TRUE(r.p->cores[0].schedulable());
  EXPECT_EQ(r.p->cpu[0], 0u);  // the free thread is still placed

  // The pinned set's failure is the root cause, reported even when an
  // unpinned thread then fits nowhere.
  const Placed s = place({rt("p1", 4, 2, 0), rt("p2", 6, 3, 0), rt("u", 10, 9)}, 1);
  EXPECT_EQ(s.status.error(), Errno::kBusy);
  EXPECT_STREQ(s.p->message,
               "core 0: thread 'p2' misses its deadline by 1 tick: worst response time 7 ticks > period 6 ticks");
}

TEST(PlacementTest, PinOutOfRange) {
  const Placed r = place({rt("a", 10, 1), rt("x", 10, 1, 4)}, 4);
  EXPECT_EQ(r.status.error(), Errno::kInval);
  EXPECT_STREQ(r.p->message, "thread 'x' is pinned to core 4, but there are 4 cores (0..3)");
  EXPECT_EQ(r.p->failing_thread, 1u);
  const Placed one = place({be("main", 1)}, 1);
  EXPECT_EQ(one.status.error(), Errno::kInval);
  EXPECT_STREQ(one.p->message, "thread 'main' is pinned to core 1, but there is 1 core (0..0)");
  const Placed neg = place({be("main", -2)}, 2);
  EXPECT_EQ(neg.status.error(), Errno::kInval);
}

TEST(PlacementTest, BestEffortWithoutRealTimeStaysOnCoreZero) {
  const Placed r = place({be("main"), be("worker"), be("shell")}, 4);
  ASSERT_TRUE(r.status.ok()) << r.p->message;
  EXPECT_EQ(cpus_of(r), (std::vector<uint32_t>{0, 0, 0}));
  EXPECT_EQ(r.p->cores[0].be_count, 3u);
  EXPECT_EQ(r.p->cores[0].rt_count, 0u);
}

TEST(PlacementTest, BestEffortGoesToTheLeastRealTimeLoadedCore) {
  // Core 0: 0.5 + pinned 0.2; core 1: 0.4 (pinned); core 2: 0.1; core 3: 0.1.
  const Placed r = place({be("main"), rt("a", 10, 5), rt("p", 10, 2, 0), rt("q", 10, 4, 1), rt("b", 10, 1, 2),
                       rt("c", 10, 1, 3), be("pinned", 0)},
                      4);
  ASSERT_TRUE(r.status.ok()) << r.p->message;
  // 'a' (0.5) fits first on core 0 (0.2 + 0.5). Cores 2 and 3 tie at 0.1:
  // best effort goes to core 2; a pinned best-effort thread stays.
  EXPECT_EQ(cpus_of(r), (std::vector<uint32_t>{2, 0, 0, 1, 2, 3, 0}));
  EXPECT_EQ(r.p->cores[2].be_count, 1u);
  EXPECT_EQ(r.p->cores[0].be_count, 1u);
}

TEST(PlacementTest, Deterministic) {
  std::vector<PlacementThread> t;
  const char* names[] = {"t0", "t1", "t2", "t3", "t4", "t5", "t6", "t7", "t8", "t9"};
  for (size_t i = 0; i < 10; ++i) t.push_back(rt(names[i], 10 + i % 3 * 5, 2 + i % 4));
  t.push_back(be("main"));
  const Placed a = place(t, 4);
  const Placed b = place(t, 4);
  ASSERT_TRUE(a.status.ok()) << a.p->message;
  EXPECT_EQ(cpus_of(a), cpus_of(b));
  // Reusing one Placement gives the same again (no state carried over).
  Placed c = place(four_heavy(), 3);
  ASSERT_FALSE(c.status.ok());
  for (size_t i = 0; i < t.size(); ++i) t[i].order = i;
  ASSERT_TRUE(place_threads(t.data(), t.size(), 4, RtaOptions{}, c.p.get()).ok());
  EXPECT_EQ(cpus_of(c), cpus_of(a));
  EXPECT_STREQ(c.p->message, "");
}

TEST(PlacementTest, OverheadCountsInTheAnalysis) {
  // Two threads of 0.4 share a core without overhead, not with 2 ticks each.
  const Placed r = place({rt("a", 10, 4), rt("b", 10, 4)}, 2);
  EXPECT_EQ(cpus_of(r), (std::vector<uint32_t>{0, 0}));
  RtaOptions o;
  o.overhead_ticks = 2;
  const Placed s = place({rt("a", 10, 4), rt("b", 10, 4)}, 2, false, o);
  ASSERT_TRUE(s.status.ok()) << s.p->message;
  EXPECT_EQ(cpus_of(s), (std::vector<uint32_t>{0, 1}));
}

TEST(PlacementTest, InvalidInput) {
  Placement* p = new Placement;
  const PlacementThread t[] = {rt("a", 10, 1)};
  EXPECT_EQ(place_threads(t, 1, 0, RtaOptions{}, p).error(), Errno::kInval);
  EXPECT_STREQ(p->message, "0 cores (must be 1..8)");
  EXPECT_EQ(place_threads(t, 1, kMaxCpus + 1, RtaOptions{}, p).error(), Errno::kInval);
  EXPECT_EQ(place_threads(nullptr, 1, 1, RtaOptions{}, p).error(), Errno::kInval);
  EXPECT_EQ(place_threads(t, 1, 1, RtaOptions{}, nullptr).error(), Errno::kInval);
  EXPECT_EQ(place_threads(t, kMaxPlacementThreads + 1, 1, RtaOptions{}, p).error(), Errno::kInval);
  const PlacementThread half[] = {PlacementThread{"h", 0, 5, kUnpinned, 0}};
  EXPECT_EQ(place_threads(half, 1, 1, RtaOptions{}, p).error(), Errno::kInval);
  EXPECT_STREQ(p->message, "thread 'h': a budget without a period");
  EXPECT_TRUE(place_threads(nullptr, 0, 1, RtaOptions{}, p).ok());
  delete p;
}

TEST(PlacementTest, TooManyRealTimeThreadsForOneCore) {
  std::vector<PlacementThread> t(kMaxRtaTasks + 1, rt("x", 1'000'000, 1));
  const Placed one = place(t, 1);
  EXPECT_EQ(one.status.error(), Errno::kInval);
  EXPECT_STREQ(one.p->message, "thread 'x' fits on no core: every core already has 64 real-time threads");
  const Placed two = place(t, 2);
  ASSERT_TRUE(two.status.ok()) << two.p->message;
  EXPECT_EQ(two.p->cores[0].rt_count, kMaxRtaTasks);
  EXPECT_EQ(two.p->cores[1].rt_count, 1u);
  for (PlacementThread& x : t) x.cpu = 1;
  const Placed pinned = place(t, 2);
  EXPECT_EQ(pinned.status.error(), Errno::kInval);
  EXPECT_STREQ(pinned.p->message, "core 1: more than 64 real-time threads pinned");
}

// Random sets: whatever the outcome, every thread has a core, pins are kept,
// each core's verdict is the analysis of exactly the threads placed there,
// and when the placement succeeds every core passes.
TEST(PlacementTest, RandomSetsKeepTheInvariants) {
  std::mt19937_64 rng(12345);
  for (int round = 0; round < 500; ++round) {
    const uint32_t cpus = 1 + static_cast<uint32_t>(rng() % kMaxCpus);
    const size_t n = 1 + rng() % 24;
    std::vector<PlacementThread> t(n);
    for (size_t i = 0; i < n; ++i) {
      const uint64_t period = 5 + rng() % 50;
      const bool best_effort = rng() % 5 == 0;
      t[i] = best_effort ? be("t") : rt("t", period, 1 + rng() % period);
      if (rng() % 6 == 0) t[i].cpu = static_cast<int32_t>(rng() % cpus);
      t[i].order = rng() % 4;
    }
    const Placed r = place(t, cpus, /*keep_order=*/true);
    ASSERT_NE(r.status.error(), Errno::kInval) << r.p->message;
    EXPECT_EQ(r.status.ok(), r.p->schedulable());
    for (uint32_t c = 0; c < cpus; ++c) {
      std::vector<RtaTask> tasks;
      std::vector<size_t> index;
      size_t be_count = 0;
      for (size_t i = 0; i < n; ++i) {
        ASSERT_LT(r.p->cpu[i], cpus);
        if (t[i].cpu != kUnpinned) {
          ASSERT_EQ(r.p->cpu[i], static_cast<uint32_t>(t[i].cpu));
        }
        if (r.p->cpu[i] != c) continue;
        if (!t[i].real_time()) {
          ++be_count;
          continue;
        }
        // Declaration order: order, then index (insert sorted).
        size_t pos = index.size();
        while (pos > 0 && (t[index[pos - 1]].order > t[i].order)) --pos;
        index.insert(index.begin() + static_cast<std::ptrdiff_t>(pos), i);
        tasks.insert(tasks.begin() + static_cast<std::ptrdiff_t>(pos), RtaTask{"t", t[i].period_ticks, t[i].budget_ticks});
      }
      std::vector<RtaResult> results(tasks.size());
      RtaSummary summary;
      ASSERT_TRUE(analyse(tasks.data(), tasks.size(), RtaOptions{}, results.data(), &summary).ok());
      const CoreVerdict& v = r.p->cores[c];
      EXPECT_EQ(v.rt_count, tasks.size());
      EXPECT_EQ(v.be_count, be_count);
      EXPECT_EQ(v.failing, summary.failing);
      for (size_t k = 0; k < tasks.size(); ++k) {
        EXPECT_EQ(r.p->result[index[k]].response_ticks, results[k].response_ticks);
        EXPECT_EQ(v.by_priority[results[k].priority], index[k]);
      }
      if (r.status.ok()) {
        EXPECT_TRUE(v.schedulable());
      }
    }
  }
}

}  // namespace
}  // namespace uk::sched
