// Entering and switching native domains on AArch64.
#pragma once

#include "arch/aarch64/exceptions/trap_frame.h"
#include "kernel/domain/domain.h"

namespace uk::arch {

// Sets up this core's EL1&0 registers for domains (the boot CPU reports
// which svc path is in use).
void prepare_domains_on_this_core(bool report);

// On each core once its domain registers are set and the schedule's epoch
// has started: runs this core's first thread at EL0 (waiting, idle, until it
// has one). Never returns: from now on the kernel runs only in exception
// handlers.
[[noreturn]] void enter_scheduler();

// With FEAT_FGT the kernel traps EL0's svc directly; `false` keeps the EL1
// gateway (bootarg ukernel.svc=gateway), e.g. to measure one against the other.
void allow_direct_svc_trap(bool allow);

// Every exception from EL0/EL1 (a domain) comes here from the vectors.
void handle_lower_el_exception(TrapFrame& frame, VectorKind kind);

}  // namespace uk::arch
