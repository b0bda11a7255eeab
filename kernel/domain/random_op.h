// GetRandom: the kernel's ChaCha20 generator (kernel/random), seeded at boot
// from the best entropy source the machine has (docs/random.md).
#pragma once

#include <ukernel/sys.h>

#include "kernel/domain/domain.h"

namespace uk {

// Seeds the generator; prints the source, and a warning when it is weak.
void random_op_init();

// GetRandom(user_buf, len, flags): fills the buffer, returns len. flags must
// be 0; len at most random::Generator::kMaxRequestBytes (256), else -EINVAL.
[[nodiscard]] int64_t op_get_random(Domain& d, const ukernel::sys::SubmitEntry& e);

}  // namespace uk
