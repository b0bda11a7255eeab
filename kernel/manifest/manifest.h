// Domain manifests: the text file that says what a domain is and may do.
// The format is documented in docs/manifest.md; in short, one `key: value`
// per line, `#` starts a comment:
//
//   name: hello
//   subsystem: posix
//   memory: 512K
//   caps: debug info time yield exit
//   parent: supervisor
//   thread: main stack=16K
//   thread: control period=10ms budget=2ms stack=8K cpu=1
//   grant: path-ro /data
//
// The parser is portable (host tools and the kernel), uses no heap and reads
// only [text, text + size). Every problem becomes one diagnostic line
// "<file>:<line>: <field>: <problem>" (or "<file>: <field>: <problem>" for a
// missing field); parsing continues after an error so one run reports all of
// them (up to Diagnostics::kMaxMessages).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "kernel/domain/capabilities.h"
#include "kernel/image/bundle_format.h"
#include "kernel/lib/result.h"

namespace uk::manifest {

// Names (domain, parent, thread, subsystem, signal target): [a-z0-9_-]{1,31}.
inline constexpr size_t kMaxNameLength = 31;
inline constexpr size_t kNameBytes = kMaxNameLength + 1;
static_assert(kNameBytes == bundle::kNameBytes);

inline constexpr size_t kMaxThreads = bundle::kMaxThreads;  // 8
inline constexpr size_t kMaxGrants = bundle::kMaxGrants;    // 16
inline constexpr size_t kMaxManifestBytes = 64 * 1024;

inline constexpr uint64_t kPageBytes = 4096;
inline constexpr uint64_t kMaxMemoryBytes = 1024ull * 1024 * 1024;  // 1024M
inline constexpr uint64_t kMinStackBytes = 4096;                    // 4K
inline constexpr uint64_t kMaxStackBytes = 1024 * 1024;             // 1M
inline constexpr uint64_t kDefaultStackBytes = 16 * 1024;           // 16K
inline constexpr const char* kDefaultThreadName = "main";

// Real-time parameters, microseconds.
inline constexpr uint64_t kMinPeriodUs = 100;         // 100us
inline constexpr uint64_t kMaxPeriodUs = 10'000'000;  // 10s
inline constexpr uint64_t kMinBudgetUs = 10;          // 10us

// Grant values: absolute paths up to this many bytes.
inline constexpr size_t kMaxPathLength = 127;

// Thread::cpu of a thread without `cpu=`: the build-time placement picks
// its core (kernel/sched/placement.h, the same value there).
inline constexpr int32_t kUnpinned = -1;

struct Thread {
  char name[kNameBytes] = {};
  uint64_t period_us = 0;  // 0: best effort
  uint64_t budget_us = 0;  // 0 when period_us is 0
  uint64_t stack_bytes = 0;
  int32_t cpu = kUnpinned;  // `cpu=N`: pinned to core N (0..bundle::kMaxCpus-1)
  uint32_t line = 0;       // 0: the default thread (no `thread:` line)
};

struct Grant {
  bundle::GrantKind kind = bundle::GrantKind::kNone;
  // kPathRead/kPathReadWrite: the path; kSignalTarget: the domain name;
  // kNetPort: empty (the port is in `number`). NUL-terminated.
  char value[kMaxPathLength + 1] = {};
  uint32_t value_bytes = 0;
  uint64_t number = 0;
  uint32_t line = 0;
};

struct Manifest {
  char name[kNameBytes] = {};
  char subsystem[kNameBytes] = {};
  uint64_t subsystem_id = 0;  // FNV-1a of `subsystem` (ukernel::sys::SubsystemId)
  uint64_t memory_bytes = 0;
  CapabilitySet capabilities = 0;
  char parent[kNameBytes] = {};  // "" when absent
  Thread threads[kMaxThreads];
  size_t thread_count = 0;
  Grant grants[kMaxGrants];
  size_t grant_count = 0;

  // Line of each single-valued field, 0 when absent: lets later checks (the
  // pack tool's quota and parent checks) point at the right line.
  uint32_t name_line = 0;
  uint32_t subsystem_line = 0;
  uint32_t memory_line = 0;
  uint32_t caps_line = 0;
  uint32_t parent_line = 0;

  [[nodiscard]] bool has_parent() const { return parent[0] != '\0'; }
};

// Error messages of one parse, in file order.
struct Diagnostics {
  static constexpr size_t kMaxMessages = 16;
  static constexpr size_t kMessageBytes = 256;  // longer messages are cut

  char messages[kMaxMessages][kMessageBytes] = {};
  size_t count = 0;    // stored messages
  size_t dropped = 0;  // errors beyond kMaxMessages

  void add(const char* fmt, ...) __attribute__((format(printf, 2, 3)));
  [[nodiscard]] size_t total() const { return count + dropped; }
};

// Parses `size` bytes of manifest text. `file_name` only labels the messages.
// Returns OK (*out filled, diag untouched) or kInval (diag holds at least one
// message; *out is partially filled and must not be used).
[[nodiscard]] Status parse_manifest(const char* file_name, const char* text, size_t size, Manifest* out,
                                    Diagnostics* diag);

// Helpers shared with the pack tool and the kernel. All take a length so
// they work on slices of a line.

// [a-z0-9_-]{1,31}.
[[nodiscard]] bool is_valid_name(const char* s, size_t len);
// "4096", "512K", "2M" -> bytes. False if malformed or above 2^64 - 1.
[[nodiscard]] bool parse_size(const char* s, size_t len, uint64_t* bytes);
// "500us", "10ms", "1s" -> microseconds. False if malformed or overflowing.
[[nodiscard]] bool parse_time_us(const char* s, size_t len, uint64_t* us);
// The capability bit for a name ("debug"), 0 if unknown.
[[nodiscard]] CapabilitySet capability_from_name(const char* s, size_t len);
// "debug, info, ..." (every name of kCapabilityNames, in order).
[[nodiscard]] const char* capability_name_list();
// ukernel::sys::SubsystemId::from_name(s, len).as_u64(): 64-bit FNV-1a.
[[nodiscard]] uint64_t subsystem_id(const char* s, size_t len);

}  // namespace uk::manifest
