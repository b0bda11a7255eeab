#include "kernel/dt/cpus.h"

#include <libfdt.h>
#include <string.h>

namespace uk {
namespace {

constexpr int kCellBytes = 4;
// MPIDR affinity fields Aff0..Aff2 and Aff3; what a cpu node's reg holds.
constexpr uint64_t kMpidrAffinityMask = 0xff00ffffffull;

// Property values are read byte by byte: the blob's properties are only
// 4-byte aligned and the kernel may run this with the MMU off.
uint64_t read_cells(const uint8_t* p, int cells) {
  uint64_t v = 0;
  for (int i = 0; i < cells * kCellBytes; ++i) v = (v << 8) | p[i];
  return v;
}

bool reserved(const BootInfo& info, uint64_t addr, uint64_t size) {
  const PhysRange want{PhysAddr(addr), size};
  for (size_t i = 0; i < info.reserved_count; ++i) {
    const PhysRange& r = info.reserved[i];
    if (r.base <= want.base && want.end() <= r.end()) return true;
  }
  return false;
}

}  // namespace

bool inspect_secondary_cpus(const void* fdt, const BootInfo& info, uint64_t boot_mpidr, SecondaryCpus* out) {
  *out = SecondaryCpus{};
  const int cpus = fdt_path_offset(fdt, "/cpus");
  if (cpus < 0) return false;
  int len = 0;
  const auto* ac = static_cast<const uint8_t*>(fdt_getprop(fdt, cpus, "#address-cells", &len));
  const int address_cells = ac != nullptr && len == kCellBytes ? static_cast<int>(read_cells(ac, 1)) : 2;
  if (address_cells < 1 || address_cells > 2) return false;

  int node = 0;
  fdt_for_each_subnode(node, fdt, cpus) {
    const auto* type = static_cast<const char*>(fdt_getprop(fdt, node, "device_type", &len));
    if (type == nullptr || len < 4 || memcmp(type, "cpu", 4) != 0) continue;  // "cpu\0"; skips cpu-map etc.
    const auto* reg = static_cast<const uint8_t*>(fdt_getprop(fdt, node, "reg", &len));
    if (reg == nullptr || len < address_cells * kCellBytes) return false;
    const uint64_t mpidr = read_cells(reg, address_cells);
    if (mpidr == (boot_mpidr & kMpidrAffinityMask)) {
      out->boot_cpu_found = true;
      continue;
    }
    if (out->count == kMaxSecondaryCpus) {
      out->truncated = true;
      continue;
    }
    SecondaryCpu& cpu = out->cpus[out->count++];
    cpu.mpidr = mpidr;
    const auto* method = static_cast<const char*>(fdt_getprop(fdt, node, "enable-method", &len));
    if (method == nullptr || len < 1 || method[len - 1] != '\0') {
      cpu.method = EnableMethod::kNone;
      continue;
    }
    cpu.method_name = method;
    if (strcmp(method, "spin-table") == 0) {
      cpu.method = EnableMethod::kSpinTable;
      const auto* rel = static_cast<const uint8_t*>(fdt_getprop(fdt, node, "cpu-release-addr", &len));
      if (rel != nullptr && (len == 2 * kCellBytes || len == kCellBytes)) {
        cpu.release_addr = read_cells(rel, len / kCellBytes);
        cpu.release_addr_reserved = reserved(info, cpu.release_addr, sizeof(uint64_t));
      }
    } else if (strcmp(method, "psci") == 0) {
      cpu.method = EnableMethod::kPsci;
    } else {
      cpu.method = EnableMethod::kOther;
    }
  }
  return true;
}

}  // namespace uk
