/*
 * ukernel/sys.h -- the domain <-> kernel ABI of ukernel.
 *
 * A C11 / C++20 rendition of the published Rust crate `ukernel-sys` 0.1.0,
 * bit for bit: operation codes, flag values, and the memory layout of the
 * submission ring. docs/abi.md lists every value with where it came from
 * (the crate's docs.rs pages, or our own choice where the crate is silent).
 *
 * Freestanding: needs only <stdint.h> and <stddef.h>; no libc, no C++
 * standard library. Usable from domains (EL0), the kernel (EL2) and host
 * tests alike.
 *
 * Naming
 *   C    a flat, prefixed mirror: UK_OP_*, UK_SYS_SUBMIT, UK_SUBMIT_*,
 *        UK_COMPLETE_*, UK_O_*, UK_PROT_*, UK_MAP_*, UK_CLOCK_*, UK_SEEK_*,
 *        struct uk_submit_entry / uk_complete_entry / uk_submit_ring,
 *        uk_subsystem_id_from_name().
 *   C++  the crate's names inside namespace ukernel::sys, nested like the
 *        crate's modules (kernel_op, submit_ring, subsystem) and also
 *        re-exported flat: ukernel::sys::KernelOp, ukernel::sys::SYS_SUBMIT,
 *        ukernel::sys::submit_flags::NEED_COMPLETION, ukernel::sys::open::CREAT,
 *        ukernel::sys::SubmitEntry, ukernel::sys::SubsystemId, ...
 *   Every value is written exactly once, as the C constant; the C++ names
 *   are defined from the C ones, and the structs are one definition shared
 *   by both languages (C++ adds member helpers and type aliases).
 *
 * The ring (RING_VADDR, 6,208 bytes)
 *   offset    0  header: submit_head, submit_tail, complete_head,
 *                complete_tail (u32 each), 48 bytes padding
 *   offset   64  submissions[64]  (SubmitEntry, 64 bytes each)
 *   offset 4160  completions[64]  (CompleteEntry, 32 bytes each)
 *   end    6208
 *   6,208 bytes do NOT fit in one 4 KiB page (the crate's "sized to fit in a
 *   page" remark is wrong): the kernel maps TWO pages (UK_RING_MAP_BYTES) at
 *   RING_VADDR, shared read/write between the domain and the kernel. The
 *   crate's own `SubmitRing` struct declares only the 64-byte header; the
 *   two entry arrays follow it as laid out here.
 *
 * Indices
 *   The crate names the four u32 fields "next slot to write/process" and
 *   does not say whether they wrap at RING_SIZE. ukernel defines them as
 *   free-running u32 counters: they only ever increase (wrapping modulo
 *   2^32) and the slot of counter value i is (i & UK_RING_MASK). Hence
 *     entries pending     = submit_head   - submit_tail    (mod 2^32)
 *     completions pending = complete_head - complete_tail  (mod 2^32)
 *   and each difference is always <= RING_SIZE; the kernel rejects a ring
 *   whose submit_head - submit_tail exceeds RING_SIZE.
 *
 * Ownership and memory ordering (acquire/release, as the crate documents)
 *   submit_head    written by the domain (producer), read by the kernel
 *   submit_tail    written by the kernel (consumer), read by the domain
 *   complete_head  written by the kernel (producer), read by the domain
 *   complete_tail  written by the domain (consumer), read by the kernel
 *   1. The domain fills submissions[submit_head & UK_RING_MASK] (and more),
 *      then stores the new submit_head with RELEASE ordering.
 *   2. The domain raises `svc #0` with x8 = SYS_SUBMIT.
 *   3. The kernel loads submit_head once with ACQUIRE ordering, copies each
 *      entry from submit_tail up to it into kernel memory before looking at
 *      it (no double fetch), and advances submit_tail (release). At most
 *      MAX_SUBMIT_COUNT entries are consumed per call (bounded WCET).
 *   4. The kernel writes completions[complete_head & UK_RING_MASK] and then
 *      stores the new complete_head with RELEASE ordering.
 *   5. The domain loads complete_head with ACQUIRE ordering, reads entries
 *      from complete_tail up to it, then stores complete_tail (release) to
 *      free the slots.
 *   The fields are plain uint32_t here so that one definition serves C and
 *   C++; access them with __atomic_load_n / __atomic_store_n (GCC, Clang)
 *   or equivalent, never with plain loads and stores.
 *   A failed op always produces a completion carrying -errno; a successful
 *   one only when NEED_COMPLETION is set. A full completion ring stops
 *   consumption (back-pressure); no completion is ever dropped.
 *
 * Per-op arguments: SubmitEntry.args[0..4]. Unused slots must be 0.
 * "crate" = stated by ukernel-sys 0.1.0; "ours" = defined by ukernel,
 * following the crate's group patterns (memory: addr, len, prot/flags;
 * VFS: handle, user_buf, len, offset, flags; net: handle, user_buf, len,
 * addr_ptr, addrlen). Result >= 0 is success, < 0 is -errno.
 *
 *   op            code    args[0]      args[1]        args[2]  args[3]  args[4]     src
 *   MapAnonymous  0x0001  addr_hint    len            prot     flags    0           crate
 *   Munmap        0x0002  addr         len            0        0        0           crate
 *   Mprotect      0x0003  addr         len            prot     0        0           crate
 *   ReadUser      0x0004  user_addr    kernel_buf_id  len      0        0           crate
 *   WriteUser     0x0005  user_addr    kernel_buf_id  len      0        0           crate
 *   Yield         0x0100  0            0              0        0        0           crate
 *   BlockThread   0x0101  timeout_ns   futex_va       expected unlock_va 0          crate+ours
 *   ThreadCreate  0x0102  entry        stack_top      arg      tls      flags       crate
 *   ThreadExit    0x0103  exit_code    0              0        0        0           crate
 *   FutexWake     0x0104  addr         count          0        0        0           crate
 *   GetTimeNs     0x0200  clock_id     0              0        0        0           crate
 *   GetRandom     0x0201  user_buf     len            flags    0        0           crate
 *   VfsOpen       0x0400  path_ptr     path_len       flags    mode     0           crate
 *   VfsRead       0x0401  handle       user_buf       len      offset   0           crate
 *   VfsWrite      0x0402  handle       user_buf       len      offset   0           crate
 *   VfsStat       0x0403  handle       user_buf       len      0        flags       ours
 *   VfsClose      0x0404  handle       0              0        0        0           ours
 *   VfsSeek       0x0405  handle       0              0        offset   whence      ours
 *   VfsTruncate   0x0406  handle       0              0        length   0           ours
 *   VfsSync       0x0407  handle       0              0        0        flags       ours
 *   NetConnect    0x0500  0            0              0        addr_ptr addrlen     ours
 *   NetListen     0x0501  0            0              backlog  addr_ptr addrlen     ours
 *   NetAccept     0x0502  handle       0              0        addr_ptr addrlen     ours
 *   NetSend       0x0503  handle       user_buf       len      0        0           ours
 *   NetRecv       0x0504  handle       user_buf       len      0        0           ours
 *   NetClose      0x0505  handle       0              0        0        0           ours
 *   NetUdpBind    0x0510  0            0              0        addr_ptr addrlen     ours
 *   NetUdpSend    0x0511  handle       user_buf       len      addr_ptr addrlen     ours
 *   NetUdpRecv    0x0512  handle       user_buf       len      addr_ptr addrlen     ours
 *   SendSignal    0x0600  target_id    signal         0        0        0           ours
 *   CheckSignals  0x0601  0            0              0        0        0           ours
 *   DebugPrint    0x0F00  buf_ptr      buf_len        0        0        0           crate
 *   DomainExit    0x1000  exit_code    0              0        0        0           ours
 *   GetDomainId   0x1001  0            0              0        0        0           ours
 *   GetParentId   0x1002  0            0              0        0        0           ours
 *
 *   Results (ours): VfsOpen, NetConnect, NetListen, NetAccept, NetUdpBind
 *   return a new handle; reads/writes/sends/receives return a byte count;
 *   VfsSeek the new offset (whence = UK_SEEK_*); ThreadCreate a thread id;
 *   FutexWake the number woken; BlockThread 0 when woken, -ETIMEDOUT (flag
 *   TIMER_EXPIRED), -EAGAIN if *futex_va != expected; its unlock_va (0 =
 *   none) is set to 0 by the kernel when it consumes the entry (the ring
 *   lock; docs/threads.md); GetTimeNs nanoseconds; CheckSignals the
 *   pending-signal bitmask; GetDomainId / GetParentId a domain id; other
 *   ops 0. A NetAccept / NetUdpRecv addr_ptr of 0 means "don't report the
 *   peer address"; addrlen is the size of the buffer at addr_ptr.
 */
