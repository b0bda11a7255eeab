// First C++ code: runs on the boot stack, MMU off, at EL2 (or EL1 when the
// machine has no virtualization support, to say so). Brings up the console,
// the device tree, EL2 control state, memory, the MMU, the GIC and the timer,
// then enters the portable kernel.
#include "arch/aarch64/boot/el2_setup.h"
#include <string.h>

#include "arch/aarch64/cpu/sysreg.h"
#include "arch/aarch64/domain/domain_switch.h"
#include "arch/aarch64/gic/gic.h"
#include "arch/aarch64/mmu/el2_mmu.h"
#include "arch/aarch64/psci/psci.h"
#include "arch/aarch64/smp/smp.h"
#include "arch/aarch64/timer/generic_timer.h"
#include "bsp/board.h"
#include "bsp/common/pl011.h"
#include "kernel/console/console.h"
#include "kernel/cpu/cpu.h"
#include "kernel/dt/device_tree.h"
#include "kernel/main.h"
#include "kernel/mm/page_allocator.h"
#include "kernel/platform.h"

extern "C" char __image_start[];
extern "C" char __image_end[];
extern "C" char uk_el2_vectors[];
extern "C" void (*__init_array_start[])();
extern "C" void (*__init_array_end[])();
extern "C" [[noreturn]] void uk_el3_enter_el2(uint64_t dtb_phys);

namespace uk::hal {
void dispatch_timer_expiry(void*);
}

namespace uk::arch {
namespace {

BootInfo g_boot_info;
PageAllocator g_page_allocator;

[[noreturn]] void halt_forever() {
  for (;;) wfe();
}

void console_sink(const char* text, size_t length) { bsp::pl011_write(text, length); }

// boot_main runs twice when entered at EL3 (before and after the drop).
bool g_constructed = false;

void run_global_constructors() {
  if (g_constructed) return;
  g_constructed = true;
  for (auto* fn = __init_array_start; fn != __init_array_end; ++fn) (*fn)();
}

PhysRange kernel_image_range() {
  const uint64_t start = reinterpret_cast<uint64_t>(__image_start);
  return PhysRange{PhysAddr(start), reinterpret_cast<uint64_t>(__image_end) - start};
}

uint64_t total_ram(const BootInfo& info) {
  uint64_t total = 0;
  for (size_t i = 0; i < info.memory_count; ++i) total += info.memory[i].size;
  return total;
}

// True when the space-separated bootargs contain `word` exactly.
bool bootargs_contain(const char* args, const char* word) {
  if (args == nullptr) return false;
  const size_t n = strlen(word);
  for (const char* p = args; *p != '\0';) {
    while (*p == ' ') ++p;
    const char* end = p;
    while (*end != '\0' && *end != ' ') ++end;
    if (static_cast<size_t>(end - p) == n && strncmp(p, word, n) == 0) return true;
    p = end;
  }
  return false;
}

[[noreturn]] void refuse_el(unsigned el) {
  kprintf("ukernel: started at EL%u, but this kernel is a hypervisor and needs EL2.\n"
          "ukernel: on QEMU add virtualization=on to -M (e.g. -M virt,virtualization=on);\n"
          "ukernel: on a Raspberry Pi 4 the firmware starts kernel8.img at EL2 by default.\n"
          "ukernel: halted.\n",
          el);
  halt_forever();
}

Status init_memory(const BootInfo& info) {
  PhysRange excluded[kMaxReservedRanges + 2];
  size_t n = 0;
  excluded[n++] = kernel_image_range();
  excluded[n++] = info.blob;
  for (size_t i = 0; i < info.reserved_count; ++i) excluded[n++] = info.reserved[i];
  return g_page_allocator.init(info.memory, info.memory_count, excluded, n, 0);
}

}  // namespace
}  // namespace uk::arch

