// Boot self-test for the deliberate-fault image: a load from an address the
// EL2 tables do not map must end in the panic report (exception class, ESR,
// FAR, ELR, SPSR, registers, backtrace), never in silence.
#include <stdint.h>

#include "kernel/console/console.h"
#include "kernel/main.h"

namespace uk {
namespace {

// Far above any RAM or device the kernel maps, inside the 48-bit range.
constexpr uint64_t kUnmappedAddress = 0x0000dead00000000ull;

[[gnu::noinline]] uint64_t load_from(uint64_t address) {
  return *reinterpret_cast<volatile uint64_t*>(address);
}

[[gnu::noinline]] uint64_t provoke_fault() { return load_from(kUnmappedAddress) + 1; }

}  // namespace

void run_boot_selftests() {
  kprintf("selftest: loading from unmapped address 0x%lx\n", static_cast<unsigned long>(kUnmappedAddress));
  const uint64_t value = provoke_fault();
  kprintf("selftest: FAILED: the load returned 0x%lx instead of faulting\n", static_cast<unsigned long>(value));
}

}  // namespace uk
