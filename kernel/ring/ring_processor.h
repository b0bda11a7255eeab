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
// ever writes the shared ones, so a domain scribbling on them changes nothing.
struct RingState {
  ukernel::sys::SubmitRing* shared = nullptr;  // kernel mapping of the two ring pages
  uint32_t submit_tail = 0;
  uint32_t complete_head = 0;
};

// What a handler tells the processor.
enum class OpDisposition : uint8_t {
  kDone,          // `result` is final: complete now (always if < 0, if NEED_COMPLETION if >= 0)
  kStopAfter,     // as kDone, then stop consuming (DomainExit, Yield); the call returns
};

struct OpResult {
  int64_t result = 0;
  OpDisposition disposition = OpDisposition::kDone;
};

// Runs one operation for the calling domain. `entry` is the kernel's private
// copy. The handler does the capability check itself (it knows the domain).
using OpHandler = OpResult (*)(void* domain, const ukernel::sys::SubmitEntry& entry);

struct SubmitOutcome {
  int64_t syscall_result = 0;  // x0 for the domain: entries consumed, or -errno
  bool stopped = false;        // a handler asked to stop (exit/yield)
  uint32_t consumed = 0;
  uint32_t completed = 0;
};

// Consumes up to min(to_submit, MAX_SUBMIT_COUNT) entries. Rules:
//  - submit_head is loaded once, with acquire ordering;
//  - submit_head - submit_tail > RING_SIZE: nothing consumed, -EINVAL;
//  - complete_tail from the domain is read (acquire) only to compute free
//    completion slots; complete_head - complete_tail > RING_SIZE: -EINVAL;
//  - each entry is copied into kernel memory before it is examined;
//  - nonzero _reserved or unknown submit flag bits: completion -EINVAL;
//  - unknown opcode: completion -ENOSYS (the handler decides that);
//  - an entry is consumed only when a completion slot is free for it (a
//    failing op always completes; back-pressure: stop when the completion
//    ring is full; nothing is dropped);
//  - BARRIER: the entry runs only after every earlier entry of this call has
//    completed (all ops in this issue complete synchronously, so it is a
//    no-op here beyond ordering, documented);
//  - completions are published (complete_head, release) before returning,
//    and submit_tail is published (release).
[[nodiscard]] SubmitOutcome process_submit(RingState& ring, uint64_t to_submit, OpHandler handler, void* domain);

}  // namespace uk
