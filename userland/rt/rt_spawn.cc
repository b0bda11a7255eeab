// Test domain: the main thread (best effort) starts a real-time worker by
// binding it to the manifest's second thread line (UK_THREAD_RT_SLOT | 1),
// checks the slot rules, and waits for the worker's 50 periodic jobs.
#include <ukernel/ring.h>
#include <ukernel/thread.h>

namespace {

namespace sys = ukernel::sys;

alignas(16) uint8_t g_stack[16 * 1024];
volatile uint32_t g_done = 0;
int g_failures = 0;

void work(uint64_t iterations) {
  asm volatile("1: subs %0, %0, #1\n   b.ne 1b" : "+r"(iterations) : : "cc");
}

extern "C" [[noreturn]] void worker(uint64_t jobs) {
  for (uint64_t i = 0; i < jobs; ++i) {
    work(1000 * 1000 / 2);  // 1 ms of instructions under -icount shift=0
    ukernel::yield();       // job done until the next release
  }
  ukernel::printf("rt_spawn: worker finished %llu jobs\n", static_cast<unsigned long long>(jobs));
  __atomic_store_n(&g_done, 1u, __ATOMIC_RELEASE);
  ukernel::futex_wake(const_cast<const uint32_t*>(&g_done), 1);
  ukernel::thread_exit(0);
}

int64_t create(uint64_t flags) {
  const ukernel::Ring::Args args = {reinterpret_cast<uint64_t>(&worker), reinterpret_cast<uint64_t>(g_stack + sizeof g_stack),
                                    50, 0, flags};
  return ukernel::Ring::domain().call(sys::KernelOp::ThreadCreate, args);
}

void expect(const char* what, int64_t got, int64_t want) {
  if (got == want) return;
  ++g_failures;
  ukernel::printf("rt_spawn: FAIL %s: got %lld, want %lld\n", what, static_cast<long long>(got),
                  static_cast<long long>(want));
}

}  // namespace

int main() {
  expect("slot 0 (the main thread's line)", create(sys::thread_flags::RT_SLOT | 0), -22);
  expect("slot 5 (no such line)", create(sys::thread_flags::RT_SLOT | 5), -22);
  expect("unknown flag bits", create(0x200 | 1), -22);
  const int64_t id = create(sys::thread_flags::RT_SLOT | 1);
  if (id <= 0) {
    ukernel::printf("rt_spawn: FAIL creating the real-time worker: %lld\n", static_cast<long long>(id));
    return 1;
  }
  expect("slot 1 again while bound", create(sys::thread_flags::RT_SLOT | 1), -17);
  while (__atomic_load_n(&g_done, __ATOMIC_ACQUIRE) == 0) ukernel::futex_wait(const_cast<const uint32_t*>(&g_done), 0, 0);
  ukernel::printf("rt_spawn: %s\n", g_failures == 0 ? "all checks passed" : "checks failed");
  return g_failures == 0 ? 0 : 1;
}
