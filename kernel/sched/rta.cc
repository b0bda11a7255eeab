#include "kernel/sched/rta.h"

#include "kernel/console/format.h"

namespace uk::sched {
namespace {

constexpr uint64_t kMax = UINT64_MAX;

uint64_t sat_add(uint64_t a, uint64_t b) { return a > kMax - b ? kMax : a + b; }

uint64_t sat_mul(uint64_t a, uint64_t b) {
  if (a == 0 || b == 0) return 0;
  return a > kMax / b ? kMax : a * b;
}

uint64_t ceil_div(uint64_t a, uint64_t b) { return a / b + (a % b != 0 ? 1 : 0); }

// 64 x 64 -> 128-bit product without compiler 128-bit support.
void mul_64x64(uint64_t a, uint64_t b, uint64_t* hi, uint64_t* lo) {
  const uint64_t a0 = a & 0xffffffffu, a1 = a >> 32;
  const uint64_t b0 = b & 0xffffffffu, b1 = b >> 32;
  const uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  const uint64_t mid = (p00 >> 32) + (p01 & 0xffffffffu) + (p10 & 0xffffffffu);
  *lo = (p00 & 0xffffffffu) | (mid << 32);
  *hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
}

// (hi:lo) / d for hi < d (so the quotient fits in 64 bits): restoring
// shift-and-subtract division, 64 steps, no libgcc helper needed.
uint64_t div_128_by_64(uint64_t hi, uint64_t lo, uint64_t d, uint64_t* remainder) {
  uint64_t r = hi;
  uint64_t q = 0;
  for (int bit = 63; bit >= 0; --bit) {
    const bool carry = (r >> 63) != 0;
    r = (r << 1) | ((lo >> bit) & 1u);
    q <<= 1;
    if (carry || r >= d) {
      r -= d;  // modulo 2^64: correct even when the shifted value overflowed
      q |= 1;
    }
  }
  *remainder = r;
  return q;
}

// A non-negative rational in 64.64 fixed point, the integer part saturating.
struct Fixed {
  uint64_t whole = 0;
  uint64_t frac = 0;  // units of 2^-64