#ifndef UKERNEL_SYS_H
#define UKERNEL_SYS_H

#include <stddef.h>
#include <stdint.h>

/* ---- language glue (internal; #undef'd at the end) ---------------------- */
#if defined(__cplusplus)
#if __cplusplus < 202002L
#error "ukernel/sys.h needs C++20 or later"
#endif
#define UKSYS_STATIC_ASSERT(cond, msg) static_assert(cond, msg)
#define UKSYS_ALIGNAS(n) alignas(n)
#define UKSYS_ALIGNOF(type) alignof(type)
#define UKSYS_CONSTEXPR constexpr
#define UKSYS_NOEXCEPT noexcept
#define UKSYS_CAST(type, expr) static_cast<type>(expr)
#define UKSYS_MEMBER_SIZE(tag, member) sizeof(::tag::member)
#define UKSYS_ZERO_INIT {}
#else
#if !defined(__STDC_VERSION__) || __STDC_VERSION__ < 201112L
#error "ukernel/sys.h needs C11 or later"
#endif
#define UKSYS_STATIC_ASSERT(cond, msg) _Static_assert(cond, msg)
#define UKSYS_ALIGNAS(n) _Alignas(n)
#define UKSYS_ALIGNOF(type) _Alignof(type)
#define UKSYS_CONSTEXPR
#define UKSYS_NOEXCEPT
#define UKSYS_CAST(type, expr) ((type)(expr))
#define UKSYS_MEMBER_SIZE(tag, member) sizeof(((struct tag *)0)->member)
#define UKSYS_ZERO_INIT {0}
#endif

