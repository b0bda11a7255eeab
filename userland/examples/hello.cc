// hello: the smallest domain. Prints a few lines through DebugPrint (one
// ring op each) and exits 0 (DomainExit, done by the runtime after main).
// Capabilities: debug info exit.
#include <ukernel/ring.h>

int main() {
    const int64_t id = ukernel::domain_id();  // GetDomainId through the ring
    if (id < 0) {
        ukernel::printf("hello: GetDomainId failed: %lld\n", static_cast<long long>(id));
        return 1;
    }
    for (int i = 1; i <= 3; ++i) {
        ukernel::printf("hello from domain %lld (%d/3)\n", static_cast<long long>(id), i);
    }
    return 0;
}