extern "C" [[noreturn]] void boot_main(uint64_t dtb_phys, uint64_t entry_el) {
  using namespace uk;
  using namespace uk::arch;

  const unsigned el = current_el();
  // this_cpu() for the boot CPU. At EL3 it is written again after the drop;
  // at EL1 the register does not exist (and the kernel only refuses to run).
  if (el >= 2) write_tpidr_el2(reinterpret_cast<uint64_t>(&cpu_at(0)));
  if (el == 2) {
    write_vbar_el2(reinterpret_cast<uint64_t>(uk_el2_vectors));
    isb();
  }
  bsp::pl011_init(bsp::Pl011Config{.base = bsp::board_early_uart_base(), .clock_hz = 0});
  console_set_sink(console_sink);
  console_set_input(bsp::pl011_poll_char);
  run_global_constructors();

  if (dtb_phys == 0 && bsp::board_fallback_device_tree() != 0) {
    dtb_phys = bsp::board_fallback_device_tree();
    kprintf("boot: no device tree in x0; using the board's firmware location 0x%lx\n",
            static_cast<unsigned long>(dtb_phys));
  }
  const char* reason = nullptr;
  BootInfo& info = g_boot_info;
  if (!parse_device_tree(reinterpret_cast<const void*>(dtb_phys), kMaxDeviceTreeBytes, PhysAddr(dtb_phys), &info,
                         &reason)
           .ok()) {
    kprintf("ukernel: the device tree at 0x%lx is unusable: %s\n", static_cast<unsigned long>(dtb_phys), reason);
    kprintf("ukernel: halted (a device tree in x0 is required by the arm64 boot protocol).\n");
    halt_forever();
  }
  bsp::board_console_init(info);
  if (el == 3) {
    // No firmware below us: do its part for the GIC, then become EL2.
    GicConfig gic{.version = static_cast<unsigned>(info.gic.version),
                  .distributor = info.gic.distributor.base,
                  .cpu_interface = info.gic.cpu_interface.base};
    if (Status s = gic_el3_prepare_nonsecure(gic); !s.ok()) {
      kprintf("boot: at EL3 with GICv%u: interrupt groups left to the hardware defaults (%s)\n", gic.version,
              errno_name(s.error()));
    }
    uk_el3_enter_el2(dtb_phys);
  }
  if (el != 2) refuse_el(el);
  if (entry_el == 3) kprintf("boot: entered at EL3, dropped to EL2\n");

  el2_setup();
  psci_set_conduit(info.psci.method == PsciMethod::kSmc ? PsciConduit::kSmc
                   : info.psci.method == PsciMethod::kHvc ? PsciConduit::kHvc
                                                          : PsciConduit::kNone);

  if (Status s = init_memory(info); !s.ok()) {
    kprintf("ukernel: cannot set up the page allocator: %s\n", errno_name(s.error()));
    halt_forever();
  }
  if (Status s = el2_mmu_enable(info, g_page_allocator); !s.ok()) {
    kprintf("ukernel: cannot build the EL2 page tables: %s\n", errno_name(s.error()));
    halt_forever();
  }
  bsp::board_late_init(info);
  if (bootargs_contain(info.bootargs, "ukernel.svc=gateway")) allow_direct_svc_trap(false);

  GicConfig gic{};
  gic.version = static_cast<unsigned>(info.gic.version);
  gic.distributor = info.gic.distributor.base;
  gic.cpu_interface = info.gic.cpu_interface.base;
  gic.redistributors = info.gic.redistributor.base;
  if (Status s = gic_init(gic); !s.ok()) {
    kprintf("ukernel: interrupt controller (GICv%u) not usable: %s\n", gic.version, errno_name(s.error()));
    halt_forever();
  }
  const uint32_t timer_intid = info.timer.present && info.timer.hyp_phys_intid != 0 ? info.timer.hyp_phys_intid
                                                                                    : kDefaultHypTimerIntId;
  if (Status s = timer_init(timer_intid, hal::dispatch_timer_expiry, nullptr); !s.ok()) {
    kprintf("ukernel: EL2 timer (INTID %u) not usable: %s\n", timer_intid, errno_name(s.error()));
    halt_forever();
  }
  smp_init_boot_cpu();
  const size_t cpus = smp_start_secondaries(info, timer_intid);

  KernelParams params;
  params.board = bsp::board_name();
  params.cpus = cpus;
  params.ram_bytes = total_ram(info);
  params.gic_version = gic.version;
  params.timer_hz = timer_frequency_hz();
  params.bootargs = info.bootargs != nullptr ? info.bootargs : "";
  params.free_pages = g_page_allocator.free_page_count();
  params.pages = &g_page_allocator;
  kernel_main(params);
}
