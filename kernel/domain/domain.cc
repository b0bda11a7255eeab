#include "kernel/domain/domain.h"

#include <string.h>

#include "kernel/cpu/cpu.h"

namespace uk {

Result<void*> user_range(Domain& d, uint64_t va, uint64_t length, Access access) {
  const uint64_t end = va + length;
  if (end < va) return Errno::kFault;
  for (const Region& r : d.regions) {
    if (!r.in_use || !r.mapped || va < r.va || va >= r.va + r.size) continue;
    if (end > r.va + r.size) return Errno::kFault;  // regions are never merged: one buffer, one region
    if (access == Access::kRead && !r.perms.read) return Errno::kFault;
    if (access == Access::kWrite && !r.perms.write) return Errno::kFault;
    // Kernel memory is identity mapped at EL2: a physical address is a pointer.
    return reinterpret_cast<void*>(r.pa.value() + (va - r.va));
  }
  return Errno::kFault;
}

Status add_region(Domain& d, uint64_t va, uint64_t size, PhysAddr pa, UserPerms perms, bool anonymous,
                  bool mapped, Region** added) {
  for (Region& r : d.regions) {
    if (r.in_use) continue;
    r = Region{va, size, pa, perms, true, anonymous, mapped};
    if (added != nullptr) *added = &r;
    return kOkStatus;
  }
  return Errno::kNoMem;
}

bool user_executable(const Domain& d, uint64_t va, uint64_t length) {
  const uint64_t end = va + length;
  if (end < va) return false;
  for (const Region& r : d.regions) {
    if (r.in_use && r.mapped && r.perms.exec && va >= r.va && end <= r.va + r.size) return true;
  }
  return false;
}

Thread g_threads[kMaxThreads];

bool thread_is_current_somewhere(const Thread& t) {
  for (size_t i = 0; i < cpu_count(); ++i) {
    if (cpu_at(i).current == &t) return true;
  }
  return false;
}

Result<Thread*> thread_alloc(Domain& d) {
  size_t slot = kMaxThreadsPerDomain;
  for (size_t i = 0; i < kMaxThreadsPerDomain; ++i) {
    if (d.threads[i] == nullptr || d.threads[i]->state == ThreadState::kExited) {
      slot = i;
      break;
    }
  }
  if (slot == kMaxThreadsPerDomain) return Errno::kAgain;
  // Prefer never-used slots; recycle exited threads (their statistics are
  // gone then) only when the pool has no other room.
  for (int pass = 0; pass < 2; ++pass) {
    for (size_t i = 0; i < kMaxThreads; ++i) {
      Thread& t = g_threads[i];
      const ThreadState wanted = pass == 0 ? ThreadState::kFree : ThreadState::kExited;
      if (t.state != wanted) continue;
      // A core may still be on its way into the kernel with this exited
      // thread as its current one (killed from another core): not yet.
      if (thread_is_current_somewhere(t)) continue;
      if (t.domain != nullptr) {
        for (Thread*& p : t.domain->threads) {
          if (p == &t) p = nullptr;
        }
      }
      t = Thread{};
      t.id = static_cast<uint32_t>(i + 1);
      t.domain = &d;
      t.state = ThreadState::kReady;
      d.threads[slot] = &t;
      ++d.live_threads;
      return &t;
    }
  }
  return Errno::kNoMem;
}

Status charge_quota(Domain& d, uint64_t bytes) {
  if (bytes > d.quota_bytes - d.used_bytes) return Errno::kNoMem;
  d.used_bytes += bytes;
  return kOkStatus;
}

void refund_quota(Domain& d, uint64_t bytes) { d.used_bytes = bytes > d.used_bytes ? 0 : d.used_bytes - bytes; }

Result<PhysAddr> domain_alloc_pages(Domain& d, PageAllocator& pages, uint64_t count) {
  const uint64_t bytes = count * kPageSize;
  if (Status s = charge_quota(d, bytes); !s.ok()) return s.error();
  Result<PhysAddr> pa = pages.alloc_pages(count);
  if (!pa.ok()) {
    refund_quota(d, bytes);
    return Errno::kNoMem;
  }
  memset(reinterpret_cast<void*>(pa->value()), 0, bytes);
  return pa;
}

void domain_free_pages(Domain& d, PageAllocator& pages, PhysAddr base, uint64_t count) {
  (void)pages.free_pages(base, count);
  refund_quota(d, count * kPageSize);
}

}  // namespace uk
