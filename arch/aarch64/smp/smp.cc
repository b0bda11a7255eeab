#include "arch/aarch64/smp/smp.h"

#include <stddef.h>

#include "arch/aarch64/boot/el2_setup.h"
#include "arch/aarch64/cpu/cache.h"
#include "arch/aarch64/cpu/stacks.h"
#include "arch/aarch64/domain/domain_switch.h"
#include "arch/aarch64/cpu/sysreg.h"
#include "arch/aarch64/gic/gic.h"
#include "arch/aarch64/psci/psci.h"
#include "arch/aarch64/timer/generic_timer.h"
#include "kernel/console/console.h"
#include "kernel/cpu/cpu.h"
#include "kernel/dt/cpus.h"
#include "kernel/irq/irq.h"
#include "kernel/time/clock.h"

extern "C" char uk_el2_vectors[];
extern "C" char uk_secondary_entry[];

namespace uk::arch {

// What secondary_entry.S reads with its MMU off (offsets asserted below).
struct SmpBootEntry {
  uint64_t mpidr;      // affinity, as in the cpu node's reg
  uint64_t stack_top;
  uint64_t cpu;        // Cpu* for TPIDR_EL2
  uint64_t reserved;
};
struct SmpBoot {
  uint64_t mair, tcr, ttbr0, sctlr, vbar;
  uint64_t count;  // valid entries
  uint64_t reserved[2];
  SmpBootEntry entries[kMaxCpus];
};
static_assert(offsetof(SmpBoot, mair) == 0 && offsetof(SmpBoot, tcr) == 8 && offsetof(SmpBoot, ttbr0) == 16 &&
              offsetof(SmpBoot, sctlr) == 24 && offsetof(SmpBoot, vbar) == 32 && offsetof(SmpBoot, count) == 40 &&
              offsetof(SmpBoot, entries) == 64 && sizeof(SmpBootEntry) == 32);

}  // namespace uk::arch

extern "C" {
// Written by the boot CPU, cleaned to memory before each core starts.
alignas(64) uk::arch::SmpBoot uk_smp_boot;
[[noreturn]] void uk_secondary_main(uk::Cpu* cpu);
}

