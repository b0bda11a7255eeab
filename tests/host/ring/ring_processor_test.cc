// Host tests of process_submit (kernel/ring/ring_processor.h) against fake
// domain memory: a heap-allocated, 64-byte aligned SubmitRing that the test
// writes as the domain would, and a fake handler that records every call and
// returns scripted results.
#include "kernel/ring/ring_processor.h"

#include <stdlib.h>
#include <string.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <vector>

#include <gtest/gtest.h>

#include <ukernel/sys.h>

namespace {

namespace sys = ukernel::sys;
using uk::OpDisposition;
using uk::OpResult;
using uk::process_submit;
using uk::RingState;
using uk::StopReason;
using uk::SubmitOutcome;

constexpr uint32_t kRing = static_cast<uint32_t>(sys::RING_SIZE);
constexpr uint32_t kMax = static_cast<uint32_t>(sys::MAX_SUBMIT_COUNT);
constexpr uint16_t kNeed = sys::submit_flags::NEED_COMPLETION;
constexpr uint16_t kBarrier = sys::submit_flags::BARRIER;
constexpr uint16_t kMore = sys::submit_flags::MORE_COMING;
constexpr int64_t kEINVAL = -22;
constexpr int64_t kENOSYS = -38;
constexpr int64_t kEFAULT = -14;
constexpr int64_t kEPERM = -1;
constexpr uint64_t kAll = UINT64_MAX;  // to_submit: "everything"

// Any opcode will do for the processor; the handler gives it meaning.
constexpr uint16_t kOpGetDomainId = static_cast<uint16_t>(sys::KernelOp::GetDomainId);

sys::SubmitEntry make_entry(uint64_t user_data, uint16_t flags = 0, uint16_t opcode = kOpGetDomainId) {
  sys::SubmitEntry e{};
  e.opcode = opcode;
  e.flags = flags;
  e.args[0] = user_data * 3;
  e.args[4] = ~user_data;
  e.user_data = user_data;
  return e;
}

// Records what the processor passed to the handler and answers from a script
// (default: success, result 0).
struct FakeDomain {
  struct Call {
    sys::SubmitEntry entry;      // copy of what the handler saw
    const void* entry_address;   // where the processor kept it
  };
  std::vector<Call> calls;
  std::deque<OpResult> script;
  std::function<void(const sys::SubmitEntry&)> on_call;  // runs inside the handler

  static OpResult handler(void* self, const sys::SubmitEntry& entry) {
    auto* d = static_cast<FakeDomain*>(self);
    d->calls.push_back({entry, &entry});
    if (d->on_call) d->on_call(entry);
    if (d->script.empty()) return OpResult{};
    OpResult r = d->script.front();
    d->script.pop_front();
    return r;
  }
};

class RingProcessorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static_assert(sizeof(sys::SubmitRing) % 64 == 0);
    mem_ = static_cast<sys::SubmitRing*>(aligned_alloc(64, sizeof(sys::SubmitRing)));
    ASSERT_NE(mem_, nullptr);
    memset(static_cast<void*>(mem_), 0, sizeof(sys::SubmitRing));
    ring_.shared = mem_;
  }
  void TearDown() override { free(mem_); }

  // ---- the domain's side -------------------------------------------------
  uint32_t shared_submit_head() const { return __atomic_load_n(&mem_->submit_head, __ATOMIC_ACQUIRE); }
  uint32_t shared_submit_tail() const { return __atomic_load_n(&mem_->submit_tail, __ATOMIC_ACQUIRE); }
  uint32_t shared_complete_head() const { return __atomic_load_n(&mem_->complete_head, __ATOMIC_ACQUIRE); }
  uint32_t shared_complete_tail() const { return __atomic_load_n(&mem_->complete_tail, __ATOMIC_ACQUIRE); }

  // Places both rings at the given counters (kernel copies and shared fields
  // agree), as after a history of that many operations.
  void start_at(uint32_t submit_index, uint32_t complete_index) {
    ring_.submit_tail = submit_index;
    ring_.complete_head = complete_index;
    mem_->submit_head = submit_index;
    mem_->submit_tail = submit_index;
    mem_->complete_head = complete_index;
    mem_->complete_tail = complete_index;
  }

  // Writes an entry at submit_head and publishes it (release).
  void push(const sys::SubmitEntry& e) {
    const uint32_t head = shared_submit_head();
    mem_->submissions[head & sys::RING_MASK] = e;
    __atomic_store_n(&mem_->submit_head, head + 1, __ATOMIC_RELEASE);
  }
  void push_n(uint32_t n, uint64_t first_user_data, uint16_t flags = 0) {
    for (uint32_t i = 0; i < n; ++i) push(make_entry(first_user_data + i, flags));
  }

  // Reads every completion the kernel published and frees the slots.
  std::vector<sys::CompleteEntry> reap() {
    std::vector<sys::CompleteEntry> out;
    const uint32_t head = shared_complete_head();
    uint32_t tail = shared_complete_tail();
    for (; tail != head; ++tail) out.push_back(mem_->completions[tail & sys::RING_MASK]);
    __atomic_store_n(&mem_->complete_tail, tail, __ATOMIC_RELEASE);
    return out;
  }
  // Frees only n completion slots.
  std::vector<sys::CompleteEntry> reap_n(uint32_t n) {
    std::vector<sys::CompleteEntry> out;
    uint32_t tail = shared_complete_tail();
    for (uint32_t i = 0; i < n; ++i, ++tail) out.push_back(mem_->completions[tail & sys::RING_MASK]);
    __atomic_store_n(&mem_->complete_tail, tail, __ATOMIC_RELEASE);
    return out;
  }

  // ---- the kernel's side ---------------------------------------------------
  SubmitOutcome submit(uint64_t to_submit = kAll) {
    return process_submit(ring_, to_submit, &FakeDomain::handler, &domain_);
  }

  bool inside_ring(const void* p) const {
    const auto* b = reinterpret_cast<const unsigned char*>(mem_);
    const auto* q = static_cast<const unsigned char*>(p);
    return q >= b && q < b + sizeof(sys::SubmitRing);
  }

  // Expects nothing consumed and nothing written, -EINVAL.
  void expect_rejected(uint64_t to_submit = kAll) {
    std::vector<unsigned char> before(sizeof(sys::SubmitRing));
    memcpy(before.data(), mem_, before.size());
    const RingState ring_before = ring_;
    const SubmitOutcome out = submit(to_submit);
    EXPECT_EQ(out.syscall_result, kEINVAL);
    EXPECT_EQ(out.reason, StopReason::kBadRing);
    EXPECT_EQ(out.consumed, 0u);
    EXPECT_EQ(out.completed, 0u);
    EXPECT_FALSE(out.stopped);
    EXPECT_TRUE(domain_.calls.empty());
    EXPECT_EQ(ring_.submit_tail, ring_before.submit_tail);
    EXPECT_EQ(ring_.complete_head, ring_before.complete_head);
    EXPECT_EQ(memcmp(before.data(), mem_, before.size()), 0) << "a rejected call wrote to the ring";
  }

  sys::SubmitRing* mem_ = nullptr;
  RingState ring_;
  FakeDomain domain_;
};

