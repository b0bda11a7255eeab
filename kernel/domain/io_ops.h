// File and signal operations of the ring (docs/vfs.md, docs/signals.md):
// user pointers are checked and translated here, the work is done by
// kernel/vfs and kernel/signals.
#pragma once

#include <stddef.h>

#include <ukernel/sys.h>

#include "kernel/domain/domain.h"

namespace uk {

class PageAllocator;

// Sets up the one file tree: the read-only cpio archive packed into the
// image plus a pool of pages for writable files. Prints what it found.
void vfs_boot_init(const void* archive, size_t archive_bytes, PageAllocator& pages);
// Gives a domain its handle table, path grants and file storage quota.
[[nodiscard]] Status vfs_attach(Domain& d, const vfs::PathGrant* grants, size_t count, uint64_t storage_bytes);

[[nodiscard]] int64_t op_vfs(Domain& d, const ukernel::sys::SubmitEntry& e);
[[nodiscard]] int64_t op_send_signal(Domain& d, const ukernel::sys::SubmitEntry& e);
[[nodiscard]] int64_t op_check_signals(Domain& d, const ukernel::sys::SubmitEntry& e);

}  // namespace uk
