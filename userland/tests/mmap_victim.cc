// mmap_victim: runs beside mmap_hostile (issue 16) and keeps a secret: a
// pattern in its data segment and, once the hostile domain has made its
// attempts, in a fresh anonymous mapping (whose pages may be ones the hostile
// domain's failed mappings gave back). Checks both after yielding a while and
// prints "mmap_victim: secret intact (N bytes)", exit 0; or "FAIL", exit 1.
// Capabilities: debug yield exit memory.
#include <ukernel/ring.h>

namespace {

constexpr uint64_t kDataBytes = 4096;
constexpr uint64_t kMapBytes = 64 * 1024;
constexpr int kYieldsBeforeMap = 12;
constexpr int kYieldsAfterMap = 12;

uint8_t g_secret[kDataBytes];

uint8_t pattern(uint64_t i) { return static_cast<uint8_t>((i * 131 + 17) ^ (i >> 8)); }

void fill(volatile uint8_t* p, uint64_t n) {
    for (uint64_t i = 0; i < n; ++i) p[i] = pattern(i);
}

uint64_t mismatches(const volatile uint8_t* p, uint64_t n) {
    uint64_t bad = 0;
    for (uint64_t i = 0; i < n; ++i) bad += p[i] != pattern(i) ? 1 : 0;
    return bad;
}

}  // namespace

int main() {
    fill(g_secret, kDataBytes);
    for (int i = 0; i < kYieldsBeforeMap; ++i) ukernel::yield();
    const uint64_t args[UK_SUBMIT_ARG_COUNT] = {0, kMapBytes, UK_PROT_READ | UK_PROT_WRITE, 0, 0};
    const int64_t a = uk_ring_call(UK_OP_MAP_ANONYMOUS, args, 0);
    if (a <= 0) {
        ukernel::printf("mmap_victim: MapAnonymous failed (%lld): FAIL\n", static_cast<long long>(a));
        return 1;
    }
    auto* mapped = reinterpret_cast<volatile uint8_t*>(a);
    fill(mapped, kMapBytes);
    for (int i = 0; i < kYieldsAfterMap; ++i) ukernel::yield();
    const uint64_t bad = mismatches(g_secret, kDataBytes) + mismatches(mapped, kMapBytes);
    if (bad != 0) {
        ukernel::printf("mmap_victim: %llu secret bytes changed: FAIL\n", static_cast<unsigned long long>(bad));
        return 1;
    }
    ukernel::printf("mmap_victim: secret intact (%llu bytes)\n",
                    static_cast<unsigned long long>(kDataBytes + kMapBytes));
    return 0;
}
