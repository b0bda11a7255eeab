// Signals (kernel/signals/signals.h): permission through grants, pending
// masks, CheckSignals, and the SIGNAL_PENDING completion flag carried into
// the target's next completion by the real ring processor.
#include "kernel/signals/signals.h"

#include <gtest/gtest.h>
#include <string.h>

#include <ukernel/sys.h>

#include "kernel/ring/ring_processor.h"

namespace uk::signals {
namespace {

constexpr uint32_t kA = 1;
constexpr uint32_t kB = 2;
constexpr uint32_t kC = 3;

TEST(Signals, MaskLayoutIsLinuxSigset) {
  EXPECT_EQ(signal_bit(1), 1u);
  EXPECT_EQ(signal_bit(2), 2u);
  EXPECT_EQ(signal_bit(63), uint64_t{1} << 62);
  // Every possible mask is a non-negative completion result.
  EXPECT_GE(static_cast<int64_t>(~uint64_t{0} >> 1), 0);
}

TEST(Signals, GrantsDecideWhoMaySignal) {
  SignalState a;
  SignalState b;
  SignalState c;
  ASSERT_TRUE(signal_grant_target(a, kB).ok());
  EXPECT_TRUE(signal_may_send(a, kA, kB));
  EXPECT_TRUE(signal_may_send(a, kA, kA));   // itself: always
  EXPECT_FALSE(signal_may_send(a, kA, kC));  // not granted
  EXPECT_FALSE(signal_may_send(b, kB, kA));  // grants are one-way
  EXPECT_FALSE(signal_may_send(a, kA, 0));   // 0 is the kernel, never a target
  EXPECT_TRUE(send_signal(a, kA, kB, &b, 10).ok());
  EXPECT_EQ(send_signal(a, kA, kC, &c, 10).error(), Errno::kPerm);
  EXPECT_EQ(send_signal(b, kB, kA, &a, 10).error(), Errno::kPerm);
  EXPECT_EQ(c.pending, 0u);
  EXPECT_EQ(a.pending, 0u);
  EXPECT_EQ(b.pending, signal_bit(10));
}

TEST(Signals, ArgumentChecksAndTheirOrder) {
  SignalState a;
  SignalState b;
  ASSERT_TRUE(signal_grant_target(a, kB).ok());
  EXPECT_EQ(send_signal(a, kA, kB, &b, 64).error(), Errno::kInval);
  EXPECT_EQ(send_signal(a, kA, kB, &b, UINT32_MAX).error(), Errno::kInval);
  EXPECT_EQ(send_signal(a, kA, kC, nullptr, 64).error(), Errno::kInval);  // signo first
  // Not granted: EPERM whether or not the target exists (no existence leak).
  EXPECT_EQ(send_signal(a, kA, kC, nullptr, 1).error(), Errno::kPerm);
  EXPECT_EQ(send_signal(a, kA, 99, nullptr, 1).error(), Errno::kPerm);
  // Granted but gone (exited, or never started): ESRCH.
  EXPECT_EQ(send_signal(a, kA, kB, nullptr, 1).error(), Errno::kSrch);
  EXPECT_EQ(send_signal(a, kA, kB, nullptr, 0).error(), Errno::kSrch);
  // Signal 0 probes: allowed, nothing sent, no flag.
  EXPECT_TRUE(send_signal(a, kA, kB, &b, 0).ok());
  EXPECT_EQ(b.pending, 0u);
  EXPECT_FALSE(b.flag_owed);
  EXPECT_EQ(send_signal(a, kA, kC, nullptr, 0).error(), Errno::kPerm);
}

TEST(Signals, PendingSetAndCheck) {
  SignalState a;
  SignalState b;
  ASSERT_TRUE(signal_grant_target(a, kB).ok());
  for (uint32_t s : {1u, 5u, 63u, 5u}) ASSERT_TRUE(send_signal(a, kA, kB, &b, s).ok());
  EXPECT_EQ(b.received, 4u);
  const uint64_t mask = check_signals(b);
  EXPECT_EQ(mask, signal_bit(1) | signal_bit(5) | signal_bit(63));  // 5 twice: one bit (not queued)
  EXPECT_GE(static_cast<int64_t>(mask), 0);
  EXPECT_EQ(check_signals(b), 0u);  // cleared
  // To itself.
  ASSERT_TRUE(send_signal(a, kA, kA, &a, 7).ok());
  EXPECT_EQ(check_signals(a), signal_bit(7));
}

TEST(Signals, GrantTable) {
  SignalState s;
  EXPECT_EQ(signal_grant_target(s, 0).error(), Errno::kInval);
  for (uint32_t id = 1; id <= kMaxSignalTargets; ++id) ASSERT_TRUE(signal_grant_target(s, id).ok());
  EXPECT_TRUE(signal_grant_target(s, 5).ok());  // duplicate: already there
  EXPECT_EQ(s.target_count, kMaxSignalTargets);
  EXPECT_EQ(signal_grant_target(s, 100).error(), Errno::kNoSpc);
  EXPECT_TRUE(signal_may_send(s, 50, kMaxSignalTargets));
  EXPECT_FALSE(signal_may_send(s, 50, 100));
}

TEST(Signals, CompletionFlagIsOwedOncePerSend) {
  SignalState a;
  SignalState b;
  ASSERT_TRUE(signal_grant_target(a, kB).ok());
  EXPECT_FALSE(take_completion_flag(b));
  ASSERT_TRUE(send_signal(a, kA, kB, &b, 3).ok());
  EXPECT_TRUE(take_completion_flag(b));
  EXPECT_FALSE(take_completion_flag(b));  // taken
  EXPECT_EQ(b.pending, signal_bit(3));    // the signal itself stays until CheckSignals
  // A refused send owes nothing.
  EXPECT_EQ(send_signal(b, kB, kA, &a, 3).error(), Errno::kPerm);
  EXPECT_FALSE(take_completion_flag(a));
  // Reset forgets pending signals and the flag, keeps grants.
  ASSERT_TRUE(send_signal(a, kA, kB, &b, 4).ok());
  signal_reset_pending(b);
  EXPECT_EQ(b.pending, 0u);
  EXPECT_FALSE(take_completion_flag(b));
  EXPECT_TRUE(signal_may_send(a, kA, kB));
}

// ---- with the real ring processor -----------------------------------------------

// The target domain's ring in ordinary memory.
struct alignas(64) RingMemory {
  uint8_t bytes[UK_RING_MAP_BYTES];
};

class SignalRingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    memset(&mem_, 0, sizeof mem_);
    ring_.shared = reinterpret_cast<ukernel::sys::SubmitRing*>(mem_.bytes);
    ASSERT_TRUE(signal_grant_target(sender_, kB).ok());
  }
  ukernel::sys::SubmitEntry* submissions() { return reinterpret_cast<ukernel::sys::SubmitEntry*>(mem_.bytes + 64); }
  ukernel::sys::CompleteEntry* completions() {
    return reinterpret_cast<ukernel::sys::CompleteEntry*>(mem_.bytes + 64 + 64 * 64);
  }
  // The target submits one entry (the op handler below) and the kernel runs it.
  void submit(uint16_t opcode, uint16_t flags, uint64_t user_data) {
    uint32_t head = __atomic_load_n(&ring_.shared->submit_head, __ATOMIC_RELAXED);
    ukernel::sys::SubmitEntry& e = submissions()[head & UK_RING_MASK];
    memset(&e, 0, sizeof e);
    e.opcode = opcode;
    e.flags = flags;
    e.user_data = user_data;
    __atomic_store_n(&ring_.shared->submit_head, head + 1, __ATOMIC_RELEASE);
    // What the lead's SYS_SUBMIT does first: move an owed flag into the ring.
    arm_completion_flag(target_, ring_);
    SubmitOutcome out = process_submit(ring_, 1, &SignalRingTest::handler, this);
    ASSERT_EQ(out.consumed, 1u);
  }
  // Pops the next completion.
  ukernel::sys::CompleteEntry pop() {
    uint32_t tail = ring_.shared->complete_tail;
    EXPECT_NE(tail, __atomic_load_n(&ring_.shared->complete_head, __ATOMIC_ACQUIRE)) << "no completion";
    ukernel::sys::CompleteEntry c = completions()[tail & UK_RING_MASK];
    __atomic_store_n(&ring_.shared->complete_tail, tail + 1, __ATOMIC_RELEASE);
    return c;
  }
  bool has_completion() {
    return ring_.shared->complete_tail != __atomic_load_n(&ring_.shared->complete_head, __ATOMIC_ACQUIRE);
  }
  static OpResult handler(void* self, const ukernel::sys::SubmitEntry& e) {
    auto* t = static_cast<SignalRingTest*>(self);
    if (e.opcode == UK_OP_CHECK_SIGNALS) return OpResult{static_cast<int64_t>(check_signals(t->target_)), OpDisposition::kDone};
    return OpResult{0, OpDisposition::kDone};  // some other successful op
  }

