#include "kernel/main.h"

namespace uk {
void run_boot_selftests() {}
}  // namespace uk
