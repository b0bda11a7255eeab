// Kernel domain objects: an isolated EL0 program with its address space,
// capability set, ring and saved registers. A fixed pool; no heap.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "kernel/domain/address_space.h"
#include "kernel/domain/capabilities.h"
#include "kernel/lib/result.h"
#include "kernel/lib/types.h"
#include "kernel/mm/page_allocator.h"
#include "kernel/ring/ring_processor.h"
#include "kernel/signals/signals.h"
#include "kernel/vfs/vfs.h"

namespace uk {

inline constexpr size_t kMaxDomains = 16;
inline constexpr size_t kMaxRegions = 32;
inline constexpr size_t kDomainNameBytes = 32;
inline constexpr size_t kMaxThreadsPerDomain = 8;
inline constexpr size_t kMaxThreads = 64;

// General registers of a domain's EL0 context (what an exception saves).
struct UserRegs {
  uint64_t x[31] = {};
  uint64_t sp = 0;      // SP_EL0
  uint64_t pc = 0;      // where EL0 resumes
  uint64_t pstate = 0;  // SPSR for the return to EL0
  uint64_t tpidr = 0;   // TPIDR_EL0
};

// One contiguous piece of the domain's memory.
struct Region {
  uint64_t va = 0;
  uint64_t size = 0;
  PhysAddr pa;
  UserPerms perms;
  bool in_use = false;
  bool anonymous = false;  // made by MapAnonymous: the only kind Munmap/Mprotect touch
  bool mapped = true;      // false while PROT_NONE (kept, but in no translation table)
};

// Kernel buffers for ReadUser/WriteUser (docs/memory.md).
inline constexpr size_t kKernelBuffers = 4;
inline constexpr size_t kKernelBufferBytes = 4096;

enum class DomainState : uint8_t { kFree, kReady, kExited, kKilled };
enum class ThreadState : uint8_t { kFree, kReady, kBlocked, kExited };

struct Domain;

// A schedulable EL0 context inside a domain.
struct Thread {
  uint32_t id = 0;  // 1-based, unique in the system
  Domain* domain = nullptr;
  char name[kDomainNameBytes] = {};
  ThreadState state = ThreadState::kFree;
  UserRegs regs;
  int64_t exit_code = 0;

  uint32_t manifest_index = 0;  // its `thread:` line in the manifest (0 = main)
  // The core it runs on for its whole life (partitioned scheduling): from
  // the bundle's placement, or the creator's core for a best-effort
  // ThreadCreate.
  uint32_t cpu = 0;

  // Real-time parameters in timer ticks (0: best effort).
  uint64_t period_ticks = 0;
  uint64_t budget_ticks = 0;

  // While blocked in BlockThread: what wakes it and how to complete the op.
  uint64_t futex_va = 0;       // 0: a plain sleep
  uint64_t block_seq = 0;      // order of blocking: FutexWake wakes the longest waiter first
  bool idle_backoff = false;   // blocked by WFI/WFE (no ring op to complete)
  uint64_t wake_deadline = 0;  // timer ticks while blocked with a timeout, 0: none
  uint64_t block_user_data = 0;
  uint16_t block_submit_flags = 0;
};

// A `thread:` line of the manifest: real-time parameters a thread may take.
struct ThreadSpec {
  uint64_t period_ticks = 0;  // 0: best effort
  uint64_t budget_ticks = 0;
  uint32_t cpu = 0;           // the core the image placed it on (bundle ThreadRecord::cpu)
  bool bound = false;         // a live thread holds this slot
};

struct Domain {
  uint32_t id = 0;  // 1-based; 0 means "the kernel" (a domain's parent id when it has none)
  uint32_t parent_id = 0;
  uint16_t vmid = 0;
  char name[kDomainNameBytes] = {};
  DomainState state = DomainState::kFree;
  CapabilitySet caps = 0;
  uint64_t subsystem = 0;
  int64_t exit_code = 0;

  uint64_t quota_bytes = 0;
  uint64_t used_bytes = 0;
  Region regions[kMaxRegions];

  AddressSpace* address_space = nullptr;
  RingState ring;
  Thread* threads[kMaxThreadsPerDomain] = {};
  ThreadSpec specs[kMaxThreadsPerDomain];
  uint32_t spec_count = 0;
  PhysAddr kernel_buffers[kKernelBuffers];  // allocated on first use, charged to the quota
  vfs::DomainFiles files;                   // handle table and path grants
  signals::SignalState signals;
  uint32_t live_threads = 0;
  bool at_line_start = true;  // DebugPrint prefixes each console line with [name]
};

// Memory access rights a kernel operation needs on a user buffer.
enum class Access : uint8_t { kRead, kWrite };

// Translates a user range into a kernel pointer when it lies entirely inside
// one region that grants `access`; kFault otherwise (also for length 0 with
// a bad pointer, and on address overflow).
[[nodiscard]] Result<void*> user_range(Domain& d, uint64_t va, uint64_t length, Access access);

// Adds a region (bookkeeping only; the caller maps it) and stores it in
// `*added` when given. kNoMem when the table is full.
[[nodiscard]] Status add_region(Domain& d, uint64_t va, uint64_t size, PhysAddr pa, UserPerms perms,
                                bool anonymous = false, bool mapped = true, Region** added = nullptr);

// Charges `bytes` to the domain's quota; kNoMem if it would exceed it.
[[nodiscard]] Status charge_quota(Domain& d, uint64_t bytes);
void refund_quota(Domain& d, uint64_t bytes);

// `count` zeroed, contiguous pages for the domain, charged to its quota
// (kNoMem, with nothing charged, if either the quota or memory runs out);
// and their return.
[[nodiscard]] Result<PhysAddr> domain_alloc_pages(Domain& d, PageAllocator& pages, uint64_t count);
void domain_free_pages(Domain& d, PageAllocator& pages, PhysAddr base, uint64_t count);

// True when [va, va + length) lies inside one region with execute permission.
[[nodiscard]] bool user_executable(const Domain& d, uint64_t va, uint64_t length);

// True when some core's Cpu::current is `t`.
[[nodiscard]] bool thread_is_current_somewhere(const Thread& t);

// Takes a free thread from the system pool and attaches it to `d`; kAgain
// when the domain has kMaxThreadsPerDomain live threads, kNoMem when the pool is empty.
[[nodiscard]] Result<Thread*> thread_alloc(Domain& d);

}  // namespace uk
