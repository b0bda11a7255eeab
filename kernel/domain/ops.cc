#include "kernel/domain/ops.h"

#include "kernel/console/console.h"
#include "kernel/console/format.h"
#include "kernel/domain/domain.h"
#include "kernel/domain/domain_manager.h"
#include "kernel/domain/io_ops.h"
#include "kernel/domain/memory_ops.h"
#include "kernel/domain/random_op.h"
#include "kernel/domain/scheduler.h"
#include "kernel/hal.h"
#include "kernel/time/clock.h"

namespace uk {
namespace {

using ukernel::sys::KernelOp;
using ukernel::sys::SubmitEntry;


OpResult fail(Errno e) { return OpResult{-static_cast<int64_t>(e), OpDisposition::kDone}; }
// A final result: a value >= 0, or -errno from the operation's helper.
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

// BlockThread(timeout_ns, futex_va, expected, unlock_va): sleeps until
// FutexWake on futex_va or the timeout; blocks only if the u32 at futex_va
// still holds `expected` (else -EAGAIN at once, like futex(2)). timeout_ns
// == 0 means no timeout; a plain sleep (futex_va == 0) needs a timeout.
// unlock_va (optional) names a u32 the kernel sets to 0 (release) when it
// consumes the entry, whether the thread then blocks or the op fails at once:
// the domain's ring lock, which a thread must hold while it submits (whoever
// submits runs the ops) and must not hold while it sleeps. See
// docs/threads.md.
OpResult block_thread(Thread& t, const SubmitEntry& e) {
  const uint64_t timeout_ns = e.args[0];
  const uint64_t futex_va = e.args[1];
  const uint64_t expected = e.args[2];
  const uint64_t unlock_va = e.args[3];
  uint32_t* unlock_word = nullptr;
  if (unlock_va != 0) {
    if ((unlock_va & 3) != 0) return fail(Errno::kInval);
    Result<void*> word = user_range(*t.domain, unlock_va, sizeof(uint32_t), Access::kWrite);
    if (!word.ok()) return fail(word.error());
    unlock_word = static_cast<uint32_t*>(*word);
  }
  // Released on every path from here on (see above).
  struct Unlock {
    uint32_t* word;
    ~Unlock() {
      if (word != nullptr) __atomic_store_n(word, 0u, __ATOMIC_RELEASE);
    }
  } unlock{unlock_word};
  if (futex_va == 0 && (timeout_ns == 0 || expected != 0)) return fail(Errno::kInval);
  if (expected > UINT32_MAX) return fail(Errno::kInval);
  if (futex_va != 0) {
    if ((futex_va & 3) != 0) return fail(Errno::kInval);
    Result<void*> word = user_range(*t.domain, futex_va, sizeof(uint32_t), Access::kRead);
    if (!word.ok()) return fail(word.error());
    if (__atomic_load_n(static_cast<const uint32_t*>(*word), __ATOMIC_ACQUIRE) != expected) {
      return fail(Errno::kAgain);
    }
  }
  t.state = ThreadState::kBlocked;
  t.futex_va = futex_va;
  t.block_seq = next_block_sequence();
  t.block_user_data = e.user_data;
  t.block_submit_flags = e.flags;
  // Rounded up, so a tiny timeout is still at least one tick.
  const uint64_t timeout_ticks = timeout_ns == 0 ? 0 : kernel_clock().from_ns(timeout_ns);
  scheduler_block(t, timeout_ticks);
  return OpResult{0, OpDisposition::kPending};
}

// ThreadCreate(entry, stack_top, arg, tls, flags): a thread of the caller's
// domain that starts at `entry` with x0 = arg, sp = stack_top, TPIDR_EL0 =
// tls. flags 0: best effort; UK_THREAD_RT_SLOT | k: real time with the
// period and budget of the manifest's k-th thread line (docs/scheduler.md).
// Returns the new thread's id.
OpResult thread_create(Thread& t, const SubmitEntry& e) {
  Domain& d = *t.domain;
  const uint64_t entry = e.args[0];
  const uint64_t stack_top = e.args[1];
  const uint64_t flags = e.args[4];
  uint32_t slot = 0;
  if (flags != 0) {
    slot = static_cast<uint32_t>(flags & UK_THREAD_SLOT_MASK);
    if ((flags & ~static_cast<uint64_t>(UK_THREAD_RT_SLOT | UK_THREAD_SLOT_MASK)) != 0 ||
        (flags & UK_THREAD_RT_SLOT) == 0 || slot == 0 || slot >= d.spec_count || d.specs[slot].period_ticks == 0) {
      return fail(Errno::kInval);
    }
    if (d.specs[slot].bound) return fail(Errno::kExist);
  }
  if ((entry & 3) != 0 || !user_executable(d, entry, 4)) return fail(Errno::kFault);
  if ((stack_top & 15) != 0 || stack_top < 16) return fail(Errno::kInval);
  if (!user_range(d, stack_top - 16, 16, Access::kWrite).ok()) return fail(Errno::kFault);
  Result<Thread*> created = thread_alloc(d);
  if (!created.ok()) return fail(created.error());
  Thread& n = **created;
  format(n.name, sizeof n.name, "%s.%u", d.name, n.id);
  n.regs.pc = entry;
  n.regs.sp = stack_top;
  n.regs.x[0] = e.args[2];
  n.regs.tpidr = e.args[3];
  n.regs.pstate = t.regs.pstate;
  n.manifest_index = slot;
  // Real time: the core the image placed its manifest line on; best effort:
  // the creator's core (a thread never migrates).
  n.cpu = slot != 0 ? d.specs[slot].cpu : t.cpu;
  n.period_ticks = d.specs[slot].period_ticks;
  n.budget_ticks = d.specs[slot].budget_ticks;
  if (slot != 0) d.specs[slot].bound = true;
  const char* why = "";
  if (Status s = thread_start(n, &why); !s.ok()) {
    if (slot != 0) d.specs[slot].bound = false;
    kprintf("domain '%s': ThreadCreate refused: %s\n", d.name, why);
    return fail(s.error());
  }
  request_reschedule();  // the creator may now need a quantum, or be preempted
  return ok(n.id);
}

OpResult get_time_ns(const SubmitEntry& e) {
  // No wall clock is known to the kernel yet: REALTIME counts from boot like
  // MONOTONIC (documented in docs/abi.md).
  if (e.args[0] != UK_CLOCK_MONOTONIC && e.args[0] != UK_CLOCK_REALTIME) return fail(Errno::kInval);
  return ok(static_cast<int64_t>(kernel_clock().to_ns(hal::timer_now_ticks())));
}

}  // namespace

OpResult run_domain_op(void* thread, const SubmitEntry& e) {
  Thread& t = *static_cast<Thread*>(thread);
  Domain& d = *t.domain;
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
      scheduler_yield(t);
      request_reschedule();
      return OpResult{0, OpDisposition::kStopAfter};
    case KernelOp::DomainExit:
      if (!unused_args_zero(e, 1)) return fail(Errno::kInval);
      domain_stop(d, DomainState::kExited, static_cast<int64_t>(e.args[0]));
      return OpResult{0, OpDisposition::kStopAfter};
    case KernelOp::ThreadExit:
      if (!unused_args_zero(e, 1)) return fail(Errno::kInval);
      thread_finish(t, static_cast<int64_t>(e.args[0]));
      return OpResult{0, OpDisposition::kStopAfter};
    case KernelOp::ThreadCreate:
      return thread_create(t, e);
    case KernelOp::MapAnonymous:
      return ok(op_map_anonymous(d, e));
    case KernelOp::Munmap:
      return ok(op_munmap(d, e));
    case KernelOp::Mprotect:
      return ok(op_mprotect(d, e));
    case KernelOp::VfsOpen:
    case KernelOp::VfsRead:
    case KernelOp::VfsWrite:
    case KernelOp::VfsStat:
    case KernelOp::VfsClose:
    case KernelOp::VfsSeek:
    case KernelOp::VfsTruncate:
    case KernelOp::VfsSync:
      return ok(op_vfs(d, e));
    case KernelOp::SendSignal:
      return ok(op_send_signal(d, e));
    case KernelOp::CheckSignals:
      return ok(op_check_signals(d, e));
    case KernelOp::GetRandom:
      return ok(op_get_random(d, e));
    case KernelOp::ReadUser:
      return ok(op_read_user(d, e));
    case KernelOp::WriteUser:
      return ok(op_write_user(d, e));
    case KernelOp::BlockThread:
      if (!unused_args_zero(e, 4)) return fail(Errno::kInval);
      return block_thread(t, e);
    case KernelOp::FutexWake: {
      if (!unused_args_zero(e, 2)) return fail(Errno::kInval);
      if ((e.args[0] & 3) != 0 || e.args[1] > UINT32_MAX) return fail(Errno::kInval);
      if (!user_range(d, e.args[0], sizeof(uint32_t), Access::kRead).ok()) return fail(Errno::kFault);
      return ok(futex_wake(d, e.args[0], static_cast<uint32_t>(e.args[1])));
    }
    default:
      // Published operations whose issues have not landed yet.
      return fail(Errno::kNoSys);
  }
}

}  // namespace uk
