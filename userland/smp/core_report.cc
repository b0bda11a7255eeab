// SMP test domain: reports the core it runs on and the interval during which
// it was busy, so a test can check that domains pinned to different cores
// ran at the same time (tests/smp/check_parallel.sh).
#include "userland/smp/common.h"

int main() {
  using namespace smp_test;
  const int64_t start = ukernel::time_ns();
  // Long enough that the four domains' intervals must overlap if (and only
  // if) they run in parallel: ~40 ms of instructions each.
  spin(20 * 1000 * 1000);
  const int64_t end = ukernel::time_ns();
  ukernel::printf("core_report: domain %lld on core %u busy from %lld to %lld ns\n",
                  static_cast<long long>(ukernel::domain_id()), uk_current_cpu(), static_cast<long long>(start),
                  static_cast<long long>(end));
  return 0;
}
