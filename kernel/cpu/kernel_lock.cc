#include "kernel/cpu/kernel_lock.h"

#include "kernel/cpu/cpu.h"
#include "kernel/cpu/spinlock.h"
#include "kernel/hal.h"

namespace uk {
namespace {

TicketLock g_lock;

}  // namespace

void kernel_lock() {
  Cpu& cpu = this_cpu();
  const uint64_t asked = hal::timer_now_ticks();
  g_lock.lock();
  const uint64_t got = hal::timer_now_ticks();
  cpu.lock_taken_at = got;
  if (got - asked > cpu.lock_stats.worst_wait) cpu.lock_stats.worst_wait = got - asked;
}

void kernel_unlock() {
  Cpu& cpu = this_cpu();
  const uint64_t held = hal::timer_now_ticks() - cpu.lock_taken_at;
  if (held > cpu.lock_stats.worst_hold) cpu.lock_stats.worst_hold = held;
  ++cpu.lock_stats.acquisitions;
  g_lock.unlock();
}

}  // namespace uk