  RingMemory mem_;
  RingState ring_;
  SignalState sender_;
  SignalState target_;
};

TEST_F(SignalRingTest, NextCompletionCarriesSignalPending) {
  ASSERT_TRUE(send_signal(sender_, kA, kB, &target_, 9).ok());
  // A successful op without NEED_COMPLETION writes no completion: the flag waits.
  submit(UK_OP_GET_DOMAIN_ID, 0, 1);
  EXPECT_FALSE(has_completion());
  EXPECT_EQ(ring_.extra_completion_flags, UK_COMPLETE_SIGNAL_PENDING);
  submit(UK_OP_GET_DOMAIN_ID, UK_SUBMIT_NEED_COMPLETION, 2);
  ukernel::sys::CompleteEntry c = pop();
  EXPECT_EQ(c.user_data, 2u);
  EXPECT_EQ(c.flags, UK_COMPLETE_SIGNAL_PENDING);
  // Only that one completion carries it.
  submit(UK_OP_GET_DOMAIN_ID, UK_SUBMIT_NEED_COMPLETION, 3);
  EXPECT_EQ(pop().flags, 0u);
  // CheckSignals returns the mask (and clears it).
  submit(UK_OP_CHECK_SIGNALS, UK_SUBMIT_NEED_COMPLETION, 4);
  c = pop();
  EXPECT_EQ(c.result, static_cast<int64_t>(signal_bit(9)));
  EXPECT_EQ(c.flags, 0u);
  submit(UK_OP_CHECK_SIGNALS, UK_SUBMIT_NEED_COMPLETION, 5);
  EXPECT_EQ(pop().result, 0);
}

TEST_F(SignalRingTest, Signal63IsAPositiveResult) {
  ASSERT_TRUE(send_signal(sender_, kA, kB, &target_, 63).ok());
  ASSERT_TRUE(send_signal(sender_, kA, kB, &target_, 1).ok());
  submit(UK_OP_CHECK_SIGNALS, UK_SUBMIT_NEED_COMPLETION, 7);
  ukernel::sys::CompleteEntry c = pop();
  EXPECT_EQ(c.flags, UK_COMPLETE_SIGNAL_PENDING);  // the CheckSignals completion itself carries the hint
  EXPECT_EQ(static_cast<uint64_t>(c.result), signal_bit(63) | signal_bit(1));
  EXPECT_TRUE(c.result > 0);
}

TEST_F(SignalRingTest, NoSignalNoFlag) {
  submit(UK_OP_GET_DOMAIN_ID, UK_SUBMIT_NEED_COMPLETION, 1);
  EXPECT_EQ(pop().flags, 0u);
  EXPECT_EQ(ring_.extra_completion_flags, 0u);
}

}  // namespace
}  // namespace uk::signals
