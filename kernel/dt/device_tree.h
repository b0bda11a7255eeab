// Boot-time device-tree parsing: validates the flattened device tree (FDT)
// handed over by the loader in x0 and extracts everything the kernel needs to
// bring itself up (memory, reserved regions, console UART, GIC, timer, PSCI,
// Raspberry Pi peripherals) into a plain BootInfo value.
//
// The blob is untrusted input: a broken loader, a bad SD card or a fuzzer may
// hand over any bytes. parse_device_tree() never reads outside
// [blob, blob + available_bytes), never crashes, and explains every rejection
// in BootInfo::reason.
//
// libfdt does the node/property lookups. Before the first libfdt lookup the
// whole blob is validated by our own walk (header, memory-reservation block,
// every structure-block tag, every property length and name offset), which is
// stricter than fdt_check_full() (absent from the libfdt we build): after it,
// libfdt never meets an out-of-range length.
//
// Alignment: the blob must be 8-byte aligned (an FDT requirement) and the
// memory-reservation / structure blocks must be naturally aligned, because
// libfdt loads their words directly. Property values are read byte by byte.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "kernel/lib/result.h"
#include "kernel/lib/types.h"

namespace uk {

// Capacities of BootInfo's fixed arrays; exceeding one is a parse error.
inline constexpr size_t kMaxMemoryBanks = 16;
inline constexpr size_t kMaxReservedRanges = 32;
// Length of the human-readable failure reason, NUL included.
inline constexpr size_t kDtReasonCapacity = 192;
// The arm64 boot protocol limits the DTB to 2 MiB; a caller that does not know
// how much memory follows the blob (the kernel at boot) passes this.
inline constexpr size_t kMaxDeviceTreeBytes = 2u * 1024 * 1024;
// Node nesting deeper than this is rejected (real trees stay below 10).
inline constexpr int kMaxDeviceTreeDepth = 64;

// In every PhysRange below, size == 0 means "not present in the tree".

struct UartInfo {
  bool present = false;
  bool from_stdout_path = false;  // /chosen/stdout-path named this PL011
  PhysRange regs;                 // CPU physical address of the PL011
  uint32_t clock_hz = 0;          // UARTCLK from a fixed-clock, 0 = unknown
};

enum class GicVersion : uint8_t { kNone = 0, kV2 = 2, kV3 = 3 };

struct GicInfo {
  GicVersion version = GicVersion::kNone;
  PhysRange distributor;     // GICD (v2 and v3: reg[0])
  PhysRange cpu_interface;   // GICC (v2: reg[1])
  PhysRange hyp_interface;   // GICH virtual interface control (v2: reg[2], optional)
  PhysRange vcpu_interface;  // GICV virtual CPU interface (v2: reg[3], optional)
  PhysRange redistributor;   // GICR first region (v3: reg[1])
  uint32_t maintenance_intid = 0;  // the GIC's own "interrupts" (vGIC maintenance), 0 = none
};

// Architected generic timer ("arm,armv8-timer"). INTIDs, not DT PPI numbers.
struct TimerInfo {
  bool present = false;
  uint32_t secure_phys_intid = 0;     // CNTPS
  uint32_t nonsecure_phys_intid = 0;  // CNTP
  uint32_t virt_intid = 0;            // CNTV
  uint32_t hyp_phys_intid = 0;        // CNTHP: the kernel's scheduling timer
  uint32_t clock_frequency_hz = 0;    // 0 = not in the tree: read CNTFRQ_EL0
};

enum class PsciMethod : uint8_t { kNone, kSmc, kHvc };
// Highest PSCI binding the node claims; SYSTEM_OFF needs at least 0.2.
enum class PsciVersion : uint8_t { kNone, k0_1, k0_2, k1_0 };

struct PsciInfo {
  PsciMethod method = PsciMethod::kNone;
  PsciVersion version = PsciVersion::kNone;
};

// Raspberry Pi (BCM2711) peripherals, all translated to CPU physical addresses.
struct RpiInfo {
  PhysRange mailbox;   // "brcm,bcm2835-mbox" (VideoCore property mailbox)
  PhysRange watchdog;  // "brcm,bcm2711-pm" / "brcm,bcm2835-pm" / "brcm,bcm2835-pm-wdt"
  PhysRange gpio;      // "brcm,bcm2711-gpio"
  PhysRange rng;       // "brcm,bcm2711-rng200"
};

// Everything parse_device_tree() extracts. Strings point into the blob (which
// must therefore stay mapped and unmodified; it is reported in `blob` so the
// page allocator can exclude it); nullptr means the property is absent.
struct BootInfo {
  PhysRange memory[kMaxMemoryBanks];  // RAM banks, in tree order, size > 0
  size_t memory_count = 0;
  // /memreserve/ entries then /reserved-memory children (those with reg).
  PhysRange reserved[kMaxReservedRanges];
  size_t reserved_count = 0;
  PhysRange blob;  // the blob itself: [blob_phys, blob_phys + totalsize)

  const char* model = nullptr;       // root "model"
  const char* compatible = nullptr;  // root "compatible": first entry
  const char* compatible_list = nullptr;  // all entries, NUL-separated
  size_t compatible_list_bytes = 0;
  const char* bootargs = nullptr;     // /chosen/bootargs
  const char* stdout_path = nullptr;  // /chosen/stdout-path (with any ":options")

  UartInfo uart;
  GicInfo gic;
  TimerInfo timer;
  PsciInfo psci;
  RpiInfo rpi;

  // Why parsing failed ("ok" after success). Always NUL-terminated.
  char reason[kDtReasonCapacity] = {};
};

// Parses the blob at `blob` (which the CPU reaches at physical `blob_phys`;
// only used to fill BootInfo::blob). At most `available_bytes` are read.
//
// Returns OK, or: kInval (malformed or unsupported blob or property), kNoEnt
// (no usable memory), kTooBig (a fixed capacity above is exceeded), kFault
// (blob == nullptr or misaligned). In every case *out is (re)initialised and
// out->reason explains the outcome; if `reason` is non-null it is set to
// out->reason. Only memory is mandatory: a missing UART/GIC/timer/PSCI node
// leaves its entry "not present" and the caller decides; a present but
// malformed one is an error.
//
// Cost: one linear validation walk, one walk over all nodes to find the
// devices by "compatible", then a few linear libfdt lookups (parent, phandle)
// per device and bus level (libfdt keeps no index); no recursion, no heap,
// about 2 KiB of stack (aarch64).
[[nodiscard]] Status parse_device_tree(const void* blob, size_t available_bytes, PhysAddr blob_phys,
                                       BootInfo* out, const char** reason);

// Same, for identity-mapped callers: the blob's physical address is its pointer.
[[nodiscard]] Status parse_device_tree(const void* blob, size_t available_bytes, BootInfo* out,
                                       const char** reason);

// True if the root "compatible" list contains `compat` (board detection, e.g.
// "raspberrypi,4-model-b" or "linux,dummy-virt").
[[nodiscard]] bool root_compatible_with(const BootInfo& info, const char* compat);

}  // namespace uk
