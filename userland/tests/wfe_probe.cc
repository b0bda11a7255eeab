// experiment (not committed)
#include <ukernel/ring.h>
#include <ukernel/thread.h>
namespace {
alignas(16) unsigned char g_stack[8192];
uint32_t g_flag = 0;
uint64_t g_spins = 0;
void setter(void*) { __atomic_store_n(&g_flag, 1u, __ATOMIC_RELEASE); }
}
int main() {
    ukernel::Thread t;
    const int64_t t0 = ukernel::time_ns();
    t.start(setter, nullptr, g_stack, sizeof g_stack);
    while (__atomic_load_n(&g_flag, __ATOMIC_ACQUIRE) == 0) { ++g_spins; asm volatile("wfi" ::: "memory"); }
    const int64_t t1 = ukernel::time_ns();
    ukernel::printf("wfe_probe: %llu wfe, %lld ns\n", (unsigned long long)g_spins, (long long)(t1 - t0));
    uint64_t n = 0; const int64_t t2 = ukernel::time_ns();
    for (int i = 0; i < 1000; ++i) { asm volatile("wfe" ::: "memory"); ++n; }
    ukernel::printf("wfe_probe: 1000 lone wfe in %lld ns\n", (long long)(ukernel::time_ns() - t2));
    t.join();
    return 0;
}
