// Arm semihosting, used only by test images: the debugger/emulator (QEMU with
// -semihosting-config enable=on) performs the call. Production images never
// link this library.
#pragma once

namespace uk::arch {

// SYS_EXIT with ADP_Stopped_ApplicationExit: QEMU exits with `status`.
[[noreturn]] void semihosting_exit(int status);

}  // namespace uk::arch