/* ======================================================================== */
/* Values: each written once, here, as a C constant.                         */
/* ======================================================================== */

/* ---- kernel_op: operation codes (crate: enum KernelOp, repr(u16)) ------- */
enum uk_kernel_op {
    /* 0x00xx memory */
    UK_OP_MAP_ANONYMOUS = 0x0001,
    UK_OP_MUNMAP = 0x0002,
    UK_OP_MPROTECT = 0x0003,
    UK_OP_READ_USER = 0x0004,
    UK_OP_WRITE_USER = 0x0005,
    /* 0x01xx scheduling */
    UK_OP_YIELD = 0x0100,
    UK_OP_BLOCK_THREAD = 0x0101,
    UK_OP_THREAD_CREATE = 0x0102,
    UK_OP_THREAD_EXIT = 0x0103,
    UK_OP_FUTEX_WAKE = 0x0104,
    /* 0x02xx time */
    UK_OP_GET_TIME_NS = 0x0200,
    UK_OP_GET_RANDOM = 0x0201,
    /* 0x04xx VFS */
    UK_OP_VFS_OPEN = 0x0400,
    UK_OP_VFS_READ = 0x0401,
    UK_OP_VFS_WRITE = 0x0402,
    UK_OP_VFS_STAT = 0x0403,
    UK_OP_VFS_CLOSE = 0x0404,
    UK_OP_VFS_SEEK = 0x0405,
    UK_OP_VFS_TRUNCATE = 0x0406,
    UK_OP_VFS_SYNC = 0x0407,
    /* 0x05xx network */
    UK_OP_NET_CONNECT = 0x0500,
    UK_OP_NET_LISTEN = 0x0501,
    UK_OP_NET_ACCEPT = 0x0502,
    UK_OP_NET_SEND = 0x0503,
    UK_OP_NET_RECV = 0x0504,
    UK_OP_NET_CLOSE = 0x0505,
    UK_OP_NET_UDP_BIND = 0x0510,
    UK_OP_NET_UDP_SEND = 0x0511,
    UK_OP_NET_UDP_RECV = 0x0512,
    /* 0x06xx signals */
    UK_OP_SEND_SIGNAL = 0x0600,
    UK_OP_CHECK_SIGNALS = 0x0601,
    /* 0x0Fxx debug */
    UK_OP_DEBUG_PRINT = 0x0F00,
    /* 0x10xx domain lifecycle */
    UK_OP_DOMAIN_EXIT = 0x1000,
    UK_OP_GET_DOMAIN_ID = 0x1001,
    UK_OP_GET_PARENT_ID = 0x1002
};

/* ---- submit_ring: geometry ---------------------------------------------- */
/* Entries in each of the two rings (crate: RING_SIZE: usize). */
#define UK_RING_SIZE 64u
/* Fixed address of the ring in every domain (crate: RING_VADDR: u64). */
#define UK_RING_VADDR UINT64_C(0x7FFF00000000)
/* Ours: slot = free-running index & UK_RING_MASK (RING_SIZE is 2^n). */
#define UK_RING_MASK (UK_RING_SIZE - 1u)
/* Ours: bytes the kernel maps at RING_VADDR -- two 4 KiB pages. */
#define UK_RING_MAP_BYTES 0x2000u
/* Ours: number of u64 argument slots in a submission entry. */
#define UK_SUBMIT_ARG_COUNT 5u

/* ---- kernel_op: the system call ----------------------------------------- */
/* svc #0 with x8 = UK_SYS_SUBMIT (crate: SYS_SUBMIT: u64). */
#define UK_SYS_SUBMIT UINT64_C(500)
/* Most entries one SYS_SUBMIT consumes (crate: MAX_SUBMIT_COUNT, value not
 * found in the published pages; ours: one full ring). */
