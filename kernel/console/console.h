// The kernel console: one output sink (a UART driver, or a host test's
// buffer) and printf-style logging on top of it.
#pragma once

#include <stdarg.h>
#include <stddef.h>

namespace uk {

using ConsoleWriteFn = void (*)(const char* text, size_t length);
using ConsolePollFn = bool (*)(char* out);

// Installs the sink; until one is installed output is dropped.
void console_set_sink(ConsoleWriteFn sink);
// Input side: a non-blocking read of one character (none installed: no input).
void console_set_input(ConsolePollFn poll);
[[nodiscard]] bool console_poll_char(char* out);
void console_write(const char* text, size_t length);
void kprintf(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
void vkprintf(const char* fmt, va_list args);

}  // namespace uk
