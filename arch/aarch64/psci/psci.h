// PSCI calls from EL2. The kernel is the hypervisor, so the conduit is always
// SMC to the firmware below it; a device tree that asks for HVC describes a
// machine without EL3 firmware that the kernel cannot call.
#pragma once

#include <stdint.h>

namespace uk::arch {

enum class PsciConduit : uint8_t { kNone, kSmc, kHvc };

void psci_set_conduit(PsciConduit conduit);
[[nodiscard]] PsciConduit psci_conduit();
// Returns only if the call is impossible or the firmware refuses.
void psci_system_off();
void psci_system_reset();
[[nodiscard]] int64_t psci_version();
// Starts the core `target_mpidr` at EL2 at physical `entry_phys` with x0 =
// `context_id`, MMU and caches off. 0 on success, else a PSCI error
// (-2 invalid parameters, -4 already on, -5 on pending, -6 internal failure).
[[nodiscard]] int64_t psci_cpu_on(uint64_t target_mpidr, uint64_t entry_phys, uint64_t context_id);

}  // namespace uk::arch
