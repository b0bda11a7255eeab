#include "kernel/sched/rm_scheduler.h"

#include "kernel/console/format.h"

namespace uk::sched {
namespace {

// Threads admitted with kAutoOrder sort after every explicit order.
constexpr uint64_t kAutoBase = 1ull << 63;

uint64_t sat_add(uint64_t a, uint64_t b) { return a > UINT64_MAX - b ? UINT64_MAX : a + b; }
uint64_t min_u64(uint64_t a, uint64_t b) { return a < b ? a : b; }
unsigned long long ull(uint64_t v) { return static_cast<unsigned long long>(v); }

void copy_name(char* dst, const char* src) {
  size_t i = 0;
  if (src != nullptr) {
    for (; i + 1 < kThreadNameBytes && src[i] != '\0'; ++i) dst[i] = src[i];
  }
  for (; i < kThreadNameBytes; ++i) dst[i] = '\0';
}

}  // namespace

const char* thread_state_name(ThreadState s) {
  switch (s) {
    case ThreadState::kReady: return "ready";
    case ThreadState::kRunning: return "running";
    case ThreadState::kBlocked: return "blocked";
    case ThreadState::kThrottled: return "throttled";
    case ThreadState::kWaitingForRelease: return "waiting";
    case ThreadState::kExited: return "exited";
  }
  return "?";
}

RmScheduler::RmScheduler(const SchedulerConfig& config) { reset(config); }

void RmScheduler::reset(const SchedulerConfig& config) {
  config_ = config;
  if (config_.quantum_ticks == 0) config_.quantum_ticks = 1;
  for (Thread& t : threads_) t = Thread{};
  count_ = 0;
  running_ = kNone;
  now_ = 0;
  accounted_ = 0;
  admit_seq_ = 0;
  rr_seq_ = 0;
  live_ = 0;
  rt_live_ = 0;
  runnable_ = 0;
  blocked_ = 0;
  next_event_ = kNever;
  next_event_exact_ = true;
  timeouts_ = 0;
  for (uint8_t& h : hint_) h = 0;
}

size_t RmScheduler::find(ThreadId id) const {
  if (id == kIdle) return kNone;
  const size_t h = hint_[id % kMaxThreads];
  if ((live_ & bit(h)) != 0 && threads_[h].id == id) return h;
  for (Mask m = live_; m != 0; m &= m - 1) {
    const size_t s = lowest(m);
    if (threads_[s].id == id) return s;
  }
  return kNone;
}

void RmScheduler::set_state(Thread& t, ThreadState s) {
  const Mask b = bit(t.slot);
  t.state = s;
  if (s == ThreadState::kReady || s == ThreadState::kRunning) {
    runnable_ |= b;
  } else {
    runnable_ &= ~b;
  }
  if (s == ThreadState::kBlocked) {
    blocked_ |= b;
  } else {
    blocked_ &= ~b;
  }
}

uint64_t RmScheduler::scan_next_event() const {
  uint64_t next = kNever;
  for (Mask m = rt_live_; m != 0; m &= m - 1) next = min_u64(next, threads_[lowest(m)].next_release);
  for (Mask m = blocked_; m != 0; m &= m - 1) next = min_u64(next, threads_[lowest(m)].wake_at);
  return next;
}

bool RmScheduler::higher_priority(const Thread& a, const Thread& b) const {
  if (a.period != b.period) return a.period < b.period;
  if (a.order != b.order) return a.order < b.order;
  return a.admitted < b.admitted;
}

uint64_t RmScheduler::account(uint64_t now) {
  if (now < now_) now = now_;
  if (running_ != kNone) {
    Thread& t = threads_[running_];
    const uint64_t delta = now - accounted_;
    t.stats.cpu_ticks = sat_add(t.stats.cpu_ticks, delta);
    t.consumed = sat_add(t.consumed, delta);
  }
  accounted_ = now;
  now_ = now;
  return now;
}

void RmScheduler::stop_running(size_t slot) {
  if (running_ == slot) running_ = kNone;
}

void RmScheduler::make_ready(Thread& t) {
  if (t.real_time()) {
    set_state(t, t.job_pending ? ThreadState::kReady : ThreadState::kWaitingForRelease);
  } else {
    set_state(t, ThreadState::kReady);
    t.rr = ++rr_seq_;  // tail of the round robin, fresh quantum
    t.consumed = 0;
  }
}

void RmScheduler::release_jobs(Thread& t, uint64_t now) {
  // Every release at or before now, in O(1): normally one; several only if
  // the caller was late (each skipped job is a miss: it never got the CPU).
  // No division in the usual case of a release less than a period ago.
  const uint64_t late = now - t.next_release;
  const uint64_t k = late < t.period ? 1 : 1 + late / t.period;
  const uint64_t last = t.next_release + (k - 1) * t.period;  // <= now: no overflow
  t.stats.releases = sat_add(t.stats.releases, k);
  t.stats.deadline_misses = sat_add(t.stats.deadline_misses, (t.job_pending ? 1 : 0) + (k - 1));
  t.release = last;
  t.next_release = sat_add(last, t.period);
  t.job_pending = true;
  t.dispatched = false;
  t.consumed = 0;
  if (t.state == ThreadState::kWaitingForRelease || t.state == ThreadState::kThrottled) {
    set_state(t, ThreadState::kReady);
  }
}

void RmScheduler::process_events(uint64_t now) {
  // 1. Budget exhaustion first: a job that used its whole budget overran
  //    even if its next release is due at this same instant.
  if (running_ != kNone) {
    Thread& t = threads_[running_];
    if (t.real_time() && t.job_pending && t.consumed >= t.budget) {
      t.stats.overruns = sat_add(t.stats.overruns, 1);
      set_state(t, ThreadState::kThrottled);
      running_ = kNone;
    }
  }
  // 2. Releases, 3. block timeouts: only when one is due or the cached
  //    earliest event is stale.
  if (now >= next_event_ || !next_event_exact_) scan_events(now);
  // 4. Quantum end (after wake-ups, so a thread woken now queues before the
  //    thread whose quantum ended).
  if (running_ != kNone) {
    Thread& t = threads_[running_];
    if (!t.real_time() && t.consumed >= config_.quantum_ticks) {
      t.rr = ++rr_seq_;
      t.consumed = 0;
    }
  }
}

void RmScheduler::scan_events(uint64_t now) {
  // One pass over the real-time and blocked threads, in slot order (which
  // orders simultaneous wake-ups in the round robin); it also recomputes
  // the earliest pending event.
  uint64_t next = kNever;
  for (Mask m = rt_live_ | blocked_; m != 0; m &= m - 1) {
    Thread& t = threads_[lowest(m)];
    if (t.real_time()) {
      if (t.next_release <= now) release_jobs(t, now);
      next = min_u64(next, t.next_release);
    }
    if (t.state == ThreadState::kBlocked) {
      if (t.wake_at <= now) {
        t.wake_at = kNever;
        t.wake_reason = WakeReason::kTimeout;
        ++timeouts_;
        make_ready(t);
      } else {
        next = min_u64(next, t.wake_at);
      }
    }
  }
  next_event_ = next;
  next_event_exact_ = true;
}

Status RmScheduler::check_params(const ThreadParams& p) const {
  if (p.period_ticks == 0) return p.budget_ticks == 0 ? kOkStatus : Status(Errno::kInval);
  if (p.budget_ticks == 0 || p.budget_ticks > p.period_ticks) return Errno::kInval;
  return kOkStatus;
}

Status RmScheduler::run_admission(const ThreadParams& p, ThreadId id, AdmissionReport* report) {
  // The live real-time set in tie-break order (order key, then admission),
  // the candidate last among equal keys: RTA breaks period ties by position.
  const uint64_t cand_order = p.order == kAutoOrder ? kAutoBase + admit_seq_ + 1 : p.order;
  size_t n = 0;
  for (Mask m = rt_live_; m != 0; m &= m - 1) {
    const size_t s = lowest(m);
    const Thread& t = threads_[s];
    size_t pos = n++;
    while (pos > 0) {
      const Thread& prev = threads_[rta_slot_[pos - 1]];
      if (prev.order < t.order || (prev.order == t.order && prev.admitted < t.admitted)) break;
      rta_slot_[pos] = rta_slot_[pos - 1];
      --pos;
    }
    rta_slot_[pos] = s;
  }
  if (n >= kMaxThreads) return Errno::kAgain;
  size_t cand = n;
  while (cand > 0 && threads_[rta_slot_[cand - 1]].order > cand_order) --cand;
  for (size_t k = n; k > cand; --k) rta_slot_[k] = rta_slot_[k - 1];
  rta_slot_[cand] = kNone;
  ++n;

  for (size_t k = 0; k < n; ++k) {
    if (rta_slot_[k] == kNone) {
      rta_tasks_[k] = RtaTask{p.name != nullptr ? p.name : "", p.period_ticks, p.budget_ticks};
    } else {
      const Thread& t = threads_[rta_slot_[k]];
      rta_tasks_[k] = RtaTask{t.name, t.period, t.budget};
    }
  }
  const Status st = analyse(rta_tasks_, n, config_.rta, rta_results_, &rta_summary_);
  if (!st.ok()) return st;
  if (rta_summary_.schedulable()) return kOkStatus;

  if (report != nullptr) {
    const size_t k = rta_summary_.first_failing;
    const RtaResult& r = rta_results_[k];
    *report = AdmissionReport{};
    report->failing = rta_slot_[k] == kNone ? id : threads_[rta_slot_[k]].id;
    report->outcome = r.outcome;
    report->response_ticks = r.response_ticks;
    report->miss_ticks = r.miss_ticks;
    const size_t used = format(report->message, sizeof report->message, "admission of '%s' refused: ",
                               p.name != nullptr ? p.name : "");
    if (used < sizeof report->message) {
      (void)describe_result(rta_tasks_[k].name, rta_tasks_[k].period_ticks, r, report->message + used,
                            sizeof report->message - used);
    }
  }
  return Errno::kBusy;
}

Status RmScheduler::would_admit(const ThreadParams& params, AdmissionReport* report) {
  const Status st = check_params(params);
  if (!st.ok()) return st;
  if (count_ == kMaxThreads) return Errno::kAgain;
  if (!params.real_time()) return kOkStatus;
  return run_admission(params, kIdle, report);
}

Status RmScheduler::admit(ThreadId id, const ThreadParams& params, uint64_t now, AdmissionReport* report) {
  if (id == kIdle) return Errno::kInval;
  Status st = check_params(params);
  if (!st.ok()) return st;
  if (find(id) != kNone) return Errno::kExist;
  if (count_ == kMaxThreads) return Errno::kAgain;
  if (params.real_time()) {
    st = run_admission(params, id, report);
    if (!st.ok()) return st;
  }
  now = account(now);

  const size_t slot = lowest(~live_);  // count_ < kMaxThreads: a free slot exists
  Thread& t = threads_[slot];
  t = Thread{};
  t.slot = static_cast<uint8_t>(slot);
  t.id = id;
  copy_name(t.name, params.name);
  t.period = params.period_ticks;
  t.budget = params.budget_ticks;
  t.admitted = ++admit_seq_;
  t.order = params.order == kAutoOrder ? kAutoBase + t.admitted : params.order;
  live_ |= bit(slot);
  hint_[id % kMaxThreads] = static_cast<uint8_t>(slot);
  set_state(t, ThreadState::kReady);
  if (t.real_time()) {
    t.release = now;  // first release at admission
    t.next_release = sat_add(now, t.period);
    t.job_pending = true;
    t.stats.releases = 1;
    rt_live_ |= bit(slot);
    event_added(t.next_release);
  } else {
    t.rr = ++rr_seq_;
  }
  ++count_;
  process_events(now);
  return kOkStatus;
}

Status RmScheduler::thread_exit(ThreadId id, uint64_t now) {
  const size_t slot = find(id);
  if (slot == kNone) return Errno::kSrch;
  now = account(now);
  Thread& t = threads_[slot];
  stop_running(slot);
  if ((rt_live_ & bit(slot)) != 0) event_removed(t.next_release);
  if (t.state == ThreadState::kBlocked) event_removed(t.wake_at);
  rt_live_ &= ~bit(slot);
  set_state(t, ThreadState::kExited);
  t.job_pending = false;
  t.wake_at = kNever;
  process_events(now);
  return kOkStatus;
}

Status RmScheduler::remove(ThreadId id, uint64_t now) {
  const size_t slot = find(id);
  if (slot == kNone) return Errno::kSrch;
  now = account(now);
  stop_running(slot);
  Thread& t = threads_[slot];
  if ((rt_live_ & bit(slot)) != 0) event_removed(t.next_release);
  if (t.state == ThreadState::kBlocked) event_removed(t.wake_at);
  const Mask keep = ~bit(slot);
  live_ &= keep;
  rt_live_ &= keep;
  runnable_ &= keep;
  blocked_ &= keep;
  t = Thread{};
  --count_;
  process_events(now);
  return kOkStatus;
}

void RmScheduler::begin_epoch(uint64_t now) {
  now = account(now);
  for (Mask m = live_; m != 0; m &= m - 1) {
    Thread& t = threads_[lowest(m)];
    if (t.state == ThreadState::kExited) continue;
    t.stats = ThreadStats{};
    t.consumed = 0;
    if (!t.real_time()) continue;
    t.release = now;
    t.next_release = sat_add(now, t.period);
    t.job_pending = true;
    t.dispatched = false;
    t.stats.releases = 1;
    if (t.state == ThreadState::kWaitingForRelease || t.state == ThreadState::kThrottled) {
      set_state(t, ThreadState::kReady);
    }
  }
  next_event_exact_ = false;  // every release moved: process_events() recomputes
  process_events(now);
}

void RmScheduler::on_time(uint64_t now) { process_events(account(now)); }

ThreadId RmScheduler::pick(uint64_t now) {
  now = account(now);
  process_events(now);

  // The highest-priority runnable real-time thread, else the runnable
  // best-effort thread earliest in the round robin (keys are unique).
  size_t best = kNone;
  const Mask rt = runnable_ & rt_live_;
  if (rt != 0) {
    best = lowest(rt);
    for (Mask m = rt & (rt - 1); m != 0; m &= m - 1) {
      const size_t s = lowest(m);
      if (higher_priority(threads_[s], threads_[best])) best = s;
    }
  } else if (runnable_ != 0) {
    best = lowest(runnable_);
    for (Mask m = runnable_ & (runnable_ - 1); m != 0; m &= m - 1) {
      const size_t s = lowest(m);
      if (threads_[s].rr < threads_[best].rr) best = s;
    }
  }

  if (best != running_) {
    if (running_ != kNone) set_state(threads_[running_], ThreadState::kReady);  // preempted
    running_ = best;
    if (best != kNone) {
      set_state(threads_[best], ThreadState::kRunning);
      threads_[best].stats.dispatches = sat_add(threads_[best].stats.dispatches, 1);
    }
  }
  if (best == kNone) return kIdle;

  Thread& t = threads_[best];
  if (t.real_time() && !t.dispatched) {
    t.dispatched = true;
    const uint64_t jitter = now - t.release;
    if (jitter > t.stats.worst_jitter_ticks) t.stats.worst_jitter_ticks = jitter;
  }
  return t.id;
}

Status RmScheduler::job_done(ThreadId id, uint64_t now) {
  const size_t slot = find(id);
  if (slot == kNone) return Errno::kSrch;
  Thread& t = threads_[slot];
  if (!t.runnable()) return Errno::kInval;
  now = account(now);
  if (t.real_time()) {
    const uint64_t response = now - t.release;
    if (response > t.stats.worst_response_ticks) t.stats.worst_response_ticks = response;
    t.stats.jobs_done = sat_add(t.stats.jobs_done, 1);
    t.job_pending = false;
    set_state(t, ThreadState::kWaitingForRelease);
    stop_running(slot);
  } else {
    t.rr = ++rr_seq_;  // to the tail; pick() decides whether it keeps running
    t.consumed = 0;
  }
  process_events(now);
  return kOkStatus;
}

Status RmScheduler::block(ThreadId id, uint64_t now, uint64_t timeout_ticks) {
  const size_t slot = find(id);
  if (slot == kNone) return Errno::kSrch;
  Thread& t = threads_[slot];
  if (!t.runnable()) return Errno::kInval;
  now = account(now);
  stop_running(slot);
  set_state(t, ThreadState::kBlocked);
  t.wake_reason = WakeReason::kNone;
  t.wake_at = timeout_ticks == kNoTimeout ? kNever : sat_add(now, timeout_ticks);
  event_added(t.wake_at);
  process_events(now);  // a zero timeout expires right away
  return kOkStatus;
}

Status RmScheduler::wake(ThreadId id, uint64_t now) {
  const size_t slot = find(id);
  if (slot == kNone) return Errno::kSrch;
  Thread& t = threads_[slot];
  if (t.state != ThreadState::kBlocked) return Errno::kAgain;
  now = account(now);
  event_removed(t.wake_at);
  t.wake_at = kNever;
  t.wake_reason = WakeReason::kWoken;
  make_ready(t);
  process_events(now);
  return kOkStatus;
}

uint64_t RmScheduler::next_deadline(uint64_t now) const {
  if (now < now_) now = now_;
  // Every public call leaves the cache exact; the scan is only a safeguard.
  uint64_t next = next_event_exact_ ? next_event_ : scan_next_event();
  if (running_ != kNone) {
    const Thread& t = threads_[running_];
    if (t.real_time()) {
      if (t.job_pending) next = min_u64(next, sat_add(accounted_, t.budget > t.consumed ? t.budget - t.consumed : 0));
    } else if ((runnable_ & ~rt_live_ & ~bit(running_)) != 0) {  // another best-effort thread is ready
      const uint64_t q = config_.quantum_ticks;
      next = min_u64(next, sat_add(accounted_, q > t.consumed ? q - t.consumed : 0));
    }
  }
  return next < now ? now : next;
}

ThreadId RmScheduler::running() const { return running_ == kNone ? kIdle : threads_[running_].id; }

size_t RmScheduler::thread_count() const { return count_; }

bool RmScheduler::contains(ThreadId id) const { return find(id) != kNone; }

Result<ThreadState> RmScheduler::state(ThreadId id) const {
  const size_t slot = find(id);
  if (slot == kNone) return Errno::kSrch;
  return threads_[slot].state;
}

const ThreadStats* RmScheduler::stats(ThreadId id) const {
  const size_t slot = find(id);
  return slot == kNone ? nullptr : &threads_[slot].stats;
}

WakeReason RmScheduler::wake_reason(ThreadId id) const {
  const size_t slot = find(id);
  return slot == kNone ? WakeReason::kNone : threads_[slot].wake_reason;
}

Result<uint32_t> RmScheduler::priority(ThreadId id) const {
  const size_t slot = find(id);
  if (slot == kNone) return Errno::kSrch;
  const Thread& t = threads_[slot];
  if (!t.real_time() || t.state == ThreadState::kExited) return Errno::kInval;
  uint32_t rank = 0;
  for (Mask m = rt_live_ & ~bit(slot); m != 0; m &= m - 1) {
    if (higher_priority(threads_[lowest(m)], t)) ++rank;
  }
  return rank;
}

uint64_t RmScheduler::remaining_ticks(ThreadId id) const {
  const size_t slot = find(id);
  if (slot == kNone) return 0;
  const Thread& t = threads_[slot];
  if (t.real_time()) return t.job_pending && t.budget > t.consumed ? t.budget - t.consumed : 0;
  return config_.quantum_ticks > t.consumed ? config_.quantum_ticks - t.consumed : 0;
}

size_t RmScheduler::format_stats(ThreadId id, uint64_t hz, char* buf, size_t cap) const {
  const size_t slot = find(id);
  if (slot == kNone) {
    if (cap > 0) buf[0] = '\0';
    return 0;
  }
  const Thread& t = threads_[slot];
  const ThreadStats& st = t.stats;
  const char* state = thread_state_name(t.state);
  if (!t.real_time()) {
    return format(buf, cap, "sched: %s be cpu=%llu dispatches=%llu state=%s", t.name, ull(st.cpu_ticks),
                  ull(st.dispatches), state);
  }
  char prio[12] = "-";
  const Result<uint32_t> rank = priority(id);
  if (rank.ok()) format(prio, sizeof prio, "%u", rank.value());
  char resp_us[32] = "";
  char jitter_us[32] = "";
  if (hz != 0) {
    format(resp_us, sizeof resp_us, " (%lluus)", ull(ticks_to_us_ceil(st.worst_response_ticks, hz)));
    format(jitter_us, sizeof jitter_us, " (%lluus)", ull(ticks_to_us_ceil(st.worst_jitter_ticks, hz)));
  }
  return format(buf, cap,
                "sched: %s rt prio=%s period=%llu budget=%llu releases=%llu done=%llu misses=%llu overruns=%llu "
                "worst_response=%llu%s worst_jitter=%llu%s cpu=%llu dispatches=%llu state=%s",
                t.name, prio, ull(t.period), ull(t.budget), ull(st.releases), ull(st.jobs_done),
                ull(st.deadline_misses), ull(st.overruns), ull(st.worst_response_ticks), resp_us,
                ull(st.worst_jitter_ticks), jitter_us, ull(st.cpu_ticks), ull(st.dispatches), state);
}

void RmScheduler::print_stats(StatsSink sink, void* context, uint64_t hz) const {
  if (sink == nullptr) return;
  char line[320];
  uint64_t last = 0;
  for (size_t printed = 0; printed < count_; ++printed) {
    size_t next = kNone;  // smallest admission number above `last`
    for (Mask m = live_; m != 0; m &= m - 1) {
      const size_t s = lowest(m);
      const Thread& t = threads_[s];
      if (t.admitted > last && (next == kNone || t.admitted < threads_[next].admitted)) next = s;
    }
    if (next == kNone) break;
    last = threads_[next].admitted;
    (void)format_stats(threads_[next].id, hz, line, sizeof line);
    sink(context, line);
  }
}

}  // namespace uk::sched
