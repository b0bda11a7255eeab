// QEMU's `virt` machine: everything is described by the device tree QEMU
// generates; the only fixed fact used is the PL011's address for messages
// printed before the device tree is read.
#include "arch/aarch64/psci/psci.h"
#include "bsp/board.h"
#include "bsp/common/pl011.h"
#include "kernel/dt/device_tree.h"

namespace uk::bsp {
namespace {
constexpr uint64_t kVirtPl011Base = 0x09000000;
constexpr uint64_t kVirtRamBase = 0x40000000;
}  // namespace

const char* board_name() { return "qemu-virt"; }

uint64_t board_early_uart_base() { return kVirtPl011Base; }

uint64_t board_fallback_device_tree() { return kVirtRamBase; }

void board_console_init(const BootInfo& info) {
  // QEMU's PL011 needs no clock set-up; only its address may move.
  if (info.uart.present) pl011_init(Pl011Config{.base = info.uart.regs.base.value(), .clock_hz = 0});
}

void board_late_init(const BootInfo&) {}

// virt has no RNG device the kernel drives (FEAT_RNG comes with -cpu max).
bool board_entropy_source(random::EntropySource*) { return false; }

void board_power_off() { arch::psci_system_off(); }

}  // namespace uk::bsp