#define UK_MAX_SUBMIT_COUNT UK_RING_SIZE

/* ---- submit_ring::submit_flags (u16, SubmitEntry.flags) ----------------- */
#define UK_SUBMIT_NEED_COMPLETION 0x0001u /* completion even on success */
#define UK_SUBMIT_BARRIER 0x0002u         /* earlier ops finish first */
#define UK_SUBMIT_MORE_COMING 0x0004u     /* hint: more entries follow */

/* ---- submit_ring::complete_flags (u16, CompleteEntry.flags) ------------- */
#define UK_COMPLETE_SIGNAL_PENDING 0x0001u /* value ours (crate: not found) */
#define UK_COMPLETE_TIMER_EXPIRED 0x0002u

/* ---- kernel_op::open (u32, VfsOpen flags; Linux asm-generic O_*) -------- */
#define UK_O_RDONLY 0x00000000u
#define UK_O_WRONLY 0x00000001u
#define UK_O_RDWR 0x00000002u
#define UK_O_CREAT 0x00000040u
#define UK_O_EXCL 0x00000080u
#define UK_O_TRUNC 0x00000200u
#define UK_O_APPEND 0x00000400u
#define UK_O_NONBLOCK 0x00000800u /* published by the crate */
#define UK_O_DIRECTORY 0x00010000u
#define UK_O_CLOEXEC 0x00080000u

/* ---- kernel_op::prot (u32, POSIX PROT_*) -------------------------------- */
#define UK_PROT_NONE 0x0u /* published by the crate */
#define UK_PROT_READ 0x1u
#define UK_PROT_WRITE 0x2u
#define UK_PROT_EXEC 0x4u

/* ---- kernel_op::map (u32, MapAnonymous flags; Linux MAP_*) -------------- */
#define UK_MAP_FIXED 0x00000010u
#define UK_MAP_POPULATE 0x00008000u

/* ---- kernel_op::clock (u32, GetTimeNs clock_id; POSIX clockid_t) -------- */
#define UK_CLOCK_REALTIME 0u
#define UK_CLOCK_MONOTONIC 1u

/* ---- kernel_op::seek (u32, VfsSeek whence) ------------------------------ */
#define UK_SEEK_SET 0u
#define UK_SEEK_CUR 1u
#define UK_SEEK_END 2u

/* ---- thread_flags (u64, ThreadCreate flags; ours) ------------------------
 * 0: a best-effort thread. UK_THREAD_RT_SLOT | k: a real-time thread with
 * the period and budget of the k-th `thread:` line of the domain's manifest
 * (k >= 1; line 0 is the main thread), admitted by response-time analysis
 * (-EBUSY if it would make a thread miss, -EEXIST if slot k is in use).  */
#define UK_THREAD_RT_SLOT 0x100u
#define UK_THREAD_SLOT_MASK 0xffu

/* ---- subsystem: 64-bit FNV-1a ------------------------------------------- */
#define UK_FNV1A64_OFFSET_BASIS UINT64_C(0xcbf29ce484222325)
#define UK_FNV1A64_PRIME UINT64_C(0x100000001b3)

