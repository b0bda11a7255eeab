/* The C11 view of ukernel/sys.h: every size, alignment, offset and constant
 * as the C compiler sees it, for abi_test.cc to check against its own table. */
#include "tests/host/abi/abi_c_view.h"

#include <stddef.h>
#include <stdint.h>

#include <ukernel/sys.h>

#if !defined(__STDC_VERSION__) || __STDC_VERSION__ != 201112L
#error "abi_c_test.c must be compiled as C11 (-std=c11)"
#endif

#define MEMBER_SIZE(type, member) sizeof(((type *)0)->member)
#define FACT(name, value) {name, (uint64_t)(value)}

static uint64_t error_of(int64_t result) {
    struct uk_complete_entry c = {0};
    c.result = result;
    return (uint64_t)(int64_t)uk_complete_entry_error(&c);
}

static uint64_t is_ok_of(int64_t result) {
    struct uk_complete_entry c = {0};
    c.result = result;
    return (uint64_t)uk_complete_entry_is_ok(&c);
}

const struct uk_abi_fact *uk_abi_c_facts(size_t *count) {
    /* Non-constant initialisers (helper calls) need automatic storage; the
     * table is copied into static storage on first use. */
    static struct uk_abi_fact out[160];
    const struct uk_abi_fact facts[] = {
        /* SubmitEntry */
        FACT("sizeof.SubmitEntry", sizeof(struct uk_submit_entry)),
        FACT("alignof.SubmitEntry", _Alignof(struct uk_submit_entry)),
        FACT("offsetof.SubmitEntry.opcode", offsetof(struct uk_submit_entry, opcode)),
        FACT("offsetof.SubmitEntry.flags", offsetof(struct uk_submit_entry, flags)),
        FACT("offsetof.SubmitEntry._reserved", offsetof(struct uk_submit_entry, _reserved)),
        FACT("offsetof.SubmitEntry.args", offsetof(struct uk_submit_entry, args)),
        FACT("offsetof.SubmitEntry.user_data", offsetof(struct uk_submit_entry, user_data)),
        FACT("sizeof.SubmitEntry.opcode", MEMBER_SIZE(struct uk_submit_entry, opcode)),
        FACT("sizeof.SubmitEntry.flags", MEMBER_SIZE(struct uk_submit_entry, flags)),
        FACT("sizeof.SubmitEntry._reserved", MEMBER_SIZE(struct uk_submit_entry, _reserved)),
        FACT("sizeof.SubmitEntry.args", MEMBER_SIZE(struct uk_submit_entry, args)),
        FACT("sizeof.SubmitEntry.user_data", MEMBER_SIZE(struct uk_submit_entry, user_data)),
        /* CompleteEntry */
        FACT("sizeof.CompleteEntry", sizeof(struct uk_complete_entry)),
        FACT("alignof.CompleteEntry", _Alignof(struct uk_complete_entry)),
        FACT("offsetof.CompleteEntry.result", offsetof(struct uk_complete_entry, result)),
        FACT("offsetof.CompleteEntry.user_data", offsetof(struct uk_complete_entry, user_data)),
        FACT("offsetof.CompleteEntry.flags", offsetof(struct uk_complete_entry, flags)),
        FACT("offsetof.CompleteEntry._reserved", offsetof(struct uk_complete_entry, _reserved)),
        FACT("sizeof.CompleteEntry.result", MEMBER_SIZE(struct uk_complete_entry, result)),
        FACT("sizeof.CompleteEntry.user_data", MEMBER_SIZE(struct uk_complete_entry, user_data)),
        FACT("sizeof.CompleteEntry.flags", MEMBER_SIZE(struct uk_complete_entry, flags)),
        FACT("sizeof.CompleteEntry._reserved", MEMBER_SIZE(struct uk_complete_entry, _reserved)),
        /* SubmitRing */
        FACT("sizeof.SubmitRing", sizeof(struct uk_submit_ring)),
        FACT("alignof.SubmitRing", _Alignof(struct uk_submit_ring)),
        FACT("offsetof.SubmitRing.submit_head", offsetof(struct uk_submit_ring, submit_head)),
        FACT("offsetof.SubmitRing.submit_tail", offsetof(struct uk_submit_ring, submit_tail)),
        FACT("offsetof.SubmitRing.complete_head", offsetof(struct uk_submit_ring, complete_head)),
        FACT("offsetof.SubmitRing.complete_tail", offsetof(struct uk_submit_ring, complete_tail)),
        FACT("offsetof.SubmitRing._pad", offsetof(struct uk_submit_ring, _pad)),
        FACT("offsetof.SubmitRing.submissions", offsetof(struct uk_submit_ring, submissions)),
        FACT("offsetof.SubmitRing.completions", offsetof(struct uk_submit_ring, completions)),
        FACT("sizeof.SubmitRing.submit_head", MEMBER_SIZE(struct uk_submit_ring, submit_head)),
        FACT("sizeof.SubmitRing._pad", MEMBER_SIZE(struct uk_submit_ring, _pad)),
        FACT("sizeof.SubmitRing.submissions", MEMBER_SIZE(struct uk_submit_ring, submissions)),
        FACT("sizeof.SubmitRing.completions", MEMBER_SIZE(struct uk_submit_ring, completions)),
        /* KernelOp */
        FACT("KernelOp.MapAnonymous", UK_OP_MAP_ANONYMOUS),
        FACT("KernelOp.Munmap", UK_OP_MUNMAP),
        FACT("KernelOp.Mprotect", UK_OP_MPROTECT),
        FACT("KernelOp.ReadUser", UK_OP_READ_USER),
        FACT("KernelOp.WriteUser", UK_OP_WRITE_USER),
        FACT("KernelOp.Yield", UK_OP_YIELD),
        FACT("KernelOp.BlockThread", UK_OP_BLOCK_THREAD),
        FACT("KernelOp.ThreadCreate", UK_OP_THREAD_CREATE),
        FACT("KernelOp.ThreadExit", UK_OP_THREAD_EXIT),
        FACT("KernelOp.FutexWake", UK_OP_FUTEX_WAKE),
        FACT("KernelOp.GetTimeNs", UK_OP_GET_TIME_NS),
        FACT("KernelOp.GetRandom", UK_OP_GET_RANDOM),
        FACT("KernelOp.VfsOpen", UK_OP_VFS_OPEN),
        FACT("KernelOp.VfsRead", UK_OP_VFS_READ),
        FACT("KernelOp.VfsWrite", UK_OP_VFS_WRITE),
        FACT("KernelOp.VfsStat", UK_OP_VFS_STAT),
        FACT("KernelOp.VfsClose", UK_OP_VFS_CLOSE),
        FACT("KernelOp.VfsSeek", UK_OP_VFS_SEEK),
        FACT("KernelOp.VfsTruncate", UK_OP_VFS_TRUNCATE),
        FACT("KernelOp.VfsSync", UK_OP_VFS_SYNC),
        FACT("KernelOp.NetConnect", UK_OP_NET_CONNECT),
        FACT("KernelOp.NetListen", UK_OP_NET_LISTEN),
        FACT("KernelOp.NetAccept", UK_OP_NET_ACCEPT),
        FACT("KernelOp.NetSend", UK_OP_NET_SEND),
        FACT("KernelOp.NetRecv", UK_OP_NET_RECV),
        FACT("KernelOp.NetClose", UK_OP_NET_CLOSE),
        FACT("KernelOp.NetUdpBind", UK_OP_NET_UDP_BIND),
        FACT("KernelOp.NetUdpSend", UK_OP_NET_UDP_SEND),
        FACT("KernelOp.NetUdpRecv", UK_OP_NET_UDP_RECV),
        FACT("KernelOp.SendSignal", UK_OP_SEND_SIGNAL),
        FACT("KernelOp.CheckSignals", UK_OP_CHECK_SIGNALS),
        FACT("KernelOp.DebugPrint", UK_OP_DEBUG_PRINT),
        FACT("KernelOp.DomainExit", UK_OP_DOMAIN_EXIT),
        FACT("KernelOp.GetDomainId", UK_OP_GET_DOMAIN_ID),
        FACT("KernelOp.GetParentId", UK_OP_GET_PARENT_ID),
        /* system call and ring geometry */
        FACT("SYS_SUBMIT", UK_SYS_SUBMIT),
        FACT("MAX_SUBMIT_COUNT", UK_MAX_SUBMIT_COUNT),
        FACT("RING_SIZE", UK_RING_SIZE),
        FACT("RING_VADDR", UK_RING_VADDR),
        FACT("RING_MASK", UK_RING_MASK),
        FACT("RING_MAP_BYTES", UK_RING_MAP_BYTES),
        FACT("SUBMIT_ARG_COUNT", UK_SUBMIT_ARG_COUNT),
        /* flag groups */
        FACT("submit_flags.NEED_COMPLETION", UK_SUBMIT_NEED_COMPLETION),
        FACT("submit_flags.BARRIER", UK_SUBMIT_BARRIER),
        FACT("submit_flags.MORE_COMING", UK_SUBMIT_MORE_COMING),
        FACT("complete_flags.SIGNAL_PENDING", UK_COMPLETE_SIGNAL_PENDING),
        FACT("complete_flags.TIMER_EXPIRED", UK_COMPLETE_TIMER_EXPIRED),
        FACT("open.RDONLY", UK_O_RDONLY),
        FACT("open.WRONLY", UK_O_WRONLY),
        FACT("open.RDWR", UK_O_RDWR),
        FACT("open.CREAT", UK_O_CREAT),
        FACT("open.EXCL", UK_O_EXCL),
        FACT("open.TRUNC", UK_O_TRUNC),
        FACT("open.APPEND", UK_O_APPEND),
        FACT("open.NONBLOCK", UK_O_NONBLOCK),
        FACT("open.DIRECTORY", UK_O_DIRECTORY),
        FACT("open.CLOEXEC", UK_O_CLOEXEC),
        FACT("prot.NONE", UK_PROT_NONE),
        FACT("prot.READ", UK_PROT_READ),
        FACT("prot.WRITE", UK_PROT_WRITE),
        FACT("prot.EXEC", UK_PROT_EXEC),
        FACT("map.FIXED", UK_MAP_FIXED),
        FACT("map.POPULATE", UK_MAP_POPULATE),
        FACT("clock.REALTIME", UK_CLOCK_REALTIME),
        FACT("clock.MONOTONIC", UK_CLOCK_MONOTONIC),
        FACT("seek.SET", UK_SEEK_SET),
        FACT("seek.CUR", UK_SEEK_CUR),
        FACT("seek.END", UK_SEEK_END),
        FACT("thread_flags.RT_SLOT", UK_THREAD_RT_SLOT),
        FACT("thread_flags.SLOT_MASK", UK_THREAD_SLOT_MASK),
        /* FNV-1a / SubsystemId */
        FACT("fnv.offset_basis", UK_FNV1A64_OFFSET_BASIS),
        FACT("fnv.prime", UK_FNV1A64_PRIME),
        FACT("subsystem.posix", uk_subsystem_id_from_name("posix")),
        FACT("subsystem.vmm", uk_subsystem_id_from_name("vmm")),
        FACT("fnv1a64.empty", uk_subsystem_id_from_name("")),
        FACT("fnv1a64.a", uk_subsystem_id_from_name("a")),
        FACT("fnv1a64.foobar", uk_subsystem_id_from_name("foobar")),
        FACT("subsystem.posix.len", uk_subsystem_id_from_name_len("posix-and-more", 5)),
        FACT("fnv1a64.nul_byte", uk_fnv1a64("\0", 1)),
        /* CompleteEntry helpers */
        FACT("error.-5", error_of(-5)),
        FACT("error.0", error_of(0)),
        FACT("error.7", error_of(7)),
        FACT("is_ok.0", is_ok_of(0)),
        FACT("is_ok.1", is_ok_of(1)),
        FACT("is_ok.-1", is_ok_of(-1)),
    };
    size_t i, n = sizeof facts / sizeof facts[0];
    if (n > sizeof out / sizeof out[0]) n = sizeof out / sizeof out[0];
    for (i = 0; i < n; ++i) out[i] = facts[i];
    *count = n;
    return out;
}

