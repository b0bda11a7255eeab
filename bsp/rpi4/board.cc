// Raspberry Pi 4 (BCM2711). Memory, reserved regions, the GIC-400, the timer
// and every device address come from the firmware's device tree (already
// translated through the bus "ranges" into BootInfo); the only fixed address
// is UART0's, for messages printed before the device tree is read.
//
// Console: UART0 (PL011) on GPIO 14/15. The kernel routes the pins itself
// (ALT0, no pulls), sets UARTCLK through the firmware's mailbox and programs
// the baud divisor from the clock the firmware then reports, so the console
// does not depend on config.txt (enable_uart, dtoverlay=disable-bt) or on
// what the firmware or U-Boot left in the UART.
#include "arch/aarch64/cpu/mmio.h"
#include "arch/aarch64/cpu/sysreg.h"
#include "bsp/board.h"
#include "bsp/common/pl011.h"
#include "bsp/rpi4/bcm2711_regs.h"
#include "bsp/rpi4/board_rpi4.h"
#include "bsp/rpi4/gpio.h"
#include "bsp/rpi4/mailbox.h"
#include "bsp/rpi4/memory_map.h"
#include "bsp/rpi4/rng200.h"
#include "bsp/rpi4/property.h"
#include "bsp/rpi4/watchdog.h"
#include "kernel/console/console.h"
#include "kernel/dt/device_tree.h"

