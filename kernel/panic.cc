#include "kernel/panic.h"

#include <stdarg.h>

#include "kernel/console/console.h"
#include "kernel/platform.h"

namespace uk {

void panic(const char* fmt, ...) {
  kprintf("\n*** KERNEL PANIC: ");
  va_list args;
  va_start(args, fmt);
  vkprintf(fmt, args);
  va_end(args);
  kprintf("\n");
  platform_print_backtrace();
  platform_halt_after_panic();
}

}  // namespace uk
