// SYS_SUBMIT processing, exactly as design.md "The ring and SYS_SUBMIT" and
// ukernel/sys.h describe. Portable: the ring is reached through a kernel
// pointer, operations through a handler table, so host tests drive it with
// fake domain memory.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <ukernel/sys.h>

namespace uk {

// The kernel's private view of one domain's ring. submit_tail and
// complete_head are owned by the kernel: it keeps its own copies and only
// ever writes the shared ones, so a domain scribbling on them changes nothing
// (the next accepted SYS_SUBMIT rewrites them from these copies).
struct RingState {
  ukernel::sys::SubmitRing* shared = nullptr;  // kernel mapping of the two ring pages
  uint32_t submit_tail = 0;
  uint32_t complete_head = 0;

  // Operations of this domain that were started but have not completed yet.
  // Every operation is synchronous today, so this stays 0; asynchronous ops
  // (later issues) increment it when they start and decrement it when they
  // post their completion. A BARRIER entry does not start while it is > 0,
  // and each pending op keeps one completion slot reserved for its result.
  uint32_t pending = 0;

  // complete_flags ORed into the next completion this ring produces, then
  // cleared (for SIGNAL_PENDING: whoever raises a signal sets the bit; the
  // next completion carries it). If a call writes no completion, the bits
  // stay for the next one.
  uint16_t extra_completion_flags = 0;
};

// What a handler tells the processor.
enum class OpDisposition : uint8_t {
  kDone,          // `result` is final: complete now (always if < 0, if NEED_COMPLETION if >= 0)
  kStopAfter,     // as kDone, then stop consuming (DomainExit, Yield); the call returns
  kPending,       // the op blocks its thread: no completion now, one completion slot
                  // stays reserved (ring.pending), consumption stops; the kernel
                  // finishes it later with complete_pending_op()
};

struct OpResult {
  int64_t result = 0;
  OpDisposition disposition = OpDisposition::kDone;
};

// Runs one operation for the calling domain. `entry` is the kernel's private
// copy (never the shared slot). The handler does the capability check and
// decides unknown opcodes (-ENOSYS) itself (it knows the domain). It may set
// ring.pending / ring.extra_completion_flags, but must leave the ring mapped
// and ring.shared unchanged: after it returns (kStopAfter too) the processor
// still writes the completion and publishes the indices. Tear-down (exit)
// happens after process_submit returns with stopped == true.
using OpHandler = OpResult (*)(void* domain, const ukernel::sys::SubmitEntry& entry);

// Why a call stopped consuming.
enum class StopReason : uint8_t {
  kLimit,               // consumed min(to_submit, MAX_SUBMIT_COUNT, entries available)
  kBadRing,             // impossible indices: nothing consumed, syscall_result = -EINVAL
  kCompletionRingFull,  // back-pressure: no free completion slot for the next entry
  kBarrier,             // the next entry has BARRIER and ring.pending > 0; left in the ring
  kHandler,             // a handler returned kStopAfter (stopped == true)
};

struct SubmitOutcome {
  int64_t syscall_result = 0;  // x0 for the domain: entries consumed, or -errno
  bool stopped = false;        // a handler asked to stop (exit/yield)
  StopReason reason = StopReason::kLimit;
  uint32_t consumed = 0;       // entries taken off the submission ring (submit_tail advance)
  uint32_t completed = 0;      // completions written (complete_head advance)
};

// Entry flag bits the kernel accepts; any other bit set is -EINVAL.
inline constexpr uint16_t kKnownSubmitFlags = ukernel::sys::submit_flags::NEED_COMPLETION |
                                              ukernel::sys::submit_flags::BARRIER |
                                              ukernel::sys::submit_flags::MORE_COMING;

// Consumes up to min(to_submit, MAX_SUBMIT_COUNT) entries. Rules:
//  - ring.shared == nullptr (no ring mapped): -EFAULT, nothing touched;
//  - submit_head is loaded once, with acquire ordering;
//  - submit_head - submit_tail > RING_SIZE (mod 2^32; so also a head behind
//    the tail): nothing consumed, nothing written, -EINVAL (reason kBadRing);
//  - complete_tail from the domain is loaded once (acquire) only to compute
//    free completion slots; complete_head - complete_tail > RING_SIZE:
//    -EINVAL likewise. Both checks run on every call, even to_submit == 0;
//  - each entry is copied into kernel memory (one read of the shared slot)
//    before it is examined; only the copy is used afterwards;
//  - nonzero _reserved or unknown submit flag bits: completion -EINVAL, the
//    handler is not called (the 8 bytes of tail padding are not checked);
//  - unknown opcode: the handler decides (-ENOSYS); a null handler
//    completes every well-formed entry with -ENOSYS;
//  - back-pressure: an entry is consumed only when a completion slot is free
//    for it, because any entry may fail and a failure always completes. So
//    the call stops (reason kCompletionRingFull) once the free slots counted
//    from the complete_tail snapshot (minus one reserved per ring.pending op)
//    are used up; the entries stay in the ring for the next call. Nothing is
//    ever dropped;
//  - a completion is written when the result is < 0, or >= 0 and the entry
//    has NEED_COMPLETION; it echoes user_data, its flags are 0 except for
//    ring.extra_completion_flags (ORed into the first one, then cleared);
//  - BARRIER: the entry starts only once every earlier entry of this domain
//    has completed (ring.pending == 0). Every op completes synchronously
//    today, so ordering is inherent and pending is always 0; if it is not,
//    the call stops before the entry (reason kBarrier) without consuming it;
//  - MORE_COMING: accepted and ignored (the kernel always takes what is
//    there, within the limits above);
//  - a handler returning kStopAfter: its completion (if any) is written,
//    then the call stops (stopped = true, reason kHandler);
//  - complete_head is published (release) after each completion is written,
//    and submit_tail (release) before returning; on an accepted call both
//    shared fields are rewritten from ring even if nothing was consumed;
//  - returns syscall_result = consumed (>= 0) or -errno. At most
//    MAX_SUBMIT_COUNT loop iterations: bounded time per call.
// Finishes an op that returned kPending: releases its reserved slot and
// writes its completion (always when result < 0, otherwise only if the
// entry had NEED_COMPLETION), ORing in `flags` (e.g. TIMER_EXPIRED).
void complete_pending_op(RingState& ring, uint64_t user_data, uint16_t submit_flags, int64_t result, uint16_t flags);

[[nodiscard]] SubmitOutcome process_submit(RingState& ring, uint64_t to_submit, OpHandler handler, void* domain);

}  // namespace uk
