// printf-style formatting without floating point (the kernel is built with
// -mgeneral-regs-only). Supports %s %c %d %i %u %x %X %p %% with the
// flags '-' and '0', a width, and the length modifiers l, ll and z.
#pragma once

#include <stdarg.h>
#include <stddef.h>

namespace uk {

// Formats into buf (always NUL-terminated when cap > 0). Returns the length the
// full output would have had, like vsnprintf.
size_t vformat(char* buf, size_t cap, const char* fmt, va_list args);
size_t format(char* buf, size_t cap, const char* fmt, ...) __attribute__((format(printf, 3, 4)));

}  // namespace uk
