// libFuzzer target over uk::process_submit (kernel/ring/ring_processor.cc),
// built with clang -fsanitize=fuzzer,address,undefined.
//
// The input is a hostile domain: it sets the ring's indices and entries,
// then runs a script of up to 8 SYS_SUBMIT calls, between which (and, through
// the handler, during which) it reaps completions, publishes entries and
// scribbles on every shared field. Each call is checked against a reference
// model computed from a snapshot of the ring taken just before the call, and
// the invariants below abort the process when violated:
//   - consumed <= MAX_SUBMIT_COUNT (and <= to_submit, <= entries available);
//   - complete_head - complete_tail <= RING_SIZE after every call;
//   - every consumed entry that failed (malformed, or a handler error) has a
//     completion with its -errno and user_data, in order; successes complete
//     exactly when NEED_COMPLETION is set;
//   - the kernel's copies only advance, by exactly consumed / completed;
//   - impossible indices give -EINVAL and change no byte of the ring;
//   - the kernel writes nothing but its two indices and the new completion
//     slots; the handler always gets a private copy equal to what the slot
//     held when the entry was reached (no double fetch);
//   - ASan: no out-of-bounds access (the ring is its own heap allocation of
//     exactly sizeof(SubmitRing)); UBSan: no undefined behaviour.
//
// Input layout (missing bytes read as 0):
//   [0, 32)     header: u32 submit_head, u32 submit_tail, u32 complete_head,
//               u32 complete_tail, u8 mode, u8 pending, u16 extra_flags,
//               u8 call_count, 11 bytes unused.
//               mode bit0: submit_head = submit_tail + (submit_head % 72)
//               mode bit1: complete_tail = complete_head - (complete_tail % 72)
//               mode bit2: ring.pending = pending % 4 (else 0)
//               mode bit3: null handler
//   [32, 96)    8 call records of 8 bytes: u8 to_submit code, u8 reap,
//               u8 produce, u8 scribble bits, u32 garbage value
//   [96, 160)   handler script: one byte per handler call (cycled)
//   [160, ...)  submission slots, 64 bytes each, up to 64 slots
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ukernel/sys.h>

#include "kernel/ring/ring_processor.h"

