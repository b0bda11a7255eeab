// A domain's two translation stages, as the portable core sees them. The
// architecture implements this (arch/aarch64/domain/address_space.cc); host
// tests use a fake. Domain memory is mapped IPA == PA: stage 2 admits
// exactly the domain's own pages, stage 1 gives them their user addresses.
#pragma once

#include <stdint.h>

#include "kernel/lib/result.h"
#include "kernel/lib/types.h"

namespace uk {

class PageAllocator;

struct UserPerms {
  bool read = true;
  bool write = false;
  bool exec = false;
};

struct AddressSpace;  // opaque, owned by the architecture

// Creates empty tables for a domain with the given VMID. Table pages are
// charged to `*table_pages` (so the domain's quota covers them).
[[nodiscard]] Result<AddressSpace*> address_space_create(uint16_t vmid, PageAllocator& pages);
// Maps [va, va + size) at EL0 with `perms` to [pa, pa + size) (both stages).
[[nodiscard]] Status address_space_map_user(AddressSpace* as, uint64_t va, PhysAddr pa, uint64_t size,
                                            UserPerms perms);
// Maps the shared EL1 svc gateway page at `va` (EL1 execute-only from EL0's view).
[[nodiscard]] Status address_space_map_gateway(AddressSpace* as, uint64_t va);
// Removes [va, va + size) from stage 1 and its pages [pa, pa + size) from
// stage 2, then invalidates the domain's TLB entries. Must run while the
// domain's VMID is current (i.e. on behalf of one of its threads).
[[nodiscard]] Status address_space_unmap_user(AddressSpace* as, uint64_t va, PhysAddr pa, uint64_t size);
// Pages of translation tables this address space holds (for quota accounting).
[[nodiscard]] uint64_t address_space_table_pages(const AddressSpace* as);

}  // namespace uk
