#include "kernel/cpu/kernel_lock.h"

#include "kernel/cpu/spinlock.h"

namespace uk {
namespace {

TicketLock g_lock;

}  // namespace

void kernel_lock() { g_lock.lock(); }
void kernel_unlock() { g_lock.unlock(); }

}  // namespace uk