/* ======================================================================== */
/* C++ names for the values above.                                           */
/* ======================================================================== */
#if defined(__cplusplus)
namespace ukernel::sys {

namespace kernel_op {

/* Operation codes; SubmitEntry.opcode holds the uint16_t value. */
enum class KernelOp : uint16_t {
    MapAnonymous = UK_OP_MAP_ANONYMOUS,
    Munmap = UK_OP_MUNMAP,
    Mprotect = UK_OP_MPROTECT,
    ReadUser = UK_OP_READ_USER,
    WriteUser = UK_OP_WRITE_USER,
    Yield = UK_OP_YIELD,
    BlockThread = UK_OP_BLOCK_THREAD,
    ThreadCreate = UK_OP_THREAD_CREATE,
    ThreadExit = UK_OP_THREAD_EXIT,
    FutexWake = UK_OP_FUTEX_WAKE,
    GetTimeNs = UK_OP_GET_TIME_NS,
    GetRandom = UK_OP_GET_RANDOM,
    VfsOpen = UK_OP_VFS_OPEN,
    VfsRead = UK_OP_VFS_READ,
    VfsWrite = UK_OP_VFS_WRITE,
    VfsStat = UK_OP_VFS_STAT,
    VfsClose = UK_OP_VFS_CLOSE,
    VfsSeek = UK_OP_VFS_SEEK,
    VfsTruncate = UK_OP_VFS_TRUNCATE,
    VfsSync = UK_OP_VFS_SYNC,
    NetConnect = UK_OP_NET_CONNECT,
    NetListen = UK_OP_NET_LISTEN,
    NetAccept = UK_OP_NET_ACCEPT,
    NetSend = UK_OP_NET_SEND,
    NetRecv = UK_OP_NET_RECV,
    NetClose = UK_OP_NET_CLOSE,
    NetUdpBind = UK_OP_NET_UDP_BIND,
    NetUdpSend = UK_OP_NET_UDP_SEND,
    NetUdpRecv = UK_OP_NET_UDP_RECV,
    SendSignal = UK_OP_SEND_SIGNAL,
    CheckSignals = UK_OP_CHECK_SIGNALS,
    DebugPrint = UK_OP_DEBUG_PRINT,
    DomainExit = UK_OP_DOMAIN_EXIT,
    GetDomainId = UK_OP_GET_DOMAIN_ID,
    GetParentId = UK_OP_GET_PARENT_ID,
};

inline constexpr uint64_t SYS_SUBMIT = UK_SYS_SUBMIT;
inline constexpr size_t MAX_SUBMIT_COUNT = UK_MAX_SUBMIT_COUNT;

namespace open {
inline constexpr uint32_t RDONLY = UK_O_RDONLY;
inline constexpr uint32_t WRONLY = UK_O_WRONLY;
inline constexpr uint32_t RDWR = UK_O_RDWR;
inline constexpr uint32_t CREAT = UK_O_CREAT;
inline constexpr uint32_t EXCL = UK_O_EXCL;
inline constexpr uint32_t TRUNC = UK_O_TRUNC;
inline constexpr uint32_t APPEND = UK_O_APPEND;
inline constexpr uint32_t NONBLOCK = UK_O_NONBLOCK;
inline constexpr uint32_t DIRECTORY = UK_O_DIRECTORY;
inline constexpr uint32_t CLOEXEC = UK_O_CLOEXEC;
}  // namespace open

namespace prot {
inline constexpr uint32_t NONE = UK_PROT_NONE;
inline constexpr uint32_t READ = UK_PROT_READ;
inline constexpr uint32_t WRITE = UK_PROT_WRITE;
inline constexpr uint32_t EXEC = UK_PROT_EXEC;
}  // namespace prot

namespace map {
inline constexpr uint32_t FIXED = UK_MAP_FIXED;
inline constexpr uint32_t POPULATE = UK_MAP_POPULATE;
}  // namespace map

namespace clock {
inline constexpr uint32_t REALTIME = UK_CLOCK_REALTIME;
inline constexpr uint32_t MONOTONIC = UK_CLOCK_MONOTONIC;
}  // namespace clock

namespace seek {
inline constexpr uint32_t SET = UK_SEEK_SET;
inline constexpr uint32_t CUR = UK_SEEK_CUR;
inline constexpr uint32_t END = UK_SEEK_END;
}  // namespace seek

namespace thread_flags {
inline constexpr uint64_t RT_SLOT = UK_THREAD_RT_SLOT;
inline constexpr uint64_t SLOT_MASK = UK_THREAD_SLOT_MASK;
}  // namespace thread_flags

}  // namespace kernel_op

namespace submit_ring {

inline constexpr size_t RING_SIZE = UK_RING_SIZE;
inline constexpr uint64_t RING_VADDR = UK_RING_VADDR;
/* Ours (see the C constants). */
inline constexpr uint32_t RING_MASK = UK_RING_MASK;
inline constexpr size_t RING_MAP_BYTES = UK_RING_MAP_BYTES;
inline constexpr size_t SUBMIT_ARG_COUNT = UK_SUBMIT_ARG_COUNT;

namespace submit_flags {
inline constexpr uint16_t NEED_COMPLETION = UK_SUBMIT_NEED_COMPLETION;
inline constexpr uint16_t BARRIER = UK_SUBMIT_BARRIER;
inline constexpr uint16_t MORE_COMING = UK_SUBMIT_MORE_COMING;
}  // namespace submit_flags

namespace complete_flags {
inline constexpr uint16_t SIGNAL_PENDING = UK_COMPLETE_SIGNAL_PENDING;
inline constexpr uint16_t TIMER_EXPIRED = UK_COMPLETE_TIMER_EXPIRED;
}  // namespace complete_flags

}  // namespace submit_ring

}  // namespace ukernel::sys
#endif /* __cplusplus */

/* ======================================================================== */
/* Layouts: one definition for both languages.                               */
/* ======================================================================== */

/*
 * One operation request (crate: SubmitEntry, repr(C, align(64))).
 * Written by the domain, read (copied) by the kernel. 64 bytes, one cache
 * line; the last 8 bytes are padding.
 */