// ===========================================================================
// Index validation
// ===========================================================================

TEST_F(RingProcessorTest, EmptyRingConsumesNothingAndSucceeds) {
  start_at(100, 200);
  const SubmitOutcome out = submit();
  EXPECT_EQ(out.syscall_result, 0);
  EXPECT_EQ(out.consumed, 0u);
  EXPECT_EQ(out.reason, StopReason::kLimit);
  EXPECT_TRUE(domain_.calls.empty());
}

TEST_F(RingProcessorTest, RejectsSubmitHeadOneBeyondRingSize) {
  start_at(1000, 0);
  mem_->submit_head = 1000 + kRing + 1;
  expect_rejected();
}

TEST_F(RingProcessorTest, RejectsSubmitHeadFarAhead) {
  for (uint32_t delta : {kRing + 1, 1000u, 0x7FFFFFFFu, 0x80000000u, 0xFFFFFF00u}) {
    SCOPED_TRACE(delta);
    start_at(5, 0);
    mem_->submit_head = 5 + delta;
    expect_rejected();
  }
}

TEST_F(RingProcessorTest, RejectsSubmitHeadBehindTail) {
  start_at(10, 0);
  mem_->submit_head = 9;  // tail > head: 9 - 10 = 2^32 - 1 pending
  expect_rejected();
  mem_->submit_head = 0;
  expect_rejected();
}

TEST_F(RingProcessorTest, RejectsBadIndicesEvenWhenToSubmitIsZero) {
  start_at(10, 0);
  mem_->submit_head = 9;
  expect_rejected(/*to_submit=*/0);
}

TEST_F(RingProcessorTest, AcceptsExactlyRingSizePending) {
  start_at(7, 0);
  push_n(kRing, 1);
  const SubmitOutcome out = submit();
  EXPECT_EQ(out.syscall_result, static_cast<int64_t>(kRing));
  EXPECT_EQ(domain_.calls.size(), kRing);
  EXPECT_EQ(ring_.submit_tail, 7 + kRing);
}

TEST_F(RingProcessorTest, AcceptsSubmitIndicesWrappedAround2To32) {
  start_at(0xFFFFFFF0u, 0);
  push_n(0x20, 1);  // 16 slots before the wrap, 16 after
  ASSERT_EQ(shared_submit_head(), 0x10u);
  const SubmitOutcome out = submit();
  EXPECT_EQ(out.syscall_result, 0x20);
  EXPECT_EQ(ring_.submit_tail, 0x10u);
  EXPECT_EQ(shared_submit_tail(), 0x10u);
  ASSERT_EQ(domain_.calls.size(), 0x20u);
  for (uint32_t i = 0; i < 0x20; ++i) EXPECT_EQ(domain_.calls[i].entry.user_data, 1 + i);
}

TEST_F(RingProcessorTest, AcceptsCompletionIndicesWrappedAround2To32) {
  start_at(0, 0xFFFFFFF8u);
  mem_->complete_tail = 0xFFFFFFF0u;  // 8 completions unread, across no wrap yet
  push_n(20, 1, kNeed);
  const SubmitOutcome out = submit();
  EXPECT_EQ(out.syscall_result, 20);
  EXPECT_EQ(out.completed, 20u);
  EXPECT_EQ(ring_.complete_head, 0xFFFFFFF8u + 20);  // wrapped to 12
  EXPECT_EQ(shared_complete_head(), 12u);
  const auto c = reap();
  ASSERT_EQ(c.size(), 28u);
  for (uint32_t i = 0; i < 20; ++i) EXPECT_EQ(c[8 + i].user_data, 1 + i);
}

