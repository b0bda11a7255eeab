// SMP test domain: three real-time threads spin on cores 1-3 (manifest lines
// 1-3), then the main thread on core 0 faults on purpose. The kernel must
// stop the whole domain on every core; the other domains keep running.
#include "userland/smp/common.h"

namespace {

using namespace smp_test;

alignas(16) uint8_t g_stacks[3][8 * 1024];
uint32_t g_running[3] = {};
uint32_t g_cores[3] = {};
volatile uint64_t g_unmapped = 0x10;  // through memory: not a constant the compiler can reason about

extern "C" [[noreturn]] void spinner(uint64_t k) {
  g_cores[k] = uk_current_cpu();
  for (uint32_t n = 1;; ++n) store(&g_running[k], n);
}

}  // namespace

int main() {
  for (uint32_t k = 0; k < 3; ++k) {
    if (const int64_t id = start_slot_thread(k + 1, spinner, k, g_stacks[k], sizeof g_stacks[k]); id <= 0) {
      ukernel::printf("kill_spread: FAIL starting spinner %u: %lld\n", k, static_cast<long long>(id));
      return 1;
    }
  }
  for (uint32_t k = 0; k < 3; ++k) {
    while (load(&g_running[k]) < 1000) {
    }
  }
  ukernel::printf("kill_spread: spinners running on cores %u %u %u; main on core %u faults now\n", g_cores[0],
                  g_cores[1], g_cores[2], uk_current_cpu());
  *reinterpret_cast<volatile uint32_t*>(g_unmapped) = 1;  // unmapped: the domain is killed
  return 1;
}
