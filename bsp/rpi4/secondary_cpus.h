// How the device tree says the non-boot CPUs are started. On the Pi 4 the
// firmware's ARM stub (armstub8, built into start4.elf) parks cores 1-3 in a
// wfe loop, each polling its 64-bit "cpu-release-addr" in the first page of
// RAM; writing an entry point there (and sev) would start the core. The
// device tree describes this as enable-method = "spin-table" and reserves the
// stub's page (/memreserve/ 0x0 0x1000).
//
// ukernel runs on the boot CPU only: it never writes a release address, so
// the other cores stay parked. That is safe only while nothing else writes
// those addresses either, i.e. while the page allocator never hands their
// memory out: inspect_secondary_cpus() checks each one lies in a reserved
// range. Portable (libfdt): host-tested against Debian's Pi 4 device tree.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "kernel/dt/device_tree.h"

namespace uk::bsp::rpi4 {

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

inline constexpr size_t kMaxCpus = 8;

struct SecondaryCpus {
  size_t count = 0;  // cpus other than the boot CPU
  SecondaryCpu cpus[kMaxCpus];
  bool boot_cpu_found = false;
  bool truncated = false;  // more than kMaxCpus non-boot cpu nodes
};

// Reads /cpus of the (already validated) blob described by `info` and lists
// every "cpu" node except the one whose reg equals `boot_mpidr`'s affinity
// bits. Returns false (with *out empty) if /cpus is missing or malformed.
[[nodiscard]] bool inspect_secondary_cpus(const void* fdt, const BootInfo& info, uint64_t boot_mpidr,
                                          SecondaryCpus* out);

}  // namespace uk::bsp::rpi4