TEST_F(RingProcessorTest, RejectsCompleteTailAheadOfCompleteHead) {
  start_at(0, 50);
  push_n(1, 1);
  mem_->complete_tail = 51;  // the domain claims to have read a completion never written
  expect_rejected();
}

TEST_F(RingProcessorTest, RejectsMoreThanRingSizeCompletionsOutstanding) {
  start_at(0, 1000);
  push_n(1, 1);
  mem_->complete_tail = 1000 - kRing - 1;
  expect_rejected();
  mem_->complete_tail = 1000 - kRing;  // exactly full is fine (back-pressure, not an error)
  const SubmitOutcome out = submit();
  EXPECT_EQ(out.syscall_result, 0);
  EXPECT_EQ(out.reason, StopReason::kCompletionRingFull);
}

TEST_F(RingProcessorTest, NoRingMappedIsEfault) {
  ring_.shared = nullptr;
  const SubmitOutcome out = submit();
  EXPECT_EQ(out.syscall_result, kEFAULT);
  EXPECT_EQ(out.consumed, 0u);
  EXPECT_TRUE(domain_.calls.empty());
}

// ===========================================================================
// Entry validation
// ===========================================================================

TEST_F(RingProcessorTest, NonzeroReservedFieldCompletesWithEinvalWithoutCallingHandler) {
  for (uint32_t reserved : {1u, 0x80000000u, 0xFFFFFFFFu}) {
    SCOPED_TRACE(reserved);
    domain_.calls.clear();
    sys::SubmitEntry bad = make_entry(0xBAD, /*flags=*/0);  // no NEED_COMPLETION: errors complete anyway
    bad._reserved = reserved;
    push(bad);
    push(make_entry(0x600D, kNeed));
    const SubmitOutcome out = submit();
    EXPECT_EQ(out.syscall_result, 2);
    EXPECT_EQ(out.completed, 2u);
    ASSERT_EQ(domain_.calls.size(), 1u);
    EXPECT_EQ(domain_.calls[0].entry.user_data, 0x600Du);
    const auto c = reap();
    ASSERT_EQ(c.size(), 2u);
    EXPECT_EQ(c[0].result, kEINVAL);
    EXPECT_EQ(c[0].user_data, 0xBADu);
    EXPECT_EQ(c[1].result, 0);
    EXPECT_EQ(c[1].user_data, 0x600Du);
  }
}

TEST_F(RingProcessorTest, EachUnknownFlagBitCompletesWithEinvalWithoutCallingHandler) {
  for (int bit = 0; bit < 16; ++bit) {
    const uint16_t flag = static_cast<uint16_t>(1u << bit);
    if ((flag & uk::kKnownSubmitFlags) != 0) continue;
    SCOPED_TRACE(bit);
    domain_.calls.clear();
    push(make_entry(100 + bit, static_cast<uint16_t>(flag | kNeed)));
    const SubmitOutcome out = submit();
    EXPECT_EQ(out.syscall_result, 1);
    EXPECT_TRUE(domain_.calls.empty());
    const auto c = reap();
    ASSERT_EQ(c.size(), 1u);
    EXPECT_EQ(c[0].result, kEINVAL);
    EXPECT_EQ(c[0].user_data, static_cast<uint64_t>(100 + bit));
  }
  EXPECT_EQ(uk::kKnownSubmitFlags, 0x7);
}

TEST_F(RingProcessorTest, MoreComingIsAcceptedAndIgnored) {
  push(make_entry(1, kMore));
  push(make_entry(2, kMore | kNeed));
  push(make_entry(3, kMore | kNeed | kBarrier));
  const SubmitOutcome out = submit();
  EXPECT_EQ(out.syscall_result, 3);
  EXPECT_EQ(domain_.calls.size(), 3u);
  const auto c = reap();
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0].user_data, 2u);
  EXPECT_EQ(c[1].user_data, 3u);
}

TEST_F(RingProcessorTest, TailPaddingIsNotChecked) {
  sys::SubmitEntry e = make_entry(9, kNeed);
  push(e);
  memset(reinterpret_cast<unsigned char*>(&mem_->submissions[0]) + 56, 0xEE, 8);
  EXPECT_EQ(submit().syscall_result, 1);
  ASSERT_EQ(domain_.calls.size(), 1u);
  EXPECT_EQ(reap().at(0).result, 0);
}

TEST_F(RingProcessorTest, UnknownOpcodeReachesHandlerWhoseEnosysIsCompleted) {
  // The processor does not judge opcodes; the domain's handler answers
  // -ENOSYS, which completes even without NEED_COMPLETION.
  push(make_entry(77, 0, /*opcode=*/0xBEEF));
  domain_.script.push_back(OpResult{kENOSYS, OpDisposition::kDone});
  const SubmitOutcome out = submit();
  EXPECT_EQ(out.syscall_result, 1);
  ASSERT_EQ(domain_.calls.size(), 1u);
  EXPECT_EQ(domain_.calls[0].entry.opcode, 0xBEEF);
  const auto c = reap();
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].result, kENOSYS);
  EXPECT_EQ(c[0].user_data, 77u);
}

