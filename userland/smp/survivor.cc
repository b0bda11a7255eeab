// SMP test domain: works in short slices for a while on its core, so it is
// still running when another domain is killed, and reports that it finished.
#include "userland/smp/common.h"

int main() {
  using namespace smp_test;
  for (int i = 0; i < 40; ++i) {
    spin(200'000);
    ukernel::sleep_ns(1'000'000);
  }
  ukernel::printf("survivor: core %u finished\n", uk_current_cpu());
  return 0;
}
