#include "kernel/console/console.h"

#include <stdint.h>

#include "kernel/console/format.h"

namespace uk {
namespace {
ConsoleWriteFn g_sink = nullptr;
ConsolePollFn g_poll = nullptr;

// Keeps each kprintf's line whole when several cores print. Bounded: a core
// that panics while printing (or a stuck sink) must not silence the others
// forever, so after this many attempts the line goes out unserialised.
constexpr uint32_t kLockAttempts = 1u << 24;
uint32_t g_busy = 0;

bool lock_console() {
  for (uint32_t i = 0; i < kLockAttempts; ++i) {
    if (__atomic_load_n(&g_busy, __ATOMIC_RELAXED) == 0 && __atomic_exchange_n(&g_busy, 1u, __ATOMIC_ACQUIRE) == 0) {
      return true;
    }
  }
  return false;
}

void unlock_console() { __atomic_store_n(&g_busy, 0u, __ATOMIC_RELEASE); }
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
  const bool locked = lock_console();
  console_write(line, n);
  if (locked) unlock_console();
}

void kprintf(const char* fmt, ...) {
  va_list args;
  va_start(args, fmt);
  vkprintf(fmt, args);
  va_end(args);
}

}  // namespace uk
