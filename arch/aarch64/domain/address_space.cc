// kernel/domain/address_space.h on AArch64: a stage-1 EL1&0 table (VA ->
// IPA, built by the kernel, never writable by the domain) and a stage-2
// table (IPA -> PA) holding exactly the domain's pages, its stage-1 table
// pages (read-only: the stage-1 walker reads them through stage 2) and the
// shared gateway page.
#include "kernel/domain/address_space.h"

#include <string.h>

#include "arch/aarch64/domain/domain_regs.h"
#include "arch/aarch64/mmu/page_table.h"
#include "kernel/domain/domain.h"
#include "kernel/mm/page_allocator.h"

extern "C" char uk_gateway_page[];

namespace uk {

struct AddressSpace {
  mmu::PageTable stage1;
  mmu::PageTable stage2;
  uint16_t vmid = 0;
  // Stage-1 table pages allocated but not yet admitted by stage 2.
  PhysAddr pending_tables[64];
  size_t pending_count = 0;
  bool in_use = false;
};

namespace {

AddressSpace g_spaces[kMaxDomains];
PageAllocator* g_pages = nullptr;

Result<PhysAddr> alloc_zeroed(void*) {
  Result<PhysAddr> page = g_pages->alloc_pages(1);
  if (page.ok()) memset(reinterpret_cast<void*>(page->value()), 0, kPageSize);
  return page;
}

Result<PhysAddr> alloc_stage1_table(void* ctx) {
  auto* as = static_cast<AddressSpace*>(ctx);
  if (as->pending_count == sizeof as->pending_tables / sizeof as->pending_tables[0]) return Errno::kNoMem;
  Result<PhysAddr> page = alloc_zeroed(nullptr);
  if (page.ok()) as->pending_tables[as->pending_count++] = *page;
  return page;
}

// Lets the stage-1 walker read the table pages created since the last call.
Status admit_stage1_tables(AddressSpace* as) {
  const mmu::Attributes table_attrs{.readable = true};
  while (as->pending_count > 0) {
    const PhysAddr page = as->pending_tables[as->pending_count - 1];
    if (Status s = as->stage2.map(page.value(), page, kPageSize, table_attrs); !s.ok()) return s;
    --as->pending_count;
  }
  return kOkStatus;
}

Status check_ipa(PhysAddr pa, uint64_t size) {
  // Stage 2 is walked from level 1 (see arch::stage2_root): IPAs below 512 GiB.
  return pa.value() + size <= arch::kStage2IpaLimit ? kOkStatus : Status(Errno::kRange);
}

}  // namespace

Result<AddressSpace*> address_space_create(uint16_t vmid, PageAllocator& pages) {
  g_pages = &pages;
  for (AddressSpace& as : g_spaces) {
    if (as.in_use) continue;
    as.vmid = vmid;
    as.pending_count = 0;
    if (Status s = as.stage2.init(mmu::Regime::kStage2, {.alloc_page = alloc_zeroed}); !s.ok()) return s.error();
    if (Status s = as.stage1.init(mmu::Regime::kEl1El0, {.alloc_page = alloc_stage1_table, .ctx = &as}); !s.ok()) {
      return s.error();
    }
    if (Status s = admit_stage1_tables(&as); !s.ok()) return s.error();
    as.in_use = true;
    return &as;
  }
  return Errno::kNoMem;
}

Status address_space_map_user(AddressSpace* as, uint64_t va, PhysAddr pa, uint64_t size, UserPerms perms) {
  if (Status s = check_ipa(pa, size); !s.ok()) return s;
  const mmu::Attributes s1{.readable = perms.read, .writable = perms.write, .executable = perms.exec, .user = true};
  const mmu::Attributes s2{.readable = perms.read, .writable = perms.write, .executable = perms.exec};
  // All-or-nothing across both stages: each PageTable::map is, and a later
  // failure takes back exactly what this call entered (nothing was valid in
  // either range before, so nothing else is touched). The caller never has
  // to clean up after a failed map, and must not: it could not tell what
  // was there before.
  if (Status s = as->stage2.map(pa.value(), pa, size, s2); !s.ok()) return s;
  Status s = as->stage1.map(va, pa, size, s1);
  if (s.ok()) {
    s = admit_stage1_tables(as);
    if (s.ok()) return kOkStatus;
    (void)as->stage1.unmap(va, size);  // entered by this call: no split, cannot fail
  }
  (void)as->stage2.unmap(pa.value(), size);
  arch::invalidate_domain_tlb();
  return s;
}

Status address_space_map_gateway(AddressSpace* as, uint64_t va) {
  const PhysAddr page(reinterpret_cast<uint64_t>(uk_gateway_page));
  if (Status s = check_ipa(page, kPageSize); !s.ok()) return s;
  const mmu::Attributes el1_rx{.readable = true, .executable = true};
  if (Status s = as->stage2.map(page.value(), page, kPageSize, el1_rx); !s.ok()) return s;
  if (Status s = as->stage1.map(va, page, kPageSize, el1_rx); !s.ok()) return s;
  return admit_stage1_tables(as);
}

Status address_space_unmap_user(AddressSpace* as, uint64_t va, PhysAddr pa, uint64_t size) {
  // Both stages, whatever the other one said: stage 2 is what keeps the
  // pages out of the domain's reach, so a stage-1 failure must not leave
  // them there (the caller may be about to free them).
  const Status s1 = as->stage1.unmap(va, size);
  const Status s2 = as->stage2.unmap(pa.value(), size);
  // Both stages may have changed for this VMID. The caller runs on behalf
  // of this domain, so VTTBR_EL2 holds its VMID and one broadcast
  // invalidation of its stage-1 and stage-2 entries is enough.
  arch::invalidate_domain_tlb();
  return !s1.ok() ? s1 : s2;
}

uint64_t address_space_table_pages(const AddressSpace* as) {
  return as->stage1.table_pages() + as->stage2.table_pages();
}

namespace arch {

uint64_t stage1_root(const AddressSpace* as) { return as->stage1.root().value(); }

uint64_t stage2_root(const AddressSpace* as) {
  // The builder makes four-level tables; VTCR_EL2 walks stage 2 from level 1
  // (a 48-bit IPA would exceed the PA size of a Cortex-A72), so VTTBR points
  // at the level-1 table under level-0 entry 0.
  const auto* level0 = reinterpret_cast<const uint64_t*>(as->stage2.root().value());
  return level0[0] & mmu::kDescAddrMask;
}

uint16_t vmid(const AddressSpace* as) { return as->vmid; }

Result<mmu::Translation> stage1_lookup(const AddressSpace* as, uint64_t va) { return as->stage1.lookup(va); }

Result<mmu::Translation> stage2_lookup(const AddressSpace* as, uint64_t ipa) { return as->stage2.lookup(ipa); }

}  // namespace arch
}  // namespace uk