void uk_abi_c_make_entry(struct uk_submit_entry *out) {
    const uint64_t args[UK_SUBMIT_ARG_COUNT] = {1, 2, 3, 4, 5};
    *out = uk_submit_entry_make(UK_OP_VFS_WRITE, args, UINT64_C(0x1122334455667788));
    out->flags = UK_SUBMIT_BARRIER;
}

void uk_abi_c_fill_ring(struct uk_submit_ring *ring) {
    ring->submit_head = UINT32_C(0xA1A2A3A4);
    ring->submit_tail = UINT32_C(0xB1B2B3B4);
    ring->complete_head = UINT32_C(0xC1C2C3C4);
    ring->complete_tail = UINT32_C(0xD1D2D3D4);
    ring->submissions[1].opcode = UK_OP_NET_SEND;
    ring->submissions[1].flags = UK_SUBMIT_NEED_COMPLETION | UK_SUBMIT_MORE_COMING;
    ring->submissions[1].args[4] = UINT64_C(0x0102030405060708);
    ring->submissions[1].user_data = UINT64_C(0xDEADBEEF);
    ring->completions[2].result = -22;
    ring->completions[2].user_data = UINT64_C(0xFEEDFACE);
    ring->completions[2].flags = UK_COMPLETE_TIMER_EXPIRED;
}
