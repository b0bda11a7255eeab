#include "kernel/signals/signals.h"

namespace uk::signals {

Status signal_grant_target(SignalState& s, uint32_t target_id) {
  if (target_id == 0) return Errno::kInval;
  for (uint32_t i = 0; i < s.target_count; ++i) {
    if (s.targets[i] == target_id) return kOkStatus;
  }
  if (s.target_count >= kMaxSignalTargets) return Errno::kNoSpc;
  s.targets[s.target_count++] = target_id;
  return kOkStatus;
}

bool signal_may_send(const SignalState& sender, uint32_t sender_id, uint32_t target_id) {
  if (target_id == 0) return false;
  if (target_id == sender_id) return true;
  const uint32_t n = sender.target_count < kMaxSignalTargets ? sender.target_count : kMaxSignalTargets;
  for (uint32_t i = 0; i < n; ++i) {
    if (sender.targets[i] == target_id) return true;
  }
  return false;
}

Status send_signal(const SignalState& sender, uint32_t sender_id, uint32_t target_id, SignalState* target,
                   uint32_t signo) {
  if (signo > kMaxSignal) return Errno::kInval;
  if (!signal_may_send(sender, sender_id, target_id)) return Errno::kPerm;
  if (target == nullptr) return Errno::kSrch;
  if (signo == 0) return kOkStatus;
  target->pending |= signal_bit(signo);
  target->flag_owed = true;
  ++target->received;
  return kOkStatus;
}

uint64_t check_signals(SignalState& s) {
  const uint64_t mask = s.pending & ~(uint64_t{1} << 63);
  s.pending = 0;
  return mask;
}

bool take_completion_flag(SignalState& s) {
  const bool owed = s.flag_owed;
  s.flag_owed = false;
  return owed;
}

void arm_completion_flag(SignalState& s, RingState& ring) {
  if (take_completion_flag(s)) ring.extra_completion_flags |= UK_COMPLETE_SIGNAL_PENDING;
}

void signal_reset_pending(SignalState& s) {
  s.pending = 0;
  s.flag_owed = false;
  s.received = 0;
}

}  // namespace uk::signals
