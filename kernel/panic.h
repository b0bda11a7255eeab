// Kernel panic: a kernel bug was detected. Prints the message and a
// backtrace, then stops the machine (see platform.h: platform_halt_after_panic).
#pragma once

namespace uk {

[[noreturn]] void panic(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

}  // namespace uk
