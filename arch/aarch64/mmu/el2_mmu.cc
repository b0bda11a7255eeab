#include "arch/aarch64/mmu/el2_mmu.h"

#include <string.h>

#include "arch/aarch64/cpu/cache.h"
#include "arch/aarch64/cpu/stacks.h"
#include "arch/aarch64/cpu/sysreg.h"
#include "arch/aarch64/mmu/page_table.h"
#include "kernel/console/console.h"

extern "C" char __image_start[];
extern "C" char __text_end[];
extern "C" char __rodata_end[];
extern "C" char __boot_stack_guard[];
extern "C" char __boot_stack_bottom[];
extern "C" char __boot_stack_top[];
extern "C" char __cpu_stacks_start[];
extern "C" char __cpu_stacks_end[];
extern "C" char __image_end[];

namespace uk::arch {
namespace {

// TCR_EL2 (non-VHE layout).
constexpr uint64_t kTcrT0sz48Bit = 64 - mmu::kInputBits;  // T0SZ[5:0]
constexpr uint64_t kTcrIrgn0WbWa = 1ull << 8;
constexpr uint64_t kTcrOrgn0WbWa = 1ull << 10;
constexpr uint64_t kTcrSh0Inner = 3ull << 12;
constexpr uint64_t kTcrTg04K = 0ull << 14;
constexpr unsigned kTcrPsShift = 16;
constexpr uint64_t kTcrRes1 = (1ull << 31) | (1ull << 23);
// ID_AA64MMFR0_EL1.PARange, and its 48-bit encoding (the tables' limit).
constexpr uint64_t kParangeMask = 0xf;
constexpr uint64_t kParange48Bit = 0b0101;

// SCTLR_EL2 (non-VHE): MMU, alignment check off, D-cache, SP alignment
// check, I-cache, write-implies-execute-never; plus the RES1 bits.
constexpr uint64_t kSctlrM = 1ull << 0;
constexpr uint64_t kSctlrC = 1ull << 2;
constexpr uint64_t kSctlrSa = 1ull << 3;
constexpr uint64_t kSctlrI = 1ull << 12;
constexpr uint64_t kSctlrWxn = 1ull << 19;
constexpr uint64_t kSctlrRes1 = 0x30c50830;


PageAllocator* g_pages = nullptr;
mmu::PageTable g_table;

Result<PhysAddr> alloc_table_page(void*) {
  Result<PhysAddr> page = g_pages->alloc_pages(1);
  if (page.ok()) {
    // Tables are written with the MMU, and so the D-cache, off. A line a
    // loader left in the cache for this page could later be written back
    // over the table, or be read by the walker instead of it: clean and
    // invalidate the page first, then fill it.
    dcache_clean_invalidate_to_poc(page->value(), kPageSize);
    memset(reinterpret_cast<void*>(page->value()), 0, kPageSize);
  }
  return page;
}

uint64_t addr(const char* symbol) { return reinterpret_cast<uint64_t>(symbol); }

Status map_identity(uint64_t start, uint64_t end, mmu::Attributes attrs) {
  if (end <= start) return kOkStatus;
  return g_table.map(start, PhysAddr(start), end - start, attrs);
}

Status map_device(const PhysRange& range) {
  if (range.size == 0) return kOkStatus;
  const uint64_t start = align_down(range.base.value(), kPageSize);
  const uint64_t end = align_up(range.end().value(), kPageSize);
  Status s = map_identity(start, end, mmu::Attributes{.readable = true, .writable = true, .device = true});
  // Two device nodes may share a page (the Pi's watchdog and RNG blocks).
  return s.error() == Errno::kExist ? kOkStatus : s;
}

// RAM outside the kernel image: read-write data, never executable.
Status map_ram_bank(const PhysRange& bank, uint64_t image_start, uint64_t image_end) {
  const mmu::Attributes data{.readable = true, .writable = true};
  const uint64_t start = align_up(bank.base.value(), kPageSize);
  const uint64_t end = align_down(bank.end().value(), kPageSize);
  if (image_end <= start || image_start >= end) return map_identity(start, end, data);
  if (Status s = map_identity(start, image_start, data); !s.ok()) return s;
  return map_identity(image_end, end, data);
}

}  // namespace

Status el2_mmu_enable(const BootInfo& info, PageAllocator& pages) {
  g_pages = &pages;
  const mmu::TableOps ops{.alloc_page = alloc_table_page};
  if (Status s = g_table.init(mmu::Regime::kEl2, ops); !s.ok()) return s;

  // Kernel image: text RX, read-only data R, data/bss RW, boot stack RW with
  // an unmapped guard page below it.
  const uint64_t image_start = addr(__image_start);
  const uint64_t image_end = addr(__image_end);
  Status s = map_identity(image_start, addr(__text_end), {.readable = true, .executable = true});
  if (s.ok()) s = map_identity(addr(__text_end), addr(__rodata_end), {.readable = true});
  if (s.ok()) s = map_identity(addr(__rodata_end), addr(__boot_stack_guard), {.readable = true, .writable = true});
  if (s.ok()) s = map_identity(addr(__boot_stack_bottom), addr(__boot_stack_top), {.readable = true, .writable = true});
  // The other cores' stacks: [guard page][stack], the guard left unmapped.
  for (uint64_t guard = addr(__cpu_stacks_start); s.ok() && guard < addr(__cpu_stacks_end);
       guard += kCpuStackGuardBytes + kCpuStackBytes) {
    s = map_identity(guard + kCpuStackGuardBytes, guard + kCpuStackGuardBytes + kCpuStackBytes,
                     {.readable = true, .writable = true});
  }
  if (s.ok()) s = map_identity(addr(__cpu_stacks_end), image_end, {.readable = true, .writable = true});
  for (size_t i = 0; s.ok() && i < info.memory_count; ++i) s = map_ram_bank(info.memory[i], image_start, image_end);

  // Devices the kernel drives.
  const PhysRange devices[] = {
      info.uart.regs,           info.gic.distributor, info.gic.cpu_interface, info.gic.redistributor,
      info.rpi.mailbox,         info.rpi.watchdog,    info.rpi.gpio,          info.rpi.rng,
  };
  for (const PhysRange& device : devices) {
    if (s.ok()) s = map_device(device);
  }
  if (!s.ok()) return s;

  const uint64_t parange = read_id_aa64mmfr0_el1() & kParangeMask;
  const uint64_t ps = parange < kParange48Bit ? parange : kParange48Bit;
  write_mair_el2(mmu::kMairValue);
  write_tcr_el2(kTcrRes1 | kTcrT0sz48Bit | kTcrIrgn0WbWa | kTcrOrgn0WbWa | kTcrSh0Inner | kTcrTg04K |
                (ps << kTcrPsShift));
  write_ttbr0_el2(g_table.root().value());
  dsb_sy();
  asm volatile("tlbi alle2" ::: "memory");
  dsb_sy();
  isb();
  write_sctlr_el2(kSctlrRes1 | kSctlrM | kSctlrC | kSctlrSa | kSctlrI | kSctlrWxn);
  isb();
  kprintf("mmu: EL2 stage-1 on (%zu table pages, W^X)\n", g_table.table_pages());
  return kOkStatus;
}

}  // namespace uk::arch
