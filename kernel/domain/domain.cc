#include "kernel/domain/domain.h"

namespace uk {

Result<void*> user_range(Domain& d, uint64_t va, uint64_t length, Access access) {
  const uint64_t end = va + length;
  if (end < va) return Errno::kFault;
  for (const Region& r : d.regions) {
    if (!r.in_use || va < r.va || va >= r.va + r.size) continue;
    if (end > r.va + r.size) return Errno::kFault;  // regions are never merged: one buffer, one region
    if (access == Access::kRead && !r.perms.read) return Errno::kFault;
    if (access == Access::kWrite && !r.perms.write) return Errno::kFault;
    // Kernel memory is identity mapped at EL2: a physical address is a pointer.
    return reinterpret_cast<void*>(r.pa.value() + (va - r.va));
  }
  return Errno::kFault;
}

Status add_region(Domain& d, uint64_t va, uint64_t size, PhysAddr pa, UserPerms perms) {
  for (Region& r : d.regions) {
    if (r.in_use) continue;
    r = Region{va, size, pa, perms, true};
    return kOkStatus;
  }
  return Errno::kNoMem;
}

Status charge_quota(Domain& d, uint64_t bytes) {
  if (bytes > d.quota_bytes - d.used_bytes) return Errno::kNoMem;
  d.used_bytes += bytes;
  return kOkStatus;
}

}  // namespace uk
