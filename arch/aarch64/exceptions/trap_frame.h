// Register state saved by the EL2 vectors (vectors.S). The layout is shared
// with the assembly: keep the offsets asserted below in step with it.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace uk::arch {

struct TrapFrame {
  uint64_t x[31];  // x0..x30
  uint64_t elr;
  uint64_t spsr;
  uint64_t sp;     // stack pointer of the interrupted context
  uint64_t esr;
  uint64_t far;
};
static_assert(sizeof(TrapFrame) == 288);
static_assert(offsetof(TrapFrame, elr) == 248);
static_assert(offsetof(TrapFrame, spsr) == 256);
static_assert(offsetof(TrapFrame, sp) == 264);
static_assert(offsetof(TrapFrame, esr) == 272);

// Which of the 16 vector slots was taken.
enum class VectorKind : uint64_t {
  kCurrentSp0Sync = 0, kCurrentSp0Irq, kCurrentSp0Fiq, kCurrentSp0SError,
  kCurrentSpxSync, kCurrentSpxIrq, kCurrentSpxFiq, kCurrentSpxSError,
  kLower64Sync, kLower64Irq, kLower64Fiq, kLower64SError,
  kLower32Sync, kLower32Irq, kLower32Fiq, kLower32SError,
};

}  // namespace uk::arch

// Called by vectors.S with the saved frame; returns to the frame's context.
extern "C" void uk_handle_exception(uk::arch::TrapFrame* frame, uk::arch::VectorKind kind);