  void add(const Fixed& o) {
    const uint64_t f = frac + o.frac;
    const uint64_t carry = f < frac ? 1 : 0;
    frac = f;
    whole = sat_add(sat_add(whole, o.whole), carry);
  }
  [[nodiscard]] bool greater_than_one() const { return whole > 1 || (whole == 1 && frac != 0); }
};

// cost / period rounded down to a multiple of 2^-64.
Fixed ratio(uint64_t cost, uint64_t period) {
  Fixed f;
  f.whole = cost / period;
  uint64_t rem = 0;
  f.frac = div_128_by_64(cost % period, 0, period, &rem);
  return f;
}

}  // namespace

const char* rta_outcome_name(RtaOutcome outcome) {
  switch (outcome) {
    case RtaOutcome::kMeets: return "meets";
    case RtaOutcome::kMisses: return "misses";
    case RtaOutcome::kMissesAtLeast: return "misses-at-least";
    case RtaOutcome::kDiverges: return "diverges";
    case RtaOutcome::kUndecided: return "undecided";
  }
  return "?";
}

Status analyse(const RtaTask* tasks, size_t count, const RtaOptions& options, RtaResult* results,
               RtaSummary* summary) {
  if (count > kMaxRtaTasks || summary == nullptr) return Errno::kInval;
  if (count > 0 && (tasks == nullptr || results == nullptr)) return Errno::kInval;
  for (size_t i = 0; i < count; ++i) {
    if (tasks[i].period_ticks == 0 || tasks[i].budget_ticks == 0) return Errno::kInval;
  }

  *summary = RtaSummary{};
  summary->count = count;

  // Priority order: insertion sort by (period, input position). O(n^2), n <= 64.
  for (size_t i = 0; i < count; ++i) {
    size_t pos = i;
    while (pos > 0 && rm_higher_priority(tasks[i].period_ticks, i, tasks[summary->by_priority[pos - 1]].period_ticks,
                                         summary->by_priority[pos - 1])) {
      summary->by_priority[pos] = summary->by_priority[pos - 1];
      --pos;
    }
    summary->by_priority[pos] = static_cast<uint8_t>(i);
  }

  Fixed lower;           // sum of cost/period over the first p+1 threads, each term rounded down
  uint64_t demand = 0;    // sum of costs of the first p+1 threads (R_0)

  for (size_t p = 0; p < count; ++p) {
    const size_t i = summary->by_priority[p];
    const uint64_t period = tasks[i].period_ticks;
    RtaResult& r = results[i];
    r = RtaResult{};
    r.priority = static_cast<uint32_t>(p);
    r.cost_ticks = sat_add(tasks[i].budget_ticks, options.overhead_ticks);

    lower.add(ratio(r.cost_ticks, period));
    demand = sat_add(demand, r.cost_ticks);

    if (lower.greater_than_one()) {
      // Even the rounded-down utilisation of hp(i) + i exceeds 1: the demand
      // in any window of length t is at least U*t > t, so R has no fixed point.
      r.outcome = RtaOutcome::kDiverges;
      r.response_ticks = kInfiniteTicks;
      r.miss_ticks = kInfiniteTicks;
    } else {
      // The fixed-point iteration. R only grows (W is monotone and W(R_0) >= R_0).
      uint64_t R = demand;
      bool settled = false;
      bool saturated = R == kMax;
      while (!settled && !saturated && r.iterations < options.max_iterations) {
        ++r.iterations;
        uint64_t w = r.cost_ticks;
        for (size_t q = 0; q < p; ++q) {
          const size_t j = summary->by_priority[q];
          w = sat_add(w, sat_mul(ceil_div(R, tasks[j].period_ticks), results[j].cost_ticks));
        }
        if (w == kMax) {
          saturated = true;
        } else if (w == R) {
          settled = true;
        }
        R = w;
      }
      r.response_ticks = R;
      if (settled) {
        r.outcome = R <= period ? RtaOutcome::kMeets : RtaOutcome::kMisses;
      } else if (R > period) {
        r.outcome = RtaOutcome::kMissesAtLeast;
      } else {
        r.outcome = RtaOutcome::kUndecided;  // cap reached, or saturated with period == UINT64_MAX
      }
      if (R > period) r.miss_ticks = R - period;
    }

    if (!r.meets()) {
      ++summary->failing;
      if (summary->first_failing == kNoTask) summary->first_failing = i;
    }
  }

  // Utilisation to the nearest ppm (the 64.64 sum is within count * 2^-64 of it).
  uint64_t hi = 0, lo = 0;
  mul_64x64(lower.frac, 1'000'000, &hi, &lo);
  summary->utilisation_ppm = sat_add(sat_mul(lower.whole, 1'000'000), hi + (lo >> 63));
  return kOkStatus;
}

size_t describe_result(const char* name, uint64_t period_ticks, const RtaResult& r, char* buf, size_t cap) {
  if (name == nullptr) name = "";
  const auto u = [](uint64_t v) { return static_cast<unsigned long long>(v); };
  const auto s = [](uint64_t v) { return v == 1 ? "" : "s"; };
  switch (r.outcome) {
    case RtaOutcome::kMeets:
      return format(buf, cap, "thread '%s' meets its deadline: worst response time %llu tick%s <= period %llu tick%s",
                    name, u(r.response_ticks), s(r.response_ticks), u(period_ticks), s(period_ticks));
    case RtaOutcome::kMisses:
      return format(buf, cap,
                    "thread '%s' misses its deadline by %llu tick%s: worst response time %llu ticks > period %llu "
                    "ticks",
                    name, u(r.miss_ticks), s(r.miss_ticks), u(r.response_ticks), u(period_ticks));
    case RtaOutcome::kMissesAtLeast:
      return format(buf, cap,
                    "thread '%s' misses its deadline by at least %llu tick%s: worst response time at least %llu "
                    "ticks > period %llu ticks",
                    name, u(r.miss_ticks), s(r.miss_ticks), u(r.response_ticks), u(period_ticks));
    case RtaOutcome::kDiverges:
      return format(buf, cap,
                    "thread '%s' misses its deadline without bound: with the higher-priority threads it needs more "
                    "than 100%% of the CPU (response time diverges)",
                    name);
    case RtaOutcome::kUndecided:
      return format(buf, cap,
                    "thread '%s': no fixed point within %u iterations (response time so far %llu ticks, period %llu "
                    "ticks); refused to be safe",
                    name, r.iterations, u(r.response_ticks), u(period_ticks));
  }
  return format(buf, cap, "thread '%s': ?", name);
}

bool mul_div(uint64_t a, uint64_t b, uint64_t d, Rounding rounding, uint64_t* out) {
  if (d == 0) return false;
  uint64_t hi = 0, lo = 0;
  mul_64x64(a, b, &hi, &lo);
  if (hi >= d) return false;  // quotient needs more than 64 bits
  uint64_t rem = 0;
  uint64_t q = div_128_by_64(hi, lo, d, &rem);
  if (rounding == Rounding::kUp && rem != 0) {
    if (q == kMax) return false;
    ++q;
  }
  *out = q;
  return true;
}

bool us_to_ticks(uint64_t us, uint64_t hz, Rounding rounding, uint64_t* ticks) {
  if (hz == 0) return false;
  return mul_div(us, hz, 1'000'000, rounding, ticks);
}

bool period_us_to_ticks(uint64_t us, uint64_t hz, uint64_t* ticks) {
  uint64_t t = 0;
  if (!us_to_ticks(us, hz, Rounding::kDown, &t) || t == 0) return false;
  *ticks = t;
  return true;
}

bool budget_us_to_ticks(uint64_t us, uint64_t hz, uint64_t* ticks) {
  uint64_t t = 0;
  if (!us_to_ticks(us, hz, Rounding::kUp, &t) || t == 0) return false;
  *ticks = t;
  return true;
}

uint64_t ticks_to_us_ceil(uint64_t ticks, uint64_t hz) {
  if (hz == 0) return 0;
  uint64_t us = 0;
  return mul_div(ticks, 1'000'000, hz, Rounding::kUp, &us) ? us : kMax;
}

}  // namespace uk::sched
