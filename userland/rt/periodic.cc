// A periodic real-time job: each release does WORK_US of computation (a
// counted instruction loop, so the work is the same however the thread is
// preempted), then Yield ends the job until the next release. After JOBS jobs
// it prints a summary and exits. Built several times with different -D values
// (userland/rt/BUILD); the period and budget come from its manifest.
#include <ukernel/ring.h>

#ifndef WORK_US
#define WORK_US 1000
#endif
#ifndef JOBS
#define JOBS 100
#endif

namespace {

// Two instructions per iteration (subs + b.ne): under QEMU -icount shift=0
// one iteration is 2 ns of virtual time.
void work(uint64_t iterations) {
  asm volatile(
      "1: subs %0, %0, #1\n"
      "   b.ne 1b"
      : "+r"(iterations)
      :
      : "cc");
}

}  // namespace

int main() {
  constexpr uint64_t kIterations = static_cast<uint64_t>(WORK_US) * 1000 / 2;
  for (int job = 0; job < JOBS; ++job) {
    work(kIterations);
    if (ukernel::yield() != 0) return 2;  // job done: wait for the next release
  }
  ukernel::printf("periodic: %d jobs of %d us done\n", JOBS, WORK_US);
  return 0;
}
