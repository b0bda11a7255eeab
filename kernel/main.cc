#include "kernel/main.h"

#include "kernel/console/console.h"
#include "kernel/domain/domain_manager.h"
#include "kernel/domain/io_ops.h"
#include "kernel/domain/random_op.h"
#include "kernel/hal.h"
#include "kernel/time/clock.h"
#include "kernel/platform.h"
#include "kernel/version.h"

// The domain bundle packed into the image (an empty one when it has none).
extern "C" const char uk_domain_bundle_start[];
extern "C" const char uk_domain_bundle_end[];
// The read-only file tree (a cpio newc archive; empty when the image has none).
extern "C" const char uk_rootfs_start[];
extern "C" const char uk_rootfs_end[];

namespace uk {
namespace {

struct TimerProbe {
  volatile bool fired = false;
  volatile uint64_t fired_at = 0;
};

void on_probe_expiry(void* context) {
  auto* probe = static_cast<TimerProbe*>(context);
  probe->fired_at = hal::timer_now_ticks();
  probe->fired = true;
}

// Proves the interrupt path end to end: program a deadline 1 ms ahead, sleep,
// and check the handler ran no earlier than asked.
bool check_timer_interrupt(uint64_t hz) {
  TimerProbe probe;
  hal::timer_set_expiry_handler(on_probe_expiry, &probe);
  const uint64_t start = hal::timer_now_ticks();
  const uint64_t deadline = start + hz / 1000;
  hal::timer_set_deadline(deadline);
  hal::interrupts_enable();
  // Bounded busy wait (not WFI): a timer that never fires must not hang the boot.
  while (!probe.fired && hal::timer_now_ticks() - start < hz / 10) {
  }
  hal::interrupts_disable();
  hal::timer_set_expiry_handler(nullptr, nullptr);
  if (!probe.fired) {
    kprintf("timer: no interrupt within 100 ms of a 1 ms deadline\n");
    return false;
  }
  if (probe.fired_at < deadline) {
    kprintf("timer: interrupt arrived %lu ticks before its deadline\n",
            static_cast<unsigned long>(deadline - probe.fired_at));
    return false;
  }
  kprintf("timer: interrupt at deadline +%lu ticks\n", static_cast<unsigned long>(probe.fired_at - deadline));
  return true;
}

}  // namespace

void kernel_main(const KernelParams& params) {
  kernel_clock_init(params.timer_hz);
  kprintf("ukernel %s on %s: EL2, %zu CPU%s, %lu MiB RAM, GICv%u, timer %lu Hz\n", kVersion, params.board,
          params.cpus, params.cpus == 1 ? "" : "s", static_cast<unsigned long>(params.ram_bytes >> 20), params.gic_version,
          static_cast<unsigned long>(params.timer_hz));
  if (params.bootargs[0] != '\0') kprintf("bootargs: %s\n", params.bootargs);
  kprintf("memory: %lu KiB free for domains and kernel objects\n",
          static_cast<unsigned long>(params.free_pages * 4));

  const bool timer_ok = check_timer_interrupt(params.timer_hz);
  run_boot_selftests();
  if (!timer_ok) platform_power_off(1);

  random_op_init();
  vfs_boot_init(uk_rootfs_start, static_cast<size_t>(uk_rootfs_end - uk_rootfs_start), *params.pages);
  const size_t bundle_bytes = static_cast<size_t>(uk_domain_bundle_end - uk_domain_bundle_start);
  if (!domains_create_from_bundle(uk_domain_bundle_start, bundle_bytes, *params.pages).ok()) platform_power_off(1);
  if (!threads_begin()) {
    if (domain_count() > 0) domains_finish();  // every domain was refused
    kprintf("ukernel: nothing left to run, powering off\n");
    platform_power_off(0);
  }
  hal::start_scheduling();
}

}  // namespace uk
