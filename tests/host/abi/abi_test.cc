// Checks ukernel/sys.h against ukernel-sys 0.1.0, value by value.
//
// The expected numbers below are written out as literals, independently of
// the header (as published on docs.rs for ukernel-sys 0.1.0, or as chosen by
// ukernel where the crate is silent -- marked "ours"; see docs/abi.md). Both
// the C++ names and the C names (through a C11 translation unit,
// abi_c_test.c) are compared with this one table.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <map>
#include <string>
#include <type_traits>
#include <vector>

#include <gtest/gtest.h>

#include <ukernel/sys.h>

#include "tests/host/abi/abi_c_view.h"

namespace {

namespace sys = ukernel::sys;

struct Expected {
    const char *name;
    uint64_t value;
};

// The independent table. Keys name what is measured; values are literals.
constexpr Expected kExpected[] = {
    // SubmitEntry: repr(C, align(64)), 64 bytes (crate).
    {"sizeof.SubmitEntry", 64},
    {"alignof.SubmitEntry", 64},
    {"offsetof.SubmitEntry.opcode", 0},
    {"offsetof.SubmitEntry.flags", 2},
    {"offsetof.SubmitEntry._reserved", 4},
    {"offsetof.SubmitEntry.args", 8},
    {"offsetof.SubmitEntry.user_data", 48},
    {"sizeof.SubmitEntry.opcode", 2},
    {"sizeof.SubmitEntry.flags", 2},
    {"sizeof.SubmitEntry._reserved", 4},
    {"sizeof.SubmitEntry.args", 40},
    {"sizeof.SubmitEntry.user_data", 8},
    // CompleteEntry: repr(C, align(16)), 32 bytes (crate).
    {"sizeof.CompleteEntry", 32},
    {"alignof.CompleteEntry", 16},
    {"offsetof.CompleteEntry.result", 0},
    {"offsetof.CompleteEntry.user_data", 8},
    {"offsetof.CompleteEntry.flags", 16},
    {"offsetof.CompleteEntry._reserved", 18},
    {"sizeof.CompleteEntry.result", 8},
    {"sizeof.CompleteEntry.user_data", 8},
    {"sizeof.CompleteEntry.flags", 2},
    {"sizeof.CompleteEntry._reserved", 6},
    // SubmitRing: 64-byte header (crate), then 64 + 64 entries (abi.md).
    {"sizeof.SubmitRing", 6208},
    {"alignof.SubmitRing", 64},
    {"offsetof.SubmitRing.submit_head", 0},
    {"offsetof.SubmitRing.submit_tail", 4},
    {"offsetof.SubmitRing.complete_head", 8},
    {"offsetof.SubmitRing.complete_tail", 12},
    {"offsetof.SubmitRing._pad", 16},
    {"offsetof.SubmitRing.submissions", 64},
    {"offsetof.SubmitRing.completions", 4160},
    {"sizeof.SubmitRing.submit_head", 4},
    {"sizeof.SubmitRing._pad", 48},
    {"sizeof.SubmitRing.submissions", 4096},
    {"sizeof.SubmitRing.completions", 2048},
    // KernelOp discriminants (crate, docs.rs enum page).
    {"KernelOp.MapAnonymous", 0x0001},
    {"KernelOp.Munmap", 0x0002},
    {"KernelOp.Mprotect", 0x0003},
    {"KernelOp.ReadUser", 0x0004},
    {"KernelOp.WriteUser", 0x0005},
    {"KernelOp.Yield", 0x0100},
    {"KernelOp.BlockThread", 0x0101},
    {"KernelOp.ThreadCreate", 0x0102},
    {"KernelOp.ThreadExit", 0x0103},
    {"KernelOp.FutexWake", 0x0104},
    {"KernelOp.GetTimeNs", 0x0200},
    {"KernelOp.GetRandom", 0x0201},
    {"KernelOp.VfsOpen", 0x0400},
    {"KernelOp.VfsRead", 0x0401},
    {"KernelOp.VfsWrite", 0x0402},
    {"KernelOp.VfsStat", 0x0403},
    {"KernelOp.VfsClose", 0x0404},
    {"KernelOp.VfsSeek", 0x0405},
    {"KernelOp.VfsTruncate", 0x0406},
    {"KernelOp.VfsSync", 0x0407},
    {"KernelOp.NetConnect", 0x0500},
    {"KernelOp.NetListen", 0x0501},
    {"KernelOp.NetAccept", 0x0502},
    {"KernelOp.NetSend", 0x0503},
    {"KernelOp.NetRecv", 0x0504},
    {"KernelOp.NetClose", 0x0505},
    {"KernelOp.NetUdpBind", 0x0510},
    {"KernelOp.NetUdpSend", 0x0511},
    {"KernelOp.NetUdpRecv", 0x0512},
    {"KernelOp.SendSignal", 0x0600},
    {"KernelOp.CheckSignals", 0x0601},
    {"KernelOp.DebugPrint", 0x0F00},
    {"KernelOp.DomainExit", 0x1000},
    {"KernelOp.GetDomainId", 0x1001},
    {"KernelOp.GetParentId", 0x1002},
    // System call and ring geometry.
    {"SYS_SUBMIT", 500},                // crate
    {"MAX_SUBMIT_COUNT", 64},           // ours (not found in the crate's pages)
    {"RING_SIZE", 64},                  // crate
    {"RING_VADDR", 0x7FFF00000000ull},  // crate
    {"RING_MASK", 63},                  // ours
    {"RING_MAP_BYTES", 8192},           // ours: two 4 KiB pages
    {"SUBMIT_ARG_COUNT", 5},            // crate: args: [u64; 5]
    // submit_flags (crate) and complete_flags.
    {"submit_flags.NEED_COMPLETION", 1},
    {"submit_flags.BARRIER", 2},
    {"submit_flags.MORE_COMING", 4},
    {"complete_flags.SIGNAL_PENDING", 1},  // ours (not found; abi.md expects 1)
    {"complete_flags.TIMER_EXPIRED", 2},   // crate
    // open: NONBLOCK crate; the rest ours (Linux asm-generic O_*).
    {"open.RDONLY", 0x0},
    {"open.WRONLY", 0x1},
    {"open.RDWR", 0x2},
    {"open.CREAT", 0x40},
    {"open.EXCL", 0x80},
    {"open.TRUNC", 0x200},
    {"open.APPEND", 0x400},
    {"open.NONBLOCK", 0x800},
    {"open.DIRECTORY", 0x10000},
    {"open.CLOEXEC", 0x80000},
    // prot: NONE crate; READ/WRITE/EXEC ours (POSIX / Linux).
    {"prot.NONE", 0},
    {"prot.READ", 1},
    {"prot.WRITE", 2},
    {"prot.EXEC", 4},
    // map, clock, seek: ours (Linux / POSIX values).
    {"map.FIXED", 0x10},
    {"map.POPULATE", 0x8000},
    {"clock.REALTIME", 0},
    {"clock.MONOTONIC", 1},
    {"seek.SET", 0},
    {"seek.CUR", 1},
    {"seek.END", 2},
    // thread_flags: ours (ThreadCreate real-time slot binding).
    {"thread_flags.RT_SLOT", 0x100},
    {"thread_flags.SLOT_MASK", 0xff},
    // FNV-1a 64 (SubsystemId). Known values: the FNV reference vectors for
    // "", "a", "foobar"; "posix"/"vmm" from abi.md.
    {"fnv.offset_basis", 0xcbf29ce484222325ull},
    {"fnv.prime", 0x100000001b3ull},
    {"subsystem.posix", 0xca94333575cc1fe8ull},
    {"subsystem.vmm", 0x68f603194ec4fc33ull},
    {"fnv1a64.empty", 0xcbf29ce484222325ull},
    {"fnv1a64.a", 0xaf63dc4c8601ec8cull},
    {"fnv1a64.foobar", 0x85944171f73967e8ull},
    {"subsystem.posix.len", 0xca94333575cc1fe8ull},
    {"fnv1a64.nul_byte", 0xaf63bd4c8601b7dfull},
    // CompleteEntry helpers: error() is the positive errno, 0 on success.
    {"error.-5", 5},
    {"error.0", 0},
    {"error.7", 0},
    {"is_ok.0", 1},
    {"is_ok.1", 1},
    {"is_ok.-1", 0},
};

using Facts = std::map<std::string, uint64_t>;

uint64_t ErrorOf(int64_t result) {
    return static_cast<uint64_t>(static_cast<int64_t>(sys::CompleteEntry::make(result, 0).error()));
}

uint64_t IsOkOf(int64_t result) { return sys::CompleteEntry::make(result, 0).is_ok() ? 1 : 0; }

template <typename E>
constexpr uint64_t U(E e) {
    if constexpr (std::is_enum_v<E>) {
        return static_cast<uint64_t>(static_cast<std::underlying_type_t<E>>(e));
    } else {
        return static_cast<uint64_t>(e);
    }
}

// The same facts, measured through the C++ names.
Facts CxxFacts() {
    using sys::CompleteEntry;
    using sys::KernelOp;
    using sys::SubmitEntry;
    using sys::SubmitRing;
    using sys::SubsystemId;
    return Facts{
        {"sizeof.SubmitEntry", sizeof(SubmitEntry)},
        {"alignof.SubmitEntry", alignof(SubmitEntry)},
        {"offsetof.SubmitEntry.opcode", offsetof(SubmitEntry, opcode)},
        {"offsetof.SubmitEntry.flags", offsetof(SubmitEntry, flags)},
        {"offsetof.SubmitEntry._reserved", offsetof(SubmitEntry, _reserved)},
        {"offsetof.SubmitEntry.args", offsetof(SubmitEntry, args)},
        {"offsetof.SubmitEntry.user_data", offsetof(SubmitEntry, user_data)},
        {"sizeof.SubmitEntry.opcode", sizeof(SubmitEntry::opcode)},
        {"sizeof.SubmitEntry.flags", sizeof(SubmitEntry::flags)},
        {"sizeof.SubmitEntry._reserved", sizeof(SubmitEntry::_reserved)},
        {"sizeof.SubmitEntry.args", sizeof(SubmitEntry::args)},
        {"sizeof.SubmitEntry.user_data", sizeof(SubmitEntry::user_data)},
        {"sizeof.CompleteEntry", sizeof(CompleteEntry)},
        {"alignof.CompleteEntry", alignof(CompleteEntry)},
        {"offsetof.CompleteEntry.result", offsetof(CompleteEntry, result)},
        {"offsetof.CompleteEntry.user_data", offsetof(CompleteEntry, user_data)},
        {"offsetof.CompleteEntry.flags", offsetof(CompleteEntry, flags)},
        {"offsetof.CompleteEntry._reserved", offsetof(CompleteEntry, _reserved)},
        {"sizeof.CompleteEntry.result", sizeof(CompleteEntry::result)},
        {"sizeof.CompleteEntry.user_data", sizeof(CompleteEntry::user_data)},
        {"sizeof.CompleteEntry.flags", sizeof(CompleteEntry::flags)},
        {"sizeof.CompleteEntry._reserved", sizeof(CompleteEntry::_reserved)},
        {"sizeof.SubmitRing", sizeof(SubmitRing)},
        {"alignof.SubmitRing", alignof(SubmitRing)},
        {"offsetof.SubmitRing.submit_head", offsetof(SubmitRing, submit_head)},
        {"offsetof.SubmitRing.submit_tail", offsetof(SubmitRing, submit_tail)},
        {"offsetof.SubmitRing.complete_head", offsetof(SubmitRing, complete_head)},
        {"offsetof.SubmitRing.complete_tail", offsetof(SubmitRing, complete_tail)},
        {"offsetof.SubmitRing._pad", offsetof(SubmitRing, _pad)},
        {"offsetof.SubmitRing.submissions", offsetof(SubmitRing, submissions)},
        {"offsetof.SubmitRing.completions", offsetof(SubmitRing, completions)},
        {"sizeof.SubmitRing.submit_head", sizeof(SubmitRing::submit_head)},
        {"sizeof.SubmitRing._pad", sizeof(SubmitRing::_pad)},
        {"sizeof.SubmitRing.submissions", sizeof(SubmitRing::submissions)},
        {"sizeof.SubmitRing.completions", sizeof(SubmitRing::completions)},
        {"KernelOp.MapAnonymous", U(KernelOp::MapAnonymous)},
        {"KernelOp.Munmap", U(KernelOp::Munmap)},
        {"KernelOp.Mprotect", U(KernelOp::Mprotect)},
        {"KernelOp.ReadUser", U(KernelOp::ReadUser)},
        {"KernelOp.WriteUser", U(KernelOp::WriteUser)},
        {"KernelOp.Yield", U(KernelOp::Yield)},
        {"KernelOp.BlockThread", U(KernelOp::BlockThread)},
        {"KernelOp.ThreadCreate", U(KernelOp::ThreadCreate)},
        {"KernelOp.ThreadExit", U(KernelOp::ThreadExit)},
        {"KernelOp.FutexWake", U(KernelOp::FutexWake)},
        {"KernelOp.GetTimeNs", U(KernelOp::GetTimeNs)},
        {"KernelOp.GetRandom", U(KernelOp::GetRandom)},
        {"KernelOp.VfsOpen", U(KernelOp::VfsOpen)},
        {"KernelOp.VfsRead", U(KernelOp::VfsRead)},
        {"KernelOp.VfsWrite", U(KernelOp::VfsWrite)},
        {"KernelOp.VfsStat", U(KernelOp::VfsStat)},
        {"KernelOp.VfsClose", U(KernelOp::VfsClose)},
        {"KernelOp.VfsSeek", U(KernelOp::VfsSeek)},
        {"KernelOp.VfsTruncate", U(KernelOp::VfsTruncate)},
        {"KernelOp.VfsSync", U(KernelOp::VfsSync)},
        {"KernelOp.NetConnect", U(KernelOp::NetConnect)},
        {"KernelOp.NetListen", U(KernelOp::NetListen)},
        {"KernelOp.NetAccept", U(KernelOp::NetAccept)},
        {"KernelOp.NetSend", U(KernelOp::NetSend)},
        {"KernelOp.NetRecv", U(KernelOp::NetRecv)},
        {"KernelOp.NetClose", U(KernelOp::NetClose)},
        {"KernelOp.NetUdpBind", U(KernelOp::NetUdpBind)},
        {"KernelOp.NetUdpSend", U(KernelOp::NetUdpSend)},
        {"KernelOp.NetUdpRecv", U(KernelOp::NetUdpRecv)},
        {"KernelOp.SendSignal", U(KernelOp::SendSignal)},
        {"KernelOp.CheckSignals", U(KernelOp::CheckSignals)},
        {"KernelOp.DebugPrint", U(KernelOp::DebugPrint)},
        {"KernelOp.DomainExit", U(KernelOp::DomainExit)},
        {"KernelOp.GetDomainId", U(KernelOp::GetDomainId)},
        {"KernelOp.GetParentId", U(KernelOp::GetParentId)},
        {"SYS_SUBMIT", sys::SYS_SUBMIT},
        {"MAX_SUBMIT_COUNT", sys::MAX_SUBMIT_COUNT},
        {"RING_SIZE", sys::RING_SIZE},
        {"RING_VADDR", sys::RING_VADDR},
        {"RING_MASK", sys::RING_MASK},
        {"RING_MAP_BYTES", sys::RING_MAP_BYTES},
        {"SUBMIT_ARG_COUNT", sys::SUBMIT_ARG_COUNT},
        {"submit_flags.NEED_COMPLETION", sys::submit_flags::NEED_COMPLETION},
        {"submit_flags.BARRIER", sys::submit_flags::BARRIER},
        {"submit_flags.MORE_COMING", sys::submit_flags::MORE_COMING},
        {"complete_flags.SIGNAL_PENDING", sys::complete_flags::SIGNAL_PENDING},
        {"complete_flags.TIMER_EXPIRED", sys::complete_flags::TIMER_EXPIRED},
        {"open.RDONLY", sys::open::RDONLY},
        {"open.WRONLY", sys::open::WRONLY},
        {"open.RDWR", sys::open::RDWR},
        {"open.CREAT", sys::open::CREAT},
        {"open.EXCL", sys::open::EXCL},
        {"open.TRUNC", sys::open::TRUNC},
        {"open.APPEND", sys::open::APPEND},
        {"open.NONBLOCK", sys::open::NONBLOCK},
        {"open.DIRECTORY", sys::open::DIRECTORY},
        {"open.CLOEXEC", sys::open::CLOEXEC},
        {"prot.NONE", sys::prot::NONE},
        {"prot.READ", sys::prot::READ},
        {"prot.WRITE", sys::prot::WRITE},
        {"prot.EXEC", sys::prot::EXEC},
        {"map.FIXED", sys::map::FIXED},
        {"map.POPULATE", sys::map::POPULATE},
        {"clock.REALTIME", sys::clock::REALTIME},
        {"clock.MONOTONIC", sys::clock::MONOTONIC},
        {"thread_flags.RT_SLOT", sys::thread_flags::RT_SLOT},
        {"thread_flags.SLOT_MASK", sys::thread_flags::SLOT_MASK},
        {"seek.SET", sys::seek::SET},
        {"seek.CUR", sys::seek::CUR},
        {"seek.END", sys::seek::END},
        {"fnv.offset_basis", UK_FNV1A64_OFFSET_BASIS},
        {"fnv.prime", UK_FNV1A64_PRIME},
        {"subsystem.posix", SubsystemId::from_name("posix").as_u64()},
        {"subsystem.vmm", SubsystemId::from_name("vmm").as_u64()},
        {"fnv1a64.empty", SubsystemId::from_name("").as_u64()},
        {"fnv1a64.a", SubsystemId::from_name("a").as_u64()},
        {"fnv1a64.foobar", SubsystemId::from_name("foobar").as_u64()},
        {"subsystem.posix.len", SubsystemId::from_name("posix-and-more", 5).as_u64()},
        {"fnv1a64.nul_byte", SubsystemId::from_name("\0", 1).as_u64()},
        {"error.-5", ErrorOf(-5)},
        {"error.0", ErrorOf(0)},
        {"error.7", ErrorOf(7)},
        {"is_ok.0", IsOkOf(0)},
        {"is_ok.1", IsOkOf(1)},
        {"is_ok.-1", IsOkOf(-1)},
    };
}

Facts CFacts() {
    size_t n = 0;
    const uk_abi_fact *f = uk_abi_c_facts(&n);
    Facts out;
    for (size_t i = 0; i < n; ++i) out.emplace(f[i].name, f[i].value);
    EXPECT_EQ(out.size(), n) << "duplicate fact names in abi_c_test.c";
    return out;
}

void CheckAgainstTable(const Facts &facts, const char *view) {
    for (const Expected &e : kExpected) {
        auto it = facts.find(e.name);
        if (it == facts.end()) {
            ADD_FAILURE() << view << " view lacks " << e.name;
            continue;
        }
        EXPECT_EQ(it->second, e.value) << view << " view: " << e.name;
    }
    std::map<std::string, uint64_t> expected;
    for (const Expected &e : kExpected) expected.emplace(e.name, e.value);
    for (const auto &[name, value] : facts) {
        EXPECT_TRUE(expected.count(name)) << view << " view has " << name << " = " << value
                                          << ", which the expected table lacks";
    }
}

TEST(AbiTable, HasNoDuplicateNames) {
    std::map<std::string, int> seen;
    for (const Expected &e : kExpected) EXPECT_EQ(++seen[e.name], 1) << e.name;
}

TEST(AbiCxx, EveryValueMatchesThePublishedTable) { CheckAgainstTable(CxxFacts(), "C++"); }

TEST(AbiC, EveryValueMatchesThePublishedTable) { CheckAgainstTable(CFacts(), "C"); }

TEST(AbiC, SameFactsAsCxx) { EXPECT_EQ(CFacts(), CxxFacts()); }

TEST(AbiCxx, TypesMirrorTheRustTypes) {
    // KernelOp is #[repr(u16)].
    static_assert(std::is_same_v<std::underlying_type_t<sys::KernelOp>, uint16_t>);
    static_assert(std::is_same_v<decltype(sys::SYS_SUBMIT), const uint64_t>);
    static_assert(std::is_same_v<decltype(sys::MAX_SUBMIT_COUNT), const size_t>);
    static_assert(std::is_same_v<decltype(sys::RING_SIZE), const size_t>);
    static_assert(std::is_same_v<decltype(sys::RING_VADDR), const uint64_t>);
    static_assert(std::is_same_v<decltype(sys::submit_flags::NEED_COMPLETION), const uint16_t>);
    static_assert(std::is_same_v<decltype(sys::complete_flags::SIGNAL_PENDING), const uint16_t>);
    static_assert(std::is_same_v<decltype(sys::open::NONBLOCK), const uint32_t>);
    static_assert(std::is_same_v<decltype(sys::prot::NONE), const uint32_t>);
    static_assert(std::is_same_v<decltype(sys::SubmitEntry::opcode), uint16_t>);
    static_assert(std::is_same_v<decltype(sys::SubmitEntry::flags), uint16_t>);
    static_assert(std::is_same_v<decltype(sys::SubmitEntry::_reserved), uint32_t>);
    static_assert(std::is_same_v<decltype(sys::SubmitEntry::args), uint64_t[5]>);
    static_assert(std::is_same_v<decltype(sys::SubmitEntry::user_data), uint64_t>);
    static_assert(std::is_same_v<decltype(sys::CompleteEntry::result), int64_t>);
    static_assert(std::is_same_v<decltype(sys::CompleteEntry::user_data), uint64_t>);
    static_assert(std::is_same_v<decltype(sys::CompleteEntry::flags), uint16_t>);
    static_assert(std::is_same_v<decltype(sys::CompleteEntry::_reserved), uint8_t[6]>);
    static_assert(std::is_same_v<decltype(sys::SubmitRing::submit_head), uint32_t>);
    static_assert(std::is_same_v<decltype(sys::SubmitRing::submissions), sys::SubmitEntry[64]>);
    static_assert(std::is_same_v<decltype(sys::SubmitRing::completions), sys::CompleteEntry[64]>);
    static_assert(std::is_trivially_copyable_v<sys::SubmitRing> && std::is_standard_layout_v<sys::SubmitRing>);
    // The crate's module paths work too.
    constexpr const uint32_t *creat = &sys::kernel_op::open::CREAT;
    static_assert(creat == &sys::open::CREAT);
    constexpr const uint16_t *barrier = &sys::submit_ring::submit_flags::BARRIER;
    static_assert(barrier == &sys::submit_flags::BARRIER);
    static_assert(std::is_same_v<sys::kernel_op::KernelOp, sys::KernelOp>);
    static_assert(std::is_same_v<sys::submit_ring::SubmitRing, sys::SubmitRing>);
    static_assert(std::is_same_v<sys::subsystem::SubsystemId, sys::SubsystemId>);
    // C and C++ name the very same types.
    static_assert(std::is_same_v<sys::SubmitEntry, uk_submit_entry>);
    static_assert(std::is_same_v<sys::CompleteEntry, uk_complete_entry>);
    static_assert(std::is_same_v<sys::SubmitRing, uk_submit_ring>);
}

TEST(AbiCxx, SubsystemIdIsConstexprFnv1a) {
    constexpr auto posix = sys::SubsystemId::from_name("posix");
    static_assert(posix.as_u64() == 0xca94333575cc1fe8ull);
    static_assert(sys::SubsystemId::from_name("vmm").as_u64() == 0x68f603194ec4fc33ull);
    static_assert(sys::SubsystemId::from_name("vmm", 3) == sys::SubsystemId::from_name("vmm"));
    static_assert(sys::SubsystemId::from_name("posix") != sys::SubsystemId::from_name("vmm"));
    static_assert(sys::SubsystemId(0xca94333575cc1fe8ull) == posix);
    // Bytes are hashed as unsigned octets (0xFF must not sign-extend).
    constexpr char high[] = {'\xff'};
    static_assert(sys::SubsystemId::from_name(high, 1).as_u64() == ((0xcbf29ce484222325ull ^ 0xffull) * 0x100000001b3ull));
    EXPECT_EQ(uk_subsystem_id_from_name("posix"), 0xca94333575cc1fe8ull);
}

TEST(AbiCxx, CompleteEntryHelpers) {
    constexpr auto ok = sys::CompleteEntry::make(42, 7);
    static_assert(ok.is_ok() && ok.error() == 0 && ok.user_data == 7 && ok.flags == 0);
    constexpr auto bad = sys::CompleteEntry::make(-38, 9);  // -ENOSYS
    static_assert(!bad.is_ok() && bad.error() == 38);
    // Not a valid errno, but must not be undefined behaviour (no signed
    // negation overflow): the low 32 bits of 2^63 are 0.
    EXPECT_EQ(sys::CompleteEntry::make(INT64_MIN, 0).error(), 0);
    EXPECT_TRUE(sys::CompleteEntry::make(0, 0).is_ok());
}

TEST(AbiCxx, SubmitEntryMakeMatchesTheCHelperBytewise) {
    constexpr uint64_t args[5] = {1, 2, 3, 4, 5};
    sys::SubmitEntry cxx = sys::SubmitEntry::make(sys::KernelOp::VfsWrite, args, 0x1122334455667788ull);
    cxx.flags = sys::submit_flags::BARRIER;
    sys::SubmitEntry c;
    std::memset(&c, 0xEE, sizeof c);  // padding too, so the C side must set all
    uk_abi_c_make_entry(&c);
    // Compare the 56 bytes of fields (padding is unspecified).
    EXPECT_EQ(std::memcmp(&cxx, &c, 56), 0);

    // Raw little-endian bytes at literal offsets.
    unsigned char b[64];
    std::memcpy(b, &c, sizeof b);
    EXPECT_EQ(b[0], 0x02);  // opcode 0x0402 (VfsWrite)
    EXPECT_EQ(b[1], 0x04);
    EXPECT_EQ(b[2], 0x02);  // flags = BARRIER
    EXPECT_EQ(b[3], 0x00);
    for (int i = 4; i < 8; ++i) EXPECT_EQ(b[i], 0) << "_reserved byte " << i;
    for (int a = 0; a < 5; ++a) EXPECT_EQ(b[8 + 8 * a], a + 1) << "args[" << a << "]";
    EXPECT_EQ(b[48], 0x88);  // user_data, least significant byte first
    EXPECT_EQ(b[55], 0x11);
}

TEST(AbiC, RingWrittenFromCLandsAtTheLiteralOffsets) {
    auto *ring = new sys::SubmitRing{};
    uk_abi_c_fill_ring(ring);
    const auto *b = reinterpret_cast<const unsigned char *>(ring);
    auto u16 = [&](size_t off) { uint16_t v; std::memcpy(&v, b + off, 2); return v; };
    auto u32 = [&](size_t off) { uint32_t v; std::memcpy(&v, b + off, 4); return v; };
    auto u64 = [&](size_t off) { uint64_t v; std::memcpy(&v, b + off, 8); return v; };
    EXPECT_EQ(u32(0), 0xA1A2A3A4u);   // submit_head
    EXPECT_EQ(u32(4), 0xB1B2B3B4u);   // submit_tail
    EXPECT_EQ(u32(8), 0xC1C2C3C4u);   // complete_head
    EXPECT_EQ(u32(12), 0xD1D2D3D4u);  // complete_tail
    const size_t s1 = 64 + 1 * 64;    // submissions[1]
    EXPECT_EQ(u16(s1 + 0), 0x0503);   // NetSend
    EXPECT_EQ(u16(s1 + 2), 1 | 4);    // NEED_COMPLETION | MORE_COMING
    EXPECT_EQ(u64(s1 + 8 + 4 * 8), 0x0102030405060708ull);  // args[4]
    EXPECT_EQ(u64(s1 + 48), 0xDEADBEEFull);
    const size_t c2 = 4160 + 2 * 32;  // completions[2]
    EXPECT_EQ(static_cast<int64_t>(u64(c2 + 0)), -22);
    EXPECT_EQ(u64(c2 + 8), 0xFEEDFACEull);
    EXPECT_EQ(u16(c2 + 16), 2);  // TIMER_EXPIRED
    // Same bytes read back through the C++ names.
    EXPECT_EQ(ring->submissions[1].user_data, 0xDEADBEEFull);
    EXPECT_EQ(ring->completions[2].error(), 22);
    delete ring;
}

TEST(AbiCxx, RingNeedsTwoPagesAtRingVaddr) {
    EXPECT_GT(sizeof(sys::SubmitRing), 4096u);
    EXPECT_LE(sizeof(sys::SubmitRing), 2u * 4096u);
    EXPECT_EQ(sys::RING_VADDR % 4096, 0u);
    // Free-running indices: slot = index & RING_MASK, wrapping at 2^32.
    uint32_t head = 0xFFFFFFFFu, tail = 0xFFFFFFC1u;
    EXPECT_EQ(head - tail, 62u);
    EXPECT_EQ(head & sys::RING_MASK, 63u);
    EXPECT_EQ((head + 1) & sys::RING_MASK, 0u);
}

}  // namespace
