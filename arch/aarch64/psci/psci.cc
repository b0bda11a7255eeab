#include "arch/aarch64/psci/psci.h"

namespace uk::arch {
namespace {

// PSCI function IDs (SMC32 calling convention).
constexpr uint64_t kPsciVersion = 0x84000000;
constexpr uint64_t kPsciSystemOff = 0x84000008;
constexpr uint64_t kPsciSystemReset = 0x84000009;
constexpr uint64_t kPsciCpuOn64 = 0xc4000003;  // SMC64: target MPIDR, entry point, context id
constexpr int64_t kPsciNotSupported = -1;

PsciConduit g_conduit = PsciConduit::kNone;

int64_t smc_call(uint64_t function, uint64_t a1, uint64_t a2, uint64_t a3) {
  register uint64_t x0 asm("x0") = function;
  register uint64_t x1 asm("x1") = a1;
  register uint64_t x2 asm("x2") = a2;
  register uint64_t x3 asm("x3") = a3;
  asm volatile("smc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : "memory");
  return static_cast<int64_t>(x0);
}

int64_t call(uint64_t function, uint64_t a1 = 0, uint64_t a2 = 0, uint64_t a3 = 0) {
  // HVC from EL2 would trap to this kernel itself: only SMC can reach firmware.
  if (g_conduit != PsciConduit::kSmc) return kPsciNotSupported;
  return smc_call(function, a1, a2, a3);
}

}  // namespace

void psci_set_conduit(PsciConduit conduit) { g_conduit = conduit; }
PsciConduit psci_conduit() { return g_conduit; }
void psci_system_off() { (void)call(kPsciSystemOff); }
void psci_system_reset() { (void)call(kPsciSystemReset); }
int64_t psci_version() { return call(kPsciVersion); }
int64_t psci_cpu_on(uint64_t target_mpidr, uint64_t entry_phys, uint64_t context_id) {
  return call(kPsciCpuOn64, target_mpidr, entry_phys, context_id);
}

}  // namespace uk::arch
