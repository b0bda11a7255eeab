// Subsystems: the runtime a kind of domain uses (native/posix, vmm, ...),
// identified by the FNV-1a hash of its name (ukernel::sys::SubsystemId).
// A subsystem joins by defining a descriptor with UK_SUBSYSTEM in its own
// file; the descriptors land in the `uk_subsystems` linker section and the
// kernel core walks that table, so adding one edits no kernel file.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <ukernel/sys.h>

#include "kernel/lib/result.h"

namespace uk {

struct Domain;

struct SubsystemDescriptor {
  const char* name;
  uint64_t id;  // SubsystemId::from_name(name)
  // Called when a domain of this subsystem has been built, before it runs;
  // a non-ok status refuses the domain. May be null.
  Status (*prepare_domain)(Domain& d);
};

// Registers a subsystem; `var` names the descriptor object.
#define UK_SUBSYSTEM(var, subsystem_name, prepare)                                          \
  extern "C" const ::uk::SubsystemDescriptor var __attribute__((used, section("uk_subsystems"), \
                                                                aligned(8))) = {             \
      subsystem_name, ::ukernel::sys::SubsystemId::from_name(subsystem_name).as_u64(), prepare}

// The registered subsystem with this id, or nullptr.
[[nodiscard]] const SubsystemDescriptor* find_subsystem(uint64_t id);
// Number of registered subsystems and the i-th one (for listing).
[[nodiscard]] size_t subsystem_count();
[[nodiscard]] const SubsystemDescriptor& subsystem_at(size_t i);

}  // namespace uk
