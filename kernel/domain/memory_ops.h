// Memory operations of the ring: MapAnonymous, Munmap, Mprotect, ReadUser,
// WriteUser (docs/memory.md).
#pragma once

#include <ukernel/sys.h>

#include "kernel/domain/domain.h"
#include "kernel/ring/ring_processor.h"

namespace uk {

class PageAllocator;

// The allocator domain memory comes from (set once at boot).
void memory_ops_init(PageAllocator& pages);

[[nodiscard]] int64_t op_map_anonymous(Domain& d, const ukernel::sys::SubmitEntry& e);
[[nodiscard]] int64_t op_munmap(Domain& d, const ukernel::sys::SubmitEntry& e);
[[nodiscard]] int64_t op_mprotect(Domain& d, const ukernel::sys::SubmitEntry& e);
[[nodiscard]] int64_t op_read_user(Domain& d, const ukernel::sys::SubmitEntry& e);
[[nodiscard]] int64_t op_write_user(Domain& d, const ukernel::sys::SubmitEntry& e);

}  // namespace uk