TEST_F(RingProcessorTest, NullHandlerCompletesEveryEntryWithEnosys) {
  push_n(3, 1);
  const SubmitOutcome out = process_submit(ring_, kAll, nullptr, nullptr);
  EXPECT_EQ(out.syscall_result, 3);
  const auto c = reap();
  ASSERT_EQ(c.size(), 3u);
  for (const auto& e : c) EXPECT_EQ(e.result, kENOSYS);
}

TEST_F(RingProcessorTest, HandlerReceivesTheEntryUnchanged) {
  sys::SubmitEntry e{};
  e.opcode = static_cast<uint16_t>(sys::KernelOp::DebugPrint);
  e.flags = kNeed | kMore;
  for (uint32_t i = 0; i < sys::SUBMIT_ARG_COUNT; ++i) e.args[i] = 0x1111111111111111ull * (i + 1);
  e.user_data = 0xFEEDFACECAFEBEEFull;
  push(e);
  EXPECT_EQ(submit().syscall_result, 1);
  ASSERT_EQ(domain_.calls.size(), 1u);
  EXPECT_EQ(memcmp(&domain_.calls[0].entry, &e, offsetof(sys::SubmitEntry, user_data) + 8), 0);
}

// ===========================================================================
// Completions
// ===========================================================================

TEST_F(RingProcessorTest, SuccessWithoutNeedCompletionProducesNoCompletion) {
  push_n(5, 1, /*flags=*/0);
  for (int i = 0; i < 5; ++i) domain_.script.push_back(OpResult{i * 10, OpDisposition::kDone});
  const SubmitOutcome out = submit();
  EXPECT_EQ(out.syscall_result, 5);
  EXPECT_EQ(out.completed, 0u);
  EXPECT_EQ(shared_complete_head(), 0u);
  EXPECT_TRUE(reap().empty());
}

TEST_F(RingProcessorTest, SuccessWithNeedCompletionIsCompletedWithResult) {
  push(make_entry(42, kNeed));
  domain_.script.push_back(OpResult{0x123456789LL, OpDisposition::kDone});
  EXPECT_EQ(submit().completed, 1u);
  const auto c = reap();
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].result, 0x123456789LL);
  EXPECT_EQ(c[0].user_data, 42u);
  EXPECT_EQ(c[0].flags, 0);
}

TEST_F(RingProcessorTest, ErrorsAreAlwaysCompleted) {
  push(make_entry(1, 0));
  push(make_entry(2, kNeed));
  push(make_entry(3, kMore));
  domain_.script = {OpResult{kEPERM}, OpResult{-5}, OpResult{INT64_MIN}};
  const SubmitOutcome out = submit();
  EXPECT_EQ(out.syscall_result, 3);
  EXPECT_EQ(out.completed, 3u);
  const auto c = reap();
  ASSERT_EQ(c.size(), 3u);
  EXPECT_EQ(c[0].result, kEPERM);
  EXPECT_EQ(c[1].result, -5);
  EXPECT_EQ(c[2].result, INT64_MIN);
  EXPECT_EQ(c[2].user_data, 3u);
}

TEST_F(RingProcessorTest, CompletionsFollowSubmissionOrderAndEchoUserData) {
  // user_data is opaque: every bit pattern comes back as it went in.
  const uint64_t uds[] = {0, 1, 0xFFFFFFFFFFFFFFFFull, 0x8000000000000000ull, 0xDEADBEEF00000000ull, 12345};
  for (uint64_t ud : uds) push(make_entry(ud, kNeed));
  domain_.script = {OpResult{1}, OpResult{-2}, OpResult{3}, OpResult{-4}, OpResult{5}, OpResult{6}};
  EXPECT_EQ(submit().syscall_result, 6);
  const auto c = reap();
  ASSERT_EQ(c.size(), 6u);
  const int64_t results[] = {1, -2, 3, -4, 5, 6};
  for (size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(c[i].user_data, uds[i]) << i;
    EXPECT_EQ(c[i].result, results[i]) << i;
    EXPECT_EQ(c[i].flags, 0) << i;
  }
}

TEST_F(RingProcessorTest, CompletionFlagsAndReservedBytesAreZeroed) {
  // The slot held garbage (a domain may write anything there); the kernel's
  // completion overwrites every named field. (Tail padding is not part of
  // the ABI contract.)
  memset(static_cast<void*>(mem_->completions), 0xAA, sizeof(mem_->completions));
  push(make_entry(5, kNeed));
  EXPECT_EQ(submit().completed, 1u);
  const auto* raw = reinterpret_cast<const unsigned char*>(&mem_->completions[0]);
  for (size_t i = offsetof(sys::CompleteEntry, flags); i < offsetof(sys::CompleteEntry, _reserved) + 6; ++i) {
    EXPECT_EQ(raw[i], 0) << "byte " << i;
  }
  // The next slot was not touched.
  EXPECT_EQ(reinterpret_cast<const unsigned char*>(&mem_->completions[1])[0], 0xAA);
}