namespace uk::arch {
namespace {

// A core that has not reported itself this long after its start request is
// given up (generous: QEMU's TCG may run the new core's first instructions late).
constexpr uint64_t kBringUpTimeoutMicros = 200'000;
constexpr uint8_t kSgiPriority = 0x80;
// MPIDR_EL1: Aff3 [39:32], Aff2..Aff0 [23:0]; what a cpu node's reg holds.
constexpr uint64_t kMpidrAffinityMask = 0xff00ffffffull;

uint32_t g_timer_intid = 0;
// Set by each core once it is up (index order); read by the boot CPU.
uint32_t g_started[kMaxCpus] = {};
// Set by the boot CPU: the secondaries may set up for domains (go), then
// schedule (epoch). Counted by the secondaries: set up and waiting.
uint32_t g_go = 0;
uint32_t g_epoch = 0;
uint32_t g_ready = 0;

// The core reading `object` has its caches off.
void clean_to_memory(const void* object, size_t bytes) {
  dcache_clean_invalidate_to_poc(reinterpret_cast<uint64_t>(object), bytes);
}

void on_reschedule_sgi(uint32_t, void*) {
  // The request bits were set before the SGI; the kernel reads them when
  // this interrupt's exception decides what runs next.
  cpu_note_ipi_received(this_cpu(), timer_now_ticks());
}

const char* start_failure(int64_t psci_status) {
  switch (psci_status) {
    case -1: return "PSCI CPU_ON not supported";
    case -2: return "PSCI: invalid parameters";
    case -3: return "PSCI: denied";
    case -4: return "PSCI: already on";
    case -5: return "PSCI: on pending";
    case -6: return "PSCI: internal failure";
    case -9: return "PSCI: invalid address";
    default: return "PSCI CPU_ON failed";
  }
}

// Asks the firmware (or the spin table) to start `c` at uk_secondary_entry.
bool request_start(const SecondaryCpu& c, unsigned index) {
  const uint64_t entry = reinterpret_cast<uint64_t>(uk_secondary_entry);  // identity-mapped: VA == PA
  switch (c.method) {
    case EnableMethod::kPsci: {
      if (psci_conduit() != PsciConduit::kSmc) {
        kprintf("smp: cpu@%lx: enable-method \"psci\" but no SMC conduit in /psci; not started\n",
                static_cast<unsigned long>(c.mpidr));
        return false;
      }
      const int64_t r = psci_cpu_on(c.mpidr, entry, index);
      if (r != 0) {
        kprintf("smp: cpu@%lx: %s (%ld); not started\n", static_cast<unsigned long>(c.mpidr), start_failure(r),
                static_cast<long>(r));
        return false;
      }
      return true;
    }
    case EnableMethod::kSpinTable: {
      if (c.release_addr == 0 || !c.release_addr_reserved) {
        kprintf("smp: cpu@%lx: spin-table release address 0x%lx is %s; not started\n",
                static_cast<unsigned long>(c.mpidr), static_cast<unsigned long>(c.release_addr),
                c.release_addr == 0 ? "missing" : "not in reserved memory");
        return false;
      }
      auto* release = reinterpret_cast<volatile uint64_t*>(c.release_addr);
      *release = entry;
      // The waiting core reads it with its caches off.
      clean_to_memory(const_cast<uint64_t*>(release), sizeof(uint64_t));
      sev();
      return true;
    }
    default:
      kprintf("smp: cpu@%lx: enable-method \"%s\" is not supported; not started\n",
              static_cast<unsigned long>(c.mpidr), c.method_name[0] != '\0' ? c.method_name : "(none)");
      return false;
  }
}

}  // namespace

void smp_init_boot_cpu() {
  Cpu& boot = cpu_at(0);
  boot.mpidr = read_mpidr_el1() & kMpidrAffinityMask;
  if (Status s = irq_register(kSgiReschedule, on_reschedule_sgi, nullptr); !s.ok()) {
    kprintf("smp: cannot register the reschedule SGI: %s\n", errno_name(s.error()));
  }
  if (Status s = gic_enable(kSgiReschedule, kSgiPriority); !s.ok()) {
    kprintf("smp: cannot enable the reschedule SGI: %s\n", errno_name(s.error()));
  }
}

size_t smp_start_secondaries(const BootInfo& info, uint32_t timer_intid) {
  g_timer_intid = timer_intid;
  SecondaryCpus cpus;
  if (!inspect_secondary_cpus(reinterpret_cast<const void*>(info.blob.base.value()), info, read_mpidr_el1(), &cpus)) {
    kprintf("smp: no usable /cpus node in the device tree; running on the boot CPU only\n");
    cpus_set_online(1);
    return 1;
  }
  if (cpus.truncated) kprintf("smp: more than %zu CPUs listed; the rest stay off\n", kMaxCpus);

  SmpBoot& boot = uk_smp_boot;
  boot.mair = read_mair_el2();
  boot.tcr = read_tcr_el2();
  boot.ttbr0 = read_ttbr0_el2();
  boot.sctlr = read_sctlr_el2();
  boot.vbar = reinterpret_cast<uint64_t>(uk_el2_vectors);
  boot.count = 0;

  // kernel_clock() is set up later, by kernel_main: the same conversion here.
  TickConverter clock;
  clock.set_frequency(timer_frequency_hz());
  unsigned online = 1;
  constexpr unsigned kMethodPsci = 1;
  constexpr unsigned kMethodSpinTable = 2;
  unsigned methods = 0;
  bool lost_slots = false;
  for (size_t i = 0; i < cpus.count && online < kMaxCpus; ++i) {
    const SecondaryCpu& c = cpus.cpus[i];
    const unsigned index = online;
    Cpu& cpu = cpu_at(index);
    cpu.index = index;
    cpu.mpidr = c.mpidr;
    // The entry goes in the slot for this index; a core that never comes up
    // has its entry removed again so it parks if it starts late.
    boot.entries[index - 1] = SmpBootEntry{.mpidr = c.mpidr, .stack_top = cpu_stack_top(index),
                                           .cpu = reinterpret_cast<uint64_t>(&cpu), .reserved = 0};
    boot.count = index;
    clean_to_memory(&boot, sizeof boot);
    if (!request_start(c, index)) {
      boot.count = index - 1;
      clean_to_memory(&boot, sizeof boot);
      continue;
    }
    const uint64_t start = timer_now_ticks();
    const uint64_t limit = clock.from_us(kBringUpTimeoutMicros);
    while (__atomic_load_n(&g_started[index], __ATOMIC_ACQUIRE) == 0 && timer_now_ticks() - start < limit) {
    }
    if (__atomic_load_n(&g_started[index], __ATOMIC_ACQUIRE) == 0) {
      kprintf("smp: cpu@%lx did not come up within %lu ms; running without it\n", static_cast<unsigned long>(c.mpidr),
              static_cast<unsigned long>(kBringUpTimeoutMicros / 1000));
      // It may still be on its way with this slot's stack and Cpu already
      // read: the slot is never handed to another core. Its entry goes, so a
      // core that has not read the table yet parks.
      boot.entries[index - 1].mpidr = ~uint64_t{0};
      clean_to_memory(&boot, sizeof boot);
      lost_slots = true;
      break;
    }
    ++online;
    methods |= c.method == EnableMethod::kPsci ? kMethodPsci : kMethodSpinTable;
  }
  if (lost_slots && cpus.count > online - 1) {
    kprintf("smp: CPUs listed after it are not started (the late one could still take their slot)\n");
  }
  cpus_set_online(online);
  if (cpus.count > 0) {
    kprintf("smp: started %u of %zu other CPUs (%s%s%s)\n", online - 1, cpus.count,
            (methods & kMethodPsci) ? "PSCI CPU_ON" : "", methods == (kMethodPsci | kMethodSpinTable) ? ", " : "",
            (methods & kMethodSpinTable) ? "spin-table" : "");
  }
  return online;
}

void smp_release_secondaries() {
  __atomic_store_n(&g_go, 1u, __ATOMIC_RELEASE);
  dsb_ish();
  sev();
}

void smp_wait_secondaries_ready() {
  const uint64_t start = timer_now_ticks();
  const uint64_t limit = kernel_clock().from_us(kBringUpTimeoutMicros);
  const uint32_t others = static_cast<uint32_t>(cpu_count() - 1);
  while (__atomic_load_n(&g_ready, __ATOMIC_ACQUIRE) < others) {
    if (timer_now_ticks() - start > limit) {
      kprintf("smp: only %u of %u other cores ready to schedule after %lu ms; starting anyway\n",
              __atomic_load_n(&g_ready, __ATOMIC_ACQUIRE), others,
              static_cast<unsigned long>(kBringUpTimeoutMicros / 1000));
      return;
    }
  }
}

void smp_start_epoch() {
  __atomic_store_n(&g_epoch, 1u, __ATOMIC_RELEASE);
  dsb_ish();
  sev();
}

}  // namespace uk::arch

// A secondary core, MMU on, on its own stack, TPIDR_EL2 = its Cpu.
extern "C" [[noreturn]] void uk_secondary_main(uk::Cpu* cpu) {
  using namespace uk;
  using namespace uk::arch;
  el2_setup();
  Status s = gic_init_cpu(cpu->index);
  if (s.ok()) s = timer_init_cpu(g_timer_intid);
  if (s.ok()) s = gic_enable(kSgiReschedule, kSgiPriority);
  if (!s.ok()) {
    kprintf("smp: cpu %u: interrupt set-up failed (%s); parked\n", cpu->index, errno_name(s.error()));
    for (;;) wfe();
  }
  __atomic_store_n(&g_started[cpu->index], 1u, __ATOMIC_RELEASE);
  while (__atomic_load_n(&g_go, __ATOMIC_ACQUIRE) == 0) wfe();
  prepare_domains_on_this_core(/*report=*/false);
  __atomic_fetch_add(&g_ready, 1u, __ATOMIC_ACQ_REL);
  while (__atomic_load_n(&g_epoch, __ATOMIC_ACQUIRE) == 0) wfe();
  enter_scheduler();
}
