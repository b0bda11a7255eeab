// Creating domains from the image's bundle: fresh pages for every ELF
// segment, the stack and the ring, mapped in both translation stages with
// the segment's permissions, all charged to the manifest's memory quota.
#include <string.h>

#include "kernel/console/console.h"
#include "kernel/console/format.h"
#include "kernel/cpu/cpu.h"
#include "kernel/domain/domain_manager.h"
#include "kernel/domain/io_ops.h"
#include "kernel/domain/layout.h"
#include "kernel/domain/memory_ops.h"
#include "kernel/domain/scheduler.h"
#include "kernel/hal.h"
#include "kernel/sched/rta.h"
#include "kernel/elf/elf.h"
#include "kernel/image/bundle.h"
#include "kernel/mm/page_allocator.h"
#include "kernel/subsystem/subsystem.h"

namespace uk {

extern Domain g_domains[kMaxDomains];
extern size_t g_domain_count;

namespace {

Status map_region(Domain& d, PageAllocator& pages, uint64_t va, uint64_t size, UserPerms perms, PhysAddr* out) {
  Result<PhysAddr> pa = domain_alloc_pages(d, pages, size / kPageSize);
  if (!pa.ok()) return pa.error();
  // A failed map leaves nothing mapped (all-or-nothing): the pages go back.
  if (Status s = address_space_map_user(d.address_space, va, *pa, size, perms); !s.ok()) {
    domain_free_pages(d, pages, *pa, size / kPageSize);
    return s;
  }
  if (Status s = add_region(d, va, size, *pa, perms); !s.ok()) {
    // Undo this call's own mapping; pages that may still be mapped are kept.
    if (address_space_unmap_user(d.address_space, va, *pa, size).ok()) {
      domain_free_pages(d, pages, *pa, size / kPageSize);
    }
    return s;
  }
  if (out != nullptr) *out = *pa;
  return kOkStatus;
}

Status load_segments(Domain& d, PageAllocator& pages, const elf::Image& image, const char** reason) {
  Status status = kOkStatus;
  image.for_each_load_segment([&](const elf::Segment& seg) {
    const uint64_t start = align_down(seg.vaddr, kPageSize);
    const uint64_t end = align_up(seg.vaddr + seg.mem_bytes, kPageSize);
    const UserPerms perms{.read = seg.readable(), .write = seg.writable(), .exec = seg.executable()};
    PhysAddr pa;
    status = map_region(d, pages, start, end - start, perms, &pa);
    if (!status.ok()) {
      *reason = "cannot map an ELF segment";
      return false;
    }
    memcpy(reinterpret_cast<void*>(pa.value() + (seg.vaddr - start)), image.data + seg.file_offset, seg.file_bytes);
    return true;
  });
  return status;
}

// Gives back the pages of a domain that could not be built (its few
// translation-table pages stay with its never-used VMID). They leave its
// tables first: a freed page must not stay mapped anywhere, not even in a
// VMID that never runs (it never ran, so the TLB holds nothing of it).
void release_regions(Domain& d, PageAllocator& pages) {
  for (Region& r : d.regions) {
    if (!r.in_use) continue;
    r.in_use = false;
    if (r.mapped && !address_space_unmap_user(d.address_space, r.va, r.pa, r.size).ok()) continue;
    (void)pages.free_pages(r.pa, r.size / kPageSize);
  }
  d.used_bytes = 0;
}

Status create_domain(Domain& d, const bundle::DomainRecord& rec, const void* elf_data, uint64_t elf_bytes,
                     PageAllocator& pages, const char** reason) {
  elf::Image image;
  if (Status s = elf::validate_elf(elf_data, elf_bytes, elf::kDomainLoadLimits, &image); !s.ok()) {
    *reason = "invalid ELF";
    return s;
  }
  Result<AddressSpace*> as = address_space_create(d.vmid, pages);
  if (!as.ok()) {
    *reason = "no memory for translation tables";
    return as.error();
  }
  d.address_space = *as;
  if (Status s = load_segments(d, pages, image, reason); !s.ok()) return s;

  const uint64_t stack_bytes = align_up(rec.threads[0].stack_bytes, kPageSize);
  if (Status s = map_region(d, pages, domain_layout::kStackTop - stack_bytes, stack_bytes,
                            UserPerms{.read = true, .write = true}, nullptr);
      !s.ok()) {
    *reason = "cannot map the stack";
    return s;
  }
  PhysAddr ring;
  if (Status s = map_region(d, pages, domain_layout::kRingBase, domain_layout::kRingBytes,
                            UserPerms{.read = true, .write = true}, &ring);
      !s.ok()) {
    *reason = "cannot map the ring";
    return s;
  }
  d.ring.shared = reinterpret_cast<ukernel::sys::SubmitRing*>(ring.value());
  if (Status s = address_space_map_gateway(d.address_space, domain_layout::kGatewayBase); !s.ok()) {
    *reason = "cannot map the svc gateway";
    return s;
  }
  // The translation tables count against the quota as well.
  if (Status s = charge_quota(d, address_space_table_pages(d.address_space) * kPageSize); !s.ok()) {
    *reason = "memory quota too small for the translation tables";
    return s;
  }
  Result<Thread*> main = thread_alloc(d);
  if (!main.ok()) {
    *reason = "no free thread";
    return main.error();
  }
  Thread& t = **main;
  // "<domain>/<thread>" in statistics and reports (cut to fit).
  char thread_name[bundle::kNameBytes + 1] = {};
  memcpy(thread_name, rec.threads[0].name, bundle::kNameBytes);
  format(t.name, sizeof t.name, "%s/%s", d.name, thread_name);
  // Real-time parameters in timer ticks: budgets rounded up, periods down
  // (the conservative direction for the analysis).
  const uint64_t hz = hal::timer_frequency_hz();
  d.spec_count = rec.thread_count < kMaxThreadsPerDomain ? rec.thread_count : kMaxThreadsPerDomain;
  for (uint32_t k = 0; k < d.spec_count; ++k) {
    ThreadSpec& spec = d.specs[k];
    if (rec.threads[k].period_us != 0 &&
        (!sched::period_us_to_ticks(rec.threads[k].period_us, hz, &spec.period_ticks) ||
         !sched::budget_us_to_ticks(rec.threads[k].budget_us, hz, &spec.budget_ticks))) {
      *reason = "period or budget out of range for this timer";
      return Errno::kRange;
    }
    // The image was analysed for its board's cores; with fewer online (a
    // core did not come up, or QEMU -smp 1) the thread shares a remaining
    // one, and boot-time admission checks that core's set again.
    const uint32_t placed = rec.threads[k].cpu;
    spec.cpu = placed < cpu_count() ? placed : placed % static_cast<uint32_t>(cpu_count());
    if (spec.cpu != placed) {
      kprintf("domain '%s': thread line %u was placed on core %u, but %zu core%s run: it runs on core %u\n", d.name,
              k, placed, cpu_count(), cpu_count() == 1 ? "" : "s", spec.cpu);
    }
  }
  t.cpu = d.specs[0].cpu;
  t.period_ticks = d.specs[0].period_ticks;
  t.budget_ticks = d.specs[0].budget_ticks;
  d.specs[0].bound = true;
  t.regs.pc = image.entry;
  t.regs.sp = domain_layout::kStackTop;
  t.regs.x[0] = d.id;
  t.regs.x[1] = domain_layout::kRingBase;
  return kOkStatus;
}

}  // namespace

Status domains_create_from_bundle(const void* data, size_t bytes, PageAllocator& pages) {
  scheduler_reset();
  memory_ops_init(pages);
  g_domain_count = 0;
  if (bytes == 0) return kOkStatus;  // an image without domains
  bundle::Bundle b;
  if (Status s = bundle::validate_bundle(data, bytes, &b); !s.ok()) {
    kprintf("domains: the image's domain bundle is invalid: %s\n", b.reason);
    return s;
  }
  for (uint32_t i = 0; i < b.domain_count(); ++i) {
    const bundle::DomainRecord& rec = b.domain(i);
    Domain& d = g_domains[g_domain_count];
    d = Domain{};
    d.id = static_cast<uint32_t>(g_domain_count + 1);
    d.vmid = static_cast<uint16_t>(d.id);
    memcpy(d.name, rec.name, sizeof d.name);
    d.name[sizeof d.name - 1] = '\0';
    d.caps = rec.capabilities;
    d.subsystem = rec.subsystem;
    d.quota_bytes = rec.memory_quota_bytes;
    const SubsystemDescriptor* subsystem = find_subsystem(rec.subsystem);
    if (subsystem == nullptr) {
      kprintf("domain '%s' refused: unknown subsystem 0x%016lx (this kernel has:", d.name,
              static_cast<unsigned long>(rec.subsystem));
      for (size_t k = 0; k < subsystem_count(); ++k) kprintf(" %s", subsystem_at(k).name);
      kprintf(")\n");
      d.state = DomainState::kKilled;
      ++g_domain_count;
      continue;
    }
    const char* reason = "";
    Status s = create_domain(d, rec, b.elf_data(i), b.elf_bytes(i), pages, &reason);
    if (s.ok() && subsystem->prepare_domain != nullptr) {
      s = subsystem->prepare_domain(d);
      if (!s.ok()) reason = "the subsystem refused it";
    }
    if (!s.ok()) {
      // A domain that cannot be built is refused; the others still run.
      kprintf("domain '%s' refused: %s (%s; %lu of %lu KiB quota used)\n", d.name, reason, errno_name(s.error()),
              static_cast<unsigned long>(d.used_bytes / 1024), static_cast<unsigned long>(d.quota_bytes / 1024));
      release_regions(d, pages);
      d.state = DomainState::kKilled;
      ++g_domain_count;
      continue;
    }
    d.state = DomainState::kReady;
    Thread& main_thread = *d.threads[0];
    const char* why = "";
    if (Status admitted = thread_start(main_thread, &why); !admitted.ok()) {
      kprintf("domain '%s' refused: %s\n", d.name, why);
      release_regions(d, pages);
      d.state = DomainState::kKilled;
      ++g_domain_count;
      continue;
    }
    kprintf("domain '%s' (id %u): %lu KiB of %lu KiB quota, entry 0x%lx%s\n", d.name, d.id,
            static_cast<unsigned long>(d.used_bytes / 1024), static_cast<unsigned long>(d.quota_bytes / 1024),
            static_cast<unsigned long>(main_thread.regs.pc), main_thread.period_ticks ? ", real-time" : "");
    ++g_domain_count;
  }
  // Grants: path prefixes for the VFS and signal targets (by name, so they
  // are resolved once every domain has an id). Writable files may use up to
  // half the domain's memory quota (docs/vfs.md).
  for (uint32_t i = 0; i < b.domain_count(); ++i) {
    Domain& d = g_domains[i];
    if (d.state != DomainState::kReady) continue;
    const bundle::DomainRecord& rec = b.domain(i);
    vfs::PathGrant paths[bundle::kMaxGrants];
    size_t path_count = 0;
    for (uint32_t g = 0; g < rec.grant_count && g < bundle::kMaxGrants; ++g) {
      const bundle::GrantRecord& grant = rec.grants[g];
      const char* value = b.grant_value(grant);
      if (grant.kind == bundle::GrantKind::kPathRead || grant.kind == bundle::GrantKind::kPathReadWrite) {
        paths[path_count++] = vfs::PathGrant{value, grant.value_bytes, grant.kind == bundle::GrantKind::kPathReadWrite};
      } else if (grant.kind == bundle::GrantKind::kSignalTarget) {
        const int target = b.find_domain(value);
        if (target >= 0) (void)signals::signal_grant_target(d.signals, g_domains[target].id);
      }
    }
    if (Status s = vfs_attach(d, paths, path_count, d.quota_bytes / 2); !s.ok()) {
      kprintf("domain '%s': file grants not usable (%s)\n", d.name, errno_name(s.error()));
    }
  }
  // Parents may be listed after their children.
  for (uint32_t i = 0; i < b.domain_count(); ++i) {
    for (uint32_t p = 0; p < b.domain_count(); ++p) {
      if (b.domain(i).parent[0] != '\0' && strncmp(b.domain(i).parent, b.domain(p).name, bundle::kNameBytes) == 0) {
        g_domains[i].parent_id = g_domains[p].id;
      }
    }
  }
  return kOkStatus;
}

}  // namespace uk
