// SMP test domain: best-effort load on its core for HAMMER_MS milliseconds:
// MapAnonymous / touch / Munmap and VFS create / write / read / close, with a
// short sleep per round so every core's real-time threads meet the kernel
// lock often. Reports how many rounds it did.
#include "userland/smp/common.h"

#ifndef HAMMER_MS
#define HAMMER_MS 1200
#endif

namespace {
using namespace smp_test;
char g_buf[512];
}  // namespace

int main() {
  const int64_t end = ukernel::time_ns() + int64_t{HAMMER_MS} * 1'000'000;
  char path[32];
  const int64_t id = ukernel::domain_id();
  uk_snprintf(path, sizeof path, "/tmp/hammer%lld", static_cast<long long>(id));
  uint64_t rounds = 0;
  while (ukernel::time_ns() < end) {
    const int64_t page = op(sys::KernelOp::MapAnonymous, 0, 16 * 1024, UK_PROT_READ | UK_PROT_WRITE, 0);
    if (page <= 0) {
      ukernel::printf("hammer: FAIL MapAnonymous: %lld\n", static_cast<long long>(page));
      return 1;
    }
    reinterpret_cast<volatile uint8_t*>(page)[0] = 1;
    if (op(sys::KernelOp::Munmap, static_cast<uint64_t>(page), 16 * 1024) != 0) return 1;
    const int64_t h = op(sys::KernelOp::VfsOpen, addr(path), strlen(path), UK_O_RDWR | UK_O_CREAT, 0600);
    if (h < 0) {
      ukernel::printf("hammer: FAIL VfsOpen: %lld\n", static_cast<long long>(h));
      return 1;
    }
    memset(g_buf, static_cast<int>(rounds), sizeof g_buf);
    if (op(sys::KernelOp::VfsWrite, static_cast<uint64_t>(h), addr(g_buf), sizeof g_buf, 0) != sizeof g_buf) return 1;
    if (op(sys::KernelOp::VfsRead, static_cast<uint64_t>(h), addr(g_buf), sizeof g_buf, 0) != sizeof g_buf) return 1;
    if (op(sys::KernelOp::VfsClose, static_cast<uint64_t>(h)) != 0) return 1;
    ++rounds;
    ukernel::sleep_ns(200'000);
  }
  ukernel::printf("hammer: core %u: %llu rounds of memory and VFS ops\n", uk_current_cpu(),
                  static_cast<unsigned long long>(rounds));
  return 0;
}
