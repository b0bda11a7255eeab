// Domain life cycle: created from the image's bundle at boot, run until they
// exit or are killed, summarised when the last one stops. The architecture
// calls the domain_on_* events from its exception handlers with the current
// domain's registers saved in Domain::regs, and then resumes whichever
// domain the event returns (its Domain::regs).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "kernel/domain/domain.h"
#include "kernel/lib/result.h"

namespace uk {

class PageAllocator;

// What the architecture reports when a domain faults.
struct DomainFault {
  const char* cause = "";        // "Data abort from a lower exception level", ...
  const char* detail = "";       // "translation fault, level 3", ... (may be empty)
  uint64_t address = 0;          // faulting address (VA or IPA as `address_kind` says)
  const char* address_kind = "address";
  uint64_t pc = 0;
  bool address_valid = true;
};

// Creates every domain described by the bundle. Errors name the domain.
[[nodiscard]] Status domains_create_from_bundle(const void* bundle, size_t bytes, PageAllocator& pages);

// Number of domains created.
[[nodiscard]] size_t domain_count();

// Picks the first domain; nullptr when there is none.
[[nodiscard]] Domain* domains_first();

// syscall: x8 holds the number, x0.. the arguments; the result goes to x0.
[[nodiscard]] Domain* domain_on_svc(Domain& current);
[[nodiscard]] Domain* domain_on_fault(Domain& current, const DomainFault& fault);
// The domain executed WFI/WFE: it has nothing to do right now.
[[nodiscard]] Domain* domain_on_idle(Domain& current);
// An interrupt arrived while `current` ran (the quantum may have ended).
[[nodiscard]] Domain* domain_on_interrupt(Domain& current);

// Prints the one-line summary and powers off (status 0 if no domain was killed).
[[noreturn]] void domains_finish();

// Timer deadline for the domain about to run (round-robin quantum), or 0
// when it is alone and needs no preemption.
[[nodiscard]] uint64_t domain_quantum_deadline(const Domain& next);

}  // namespace uk