namespace uk::bsp {
namespace {

using namespace rpi4;

constexpr uint32_t kConsoleBaud = 115200;
// The UARTCLK the kernel asks for: the firmware's own default on the Pi 4,
// fast enough for exact 115200 (and up to 3 Mbaud).
constexpr uint32_t kUartClockHz = 48000000;
// PL011 flag register: busy transmitting.
constexpr uint64_t kPl011Fr = 0x18;
constexpr uint32_t kPl011FrBusy = 1u << 3;

// What board_console_init did, reported by board_late_init once the console
// and the MMU are up (and kept for board_power_off).
struct ConsoleState {
  uint64_t uart_base = 0;
  bool pins_routed = false;
  bool bluetooth_pins_released = false;
  Errno clock_error = Errno::kOk;  // of the mailbox call setting UARTCLK
  uint32_t clock_set_answer = 0;   // rate SET_CLOCK_RATE reported
  uint32_t clock_hz = 0;           // rate GET_CLOCK_RATE reported (0: unknown)
  bool clock_from_dt = false;      // clock_hz came from a fixed clock in the device tree
};

ConsoleState g_console;
uint64_t g_watchdog_base = 0;

void route_uart0_pins(uint64_t gpio) {
  // UART0's RXD must have a single source: the firmware's device tree wires
  // UART0 to the Bluetooth module on GPIO 32/33 (ALT3); detach it.
  const unsigned bluetooth_pins[] = {kBluetoothUartTxdPin, kBluetoothUartRxdPin};
  for (unsigned pin : bluetooth_pins) {
    if (gpio_function(gpio, pin) == GpioFunction::kAlt3) {
      gpio_set_function(gpio, pin, GpioFunction::kInput);
      g_console.bluetooth_pins_released = true;
    }
  }
  const unsigned uart_pins[] = {kUart0TxdPin, kUart0RxdPin};
  for (unsigned pin : uart_pins) {
    gpio_set_pull(gpio, pin, GpioPull::kNone);
    gpio_set_function(gpio, pin, GpioFunction::kAlt0);
  }
  g_console.pins_routed = true;
}

// Asks the firmware for kUartClockHz, then reads back what it really runs.
void set_uart_clock(uint64_t mailbox) {
  PropertyMessage msg;
  const uint32_t set[] = {static_cast<uint32_t>(ClockId::kUart), kUartClockHz, 0 /* skip turbo: no */};
  const uint32_t get[] = {static_cast<uint32_t>(ClockId::kUart)};
  const auto set_tag = msg.add(kTagSetClockRate, 3, set, 3);
  const auto get_tag = msg.add(kTagGetClockRate, 2, get, 1);
  const Status s = mailbox_property_call(mailbox, msg);
  g_console.clock_error = s.error();
  if (!s.ok()) return;
  if (const uint32_t* a = msg.answer(set_tag, 8)) g_console.clock_set_answer = a[1];
  if (const uint32_t* a = msg.answer(get_tag, 8)) g_console.clock_hz = a[1];
}

void drain_console() {
  if (g_console.uart_base == 0) return;
  for (int i = 0; i < 1000000 && (arch::mmio_read32(g_console.uart_base + kPl011Fr) & kPl011FrBusy); ++i) {
  }
}

void print_firmware_info(uint64_t mailbox) {
  PropertyMessage msg;
  const uint32_t clocks[] = {static_cast<uint32_t>(ClockId::kArm), static_cast<uint32_t>(ClockId::kCore),
                             static_cast<uint32_t>(ClockId::kUart), static_cast<uint32_t>(ClockId::kEmmc)};
  const auto fw = msg.add(kTagFirmwareRevision, 1);
  const auto rev = msg.add(kTagBoardRevision, 1);
  const auto serial = msg.add(kTagBoardSerial, 2);
  const auto arm = msg.add(kTagArmMemory, 2);
  const auto vc = msg.add(kTagVcMemory, 2);
  PropertyMessage::Handle clock[4];
  for (size_t i = 0; i < 4; ++i) clock[i] = msg.add(kTagGetClockRate, 2, &clocks[i], 1);
  if (Status s = mailbox_property_call(mailbox, msg); !s.ok()) {
    kprintf("rpi4: VideoCore mailbox: no answer (%s); board information unavailable\n", errno_name(s.error()));
    return;
  }
  if (const uint32_t* a = msg.answer(fw, 4)) kprintf("rpi4: VideoCore firmware revision 0x%08x\n", a[0]);
  if (const uint32_t* a = msg.answer(rev, 4)) {
    const BoardRevision r = decode_board_revision(a[0]);
    if (r.new_style) {
      kprintf("rpi4: board revision 0x%08x: %s rev 1.%u, %lu MiB, %s, made by %s\n", a[0], r.model, r.revision,
              static_cast<unsigned long>(r.memory_mib), r.soc, r.maker);
      if (!is_bcm2711_board(r)) kprintf("rpi4: warning: not a BCM2711 board; this image is for the Pi 4\n");
    } else {
      kprintf("rpi4: board revision 0x%08x (old-style code: not a Pi 4)\n", a[0]);
    }
  }
  if (const uint32_t* a = msg.answer(serial, 8)) kprintf("rpi4: serial number %08x%08x\n", a[1], a[0]);
  if (const uint32_t* a = msg.answer(arm, 8); a != nullptr && a[1] != 0) {
    kprintf("rpi4: ARM memory 0x%08x-0x%08x (%u MiB, the rest of the first GiB belongs to the VideoCore)\n", a[0],
            a[0] + a[1] - 1, a[1] >> 20);
  }
  if (const uint32_t* a = msg.answer(vc, 8); a != nullptr && a[1] != 0) {
    kprintf("rpi4: VideoCore memory 0x%08x-0x%08x (%u MiB)\n", a[0], a[0] + a[1] - 1, a[1] >> 20);
  }
  kprintf("rpi4: clocks:");
  for (size_t i = 0; i < 4; ++i) {
    const uint32_t* a = msg.answer(clock[i], 8);
    if (a != nullptr) {
      kprintf(" %s %u Hz%s", clock_name(static_cast<ClockId>(clocks[i])), a[1], i + 1 < 4 ? "," : "\n");
    } else {
      kprintf(" %s ?%s", clock_name(static_cast<ClockId>(clocks[i])), i + 1 < 4 ? "," : "\n");
    }
  }
}

void print_console_info() {
  if (g_console.uart_base == 0) return;
  kprintf("rpi4: console UART0 (PL011 at 0x%lx) on GPIO %u (TXD, pin 8) / %u (RXD, pin 10)%s\n",
          static_cast<unsigned long>(g_console.uart_base), kUart0TxdPin, kUart0RxdPin,
          g_console.pins_routed ? ", ALT0, pulls off" : " (pins left as found: no GPIO block in the device tree)");
  if (g_console.bluetooth_pins_released) kprintf("rpi4: UART0 detached from the Bluetooth pins (GPIO 32/33)\n");
  if (g_console.clock_error != Errno::kOk) {
    kprintf("rpi4: UART clock: mailbox failed (%s); ", errno_name(g_console.clock_error));
  } else {
    kprintf("rpi4: UART clock: asked %u Hz, firmware set %u Hz, reports %u Hz; ", kUartClockHz,
            g_console.clock_set_answer, g_console.clock_hz);
  }
  if (g_console.clock_hz != 0) {
    const uint32_t div64 = static_cast<uint32_t>((8ull * g_console.clock_hz / kConsoleBaud + 1) / 2);
    kprintf("%u baud 8N1 (divisor %u + %u/64%s)\n", kConsoleBaud, div64 >> 6, div64 & 63,
            g_console.clock_from_dt ? ", clock from the device tree" : "");
  } else {
    kprintf("baud divisor left as the firmware set it\n");
  }
}

}  // namespace

const char* board_name() { return "Raspberry Pi 4"; }

uint64_t board_early_uart_base() { return kUart0Base; }

// The Pi firmware and U-Boot always pass the device tree in x0.
uint64_t board_fallback_device_tree() { return 0; }

// Runs with the MMU and caches off (twice when the kernel was entered at EL3).
void board_console_init(const BootInfo& info) {
  g_console = ConsoleState{};
  g_console.uart_base = info.uart.present ? info.uart.regs.base.value() : kUart0Base;
  g_watchdog_base = info.rpi.watchdog.base.value();
  // Let whatever the UART is sending go out before its clock changes.
  drain_console();
  if (info.rpi.mailbox.size != 0) set_uart_clock(info.rpi.mailbox.base.value());
  if (g_console.clock_hz == 0 && info.uart.clock_hz != 0) {
    g_console.clock_hz = info.uart.clock_hz;
    g_console.clock_from_dt = true;
  }
  pl011_init(Pl011Config{.base = g_console.uart_base, .clock_hz = g_console.clock_hz, .baud = kConsoleBaud});
  // Route the pins last: the PL011's TXD is already idle (high) at the right
  // baud, so the switch from the firmware's mini UART does not glitch the line.
  if (info.rpi.gpio.size != 0) route_uart0_pins(info.rpi.gpio.base.value());
}

bool g_rng200 = false;

void board_late_init(const BootInfo& info) {
  print_console_info();
  if (info.rpi.rng.size != 0) {
    g_rng200 = rpi4::rng200_start(info.rpi.rng.base.value());
    if (!g_rng200) kprintf("rpi4: the RNG200 at 0x%lx delivers no data\n", static_cast<unsigned long>(info.rpi.rng.base.value()));
  }
  if (info.rpi.mailbox.size != 0) {
    print_firmware_info(info.rpi.mailbox.base.value());
  } else {
    kprintf("rpi4: no VideoCore mailbox in the device tree; board information unavailable\n");
  }
  if (info.rpi.watchdog.size != 0) {
    kprintf("rpi4: reset and power-off through the PM watchdog at 0x%lx\n",
            static_cast<unsigned long>(info.rpi.watchdog.base.value()));
  } else {
    kprintf("rpi4: no PM watchdog in the device tree: power-off will halt the CPU instead\n");
  }
}

bool board_entropy_source(random::EntropySource* out) {
  if (!g_rng200) return false;
  *out = rpi4::rng200_source();
  return true;
}

void board_power_off() {
  if (g_watchdog_base == 0) return;
  kprintf("rpi4: powering off (PM watchdog reset into the firmware's halt partition %u)\n", kPmHaltPartition);
  drain_console();
  watchdog_power_off(g_watchdog_base);
}

namespace rpi4 {

void board_reset() {
  if (g_watchdog_base == 0) {
    kprintf("rpi4: cannot reset: no PM watchdog in the device tree\n");
    return;
  }
  kprintf("rpi4: resetting (PM watchdog full reset, partition 0)\n");
  drain_console();
  watchdog_reset(g_watchdog_base);
  kprintf("rpi4: the PM watchdog did not reset the board\n");
}

}  // namespace rpi4

}  // namespace uk::bsp
