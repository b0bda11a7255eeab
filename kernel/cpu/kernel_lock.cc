#include "kernel/cpu/kernel_lock.h"

#include "kernel/cpu/cpu.h"
#include "kernel/cpu/spinlock.h"

namespace uk {
namespace {

TicketLock g_lock;
constexpr uint32_t kNoOwner = UINT32_MAX;
uint32_t g_owner = kNoOwner;  // the holder's core index

}  // namespace

void kernel_lock() {
  g_lock.lock();
  g_owner = this_cpu().index;
}

void kernel_unlock() {
  g_owner = kNoOwner;
  g_lock.unlock();
}

bool kernel_lock_held() { return g_owner == this_cpu().index && g_lock.locked(); }

}  // namespace uk
