#include "arch/aarch64/psci/psci.h"

namespace uk::arch {
namespace {

// PSCI function IDs (SMC32 calling convention).
constexpr uint64_t kPsciVersion = 0x84000000;
constexpr uint64_t kPsciSystemOff = 0x84000008;
constexpr uint64_t kPsciSystemReset = 0x84000009;
constexpr int64_t kPsciNotSupported = -1;

PsciConduit g_conduit = PsciConduit::kNone;

int64_t smc_call(uint64_t function) {
  register uint64_t x0 asm("x0") = function;
  asm volatile("smc #0" : "+r"(x0) : : "x1", "x2", "x3", "memory");
  return static_cast<int64_t>(x0);
}

int64_t call(uint64_t function) {
  // HVC from EL2 would trap to this kernel itself: only SMC can reach firmware.
  if (g_conduit != PsciConduit::kSmc) return kPsciNotSupported;
  return smc_call(function);
}

}  // namespace

void psci_set_conduit(PsciConduit conduit) { g_conduit = conduit; }
PsciConduit psci_conduit() { return g_conduit; }
void psci_system_off() { (void)call(kPsciSystemOff); }
void psci_system_reset() { (void)call(kPsciSystemReset); }
int64_t psci_version() { return call(kPsciVersion); }

}  // namespace uk::arch
