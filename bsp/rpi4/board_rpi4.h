// Pi 4 services beyond bsp/board.h.
#pragma once

namespace uk::bsp::rpi4 {

// Resets the board through the PM watchdog (the firmware then boots again,
// normally); returns only if that did not happen. Needs board_console_init()
// to have found the watchdog in the device tree.
void board_reset();

}  // namespace uk::bsp::rpi4
