// Capability groups a manifest grants to a domain. Every ring operation
// belongs to exactly one group; an operation outside the domain's groups
// completes with -EPERM. Names are what manifests write.
#pragma once

#include <stdint.h>

namespace uk {

enum class Capability : uint32_t {
  kDebug = 1u << 0,       // "debug":   DebugPrint
  kDomainInfo = 1u << 1,  // "info":    GetDomainId, GetParentId
  kTime = 1u << 2,        // "time":    GetTimeNs
  kYield = 1u << 3,       // "yield":   Yield
  kExit = 1u << 4,        // "exit":    DomainExit
  kMemory = 1u << 5,      // "memory":  MapAnonymous, Munmap, Mprotect, ReadUser, WriteUser
  kThreads = 1u << 6,     // "threads": ThreadCreate, ThreadExit, BlockThread, FutexWake
  kRandom = 1u << 7,      // "random":  GetRandom
  kFiles = 1u << 8,       // "files":   Vfs*
  kNet = 1u << 9,         // "net":     Net*
  kSignals = 1u << 10,    // "signals": SendSignal, CheckSignals
};

using CapabilitySet = uint32_t;

[[nodiscard]] constexpr bool has_capability(CapabilitySet set, Capability c) {
  return (set & static_cast<uint32_t>(c)) != 0;
}

struct CapabilityName {
  const char* name;
  Capability capability;
};

inline constexpr CapabilityName kCapabilityNames[] = {
    {"debug", Capability::kDebug},   {"info", Capability::kDomainInfo}, {"time", Capability::kTime},
    {"yield", Capability::kYield},   {"exit", Capability::kExit},       {"memory", Capability::kMemory},
    {"threads", Capability::kThreads}, {"random", Capability::kRandom}, {"files", Capability::kFiles},
    {"net", Capability::kNet},       {"signals", Capability::kSignals},
};

// The group an opcode belongs to; 0 for opcodes the ABI does not define.
[[nodiscard]] uint32_t capability_for_opcode(uint16_t opcode);

}  // namespace uk
