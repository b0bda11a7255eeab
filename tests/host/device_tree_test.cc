// parse_device_tree() on real blobs (QEMU virt as dumped by QEMU itself, the
// Raspberry Pi 4's from Debian's kernel package), on synthetic trees built
// with libfdt's sequential-write API, and on corrupted, truncated and
// randomly damaged blobs, which must all be rejected (or parsed) cleanly.
#include "kernel/dt/device_tree.h"

#include <libfdt.h>

#include <initializer_list>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/host/test_data.h"

namespace uk {
namespace {

using test::Blob;

constexpr char kVirtGicV2[] = "ukernel/tests/host/qemu_virt_gicv2.dtb";
constexpr char kVirtGicV3[] = "ukernel/tests/host/qemu_virt_gicv3.dtb";
constexpr char kVirt3G2Cpu[] = "ukernel/tests/host/qemu_virt_3g_smp2.dtb";
constexpr char kRpi4[] = "debian_files/linux-dtbs/bcm2711-rpi-4-b.dtb";

constexpr uint64_t kBlobPhys = 0x48000000;
constexpr size_t kSlack = 4096;  // room to edit blobs in place

struct Parsed {
  Status status;
  std::unique_ptr<BootInfo> info = std::make_unique<BootInfo>();
  std::string reason;
};

Parsed parse(const uint8_t* bytes, size_t available) {
  Parsed p;
  const char* reason = nullptr;
  p.status = parse_device_tree(bytes, available, PhysAddr(kBlobPhys), p.info.get(), &reason);
  EXPECT_NE(reason, nullptr);
  EXPECT_EQ(reason, p.info->reason);
  p.reason = reason != nullptr ? reason : "";
  return p;
}

Parsed parse(const Blob& b) { return parse(b.bytes(), b.size); }
// BootInfo's strings point into the blob: it must outlive the result.
Parsed parse(Blob&&) = delete;

Blob load(const char* runfiles_path, size_t slack = kSlack) {
  Blob b;
  const std::string path = test::runfile(runfiles_path);
  EXPECT_TRUE(test::load_blob(path, &b, slack)) << "cannot read " << path;
  return b;
}

// Re-opens `b` with room to grow, for libfdt read-write edits.
void open_for_edit(Blob* b) {
  ASSERT_EQ(fdt_open_into(b->bytes(), b->bytes(), static_cast<int>(b->capacity())), 0);
  b->size = fdt_totalsize(b->bytes());
}

void pack(Blob* b) {
  ASSERT_EQ(fdt_pack(b->bytes()), 0);
  b->size = fdt_totalsize(b->bytes());
}

std::vector<uint8_t> be_cells(std::initializer_list<uint32_t> cells) {
  std::vector<uint8_t> out;
  for (uint32_t c : cells) {
    out.push_back(static_cast<uint8_t>(c >> 24));
    out.push_back(static_cast<uint8_t>(c >> 16));
    out.push_back(static_cast<uint8_t>(c >> 8));
    out.push_back(static_cast<uint8_t>(c));
  }
  return out;
}

void set_cells(Blob* b, const char* path, const char* prop, std::initializer_list<uint32_t> cells) {
  const int node = fdt_path_offset(b->bytes(), path);
  ASSERT_GE(node, 0) << path;
  const std::vector<uint8_t> v = be_cells(cells);
  ASSERT_EQ(fdt_setprop(b->bytes(), node, prop, v.data(), static_cast<int>(v.size())), 0);
  b->size = fdt_totalsize(b->bytes());
}

void set_string(Blob* b, const char* path, const char* prop, const char* value) {
  const int node = fdt_path_offset(b->bytes(), path);
  ASSERT_GE(node, 0) << path;
  ASSERT_EQ(fdt_setprop_string(b->bytes(), node, prop, value), 0);
  b->size = fdt_totalsize(b->bytes());
}

void expect_range(const PhysRange& r, uint64_t base, uint64_t size) {
  EXPECT_EQ(r.base.value(), base);
  EXPECT_EQ(r.size, size);
}

// Builds small trees in order with libfdt's sequential-write API.
class TreeWriter {
 public:
  explicit TreeWriter(std::initializer_list<std::pair<uint64_t, uint64_t>> memreserve = {})
      : buf_(kBytes / sizeof(uint64_t)) {
    EXPECT_EQ(fdt_create(buf_.data(), kBytes), 0);
    for (const auto& r : memreserve) EXPECT_EQ(fdt_add_reservemap_entry(buf_.data(), r.first, r.second), 0);
    EXPECT_EQ(fdt_finish_reservemap(buf_.data()), 0);
    EXPECT_EQ(fdt_begin_node(buf_.data(), ""), 0);
  }
  TreeWriter& begin(const char* name) {
    EXPECT_EQ(fdt_begin_node(buf_.data(), name), 0);
    return *this;
  }
  TreeWriter& end() {
    EXPECT_EQ(fdt_end_node(buf_.data()), 0);
    return *this;
  }
  TreeWriter& cells(const char* name, std::initializer_list<uint32_t> v) {
    const std::vector<uint8_t> bytes = be_cells(v);
    return raw(name, bytes.data(), bytes.size());
  }
  TreeWriter& str(const char* name, const char* value) { return raw(name, value, strlen(value) + 1); }
  TreeWriter& raw(const char* name, const void* value, size_t len) {
    EXPECT_EQ(fdt_property(buf_.data(), name, value, static_cast<int>(len)), 0);
    return *this;
  }
  TreeWriter& empty(const char* name) { return raw(name, "", 0); }
  // Root cells plus one 256 MiB memory bank at 0x40000000.
  TreeWriter& standard_root() {
    cells("#address-cells", {2}).cells("#size-cells", {2});
    begin("memory@40000000").str("device_type", "memory").cells("reg", {0, 0x40000000, 0, 0x10000000}).end();
    return *this;
  }
  Blob finish() {
    EXPECT_EQ(fdt_end_node(buf_.data()), 0);
    EXPECT_EQ(fdt_finish(buf_.data()), 0);
    return test::make_blob(buf_.data(), fdt_totalsize(buf_.data()), kSlack);
  }