TEST_F(RingProcessorTest, ExtraCompletionFlagsGoOnTheNextCompletionOnly) {
  ring_.extra_completion_flags = sys::complete_flags::SIGNAL_PENDING;
  push(make_entry(1, 0));     // silent success: no completion, the flag waits
  push(make_entry(2, kNeed));  // carries the flag
  push(make_entry(3, kNeed));  // does not
  EXPECT_EQ(submit().syscall_result, 3);
  EXPECT_EQ(ring_.extra_completion_flags, 0);
  const auto c = reap();
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0].user_data, 2u);
  EXPECT_EQ(c[0].flags, sys::complete_flags::SIGNAL_PENDING);
  EXPECT_EQ(c[1].flags, 0);
}

TEST_F(RingProcessorTest, ExtraCompletionFlagsSurviveACallWithoutCompletions) {
  ring_.extra_completion_flags = sys::complete_flags::SIGNAL_PENDING | sys::complete_flags::TIMER_EXPIRED;
  push(make_entry(1, 0));
  EXPECT_EQ(submit().completed, 0u);
  EXPECT_EQ(ring_.extra_completion_flags, 3);
  push(make_entry(2, 0));
  domain_.script.push_back(OpResult{kEPERM});  // a failure carries them
  EXPECT_EQ(submit().completed, 1u);
  EXPECT_EQ(reap().at(0).flags, 3);
  EXPECT_EQ(ring_.extra_completion_flags, 0);
}

TEST_F(RingProcessorTest, IndicesArePublishedFromTheKernelCopies) {
  start_at(1, 2);
  push_n(4, 1, kNeed);
  const SubmitOutcome out = submit();
  EXPECT_EQ(out.syscall_result, 4);
  EXPECT_EQ(ring_.submit_tail, 5u);
  EXPECT_EQ(ring_.complete_head, 6u);
  EXPECT_EQ(shared_submit_tail(), 5u);
  EXPECT_EQ(shared_complete_head(), 6u);
  EXPECT_EQ(shared_complete_tail(), 2u);  // the domain's field is never written
  EXPECT_EQ(shared_submit_head(), 5u);
}

// ===========================================================================
// Back-pressure
// ===========================================================================

TEST_F(RingProcessorTest, FullCompletionRingConsumesNothing) {
  start_at(0, 500);
  mem_->complete_tail = 500 - kRing;  // every completion slot unread
  push_n(3, 1);
  const SubmitOutcome out = submit();
  EXPECT_EQ(out.syscall_result, 0);
  EXPECT_EQ(out.reason, StopReason::kCompletionRingFull);
  EXPECT_TRUE(domain_.calls.empty());
  EXPECT_EQ(ring_.submit_tail, 0u);
  EXPECT_EQ(shared_submit_tail(), 0u);
}

TEST_F(RingProcessorTest, FullCompletionRingStopsEvenOpsThatWouldSucceedSilently) {
  // Any op may fail, and a failure must complete, so no entry is taken
  // without a free completion slot (documented conservative choice).
  start_at(0, kRing);
  mem_->complete_tail = 0;
  push_n(1, 1, /*flags=*/0);
  EXPECT_EQ(submit().consumed, 0u);
}

TEST_F(RingProcessorTest, BackPressureMidBatchThenResumesWithNothingLost) {
  start_at(0, 0);
  // 60 completions already waiting to be read: 4 free slots.
  push_n(60, 1000, kNeed);
  ASSERT_EQ(submit().completed, 60u);
  // 10 entries that all fail.
  push_n(10, 1, /*flags=*/0);
  for (int i = 0; i < 10; ++i) domain_.script.push_back(OpResult{-(100 + i)});
  SubmitOutcome out = submit();
  EXPECT_EQ(out.syscall_result, 4);
  EXPECT_EQ(out.completed, 4u);
  EXPECT_EQ(out.reason, StopReason::kCompletionRingFull);
  EXPECT_EQ(shared_complete_head() - shared_complete_tail(), kRing);
  EXPECT_EQ(shared_submit_tail(), 64u);  // 6 entries still in the ring

  // Still full: a second call takes nothing.
  out = submit();
  EXPECT_EQ(out.syscall_result, 0);
  EXPECT_EQ(out.reason, StopReason::kCompletionRingFull);

  // The domain reads 62 completions; the rest goes through.
  std::vector<sys::CompleteEntry> seen = reap_n(62);
  out = submit();
  EXPECT_EQ(out.syscall_result, 6);
  EXPECT_EQ(out.reason, StopReason::kLimit);
  for (const auto& c : reap()) seen.push_back(c);

  ASSERT_EQ(seen.size(), 70u);
  for (uint32_t i = 0; i < 60; ++i) EXPECT_EQ(seen[i].user_data, 1000 + i);
  for (uint32_t i = 0; i < 10; ++i) {
    EXPECT_EQ(seen[60 + i].user_data, 1 + i);
    EXPECT_EQ(seen[60 + i].result, -(100 + static_cast<int64_t>(i)));
  }
  EXPECT_EQ(domain_.calls.size(), 70u);  // every entry ran exactly once
}

