// The ring operations a domain may run, behind one capability check.
#pragma once

#include <ukernel/sys.h>

#include "kernel/ring/ring_processor.h"

namespace uk {

// Longest DebugPrint accepted; longer requests complete with -EINVAL.
inline constexpr uint64_t kMaxDebugPrintBytes = 1024;

// OpHandler for process_submit; `thread` is the calling Thread.
[[nodiscard]] OpResult run_domain_op(void* thread, const ukernel::sys::SubmitEntry& entry);

}  // namespace uk
