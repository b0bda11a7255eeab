// How the device tree says the non-boot CPUs are started (/cpus/cpu@N):
//   - enable-method = "psci" (QEMU virt): PSCI CPU_ON over the /psci conduit;
//   - enable-method = "spin-table" (the Pi 4's firmware, QEMU raspi4b): the
//     core waits in a wfe loop polling its 64-bit "cpu-release-addr";
//     writing an entry point there (then sev) starts it. The release
//     addresses must lie in reserved memory, or the page allocator could hand
//     them out and a stray write would start a core: inspect_secondary_cpus()
//     checks that.
// Portable (libfdt): host-tested against Debian's Pi 4 device tree and QEMU
// virt's. The boot code (arch/aarch64/smp) starts what this lists.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "kernel/dt/device_tree.h"

namespace uk {

enum class EnableMethod : uint8_t {
  kNone,       // no enable-method property
  kSpinTable,  // "spin-table" with a cpu-release-addr
  kPsci,       // "psci"
  kOther,      // anything else (named in SecondaryCpu::method_name)
};

struct SecondaryCpu {
  uint64_t mpidr = 0;  // the cpu node's reg
  EnableMethod method = EnableMethod::kNone;
  const char* method_name = "";  // the property's first string (points into the blob)
  uint64_t release_addr = 0;     // kSpinTable only
  bool release_addr_reserved = false;  // inside a reserved range of BootInfo
};

inline constexpr size_t kMaxSecondaryCpus = 8;

struct SecondaryCpus {
  size_t count = 0;  // cpus other than the boot CPU
  SecondaryCpu cpus[kMaxSecondaryCpus];
  bool boot_cpu_found = false;
  bool truncated = false;  // more than kMaxSecondaryCpus non-boot cpu nodes
};

// Reads /cpus of the (already validated) blob described by `info` and lists
// every "cpu" node except the one whose reg equals `boot_mpidr`'s affinity
// bits. Returns false (with *out empty) if /cpus is missing or malformed.
[[nodiscard]] bool inspect_secondary_cpus(const void* fdt, const BootInfo& info, uint64_t boot_mpidr,
                                          SecondaryCpus* out);

}  // namespace uk
