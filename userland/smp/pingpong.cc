// SMP test domain: two threads of one domain on two cores hand a turn back
// and forth through FutexWake / BlockThread, ROUNDS round trips. A lost
// wake-up shows as a wait that times out (1 s, far above any real hand-over).
#include "userland/smp/common.h"

#ifndef ROUNDS
#define ROUNDS 100000
#endif

namespace {

using namespace smp_test;

constexpr uint64_t kWaitNs = 1'000'000'000;
alignas(16) uint8_t g_stack[16 * 1024];
uint32_t g_turn = 0;  // 0: main's turn, 1: the partner's
uint32_t g_partner_cpu = 0xffffffff;
uint32_t g_lost = 0;  // timed-out waits (either side)
uint32_t g_done = 0;

// Waits until *word != value (a FutexWake, or a change seen before sleeping).
void wait_while(uint32_t* word, uint32_t value) {
  while (load(word) == value) {
    const int64_t r = ukernel::futex_wait(word, value, kWaitNs);
    if (r == -UK_ETIMEDOUT && load(word) == value) __atomic_fetch_add(&g_lost, 1u, __ATOMIC_RELAXED);
  }
}

extern "C" [[noreturn]] void partner(uint64_t rounds) {
  store(&g_partner_cpu, uk_current_cpu());
  for (uint64_t i = 0; i < rounds; ++i) {
    wait_while(&g_turn, 0);
    store(&g_turn, 0);
    ukernel::futex_wake(&g_turn, 1);
  }
  store(&g_done, 1);
  ukernel::futex_wake(&g_done, 1);
  ukernel::thread_exit(0);
}

}  // namespace

int main() {
  if (const int64_t id = start_slot_thread(1, partner, ROUNDS, g_stack, sizeof g_stack); id <= 0) {
    ukernel::printf("pingpong: FAIL starting the partner: %lld\n", static_cast<long long>(id));
    return 1;
  }
  const int64_t start = ukernel::time_ns();
  for (uint64_t i = 0; i < ROUNDS; ++i) {
    store(&g_turn, 1);
    ukernel::futex_wake(&g_turn, 1);
    wait_while(&g_turn, 1);
  }
  const int64_t elapsed = ukernel::time_ns() - start;
  wait_while(&g_done, 0);
  const uint32_t lost = load(&g_lost);
  ukernel::printf("pingpong: %u round trips between core %u and core %u, %u lost wake-ups, %lld ns per round trip\n",
                  static_cast<unsigned>(ROUNDS), uk_current_cpu(), load(&g_partner_cpu), lost,
                  static_cast<long long>(elapsed / ROUNDS));
  return lost == 0 && load(&g_partner_cpu) != uk_current_cpu() ? 0 : 1;
}
