// mmap_hostile: attacks MapAnonymous and the system call the way a hostile
// domain would, using only the published ABI (issue 16), and prints one line
// per case with what it got:
//   - MAP_FIXED outside the mmap window [0x1000_0000_0000, 0x7000_0000_0000):
//     the stack guard page, between stack and ring, the ring, the window's
//     end, beyond 48 bits: -EINVAL (an unsigned underflow once let every
//     address above the window through);
//   - hints outside the window: placed inside it instead;
//   - MAP_FIXED at the svc gateway page: -EINVAL (its failed clean-up once
//     unmapped the gateway, and the domain then looped at EL1 forever);
//   - after a MAP_FIXED whose stage-1 map fails, fresh mappings still work
//     (a stale stage-2 entry of the freed page once made them -EEXIST);
//   - svc #imm with imm != 0 and x8 = SYS_SUBMIT: -ENOSYS, nothing consumed.
// Then "mmap_hostile: N of N cases ok" and, last, a deliberate read of an
// unmapped address: that fault travels through the gateway (also under
// FEAT_FGT, where svc does not), so the kernel must stop the domain with a
// normal report. The victim beside it must finish intact.
// Capabilities: debug yield exit memory info.
#include <ukernel/format.h>
#include <ukernel/ring.h>

namespace {

// kernel/domain/layout.h
constexpr uint64_t kMmapBase = 0x0000'1000'0000'0000;
constexpr uint64_t kMmapLimit = 0x0000'7000'0000'0000;
constexpr uint64_t kStackTop = 0x0000'7ffe'0000'0000;
constexpr uint64_t kStackBytes = 16 * 1024;  // mmap_hostile.manifest
constexpr uint64_t kRingBase = 0x0000'7fff'0000'0000;
constexpr uint64_t kGatewayBase = 0x0000'7fff'ffff'0000;
constexpr uint64_t kPage = 4096;
constexpr uint64_t kRw = UK_PROT_READ | UK_PROT_WRITE;

int g_cases = 0;
int g_ok = 0;

const char* errno_name(int64_t rc) {
    switch (-rc) {
        case UK_EINVAL: return "EINVAL";
        case UK_EEXIST: return "EEXIST";
        case UK_ENOMEM: return "ENOMEM";
        case UK_ENOSYS: return "ENOSYS";
        case UK_EPERM: return "EPERM";
        case UK_EFAULT: return "EFAULT";
        default: return rc >= 0 ? "success" : "other";
    }
}

void report(const char* what, int64_t got, int64_t want) {
    ++g_cases;
    const bool ok = got == want;
    if (ok) ++g_ok;
    ukernel::printf("mmap_hostile: %s: %lld (%s)%s\n", what, static_cast<long long>(got), errno_name(got),
                    ok ? "" : " FAIL");
}

void report_true(const char* what, int64_t got, bool ok) {
    ++g_cases;
    if (ok) ++g_ok;
    ukernel::printf("mmap_hostile: %s: %s0x%llx%s\n", what, got < 0 ? "-" : "",
                    static_cast<unsigned long long>(got < 0 ? -got : got), ok ? "" : " FAIL");
}

int64_t op(uint16_t code, uint64_t a0 = 0, uint64_t a1 = 0, uint64_t a2 = 0, uint64_t a3 = 0) {
    const uint64_t args[UK_SUBMIT_ARG_COUNT] = {a0, a1, a2, a3, 0};
    return uk_ring_call(code, args, 0);
}

int64_t map_fixed(uint64_t va, uint64_t len) { return op(UK_OP_MAP_ANONYMOUS, va, len, kRw, UK_MAP_FIXED); }

bool in_window(int64_t a, uint64_t len) {
    const uint64_t u = static_cast<uint64_t>(a);
    return a > 0 && u >= kMmapBase && u < kMmapLimit && len <= kMmapLimit - u && (u & (kPage - 1)) == 0;
}

void window() {
    const int64_t inval = -UK_EINVAL;
    report("MAP_FIXED at the stack guard page", map_fixed(kStackTop - kStackBytes - kPage, kPage), inval);
    report("MAP_FIXED between stack and ring", map_fixed(0x0000'7ffe'8000'0000, kPage), inval);
    report("MAP_FIXED over the ring", map_fixed(kRingBase, 2 * kPage), inval);
    report("MAP_FIXED at the window's end", map_fixed(kMmapLimit, kPage), inval);
    report("MAP_FIXED across the window's end", map_fixed(kMmapLimit - kPage, 2 * kPage), inval);
    report("MAP_FIXED below the window", map_fixed(kMmapBase - kPage, kPage), inval);
    const int64_t last = map_fixed(kMmapLimit - kPage, kPage);
    report("MAP_FIXED at the window's last page", last, static_cast<int64_t>(kMmapLimit - kPage));
    if (last > 0) (void)op(UK_OP_MUNMAP, static_cast<uint64_t>(last), kPage);

    // A hint outside the window is ignored: the mapping lands inside it.
    const uint64_t hints[] = {kStackTop - kStackBytes - kPage, 0x0000'7ffe'8000'0000, kGatewayBase,
                              uint64_t{1} << 48};
    for (uint64_t hint : hints) {
        const int64_t a = op(UK_OP_MAP_ANONYMOUS, hint, kPage, kRw, 0);
        ++g_cases;
        const bool ok = in_window(a, kPage);
        if (ok) ++g_ok;
        ukernel::printf("mmap_hostile: hint 0x%llx: placed at 0x%llx%s\n", static_cast<unsigned long long>(hint),
                        static_cast<unsigned long long>(a), ok ? " (inside the window)" : " FAIL");
        if (a > 0) (void)op(UK_OP_MUNMAP, static_cast<uint64_t>(a), kPage);
    }
}

void gateway() {
    report("MAP_FIXED at the svc gateway page", map_fixed(kGatewayBase, kPage), -UK_EINVAL);
    // This line itself is an svc: through the gateway on a CPU without FEAT_FGT.
    const int64_t id = op(UK_OP_GET_DOMAIN_ID);
    report_true("svc after it (GetDomainId)", id, id > 0);
}

// Mappings whose stage-1 map cannot succeed (beyond 48 bits); their pages
// must leave stage 2 before they are freed, or the next mapping that gets
// them back fails with -EEXIST.
void stale_stage2() {
    const uint64_t beyond[] = {uint64_t{1} << 48, 0xffff'ffff'ffff'f000, uint64_t{1} << 63};
    for (uint64_t va : beyond) {
        char what[64];
        uk_snprintf(what, sizeof what, "MAP_FIXED at 0x%llx", static_cast<unsigned long long>(va));
        report(what, map_fixed(va, kPage), -UK_EINVAL);
        // The page that call freed is the likeliest one for the next mapping.
        const int64_t next = op(UK_OP_MAP_ANONYMOUS, 0, kPage, kRw, 0);
        report_true("  a one-page mapping right after it", next, in_window(next, kPage));
        if (next > 0) (void)op(UK_OP_MUNMAP, static_cast<uint64_t>(next), kPage);
    }
    constexpr int kCycles = 16;
    int good = 0;
    for (int i = 0; i < kCycles; ++i) {
        const int64_t a = op(UK_OP_MAP_ANONYMOUS, 0, 4 * kPage, kRw, 0);
        if (!in_window(a, 4 * kPage)) {
            ukernel::printf("mmap_hostile: cycle %d: MapAnonymous %lld (%s)\n", i, static_cast<long long>(a),
                            errno_name(a));
            continue;
        }
        volatile uint64_t* p = reinterpret_cast<volatile uint64_t*>(a);
        p[0] = 0x5eed0000u + i;
        if (p[0] == 0x5eed0000u + i && op(UK_OP_MUNMAP, static_cast<uint64_t>(a), 4 * kPage) == 0) ++good;
    }
    report("map/touch/unmap cycles after them that failed", kCycles - good, 0);
}

// svc #imm with x8 = SYS_SUBMIT and one published entry.
int64_t svc_submit_imm1(uint64_t to_submit) {
    register uint64_t x0 asm("x0") = to_submit;
    register uint64_t x1 asm("x1") = 0;
    register uint64_t x2 asm("x2") = 0;
    register uint64_t x8 asm("x8") = UK_SYS_SUBMIT;
    asm volatile("svc #1" : "+r"(x0) : "r"(x1), "r"(x2), "r"(x8) : "memory", "cc");
    return static_cast<int64_t>(x0);
}

int64_t svc_submit_imm_ffff(uint64_t to_submit) {
    register uint64_t x0 asm("x0") = to_submit;
    register uint64_t x1 asm("x1") = 0;
    register uint64_t x2 asm("x2") = 0;
    register uint64_t x8 asm("x8") = UK_SYS_SUBMIT;
    asm volatile("svc #0xffff" : "+r"(x0) : "r"(x1), "r"(x2), "r"(x8) : "memory", "cc");
    return static_cast<int64_t>(x0);
}

void svc_immediates() {
    // Publish one GetDomainId entry by hand (the ring is idle and this
    // domain has one thread), so a wrongly served svc would consume it.
    ukernel::sys::SubmitRing* r = ukernel::Ring::domain().shared();
    const uint32_t head = __atomic_load_n(&r->submit_head, __ATOMIC_RELAXED);
    const uint32_t tail = __atomic_load_n(&r->submit_tail, __ATOMIC_ACQUIRE);
    constexpr uint64_t kTag = 0x5ec0de16;
    ukernel::sys::SubmitEntry e{};
    e.opcode = UK_OP_GET_DOMAIN_ID;
    e.flags = UK_SUBMIT_NEED_COMPLETION;
    e.user_data = kTag;
    r->submissions[head & (UK_RING_SIZE - 1)] = e;
    __atomic_store_n(&r->submit_head, head + 1, __ATOMIC_RELEASE);

    // Nothing may touch the ring until the svc #0 below (report() does).
    const int64_t imm1 = svc_submit_imm1(1);
    const int64_t imm_ffff = svc_submit_imm_ffff(1);
    const int64_t consumed = __atomic_load_n(&r->submit_tail, __ATOMIC_ACQUIRE) - tail;
    const int64_t imm0 = uk_sys_submit(1, 0, 0);
    report("svc #1 with x8 = SYS_SUBMIT", imm1, -UK_ENOSYS);
    report("svc #0xffff with x8 = SYS_SUBMIT", imm_ffff, -UK_ENOSYS);
    report("entries they consumed", consumed, 0);
    report("svc #0 then consumes it", imm0, 1);
    ukernel::Completion c;
    int64_t id = 0;
    while (ukernel::Ring::domain().reap_one(c)) {
        if (c.user_data == kTag) id = c.result;
    }
    report_true("its completion (GetDomainId)", id, id > 0);
}

}  // namespace

int main() {
    ukernel::yield();  // let the victim store its secret first
    window();
    ukernel::yield();
    gateway();
    ukernel::yield();
    stale_stage2();
    ukernel::yield();
    svc_immediates();
    ukernel::printf("mmap_hostile: %d of %d cases ok\n", g_ok, g_cases);
    ukernel::printf("mmap_hostile: now faulting on purpose at 0x1000 (through the gateway)\n");
    const uint64_t value = *reinterpret_cast<const volatile uint64_t*>(0x1000);
    ukernel::printf("mmap_hostile: read 0x%llx at 0x1000: FAIL, still alive\n", static_cast<unsigned long long>(value));
    return 1;
}
