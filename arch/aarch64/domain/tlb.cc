// TLB maintenance for a domain's translation tables (domain_regs.h). Kept
// apart from address_space.cc so that the table logic builds for host tests.
#include "arch/aarch64/domain/domain_regs.h"

namespace uk::arch {

void invalidate_domain_tlb() {
  // Make the table writes visible to the walkers, drop every stage-1 and
  // stage-2 entry of the current VMID on every core, and wait for it.
  asm volatile(
      "dsb ishst\n"
      "tlbi vmalls12e1is\n"
      "dsb ish\n"
      "isb" ::: "memory");
}

}  // namespace uk::arch
