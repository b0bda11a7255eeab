// intruder: reads memory that is not its own. The kernel must stop it with
// a fault report naming the domain, the cause and the address, and every
// other domain must carry on. It says what it is about to do first, and
// yields a few times so a victim's output interleaves.
//
// Targets, tried in order from INTRUDER_FIRST (0 unless set by copts); the
// first one should already be fatal, the others only run if isolation is
// broken:
//   0  0x40000000             start of RAM on QEMU virt: the DTB and the
//                             kernel image; another domain's pages are
//                             there too. Not mapped in any domain.
//   1  0x00007fff80000000     a high user VA between the ring and the svc
//                             gateway: never mapped.
//   2  0xffff000040000000     a kernel-half (TTBR1) VA: EL0 has no TTBR1.
//   3  0x00007fffffff0000     the svc gateway page: EL1-only.
// Capabilities: debug yield exit.
#include <ukernel/ring.h>

#ifndef INTRUDER_FIRST
#define INTRUDER_FIRST 0
#endif

namespace {

struct Target {
    uint64_t address;
    const char* what;
};

constexpr Target kTargets[] = {
    {0x0000'0000'4000'0000, "physical RAM start (kernel image, other domains)"},
    {0x0000'7fff'8000'0000, "unmapped high user VA"},
    {0xffff'0000'4000'0000, "kernel-half VA"},
    {0x0000'7fff'ffff'0000, "EL1-only svc gateway page"},
};

}  // namespace

int main() {
    for (int i = 1; i <= 2; ++i) {
        ukernel::printf("intruder: warming up %d of 2\n", i);
        ukernel::yield();
    }
    int survived = 0;
    for (unsigned i = INTRUDER_FIRST; i < sizeof kTargets / sizeof kTargets[0]; ++i) {
        const Target& t = kTargets[i];
        ukernel::printf("intruder: about to read 0x%016llx (%s); expect the kernel to stop me\n",
                        static_cast<unsigned long long>(t.address), t.what);
        const uint64_t value = *reinterpret_cast<const volatile uint64_t*>(t.address);
        ++survived;
        ukernel::printf("intruder: read 0x%016llx at 0x%016llx: ISOLATION BROKEN\n",
                        static_cast<unsigned long long>(value), static_cast<unsigned long long>(t.address));
    }
    ukernel::printf("intruder: survived %d reads that should have faulted\n", survived);
    return 1;
}
