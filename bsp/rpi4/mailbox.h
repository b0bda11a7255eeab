// The VideoCore mailbox, used for the property interface (channel 8): hands a
// PropertyMessage to the firmware and waits, bounded, for its answer.
//
// Works with the MMU and data cache off (board_console_init) and on
// (board_late_init): the message is cleaned to the point of coherency before
// the VideoCore reads it and invalidated before the ARM reads the answer, by
// virtual address (identity-mapped, so also the physical address).
#pragma once

#include <stdint.h>

#include "bsp/rpi4/property.h"
#include "kernel/lib/result.h"

namespace uk::bsp::rpi4 {

// Sends `msg` (closed here if it is not yet) through the mailbox at `base`
// (CPU physical address of "brcm,bcm2835-mbox"). Errors: kInval (message does
// not fit or lies outside the VideoCore's 1 GiB window), kTimedOut (the
// firmware did not take or answer it within 500 ms), kIo (the firmware
// answered with an error code).
[[nodiscard]] Status mailbox_property_call(uint64_t base, PropertyMessage& msg);

}  // namespace uk::bsp::rpi4