TEST_F(RingProcessorTest, CompletionSlotsFreedDuringACallAreUsedOnlyByTheNextCall) {
  // complete_tail is read once per call: slots the domain frees while the
  // call runs are not seen until the next call (never more than is free).
  start_at(0, kRing - 1);
  mem_->complete_tail = 0;  // one free slot
  push_n(3, 1, kNeed);
  domain_.on_call = [&](const sys::SubmitEntry&) { __atomic_store_n(&mem_->complete_tail, kRing - 1, __ATOMIC_RELEASE); };
  EXPECT_EQ(submit().syscall_result, 1);
  domain_.on_call = nullptr;
  EXPECT_EQ(submit().syscall_result, 2);
}

// ===========================================================================
// Per-call limits
// ===========================================================================

TEST_F(RingProcessorTest, ConsumesAtMostMaxSubmitCountPerCall) {
  // MAX_SUBMIT_COUNT == RING_SIZE in this ABI, so a full ring is the most
  // one call can be asked for; one more pending entry is an impossible
  // index (RejectsSubmitHeadOneBeyondRingSize).
  static_assert(sys::MAX_SUBMIT_COUNT <= sys::RING_SIZE);
  for (int round = 0; round < 3; ++round) {
    SCOPED_TRACE(round);
    push_n(kRing, 1 + round * kRing);
    domain_.calls.clear();
    const SubmitOutcome out = submit(kAll);
    EXPECT_EQ(out.syscall_result, static_cast<int64_t>(kMax));
    EXPECT_EQ(domain_.calls.size(), kMax);
    EXPECT_EQ(shared_submit_head() - shared_submit_tail(), kRing - kMax);
  }
}

TEST_F(RingProcessorTest, ToSubmitLimitsConsumptionAndTheRestWaits) {
  push_n(10, 1);
  SubmitOutcome out = submit(3);
  EXPECT_EQ(out.syscall_result, 3);
  EXPECT_EQ(out.reason, StopReason::kLimit);
  EXPECT_EQ(shared_submit_tail(), 3u);
  out = submit(0);
  EXPECT_EQ(out.syscall_result, 0);
  out = submit(100);
  EXPECT_EQ(out.syscall_result, 7);
  ASSERT_EQ(domain_.calls.size(), 10u);
  for (uint32_t i = 0; i < 10; ++i) EXPECT_EQ(domain_.calls[i].entry.user_data, 1 + i);
}

TEST_F(RingProcessorTest, ToSubmitIsNotTruncatedTo32Bits) {
  push_n(5, 1);
  EXPECT_EQ(submit(uint64_t{1} << 32).syscall_result, 5);  // not 0
  push_n(5, 1);
  EXPECT_EQ(submit((uint64_t{1} << 32) + 2).syscall_result, 5);  // not 2
}

// ===========================================================================
// The domain cannot steer the kernel through shared memory
// ===========================================================================

TEST_F(RingProcessorTest, DomainWritingSubmitTailBetweenCallsHasNoEffect) {
  push_n(4, 1);
  EXPECT_EQ(submit(2).syscall_result, 2);
  // The domain rewinds submit_tail to replay the entries, then jumps it ahead.
  mem_->submit_tail = 0;
  EXPECT_EQ(submit(1).syscall_result, 1);
  EXPECT_EQ(ring_.submit_tail, 3u);
  EXPECT_EQ(shared_submit_tail(), 3u);  // repaired
  mem_->submit_tail = 0x12345678;
  EXPECT_EQ(submit().syscall_result, 1);
  ASSERT_EQ(domain_.calls.size(), 4u);
  for (uint32_t i = 0; i < 4; ++i) EXPECT_EQ(domain_.calls[i].entry.user_data, 1 + i);
  EXPECT_EQ(shared_submit_tail(), 4u);
}

TEST_F(RingProcessorTest, DomainWritingCompleteHeadBetweenCallsHasNoEffect) {
  push_n(2, 1, kNeed);
  EXPECT_EQ(submit(1).completed, 1u);
  mem_->complete_head = 40;  // pretend more completions exist
  EXPECT_EQ(submit().completed, 1u);
  EXPECT_EQ(ring_.complete_head, 2u);
  EXPECT_EQ(shared_complete_head(), 2u);
  const auto c = reap();
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[1].user_data, 2u);
  EXPECT_EQ(c[1].result, 0);
}

TEST_F(RingProcessorTest, DomainWritingKernelIndicesDuringACallHasNoEffect) {
  push_n(6, 1, kNeed);
  domain_.on_call = [&](const sys::SubmitEntry&) {
    mem_->submit_tail = 0xDEAD0000;
    mem_->complete_head = 0xBEEF0000;
  };
  const SubmitOutcome out = submit();
  EXPECT_EQ(out.syscall_result, 6);
  EXPECT_EQ(out.completed, 6u);
  EXPECT_EQ(shared_submit_tail(), 6u);
  EXPECT_EQ(shared_complete_head(), 6u);
  const auto c = reap();
  ASSERT_EQ(c.size(), 6u);
  for (uint32_t i = 0; i < 6; ++i) EXPECT_EQ(c[i].user_data, 1 + i);
}

