// A best-effort domain that computes without ever yielding, for HOG_MS of
// virtual time, then exits: it may only use what the real-time threads leave.
#include <ukernel/ring.h>

#ifndef HOG_MS
#define HOG_MS 300
#endif

int main() {
  uint64_t iterations = static_cast<uint64_t>(HOG_MS) * 1000 * 1000 / 2;
  asm volatile(
      "1: subs %0, %0, #1\n"
      "   b.ne 1b"
      : "+r"(iterations)
      :
      : "cc");
  ukernel::printf("hog: %d ms of computation done\n", HOG_MS);
  return 0;
}
