/* hello_c: the C API. Queues GetDomainId and GetParentId by hand, submits
 * both with one SYS_SUBMIT, reaps the two completions, then prints with
 * uk_printf and exits with main's return value.
 * Capabilities: debug info exit. */
#include <ukernel/ring.h>

int main(void) {
    if (uk_ring_queue(UK_OP_GET_DOMAIN_ID, NULL, 1, UK_SUBMIT_NEED_COMPLETION) < 0 ||
        uk_ring_queue(UK_OP_GET_PARENT_ID, NULL, 2, UK_SUBMIT_NEED_COMPLETION) < 0) {
        uk_debug_print("hello_c: ring full?\n");
        return 1;
    }
    const int64_t consumed = uk_ring_submit();
    struct uk_completion done[2];
    const uint32_t n = uk_ring_reap(done, 2);
    if (consumed != 2 || n != 2 || done[0].user_data != 1 || done[1].user_data != 2 || done[0].result < 0 ||
        done[1].result < 0) {
        uk_printf("hello_c: unexpected: consumed %lld, %u completions\n", (long long)consumed, n);
        return 1;
    }
    for (int i = 1; i <= 3; ++i) {
        uk_printf("hello_c from domain %lld (parent %lld) (%d/3)\n", (long long)done[0].result,
                  (long long)done[1].result, i);
    }
    return 0;
}
