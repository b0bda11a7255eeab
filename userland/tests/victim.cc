// victim: runs next to the intruder and must finish normally: prints
// numbered lines with a Yield after each, then exits 0.
// Capabilities: debug yield exit.
#include <ukernel/ring.h>

int main() {
    constexpr int kLines = 6;
    for (int i = 1; i <= kLines; ++i) {
        ukernel::printf("victim: line %d of %d\n", i, kLines);
        ukernel::yield();
    }
    ukernel::debug_print("victim: done, exiting 0\n");
    return 0;
}
