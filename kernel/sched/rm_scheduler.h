// The rate-monotonic scheduling policy: which thread runs, when the timer
// must fire next, budget enforcement and per-thread statistics. Portable and
// hardware-free: every call takes the current time (timer ticks) as an
// argument, so the kernel drives it from the EL2 physical timer and host tests
// drive it from a simulated clock. No heap: a fixed table of kMaxThreads.
// See docs/scheduler.md.
//
// Threads:
//   - real time (period T, budget C in ticks, deadline = T): released at
//     admission and then every T (release_k = release_{k-1} + T). Priority
//     by period, shorter first; ties by ThreadParams::order, then admission
//     order. A job ends when the thread calls job_done() (the Yield op); the
//     thread then waits for its next release. A job that uses up C before
//     job_done() is throttled until the next release (an overrun).
//   - best effort (period 0): below every real-time thread, round robin with
//     a quantum. job_done() is a plain yield (to the tail of the queue).
//
// Kernel usage (tickless; the same sequence in host tests):
//   timer interrupt at `now`:   on_time(now)
//   a syscall changed a state:  job_done / block / wake / thread_exit (now)
//   then:                       next = pick(now); switch to next (kIdle: wfi)
//                               timer_set_deadline(next_deadline(now))
// Every call first charges the running thread for the time since the last
// call and processes everything due at or before `now`, so the order of
// calls at one instant never loses an event. Time never goes backwards: an
// older `now` is treated as the latest one seen.
//
// Work per call: O(kMaxThreads) worst case, except admit()/would_admit()
// (response-time analysis, O(n^2 + n * iterations)) and print_stats()
// (O(n^2)). Loops run over bit masks of the slots concerned, never over
// empty slots, and the common decision is O(1) + O(runnable threads): the
// earliest pending release or timeout is cached, so releases and timeouts
// are scanned for (one pass over the real-time and blocked threads) only
// when one is due or one that was the earliest went away; a known id is
// found in O(1) (a direct-mapped hint, checked; else a scan of the live
// slots).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "kernel/lib/result.h"
#include "kernel/sched/rta.h"

namespace uk::sched {

using ThreadId = uint32_t;

inline constexpr size_t kMaxThreads = kMaxRtaTasks;  // 64
inline constexpr ThreadId kIdle = 0xffff'ffffu;       // pick(): nothing to run
inline constexpr uint64_t kNever = UINT64_MAX;        // next_deadline(): no event
inline constexpr uint64_t kNoTimeout = UINT64_MAX;    // block(): wait forever
inline constexpr uint64_t kAutoOrder = UINT64_MAX;    // ThreadParams::order
inline constexpr size_t kThreadNameBytes = 32;        // names are cut to 31 bytes
// 10 ms at QEMU virt's 62.5 MHz; the kernel sets it from the timer frequency.
inline constexpr uint64_t kDefaultQuantumTicks = 625'000;

enum class ThreadState : uint8_t {
  kReady,              // runnable, not running
  kRunning,            // the thread pick() returned last
  kBlocked,            // waiting for wake() or its timeout
  kThrottled,          // real time: used its budget; runnable again at its next release
  kWaitingForRelease,  // real time: job done; runnable again at its next release
  kExited,             // thread_exit(): never runs again; statistics kept until remove()
};

[[nodiscard]] const char* thread_state_name(ThreadState s);

enum class WakeReason : uint8_t {
  kNone,     // not woken since it last blocked (or never blocked)
  kWoken,    // wake()
  kTimeout,  // the block timeout passed
};

struct ThreadParams {
  const char* name = "";      // copied (cut to 31 bytes); nullptr = ""
  uint64_t period_ticks = 0;  // 0: best effort
  uint64_t budget_ticks = 0;  // 0 for best effort; real time: 1..period
  // Tie-break among equal periods, smaller first. The kernel passes the
  // manifest declaration index (domain index in the bundle * 8 + thread
  // index) so ties resolve exactly as in the build-time analysis;
  // kAutoOrder: after every explicit order, in admission order.
  uint64_t order = kAutoOrder;

