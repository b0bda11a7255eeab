// Signals between domains (SendSignal / CheckSignals, the SIGNAL_PENDING
// completion flag). Portable and independent of Domain: the kernel embeds
// one SignalState per domain and calls these functions from the ring ops.
// docs/signals.md is the reference (docs/abi.md has the op layouts).
//
// Model
//   - Signals are numbered 1..63 and carry no payload. They have no default
//     action: the kernel only records them; the target learns of them by
//     CheckSignals (and the SIGNAL_PENDING hint). Signal 0 sends nothing: it
//     only checks that the target may be signalled (like kill(pid, 0)).
//   - Pending signals are a set, not a queue: sending a signal that is
//     already pending changes nothing but the hint (POSIX standard-signal
//     semantics).
//   - Mask layout (CheckSignals result, SignalState::pending): bit (n - 1)
//     is signal n, as in Linux's sigset_t. Bit 63 is never set, so the mask
//     is always >= 0 as a completion result (a negative result means -errno).
//   - Permission: the sender's manifest must grant `signal <target>` (the
//     loader resolves names to domain ids and calls signal_grant_target);
//     a domain may always signal itself.
//   - SIGNAL_PENDING: each successful send (signo != 0) marks the target as
//     owed the flag. The lead moves it into the target's ring with
//     arm_completion_flag() (right after send_signal, or at the start of the
//     target's every SYS_SUBMIT: both work); the ring processor ORs it into
//     the target's next completion and clears it. The flag is a hint: it is
//     never lost, and can be spurious (CheckSignals may already have
//     collected the signal); CheckSignals is the truth.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "kernel/lib/result.h"
#include "kernel/ring/ring_processor.h"

namespace uk::signals {

inline constexpr uint32_t kMaxSignal = 63;
// Most `signal <domain>` grants a domain can hold (bundle::kMaxGrants).
inline constexpr size_t kMaxSignalTargets = 16;

// Bit of signal `signo` (1..63) in a pending mask.
[[nodiscard]] constexpr uint64_t signal_bit(uint32_t signo) { return uint64_t{1} << (signo - 1); }

struct SignalState {
  uint64_t pending = 0;     // bit (n - 1): signal n pending
  bool flag_owed = false;   // SIGNAL_PENDING owed on the next completion
  uint32_t target_count = 0;
  uint32_t targets[kMaxSignalTargets] = {};  // domain ids this domain may signal
  uint64_t received = 0;    // signals accepted for this domain (statistics)
};

// Adds `target_id` to the domains `s` may signal (loader, from the manifest's
// `signal` grants). A duplicate is accepted once. Errors: kInval (id 0),
// kNoSpc (kMaxSignalTargets already granted).
Status signal_grant_target(SignalState& s, uint32_t target_id);

// True when a domain with state `sender` and id `sender_id` may signal
// `target_id` (granted, or itself).
[[nodiscard]] bool signal_may_send(const SignalState& sender, uint32_t sender_id, uint32_t target_id);

// SendSignal. `target` is the live target domain's state, or nullptr when
// `target_id` names no live domain. Checks, in this order:
//   signo > 63                         -> kInval
//   target_id not granted (not self)   -> kPerm   (no existence leak: checked first)
//   target == nullptr                  -> kSrch   (granted but not running / exited)
//   signo == 0                         -> OK, nothing sent (probe)
// Otherwise sets the signal pending in `target` and owes it SIGNAL_PENDING.
Status send_signal(const SignalState& sender, uint32_t sender_id, uint32_t target_id, SignalState* target,
                   uint32_t signo);

// CheckSignals: returns the pending mask and clears it.
[[nodiscard]] uint64_t check_signals(SignalState& s);

// Returns true (once) if a SIGNAL_PENDING flag is owed, and clears it.
[[nodiscard]] bool take_completion_flag(SignalState& s);

// take_completion_flag + OR UK_COMPLETE_SIGNAL_PENDING into
// ring.extra_completion_flags (which the ring processor puts on the next
// completion it writes, then clears).
void arm_completion_flag(SignalState& s, RingState& ring);

// Domain tear-down / restart: forget pending signals, the owed flag and the
// statistics; keeps the grants.
void signal_reset_pending(SignalState& s);

}  // namespace uk::signals
