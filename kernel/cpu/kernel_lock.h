// The kernel lock: serialises the kernel's shared objects (domains, threads,
// run queues, page allocator, VFS, futexes) between cores. A core takes it
// when a domain's exception enters the kernel and drops it just before
// returning to EL0, and while it waits idle. Per-core flags (timer expiry,
// pending requests) are touched without it.
//
// This is the first SMP step: one lock, FIFO (ticket), held for one kernel
// entry at a time. A real-time thread on one core can therefore wait for at
// most (cores - 1) kernel entries of other cores; docs/smp.md states the
// bound and the plan to split it into per-object locks.
#pragma once

#include <stdint.h>

namespace uk {

void kernel_lock();
void kernel_unlock();

}  // namespace uk
