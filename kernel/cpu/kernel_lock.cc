#include "kernel/cpu/kernel_lock.h"

#include "kernel/cpu/cpu.h"
#include "kernel/cpu/spinlock.h"
#include "kernel/hal.h"

namespace uk {
namespace {

TicketLock g_lock;

// Out of line: only a core that finds the lock taken pays for the clock.
[[gnu::noinline]] void lock_contended() {
  Cpu& cpu = this_cpu();
  const uint64_t asked = hal::timer_now_ticks();
  g_lock.lock();
  const uint64_t waited = hal::timer_now_ticks() - asked;
  ++cpu.lock_stats.contended;
  if (waited > cpu.lock_stats.worst_wait) cpu.lock_stats.worst_wait = waited;
}

}  // namespace

void kernel_lock() {
  if (!g_lock.try_lock()) lock_contended();
}

void kernel_unlock() { g_lock.unlock(); }

}  // namespace uk