  [[nodiscard]] bool real_time() const { return period_ticks != 0; }
};

struct ThreadStats {
  uint64_t releases = 0;         // real time: jobs released (the first at admission)
  uint64_t jobs_done = 0;        // real time: job_done() calls that ended a job
  uint64_t deadline_misses = 0;  // real time: jobs not done by their next release
  uint64_t overruns = 0;         // real time: jobs throttled at budget exhaustion
  uint64_t worst_response_ticks = 0;  // max(job_done time - release)
  uint64_t worst_jitter_ticks = 0;    // max(first dispatch of a job - its release)
  uint64_t cpu_ticks = 0;        // total time charged
  uint64_t dispatches = 0;       // times pick() switched to this thread
};

struct SchedulerConfig {
  uint64_t quantum_ticks = kDefaultQuantumTicks;  // best-effort round robin; 0 is taken as 1
  RtaOptions rta;  // overhead and iteration cap for admission
};

// Why admit() refused a real-time thread.
struct AdmissionReport {
  static constexpr size_t kMessageBytes = 224;
  ThreadId failing = kIdle;  // the thread that would miss (the new one or an admitted one)
  RtaOutcome outcome = RtaOutcome::kMeets;
  uint64_t response_ticks = 0;
  uint64_t miss_ticks = 0;
  // e.g. "admission of 'a' refused: thread 'c' misses its deadline by 3 ticks:
  //       worst response time 23 ticks > period 20 ticks"
  char message[kMessageBytes] = {};
};

// Receives print_stats() output, one line without a newline per call.
using StatsSink = void (*)(void* context, const char* line);

class RmScheduler {
 public:
  explicit RmScheduler(const SchedulerConfig& config = SchedulerConfig{});

  // Forgets every thread and statistic.
  void reset(const SchedulerConfig& config);

  // Adds a thread, runnable from `now` (a real-time thread is released at
  // `now`). Real time: exact response-time analysis of every admitted,
  // not exited real-time thread plus this one; refused if any would miss.
  //   kInval  id == kIdle, budget without period, period without budget,
  //           budget > period
  //   kExist  id already present (even exited: remove() it first)
  //   kAgain  kMaxThreads threads present
  //   kBusy   unschedulable: *report (if given) names the thread and the miss
  [[nodiscard]] Status admit(ThreadId id, const ThreadParams& params, uint64_t now,
                             AdmissionReport* report = nullptr);
  // The admission test alone (admit()'s checks except kExist); changes nothing.
  [[nodiscard]] Status would_admit(const ThreadParams& params, AdmissionReport* report = nullptr);

  // The thread ends: it never runs again, its real-time reservation is
  // released; statistics stay for print_stats(). kSrch if unknown.
  Status thread_exit(ThreadId id, uint64_t now);
  // Forgets the thread (any state) and its statistics. kSrch if unknown.
  Status remove(ThreadId id, uint64_t now);

  // Starts the schedule afresh at `now` (e.g. once every boot-time thread is
  // loaded, so loading is not counted as jitter and all first releases
  // coincide: the critical instant of the analysis). Every live real-time
  // thread gets a new first release at now (a pending job is dropped without
  // counting a miss; a blocked thread stays blocked), best-effort threads a
  // fresh quantum, and every thread's statistics are cleared. Admission
  // order and priorities are unchanged.
  void begin_epoch(uint64_t now);

  // Charges the running thread and processes what is due at or before now:
  // budget exhaustion (throttle, overrun), releases (miss if the previous
  // job is not done), block timeouts, quantum ends.
  void on_time(uint64_t now);

