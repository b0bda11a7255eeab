// Test domain: announces a fault, then commits it (FAULT selects which); the
// kernel must stop it with a report while the other domains run on.
#include <ukernel/ring.h>

int main() {
#if FAULT == 1
  ukernel::printf("faulter: executing an undefined instruction\n");
  asm volatile("udf #0");
#elif FAULT == 2
  ukernel::printf("faulter: touching an FP/SIMD register\n");
  asm volatile("fmov d0, xzr" ::: "memory");
#elif FAULT == 3
  ukernel::printf("faulter: branching to a non-executable page (the stack)\n");
  uint64_t where;
  asm volatile("mov %0, sp" : "=r"(where));
  reinterpret_cast<void (*)()>(where & ~uint64_t{15})();
#endif
  ukernel::printf("faulter: still alive, which is wrong\n");
  return 3;
}
