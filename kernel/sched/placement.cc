#include "kernel/sched/placement.h"

#include "kernel/console/format.h"

namespace uk::sched {
namespace {

// Multiplication only (no division): inline on AArch64 and on the host,
// no libgcc helper.
using u128 = unsigned __int128;

const char* name_of(const PlacementThread& t) { return t.name != nullptr ? t.name : ""; }

// True when thread a comes before b in the first-fit order: higher
// utilisation budget/period first (exact: a.C * b.T > b.C * a.T), then the
// smaller order, then the smaller input index.
bool ffd_before(const PlacementThread* threads, size_t a, size_t b) {
  const u128 ua = static_cast<u128>(threads[a].budget_ticks) * threads[b].period_ticks;
  const u128 ub = static_cast<u128>(threads[b].budget_ticks) * threads[a].period_ticks;
  if (ua != ub) return ua > ub;
  if (threads[a].order != threads[b].order) return threads[a].order < threads[b].order;
  return a < b;
}

// The analysis sees a core's threads in declaration order (order, then
// input index): analyse() breaks equal periods by position, as the
// kernel's admission breaks them by ThreadParams::order.
bool declared_before(const PlacementThread* threads, size_t a, size_t b) {
  if (threads[a].order != threads[b].order) return threads[a].order < threads[b].order;
  return a < b;
}

constexpr uint32_t kUnplaced = Placement::kNoCore;

// Exact RTA of core `core`'s real-time threads (those with out->cpu == core)
// plus `extra` (an input index, or kNoTask). Fills out->scratch_*: members
// in declaration order and their results. kAgain when the set would exceed
// kMaxRtaTasks.
Status analyse_core(const PlacementThread* threads, const RtaOptions& options, uint32_t core, size_t extra,
                    Placement* out) {
  size_t n = 0;
  for (size_t i = 0; i < out->count; ++i) {
    if (!threads[i].real_time() || (out->cpu[i] != core && i != extra)) continue;
    if (n == kMaxRtaTasks) return Errno::kAgain;
    size_t pos = n++;
    while (pos > 0 && declared_before(threads, i, out->scratch_members[pos - 1])) {
      out->scratch_members[pos] = out->scratch_members[pos - 1];
      --pos;
    }
    out->scratch_members[pos] = static_cast<uint16_t>(i);
  }
  for (size_t k = 0; k < n; ++k) {
    const PlacementThread& t = threads[out->scratch_members[k]];
    out->scratch_tasks[k] = RtaTask{name_of(t), t.period_ticks, t.budget_ticks};
  }
  return analyse(out->scratch_tasks, n, options, out->scratch_results, &out->scratch_summary);
}

// The scratch analysis' highest-priority miss, described (no prefix).
size_t describe_scratch_miss(const Placement& out, char* buf, size_t cap) {
  const size_t k = out.scratch_summary.first_failing;
  return describe_result(out.scratch_tasks[k].name, out.scratch_tasks[k].period_ticks, out.scratch_results[k], buf,
                         cap);
}

// "core <c>: <the miss>" from the scratch analysis of core c.
void set_core_message(Placement* out, uint32_t core) {
  const size_t used = format(out->message, sizeof out->message, "core %u: ", core);
  if (used < sizeof out->message) describe_scratch_miss(*out, out->message + used, sizeof out->message - used);
  out->failing_core = core;
  out->failing_thread = out->scratch_members[out->scratch_summary.first_failing];
}

void reset(Placement* out, size_t count, uint32_t cpus) {
  out->cpus = cpus;
  out->count = count;
  for (size_t i = 0; i < count && i < kMaxPlacementThreads; ++i) {
    out->cpu[i] = kUnplaced;
    out->result[i] = RtaResult{};
  }
  for (CoreVerdict& c : out->cores) c = CoreVerdict{};
  out->failing_thread = kNoTask;
  out->failing_core = Placement::kNoCore;
  out->message[0] = '\0';
}

}  // namespace

Status place_threads(const PlacementThread* threads, size_t count, uint32_t cpus, const RtaOptions& options,
                     Placement* out) {
  if (out == nullptr || (count > 0 && threads == nullptr)) return Errno::kInval;
  reset(out, count, cpus);
  if (count > kMaxPlacementThreads) {
    format(out->message, sizeof out->message, "%zu threads (at most %zu)", count, kMaxPlacementThreads);
    return Errno::kInval;
  }
  if (cpus == 0 || cpus > kMaxCpus) {
    format(out->message, sizeof out->message, "%u cores (must be 1..%u)", cpus, kMaxCpus);
    return Errno::kInval;
  }
  for (size_t i = 0; i < count; ++i) {
    const PlacementThread& t = threads[i];
    if ((t.period_ticks == 0) != (t.budget_ticks == 0)) {
      format(out->message, sizeof out->message, "thread '%s': %s", name_of(t),
             t.period_ticks == 0 ? "a budget without a period" : "a period without a budget");
      out->failing_thread = i;
      return Errno::kInval;
    }
    if (t.cpu == kUnpinned) continue;
    if (t.cpu < 0 || static_cast<uint32_t>(t.cpu) >= cpus) {
      format(out->message, sizeof out->message, "thread '%s' is pinned to core %d, but there %s %u core%s (0..%u)",
             name_of(t), t.cpu, cpus == 1 ? "is" : "are", cpus, cpus == 1 ? "" : "s", cpus - 1);
      out->failing_thread = i;
      return Errno::kInval;
    }
    // (a) pinned threads stay where pinned.
    out->cpu[i] = static_cast<uint32_t>(t.cpu);
  }

  // Each core's pinned set on its own: a failure here is the root cause of
  // whatever follows, so it is the one reported.
  uint64_t utilisation_ppm[kMaxCpus] = {};
  for (uint32_t c = 0; c < cpus; ++c) {
    const Status st = analyse_core(threads, options, c, kNoTask, out);
    if (st.error() == Errno::kAgain) {
      format(out->message, sizeof out->message, "core %u: more than %zu real-time threads pinned", c, kMaxRtaTasks);
      out->failing_core = c;
      return Errno::kInval;
    }
    if (!st.ok()) return st;
    utilisation_ppm[c] = out->scratch_summary.utilisation_ppm;
    if (!out->scratch_summary.schedulable() && out->schedulable()) set_core_message(out, c);
  }

  // (b) unpinned real-time threads, first fit decreasing by utilisation.
  uint16_t ffd[kMaxPlacementThreads];
  size_t n_ffd = 0;
  for (size_t i = 0; i < count; ++i) {
    if (!threads[i].real_time() || out->cpu[i] != kUnplaced) continue;
    size_t pos = n_ffd++;
    while (pos > 0 && ffd_before(threads, i, ffd[pos - 1])) {
      ffd[pos] = ffd[pos - 1];
      --pos;
    }
    ffd[pos] = static_cast<uint16_t>(i);
  }
  for (size_t k = 0; k < n_ffd; ++k) {
    const size_t i = ffd[k];
    uint32_t chosen = kUnplaced;
    for (uint32_t c = 0; c < cpus && chosen == kUnplaced; ++c) {
      const Status st = analyse_core(threads, options, c, i, out);
      if (st.error() == Errno::kAgain) continue;  // the core is full
      if (!st.ok()) return st;
      if (out->scratch_summary.schedulable()) {
        chosen = c;
        utilisation_ppm[c] = out->scratch_summary.utilisation_ppm;
      }
    }
    if (chosen != kUnplaced) {
      out->cpu[i] = chosen;
      continue;
    }
    // Fits nowhere: refused. It still goes somewhere (the core with the
    // lowest real-time utilisation that has room, ties to the lowest
    // number) so that every core's verdict can be shown.
    uint32_t fallback = kUnplaced;
    for (uint32_t c = 0; c < cpus; ++c) {
      if (fallback != kUnplaced && utilisation_ppm[c] >= utilisation_ppm[fallback]) continue;
      if (analyse_core(threads, options, c, i, out).ok()) fallback = c;
    }
    if (fallback == kUnplaced) {
      format(out->message, sizeof out->message,
             "thread '%s' fits on no core: every core already has %zu real-time threads", name_of(threads[i]),
             kMaxRtaTasks);
      out->failing_thread = i;
      out->failing_core = Placement::kNoCore;
      return Errno::kInval;
    }
    const Status st = analyse_core(threads, options, fallback, i, out);
    if (!st.ok()) return st;
    out->cpu[i] = fallback;
    utilisation_ppm[fallback] = out->scratch_summary.utilisation_ppm;
    if (out->schedulable()) {
      size_t used = cpus == 1 ? format(out->message, sizeof out->message,
                                       "thread '%s' does not fit on the only core (core 0: ", name_of(threads[i]))
                              : format(out->message, sizeof out->message,
                                       "thread '%s' fits on no core of %u (on core %u, the least loaded: ",
                                       name_of(threads[i]), cpus, fallback);
      if (used < sizeof out->message) used += describe_scratch_miss(*out, out->message + used, sizeof out->message - used);
      if (used + 1 < sizeof out->message) {
        out->message[used] = ')';
        out->message[used + 1] = '\0';
      }
      out->failing_thread = i;
      out->failing_core = fallback;
    }
  }

  // (d) every core's final set: the verdicts and the per-thread results.
  for (uint32_t c = 0; c < cpus; ++c) {
    const Status st = analyse_core(threads, options, c, kNoTask, out);
    if (!st.ok()) return st;
    const RtaSummary& s = out->scratch_summary;
    CoreVerdict& v = out->cores[c];
    v.rt_count = s.count;
    v.failing = s.failing;
    v.utilisation_ppm = s.utilisation_ppm;
    for (size_t k = 0; k < s.count; ++k) {
      const uint16_t i = out->scratch_members[k];
      out->result[i] = out->scratch_results[k];
      v.by_priority[k] = out->scratch_members[s.by_priority[k]];
    }
    if (s.first_failing != kNoTask) v.first_failing = out->scratch_members[s.first_failing];
    if (!s.schedulable() && out->schedulable()) set_core_message(out, c);
  }

  // (c) unpinned best-effort threads: the least real-time-loaded core, ties
  // to the lowest number (so without real-time threads, all on core 0).
  uint32_t be_core = 0;
  for (uint32_t c = 1; c < cpus; ++c) {
    if (out->cores[c].utilisation_ppm < out->cores[be_core].utilisation_ppm) be_core = c;
  }
  for (size_t i = 0; i < count; ++i) {
    if (threads[i].real_time()) continue;
    if (out->cpu[i] == kUnplaced) out->cpu[i] = be_core;
    ++out->cores[out->cpu[i]].be_count;
  }

  return out->schedulable() ? kOkStatus : Status(Errno::kBusy);
}

}  // namespace uk::sched
