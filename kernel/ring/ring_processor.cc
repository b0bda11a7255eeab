// SYS_SUBMIT processing; the rules are in ring_processor.h.
//
// Threat model: the domain owns the ring memory and may change any byte of it
// at any time, including while this code runs (another CPU, another thread of
// the domain). So every value the kernel acts on is either its own copy
// (RingState) or a single read of shared memory into a local that is never
// re-read: submit_head and complete_tail are each loaded once per call, each
// submission slot is copied once, and the copy alone is examined.
#include "kernel/ring/ring_processor.h"

#include "kernel/lib/errno.h"

namespace uk {

namespace {

namespace sys = ukernel::sys;

constexpr uint32_t kRingSize = static_cast<uint32_t>(sys::RING_SIZE);
constexpr uint32_t kMaxSubmit = static_cast<uint32_t>(sys::MAX_SUBMIT_COUNT);

static_assert(sys::MAX_SUBMIT_COUNT <= sys::RING_SIZE, "one call never takes more than a ring");
static_assert((kRingSize & (kRingSize - 1)) == 0, "slot = index & RING_MASK needs a power of two");

constexpr int64_t neg(Errno e) { return -static_cast<int64_t>(static_cast<int32_t>(e)); }

// One read of a shared slot, as a typed struct copy: GCC expands it inline
// (64 aligned bytes: four ldp/stp pairs of general registers, no call to
// memcpy). The compiler barrier after the copy keeps the
// compiler from re-deriving any field of `out` from the shared slot later
// (it must assume the slot changed), so this really is a single fetch.
inline void copy_entry(sys::SubmitEntry& out, const sys::SubmitEntry& shared_slot) {
  out = shared_slot;
  __atomic_signal_fence(__ATOMIC_SEQ_CST);
}

inline bool entry_is_well_formed(const sys::SubmitEntry& e) {
  return e._reserved == 0 && (e.flags & static_cast<uint16_t>(~kKnownSubmitFlags)) == 0;
}

// Writes one completion into the next slot and publishes it. The caller has
// made sure a slot is free.
inline void post_completion(RingState& ring, sys::SubmitRing* shared, int64_t result, uint64_t user_data,
                            uint16_t flags = 0) {
  sys::CompleteEntry c{};  // _reserved 0; padding zero-initialised: no kernel stack bytes leak
  c.result = result;
  c.user_data = user_data;
  c.flags = static_cast<uint16_t>(ring.extra_completion_flags | flags);
  ring.extra_completion_flags = 0;
  shared->completions[ring.complete_head & sys::RING_MASK] = c;
  ring.complete_head += 1;
  // Release: the entry's bytes are visible before the index that covers them.
  __atomic_store_n(&shared->complete_head, ring.complete_head, __ATOMIC_RELEASE);
}

}  // namespace

void complete_pending_op(RingState& ring, uint64_t user_data, uint16_t submit_flags, int64_t result, uint16_t flags) {
  if (ring.pending > 0) ring.pending -= 1;
  if (ring.shared == nullptr) return;
  if (result < 0 || (submit_flags & sys::submit_flags::NEED_COMPLETION) != 0) {
    post_completion(ring, ring.shared, result, user_data, flags);
  }
}

SubmitOutcome process_submit(RingState& ring, uint64_t to_submit, OpHandler handler, void* domain) {
  SubmitOutcome out;
  sys::SubmitRing* const shared = ring.shared;
  if (shared == nullptr) {
    out.syscall_result = neg(Errno::kFault);
    out.reason = StopReason::kBadRing;
    return out;
  }

  // The only reads of the domain-owned indices in this call.
  const uint32_t submit_head = __atomic_load_n(&shared->submit_head, __ATOMIC_ACQUIRE);
  const uint32_t complete_tail = __atomic_load_n(&shared->complete_tail, __ATOMIC_ACQUIRE);

  // Free-running u32 counters: differences are taken mod 2^32, so a head
  // behind the tail shows up as a huge difference and is rejected too.
  const uint32_t available = submit_head - ring.submit_tail;
  const uint32_t completions_in_use = ring.complete_head - complete_tail;
  if (available > kRingSize || completions_in_use > kRingSize) {
    out.syscall_result = neg(Errno::kInval);
    out.reason = StopReason::kBadRing;
    return out;
  }
  // Each pending (asynchronous) op holds a completion slot for its eventual
  // result, so its completion can never be dropped either. pending is 0
  // today; a kernel-side value larger than the free space means "no room".
  uint32_t free_slots = kRingSize - completions_in_use;
  free_slots = ring.pending < free_slots ? free_slots - ring.pending : 0;

  uint32_t limit = available < kMaxSubmit ? available : kMaxSubmit;
  if (to_submit < limit) limit = static_cast<uint32_t>(to_submit);

  out.reason = StopReason::kLimit;
  while (out.consumed < limit) {  // at most MAX_SUBMIT_COUNT iterations
    // Back-pressure: any entry may fail, and a failure must complete.
    if (free_slots == 0) {
      out.reason = StopReason::kCompletionRingFull;
      break;
    }

    sys::SubmitEntry entry;
    copy_entry(entry, shared->submissions[ring.submit_tail & sys::RING_MASK]);

    if (!entry_is_well_formed(entry)) {
      ring.submit_tail += 1;
      out.consumed += 1;
      post_completion(ring, shared, neg(Errno::kInval), entry.user_data);
      free_slots -= 1;
      out.completed += 1;
      continue;
    }

    // BARRIER: earlier ops of this domain must have completed. Synchronous
    // ops complete before the next entry is looked at, so only asynchronous
    // ones (ring.pending) can hold it back. The entry is left in the ring
    // and re-read by a later call (this copy is discarded).
    if ((entry.flags & sys::submit_flags::BARRIER) != 0 && ring.pending != 0) {
      out.reason = StopReason::kBarrier;
      break;
    }

    // Consumed from here on: the slot may be reused by the domain once the
    // new submit_tail is published.
    ring.submit_tail += 1;
    out.consumed += 1;

    OpResult r;
    if (handler != nullptr) {
      r = handler(domain, entry);
    } else {
      r.result = neg(Errno::kNoSys);
    }

    if (r.disposition == OpDisposition::kPending) {
      // The slot stays reserved until complete_pending_op().
      ring.pending += 1;
      free_slots -= 1;
      out.stopped = true;
      out.reason = StopReason::kHandler;
      break;
    }

    if (r.result < 0 || (entry.flags & sys::submit_flags::NEED_COMPLETION) != 0) {
      post_completion(ring, shared, r.result, entry.user_data);
      free_slots -= 1;
      out.completed += 1;
    }

    if (r.disposition == OpDisposition::kStopAfter) {
      out.stopped = true;
      out.reason = StopReason::kHandler;
      break;
    }
  }

  // Publish the kernel's copies (also repairs a domain's scribbles on them).
  __atomic_store_n(&shared->complete_head, ring.complete_head, __ATOMIC_RELEASE);
  __atomic_store_n(&shared->submit_tail, ring.submit_tail, __ATOMIC_RELEASE);

  out.syscall_result = static_cast<int64_t>(out.consumed);
  return out;
}

}  // namespace uk
