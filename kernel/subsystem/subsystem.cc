#include "kernel/subsystem/subsystem.h"

// Provided by the linker around the `uk_subsystems` section (GNU ld does so
// for any section whose name is a C identifier; kernel.ld places it
// explicitly and defines the same symbols).
extern "C" const uk::SubsystemDescriptor __start_uk_subsystems[];
extern "C" const uk::SubsystemDescriptor __stop_uk_subsystems[];

namespace uk {

size_t subsystem_count() { return static_cast<size_t>(__stop_uk_subsystems - __start_uk_subsystems); }

const SubsystemDescriptor& subsystem_at(size_t i) { return __start_uk_subsystems[i]; }

const SubsystemDescriptor* find_subsystem(uint64_t id) {
  for (const SubsystemDescriptor* s = __start_uk_subsystems; s != __stop_uk_subsystems; ++s) {
    if (s->id == id) return s;
  }
  return nullptr;
}

}  // namespace uk