struct uk_submit_entry {
    UKSYS_ALIGNAS(64) uint16_t opcode; /* enum uk_kernel_op / KernelOp */
    uint16_t flags;                    /* UK_SUBMIT_* */
    uint32_t _reserved;                /* must be 0 */
    uint64_t args[UK_SUBMIT_ARG_COUNT]; /* per-op, see the table above */
    uint64_t user_data;                /* echoed in the completion */
#if defined(__cplusplus)
    /* crate: SubmitEntry::new(opcode, args, user_data); flags 0. */
    static constexpr uk_submit_entry make(uint16_t op, const uint64_t (&a)[UK_SUBMIT_ARG_COUNT],
                                          uint64_t ud) noexcept {
        uk_submit_entry e{};
        e.opcode = op;
        for (size_t i = 0; i < UK_SUBMIT_ARG_COUNT; ++i) e.args[i] = a[i];
        e.user_data = ud;
        return e;
    }
    static constexpr uk_submit_entry make(ukernel::sys::kernel_op::KernelOp op,
                                          const uint64_t (&a)[UK_SUBMIT_ARG_COUNT],
                                          uint64_t ud) noexcept {
        return make(static_cast<uint16_t>(op), a, ud);
    }
#endif
};

/*
 * One result (crate: CompleteEntry, repr(C, align(16))). Written by the
 * kernel, read by the domain. 32 bytes; the last 8 bytes are padding.
 */
struct uk_complete_entry {
    UKSYS_ALIGNAS(16) int64_t result; /* >= 0 success, < 0 -errno */
    uint64_t user_data;               /* from the SubmitEntry */
    uint16_t flags;                   /* UK_COMPLETE_* */
    uint8_t _reserved[6];             /* 0 */
#if defined(__cplusplus)
    /* crate: CompleteEntry::new(result, user_data); flags 0. */
    static constexpr uk_complete_entry make(int64_t res, uint64_t ud) noexcept {
        uk_complete_entry c{};
        c.result = res;
        c.user_data = ud;
        return c;
    }
    /* crate: is_ok() -- result >= 0. */
    constexpr bool is_ok() const noexcept { return result >= 0; }
    /* crate: error() -> Option<i32>. Here: the positive errno when result
     * < 0, and 0 (never a valid errno) when the op succeeded. */
    constexpr int32_t error() const noexcept {
        return result < 0 ? static_cast<int32_t>(static_cast<uint32_t>(0u - static_cast<uint64_t>(result)))
                          : 0;
    }
#endif
};

/*
 * The shared ring at RING_VADDR (6,208 bytes, two pages; see the top of this
 * file for the index and ordering rules). The first 64 bytes are the crate's
 * SubmitRing (field names as published); submissions and completions are
 * ours (the crate gives no field names for them).
 */
struct uk_submit_ring {
    UKSYS_ALIGNAS(64) uint32_t submit_head; /* domain produces */
    uint32_t submit_tail;                   /* kernel consumes */
    uint32_t complete_head;                 /* kernel produces */
    uint32_t complete_tail;                 /* domain consumes */
    uint8_t _pad[48];                       /* to the cache line */
    struct uk_submit_entry submissions[UK_RING_SIZE];
    struct uk_complete_entry completions[UK_RING_SIZE];
};

/* ---- layout pins (checked by both compilers) ---------------------------- */
UKSYS_STATIC_ASSERT(sizeof(struct uk_submit_entry) == 64, "SubmitEntry size");
UKSYS_STATIC_ASSERT(UKSYS_ALIGNOF(struct uk_submit_entry) == 64, "SubmitEntry align");
UKSYS_STATIC_ASSERT(offsetof(struct uk_submit_entry, opcode) == 0, "SubmitEntry.opcode");
UKSYS_STATIC_ASSERT(offsetof(struct uk_submit_entry, flags) == 2, "SubmitEntry.flags");
UKSYS_STATIC_ASSERT(offsetof(struct uk_submit_entry, _reserved) == 4, "SubmitEntry._reserved");
UKSYS_STATIC_ASSERT(offsetof(struct uk_submit_entry, args) == 8, "SubmitEntry.args");
UKSYS_STATIC_ASSERT(UKSYS_MEMBER_SIZE(uk_submit_entry, args) == 40, "SubmitEntry.args size");
UKSYS_STATIC_ASSERT(offsetof(struct uk_submit_entry, user_data) == 48, "SubmitEntry.user_data");

