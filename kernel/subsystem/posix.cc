// The native/posix subsystem: EL0 programs built with the ukernel runtime,
// talking to the kernel only through the ring. Nothing to prepare beyond
// what the loader does for every native domain.
#include "kernel/subsystem/subsystem.h"

UK_SUBSYSTEM(uk_subsystem_posix, "posix", nullptr);
