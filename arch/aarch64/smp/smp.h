// Starting the other cores (SMP bring-up) and the cross-core interrupt.
//
// Every CPU the device tree lists is started at EL2 through the method its
// cpu node names: PSCI CPU_ON over the /psci conduit (QEMU virt) or the
// spin table (the Pi 4's firmware and QEMU raspi4b). Each started core turns
// on the boot CPU's EL2 MMU settings (secondary_entry.S), installs the
// vectors, sets up its GIC CPU interface and EL2 timer, reports itself and
// waits until the kernel lets it schedule (smp_release_secondaries).
// docs/smp.md has the whole sequence.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "kernel/dt/device_tree.h"

namespace uk::arch {

// The SGI that asks a core to re-run its scheduler (kernel/cpu/cpu.h's requests).
inline constexpr uint32_t kSgiReschedule = 0;

// Makes this (the boot) CPU core 0 and installs the reschedule SGI on it.
// Runs once, after gic_init.
void smp_init_boot_cpu();

// Starts every other CPU the device tree lists, one at a time, each given
// a bounded time to come up (a core that does not is reported by number and
// skipped). Returns the number of cores now running the kernel (>= 1); the
// kernel indices 0 .. n-1 are dense. `timer_intid` is the EL2 timer's PPI.
[[nodiscard]] size_t smp_start_secondaries(const BootInfo& info, uint32_t timer_intid);

// Lets the started cores set up for domains; then waits (bounded) until
// each has; then lets them schedule once the epoch has started.
void smp_release_secondaries();
void smp_wait_secondaries_ready();
void smp_start_epoch();

}  // namespace uk::arch
