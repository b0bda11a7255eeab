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

void cpu_note_ipi_received(Cpu& self, uint64_t now) {
  ++self.ipis_received;
  const uint64_t raised = __atomic_exchange_n(&self.ipi_raised_at, uint64_t{0}, __ATOMIC_ACQ_REL);
  if (raised == 0 || now < raised) return;
  const uint64_t latency = now - raised;
  ++self.ipi_latency.samples;
  self.ipi_latency.total += latency;
  if (latency > self.ipi_latency.worst) self.ipi_latency.worst = latency;
}

uint32_t cpu_take_requests(Cpu& self) { return __atomic_exchange_n(&self.pending, 0u, __ATOMIC_ACQ_REL); }

}  // namespace uk
