// Benchmark domain: two threads of one domain hand the CPU to each other
// with Yield, N times each; the main thread measures with the virtual
// counter and prints "bench: thread_switch n=<switches> cntvct=<ticks>"
// (tests/bench turns it into instructions per switch).
#include <ukernel/ring.h>
#include <ukernel/thread.h>

namespace {

constexpr int kRounds = 1000;
alignas(16) uint8_t g_partner_stack[16 * 1024];
volatile bool g_stop = false;

uint64_t cntvct() {
  uint64_t v;
  asm volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(v) : : "memory");
  return v;
}

void partner(void*) {
  while (!g_stop) ukernel::yield();
}

}  // namespace

int main() {
  ukernel::Thread other;
  if (other.start(partner, nullptr, g_partner_stack, sizeof g_partner_stack) < 0) return 1;
  ukernel::yield();  // let the partner reach its loop
  const uint64_t t0 = cntvct();
  for (int i = 0; i < kRounds; ++i) ukernel::yield();  // each: main -> partner -> main
  const uint64_t t1 = cntvct();
  g_stop = true;
  other.join();
  ukernel::printf("bench: thread_switch n=%d cntvct=%llu\n", 2 * kRounds, static_cast<unsigned long long>(t1 - t0));
  return 0;
}
