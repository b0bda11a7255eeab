#include "kernel/domain/memory_ops.h"

#include <string.h>

#include "kernel/domain/layout.h"
#include "kernel/mm/page_allocator.h"

namespace uk {
namespace {

PageAllocator* g_pages = nullptr;

constexpr int64_t neg(Errno e) { return -static_cast<int64_t>(e); }

constexpr uint32_t kKnownProt = UK_PROT_READ | UK_PROT_WRITE | UK_PROT_EXEC;
constexpr uint32_t kKnownMapFlags = UK_MAP_FIXED | UK_MAP_POPULATE;
// Largest single mapping: keeps one op's page clearing bounded.
constexpr uint64_t kMaxMapBytes = 16ull << 20;

// PROT_* -> permissions. W^X: writable and executable together is refused
// (-EACCES), as is any unknown bit (-EINVAL).
int64_t perms_from_prot(uint64_t prot, UserPerms* out) {
  if ((prot & ~static_cast<uint64_t>(kKnownProt)) != 0) return neg(Errno::kInval);
  if ((prot & UK_PROT_WRITE) && (prot & UK_PROT_EXEC)) return neg(Errno::kAcces);
  // Stage 1 cannot express write-only or execute-only: both imply read.
  *out = UserPerms{.read = prot != UK_PROT_NONE, .write = (prot & UK_PROT_WRITE) != 0,
                   .exec = (prot & UK_PROT_EXEC) != 0};
  return 0;
}

bool overlaps_any(const Domain& d, uint64_t va, uint64_t size) {
  for (const Region& r : d.regions) {
    if (r.in_use && va < r.va + r.size && r.va < va + size) return true;
  }
  return false;
}

// First free address in the mmap window that fits `size` (regions are few:
// this is O(kMaxRegions^2) at worst).
uint64_t find_free_va(const Domain& d, uint64_t size) {
  uint64_t candidate = domain_layout::kMmapBase;
  for (bool moved = true; moved;) {
    moved = false;
    for (const Region& r : d.regions) {
      if (r.in_use && candidate < r.va + r.size && r.va < candidate + size) {
        candidate = r.va + r.size;
        moved = true;
      }
    }
  }
  return domain_layout::in_mmap_window(candidate, size) ? candidate : 0;
}

// The anonymous region exactly at [va, va + size) (size page-rounded).
Region* exact_anonymous_region(Domain& d, uint64_t va, uint64_t len) {
  const uint64_t size = align_up(len, kPageSize);
  for (Region& r : d.regions) {
    if (r.in_use && r.va == va && r.size == size) return r.anonymous ? &r : nullptr;
  }
  return nullptr;
}

Result<void*> kernel_buffer(Domain& d, uint64_t id) {
  if (id >= kKernelBuffers) return Errno::kInval;
  if (d.kernel_buffers[id].value() == 0) {
    Result<PhysAddr> page = domain_alloc_pages(d, *g_pages, kKernelBufferBytes / kPageSize);
    if (!page.ok()) return page.error();
    d.kernel_buffers[id] = *page;
  }
  return reinterpret_cast<void*>(d.kernel_buffers[id].value());
}

}  // namespace

void memory_ops_init(PageAllocator& pages) { g_pages = &pages; }

int64_t op_map_anonymous(Domain& d, const ukernel::sys::SubmitEntry& e) {
  const uint64_t hint = e.args[0];
  const uint64_t len = e.args[1];
  const uint64_t flags = e.args[3];
  if (e.args[4] != 0 || len == 0 || len > kMaxMapBytes) return neg(Errno::kInval);
  if ((flags & ~static_cast<uint64_t>(kKnownMapFlags)) != 0) return neg(Errno::kInval);
  UserPerms perms;
  if (int64_t rc = perms_from_prot(e.args[2], &perms); rc < 0) return rc;
  const uint64_t size = align_up(len, kPageSize);

  uint64_t va = 0;
  if (flags & UK_MAP_FIXED) {
    // MAP_FIXED never replaces an existing mapping here (docs/memory.md).
    if ((hint & (kPageSize - 1)) != 0 || !domain_layout::in_mmap_window(hint, size)) return neg(Errno::kInval);
    if (overlaps_any(d, hint, size)) return neg(Errno::kExist);
    va = hint;
  } else if (hint != 0 && (hint & (kPageSize - 1)) == 0 && domain_layout::in_mmap_window(hint, size) &&
             !overlaps_any(d, hint, size)) {
    va = hint;
  } else {
    va = find_free_va(d, size);
    if (va == 0) return neg(Errno::kNoMem);
  }

  // Pages are always populated: MAP_POPULATE is what happens anyway.
  Result<PhysAddr> pa = domain_alloc_pages(d, *g_pages, size / kPageSize);
  if (!pa.ok()) return neg(pa.error());
  const uint64_t tables_before = address_space_table_pages(d.address_space);
  const bool want_mapped = perms.read;
  // What this call has done so far, so that a failure undoes exactly that
  // and never a mapping or region someone else made (MAP_FIXED may point at
  // pages that are mapped without being a region of ours).
  Region* region = nullptr;
  bool mapped_here = false;
  Status s = add_region(d, va, size, *pa, perms, /*anonymous=*/true, want_mapped, &region);
  if (s.ok() && want_mapped) {
    // All-or-nothing: on failure neither stage holds any of it.
    s = address_space_map_user(d.address_space, va, *pa, size, perms);
    mapped_here = s.ok();
  }
  // Table pages the mapping needed count against the quota too.
  const uint64_t new_tables = address_space_table_pages(d.address_space) - tables_before;
  if (s.ok() && new_tables > 0) s = charge_quota(d, new_tables * kPageSize);
  if (!s.ok()) {
    if (mapped_here) {
      if (Status u = address_space_unmap_user(d.address_space, va, *pa, size); !u.ok()) {
        // Some stage may still map the pages: keep them in the region (the
        // domain's to Munmap again) rather than free a page that stays mapped.
        return neg(s.error());
      }
    }
    if (region != nullptr) region->in_use = false;
    domain_free_pages(d, *g_pages, *pa, size / kPageSize);
    return neg(s.error());
  }
  return static_cast<int64_t>(va);
}

int64_t op_munmap(Domain& d, const ukernel::sys::SubmitEntry& e) {
  if (e.args[2] != 0 || e.args[3] != 0 || e.args[4] != 0) return neg(Errno::kInval);
  Region* r = exact_anonymous_region(d, e.args[0], e.args[1]);
  if (r == nullptr) return neg(Errno::kInval);
  if (r->mapped) {
    // On failure some stage may still map the pages: they stay the region's
    // (a freed page must never stay mapped), and Munmap can be tried again.
    if (Status s = address_space_unmap_user(d.address_space, r->va, r->pa, r->size); !s.ok()) return neg(s.error());
  }
  domain_free_pages(d, *g_pages, r->pa, r->size / kPageSize);
  r->in_use = false;
  return 0;
}

int64_t op_mprotect(Domain& d, const ukernel::sys::SubmitEntry& e) {
  if (e.args[3] != 0 || e.args[4] != 0) return neg(Errno::kInval);
  UserPerms perms;
  if (int64_t rc = perms_from_prot(e.args[2], &perms); rc < 0) return rc;
  Region* r = exact_anonymous_region(d, e.args[0], e.args[1]);
  if (r == nullptr) return neg(Errno::kInval);
  if (r->mapped) {
    // Kept as mapped on failure: some stage may still hold the pages.
    if (Status s = address_space_unmap_user(d.address_space, r->va, r->pa, r->size); !s.ok()) return neg(s.error());
    r->mapped = false;
  }
  const UserPerms old = r->perms;
  if (perms.read) {
    // A failed map leaves nothing behind (address_space_map_user is
    // all-or-nothing); then the old permissions come back if they can.
    if (Status s = address_space_map_user(d.address_space, r->va, r->pa, r->size, perms); !s.ok()) {
      r->mapped = old.read && address_space_map_user(d.address_space, r->va, r->pa, r->size, old).ok();
      return neg(s.error());
    }
    r->mapped = true;
  }
  r->perms = perms;
  return 0;
}

// ReadUser(user_addr, kernel_buf_id, len): copies len bytes from the domain
// into its kernel buffer; WriteUser the other way. Returns len.
int64_t op_read_user(Domain& d, const ukernel::sys::SubmitEntry& e) {
  if (e.args[3] != 0 || e.args[4] != 0 || e.args[2] > kKernelBufferBytes) return neg(Errno::kInval);
  Result<void*> buf = kernel_buffer(d, e.args[1]);
  if (!buf.ok()) return neg(buf.error());
  Result<void*> user = user_range(d, e.args[0], e.args[2], Access::kRead);
  if (!user.ok()) return neg(user.error());
  memcpy(*buf, *user, e.args[2]);
  return static_cast<int64_t>(e.args[2]);
}

int64_t op_write_user(Domain& d, const ukernel::sys::SubmitEntry& e) {
  if (e.args[3] != 0 || e.args[4] != 0 || e.args[2] > kKernelBufferBytes) return neg(Errno::kInval);
  Result<void*> buf = kernel_buffer(d, e.args[1]);
  if (!buf.ok()) return neg(buf.error());
  Result<void*> user = user_range(d, e.args[0], e.args[2], Access::kWrite);
  if (!user.ok()) return neg(user.error());
  memcpy(*user, *buf, e.args[2]);
  return static_cast<int64_t>(e.args[2]);
}

}  // namespace uk
