// chatter_a / chatter_b: numbered lines with a Yield after each, so two
// chatters running side by side interleave: a 1, b 1, a 2, b 2, ...
// Capabilities: debug yield exit.
#pragma once

#include <ukernel/ring.h>

namespace chatter {

inline constexpr int kLines = 5;

inline int run(const char* who) {
    for (int i = 1; i <= kLines; ++i) {
        ukernel::printf("%s: line %d of %d\n", who, i, kLines);
        const int64_t rc = ukernel::yield();
        if (rc < 0) {
            ukernel::printf("%s: yield failed: %lld\n", who, static_cast<long long>(rc));
            return 1;
        }
    }
    ukernel::printf("%s: done\n", who);
    return 0;
}

}  // namespace chatter
