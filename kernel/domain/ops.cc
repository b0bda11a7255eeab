#include "kernel/domain/ops.h"

#include "kernel/console/console.h"
#include "kernel/console/format.h"
#include "kernel/domain/domain.h"
#include "kernel/domain/scheduler.h"
#include "kernel/hal.h"

namespace uk {
namespace {

using ukernel::sys::KernelOp;
using ukernel::sys::SubmitEntry;

constexpr int64_t kNanosPerSecond = 1'000'000'000;

OpResult fail(Errno e) { return OpResult{-static_cast<int64_t>(e), OpDisposition::kDone}; }
OpResult ok(int64_t value) { return OpResult{value, OpDisposition::kDone}; }

// Arguments an operation does not use must be zero (ukernel/sys.h), so they
// can gain a meaning later without old programs passing garbage into them.
bool unused_args_zero(const SubmitEntry& e, unsigned used) {
  for (unsigned i = used; i < UK_SUBMIT_ARG_COUNT; ++i) {
    if (e.args[i] != 0) return false;
  }
  return true;
}

OpResult debug_print(Domain& d, const SubmitEntry& e) {
  const uint64_t length = e.args[1];
  if (length > kMaxDebugPrintBytes) return fail(Errno::kInval);
  Result<void*> buffer = user_range(d, e.args[0], length, Access::kRead);
  if (!buffer.ok()) return fail(buffer.error());
  // Copy first: the domain may change the buffer while we print it.
  char text[kMaxDebugPrintBytes];
  const auto* src = static_cast<const volatile char*>(*buffer);
  for (uint64_t i = 0; i < length; ++i) text[i] = src[i];
  // One console line per domain line, prefixed with the domain's name; bytes
  // that would upset a terminal are shown as '?'.
  char line[kMaxDebugPrintBytes + kDomainNameBytes + 8];
  size_t n = 0;
  auto flush = [&]() {
    console_write(line, n);
    n = 0;
  };
  for (uint64_t i = 0; i < length; ++i) {
    if (d.at_line_start) {
      n += static_cast<size_t>(format(line + n, sizeof line - n, "[%s] ", d.name));
      d.at_line_start = false;
    }
    char c = text[i];
    if (c == '\n') {
      line[n++] = '\n';
      d.at_line_start = true;
      flush();
      continue;
    }
    line[n++] = (c == '\t' || (c >= ' ' && c < 0x7f)) ? c : '?';
  }
  flush();
  return ok(static_cast<int64_t>(length));
}

OpResult get_time_ns(const SubmitEntry& e) {
  // No wall clock is known to the kernel yet: REALTIME counts from boot like
  // MONOTONIC (documented in docs/abi.md).
  if (e.args[0] != UK_CLOCK_MONOTONIC && e.args[0] != UK_CLOCK_REALTIME) return fail(Errno::kInval);
  const unsigned __int128 ticks = hal::timer_now_ticks();
  const uint64_t hz = hal::timer_frequency_hz();
  return ok(static_cast<int64_t>(ticks * kNanosPerSecond / hz));
}

}  // namespace

OpResult run_domain_op(void* domain, const SubmitEntry& e) {
  Domain& d = *static_cast<Domain*>(domain);
  const uint32_t group = capability_for_opcode(e.opcode);
  if (group == 0) return fail(Errno::kNoSys);
  if ((d.caps & group) == 0) return fail(Errno::kPerm);

  switch (static_cast<KernelOp>(e.opcode)) {
    case KernelOp::DebugPrint:
      if (!unused_args_zero(e, 2)) return fail(Errno::kInval);
      return debug_print(d, e);
    case KernelOp::GetDomainId:
      if (!unused_args_zero(e, 0)) return fail(Errno::kInval);
      return ok(d.id);
    case KernelOp::GetParentId:
      if (!unused_args_zero(e, 0)) return fail(Errno::kInval);
      return ok(d.parent_id);
    case KernelOp::GetTimeNs:
      if (!unused_args_zero(e, 1)) return fail(Errno::kInval);
      return get_time_ns(e);
    case KernelOp::Yield:
      if (!unused_args_zero(e, 0)) return fail(Errno::kInval);
      scheduler_request_yield(d);
      return OpResult{0, OpDisposition::kStopAfter};
    case KernelOp::DomainExit:
      if (!unused_args_zero(e, 1)) return fail(Errno::kInval);
      d.exit_code = static_cast<int64_t>(e.args[0]);
      d.state = DomainState::kExited;
      return OpResult{0, OpDisposition::kStopAfter};
    default:
      // Published operations whose issues have not landed yet.
      return fail(Errno::kNoSys);
  }
}

}  // namespace uk
