// Opcode -> capability group, as listed in capabilities.h.
//
// The switch names every KernelOp and has no default, so -Wswitch (in -Wall)
// flags a KernelOp added to the ABI without a group here; values the ABI does
// not define fall out of the switch and get 0 (no group: never allowed).
#include "kernel/domain/capabilities.h"

#include <ukernel/sys.h>

namespace uk {

uint32_t capability_for_opcode(uint16_t opcode) {
  using ukernel::sys::KernelOp;
  switch (static_cast<KernelOp>(opcode)) {
    case KernelOp::DebugPrint:
      return static_cast<uint32_t>(Capability::kDebug);
    case KernelOp::GetDomainId:
    case KernelOp::GetParentId:
      return static_cast<uint32_t>(Capability::kDomainInfo);
    case KernelOp::GetTimeNs:
      return static_cast<uint32_t>(Capability::kTime);
    case KernelOp::Yield:
      return static_cast<uint32_t>(Capability::kYield);
    case KernelOp::DomainExit:
      return static_cast<uint32_t>(Capability::kExit);
    case KernelOp::MapAnonymous:
    case KernelOp::Munmap:
    case KernelOp::Mprotect:
    case KernelOp::ReadUser:
    case KernelOp::WriteUser:
      return static_cast<uint32_t>(Capability::kMemory);
    case KernelOp::ThreadCreate:
    case KernelOp::ThreadExit:
    case KernelOp::BlockThread:
    case KernelOp::FutexWake:
      return static_cast<uint32_t>(Capability::kThreads);
    case KernelOp::GetRandom:
      return static_cast<uint32_t>(Capability::kRandom);
    case KernelOp::VfsOpen:
    case KernelOp::VfsRead:
    case KernelOp::VfsWrite:
    case KernelOp::VfsStat:
    case KernelOp::VfsClose:
    case KernelOp::VfsSeek:
    case KernelOp::VfsTruncate:
    case KernelOp::VfsSync:
      return static_cast<uint32_t>(Capability::kFiles);
    case KernelOp::NetConnect:
    case KernelOp::NetListen:
    case KernelOp::NetAccept:
    case KernelOp::NetSend:
    case KernelOp::NetRecv:
    case KernelOp::NetClose:
    case KernelOp::NetUdpBind:
    case KernelOp::NetUdpSend:
    case KernelOp::NetUdpRecv:
      return static_cast<uint32_t>(Capability::kNet);
    case KernelOp::SendSignal:
    case KernelOp::CheckSignals:
      return static_cast<uint32_t>(Capability::kSignals);
  }
  return 0;  // not an opcode of the ABI
}

}  // namespace uk
