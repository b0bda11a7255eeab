#include "kernel/console/console.h"

#include "kernel/console/format.h"

namespace uk {
namespace {
ConsoleWriteFn g_sink = nullptr;
ConsolePollFn g_poll = nullptr;
}  // namespace

void console_set_sink(ConsoleWriteFn sink) { g_sink = sink; }
void console_set_input(ConsolePollFn poll) { g_poll = poll; }
bool console_poll_char(char* out) { return g_poll != nullptr && g_poll(out); }

void console_write(const char* text, size_t length) {
  if (g_sink != nullptr) g_sink(text, length);
}

void vkprintf(const char* fmt, va_list args) {
  // Lines longer than this are cut; kernel messages are short by design and a
  // fixed buffer keeps logging usable from exception context.
  char line[512];
  size_t n = vformat(line, sizeof line, fmt, args);
  if (n >= sizeof line) n = sizeof line - 1;
  console_write(line, n);
}

void kprintf(const char* fmt, ...) {
  va_list args;
  va_start(args, fmt);
  vkprintf(fmt, args);
  va_end(args);
}

}  // namespace uk
