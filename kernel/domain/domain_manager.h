// Domain and thread life cycle: domains are created from the image's bundle
// at boot and run until they exit or are killed; the kernel summarises and
// powers off when the last one stops. The architecture calls the thread_on_*
// events from its exception handlers with the current thread's registers
// saved in Thread::regs, and then resumes whichever thread the event returns
// (its Thread::regs, in its domain's address space).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "kernel/domain/domain.h"
#include "kernel/lib/result.h"

namespace uk {

class PageAllocator;

// What the architecture reports when a thread faults.
struct DomainFault {
  const char* cause = "";        // "Data abort from a lower exception level", ...
  const char* detail = "";       // "translation fault, level 3", ... (may be empty)
  uint64_t address = 0;          // faulting address (VA or IPA as `address_kind` says)
  const char* address_kind = "address";
  uint64_t pc = 0;
  bool address_valid = true;
};

// Creates every domain described by the bundle. Errors name the domain.
[[nodiscard]] Status domains_create_from_bundle(const void* bundle, size_t bytes, PageAllocator& pages);

// Number of domains created.
[[nodiscard]] size_t domain_count();

// Prepares scheduling (once, on the boot CPU). False when no thread is
// left to run.
[[nodiscard]] bool threads_begin();
// Starts every core's schedule now: all first releases coincide (the
// critical instant of the analysis). The boot CPU calls it last thing before
// the other cores may schedule and it picks its own first thread.
void threads_start_epoch();
// This core's first thread (called with the kernel lock held, once per
// core): waits idle until there is one; powers off when everything stopped.
[[nodiscard]] Thread& cpu_first_thread();

// svc #`svc_immediate`: x8 holds the number, x0.. the arguments; the result
// goes to x0. Only svc #0 with SYS_SUBMIT is served (kernel/domain/syscall.h).
[[nodiscard]] Thread* thread_on_svc(Thread& current, uint16_t svc_immediate);
// The thread faulted: its whole domain is stopped and reported.
[[nodiscard]] Thread* thread_on_fault(Thread& current, const DomainFault& fault);
// The thread executed WFI/WFE: it has nothing to do right now.
[[nodiscard]] Thread* thread_on_idle(Thread& current);
// An interrupt arrived while `current` ran (a quantum or a timeout may have ended).
[[nodiscard]] Thread* thread_on_interrupt(Thread& current);

// Prints the one-line summary and powers off (status 0 if every domain
// exited with code 0).
[[noreturn]] void domains_finish();

// True when a scheduling decision was made since the timer was last armed.
[[nodiscard]] bool timer_needs_rearm();
// The timer deadline to arm before resuming `next` (the policy's next event:
// a release, budget or quantum end, a timeout), 0 for none.
[[nodiscard]] uint64_t next_timer_deadline(const Thread& next);

// Stops every thread of `d` (DomainExit with `code`, or a fault).
void domain_stop(Domain& d, DomainState state, int64_t code);

// Ends a thread (ThreadExit, or its domain stopping). The last thread of a
// domain ends the domain with `code`.
void thread_finish(Thread& t, int64_t code);

// Wakes up to `count` threads of `d` blocked on the futex at `va`; returns
// how many were woken.
uint32_t futex_wake(Domain& d, uint64_t va, uint32_t count);

// Admits a freshly created thread to the scheduler (its period/budget set);
// on refusal the thread is discarded and *message says why.
[[nodiscard]] Status thread_start(Thread& t, const char** message);

// A number that increases with every BlockThread (FIFO futex wake order).
[[nodiscard]] uint64_t next_block_sequence();

// Asks for a scheduling decision when the current SYS_SUBMIT returns.
void request_reschedule();

}  // namespace uk
