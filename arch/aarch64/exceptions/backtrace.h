// Frame-pointer backtraces (the kernel is built with frame pointers).
#pragma once

#include <stdint.h>

namespace uk::arch {

// Runtime address the image was loaded at (for "kernel+0x..." offsets that
// match the ELF given to addr2line or gdb).
[[nodiscard]] uint64_t kernel_image_base();
// Prints pc, then each return address along the AAPCS64 frame-record chain
// starting at fp, stopping at a null, misaligned or out-of-stack record.
void print_backtrace(uint64_t pc, uint64_t fp);

}  // namespace uk::arch
