// A simulated clock and workload that drive RmScheduler the way the kernel
// does (on_time, pick, program the timer for next_deadline), recording every
// change of the running thread.
#pragma once

#include <stdint.h>

#include <algorithm>
#include <functional>
#include <map>
#include <ostream>
#include <vector>

#include "gtest/gtest.h"
#include "kernel/sched/rm_scheduler.h"

namespace uk::sched::test {

inline constexpr uint64_t kForever = UINT64_MAX;  // a job that never calls job_done

struct Dispatch {
  uint64_t time;
  ThreadId id;
  bool operator==(const Dispatch& o) const { return time == o.time && id == o.id; }
};

inline std::ostream& operator<<(std::ostream& os, const Dispatch& d) {
  os << "(" << d.time << ", ";
  if (d.id == kIdle) {
    os << "idle";
  } else {
    os << d.id;
  }
  return os << ")";
}

// `pattern` (times relative to 0) shifted by k * period for k in [0, repeats).
inline std::vector<Dispatch> repeat(const std::vector<Dispatch>& pattern, uint64_t period, int repeats) {
  std::vector<Dispatch> out;
  for (int k = 0; k < repeats; ++k) {
    for (const Dispatch& d : pattern) out.push_back({d.time + k * period, d.id});
  }
  return out;
}

class Sim {
 public:
  // The clock starts at `start`.
  explicit Sim(RmScheduler& s, uint64_t start = 0) : s_(s), now_(start) {}

  // A real-time thread (already admitted) that needs `work` ticks per job and
  // then calls job_done; kForever: busy loops, never calls job_done.
  void real_time(ThreadId id, uint64_t work) { jobs_[id] = Job{work, 0, 0, false}; }
  // Best-effort threads need no registration: they are always busy.

  // Runs fn(scheduler, time) at `time`, before the scheduler looks at that instant.
  void at(uint64_t time, std::function<void(RmScheduler&, uint64_t)> fn) { script_.emplace(time, std::move(fn)); }

  // Runs [now, end), then settles at end (below).
  void run_until(uint64_t end) {
    while (now_ < end) {
      for (auto it = script_.begin(); it != script_.end() && it->first <= now_;) {
        it->second(s_, now_);
        it = script_.erase(it);
      }
      s_.on_time(now_);
      refresh_jobs();
      const ThreadId cur = s_.pick(now_);
      if (log_.empty() || log_.back().id != cur) log_.push_back({now_, cur});

      uint64_t next = std::min(s_.next_deadline(now_), end);
      if (!script_.empty()) next = std::min(next, script_.begin()->first);
      Job* job = nullptr;
      if (auto it = jobs_.find(cur); it != jobs_.end()) job = &it->second;
      if (job != nullptr && job->pending && job->remaining != kForever) next = std::min(next, now_ + job->remaining);
      ASSERT_GT(next, now_) << "no progress at " << now_;
      if (job != nullptr && job->pending && job->remaining != kForever) job->remaining -= next - now_;
      now_ = next;
      if (job != nullptr && job->pending && job->remaining == 0) {
        job->pending = false;
        ASSERT_TRUE(s_.job_done(cur, now_).ok());
      }
    }
    // Settle at `end`: the running thread is charged up to it and whatever
    // is due at `end` itself (e.g. releases) is processed, whether or not a
    // call happened to fall on that instant.
    s_.on_time(end);
  }

  [[nodiscard]] const std::vector<Dispatch>& log() const { return log_; }
  [[nodiscard]] uint64_t now() const { return now_; }

 private:
  struct Job {
    uint64_t work;
    uint64_t remaining;
    uint64_t releases_seen;
    bool pending;
  };

  // A new release (the scheduler's count went up) starts a new job.
  void refresh_jobs() {
    for (auto& [id, job] : jobs_) {
      const ThreadStats* st = s_.stats(id);
      if (st != nullptr && st->releases > job.releases_seen) {
        job.releases_seen = st->releases;
        job.remaining = job.work;
        job.pending = true;
      }
    }
  }

  RmScheduler& s_;
  uint64_t now_ = 0;
  std::map<ThreadId, Job> jobs_;
  std::multimap<uint64_t, std::function<void(RmScheduler&, uint64_t)>> script_;
  std::vector<Dispatch> log_;
};

}  // namespace uk::sched::test
