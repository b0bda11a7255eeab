// Helpers shared by the SMP test domains (userland/smp).
#pragma once

#include <stdint.h>
#include <string.h>

#include <ukernel/format.h>
#include <ukernel/ring.h>
#include <ukernel/runtime.h>
#include <ukernel/thread.h>

namespace smp_test {

namespace sys = ukernel::sys;

// Two instructions per iteration (subs + b.ne).
inline void spin(uint64_t iterations) {
  asm volatile("1: subs %0, %0, #1\n   b.ne 1b" : "+r"(iterations) : : "cc");
}

inline int64_t op(sys::KernelOp opcode, uint64_t a0 = 0, uint64_t a1 = 0, uint64_t a2 = 0, uint64_t a3 = 0,
                  uint64_t a4 = 0) {
  const ukernel::Ring::Args args = {a0, a1, a2, a3, a4};
  return ukernel::Ring::domain().call(opcode, args);
}

inline uint64_t addr(const void* p) { return reinterpret_cast<uint64_t>(p); }

// A thread bound to the manifest's thread line `slot` (real time, on the
// core the image placed that line on), entered at `entry` with x0 = arg.
inline int64_t start_slot_thread(uint32_t slot, void (*entry)(uint64_t), uint64_t arg, void* stack, size_t bytes) {
  return op(sys::KernelOp::ThreadCreate, addr(reinterpret_cast<void*>(entry)),
            (addr(stack) + bytes) & ~uint64_t{15}, arg, 0, sys::thread_flags::RT_SLOT | slot);
}

inline uint32_t load(const uint32_t* p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }
inline void store(uint32_t* p, uint32_t v) { __atomic_store_n(p, v, __ATOMIC_RELEASE); }

}  // namespace smp_test
