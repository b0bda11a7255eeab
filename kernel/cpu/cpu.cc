#include "kernel/cpu/cpu.h"

namespace uk {
namespace {

Cpu g_cpus[kMaxCpus];
size_t g_cpu_count = 1;

}  // namespace

Cpu& cpu_at(size_t index) { return g_cpus[index < kMaxCpus ? index : 0]; }

size_t cpu_count() { return __atomic_load_n(&g_cpu_count, __ATOMIC_ACQUIRE); }

void cpus_set_online(size_t count) {
  if (count == 0 || count > kMaxCpus) count = 1;
  for (size_t i = 0; i < kMaxCpus; ++i) {
    g_cpus[i].index = static_cast<uint32_t>(i);
    g_cpus[i].online = i < count;
  }
  __atomic_store_n(&g_cpu_count, count, __ATOMIC_RELEASE);
}

bool cpu_post_request(Cpu& target, uint32_t bits) {
  return (__atomic_fetch_or(&target.pending, bits, __ATOMIC_ACQ_REL) & bits) != bits;
}

uint32_t cpu_take_requests(Cpu& self) { return __atomic_exchange_n(&self.pending, 0u, __ATOMIC_ACQ_REL); }

}  // namespace uk
