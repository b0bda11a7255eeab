// capability_for_opcode (kernel/domain/capabilities.h) against an independent
// table: every opcode of the ABI, written as a literal, with the group the
// header's comments assign to it.
#include "kernel/domain/capabilities.h"

#include <cstdint>
#include <set>

#include <gtest/gtest.h>

#include <ukernel/sys.h>

namespace {

using uk::Capability;
using uk::capability_for_opcode;

struct Row {
  uint16_t opcode;
  const char* name;
  Capability group;
};

// Opcode values as published (docs/abi.md), groups as capabilities.h lists.
constexpr Row kTable[] = {
    {0x0001, "MapAnonymous", Capability::kMemory},
    {0x0002, "Munmap", Capability::kMemory},
    {0x0003, "Mprotect", Capability::kMemory},
    {0x0004, "ReadUser", Capability::kMemory},
    {0x0005, "WriteUser", Capability::kMemory},
    {0x0100, "Yield", Capability::kYield},
    {0x0101, "BlockThread", Capability::kThreads},
    {0x0102, "ThreadCreate", Capability::kThreads},
    {0x0103, "ThreadExit", Capability::kThreads},
    {0x0104, "FutexWake", Capability::kThreads},
    {0x0200, "GetTimeNs", Capability::kTime},
    {0x0201, "GetRandom", Capability::kRandom},
    {0x0400, "VfsOpen", Capability::kFiles},
    {0x0401, "VfsRead", Capability::kFiles},
    {0x0402, "VfsWrite", Capability::kFiles},
    {0x0403, "VfsStat", Capability::kFiles},
    {0x0404, "VfsClose", Capability::kFiles},
    {0x0405, "VfsSeek", Capability::kFiles},
    {0x0406, "VfsTruncate", Capability::kFiles},
    {0x0407, "VfsSync", Capability::kFiles},
    {0x0500, "NetConnect", Capability::kNet},
    {0x0501, "NetListen", Capability::kNet},
    {0x0502, "NetAccept", Capability::kNet},
    {0x0503, "NetSend", Capability::kNet},
    {0x0504, "NetRecv", Capability::kNet},
    {0x0505, "NetClose", Capability::kNet},
    {0x0510, "NetUdpBind", Capability::kNet},
    {0x0511, "NetUdpSend", Capability::kNet},
    {0x0512, "NetUdpRecv", Capability::kNet},
    {0x0600, "SendSignal", Capability::kSignals},
    {0x0601, "CheckSignals", Capability::kSignals},
    {0x0F00, "DebugPrint", Capability::kDebug},
    {0x1000, "DomainExit", Capability::kExit},
    {0x1001, "GetDomainId", Capability::kDomainInfo},
    {0x1002, "GetParentId", Capability::kDomainInfo},
};

TEST(CapabilityForOpcode, TableCoversAllThirtyFiveAbiOpcodes) {
  std::set<uint16_t> ops;
  for (const Row& r : kTable) ops.insert(r.opcode);
  EXPECT_EQ(ops.size(), 35u);
}

TEST(CapabilityForOpcode, EveryAbiOpcodeMapsToItsGroup) {
  for (const Row& r : kTable) {
    EXPECT_EQ(capability_for_opcode(r.opcode), static_cast<uint32_t>(r.group)) << r.name;
  }
}

TEST(CapabilityForOpcode, HeaderEnumeratorsAgreeWithTheTable) {
  namespace sys = ukernel::sys;
  using K = sys::KernelOp;
  const struct {
    K op;
    uint16_t literal;
  } pairs[] = {
      {K::MapAnonymous, 0x0001}, {K::DebugPrint, 0x0F00}, {K::DomainExit, 0x1000},
      {K::GetDomainId, 0x1001},  {K::GetParentId, 0x1002}, {K::NetUdpRecv, 0x0512},
  };
  for (const auto& p : pairs) {
    EXPECT_EQ(capability_for_opcode(static_cast<uint16_t>(p.op)), capability_for_opcode(p.literal));
  }
}

TEST(CapabilityForOpcode, EveryGroupIsOneNamedBit) {
  std::set<uint32_t> named;
  for (const auto& n : uk::kCapabilityNames) named.insert(static_cast<uint32_t>(n.capability));
  for (const Row& r : kTable) {
    const uint32_t g = capability_for_opcode(r.opcode);
    EXPECT_NE(g, 0u) << r.name;
    EXPECT_EQ(g & (g - 1), 0u) << r.name << " maps to more than one group";
    EXPECT_EQ(named.count(g), 1u) << r.name << " maps to a group without a manifest name";
  }
}

TEST(CapabilityForOpcode, EveryGroupHasAtLeastOneOpcode) {
  std::set<uint32_t> used;
  for (const Row& r : kTable) used.insert(capability_for_opcode(r.opcode));
  for (const auto& n : uk::kCapabilityNames) {
    EXPECT_EQ(used.count(static_cast<uint32_t>(n.capability)), 1u) << n.name;
  }
}

TEST(CapabilityForOpcode, OpcodesOutsideTheAbiHaveNoGroup) {
  for (uint16_t op : {0x0000, 0x0006, 0x00FF, 0x0105, 0x0202, 0x0300, 0x0408, 0x0506, 0x0513, 0x0602,
                      0x0F01, 0x1003, 0xBEEF, 0xFFFF}) {
    EXPECT_EQ(capability_for_opcode(op), 0u) << std::hex << op;
  }
  // Exhaustively: exactly the 35 published opcodes have a group.
  int with_group = 0;
  for (uint32_t op = 0; op <= 0xFFFF; ++op) with_group += capability_for_opcode(static_cast<uint16_t>(op)) != 0;
  EXPECT_EQ(with_group, 35);
}

TEST(CapabilityForOpcode, HasCapabilityChecksTheGroupBit) {
  const uk::CapabilitySet set = static_cast<uint32_t>(Capability::kDebug) | static_cast<uint32_t>(Capability::kExit);
  EXPECT_TRUE(uk::has_capability(set, Capability::kDebug));
  EXPECT_TRUE(uk::has_capability(set, Capability::kExit));
  EXPECT_FALSE(uk::has_capability(set, Capability::kMemory));
  EXPECT_FALSE(uk::has_capability(0, Capability::kDebug));
}

}  // namespace
