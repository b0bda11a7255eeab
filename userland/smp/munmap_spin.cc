// SMP test domain: a thread on another core spins reading an anonymous page;
// the main thread unmaps it. Once Munmap has completed no core may still
// read the page: the spinner must fault at once (the kernel reports the
// domain killed with the page's address). If the spinner's count still
// moves after Munmap returned, the stale translation is reported as FAIL.
#include "userland/smp/common.h"

namespace {

using namespace smp_test;

alignas(16) uint8_t g_stack[16 * 1024];
uint32_t g_reads = 0;  // successful reads of the page by the spinner
uint32_t g_spinner_cpu = 0xffffffff;

extern "C" [[noreturn]] void spinner(uint64_t page) {
  store(&g_spinner_cpu, uk_current_cpu());
  auto* word = reinterpret_cast<volatile uint32_t*>(page);
  for (;;) {
    (void)*word;  // faults once the page is gone
    __atomic_fetch_add(&g_reads, 1u, __ATOMIC_RELEASE);
  }
}

}  // namespace

int main() {
  constexpr uint64_t kPage = 4096;
  const int64_t page = op(sys::KernelOp::MapAnonymous, 0, kPage, UK_PROT_READ | UK_PROT_WRITE, 0);
  if (page <= 0) {
    ukernel::printf("munmap_spin: FAIL MapAnonymous: %lld\n", static_cast<long long>(page));
    return 1;
  }
  if (const int64_t id = start_slot_thread(1, spinner, static_cast<uint64_t>(page), g_stack, sizeof g_stack); id <= 0) {
    ukernel::printf("munmap_spin: FAIL starting the spinner: %lld\n", static_cast<long long>(id));
    return 1;
  }
  while (load(&g_reads) < 10000) {
  }
  ukernel::printf("munmap_spin: spinner on core %u reads page 0x%llx; main on core %u unmaps it\n",
                  load(&g_spinner_cpu), static_cast<unsigned long long>(page), uk_current_cpu());
  const int64_t r = op(sys::KernelOp::Munmap, static_cast<uint64_t>(page), kPage);
  const uint32_t at_unmap = load(&g_reads);
  if (r != 0) {
    ukernel::printf("munmap_spin: FAIL Munmap: %lld\n", static_cast<long long>(r));
    return 1;
  }
  ukernel::printf("munmap_spin: Munmap done\n");
  // The spinner's fault kills this domain (this thread too) within
  // microseconds. Until then, at most the read in flight may complete.
  for (int i = 0; i < 1000; ++i) {
    spin(10000);
    if (load(&g_reads) > at_unmap + 1) {
      ukernel::printf("munmap_spin: FAIL the spinner read the page %u times after Munmap completed\n",
                      load(&g_reads) - at_unmap);
      return 1;
    }
  }
  ukernel::printf("munmap_spin: FAIL the spinner never faulted\n");
  return 1;
}