TEST_F(RingProcessorTest, DomainMovingSubmitHeadDuringACallHasNoEffect) {
  // submit_head is read once per call: entries published during the call
  // wait for the next one, and a garbage head written mid-call is not seen.
  push_n(3, 1);
  int n = 0;
  domain_.on_call = [&](const sys::SubmitEntry&) {
    if (n++ == 0) {
      mem_->submissions[3] = make_entry(4);
      mem_->submit_head = 4;
    } else {
      mem_->submit_head = 0xFFFF0000;  // an impossible value, seen by no one this call
    }
  };
  EXPECT_EQ(submit().syscall_result, 3);
  domain_.on_call = nullptr;
  mem_->submit_head = 4;
  EXPECT_EQ(submit().syscall_result, 1);
  ASSERT_EQ(domain_.calls.size(), 4u);
  EXPECT_EQ(domain_.calls[3].entry.user_data, 4u);
}

TEST_F(RingProcessorTest, DomainRetractingSubmitHeadDuringACallHasNoEffect) {
  // The head read at the start of the call decides this call's work: the
  // domain cannot take entries back (or end the batch early) once it has
  // raised SYS_SUBMIT, and freeing completion slots mid-call is only seen by
  // the next call.
  push_n(4, 1, kNeed);
  domain_.on_call = [&](const sys::SubmitEntry&) {
    // Where submit_tail will be after this entry: "nothing more pending".
    mem_->submit_head = static_cast<uint32_t>(domain_.calls.size());
    mem_->complete_tail = 0x777;
  };
  const SubmitOutcome out = submit();
  EXPECT_EQ(out.syscall_result, 4);
  EXPECT_EQ(out.completed, 4u);
  EXPECT_EQ(domain_.calls.size(), 4u);
}

TEST_F(RingProcessorTest, NoDoubleFetchHandlerSeesAPrivateCopy) {
  push_n(3, 1);
  EXPECT_EQ(submit().syscall_result, 3);
  for (const auto& call : domain_.calls) EXPECT_FALSE(inside_ring(call.entry_address));
}

TEST_F(RingProcessorTest, NoDoubleFetchRewritingTheSlotAfterTheCopyChangesNothing) {
  // Entry 1: silent success. After the copy the domain turns on
  // NEED_COMPLETION, changes user_data and sets _reserved: a processor that
  // re-read the slot would complete it (-EINVAL or 0) with the new user_data.
  // Entry 2: NEED_COMPLETION. The domain clears the flag and changes
  // user_data: the completion must still come, with the original user_data.
  push(make_entry(0x1111, 0));
  push(make_entry(0x2222, kNeed));
  domain_.on_call = [&](const sys::SubmitEntry& seen) {
    sys::SubmitEntry& slot = mem_->submissions[(seen.user_data == 0x1111) ? 0 : 1];
    slot.flags = (seen.flags & kNeed) ? 0 : static_cast<uint16_t>(kNeed | 0x8000);
    slot._reserved = 0xFFFFFFFF;
    slot.user_data = 0x6666;
    slot.opcode = 0xFFFF;
    // The processor's copy is unaffected (the handler holds it).
    EXPECT_NE(seen.user_data, 0x6666u);
    EXPECT_EQ(seen._reserved, 0u);
  };
  const SubmitOutcome out = submit();
  EXPECT_EQ(out.syscall_result, 2);
  EXPECT_EQ(out.completed, 1u);
  const auto c = reap();
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].user_data, 0x2222u);
  EXPECT_EQ(c[0].result, 0);
}

TEST_F(RingProcessorTest, NoDoubleFetchFailedEntryEchoesTheCopiedUserData) {
  // The slot is rewritten by the domain after the processor copied the
  // malformed entry -- here by the handler of the *previous* entry, which
  // runs before the malformed one is copied, so the processor must see the
  // new contents; then the following entry's handler rewrites the malformed
  // slot again, which must not change the completion already written.
  push(make_entry(1, 0));
  sys::SubmitEntry bad = make_entry(2, 0);
  bad._reserved = 7;
  push(bad);
  push(make_entry(3, 0));
  domain_.on_call = [&](const sys::SubmitEntry& seen) {
    if (seen.user_data == 1) mem_->submissions[1].user_data = 0x22;         // before the copy
    if (seen.user_data == 3) mem_->submissions[1].user_data = 0x99999999;  // after it
  };
  EXPECT_EQ(submit().syscall_result, 3);
  const auto c = reap();
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].result, kEINVAL);
  EXPECT_EQ(c[0].user_data, 0x22u);
}

// ===========================================================================
// Handler stop, BARRIER
// ===========================================================================

TEST_F(RingProcessorTest, StopAfterStopsRightAfterThatEntry) {
  push_n(5, 1, kNeed);
  domain_.script = {OpResult{10}, OpResult{20, OpDisposition::kStopAfter}};
  SubmitOutcome out = submit();
  EXPECT_EQ(out.syscall_result, 2);
  EXPECT_TRUE(out.stopped);
  EXPECT_EQ(out.reason, StopReason::kHandler);
  EXPECT_EQ(out.completed, 2u);
  EXPECT_EQ(domain_.calls.size(), 2u);
  EXPECT_EQ(shared_submit_tail(), 2u);
  auto c = reap();
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[1].result, 20);  // the stopping entry's completion was written first
  EXPECT_EQ(c[1].user_data, 2u);
  // The rest runs on the next call.
  out = submit();
  EXPECT_EQ(out.syscall_result, 3);
  EXPECT_FALSE(out.stopped);
  c = reap();
  ASSERT_EQ(c.size(), 3u);
  EXPECT_EQ(c[0].user_data, 3u);
}

