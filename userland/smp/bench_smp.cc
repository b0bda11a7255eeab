// Benchmark domain (tests/bench): cross_core_wake. The partner thread on
// core 1 sleeps in BlockThread on a futex word; the main thread on core 0
// reads the counter, stores the word and calls FutexWake; the partner reads
// the counter as soon as its wait returns. Prints the sum of those intervals
// as "bench: cross_core_wake n=<wakes> cntvct=<ticks>" (under -icount
// shift=0 ticks convert to instructions, on both cores). The main thread
// then blocks itself until the partner reports (a busy wait would keep
// QEMU's round robin on core 0 for a whole slice): the figure includes the
// waker's return from FutexWake and its next BlockThread.
#include "userland/smp/common.h"

namespace {

using namespace smp_test;

constexpr uint32_t kWakes = 1000;
alignas(16) uint8_t g_stack[16 * 1024];
uint32_t g_word = 0;      // the round number the partner waits to see change
uint32_t g_asleep = 0;    // the partner is about to wait for round g_asleep
uint64_t g_woken_at = 0;  // counter when the partner's wait returned
uint32_t g_reported = 0;  // rounds the partner has reported

uint64_t cntvct() {
  uint64_t v;
  asm volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(v) : : "memory");
  return v;
}

extern "C" [[noreturn]] void partner(uint64_t) {
  for (uint32_t round = 0; round < kWakes; ++round) {
    store(&g_asleep, round + 1);
    ukernel::futex_wake(&g_asleep, 1);
    while (load(&g_word) == round) ukernel::futex_wait(&g_word, round, 0);
    __atomic_store_n(&g_woken_at, cntvct(), __ATOMIC_RELEASE);
    store(&g_reported, round + 1);
    ukernel::futex_wake(&g_reported, 1);
  }
  ukernel::thread_exit(0);
}

}  // namespace

int main() {
  if (start_slot_thread(1, partner, 0, g_stack, sizeof g_stack) <= 0) return 1;
  uint64_t total = 0;
  for (uint32_t round = 0; round < kWakes; ++round) {
    // Blocking, not spinning: no SGI is ever left waiting behind a busy core.
    for (uint32_t seen; (seen = load(&g_asleep)) != round + 1;) ukernel::futex_wait(&g_asleep, seen, 0);
    spin(20'000);  // long enough for the partner to be asleep in the kernel
    __atomic_store_n(&g_woken_at, uint64_t{0}, __ATOMIC_RELEASE);
    const uint64_t start = cntvct();
    store(&g_word, round + 1);
    ukernel::futex_wake(&g_word, 1);
    while (load(&g_reported) == round) ukernel::futex_wait(&g_reported, round, 0);
    total += __atomic_load_n(&g_woken_at, __ATOMIC_ACQUIRE) - start;
  }
  ukernel::printf("bench: cross_core_wake n=%u cntvct=%llu\n", kWakes, static_cast<unsigned long long>(total));
  return 0;
}
