/* GCC's <limits.h> chains to the C library's <limits.h> with #include_next
 * unless _LIBC_LIMITS_H_ says it was already seen. There is no C library after
 * GCC's directory on the freestanding path, so end the chain here. */
#ifndef _LIBC_LIMITS_H_
#define _LIBC_LIMITS_H_
#endif
#include_next <limits.h>