UKSYS_STATIC_ASSERT(sizeof(struct uk_complete_entry) == 32, "CompleteEntry size");
UKSYS_STATIC_ASSERT(UKSYS_ALIGNOF(struct uk_complete_entry) == 16, "CompleteEntry align");
UKSYS_STATIC_ASSERT(offsetof(struct uk_complete_entry, result) == 0, "CompleteEntry.result");
UKSYS_STATIC_ASSERT(offsetof(struct uk_complete_entry, user_data) == 8, "CompleteEntry.user_data");
UKSYS_STATIC_ASSERT(offsetof(struct uk_complete_entry, flags) == 16, "CompleteEntry.flags");
UKSYS_STATIC_ASSERT(offsetof(struct uk_complete_entry, _reserved) == 18, "CompleteEntry._reserved");
UKSYS_STATIC_ASSERT(UKSYS_MEMBER_SIZE(uk_complete_entry, _reserved) == 6,
                    "CompleteEntry._reserved size");

UKSYS_STATIC_ASSERT(sizeof(struct uk_submit_ring) == 6208, "SubmitRing size");
UKSYS_STATIC_ASSERT(UKSYS_ALIGNOF(struct uk_submit_ring) == 64, "SubmitRing align");
UKSYS_STATIC_ASSERT(offsetof(struct uk_submit_ring, submit_head) == 0, "SubmitRing.submit_head");
UKSYS_STATIC_ASSERT(offsetof(struct uk_submit_ring, submit_tail) == 4, "SubmitRing.submit_tail");
UKSYS_STATIC_ASSERT(offsetof(struct uk_submit_ring, complete_head) == 8, "SubmitRing.complete_head");
UKSYS_STATIC_ASSERT(offsetof(struct uk_submit_ring, complete_tail) == 12, "SubmitRing.complete_tail");
UKSYS_STATIC_ASSERT(offsetof(struct uk_submit_ring, _pad) == 16, "SubmitRing._pad");
UKSYS_STATIC_ASSERT(UKSYS_MEMBER_SIZE(uk_submit_ring, _pad) == 48, "SubmitRing._pad size");
UKSYS_STATIC_ASSERT(offsetof(struct uk_submit_ring, submissions) == 64, "SubmitRing.submissions");
UKSYS_STATIC_ASSERT(offsetof(struct uk_submit_ring, completions) == 4160, "SubmitRing.completions");

UKSYS_STATIC_ASSERT((UK_RING_SIZE & (UK_RING_SIZE - 1u)) == 0, "RING_SIZE is a power of two");
UKSYS_STATIC_ASSERT(UK_MAX_SUBMIT_COUNT >= 1 && UK_MAX_SUBMIT_COUNT <= UK_RING_SIZE,
                    "MAX_SUBMIT_COUNT within the ring");
UKSYS_STATIC_ASSERT(sizeof(struct uk_submit_ring) > 4096 && sizeof(struct uk_submit_ring) <= UK_RING_MAP_BYTES,
                    "the ring needs exactly two 4 KiB pages");
UKSYS_STATIC_ASSERT((UK_RING_VADDR & 0xFFFu) == 0, "RING_VADDR is page aligned");

/* ======================================================================== */
/* Helpers (C names; constexpr in C++).                                      */
/* ======================================================================== */

/* crate: SubmitEntry::new(opcode, args, user_data) -- flags 0, reserved 0. */
static inline UKSYS_CONSTEXPR struct uk_submit_entry uk_submit_entry_make(
    uint16_t opcode, const uint64_t args[UK_SUBMIT_ARG_COUNT], uint64_t user_data) UKSYS_NOEXCEPT {
    struct uk_submit_entry e = UKSYS_ZERO_INIT;
    size_t i;
    e.opcode = opcode;
    for (i = 0; i < UK_SUBMIT_ARG_COUNT; ++i) e.args[i] = args[i];
    e.user_data = user_data;
    return e;
}

/* crate: CompleteEntry::is_ok(). */
static inline UKSYS_CONSTEXPR int uk_complete_entry_is_ok(const struct uk_complete_entry *c) UKSYS_NOEXCEPT {
    return c->result >= 0;
}

/* crate: CompleteEntry::error(); 0 when the op succeeded. */
static inline UKSYS_CONSTEXPR int32_t uk_complete_entry_error(const struct uk_complete_entry *c) UKSYS_NOEXCEPT {
    return c->result < 0 ? UKSYS_CAST(int32_t, UKSYS_CAST(uint32_t, UINT64_C(0) - UKSYS_CAST(uint64_t, c->result))) : 0;
}

/* 64-bit FNV-1a of len bytes: xor each byte in, then multiply (mod 2^64). */
static inline UKSYS_CONSTEXPR uint64_t uk_fnv1a64(const char *data, size_t len) UKSYS_NOEXCEPT {
    uint64_t h = UK_FNV1A64_OFFSET_BASIS;
    size_t i;
    for (i = 0; i < len; ++i) {
        h ^= UKSYS_CAST(uint64_t, UKSYS_CAST(unsigned char, data[i]));
        h *= UK_FNV1A64_PRIME;
    }
    return h;
}

