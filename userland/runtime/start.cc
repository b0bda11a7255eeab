// Start-up work done in C++ after crt0.S has zeroed .bss.
#include <ukernel/ring.h>
#include <ukernel/runtime.h>

namespace {
uint64_t g_domain_id;
uint64_t g_ring_addr;
}  // namespace

using InitFunction = void (*)();

extern "C" {
// domain.ld
extern InitFunction __preinit_array_start[], __preinit_array_end[];
extern InitFunction __init_array_start[], __init_array_end[];

void __uk_runtime_init(uint64_t domain_id, uint64_t ring_addr) noexcept;

void __uk_runtime_init(uint64_t domain_id, uint64_t ring_addr) noexcept {
    g_domain_id = domain_id;
    g_ring_addr = ring_addr;
    for (InitFunction* f = __preinit_array_start; f != __preinit_array_end; ++f) (*f)();
    for (InitFunction* f = __init_array_start; f != __init_array_end; ++f) (*f)();
}

uint64_t uk_startup_domain_id(void) { return g_domain_id; }
uint64_t uk_startup_ring_addr(void) { return g_ring_addr; }

void uk_abort(void) {
    uk_debug_print("abort\n");
    uk_exit(UK_EXIT_ABORT);
}

}  // extern "C"
