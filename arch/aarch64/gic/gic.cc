#include "arch/aarch64/gic/gic.h"

#include "arch/aarch64/cpu/mmio.h"
#include "arch/aarch64/cpu/sysreg.h"
#include "kernel/console/console.h"
#include "kernel/cpu/cpu.h"
#include "kernel/irq/irq.h"

namespace uk::arch {
namespace {

// Distributor (common to v2 and v3 at these offsets).
constexpr uint64_t kGicdCtlr = 0x000;
constexpr uint64_t kGicdTyper = 0x004;
constexpr uint64_t kGicdIgroupr = 0x080;
constexpr uint64_t kGicdIsenabler = 0x100;
constexpr uint64_t kGicdIcenabler = 0x180;
constexpr uint64_t kGicdIpriorityr = 0x400;
constexpr uint64_t kGicdItargetsr = 0x800;
constexpr uint64_t kGicdSgir = 0xf00;  // v2: TargetListFilter [25:24], CPUTargetList [23:16], INTID [3:0]
constexpr unsigned kGicdSgirTargetShift = 16;
constexpr uint64_t kGicdIrouter = 0x6000;  // v3, 64-bit per SPI
constexpr uint32_t kGicdTyperItLinesMask = 0x1f;
// GICD_CTLR / GICC_CTLR enables. A GICv2 without security extensions (QEMU
// virt) has separate group 0 and group 1 enables at bits 0 and 1; seen from
// the non-secure side of one with them (the Pi 4's GIC-400 after its
// firmware), bit 0 enables group 1 and bit 1 is ignored. Setting both works
// for either.
constexpr uint32_t kGicv2EnableGroups = (1u << 0) | (1u << 1);
// GICv3 GICD_CTLR: group-1 enable (DS=1) or non-secure group-1 enable
// (DS=0) are both bit 1; ARE_NS (bit 4) selects affinity routing.
constexpr uint32_t kGicdCtlrV3EnableGrp1 = 1u << 1;
constexpr uint32_t kGicdCtlrV3AreNs = 1u << 4;
constexpr uint32_t kGicdCtlrRwp = 1u << 31;

// GICv2 CPU interface.
constexpr uint64_t kGiccCtlr = 0x000;
constexpr uint64_t kGiccPmr = 0x004;
constexpr uint64_t kGiccBpr = 0x008;
constexpr uint64_t kGiccIar = 0x00c;
constexpr uint64_t kGiccEoir = 0x010;
constexpr uint32_t kGiccIarIdMask = 0x3ff;

// GICv3 redistributor: RD_base frame then SGI_base frame, 64 KiB each
// (GICv4 adds two more frames, flagged by GICR_TYPER.VLPIS).
constexpr uint64_t kGicrFrameSize = 0x10000;
constexpr uint64_t kGicrWaker = 0x0014;
constexpr uint64_t kGicrTyper = 0x0008;
constexpr uint64_t kGicrSgiBase = kGicrFrameSize;
constexpr uint64_t kGicrIgroupr0 = kGicrSgiBase + 0x080;
constexpr uint64_t kGicrIsenabler0 = kGicrSgiBase + 0x100;
constexpr uint64_t kGicrIcenabler0 = kGicrSgiBase + 0x180;
constexpr uint64_t kGicrIpriorityr = kGicrSgiBase + 0x400;
constexpr uint32_t kGicrWakerProcessorSleep = 1u << 1;
constexpr uint32_t kGicrWakerChildrenAsleep = 1u << 2;
constexpr uint64_t kGicrTyperLast = 1ull << 4;
constexpr uint64_t kGicrTyperVlpis = 1ull << 1;
constexpr unsigned kGicrTyperAffinityShift = 32;
// ICC_SRE_EL2: system-register interface on, and let EL1 use it too.
constexpr uint64_t kIccSreSre = 1u << 0;
constexpr uint64_t kIccSreEnable = 1u << 3;
constexpr uint32_t kIccIarIdMask = 0xffffff;
// ICC_SGI1R_EL1: TargetList [15:0] (Aff0 bits), Aff1 [23:16], INTID [27:24],
// Aff2 [39:32], Aff3 [55:48].
constexpr unsigned kSgi1rAff1Shift = 16;
constexpr unsigned kSgi1rIntIdShift = 24;
constexpr unsigned kSgi1rAff2Shift = 32;
constexpr unsigned kSgi1rAff3Shift = 48;
// MPIDR_EL1 affinity fields.
constexpr unsigned kMpidrAff1Shift = 8;
constexpr unsigned kMpidrAff2Shift = 16;
constexpr unsigned kMpidrAff3Shift = 32;
constexpr uint64_t kMpidrAffMask = 0xff;
constexpr uint32_t kMaxSgi = 15;

constexpr uint32_t kFirstSpi = 32;
constexpr uint32_t kSpuriousFirst = 1020;
constexpr uint8_t kLowestPriorityMask = 0xff;

GicConfig g_config;
uint32_t g_max_intid = 0;
// Per core, by kernel index: its redistributor (v3), its CPU interface's
// bit in GICD_SGIR / GICD_ITARGETSR (v2), its MPIDR (v3 SGI routing).
uint64_t g_redist[kMaxCpus] = {};
uint8_t g_cpu_target[kMaxCpus] = {};
uint64_t g_cpu_mpidr[kMaxCpus] = {};

uint64_t my_redist() { return g_redist[this_cpu().index]; }

uint64_t dist() { return g_config.distributor.value(); }

void set_priority_byte(uint64_t reg_base, uint32_t intid, uint8_t priority) {
  // Priority registers are byte-accessible on both GIC versions.
  mmio_write8(reg_base + intid, priority);
}

// This core's GICv2 CPU interface, and its bit in the target lists (the
// banked GICD_ITARGETSR0..7 read back the reading core's own bit).
Status init_v2_cpu(unsigned index) {
  const uint64_t cpu = g_config.cpu_interface.value();
  g_cpu_target[index] = mmio_read8(dist() + kGicdItargetsr);
  if (g_cpu_target[index] == 0) g_cpu_target[index] = static_cast<uint8_t>(1u << index);  // uniprocessor GIC
  mmio_write32(cpu + kGiccPmr, kLowestPriorityMask);
  mmio_write32(cpu + kGiccBpr, 0);
  mmio_write32(cpu + kGiccCtlr, kGicv2EnableGroups);
  return kOkStatus;
}

Status init_v2() {
  mmio_write32(dist() + kGicdCtlr, 0);
  // Group registers are left alone: without security extensions every
  // interrupt resets to group 0, which GICC_IAR acknowledges (a group-1
  // interrupt would read as spurious 1022 with AckCtl clear); with them the
  // non-secure side cannot change groups and the firmware has made ours group 1.
  for (uint32_t i = 0; i < g_max_intid; i += 32) mmio_write32(dist() + kGicdIcenabler + i / 8, 0xffffffff);
  mmio_write32(dist() + kGicdCtlr, kGicv2EnableGroups);
  return init_v2_cpu(0);
}

void wait_for_rwp() {
  for (int i = 0; i < 1000000 && (mmio_read32(dist() + kGicdCtlr) & kGicdCtlrRwp); ++i) {
  }
}

// This core's redistributor (found by affinity) and system-register interface.
Status init_v3_cpu(unsigned index) {
  const uint64_t mpidr = read_mpidr_el1();
  const uint64_t affinity = (mpidr & 0xffffff) | ((mpidr >> 32 & 0xff) << 24);
  g_cpu_mpidr[index] = mpidr;
  uint64_t frame = g_config.redistributors.value();
  uint64_t redist = 0;
  for (int i = 0; i < 512; ++i) {
    const uint64_t typer = mmio_read64(frame + kGicrTyper);
    if ((typer >> kGicrTyperAffinityShift) == affinity) {
      redist = frame;
      break;
    }
    if (typer & kGicrTyperLast) break;
    frame += 2 * kGicrFrameSize * ((typer & kGicrTyperVlpis) ? 2 : 1);
  }
  if (redist == 0) {
    kprintf("gic: no GICv3 redistributor for MPIDR 0x%lx\n", static_cast<unsigned long>(mpidr));
    return Errno::kNoEnt;
  }
  g_redist[index] = redist;
  mmio_write32(redist + kGicrWaker, mmio_read32(redist + kGicrWaker) & ~kGicrWakerProcessorSleep);
  for (int i = 0; i < 1000000 && (mmio_read32(redist + kGicrWaker) & kGicrWakerChildrenAsleep); ++i) {
  }
  mmio_write32(redist + kGicrIcenabler0, 0xffffffff);
  mmio_write32(redist + kGicrIgroupr0, 0xffffffff);

  write_icc_sre_el2(read_icc_sre_el2() | kIccSreSre | kIccSreEnable);
  isb();
  write_icc_pmr_el1(kLowestPriorityMask);
  write_icc_bpr1_el1(0);
  write_icc_igrpen1_el1(1);
  isb();
  return kOkStatus;
}

Status init_v3() {
  mmio_write32(dist() + kGicdCtlr, 0);
  wait_for_rwp();
  for (uint32_t i = kFirstSpi; i < g_max_intid; i += 32) {
    mmio_write32(dist() + kGicdIcenabler + i / 8, 0xffffffff);
    mmio_write32(dist() + kGicdIgroupr + i / 8, 0xffffffff);
  }
  wait_for_rwp();
  mmio_write32(dist() + kGicdCtlr, kGicdCtlrV3AreNs | kGicdCtlrV3EnableGrp1);
  wait_for_rwp();
  return init_v3_cpu(0);
}

}  // namespace

Status gic_init(const GicConfig& config) {
  g_config = config;
  if (config.version != 2 && config.version != 3) return Errno::kNotSup;
  g_max_intid = 32 * ((mmio_read32(dist() + kGicdTyper) & kGicdTyperItLinesMask) + 1);
  if (g_max_intid > kSpuriousFirst) g_max_intid = kSpuriousFirst;
  return config.version == 2 ? init_v2() : init_v3();
}

Status gic_init_cpu(unsigned cpu_index) {
  if (cpu_index >= kMaxCpus) return Errno::kInval;
  return g_config.version == 2 ? init_v2_cpu(cpu_index) : init_v3_cpu(cpu_index);
}

void gic_send_sgi(unsigned cpu_index, uint32_t intid) {
  if (cpu_index >= kMaxCpus || intid > kMaxSgi) return;
  if (g_config.version == 2) {
    // The distributor must see every earlier store to memory the target
    // will read (its pending-request bits) before the SGI.
    dsb_ish();
    mmio_write32(dist() + kGicdSgir, (static_cast<uint32_t>(g_cpu_target[cpu_index]) << kGicdSgirTargetShift) | intid);
    return;
  }
  const uint64_t m = g_cpu_mpidr[cpu_index];
  const uint64_t value = (uint64_t{1} << (m & kMpidrAffMask)) |
                         (((m >> kMpidrAff1Shift) & kMpidrAffMask) << kSgi1rAff1Shift) |
                         (uint64_t{intid} << kSgi1rIntIdShift) |
                         (((m >> kMpidrAff2Shift) & kMpidrAffMask) << kSgi1rAff2Shift) |
                         (((m >> kMpidrAff3Shift) & kMpidrAffMask) << kSgi1rAff3Shift);
  dsb_ish();
  write_icc_sgi1r_el1(value);
  isb();
}

unsigned gic_version() { return g_config.version; }

Status gic_el3_prepare_nonsecure(const GicConfig& config) {
  if (config.version != 2) return Errno::kNotSup;
  const uint64_t d = config.distributor.value();
  const uint32_t lines = 32 * ((mmio_read32(d + kGicdTyper) & kGicdTyperItLinesMask) + 1);
  for (uint32_t i = 0; i < lines && i < kSpuriousFirst; i += 32) mmio_write32(d + kGicdIgroupr + i / 8, 0xffffffff);
  mmio_write32(d + kGicdCtlr, kGicv2EnableGroups);
  mmio_write32(config.cpu_interface.value() + kGiccPmr, kLowestPriorityMask);
  mmio_write32(config.cpu_interface.value() + kGiccCtlr, kGicv2EnableGroups);
  return kOkStatus;
}

Status gic_enable(uint32_t intid, uint8_t priority) {
  if (intid >= g_max_intid) return Errno::kInval;
  const uint32_t bit = 1u << (intid % 32);
  if (g_config.version == 3 && intid < kFirstSpi) {
    set_priority_byte(my_redist() + kGicrIpriorityr, intid, priority);
    mmio_write32(my_redist() + kGicrIsenabler0, bit);
    return kOkStatus;
  }
  set_priority_byte(dist() + kGicdIpriorityr, intid, priority);
  if (intid >= kFirstSpi) {
    if (g_config.version == 2) {
      mmio_write8(dist() + kGicdItargetsr + intid, 1);  // CPU interface 0
    } else {
      *reinterpret_cast<volatile uint64_t*>(dist() + kGicdIrouter + 8 * intid) = read_mpidr_el1() & 0xff00ffffffull;
    }
  }
  mmio_write32(dist() + kGicdIsenabler + 4 * (intid / 32), bit);
  return kOkStatus;
}

void gic_disable(uint32_t intid) {
  if (intid >= g_max_intid) return;
  const uint32_t bit = 1u << (intid % 32);
  if (g_config.version == 3 && intid < kFirstSpi) {
    mmio_write32(my_redist() + kGicrIcenabler0, bit);
  } else {
    mmio_write32(dist() + kGicdIcenabler + 4 * (intid / 32), bit);
  }
}

void gic_handle_irq() {
  for (;;) {
    uint32_t iar;
    uint32_t intid;
    if (g_config.version == 3) {
      iar = static_cast<uint32_t>(read_icc_iar1_el1());
      intid = iar & kIccIarIdMask;
    } else {
      iar = mmio_read32(g_config.cpu_interface.value() + kGiccIar);
      intid = iar & kGiccIarIdMask;
    }
    if (intid >= kSpuriousFirst) return;
    irq_dispatch(intid);
    if (g_config.version == 3) {
      write_icc_eoir1_el1(iar);
      isb();
    } else {
      mmio_write32(g_config.cpu_interface.value() + kGiccEoir, iar);
    }
  }
}

}  // namespace uk::arch