/* crate: SubsystemId::from_name(bytes).as_u64(), for a name of len bytes. */
static inline UKSYS_CONSTEXPR uint64_t uk_subsystem_id_from_name_len(const char *name, size_t len) UKSYS_NOEXCEPT {
    return uk_fnv1a64(name, len);
}

/* Same, for a NUL-terminated name (the NUL is not hashed). */
static inline UKSYS_CONSTEXPR uint64_t uk_subsystem_id_from_name(const char *name) UKSYS_NOEXCEPT {
    size_t len = 0;
    while (name[len] != '\0') ++len;
    return uk_fnv1a64(name, len);
}

/* ======================================================================== */
/* C++ types.                                                                */
/* ======================================================================== */
#if defined(__cplusplus)
namespace ukernel::sys {

namespace submit_ring {
using SubmitEntry = ::uk_submit_entry;
using CompleteEntry = ::uk_complete_entry;
using SubmitRing = ::uk_submit_ring;
}  // namespace submit_ring

namespace subsystem {

/* Identity of a subsystem (the runtime a domain type uses): the 64-bit
 * FNV-1a hash of its name (crate: struct SubsystemId(pub u64)). The crate
 * has no registry; ukernel's is its own design. */
class SubsystemId {
   public:
    constexpr explicit SubsystemId(uint64_t raw) noexcept : value_(raw) {}

    /* NUL-terminated name; the terminator is not hashed. */
    static constexpr SubsystemId from_name(const char *name) noexcept {
        return SubsystemId(::uk_subsystem_id_from_name(name));
    }
    /* The first len bytes of name (the crate's from_name(&[u8])). */
    static constexpr SubsystemId from_name(const char *name, size_t len) noexcept {
        return SubsystemId(::uk_subsystem_id_from_name_len(name, len));
    }

    constexpr uint64_t as_u64() const noexcept { return value_; }

    friend constexpr bool operator==(SubsystemId, SubsystemId) noexcept = default;

   private:
    uint64_t value_;
};

}  // namespace subsystem

/* Flat names, as if the crate's modules were glob-imported. */
using kernel_op::KernelOp;
using kernel_op::MAX_SUBMIT_COUNT;
using kernel_op::SYS_SUBMIT;
namespace open = kernel_op::open;
namespace prot = kernel_op::prot;
namespace map = kernel_op::map;
namespace clock = kernel_op::clock;
namespace seek = kernel_op::seek;
namespace thread_flags = kernel_op::thread_flags;
using submit_ring::CompleteEntry;
using submit_ring::RING_MAP_BYTES;
using submit_ring::RING_MASK;
using submit_ring::RING_SIZE;
using submit_ring::RING_VADDR;
using submit_ring::SUBMIT_ARG_COUNT;
using submit_ring::SubmitEntry;
using submit_ring::SubmitRing;
namespace submit_flags = submit_ring::submit_flags;
namespace complete_flags = submit_ring::complete_flags;
using subsystem::SubsystemId;

/* ---- C++-side pins -------------------------------------------------------- */
static_assert(sizeof(KernelOp) == 2, "KernelOp is repr(u16)");
static_assert(sizeof(SubmitEntry) == 64 && alignof(SubmitEntry) == 64, "SubmitEntry");
static_assert(sizeof(CompleteEntry) == 32 && alignof(CompleteEntry) == 16, "CompleteEntry");
static_assert(sizeof(SubmitRing) == 6208 && alignof(SubmitRing) == 64, "SubmitRing");
static_assert(offsetof(SubmitRing, submissions) == 64, "SubmitRing.submissions");
static_assert(offsetof(SubmitRing, completions) == 4160, "SubmitRing.completions");
static_assert(__is_standard_layout(SubmitEntry) && __is_trivially_copyable(SubmitEntry), "SubmitEntry is POD");
static_assert(__is_standard_layout(CompleteEntry) && __is_trivially_copyable(CompleteEntry), "CompleteEntry is POD");
static_assert(__is_standard_layout(SubmitRing) && __is_trivially_copyable(SubmitRing), "SubmitRing is POD");
static_assert(sizeof(SubsystemId) == 8 && __is_trivially_copyable(SubsystemId), "SubsystemId is a u64");

}  // namespace ukernel::sys
#endif /* __cplusplus */

#undef UKSYS_STATIC_ASSERT
#undef UKSYS_ALIGNAS
#undef UKSYS_ALIGNOF
#undef UKSYS_CONSTEXPR
#undef UKSYS_NOEXCEPT
#undef UKSYS_CAST
#undef UKSYS_MEMBER_SIZE
#undef UKSYS_ZERO_INIT

#endif /* UKERNEL_SYS_H */
