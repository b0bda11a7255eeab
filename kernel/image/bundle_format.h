// The domain bundle: what `ukernel_image` packs next to the kernel (built by
// tools/pack from manifests and ELF files, read by kernel/image). Everything
// little endian, every offset relative to the bundle start, every record
// 8-byte aligned. The kernel validates all of it again at boot: a bundle is
// input, not trusted.
//
//   BundleHeader
//   DomainRecord[domain_count]
//   payload: ELF files and string tables, each 16-byte aligned
#pragma once

#include <stdint.h>

namespace uk::bundle {

inline constexpr char kMagic[8] = {'U', 'K', 'B', 'U', 'N', 'D', 'L', '1'};
inline constexpr uint32_t kVersion = 1;
inline constexpr uint32_t kMaxDomains = 16;
inline constexpr uint32_t kMaxThreads = 8;
inline constexpr uint32_t kNameBytes = 32;  // NUL-padded, at least one NUL
inline constexpr uint32_t kMaxGrants = 16;
// Cores a bundle may place threads on (ThreadRecord::cpu < kMaxCpus); both
// supported boards have 4. Placement is decided at build time
// (kernel/sched/placement.h) so the shipped schedule is the analysed one.
inline constexpr uint32_t kMaxCpus = 8;

struct BundleHeader {
  char magic[8];
  uint32_t version;
  uint32_t domain_count;
  uint64_t total_bytes;  // header + records + payload
  uint64_t reserved[5];  // 0
};
static_assert(sizeof(BundleHeader) == 64);

struct ThreadRecord {
  char name[kNameBytes];
  uint64_t period_us;  // 0: best effort
  uint64_t budget_us;  // 0 when period_us is 0
  uint64_t stack_bytes;
  uint32_t cpu;  // the core the pack tool placed the thread on (0: the boot CPU); < kMaxCpus
  uint32_t reserved;
};
static_assert(sizeof(ThreadRecord) == 64);

// A grant names something outside the domain it may touch: a path prefix
// (with read/write rights), a signal target domain, a network port, ...
enum class GrantKind : uint32_t { kNone = 0, kPathRead = 1, kPathReadWrite = 2, kSignalTarget = 3, kNetPort = 4 };

struct GrantRecord {
  GrantKind kind;
  uint32_t value_bytes;   // length of the string at value_offset (no NUL)
  uint64_t value_offset;  // into the bundle; for kNetPort the port is in `number`
  uint64_t number;
};
static_assert(sizeof(GrantRecord) == 24);

struct DomainRecord {
  char name[kNameBytes];
  char parent[kNameBytes];      // empty: child of the kernel (parent id 0)
  uint64_t subsystem;           // SubsystemId (FNV-1a of the subsystem name)
  uint64_t memory_quota_bytes;  // all pages the domain may own, tables included
  uint32_t capabilities;        // CapabilitySet
  uint32_t thread_count;        // 1..kMaxThreads; thread 0 starts at the ELF entry
  uint32_t grant_count;         // 0..kMaxGrants
  uint32_t reserved0;
  uint64_t elf_offset;
  uint64_t elf_bytes;
  ThreadRecord threads[kMaxThreads];
  GrantRecord grants[kMaxGrants];
  uint64_t reserved[4];
};

}  // namespace uk::bundle
