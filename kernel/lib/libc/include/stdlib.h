/* libfdt's environment header includes <stdlib.h>; the kernel has no heap and
 * needs nothing from it beyond size_t and NULL. */
#ifndef UKERNEL_LIBC_STDLIB_H
#define UKERNEL_LIBC_STDLIB_H
#include <stddef.h>
#endif