namespace {

namespace sys = ukernel::sys;

constexpr uint32_t kRing = static_cast<uint32_t>(sys::RING_SIZE);
constexpr uint32_t kMax = static_cast<uint32_t>(sys::MAX_SUBMIT_COUNT);
constexpr size_t kHeaderBytes = 32;
constexpr size_t kCallBytes = 8;
constexpr size_t kMaxCalls = 8;
constexpr size_t kScriptOffset = kHeaderBytes + kCallBytes * kMaxCalls;  // 96
constexpr size_t kScriptBytes = 64;
constexpr size_t kEntriesOffset = kScriptOffset + kScriptBytes;  // 160
constexpr int64_t kEINVAL = -22;
constexpr int64_t kENOSYS = -38;

#define CHECK(cond, ...)                                                   \
  do {                                                                     \
    if (!(cond)) {                                                         \
      fprintf(stderr, "ring_fuzz: invariant violated: %s (%s:%d): ", #cond, __FILE__, __LINE__); \
      fprintf(stderr, __VA_ARGS__);                                        \
      fprintf(stderr, "\n");                                               \
      abort();                                                             \
    }                                                                      \
  } while (0)

class Input {
 public:
  Input(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  uint8_t u8(size_t off) const { return off < size_ ? data_[off] : 0; }
  uint16_t u16(size_t off) const { return static_cast<uint16_t>(u8(off) | (u8(off + 1) << 8)); }
  uint32_t u32(size_t off) const {
    return static_cast<uint32_t>(u8(off)) | (static_cast<uint32_t>(u8(off + 1)) << 8) |
           (static_cast<uint32_t>(u8(off + 2)) << 16) | (static_cast<uint32_t>(u8(off + 3)) << 24);
  }
  void bytes(size_t off, void* out, size_t n) const {
    auto* o = static_cast<uint8_t*>(out);
    for (size_t i = 0; i < n; ++i) o[i] = u8(off + i);
  }

 private:
  const uint8_t* data_;
  size_t size_;
};

// What the handler answers to its k-th call (k counts over the whole input).
uk::OpResult scripted_result(uint8_t b) {
  switch (b & 3) {
    case 0: return uk::OpResult{0, uk::OpDisposition::kDone};
    case 1: return uk::OpResult{static_cast<int64_t>(b >> 2) * 1000003, uk::OpDisposition::kDone};
    case 2: return uk::OpResult{-static_cast<int64_t>(1 + ((b >> 2) & 0x1F)), uk::OpDisposition::kDone};
    default: return uk::OpResult{(b & 0x10) ? -1 : static_cast<int64_t>(b >> 5), uk::OpDisposition::kStopAfter};
  }
}
bool scripted_mutation(uint8_t b) { return (b & 0x80) != 0; }

// The hostile domain's behaviour inside a handler: rewrite the slot that was
// just copied and every index field -- retract the rest of this call's
// entries (submit_head = the tail after this entry) or flip bits in it, free
// all completion slots or flip bits in complete_tail. None of it may change
// what the running call does. The model applies the same edit.
void mutate_during_handler(sys::SubmitRing* ring, uint32_t slot, uint32_t k, uint32_t call_start_tail) {
  auto* raw = reinterpret_cast<uint8_t*>(&ring->submissions[slot]);
  for (size_t i = 0; i < sizeof(sys::SubmitEntry); ++i) raw[i] = static_cast<uint8_t>(raw[i] ^ (0xA5 + k + i));
  if (k & 1) {
    // "Nothing more pending" from here: where submit_tail is once this entry
    // is consumed (a processor that re-read the head would stop early).
    ring->submit_head = call_start_tail + ((slot - call_start_tail) & sys::RING_MASK) + 1;
  } else {
    ring->submit_head ^= 0x80000001u;
  }
  if (k & 2) {
    ring->complete_tail += sys::RING_SIZE;
  } else {
    ring->complete_tail ^= 0x10000007u;
  }
  ring->submit_tail ^= 0x40000003u;
  ring->complete_head ^= 0x20000005u;
}

struct Fuzz {
  sys::SubmitRing* ring = nullptr;
  Input in{nullptr, 0};
  uint32_t handler_calls = 0;      // over the whole input: indexes the script
  // Per call: the slots of the well-formed entries, in order, as the model
  // expects the handler to reach them, and what the handler saw.
  uint32_t expected_slots[kMax] = {};
  sys::SubmitEntry expected_entries[kMax] = {};
  uint32_t expected_handler_calls = 0;
  uint32_t calls_this_submit = 0;
  uint32_t call_start_tail = 0;    // the kernel's submit_tail when the call began
};
Fuzz* g = nullptr;

bool well_formed(const sys::SubmitEntry& e) {
  return e._reserved == 0 && (e.flags & ~0x7u) == 0;
}

// Pointer checks, kept out of coverage instrumentation: value profiling would
// otherwise feed addresses (which vary from run to run) to the fuzzer and
// make a -seed=1 run unrepeatable.
__attribute__((no_sanitize("coverage"))) bool outside_ring(const void* entry, const sys::SubmitRing* ring) {
  const auto* p = static_cast<const uint8_t*>(entry);
  const auto* lo = reinterpret_cast<const uint8_t*>(ring);
  return p + sizeof(sys::SubmitEntry) <= lo || p >= lo + sizeof(sys::SubmitRing);
}
__attribute__((no_sanitize("coverage"))) bool same_pointer(const void* a, const void* b) { return a == b; }

uk::OpResult fuzz_handler(void* domain, const sys::SubmitEntry& entry) {
  Fuzz* f = static_cast<Fuzz*>(domain);
  CHECK(same_pointer(f, g), "wrong domain pointer");
  const uint32_t i = f->calls_this_submit++;
  CHECK(i < f->expected_handler_calls, "handler called %u times, model expects %u", i + 1,
        f->expected_handler_calls);
  // A private copy, equal to the bytes the slot held when it was reached.
  CHECK(outside_ring(&entry, f->ring), "handler got a pointer into the ring");
  CHECK(memcmp(&entry, &f->expected_entries[i], offsetof(sys::SubmitEntry, user_data) + 8) == 0,
        "handler call %u saw an entry that differs from the slot's bytes", i);
  const uint8_t b = f->in.u8(kScriptOffset + (f->handler_calls % kScriptBytes));
  const uint32_t k = f->handler_calls++;
  if (scripted_mutation(b)) mutate_during_handler(f->ring, f->expected_slots[i], k, f->call_start_tail);
  return scripted_result(b);
}

struct Expected {
  int64_t syscall_result = 0;
  uk::StopReason reason = uk::StopReason::kLimit;
  bool stopped = false;
  uint32_t consumed = 0;
  uint32_t completed = 0;
  sys::CompleteEntry completions[kMax] = {};
  uint16_t extra_flags_after = 0;
};

// Reference model of one call, from the snapshot (the ring as the kernel
// found it) and the kernel's state. Also fills in what the handler will see,
// and applies the handler's scripted mutations to `after` (the snapshot
// edited the way the domain will edit the real ring during the call).
Expected model(Fuzz& f, const sys::SubmitRing& snap, sys::SubmitRing& after, const uk::RingState& st,
               uint64_t to_submit, bool null_handler) {
  Expected x;
  f.expected_handler_calls = 0;
  const uint32_t avail = snap.submit_head - st.submit_tail;
  const uint32_t in_use = st.complete_head - snap.complete_tail;
  x.extra_flags_after = st.extra_completion_flags;
  if (avail > kRing || in_use > kRing) {
    x.syscall_result = kEINVAL;
    x.reason = uk::StopReason::kBadRing;
    return x;
  }
  uint64_t free_slots = kRing - in_use;
  free_slots = st.pending >= free_slots ? 0 : free_slots - st.pending;
  uint64_t limit = avail;
  if (limit > kMax) limit = kMax;
  if (limit > to_submit) limit = to_submit;
  uint32_t k = f.handler_calls;
  uint16_t extra = st.extra_completion_flags;
  auto complete = [&](int64_t result, uint64_t ud) {
    sys::CompleteEntry c{};
    c.result = result;
    c.user_data = ud;
    c.flags = extra;
    extra = 0;
    x.completions[x.completed++] = c;
    free_slots--;
  };
  while (x.consumed < limit) {
    if (free_slots == 0) {
      x.reason = uk::StopReason::kCompletionRingFull;
      break;
    }
    const uint32_t slot = (st.submit_tail + x.consumed) & (kRing - 1);
    const sys::SubmitEntry e = snap.submissions[slot];
    if (!well_formed(e)) {
      x.consumed++;
      complete(kEINVAL, e.user_data);
      continue;
    }
    if ((e.flags & 2) && st.pending != 0) {
      x.reason = uk::StopReason::kBarrier;
      break;
    }
    x.consumed++;
    uk::OpResult r{kENOSYS, uk::OpDisposition::kDone};
    if (!null_handler) {
      const uint8_t b = f.in.u8(kScriptOffset + (k % kScriptBytes));
      r = scripted_result(b);
      f.expected_slots[f.expected_handler_calls] = slot;
      f.expected_entries[f.expected_handler_calls] = e;
      f.expected_handler_calls++;
      if (scripted_mutation(b)) mutate_during_handler(&after, slot, k, st.submit_tail);
      k++;
    }
    if (r.result < 0 || (e.flags & 1)) complete(r.result, e.user_data);
    if (r.disposition == uk::OpDisposition::kStopAfter) {
      x.stopped = true;
      x.reason = uk::StopReason::kHandler;
      break;
    }
  }
  x.syscall_result = x.consumed;
  x.extra_flags_after = extra;
  return x;
}

uint64_t decode_to_submit(uint8_t code, uint32_t garbage) {
  switch (code) {
    case 0xFF: return UINT64_MAX;
    case 0xFE: return (uint64_t{1} << 32) + (garbage & 7);  // must not truncate to 32 bits
    case 0xFD: return uint64_t{1} << 63;
    default: return code;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Fuzz f;
  f.in = Input(data, size);
  g = &f;

  // Exactly sizeof(SubmitRing) on the heap: ASan flags any byte outside.
  f.ring = static_cast<sys::SubmitRing*>(aligned_alloc(64, sizeof(sys::SubmitRing)));
  CHECK(!same_pointer(f.ring, nullptr), "out of memory");
  memset(static_cast<void*>(f.ring), 0, sizeof(sys::SubmitRing));
  sys::SubmitRing* const ring = f.ring;

  // ---- initial state -------------------------------------------------------
  const uint8_t mode = f.in.u8(16);
  uint32_t tail = f.in.u32(4);
  uint32_t head = f.in.u32(0);
  if (mode & 1) head = tail + (head % 72);
  uint32_t chead = f.in.u32(8);
  uint32_t ctail = f.in.u32(12);
  if (mode & 2) ctail = chead - (ctail % 72);
  const bool null_handler = (mode & 8) != 0;

  uk::RingState st;
  st.shared = ring;
  st.submit_tail = tail;
  st.complete_head = chead;
  st.pending = (mode & 4) ? f.in.u8(17) % 4 : 0;
  st.extra_completion_flags = f.in.u16(18);
  ring->submit_head = head;
  ring->submit_tail = tail;
  ring->complete_head = chead;
  ring->complete_tail = ctail;
  for (uint32_t i = 0; i < kRing; ++i) f.in.bytes(kEntriesOffset + i * 64, &ring->submissions[i], 64);

  // The domain's own idea of its indices (what it restores after scribbling).
  uint32_t dom_head = head;
  uint32_t dom_ctail = ctail;

  const uint32_t call_count = 1 + f.in.u8(20) % kMaxCalls;
  sys::SubmitRing* snap = static_cast<sys::SubmitRing*>(aligned_alloc(64, sizeof(sys::SubmitRing)));
  sys::SubmitRing* after = static_cast<sys::SubmitRing*>(aligned_alloc(64, sizeof(sys::SubmitRing)));
  CHECK(!same_pointer(snap, nullptr) && !same_pointer(after, nullptr), "out of memory");

  for (uint32_t call = 0; call < call_count; ++call) {
    const size_t rec = kHeaderBytes + call * kCallBytes;
    const uint8_t to_submit_code = f.in.u8(rec + 0);
    const uint8_t reap = f.in.u8(rec + 1);
    const uint8_t produce = f.in.u8(rec + 2);
    const uint8_t scribble = f.in.u8(rec + 3);
    const uint32_t garbage = f.in.u32(rec + 4);

    // ---- the domain acts between calls ------------------------------------
    if (reap & 0x80) {
      dom_ctail += reap & 0x7F;  // hostile: may run past complete_head
    } else {
      const uint32_t outstanding = st.complete_head - dom_ctail;
      const uint32_t n = outstanding <= kRing ? ((reap < outstanding) ? reap : outstanding) : 0;
      dom_ctail += n;
    }
    // New entries: the slots already hold fuzzer bytes; bump their user_data
    // so replays are distinguishable.
    for (uint32_t i = 0; i < (produce & 0x7F); ++i) {
      if (produce & 0x80 || dom_head - st.submit_tail < kRing) {
        ring->submissions[dom_head & (kRing - 1)].user_data += 0x100000000ull;
        dom_head++;
      }
    }
    ring->submit_head = dom_head;
    ring->complete_tail = dom_ctail;
    if (scribble & 1) ring->submit_tail = garbage;
    if (scribble & 2) ring->complete_head = garbage ^ 0x5555;
    if (scribble & 4) ring->submit_head = garbage;  // this one does count
    if (scribble & 8) st.pending = (st.pending + 1) % 3;
    if (scribble & 16) st.extra_completion_flags = static_cast<uint16_t>(garbage >> 16);

    // ---- model -----------------------------------------------------------
    memcpy(snap, ring, sizeof(*snap));
    memcpy(after, ring, sizeof(*after));
    const uk::RingState before = st;
    const uint64_t to_submit = decode_to_submit(to_submit_code, garbage);
    f.calls_this_submit = 0;
    f.call_start_tail = before.submit_tail;
    const Expected x = model(f, *snap, *after, before, to_submit, null_handler);

    // ---- the call ----------------------------------------------------------
    const uk::SubmitOutcome out =
        uk::process_submit(st, to_submit, null_handler ? nullptr : fuzz_handler, &f);

#ifdef RING_FUZZ_TRACE
    fprintf(stderr, "call %u: to_submit %llu -> result %lld consumed %u completed %u reason %d stopped %d\n", call,
            (unsigned long long)to_submit, (long long)out.syscall_result, out.consumed, out.completed,
            (int)out.reason, out.stopped);
#endif

    // ---- invariants --------------------------------------------------------
    CHECK(out.consumed <= kMax, "consumed %u > MAX_SUBMIT_COUNT", out.consumed);
    CHECK(out.consumed <= to_submit, "consumed %u > to_submit", out.consumed);
    CHECK(out.syscall_result == x.syscall_result, "result %lld, model %lld", (long long)out.syscall_result,
          (long long)x.syscall_result);
    CHECK(out.reason == x.reason, "reason %d, model %d", (int)out.reason, (int)x.reason);
    CHECK(out.stopped == x.stopped, "stopped %d, model %d", out.stopped, x.stopped);
    CHECK(out.consumed == x.consumed, "consumed %u, model %u", out.consumed, x.consumed);
    CHECK(out.completed == x.completed, "completed %u, model %u", out.completed, x.completed);
    CHECK(f.calls_this_submit == f.expected_handler_calls, "handler ran %u times, model %u", f.calls_this_submit,
          f.expected_handler_calls);
    // Kernel copies only advance, by exactly what was consumed / completed.
    CHECK(st.submit_tail - before.submit_tail == out.consumed, "submit_tail moved by %u, consumed %u",
          st.submit_tail - before.submit_tail, out.consumed);
    CHECK(st.complete_head - before.complete_head == out.completed, "complete_head moved by %u, completed %u",
          st.complete_head - before.complete_head, out.completed);
    CHECK(st.extra_completion_flags == x.extra_flags_after, "extra flags %#x, model %#x",
          st.extra_completion_flags, x.extra_flags_after);
    CHECK(st.pending == before.pending && same_pointer(st.shared, ring), "ring state fields changed");

    if (out.syscall_result < 0) {
      CHECK(memcmp(ring, snap, sizeof(*snap)) == 0, "a rejected call changed the ring");
    } else {
      // Never more completions outstanding than the ring holds.
      CHECK(st.complete_head - snap->complete_tail <= kRing, "complete_head - complete_tail = %u",
            st.complete_head - snap->complete_tail);
      // Every failure is completed (the model lists them, in order).
      for (uint32_t i = 0; i < x.completed; ++i) {
        const sys::CompleteEntry& c = ring->completions[(before.complete_head + i) & (kRing - 1)];
        CHECK(memcmp(&c, &x.completions[i], sizeof(c)) == 0,
              "completion %u: result %lld ud %llx flags %x; model %lld %llx %x", i, (long long)c.result,
              (unsigned long long)c.user_data, c.flags, (long long)x.completions[i].result,
              (unsigned long long)x.completions[i].user_data, x.completions[i].flags);
      }
      // Nothing else written: the ring equals the snapshot as edited by the
      // domain during the call, plus the new completions, plus the kernel's
      // two published indices.
      for (uint32_t i = 0; i < x.completed; ++i) {
        after->completions[(before.complete_head + i) & (kRing - 1)] = x.completions[i];
      }
      after->submit_tail = st.submit_tail;
      after->complete_head = st.complete_head;
      CHECK(memcmp(ring, after, sizeof(*after)) == 0, "the kernel wrote outside its fields and new completions");
      CHECK(ring->submit_tail == st.submit_tail && ring->complete_head == st.complete_head,
            "kernel copies not published");
    }

    // The domain restores the fields it owns (a handler may have scribbled).
    ring->submit_head = dom_head;
    ring->complete_tail = dom_ctail;
  }

  free(after);
  free(snap);
  free(f.ring);
  g = nullptr;
  return 0;
}
