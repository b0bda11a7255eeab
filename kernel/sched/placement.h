// Partitioned rate-monotonic placement: which core each thread of an image
// runs on for its whole life. Decided once, at build time (tools/pack writes
// the result into the bundle, tools/schedcheck prints it), so the schedule a
// product ships with is the one that was analysed; the kernel re-checks each
// core with the same analysis at admission. Portable like rta.h: no heap, no
// floating point, no exceptions, fixed arrays. docs/scheduler.md ("Placement
// on cores") states the rule; in short:
//   (a) a pinned thread stays on its core (a pin >= the core count is refused);
//   (b) unpinned real-time threads, by decreasing utilisation budget/period
//       (compared exactly; ties by order, then input index), go first fit to
//       the lowest-numbered core whose set plus the thread still passes exact
//       RTA (analyse() in rta.h);
//   (c) unpinned best-effort threads go to the core with the lowest real-time
//       utilisation after (a) and (b), ties to the lowest-numbered core;
//   (d) every core's final set must pass exact RTA.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "kernel/image/bundle_format.h"
#include "kernel/lib/result.h"
#include "kernel/sched/rta.h"

namespace uk::sched {

inline constexpr uint32_t kMaxCpus = bundle::kMaxCpus;  // 8
// PlacementThread::cpu of a thread the heuristic may put anywhere.
inline constexpr int32_t kUnpinned = -1;
// Every thread an image can declare (16 domains of 8 threads).
inline constexpr size_t kMaxPlacementThreads = size_t{bundle::kMaxDomains} * bundle::kMaxThreads;
static_assert(kMaxPlacementThreads <= UINT16_MAX, "CoreVerdict stores input indices in 16 bits");

struct PlacementThread {
  const char* name = "";      // labels messages only; not copied; nullptr = ""
  uint64_t period_ticks = 0;  // 0/0: best effort
  uint64_t budget_ticks = 0;  // real time: at least 1 (above the period it simply misses)
  int32_t cpu = kUnpinned;    // a pin: 0..cpus-1, or kUnpinned
  // Tie-break among equal periods, smaller first: ThreadParams::order
  // (domain index * 8 + thread index, as the kernel admits them).
  uint64_t order = 0;

  [[nodiscard]] bool real_time() const { return period_ticks != 0; }
};

// One core's final set and its analysis.
struct CoreVerdict {
  size_t rt_count = 0;  // real-time threads on the core
  size_t be_count = 0;  // best-effort threads on the core
  // Input indices of its real-time threads, highest priority first.
  uint16_t by_priority[kMaxRtaTasks] = {};
  size_t failing = 0;              // its real-time threads that miss
  size_t first_failing = kNoTask;  // input index of the highest-priority one that misses
  uint64_t utilisation_ppm = 0;    // sum (budget + overhead) / period, ppm (RtaSummary)

  [[nodiscard]] bool schedulable() const { return failing == 0; }
};

// The outcome of place_threads(). About 13 KiB: the kernel keeps one
// statically, host tools allocate it.
struct Placement {
  static constexpr size_t kMessageBytes = 256;
  static constexpr uint32_t kNoCore = UINT32_MAX;

  uint32_t cpus = 0;
  size_t count = 0;
  uint32_t cpu[kMaxPlacementThreads] = {};      // the core of input thread i
  RtaResult result[kMaxPlacementThreads] = {};  // real time: its analysis on its core
                                                // (priority = rank on that core)
  CoreVerdict cores[kMaxCpus] = {};
  // The refusal: the thread and core the message names (kNoTask/kNoCore when
  // placed, or when the input itself was invalid and names no core).
  size_t failing_thread = kNoTask;
  uint32_t failing_core = kNoCore;
  // "" when placed; otherwise e.g.
  //   core 2: thread 'ctrl' misses its deadline by 3 ticks: worst response time 23 ticks > period 20 ticks
  //   thread 'x' fits on no core of 3 (on core 0, the least loaded: thread 'x' misses ...)
  //   thread 'x' is pinned to core 4, but there are 4 cores (0..3)
  char message[kMessageBytes] = {};

  [[nodiscard]] bool schedulable() const { return message[0] == '\0'; }

  // Scratch for the per-core analyses (kept here, not on a kernel stack).
  RtaTask scratch_tasks[kMaxRtaTasks] = {};
  RtaResult scratch_results[kMaxRtaTasks] = {};
  RtaSummary scratch_summary;
  uint16_t scratch_members[kMaxRtaTasks] = {};
};

// Places threads[0, count) on `cpus` cores by the rule above.
//   OK      every thread has a core (out->cpu), every core passes (out->cores,
//           out->result)
//   kBusy   not schedulable: out->message names the core, the thread and its
//           response time. Every thread still has a core (an unpinned
//           real-time thread that fits nowhere goes to the core with the
//           lowest real-time utilisation) and every core its analysis, so a
//           tool can print the whole picture.
//   kInval  bad input: count > kMaxPlacementThreads, cpus not 1..kMaxCpus,
//           a null pointer, a budget without a period or the reverse, a pin
//           outside 0..cpus-1, more than kMaxRtaTasks real-time threads
//           pinned to one core; out->message says which (not for null
//           pointers). out->cpu and out->cores are not meaningful.
// Deterministic: the same input gives the same placement. Work: O(n^2) for
// the order plus, per unpinned real-time thread, up to `cpus` analyses of
// at most kMaxRtaTasks threads.
[[nodiscard]] Status place_threads(const PlacementThread* threads, size_t count, uint32_t cpus,
                                   const RtaOptions& options, Placement* out);

}  // namespace uk::sched
