/*
 * ukernel/format.h -- printf-style formatting for freestanding domain code.
 *
 * No FP/SIMD in domains (-mgeneral-regs-only), so no %f/%e/%g/%a.
 * Supported: %d %i %u %x %X %o %c %s %p %%, flags '-' '0' '+' ' ' '#',
 * width and precision (also '*'), length modifiers hh h l ll z j t.
 * Output is always NUL-terminated when size > 0; the return value is the
 * length the full output would have had (like C99 snprintf).
 */
#ifndef UKERNEL_FORMAT_H
#define UKERNEL_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

int uk_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int uk_snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#ifdef __cplusplus
}
#endif

#endif /* UKERNEL_FORMAT_H */
