/* What the C11 translation unit abi_c_test.c sees of ukernel/sys.h, exported
 * so that the C++ GoogleTest can compare it with its independent table. */
#ifndef UKERNEL_TESTS_HOST_ABI_C_VIEW_H
#define UKERNEL_TESTS_HOST_ABI_C_VIEW_H

#include <stddef.h>
#include <stdint.h>

#include <ukernel/sys.h>

#ifdef __cplusplus
extern "C" {
#endif

/* One named number: a size, alignment, offset, constant or helper result. */
struct uk_abi_fact {
    const char *name;
    uint64_t value;
};

/* All facts as computed by the C compiler; *count receives their number. */
const struct uk_abi_fact *uk_abi_c_facts(size_t *count);

/* Fills *out through the C helper: uk_submit_entry_make(0x0402,
 * {1, 2, 3, 4, 5}, 0x1122334455667788), then flags = BARRIER. */
void uk_abi_c_make_entry(struct uk_submit_entry *out);

/* Writes recognisable values into every header field and into
 * submissions[1] / completions[2] of *ring using C member names. */
void uk_abi_c_fill_ring(struct uk_submit_ring *ring);

#ifdef __cplusplus
}
#endif

#endif