  // on_time(now), then the thread to run from now: the highest-priority
  // ready real-time thread, else the best-effort thread at the head of the
  // round robin, else kIdle. The returned thread becomes kRunning; a
  // preempted one goes back to kReady.
  [[nodiscard]] ThreadId pick(uint64_t now);

  // Real time: the current job is done (response time = now - release); the
  // thread waits for its next release. Best effort: yield to the tail of
  // the round robin with a fresh quantum. The thread must be running or
  // ready (kInval otherwise, e.g. a real-time thread already waiting);
  // kSrch if unknown.
  Status job_done(ThreadId id, uint64_t now);

  // The thread (running or ready) blocks until wake() or, unless timeout is
  // kNoTimeout, until now + timeout_ticks. A real-time thread keeps its job
  // and remaining budget; releases while blocked still count (and a job
  // still pending at its next release is a miss). kInval if not running or
  // ready; kSrch if unknown.
  Status block(ThreadId id, uint64_t now, uint64_t timeout_ticks);
  // Makes a blocked thread ready (wake_reason() = kWoken). kAgain if it was
  // not blocked (nothing changes); kSrch if unknown.
  Status wake(ThreadId id, uint64_t now);

  // The next instant the timer must fire (>= now; kNever if none): the
  // earliest of every real-time thread's next release, the running
  // real-time thread's budget exhaustion, the running best-effort thread's
  // quantum end (only while another best-effort thread is ready: a thread
  // alone gets no tick) and every block timeout.
  [[nodiscard]] uint64_t next_deadline(uint64_t now) const;

  // How many block timeouts have expired so far (a counter that only grows
  // until reset()): a caller that mirrors blocked threads rescans them only
  // when it changed.
  [[nodiscard]] uint64_t timeouts() const { return timeouts_; }

  // ---- queries (O(kMaxThreads) lookups by id) ----
  [[nodiscard]] ThreadId running() const;
  [[nodiscard]] size_t thread_count() const;
  [[nodiscard]] bool contains(ThreadId id) const;
  // kSrch for an unknown id.
  [[nodiscard]] Result<ThreadState> state(ThreadId id) const;
  // nullptr for an unknown id.
  [[nodiscard]] const ThreadStats* stats(ThreadId id) const;
  // Why the thread last left kBlocked; reset to kNone by block(). kNone if unknown.
  [[nodiscard]] WakeReason wake_reason(ThreadId id) const;
  // Real time: 0-based rank among the live real-time threads (0 = highest).
  // kSrch for unknown, kInval for best-effort or exited threads.
  [[nodiscard]] Result<uint32_t> priority(ThreadId id) const;
  // Budget left in the current job (real time) or quantum (best effort), as of the last call.
  [[nodiscard]] uint64_t remaining_ticks(ThreadId id) const;

  // One line per thread (admission order), e.g.
  //   sched: ctrl rt prio=0 period=625000 budget=125000 releases=100 done=100 misses=0 overruns=0
  //          worst_response=62500 (1000us) worst_jitter=12 (1us) cpu=6250000 dispatches=100 state=waiting
  //   sched: main be cpu=5000 dispatches=3 state=ready
  // (one line each; times in ticks, microseconds in parentheses when hz != 0).
  void print_stats(StatsSink sink, void* context, uint64_t hz) const;
  // The line of one thread; returns the untruncated length (0 if unknown).
  size_t format_stats(ThreadId id, uint64_t hz, char* buf, size_t cap) const;

 private:
  static constexpr size_t kNone = SIZE_MAX;

