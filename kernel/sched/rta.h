// Exact response-time analysis (RTA) for fixed-priority preemptive
// scheduling of periodic threads with implicit deadlines (D = T), in integer
// timer ticks. The one implementation used by the kernel (admission at boot
// and at thread creation, kernel/sched/rm_scheduler.h) and by the host tool
// tools/schedcheck. Portable: no heap, no floating point, no exceptions;
// every addition and multiplication saturates, so no input overflows.
//
// Model (docs/scheduler.md):
//   - priority: rate monotonic, a shorter period is a higher priority; equal
//     periods are ordered by position in the input array (declaration order):
//     the earlier thread wins. The kernel uses the same rule.
//   - cost C_i = budget_i + overhead (the per-release overhead term, e.g. the
//     timer interrupt and the two context switches of each job; default 0).
//   - worst-case response time: the least fixed point of
//         R = C_i + sum_{j in hp(i)} ceil(R / T_j) * C_j
//     iterated from R_0 = sum_{j in hp(i) + i} C_j. The thread meets its
//     deadline iff R_i <= T_i. Because the kernel throttles every real-time
//     thread at its budget, each higher-priority thread j interferes at most
//     C_j per T_j even if it misbehaves, so the bound holds for every thread
//     whose own analysis passes, whatever the others do.
//   - a miss is reported with its amount R_i - T_i, where R_i is the
//     response time of the thread's first job after the critical instant
//     (all threads released together); "diverges" when the utilisation of
//     the thread and all higher-priority ones exceeds 1 (no fixed point).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "kernel/lib/result.h"

namespace uk::sched {

inline constexpr size_t kMaxRtaTasks = 64;
inline constexpr uint64_t kInfiniteTicks = UINT64_MAX;
inline constexpr size_t kNoTask = SIZE_MAX;
// Fixed-point iterations allowed per thread. The iteration count of exact
// RTA is pseudo-polynomial (at most one step per higher-priority job in the
// busy window); realistic sets need a few dozen. The cap bounds the kernel's
// work at run-time admission (O(count) per iteration); reaching it below the
// deadline is reported as kUndecided and treated as a failure (conservative).
inline constexpr uint32_t kDefaultMaxIterations = 100'000;

struct RtaTask {
  const char* name = "";      // labels messages only; not copied, may be nullptr
  uint64_t period_ticks = 0;  // T = D, at least 1
  uint64_t budget_ticks = 0;  // C, at least 1 (may exceed T: then it simply misses)
};

struct RtaOptions {
  // Added to every thread's budget (per release). Use the measured cost of
  // one job's kernel entries: release interrupt + switch in + switch out.
  uint64_t overhead_ticks = 0;
  uint32_t max_iterations = kDefaultMaxIterations;
};

enum class RtaOutcome : uint8_t {
  kMeets,          // fixed point R <= T
  kMisses,         // exact fixed point R > T: misses by R - T
  kMissesAtLeast,  // R > T, but the fixed point was not reached (iteration cap or
                   // saturation): response_ticks is a lower bound, so is miss_ticks
  kDiverges,       // utilisation of hp(i) + i exceeds 1: no fixed point exists. Decided
                   // exactly in 64.64 fixed point (each term rounded down): a sum
                   // above 1 by less than count * 2^-64 iterates to the cap instead
                   // and is reported as kMissesAtLeast
  kUndecided,      // iteration cap reached while R <= T: refused (conservative)
};

[[nodiscard]] const char* rta_outcome_name(RtaOutcome outcome);

struct RtaResult {
  uint32_t priority = 0;        // 0 = highest
  uint64_t cost_ticks = 0;      // budget + overhead (saturated)
  uint64_t response_ticks = 0;  // see RtaOutcome; kInfiniteTicks for kDiverges
  uint64_t miss_ticks = 0;      // kMisses / kMissesAtLeast: response - period;
                                // kDiverges: kInfiniteTicks; otherwise 0
  uint32_t iterations = 0;
  RtaOutcome outcome = RtaOutcome::kMeets;

  [[nodiscard]] bool meets() const { return outcome == RtaOutcome::kMeets; }
};

struct RtaSummary {
  size_t count = 0;
  size_t failing = 0;              // threads whose outcome is not kMeets
  size_t first_failing = kNoTask;  // input index of the highest-priority failing thread
  // Total utilisation sum C/T in parts per million, to the nearest (informative).
  uint64_t utilisation_ppm = 0;
  uint8_t by_priority[kMaxRtaTasks] = {};  // input indices, highest priority first

  [[nodiscard]] bool schedulable() const { return failing == 0; }
};

// True when thread a (period, input position) has a higher priority than b.
[[nodiscard]] constexpr bool rm_higher_priority(uint64_t period_a, size_t position_a, uint64_t period_b,
                                                size_t position_b) {
  return period_a < period_b || (period_a == period_b && position_a < position_b);
}

// Analyses tasks[0, count). results[i] belongs to tasks[i]. Returns kInval
// (and touches nothing) when count > kMaxRtaTasks, a pointer is null while
// count > 0, or a period or budget is 0. count == 0 is a schedulable empty set.
// Work: O(count^2) for the priority order plus O(count) per iteration,
// at most options.max_iterations iterations per thread.
[[nodiscard]] Status analyse(const RtaTask* tasks, size_t count, const RtaOptions& options, RtaResult* results,
                             RtaSummary* summary);

// One line (no newline) explaining a failing result, e.g.
//   thread 'c' misses its deadline by 3 ticks (worst response time 23 ticks > period 20 ticks)
// Writes at most cap bytes, NUL-terminated; returns the untruncated length.
size_t describe_result(const char* name, uint64_t period_ticks, const RtaResult& result, char* buf, size_t cap);

// ---- tick conversions ------------------------------------------------------
//
// Timer frequencies: QEMU virt's generic timer runs at 62.5 MHz, the
// Raspberry Pi 4's at 54 MHz. Budgets round UP and periods DOWN: the
// analysis (and the enforcement, which uses the same values) then assumes at
// least the declared demand at least as often as declared, so a set accepted
// in ticks is also schedulable for the declared microseconds.
inline constexpr uint64_t kQemuVirtTimerHz = 62'500'000;
inline constexpr uint64_t kRpi4TimerHz = 54'000'000;

enum class Rounding : uint8_t { kDown, kUp };

// floor or ceil of a * b / d (d > 0); false when the result exceeds 64 bits.
[[nodiscard]] bool mul_div(uint64_t a, uint64_t b, uint64_t d, Rounding rounding, uint64_t* out);
// us * hz / 1e6 rounded as asked; false on overflow or hz == 0.
[[nodiscard]] bool us_to_ticks(uint64_t us, uint64_t hz, Rounding rounding, uint64_t* ticks);
// A period: rounded down; false on overflow or if the result is 0.
[[nodiscard]] bool period_us_to_ticks(uint64_t us, uint64_t hz, uint64_t* ticks);
// A budget: rounded up; false on overflow or if the result is 0.
[[nodiscard]] bool budget_us_to_ticks(uint64_t us, uint64_t hz, uint64_t* ticks);
// ticks * 1e6 / hz rounded up (response times reported in microseconds are
// never optimistic); saturates at UINT64_MAX; 0 when hz == 0.
[[nodiscard]] uint64_t ticks_to_us_ceil(uint64_t ticks, uint64_t hz);

}  // namespace uk::sched
