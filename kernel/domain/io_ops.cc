#include "kernel/domain/io_ops.h"

#include "kernel/console/console.h"
#include "kernel/hal.h"
#include "kernel/time/clock.h"
#include "kernel/mm/page_allocator.h"

namespace uk {

extern Domain g_domains[kMaxDomains];
extern size_t g_domain_count;

namespace {

using ukernel::sys::KernelOp;

// Pages for writable in-memory files, shared by all domains (each within its
// own storage quota).
constexpr size_t kFilePoolPages = 256;

vfs::Vfs g_vfs;

constexpr int64_t neg(Errno e) { return -static_cast<int64_t>(e); }

template <typename T>
int64_t result_or_errno(const Result<T>& r) {
  return r.ok() ? static_cast<int64_t>(r.value()) : neg(r.error());
}

int64_t status_or_errno(Status s) { return s.ok() ? 0 : neg(s.error()); }

uint64_t now_ns() { return kernel_clock().to_ns(hal::timer_now_ticks()); }

}  // namespace

void vfs_boot_init(const void* archive, size_t archive_bytes, PageAllocator& pages) {
  vfs::VfsConfig config;
  config.archive = archive;
  config.archive_bytes = archive_bytes;
  config.now_ns = now_ns;
  Result<PhysAddr> pool = pages.alloc_pages(kFilePoolPages);
  if (pool.ok()) {
    config.pool = reinterpret_cast<void*>(pool->value());
    config.pool_bytes = kFilePoolPages * kPageSize;
  }
  vfs::VfsInitError error;
  if (!vfs::vfs_init(g_vfs, config, &error).ok()) {
    kprintf("vfs: the image's file archive is unusable: %s; files are unavailable\n", error.message);
    return;
  }
  kprintf("vfs: %zu read-only entries from the image, %zu KiB for writable files\n", g_vfs.archive_count,
          vfs::vfs_free_pages(g_vfs) * 4);
}

Status vfs_attach(Domain& d, const vfs::PathGrant* grants, size_t count, uint64_t storage_bytes) {
  if (!g_vfs.ready) return kOkStatus;  // every Vfs op then fails cleanly (-EIO)
  return vfs::vfs_attach_domain(g_vfs, d.files, d.id, grants, count, storage_bytes);
}

int64_t op_vfs(Domain& d, const ukernel::sys::SubmitEntry& e) {
  if (!g_vfs.ready || d.files.vfs == nullptr) return neg(Errno::kIo);
  vfs::DomainFiles& files = d.files;
  const uint64_t* a = e.args;
  switch (static_cast<KernelOp>(e.opcode)) {
    case KernelOp::VfsOpen: {
      if (a[4] != 0 || a[1] > vfs::kMaxPathBytes) return neg(a[4] != 0 ? Errno::kInval : Errno::kNameTooLong);
      Result<void*> path = user_range(d, a[0], a[1], Access::kRead);
      if (!path.ok()) return neg(path.error());
      // Copy first: the path must not change between checking and using it.
      char copy[vfs::kMaxPathBytes];
      const auto* src = static_cast<const volatile char*>(*path);
      for (uint64_t i = 0; i < a[1]; ++i) copy[i] = src[i];
      return result_or_errno(vfs::vfs_open(files, copy, a[1], a[2], a[3]));
    }
    case KernelOp::VfsRead:
    case KernelOp::VfsWrite: {
      if (a[4] != 0 || a[2] > vfs::kMaxIoBytes) return neg(Errno::kInval);
      const bool read = static_cast<KernelOp>(e.opcode) == KernelOp::VfsRead;
      Result<void*> buf = user_range(d, a[1], a[2], read ? Access::kWrite : Access::kRead);
      if (!buf.ok()) return neg(buf.error());
      return read ? result_or_errno(vfs::vfs_read(files, a[0], *buf, a[2], a[3]))
                  : result_or_errno(vfs::vfs_write(files, a[0], *buf, a[2], a[3]));
    }
    case KernelOp::VfsStat: {
      if (a[3] != 0) return neg(Errno::kInval);
      if (Status s = vfs::vfs_stat_args_ok(a[2], a[4]); !s.ok()) return neg(s.error());
      Result<void*> buf = user_range(d, a[1], a[2], Access::kWrite);
      if (!buf.ok()) return neg(buf.error());
      return result_or_errno(vfs::vfs_stat_copy(files, a[0], *buf, a[2], a[4]));
    }
    case KernelOp::VfsClose:
      if (a[1] != 0 || a[2] != 0 || a[3] != 0 || a[4] != 0) return neg(Errno::kInval);
      return status_or_errno(vfs::vfs_close(files, a[0]));
    case KernelOp::VfsSeek:
      if (a[1] != 0 || a[2] != 0) return neg(Errno::kInval);
      return result_or_errno(vfs::vfs_seek(files, a[0], static_cast<int64_t>(a[3]), a[4]));
    case KernelOp::VfsTruncate:
      if (a[1] != 0 || a[2] != 0 || a[4] != 0) return neg(Errno::kInval);
      return status_or_errno(vfs::vfs_truncate(files, a[0], a[3]));
    case KernelOp::VfsSync:
      if (a[1] != 0 || a[2] != 0 || a[3] != 0) return neg(Errno::kInval);
      return status_or_errno(vfs::vfs_sync(files, a[0], a[4]));
    default:
      return neg(Errno::kNoSys);
  }
}

int64_t op_send_signal(Domain& d, const ukernel::sys::SubmitEntry& e) {
  if (e.args[2] != 0 || e.args[3] != 0 || e.args[4] != 0) return neg(Errno::kInval);
  if (e.args[0] > UINT32_MAX || e.args[1] > UINT32_MAX) return neg(Errno::kInval);
  const uint32_t target_id = static_cast<uint32_t>(e.args[0]);
  Domain* target = nullptr;
  for (size_t i = 0; i < g_domain_count; ++i) {
    if (g_domains[i].id == target_id && g_domains[i].state == DomainState::kReady) target = &g_domains[i];
  }
  const Status s = signals::send_signal(d.signals, d.id, target_id, target != nullptr ? &target->signals : nullptr,
                                        static_cast<uint32_t>(e.args[1]));
  // The target learns through SIGNAL_PENDING on its next completion.
  if (s.ok() && target != nullptr) signals::arm_completion_flag(target->signals, target->ring);
  return status_or_errno(s);
}

int64_t op_check_signals(Domain& d, const ukernel::sys::SubmitEntry& e) {
  for (uint64_t arg : e.args) {
    if (arg != 0) return neg(Errno::kInval);
  }
  return static_cast<int64_t>(signals::check_signals(d.signals));
}

}  // namespace uk
