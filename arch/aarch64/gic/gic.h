// The kernel's interrupt controller: GICv2 (QEMU virt default, the Pi 4's
// GIC-400) or GICv3. The boot CPU sets up the distributor (gic_init); every
// core then sets up its own CPU interface (gic_init_cpu), banked PPIs and SGIs.
#pragma once

#include <stdint.h>

#include "kernel/lib/result.h"
#include "kernel/lib/types.h"

namespace uk::arch {

struct GicConfig {
  unsigned version = 0;  // 2 or 3
  PhysAddr distributor;
  PhysAddr cpu_interface;   // GICv2 only
  PhysAddr redistributors;  // GICv3 only
};

// On the boot CPU: the distributor and this CPU's interface.
[[nodiscard]] Status gic_init(const GicConfig& config);
// On every other core, after gic_init: its CPU interface (GICv2) or
// redistributor and system-register interface (GICv3). `cpu_index` is the
// core's kernel index (kernel/cpu/cpu.h).
[[nodiscard]] Status gic_init_cpu(unsigned cpu_index);
// Raises software-generated interrupt `intid` (0..15) on core `cpu_index`.
void gic_send_sgi(unsigned cpu_index, uint32_t intid);
[[nodiscard]] unsigned gic_version();
// Run at EL3 when the kernel is its own firmware: puts every interrupt in the
// non-secure group 1 and enables both groups, as firmware does before
// handing over to a non-secure hypervisor. GICv2 only (kNotSup otherwise).
[[nodiscard]] Status gic_el3_prepare_nonsecure(const GicConfig& config);
// Routes the interrupt to this CPU at the given priority (lower is more urgent).
[[nodiscard]] Status gic_enable(uint32_t intid, uint8_t priority);
void gic_disable(uint32_t intid);
// Acknowledges and dispatches every pending interrupt (called from the IRQ vector).
void gic_handle_irq();

}  // namespace uk::arch