TEST_F(RingProcessorTest, StopAfterWithoutNeedCompletionWritesNoCompletion) {
  push_n(2, 1, /*flags=*/0);
  domain_.script = {OpResult{0, OpDisposition::kStopAfter}};
  const SubmitOutcome out = submit();
  EXPECT_EQ(out.syscall_result, 1);
  EXPECT_TRUE(out.stopped);
  EXPECT_EQ(out.completed, 0u);
}

TEST_F(RingProcessorTest, StopAfterWithAnErrorStillCompletes) {
  push_n(2, 1, /*flags=*/0);
  domain_.script = {OpResult{kEPERM, OpDisposition::kStopAfter}};
  const SubmitOutcome out = submit();
  EXPECT_EQ(out.syscall_result, 1);
  EXPECT_TRUE(out.stopped);
  const auto c = reap();
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].result, kEPERM);
}

TEST_F(RingProcessorTest, BarrierRunsInOrderWhenNothingIsPending) {
  push(make_entry(1, kNeed));
  push(make_entry(2, kNeed | kBarrier));
  push(make_entry(3, kNeed));
  EXPECT_EQ(submit().syscall_result, 3);
  const auto c = reap();
  ASSERT_EQ(c.size(), 3u);
  for (uint32_t i = 0; i < 3; ++i) EXPECT_EQ(c[i].user_data, 1 + i);
}

TEST_F(RingProcessorTest, BarrierWaitsWhileEarlierOpsArePending) {
  // The hook for asynchronous ops: pending > 0 holds a BARRIER entry (and
  // everything after it) in the ring.
  ring_.pending = 1;
  push(make_entry(1, kNeed));
  push(make_entry(2, kNeed | kBarrier));
  push(make_entry(3, kNeed));
  SubmitOutcome out = submit();
  EXPECT_EQ(out.syscall_result, 1);
  EXPECT_EQ(out.reason, StopReason::kBarrier);
  EXPECT_EQ(shared_submit_tail(), 1u);
  out = submit();  // still pending
  EXPECT_EQ(out.syscall_result, 0);
  EXPECT_EQ(out.reason, StopReason::kBarrier);
  ring_.pending = 0;
  out = submit();
  EXPECT_EQ(out.syscall_result, 2);
  ASSERT_EQ(domain_.calls.size(), 3u);
  EXPECT_EQ(domain_.calls[1].entry.user_data, 2u);
}

TEST_F(RingProcessorTest, MalformedBarrierEntryFailsWithoutWaiting) {
  ring_.pending = 1;
  push(make_entry(1, kBarrier | 0x0100));
  const SubmitOutcome out = submit();
  EXPECT_EQ(out.syscall_result, 1);
  const auto c = reap();
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].result, kEINVAL);
}

TEST_F(RingProcessorTest, PendingOpsKeepCompletionSlotsReserved) {
  start_at(0, kRing - 2);
  mem_->complete_tail = 0;  // 2 free slots
  ring_.pending = 1;        // one of them belongs to a pending op
  push_n(3, 1, kNeed);
  const SubmitOutcome out = submit();
  EXPECT_EQ(out.syscall_result, 1);
  EXPECT_EQ(out.reason, StopReason::kCompletionRingFull);
  ring_.pending = 100;  // more than free: no room at all
  EXPECT_EQ(submit().syscall_result, 0);
}

}  // namespace

// A blocking op (kPending) keeps one completion slot reserved, stops the call
// and completes later through complete_pending_op.
TEST_F(RingProcessorTest, PendingOpStopsTheCallAndCompletesLater) {
  push_n(3, 1, kNeed);
  domain_.script = {OpResult{0, OpDisposition::kPending}};
  SubmitOutcome out = submit();
  EXPECT_EQ(out.syscall_result, 1);
  EXPECT_TRUE(out.stopped);
  EXPECT_EQ(out.completed, 0u);
  EXPECT_EQ(ring_.pending, 1u);
  EXPECT_TRUE(reap().empty());
  uk::complete_pending_op(ring_, /*user_data=*/1, kNeed, -110, ukernel::sys::complete_flags::TIMER_EXPIRED);
  EXPECT_EQ(ring_.pending, 0u);
  auto c = reap();
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].user_data, 1u);
  EXPECT_EQ(c[0].result, -110);
  EXPECT_EQ(c[0].flags, ukernel::sys::complete_flags::TIMER_EXPIRED);
  out = submit();
  EXPECT_EQ(out.syscall_result, 2);
}

TEST_F(RingProcessorTest, PendingSuccessWithoutNeedCompletionWritesNothing) {
  push_n(1, 7, /*flags=*/0);
  domain_.script = {OpResult{0, OpDisposition::kPending}};
  (void)submit();
  uk::complete_pending_op(ring_, 7, /*submit_flags=*/0, 0, 0);
  EXPECT_EQ(ring_.pending, 0u);
  EXPECT_TRUE(reap().empty());
}