  struct Thread {
    uint8_t slot = 0;  // own index in threads_ (in use: bit `slot` of live_)
    ThreadId id = kIdle;
    char name[kThreadNameBytes] = {};
    uint64_t period = 0;  // 0: best effort
    uint64_t budget = 0;
    uint64_t order = 0;  // tie-break key (explicit order or kAutoBase + admission sequence)
    uint64_t admitted = 0;  // admission sequence number
    ThreadState state = ThreadState::kReady;
    WakeReason wake_reason = WakeReason::kNone;
    // Real time: the current job.
    uint64_t release = 0;
    uint64_t next_release = kNever;
    bool job_pending = false;
    bool dispatched = false;  // since `release`
    // Budget used in the current job (real time) or quantum used (best effort).
    uint64_t consumed = 0;
    // Best effort: position in the round robin, smaller first.
    uint64_t rr = 0;
    uint64_t wake_at = kNever;  // kBlocked with a timeout
    ThreadStats stats;

    [[nodiscard]] bool real_time() const { return period != 0; }
    [[nodiscard]] bool runnable() const { return state == ThreadState::kReady || state == ThreadState::kRunning; }
  };

  // Slot sets, one bit per slot (bit s = threads_[s]).
  using Mask = uint64_t;
  static_assert(kMaxThreads == 64, "slot sets are one 64-bit mask");
  static constexpr Mask bit(size_t slot) { return Mask{1} << slot; }
  static size_t lowest(Mask m) { return static_cast<size_t>(__builtin_ctzll(m)); }  // m != 0
  // Every state change goes through here (keeps runnable_ and blocked_).
  void set_state(Thread& t, ThreadState s);
  // A release or timeout at `at` was added / went away (next_event_ cache).
  void event_added(uint64_t at) {
    if (at < next_event_) next_event_ = at;
  }
  void event_removed(uint64_t at) {
    if (at == next_event_ && at != kNever) next_event_exact_ = false;
  }
  // The earliest next_release of rt_live_ and wake_at of blocked_ (kNever if none).
  [[nodiscard]] uint64_t scan_next_event() const;

  [[nodiscard]] size_t find(ThreadId id) const;
  [[nodiscard]] bool higher_priority(const Thread& a, const Thread& b) const;
  // Charges the running thread up to now (clamped to be monotonic); returns the clamped now.
  uint64_t account(uint64_t now);
  // Budget exhaustion, then releases and timeouts (scan_events(), only
  // when one is due), then quantum end.
  void process_events(uint64_t now);
  void scan_events(uint64_t now);
  void release_jobs(Thread& t, uint64_t now);
  void make_ready(Thread& t);
  void stop_running(size_t slot);
  [[nodiscard]] Status check_params(const ThreadParams& params) const;
  [[nodiscard]] Status run_admission(const ThreadParams& params, ThreadId id, AdmissionReport* report);

  SchedulerConfig config_;
  Thread threads_[kMaxThreads];
  size_t count_ = 0;
  size_t running_ = kNone;
  uint64_t now_ = 0;          // latest time seen
  uint64_t accounted_ = 0;    // running thread charged up to here
  uint64_t admit_seq_ = 0;
  uint64_t rr_seq_ = 0;
  // Slot sets. Invariant: the only kRunning thread is running_.
  Mask live_ = 0;      // slots in use
  Mask rt_live_ = 0;   // real time, not exited (has releases)
  Mask runnable_ = 0;  // kReady or kRunning
  Mask blocked_ = 0;   // kBlocked
  // A lower bound of every next_release in rt_live_ and wake_at in
  // blocked_; the exact minimum when next_event_exact_ (always so between
  // calls). Nothing is due before it, so process_events() scans only when
  // now >= next_event_ or the bound is stale.
  uint64_t next_event_ = kNever;
  bool next_event_exact_ = true;
  uint64_t timeouts_ = 0;
  // find() hint: hint_[id % kMaxThreads] is the slot of the id admitted
  // last with that remainder (verified before use).
  uint8_t hint_[kMaxThreads] = {};
  // Admission scratch (kept here, not on the kernel stack).
  RtaTask rta_tasks_[kMaxThreads];
  RtaResult rta_results_[kMaxThreads];
  size_t rta_slot_[kMaxThreads] = {};
  RtaSummary rta_summary_;
};

}  // namespace uk::sched
