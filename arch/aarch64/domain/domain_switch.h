// Entering and switching native domains on AArch64.
#pragma once

#include "arch/aarch64/exceptions/trap_frame.h"
#include "kernel/domain/domain.h"

namespace uk::arch {

// On each core once bring-up is done: sets up EL1&0 for domains and starts
// this core's first thread at EL0 (waiting, idle, until it has one). The
// boot CPU passes `release_other_cores`: it starts the schedule's epoch,
// then calls it to let the other cores go (they pass nullptr). Never
// returns: from now on the kernel runs only in exception handlers.
[[noreturn]] void enter_scheduler(void (*release_other_cores)());

// With FEAT_FGT the kernel traps EL0's svc directly; `false` keeps the EL1
// gateway (bootarg ukernel.svc=gateway), e.g. to measure one against the other.
void allow_direct_svc_trap(bool allow);

// Every exception from EL0/EL1 (a domain) comes here from the vectors.
void handle_lower_el_exception(TrapFrame& frame, VectorKind kind);

}  // namespace uk::arch