 private:
  static constexpr size_t kBytes = 64 * 1024;
  std::vector<uint64_t> buf_;
};

// ---------------------------------------------------------------------------
// Real blobs.

TEST(DeviceTreeQemu, VirtGicV2) {
  Blob b = load(kVirtGicV2);
  Parsed p = parse(b);
  ASSERT_TRUE(p.status.ok()) << p.reason;
  const BootInfo& bi = *p.info;
  EXPECT_EQ(p.reason, "ok");
  ASSERT_EQ(bi.memory_count, 1u);
  expect_range(bi.memory[0], 0x40000000, 0x40000000);
  EXPECT_EQ(bi.reserved_count, 0u);
  expect_range(bi.blob, kBlobPhys, fdt_totalsize(b.bytes()));
  EXPECT_STREQ(bi.model, "linux,dummy-virt");
  EXPECT_STREQ(bi.compatible, "linux,dummy-virt");
  EXPECT_TRUE(root_compatible_with(bi, "linux,dummy-virt"));
  EXPECT_FALSE(root_compatible_with(bi, "brcm,bcm2711"));
  EXPECT_EQ(bi.bootargs, nullptr);
  EXPECT_STREQ(bi.stdout_path, "/pl011@9000000");

  EXPECT_TRUE(bi.uart.present);
  EXPECT_TRUE(bi.uart.from_stdout_path);
  expect_range(bi.uart.regs, 0x09000000, 0x1000);
  EXPECT_EQ(bi.uart.clock_hz, 24000000u);

  EXPECT_EQ(bi.gic.version, GicVersion::kV2);
  expect_range(bi.gic.distributor, 0x08000000, 0x10000);
  expect_range(bi.gic.cpu_interface, 0x08010000, 0x10000);
  expect_range(bi.gic.hyp_interface, 0x08030000, 0x10000);
  expect_range(bi.gic.vcpu_interface, 0x08040000, 0x10000);
  expect_range(bi.gic.redistributor, 0, 0);
  EXPECT_EQ(bi.gic.maintenance_intid, 25u);

  EXPECT_TRUE(bi.timer.present);
  EXPECT_EQ(bi.timer.secure_phys_intid, 29u);
  EXPECT_EQ(bi.timer.nonsecure_phys_intid, 30u);
  EXPECT_EQ(bi.timer.virt_intid, 27u);
  EXPECT_EQ(bi.timer.hyp_phys_intid, 26u);
  EXPECT_EQ(bi.timer.clock_frequency_hz, 0u);

  EXPECT_EQ(bi.psci.method, PsciMethod::kSmc);
  EXPECT_EQ(bi.psci.version, PsciVersion::k1_0);
  expect_range(bi.rpi.mailbox, 0, 0);
  expect_range(bi.rpi.watchdog, 0, 0);
  expect_range(bi.rpi.gpio, 0, 0);
  expect_range(bi.rpi.rng, 0, 0);
}

TEST(DeviceTreeQemu, VirtGicV3) {
  Blob b = load(kVirtGicV3);
  Parsed p = parse(b);
  ASSERT_TRUE(p.status.ok()) << p.reason;
  const BootInfo& bi = *p.info;
  EXPECT_EQ(bi.gic.version, GicVersion::kV3);
  expect_range(bi.gic.distributor, 0x08000000, 0x10000);
  expect_range(bi.gic.redistributor, 0x080a0000, 0xf60000);
  expect_range(bi.gic.cpu_interface, 0, 0);
  EXPECT_EQ(bi.timer.hyp_phys_intid, 26u);
  expect_range(bi.uart.regs, 0x09000000, 0x1000);
  ASSERT_EQ(bi.memory_count, 1u);
  expect_range(bi.memory[0], 0x40000000, 0x40000000);
}

TEST(DeviceTreeQemu, Virt3GiBTwoCpus) {
  Blob b = load(kVirt3G2Cpu);
  Parsed p = parse(b);
  ASSERT_TRUE(p.status.ok()) << p.reason;
  ASSERT_EQ(p.info->memory_count, 1u);
  expect_range(p.info->memory[0], 0x40000000, 0xc0000000);
  EXPECT_EQ(p.info->gic.version, GicVersion::kV2);
}

TEST(DeviceTreeQemu, IdentityOverloadUsesPointerAsPhysicalAddress) {
  Blob b = load(kVirtGicV2);
  auto info = std::make_unique<BootInfo>();
  ASSERT_TRUE(parse_device_tree(b.bytes(), b.size, info.get(), nullptr).ok()) << info->reason;
  EXPECT_EQ(info->blob.base.value(), reinterpret_cast<uintptr_t>(b.bytes()));
}

// Debian's Pi 4 blob is what the firmware starts from: /memory@0 has reg
// <0 0 0> until the firmware fills in the real banks.
TEST(DeviceTreeRpi4, UnpatchedBlobHasNoUsableMemory) {
  Blob b = load(kRpi4);
  Parsed p = parse(b);
  EXPECT_EQ(p.status.error(), Errno::kNoEnt);
  EXPECT_NE(p.reason.find("size 0"), std::string::npos) << p.reason;
  EXPECT_EQ(p.info->memory_count, 0u);  // nothing half-filled on failure
  EXPECT_FALSE(p.info->uart.present);
}

// Patches the blob the way the Pi firmware does (memory banks of a 4 GiB
// board, bootargs), then checks every translated address.
Blob patched_rpi4() {
  Blob b = load(kRpi4, 64 * 1024);
  open_for_edit(&b);
  set_cells(&b, "/memory@0", "reg", {0x0, 0x00000000, 0x3b400000, 0x0, 0x40000000, 0xbc000000, 0x1, 0x0, 0x80000000});
  set_string(&b, "/chosen", "bootargs", "coherent_pool=1M 8250.nr_uarts=1");
  return b;
}

TEST(DeviceTreeRpi4, FirmwarePatchedBlob) {
  Blob b = patched_rpi4();
  Parsed p = parse(b);
  ASSERT_TRUE(p.status.ok()) << p.reason;
  const BootInfo& bi = *p.info;
  ASSERT_EQ(bi.memory_count, 3u);
  expect_range(bi.memory[0], 0x0, 0x3b400000);
  expect_range(bi.memory[1], 0x40000000, 0xbc000000);
  expect_range(bi.memory[2], 0x100000000, 0x80000000);
  // /memreserve/ 0 0x1000 (the spin table); no /reserved-memory child has reg
  // (linux,cma is a dynamic pool, nvram@0 is disabled).
  ASSERT_EQ(bi.reserved_count, 1u);
  expect_range(bi.reserved[0], 0x0, 0x1000);
  EXPECT_STREQ(bi.model, "Raspberry Pi 4 Model B");
  EXPECT_STREQ(bi.compatible, "raspberrypi,4-model-b");
  EXPECT_TRUE(root_compatible_with(bi, "brcm,bcm2711"));
  EXPECT_STREQ(bi.bootargs, "coherent_pool=1M 8250.nr_uarts=1");
  EXPECT_STREQ(bi.stdout_path, "serial1:115200n8");

  // stdout is serial1 = the mini UART (brcm,bcm2835-aux-uart), so the console
  // falls back to the first enabled PL011: UART0, bus 0x7e201000.
  EXPECT_TRUE(bi.uart.present);
  EXPECT_FALSE(bi.uart.from_stdout_path);
  expect_range(bi.uart.regs, 0xfe201000, 0x200);
  EXPECT_EQ(bi.uart.clock_hz, 0u);  // clocked by cprman, not a fixed clock

  // GIC-400 at bus 0x40041000 via the third /soc ranges window.
  EXPECT_EQ(bi.gic.version, GicVersion::kV2);
  expect_range(bi.gic.distributor, 0xff841000, 0x1000);
  expect_range(bi.gic.cpu_interface, 0xff842000, 0x2000);
  expect_range(bi.gic.hyp_interface, 0xff844000, 0x2000);
  expect_range(bi.gic.vcpu_interface, 0xff846000, 0x2000);
  EXPECT_EQ(bi.gic.maintenance_intid, 25u);

  EXPECT_TRUE(bi.timer.present);
  EXPECT_EQ(bi.timer.secure_phys_intid, 29u);
  EXPECT_EQ(bi.timer.nonsecure_phys_intid, 30u);
  EXPECT_EQ(bi.timer.virt_intid, 27u);
  EXPECT_EQ(bi.timer.hyp_phys_intid, 26u);

  EXPECT_EQ(bi.psci.method, PsciMethod::kNone);  // the Pi 4 uses a spin table

  expect_range(bi.rpi.mailbox, 0xfe00b880, 0x40);
  expect_range(bi.rpi.watchdog, 0xfe100000, 0x114);
  expect_range(bi.rpi.gpio, 0xfe200000, 0xb4);
  expect_range(bi.rpi.rng, 0xfe104000, 0x28);
}

TEST(DeviceTreeRpi4, StdoutAliasToPl011IsResolved) {
  Blob b = patched_rpi4();
  set_string(&b, "/chosen", "stdout-path", "serial0:115200n8");
  Parsed p = parse(b);
  ASSERT_TRUE(p.status.ok()) << p.reason;
  EXPECT_TRUE(p.info->uart.from_stdout_path);
  expect_range(p.info->uart.regs, 0xfe201000, 0x200);
}

TEST(DeviceTreeRpi4, DisabledPl011IsSkipped) {
  Blob b = patched_rpi4();
  set_string(&b, "/soc/serial@7e201000", "status", "disabled");
  set_string(&b, "/soc/serial@7e201400", "status", "okay");
  Parsed p = parse(b);
  ASSERT_TRUE(p.status.ok()) << p.reason;
  expect_range(p.info->uart.regs, 0xfe201400, 0x200);
}

TEST(DeviceTreeRpi4, SocWithoutRangesIsUntranslatable) {
  Blob b = patched_rpi4();
  const int soc = fdt_path_offset(b.bytes(), "/soc");
  ASSERT_GE(soc, 0);
  ASSERT_EQ(fdt_delprop(b.bytes(), soc, "ranges"), 0);
  Parsed p = parse(b);
  EXPECT_EQ(p.status.error(), Errno::kInval);
  EXPECT_NE(p.reason.find("/soc has no ranges"), std::string::npos) << p.reason;
}

// ---------------------------------------------------------------------------
// Synthetic trees.

TEST(DeviceTreeSynthetic, MinimalTree) {
  Blob b = TreeWriter().standard_root().finish();
  Parsed p = parse(b);
  ASSERT_TRUE(p.status.ok()) << p.reason;
  ASSERT_EQ(p.info->memory_count, 1u);
  expect_range(p.info->memory[0], 0x40000000, 0x10000000);
  EXPECT_FALSE(p.info->uart.present);
  EXPECT_EQ(p.info->gic.version, GicVersion::kNone);
  EXPECT_FALSE(p.info->timer.present);
  EXPECT_EQ(p.info->model, nullptr);
}

TEST(DeviceTreeSynthetic, NoMemoryNode) {
  Blob b = TreeWriter().cells("#address-cells", {2}).cells("#size-cells", {2}).finish();
  Parsed p = parse(b);
  EXPECT_EQ(p.status.error(), Errno::kNoEnt);
  EXPECT_EQ(p.reason, "no memory node");
}

TEST(DeviceTreeSynthetic, MemoryWithoutDeviceTypeIsIgnored) {
  TreeWriter t;
  t.cells("#address-cells", {1}).cells("#size-cells", {1});
  t.begin("memory@0").cells("reg", {0, 0x1000}).end();
  const Blob blob = t.finish();
  Parsed p = parse(blob);
  EXPECT_EQ(p.reason, "no memory node");
}

TEST(DeviceTreeSynthetic, MemoryRegLengthNotMultipleOfCells) {
  TreeWriter t;
  t.cells("#address-cells", {2}).cells("#size-cells", {1});
  t.begin("memory@0").str("device_type", "memory").cells("reg", {0, 0, 0x1000, 0}).end();
  const Blob blob = t.finish();
  Parsed p = parse(blob);
  EXPECT_EQ(p.status.error(), Errno::kInval);
  EXPECT_EQ(p.reason, "/memory@0 reg length 16 not a multiple of cells (2 address + 1 size)");
}

TEST(DeviceTreeSynthetic, MultipleMemoryNodesAndCells) {
  TreeWriter t;
  t.cells("#address-cells", {1}).cells("#size-cells", {1});
  t.begin("memory@0").str("device_type", "memory").cells("reg", {0x0, 0x1000, 0x10000, 0x0, 0x20000, 0x2000}).end();
  t.begin("memory@80000000").str("device_type", "memory").cells("reg", {0x80000000, 0x10000000}).end();
  t.begin("memory@90000000").str("device_type", "memory").str("status", "disabled").cells("reg", {0x90000000, 0x1000}).end();
  t.begin("memoryx").str("device_type", "memory").cells("reg", {0xa0000000, 0x1000}).end();
  const Blob blob = t.finish();
  Parsed p = parse(blob);
  ASSERT_TRUE(p.status.ok()) << p.reason;
  ASSERT_EQ(p.info->memory_count, 3u);  // the zero-size entry is skipped
  expect_range(p.info->memory[0], 0x0, 0x1000);
  expect_range(p.info->memory[1], 0x20000, 0x2000);
  expect_range(p.info->memory[2], 0x80000000, 0x10000000);
}

TEST(DeviceTreeSynthetic, TooManyMemoryBanks) {
  TreeWriter t;
  t.cells("#address-cells", {1}).cells("#size-cells", {1});
  std::vector<uint32_t> reg;
  for (uint32_t i = 0; i < kMaxMemoryBanks + 1; ++i) {
    reg.push_back(i * 0x100000);
    reg.push_back(0x1000);
  }
  const std::vector<uint8_t> bytes = [&] {
    std::vector<uint8_t> out;
    for (uint32_t c : reg) {
      const std::vector<uint8_t> one = be_cells({c});
      out.insert(out.end(), one.begin(), one.end());
    }
    return out;
  }();
  t.begin("memory").str("device_type", "memory").raw("reg", bytes.data(), bytes.size()).end();
  const Blob blob = t.finish();
  Parsed p = parse(blob);
  EXPECT_EQ(p.status.error(), Errno::kTooBig);
  EXPECT_EQ(p.reason, "too many memory banks (max 16)");
}

TEST(DeviceTreeSynthetic, ThreeCellAddressesUnsupported) {
  TreeWriter t;
  t.cells("#address-cells", {3}).cells("#size-cells", {1});
  t.begin("memory@0").str("device_type", "memory").cells("reg", {0, 0, 0, 0x1000}).end();
  const Blob blob = t.finish();
  Parsed p = parse(blob);
  EXPECT_EQ(p.status.error(), Errno::kInval);
  EXPECT_NE(p.reason.find("3-cell memory address unsupported"), std::string::npos) << p.reason;
}

TEST(DeviceTreeSynthetic, BankWrappingAround64BitsRejected) {
  TreeWriter t;
  t.cells("#address-cells", {2}).cells("#size-cells", {2});
  t.begin("memory@0").str("device_type", "memory").cells("reg", {0xffffffff, 0xfffff000, 0, 0x2000}).end();
  const Blob blob = t.finish();
  Parsed p = parse(blob);
  EXPECT_EQ(p.status.error(), Errno::kInval);
  EXPECT_NE(p.reason.find("wraps around 64 bits"), std::string::npos) << p.reason;
}

TEST(DeviceTreeSynthetic, ReservedRegions) {
  TreeWriter t({{0x40000000, 0x1000}, {0x41000000, 0x20000}});
  t.standard_root();
  t.begin("reserved-memory").cells("#address-cells", {2}).cells("#size-cells", {2}).empty("ranges");
  t.begin("secmon@4e000000").cells("reg", {0, 0x4e000000, 0, 0x100000}).empty("no-map").end();
  t.begin("pool").cells("size", {0, 0x400000}).end();  // dynamic: no reg
  t.begin("off@4f000000").cells("reg", {0, 0x4f000000, 0, 0x1000}).str("status", "disabled").end();
  t.begin("two@50000000").cells("reg", {0, 0x50000000, 0, 0x1000, 0, 0x50002000, 0, 0x1000}).end();
  t.end();
  const Blob blob = t.finish();
  Parsed p = parse(blob);
  ASSERT_TRUE(p.status.ok()) << p.reason;
  ASSERT_EQ(p.info->reserved_count, 5u);
  expect_range(p.info->reserved[0], 0x40000000, 0x1000);
  expect_range(p.info->reserved[1], 0x41000000, 0x20000);
  expect_range(p.info->reserved[2], 0x4e000000, 0x100000);
  expect_range(p.info->reserved[3], 0x50000000, 0x1000);
  expect_range(p.info->reserved[4], 0x50002000, 0x1000);
}

TEST(DeviceTreeSynthetic, TooManyReservedRegions) {
  TreeWriter t;
  t.standard_root();
  t.begin("reserved-memory").cells("#address-cells", {1}).cells("#size-cells", {1}).empty("ranges");
  for (uint32_t i = 0; i < kMaxReservedRanges + 1; ++i) {
    const std::string name = "r@" + std::to_string(i);
    t.begin(name.c_str()).cells("reg", {0x40000000 + i * 0x1000, 0x1000}).end();
  }
  t.end();
  const Blob blob = t.finish();
  Parsed p = parse(blob);
  EXPECT_EQ(p.status.error(), Errno::kTooBig);
  EXPECT_NE(p.reason.find("too many reserved regions (max 32)"), std::string::npos) << p.reason;
}

// Two levels of buses, each translating, plus an identity (empty ranges) one.
TEST(DeviceTreeSynthetic, NestedRangesTranslation) {
  TreeWriter t;
  t.standard_root();
  t.begin("outer").cells("#address-cells", {1}).cells("#size-cells", {1});
  t.cells("ranges", {0x7e000000, 0x0, 0xfe000000, 0x01800000, 0x10000000, 0x1, 0x0, 0x1000000});
  t.begin("inner").cells("#address-cells", {1}).cells("#size-cells", {1});
  t.cells("ranges", {0x0, 0x7e200000, 0x10000});
  t.begin("identity").cells("#address-cells", {1}).cells("#size-cells", {1}).empty("ranges");
  t.begin("serial@1000").str("compatible", "arm,pl011").cells("reg", {0x1000, 0x200}).end();
  t.end().end();
  t.begin("gpio@10002000").str("compatible", "brcm,bcm2711-gpio").cells("reg", {0x10002000, 0x100}).end();
  t.end();
  const Blob blob = t.finish();
  Parsed p = parse(blob);
  ASSERT_TRUE(p.status.ok()) << p.reason;
  EXPECT_FALSE(p.info->uart.from_stdout_path);
  expect_range(p.info->uart.regs, 0xfe201000, 0x200);
  expect_range(p.info->rpi.gpio, 0x100002000, 0x100);
}

TEST(DeviceTreeSynthetic, AddressOutsideRangesWindow) {
  TreeWriter t;
  t.standard_root();
  t.begin("soc").cells("#address-cells", {1}).cells("#size-cells", {1});
  t.cells("ranges", {0x7e000000, 0x0, 0xfe000000, 0x1000});
  t.begin("serial@7e001000").str("compatible", "arm,pl011").cells("reg", {0x7e001000, 0x200}).end();
  t.end();
  const Blob blob = t.finish();
  Parsed p = parse(blob);
  EXPECT_EQ(p.status.error(), Errno::kInval);
  EXPECT_EQ(p.reason, "/soc/serial@7e001000: address 0x7e001000 size 0x200 not inside any ranges window of /soc");
}

TEST(DeviceTreeSynthetic, RegionStraddlingWindowEndRejected) {
  TreeWriter t;
  t.standard_root();
  t.begin("soc").cells("#address-cells", {1}).cells("#size-cells", {1});
  t.cells("ranges", {0x7e000000, 0x0, 0xfe000000, 0x1000});
  t.begin("serial@7e000f00").str("compatible", "arm,pl011").cells("reg", {0x7e000f00, 0x200}).end();
  t.end();
  const Blob blob = t.finish();
  Parsed p = parse(blob);
  EXPECT_EQ(p.status.error(), Errno::kInval);
  EXPECT_NE(p.reason.find("not inside any ranges window"), std::string::npos) << p.reason;
}

TEST(DeviceTreeSynthetic, MissingRangesOnBus) {
  TreeWriter t;
  t.standard_root();
  t.begin("bus").cells("#address-cells", {1}).cells("#size-cells", {1});
  t.begin("serial@1000").str("compatible", "arm,pl011").cells("reg", {0x1000, 0x200}).end();
  t.end();
  const Blob blob = t.finish();
  Parsed p = parse(blob);
  EXPECT_EQ(p.status.error(), Errno::kInval);
  EXPECT_EQ(p.reason, "/bus/serial@1000: untranslatable address 0x1000: /bus has no ranges");
}

TEST(DeviceTreeSynthetic, StdoutAliasLoopDoesNotRecurse) {
  TreeWriter t;
  t.standard_root();
  t.begin("aliases").str("serial0", "serial0").str("serial1", "serial1/x").end();
  t.begin("chosen").str("stdout-path", "serial0:115200n8").end();
  t.begin("uart@9000000").str("compatible", "arm,pl011").cells("reg", {0, 0x9000000, 0, 0x1000}).end();
  const Blob blob = t.finish();
  Parsed p = parse(blob);
  ASSERT_TRUE(p.status.ok()) << p.reason;
  EXPECT_FALSE(p.info->uart.from_stdout_path);
  expect_range(p.info->uart.regs, 0x9000000, 0x1000);
}

TEST(DeviceTreeSynthetic, StdoutPathToDisabledUartFallsBack) {
  TreeWriter t;
  t.standard_root();
  t.begin("chosen").str("stdout-path", "/uart@9000000").str("bootargs", "hello").end();
  t.begin("uart@9000000").str("compatible", "arm,pl011").str("status", "disabled").cells("reg", {0, 0x9000000, 0, 0x1000}).end();
  t.begin("uart@9001000").str("compatible", "arm,pl011").str("status", "ok").cells("reg", {0, 0x9001000, 0, 0x1000}).end();
  const Blob blob = t.finish();
  Parsed p = parse(blob);
  ASSERT_TRUE(p.status.ok()) << p.reason;
  EXPECT_FALSE(p.info->uart.from_stdout_path);
  EXPECT_STREQ(p.info->bootargs, "hello");
  expect_range(p.info->uart.regs, 0x9001000, 0x1000);
}

TEST(DeviceTreeSynthetic, UnterminatedStringPropertyRejected) {
  TreeWriter t;
  t.standard_root();
  t.begin("chosen").raw("bootargs", "abc", 3).end();
  const Blob blob = t.finish();
  Parsed p = parse(blob);
  EXPECT_EQ(p.status.error(), Errno::kInval);
  EXPECT_EQ(p.reason, "/chosen: property bootargs is not a NUL-terminated string");
}

TEST(DeviceTreeSynthetic, ZeroSizedDeviceRegRejected) {
  TreeWriter t;
  t.standard_root();
  t.begin("uart@9000000").str("compatible", "arm,pl011").cells("reg", {0, 0x9000000, 0, 0}).end();
  const Blob blob = t.finish();
  Parsed p = parse(blob);
  EXPECT_EQ(p.status.error(), Errno::kInval);
  EXPECT_EQ(p.reason, "/uart@9000000: reg entry 0 has size 0");
}

// Interrupt specifiers are decoded through the interrupt parent named by an
// ancestor, SPIs and PPIs alike; bad ones are errors.
TEST(DeviceTreeSynthetic, TimerInterrupts) {
  auto build = [](std::initializer_list<uint32_t> interrupts, bool with_parent) {
    TreeWriter t;
    if (with_parent) t.cells("interrupt-parent", {1});
    t.standard_root();
    t.begin("intc@8000000").str("compatible", "arm,gic-400").cells("#interrupt-cells", {3}).cells("phandle", {1});
    t.empty("interrupt-controller").cells("reg", {0, 0x8000000, 0, 0x1000, 0, 0x8010000, 0, 0x2000}).end();
    t.begin("timer").str("compatible", "arm,armv8-timer").cells("interrupts", interrupts);
    t.cells("clock-frequency", {62500000}).end();
    return t.finish();
  };
  const Blob ok_blob = build({1, 13, 4, 1, 14, 4, 1, 11, 4, 0, 10, 4}, true);
  Parsed ok = parse(ok_blob);
  ASSERT_TRUE(ok.status.ok()) << ok.reason;
  EXPECT_EQ(ok.info->timer.secure_phys_intid, 29u);
  EXPECT_EQ(ok.info->timer.hyp_phys_intid, 42u);  // an SPI: 32 + 10
  EXPECT_EQ(ok.info->timer.clock_frequency_hz, 62500000u);
  expect_range(ok.info->gic.cpu_interface, 0x8010000, 0x2000);
  expect_range(ok.info->gic.hyp_interface, 0, 0);

  const Blob bad_ppi_blob = build({1, 13, 4, 1, 16, 4, 1, 11, 4, 1, 10, 4}, true);
  Parsed bad_ppi = parse(bad_ppi_blob);
  EXPECT_EQ(bad_ppi.status.error(), Errno::kInval);
  EXPECT_EQ(bad_ppi.reason, "/timer: interrupt 1 has bad GIC specifier <1 16>");

  const Blob too_few_blob = build({1, 13, 4, 1, 14, 4}, true);
  Parsed too_few = parse(too_few_blob);
  EXPECT_EQ(too_few.status.error(), Errno::kInval);
  EXPECT_EQ(too_few.reason, "/timer: 2 interrupts, need 4 (sec-phys, phys, virt, hyp-phys)");

  const Blob ragged_blob = build({1, 13, 4, 1}, true);
  Parsed ragged = parse(ragged_blob);
  EXPECT_NE(ragged.reason.find("not a multiple of 3 cells"), std::string::npos) << ragged.reason;

  const Blob orphan_blob = build({1, 13, 4, 1, 14, 4, 1, 11, 4, 1, 10, 4}, false);
  Parsed orphan = parse(orphan_blob);
  EXPECT_EQ(orphan.status.error(), Errno::kInval);
  EXPECT_EQ(orphan.reason, "/timer: no interrupt-parent");
}

// The FDT format puts a node's properties before its subnodes; libfdt
// lookups never see a property after a subnode, so such blobs are refused.
TEST(DeviceTreeSynthetic, PropertyAfterSubnodeRejected) {
  TreeWriter t;
  t.standard_root();
  t.str("model", "late");
  const Blob blob = t.finish();
  Parsed p = parse(blob);
  EXPECT_EQ(p.status.error(), Errno::kInval);
  EXPECT_NE(p.reason.find("property after a subnode"), std::string::npos) << p.reason;
}

TEST(DeviceTreeSynthetic, GicNeedsTwoRegs) {
  TreeWriter t;
  t.standard_root();
  t.begin("intc").str("compatible", "arm,gic-v3").cells("reg", {0, 0x8000000, 0, 0x10000}).end();
  const Blob blob = t.finish();
  Parsed p = parse(blob);
  EXPECT_EQ(p.status.error(), Errno::kInval);
  EXPECT_EQ(p.reason, "/intc: GIC needs at least 2 reg entries (distributor and redistributor), has 1");
}

TEST(DeviceTreeSynthetic, PsciMethods) {
  auto build = [](const char* compat, const char* method) {
    TreeWriter t;
    t.standard_root();
    t.begin("psci").str("compatible", compat);
    if (method != nullptr) t.str("method", method);
    t.end();
    return t.finish();
  };
  const Blob hvc_blob = build("arm,psci-0.2", "hvc");
  Parsed hvc = parse(hvc_blob);
  ASSERT_TRUE(hvc.status.ok()) << hvc.reason;
  EXPECT_EQ(hvc.info->psci.method, PsciMethod::kHvc);
  EXPECT_EQ(hvc.info->psci.version, PsciVersion::k0_2);
  const Blob old_blob = build("arm,psci", "smc");
  Parsed old = parse(old_blob);
  EXPECT_EQ(old.info->psci.version, PsciVersion::k0_1);
  const Blob bogus_blob = build("arm,psci-1.0", "svc");
  Parsed bogus = parse(bogus_blob);
  EXPECT_EQ(bogus.status.error(), Errno::kInval);
  EXPECT_EQ(bogus.reason, "/psci: unknown method \"svc\"");
  const Blob none_blob = build("arm,psci-1.0", nullptr);
  Parsed none = parse(none_blob);
  EXPECT_EQ(none.reason, "/psci: no method");
}

TEST(DeviceTreeSynthetic, NullArguments) {
  BootInfo* info = new BootInfo;
  const char* reason = nullptr;
  EXPECT_EQ(parse_device_tree(nullptr, 100, info, &reason).error(), Errno::kFault);
  EXPECT_STREQ(reason, "no device tree (null pointer)");
  Blob b = TreeWriter().standard_root().finish();
  EXPECT_EQ(parse_device_tree(b.bytes(), b.size, nullptr, &reason).error(), Errno::kInval);
  delete info;
}

// ---------------------------------------------------------------------------
// Corrupted headers and blocks: each with its precise reason.

class DeviceTreeCorrupt : public ::testing::Test {
 protected:
  void SetUp() override {
    blob_ = load(kRpi4);
    ASSERT_GT(blob_.size, 0u);
  }
  uint8_t* fdt() { return blob_.bytes(); }
  Parsed run() { return parse(blob_); }
  Blob blob_;
};

TEST_F(DeviceTreeCorrupt, BadMagic) {
  fdt_set_magic(fdt(), 0xdeadbeef);
  Parsed p = run();
  EXPECT_EQ(p.status.error(), Errno::kInval);
  EXPECT_EQ(p.reason, "bad magic 0xdeadbeef (expected 0xd00dfeed)");
}

TEST_F(DeviceTreeCorrupt, OldVersion) {
  fdt_set_version(fdt(), 16);
  EXPECT_EQ(run().reason, "unsupported version 16 (need >= 17)");
}

TEST_F(DeviceTreeCorrupt, FutureLastCompatibleVersion) {
  fdt_set_last_comp_version(fdt(), 18);
  fdt_set_version(fdt(), 18);
  EXPECT_EQ(run().reason, "incompatible: last_comp_version 18 > 17");
}

TEST_F(DeviceTreeCorrupt, TotalSizeBeyondAvailable) {
  fdt_set_totalsize(fdt(), 1048576);
  Parsed p = parse(fdt(), 4096);
  EXPECT_EQ(p.status.error(), Errno::kInval);
  EXPECT_EQ(p.reason, "truncated: header says 1048576 bytes, only 4096 available");
}

TEST_F(DeviceTreeCorrupt, TotalSizeSmallerThanHeader) {
  fdt_set_totalsize(fdt(), 20);
  EXPECT_EQ(run().reason, "totalsize 20 smaller than the header");
}

TEST_F(DeviceTreeCorrupt, StructBlockOutsideBlob) {
  fdt_set_off_dt_struct(fdt(), static_cast<uint32_t>(blob_.size));
  EXPECT_NE(run().reason.find("structure block"), std::string::npos);
}

TEST_F(DeviceTreeCorrupt, StringsBlockOutsideBlob) {
  fdt_set_size_dt_strings(fdt(), 0x7fffffff);
  EXPECT_NE(run().reason.find("strings block"), std::string::npos);
}

TEST_F(DeviceTreeCorrupt, MisalignedMemReserveBlock) {
  fdt_set_off_mem_rsvmap(fdt(), fdt_off_mem_rsvmap(fdt()) + 4);
  EXPECT_NE(run().reason.find("not 8-byte aligned"), std::string::npos) << run().reason;
}

TEST_F(DeviceTreeCorrupt, MisalignedStructBlock) {
  fdt_set_off_dt_struct(fdt(), fdt_off_dt_struct(fdt()) + 2);
  EXPECT_NE(run().reason.find("structure block offset"), std::string::npos) << run().reason;
}

TEST_F(DeviceTreeCorrupt, UnterminatedMemReserveBlock) {
  // Point the reservation map at the structure block's last bytes.
  fdt_set_off_mem_rsvmap(fdt(), static_cast<uint32_t>((blob_.size - 8) & ~7u));
  Parsed p = run();
  EXPECT_EQ(p.status.error(), Errno::kInval);
  EXPECT_NE(p.reason.find("memory reservation block"), std::string::npos) << p.reason;
}

TEST_F(DeviceTreeCorrupt, PropertyNameOffsetOutsideStrings) {
  // The first property of the root node: after the FDT_BEGIN_NODE token and
  // the empty root name (4 + 4 bytes) comes FDT_PROP, len, nameoff.
  uint8_t* prop = fdt() + fdt_off_dt_struct(fdt()) + 8;
  ASSERT_EQ(fdt32_ld(reinterpret_cast<const fdt32_t*>(prop)), static_cast<uint32_t>(FDT_PROP));
  const uint32_t bad = fdt_size_dt_strings(fdt()) + 5;
  *reinterpret_cast<fdt32_t*>(prop + 8) = cpu_to_fdt32(bad);
  Parsed p = run();
  EXPECT_EQ(p.status.error(), Errno::kInval);
  EXPECT_EQ(p.reason, "property at structure offset 8: bad name offset " + std::to_string(bad));
}

TEST_F(DeviceTreeCorrupt, PropertyLengthPastStructBlock) {
  uint8_t* prop = fdt() + fdt_off_dt_struct(fdt()) + 8;
  *reinterpret_cast<fdt32_t*>(prop + 4) = cpu_to_fdt32(0xfffffff0);
  Parsed p = run();
  EXPECT_EQ(p.reason, "property at structure offset 8: length 4294967280 runs past the structure block");
}

TEST_F(DeviceTreeCorrupt, BadToken) {
  uint8_t* prop = fdt() + fdt_off_dt_struct(fdt()) + 8;
  *reinterpret_cast<fdt32_t*>(prop) = cpu_to_fdt32(0x77);
  EXPECT_EQ(run().reason, "bad structure token 0x00000077 at structure offset 8");
}

TEST_F(DeviceTreeCorrupt, RootWithName) {
  uint8_t* name = fdt() + fdt_off_dt_struct(fdt()) + 4;
  name[0] = 'x';  // the padding after it is zero, so the name stays terminated
  EXPECT_EQ(run().reason, "root node has a name");
}

TEST_F(DeviceTreeCorrupt, MisalignedBlobPointer) {
  std::vector<uint64_t> shifted(blob_.storage.size() + 1);
  auto* bytes = reinterpret_cast<uint8_t*>(shifted.data()) + 4;
  memcpy(bytes, fdt(), blob_.size);
  Parsed p = parse(bytes, blob_.size);
  EXPECT_EQ(p.status.error(), Errno::kFault);
  EXPECT_NE(p.reason.find("is not 8-byte aligned"), std::string::npos) << p.reason;
}

// ---------------------------------------------------------------------------
// Truncation: every prefix length.

TEST(DeviceTreeTruncated, EveryPrefixOfThePi4BlobIsRejected) {
  Blob b = load(kRpi4);
  ASSERT_GT(b.size, 40u);
  for (size_t len = 0; len < b.size; ++len) {
    Parsed p = parse(b.bytes(), len);
    ASSERT_FALSE(p.status.ok()) << "prefix " << len;
    if (len < 4) {
      ASSERT_EQ(p.reason, "truncated: only " + std::to_string(len) + " bytes available, the header alone needs 40");
    } else if (len < 40) {
      ASSERT_NE(p.reason.find("the header alone needs 40"), std::string::npos) << p.reason;
    } else {
      ASSERT_EQ(p.reason,
                "truncated: header says " + std::to_string(b.size) + " bytes, only " + std::to_string(len) + " available");
    }
  }
  EXPECT_TRUE(parse(b.bytes(), b.size).status.error() == Errno::kNoEnt);  // whole: only memory missing
}

// A lying header: the blob is cut and totalsize (and the block sizes) claim
// the cut length, so only the structure walk can notice.
TEST(DeviceTreeTruncated, CutBlobWithConsistentHeader) {
  Blob b = patched_rpi4();
  pack(&b);
  const uint32_t off_struct = fdt_off_dt_struct(b.bytes());
  const uint32_t size_struct = fdt_size_dt_struct(b.bytes());
  const uint32_t off_strings = fdt_off_dt_strings(b.bytes());
  ASSERT_LT(off_struct, off_strings);  // dtc layout: header, rsvmap, struct, strings
  size_t rejected = 0;
  for (uint32_t cut = 0; cut < size_struct; cut += 4) {
    Blob c = test::make_blob(b.bytes(), b.size);
    uint8_t* f = c.bytes();
    // Drop the tail of the structure block, keep the strings block intact
    // by moving it down.
    memmove(f + off_struct + cut, f + off_strings, fdt_size_dt_strings(f));
    fdt_set_size_dt_struct(f, cut);
    fdt_set_off_dt_strings(f, off_struct + cut);
    fdt_set_totalsize(f, off_struct + cut + fdt_size_dt_strings(f));
    Parsed p = parse(f, fdt_totalsize(f));
    ASSERT_FALSE(p.status.ok()) << "cut " << cut;
    ASSERT_FALSE(p.reason.empty());
    ++rejected;
  }
  EXPECT_EQ(rejected, size_struct / 4);
}

// ---------------------------------------------------------------------------
// Random damage: must never crash; any outcome is fine as long as failures
// carry a reason and successes are self-consistent.

void expect_sane(const Parsed& p) {
  ASSERT_FALSE(p.reason.empty());
  ASSERT_LT(p.reason.size(), kDtReasonCapacity);
  if (p.status.ok()) {
    ASSERT_GE(p.info->memory_count, 1u);
    ASSERT_LE(p.info->memory_count, kMaxMemoryBanks);
    ASSERT_LE(p.info->reserved_count, kMaxReservedRanges);
  } else {
    ASSERT_EQ(p.info->memory_count, 0u);
  }
}

void fuzz_flips(Blob base, uint64_t seed, int iterations, bool structure_only) {
  pack(&base);
  std::mt19937_64 rng(seed);
  const uint32_t off_struct = fdt_off_dt_struct(base.bytes());
  const uint32_t size_struct = fdt_size_dt_struct(base.bytes());
  int accepted = 0;
  for (int i = 0; i < iterations; ++i) {
    Blob b = base;
    const int flips = 1 + static_cast<int>(rng() % 8);
    for (int f = 0; f < flips; ++f) {
      const size_t at = structure_only ? off_struct + rng() % size_struct : rng() % b.size;
      b.bytes()[at] ^= static_cast<uint8_t>(1u << (rng() % 8));
    }
    Parsed p = parse(b);
    expect_sane(p);
    if (p.status.ok()) ++accepted;
  }
  // Most single-bit damage lands in property values and names and is benign.
  ::testing::Test::RecordProperty("accepted", accepted);
}

TEST(DeviceTreeFuzz, RandomBitFlipsPi4) { fuzz_flips(patched_rpi4(), 0x5eed0001, 3000, false); }

TEST(DeviceTreeFuzz, RandomBitFlipsPi4StructureBlock) { fuzz_flips(patched_rpi4(), 0x5eed0002, 3000, true); }

TEST(DeviceTreeFuzz, RandomBitFlipsQemuVirt) { fuzz_flips(load(kVirtGicV2), 0x5eed0003, 3000, false); }

TEST(DeviceTreeFuzz, RandomBytesAfterValidHeader) {
  std::mt19937_64 rng(0x5eed0004);
  Blob good = TreeWriter().standard_root().finish();
  for (int i = 0; i < 2000; ++i) {
    Blob b = good;
    for (size_t at = 40; at < b.size; ++at) {
      if (rng() % 4 == 0) b.bytes()[at] = static_cast<uint8_t>(rng());
    }
    expect_sane(parse(b));
  }
}

TEST(DeviceTreeFuzz, RandomHeaderFields) {
  std::mt19937_64 rng(0x5eed0005);
  Blob good = patched_rpi4();
  pack(&good);
  for (int i = 0; i < 3000; ++i) {
    Blob b = good;
    auto* words = reinterpret_cast<fdt32_t*>(b.bytes());
    const size_t field = 1 + rng() % 9;  // anything but the magic
    const uint32_t interesting[] = {0u, 1u, 4u, 8u, 40u, 0x7fffffffu, 0x80000000u, 0xffffffffu,
                                    static_cast<uint32_t>(b.size), static_cast<uint32_t>(rng())};
    words[field] = cpu_to_fdt32(interesting[rng() % (sizeof(interesting) / sizeof(interesting[0]))]);
    expect_sane(parse(b));
  }
}

}  // namespace
}  // namespace uk
