// A ticket spinlock: FIFO among waiting cores, so a core's wait is bounded by
// the hold times of the cores queued ahead of it (at most kMaxCpus - 1).
// Interrupts must be masked by the caller while it holds one (the kernel
// runs with IRQs masked at EL2 except in its idle wait).
#pragma once

#include <stdint.h>

namespace uk {

// Waiting for another core (implemented by the architecture: WFE / SEV on
// AArch64, so a waiting core sleeps instead of hammering the lock's line;
// under QEMU's round-robin TCG it also hands the host thread to the holder).
void cpu_wait_for_event();
void cpu_signal_event();

class TicketLock {
 public:
  void lock() {
    const uint32_t ticket = __atomic_fetch_add(&next_, 1u, __ATOMIC_RELAXED);
    while (__atomic_load_n(&serving_, __ATOMIC_ACQUIRE) != ticket) cpu_wait_for_event();
  }
  [[nodiscard]] bool try_lock() {
    uint32_t serving = __atomic_load_n(&serving_, __ATOMIC_ACQUIRE);
    uint32_t expected = serving;
    return __atomic_compare_exchange_n(&next_, &expected, serving + 1, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
  }
  void unlock() {
    __atomic_store_n(&serving_, serving_ + 1, __ATOMIC_RELEASE);
    cpu_signal_event();
  }

 private:
  uint32_t next_ = 0;     // the next ticket handed out
  uint32_t serving_ = 0;  // the ticket that holds the lock
};

}  // namespace uk
