// Host tests of the ring client (ukernel::Ring and the C API) against a fake
// kernel that follows the SYS_SUBMIT rules of ukernel/sys.h and
// kernel/ring/ring_processor.h: one acquire read of submit_head, impossible
// indices -> -EINVAL, at most MAX_SUBMIT_COUNT per call, an entry consumed
// only while a completion slot is free (back-pressure), failures always
// complete, successes only with NEED_COMPLETION, Yield/DomainExit stop the
// call. Also tests uk_snprintf.
#include <setjmp.h>
#include <string.h>

#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <ukernel/format.h>
#include <ukernel/ring.h>

namespace {

using ukernel::BatchStats;
using ukernel::Completion;
using ukernel::Op;
using ukernel::Ring;
using ukernel::sys::KernelOp;
using ukernel::sys::SubmitEntry;
using ukernel::sys::SubmitRing;
namespace submit_flags = ukernel::sys::submit_flags;

constexpr int64_t kDomainId = 7;
constexpr uint16_t kKnownFlags = UK_SUBMIT_NEED_COMPLETION | UK_SUBMIT_BARRIER | UK_SUBMIT_MORE_COMING;

struct FakeKernel {
    alignas(64) SubmitRing ring{};
    uint32_t submit_tail = 0;  // the kernel's private copies
    uint32_t complete_head = 0;
    std::vector<uint64_t> calls;  // to_submit of each SYS_SUBMIT
    std::vector<std::string> printed;
    bool exited = false;
    int64_t exit_code = 0;
    jmp_buf* on_exit = nullptr;

    void start_at(uint32_t index) {
        ring.submit_head = ring.submit_tail = ring.complete_head = ring.complete_tail = index;
        submit_tail = complete_head = index;
    }

    int64_t run(const SubmitEntry& e, bool& stop) {
        if (e._reserved != 0 || (e.flags & ~kKnownFlags) != 0) return -UK_EINVAL;
        switch (static_cast<KernelOp>(e.opcode)) {
            case KernelOp::GetDomainId:
                return kDomainId;
            case KernelOp::GetParentId:
                return 0;
            case KernelOp::DebugPrint: {
                if (e.args[1] > UK_DEBUG_PRINT_MAX) return -UK_EINVAL;
                if (e.args[0] == 0) return -UK_EFAULT;
                printed.emplace_back(reinterpret_cast<const char*>(e.args[0]), e.args[1]);
                return static_cast<int64_t>(e.args[1]);
            }
            case KernelOp::Yield:
                stop = true;
                return 0;
            case KernelOp::DomainExit:
                exited = true;
                exit_code = static_cast<int64_t>(e.args[0]);
                stop = true;
                return 0;
            default:
                return -UK_ENOSYS;
        }
    }

    int64_t submit(uint64_t to_submit) {
        calls.push_back(to_submit);
        const uint32_t head = __atomic_load_n(&ring.submit_head, __ATOMIC_ACQUIRE);
        if (head - submit_tail > UK_RING_SIZE) return -UK_EINVAL;
        const uint32_t ctail = __atomic_load_n(&ring.complete_tail, __ATOMIC_ACQUIRE);
        if (complete_head - ctail > UK_RING_SIZE) return -UK_EINVAL;
        uint64_t n = head - submit_tail;
        if (n > to_submit) n = to_submit;
        if (n > UK_MAX_SUBMIT_COUNT) n = UK_MAX_SUBMIT_COUNT;
        int64_t consumed = 0;
        bool stop = false;
        while (consumed < static_cast<int64_t>(n) && !stop) {
            if (complete_head - ctail == UK_RING_SIZE) break;  // back-pressure
            const SubmitEntry e = ring.submissions[submit_tail & UK_RING_MASK];
            ++submit_tail;
            ++consumed;
            const int64_t result = run(e, stop);
            if (result < 0 || (e.flags & UK_SUBMIT_NEED_COMPLETION)) {
                auto& c = ring.completions[complete_head & UK_RING_MASK];
                c = ukernel::sys::CompleteEntry::make(result, e.user_data);
                ++complete_head;
            }
        }
        __atomic_store_n(&ring.complete_head, complete_head, __ATOMIC_RELEASE);
        __atomic_store_n(&ring.submit_tail, submit_tail, __ATOMIC_RELEASE);
        if (exited && on_exit != nullptr) longjmp(*on_exit, 1);
        return consumed;
    }
};

FakeKernel* g_kernel = nullptr;

class RingTest : public ::testing::Test {
   protected:
    void SetUp() override {
        g_kernel = &kernel;
        Ring::domain() = Ring(&kernel.ring);
    }
    void TearDown() override { g_kernel = nullptr; }

    FakeKernel kernel;
    Ring ring{&kernel.ring};
};

Op get_id(uint64_t ud, uint16_t flags = submit_flags::NEED_COMPLETION) {
    return Op::make(KernelOp::GetDomainId, {}, ud, flags);
}

}  // namespace

extern "C" int64_t uk_sys_submit(uint64_t to_submit, uint64_t min_complete, uint64_t flags) noexcept {
    if (min_complete != 0 || flags != 0) return -UK_EINVAL;
    return g_kernel->submit(to_submit);
}

TEST_F(RingTest, QueueSubmitReap) {
    EXPECT_EQ(ring.space(), 64u);
    EXPECT_EQ(ring.queue(KernelOp::GetDomainId, {}, 42, submit_flags::NEED_COMPLETION), 0);
    EXPECT_EQ(ring.queued(), 1u);
    EXPECT_EQ(kernel.ring.submit_head, 0u) << "not published before submit()";
    EXPECT_EQ(ring.submit(), 1);
    EXPECT_EQ(kernel.calls, std::vector<uint64_t>{1});
    EXPECT_EQ(ring.queued(), 0u);
    EXPECT_EQ(ring.ready(), 1u);
    Completion c{};
    ASSERT_TRUE(ring.reap_one(c));
    EXPECT_EQ(c.result, kDomainId);
    EXPECT_EQ(c.user_data, 42u);
    EXPECT_TRUE(c.ok());
    EXPECT_FALSE(ring.reap_one(c));
    EXPECT_EQ(kernel.ring.complete_tail, 1u);
}

TEST_F(RingTest, SuccessWithoutNeedCompletionIsSilentFailuresComplete) {
    ASSERT_GE(ring.queue(KernelOp::GetDomainId, {}, 1, 0), 0);
    ASSERT_GE(ring.queue(static_cast<KernelOp>(0x7777), {}, 2, 0), 0);
    EXPECT_EQ(ring.submit(), 2);
    Completion c[4];
    ASSERT_EQ(ring.reap(c, 4), 1u);
    EXPECT_EQ(c[0].user_data, 2u);
    EXPECT_EQ(c[0].result, -UK_ENOSYS);
    EXPECT_EQ(c[0].error(), UK_ENOSYS);
}

TEST_F(RingTest, QueueFullReturnsEagain) {
    for (int i = 0; i < 64; ++i) ASSERT_EQ(ring.queue(get_id(i)), i);
    EXPECT_EQ(ring.queue(get_id(64)), -UK_EAGAIN);
    EXPECT_EQ(ring.space(), 0u);
    EXPECT_EQ(ring.submit(), 64);
    // Consumed entries free their slots even before completions are reaped.
    EXPECT_EQ(ring.space(), 64u);
    Completion c[64];
    ASSERT_EQ(ring.reap(c, 64), 64u);
    for (int i = 0; i < 64; ++i) EXPECT_EQ(c[i].user_data, static_cast<uint64_t>(i));
}

TEST_F(RingTest, BackPressureStopsConsumption) {
    for (int i = 0; i < 64; ++i) ASSERT_GE(ring.queue(get_id(i)), 0);
    EXPECT_EQ(ring.submit(), 64);  // completion ring now full
    for (int i = 0; i < 3; ++i) ASSERT_GE(ring.queue(get_id(100 + i)), 0);
    EXPECT_EQ(ring.submit(), 0);
    EXPECT_EQ(ring.unconsumed(), 3u);
    Completion c[64];
    EXPECT_EQ(ring.reap(c, 2), 2u);
    EXPECT_EQ(ring.submit(), 2);
    EXPECT_EQ(ring.unconsumed(), 1u);
}

TEST_F(RingTest, BatchOf64IsOneSubmit) {
    std::vector<Op> ops;
    for (int i = 0; i < 64; ++i) ops.push_back(get_id(i));
    Completion out[64];
    BatchStats st{};
    EXPECT_EQ(ring.batch(ops.data(), ops.size(), out, 64, &st), 64);
    EXPECT_EQ(st.submits, 1u);
    EXPECT_EQ(st.consumed, 64u);
    EXPECT_EQ(st.completions, 64u);
    EXPECT_EQ(st.stalls, 0u);
    for (int i = 0; i < 64; ++i) {
        EXPECT_EQ(out[i].user_data, static_cast<uint64_t>(i));
        EXPECT_EQ(out[i].result, kDomainId);
    }
}

TEST_F(RingTest, BatchHandlesBackPressureAndYield) {
    std::vector<Op> ops;
    for (int i = 0; i < 300; ++i) {
        ops.push_back(i == 100 ? Op::make(KernelOp::Yield, {}, i, submit_flags::NEED_COMPLETION) : get_id(i));
    }
    std::vector<Completion> out(300);
    BatchStats st{};
    EXPECT_EQ(ring.batch(ops.data(), ops.size(), out.data(), out.size(), &st), 300);
    EXPECT_EQ(st.consumed, 300u);
    EXPECT_GE(st.submits, 6u);  // 300 / 64 rounded up, plus the Yield stop
    for (int i = 0; i < 300; ++i) {
        EXPECT_EQ(out[i].user_data, static_cast<uint64_t>(i));
        EXPECT_EQ(out[i].result, i == 100 ? 0 : kDomainId);
    }
    for (uint64_t n : kernel.calls) EXPECT_LE(n, 64u);
}

TEST_F(RingTest, BatchWithSmallOutputReportsEnobufs) {
    std::vector<Op> ops;
    for (int i = 0; i < 200; ++i) ops.push_back(get_id(i));
    Completion out[10];
    BatchStats st{};
    EXPECT_EQ(ring.batch(ops.data(), ops.size(), out, 10, &st), -UK_ENOBUFS);
    EXPECT_EQ(st.completions, 10u);
    EXPECT_EQ(st.consumed, 74u);  // 10 reaped + 64 waiting in the completion ring
}

TEST_F(RingTest, BatchWithoutCompletionsProducesNone) {
    std::vector<Op> ops;
    for (int i = 0; i < 100; ++i) ops.push_back(get_id(i, 0));
    Completion out[100];
    EXPECT_EQ(ring.batch(ops.data(), ops.size(), out, 100), 0);
}

TEST_F(RingTest, WrappedIndices) {
    kernel.start_at(0xFFFFFFF0u);
    std::vector<Op> ops;
    for (int i = 0; i < 150; ++i) ops.push_back(get_id(i));
    std::vector<Completion> out(150);
    EXPECT_EQ(ring.batch(ops.data(), ops.size(), out.data(), out.size()), 150);
    for (int i = 0; i < 150; ++i) EXPECT_EQ(out[i].user_data, static_cast<uint64_t>(i));
    EXPECT_EQ(kernel.ring.submit_head, 0xFFFFFFF0u + 150u);
}

TEST_F(RingTest, CallKeepsOtherCompletionsForReap) {
    ASSERT_GE(ring.queue(get_id(1)), 0);
    ASSERT_GE(ring.queue(static_cast<KernelOp>(0x7777), {}, 2, 0), 0);
    EXPECT_EQ(ring.call(KernelOp::GetParentId), 0);
    EXPECT_EQ(ring.call(KernelOp::GetDomainId), kDomainId);
    Completion c[4];
    ASSERT_EQ(ring.reap(c, 4), 2u);
    EXPECT_EQ(c[0].user_data, 1u);
    EXPECT_EQ(c[0].result, kDomainId);
    EXPECT_EQ(c[1].user_data, 2u);
    EXPECT_EQ(c[1].result, -UK_ENOSYS);
}

TEST_F(RingTest, CallWithFullRings) {
    for (int i = 0; i < 64; ++i) ASSERT_GE(ring.queue(get_id(i)), 0);
    ASSERT_EQ(ring.submit(), 64);  // completion ring full
    for (int i = 0; i < 64; ++i) ASSERT_GE(ring.queue(get_id(100 + i)), 0);  // submission ring full
    EXPECT_EQ(ring.call(KernelOp::GetDomainId), kDomainId);
    std::vector<Completion> c(200);
    ASSERT_EQ(ring.reap(c.data(), 200), 128u);
    for (int i = 0; i < 64; ++i) EXPECT_EQ(c[i].user_data, static_cast<uint64_t>(i));
    for (int i = 0; i < 64; ++i) EXPECT_EQ(c[64 + i].user_data, static_cast<uint64_t>(100 + i));
}

TEST_F(RingTest, CallReturnsEbusyWhenBacklogAndRingAreFull) {
    for (int round = 0; round < 2; ++round) {
        for (int i = 0; i < 64; ++i) ASSERT_GE(ring.queue(get_id(round * 64 + i)), 0);
        ASSERT_EQ(ring.submit(), 64);
        EXPECT_EQ(ring.call(KernelOp::GetDomainId), kDomainId);  // sets 64 aside
    }
    for (int i = 0; i < 64; ++i) ASSERT_GE(ring.queue(get_id(128 + i)), 0);
    ASSERT_EQ(ring.submit(), 64);
    EXPECT_EQ(ring.call(KernelOp::GetDomainId), -UK_EBUSY);  // backlog (128) and ring full
    std::vector<Completion> c(300);
    ASSERT_EQ(ring.reap(c.data(), 300), 192u);
    for (int i = 0; i < 192; ++i) EXPECT_EQ(c[i].user_data, static_cast<uint64_t>(i));
    // The refused call's entry is still queued: it runs with the next one.
    EXPECT_EQ(ring.call(KernelOp::GetDomainId), kDomainId);
    ASSERT_EQ(ring.reap(c.data(), 300), 1u);
    EXPECT_GE(c[0].user_data, ukernel::kHelperTag);
}

TEST_F(RingTest, DebugPrintSplitsLongText) {
    std::string text(3000, 'x');
    text[1500] = 'y';
    EXPECT_EQ(ukernel::debug_write(text.data(), text.size()), 3000);
    ASSERT_EQ(kernel.printed.size(), 3u);
    EXPECT_EQ(kernel.printed[0].size(), 1024u);
    EXPECT_EQ(kernel.printed[0] + kernel.printed[1] + kernel.printed[2], text);
    EXPECT_EQ(ukernel::printf("n=%d s=%s\n", 5, "ok"), 9);
    EXPECT_EQ(kernel.printed.back(), "n=5 s=ok\n");
    EXPECT_EQ(ukernel::debug_print(""), 0);
}

TEST_F(RingTest, HelpersReturnErrors) {
    EXPECT_EQ(ukernel::domain_id(), kDomainId);
    EXPECT_EQ(ukernel::parent_id(), 0);
    EXPECT_EQ(ukernel::time_ns(), -UK_ENOSYS);  // the fake has no clock
    EXPECT_EQ(ukernel::yield(), 0);
    EXPECT_EQ(ukernel::debug_write(nullptr, 5), -UK_EFAULT);
}

TEST_F(RingTest, SubmitReportsImpossibleIndices) {
    kernel.ring.submit_head = 1000;  // far ahead of the kernel's tail
    EXPECT_EQ(uk_sys_submit(64, 0, 0), -UK_EINVAL);
    kernel.ring.submit_head = 0;
    EXPECT_EQ(ring.call(KernelOp::GetDomainId), kDomainId);
}

TEST_F(RingTest, ExitFlushesAndRunsDomainExit) {
    for (int i = 0; i < 64; ++i) ASSERT_GE(ring.queue(get_id(i)), 0);
    ASSERT_EQ(ring.submit(), 64);
    for (int i = 0; i < 64; ++i) ASSERT_GE(ring.queue(get_id(100 + i)), 0);
    jmp_buf env;
    kernel.on_exit = &env;
    if (setjmp(env) == 0) {
        ukernel::exit(-3);
        FAIL() << "exit returned";
    }
    EXPECT_TRUE(kernel.exited);
    EXPECT_EQ(kernel.exit_code, -3);
}

TEST_F(RingTest, CApi) {
    const uint64_t args[UK_SUBMIT_ARG_COUNT] = {};
    EXPECT_EQ(uk_ring_queue(UK_OP_GET_DOMAIN_ID, args, 9, UK_SUBMIT_NEED_COMPLETION), 0);
    EXPECT_EQ(uk_ring_queue(UK_OP_GET_PARENT_ID, nullptr, 10, UK_SUBMIT_NEED_COMPLETION), 1);
    EXPECT_EQ(uk_ring_queued(), 2u);
    EXPECT_EQ(uk_ring_space(), 62u);
    EXPECT_EQ(uk_ring_submit(), 2);
    EXPECT_EQ(uk_ring_ready(), 2u);
    uk_completion c[2];
    ASSERT_EQ(uk_ring_reap(c, 2), 2u);
    EXPECT_EQ(c[0].result, kDomainId);
    EXPECT_EQ(c[1].user_data, 10u);
    EXPECT_EQ(uk_ring_wait(c), -UK_EAGAIN);
    EXPECT_EQ(uk_ring_queue(UK_OP_GET_DOMAIN_ID, nullptr, 11, UK_SUBMIT_NEED_COMPLETION), 2);
    EXPECT_EQ(uk_ring_wait(c), 0);
    EXPECT_EQ(c[0].user_data, 11u);
    EXPECT_EQ(uk_ring_call(UK_OP_GET_DOMAIN_ID, nullptr, 0), kDomainId);
    EXPECT_EQ(uk_domain_id(), kDomainId);
    EXPECT_EQ(uk_debug_print("hi\n"), 3);
    EXPECT_EQ(uk_printf("%s %lld\n", "id", static_cast<long long>(kDomainId)), 5);
    EXPECT_EQ(kernel.printed.back(), "id 7\n");

    uk_op ops[3] = {};
    for (int i = 0; i < 3; ++i) {
        ops[i].opcode = UK_OP_GET_DOMAIN_ID;
        ops[i].flags = UK_SUBMIT_NEED_COMPLETION;
        ops[i].user_data = 20 + i;
    }
    ops[1]._pad = 0;
    uk_completion out[3];
    uk_batch_stats st;
    EXPECT_EQ(uk_ring_batch(ops, 3, out, 3, &st), 3);
    EXPECT_EQ(st.submits, 1u);
    EXPECT_EQ(out[2].user_data, 22u);

    uk_submit_entry e{};
    e.opcode = UK_OP_GET_DOMAIN_ID;
    e._reserved = 1;
    e.user_data = 30;
    EXPECT_GE(uk_ring_queue_entry(&e), 0);
    EXPECT_EQ(uk_ring_submit(), 1);
    ASSERT_EQ(uk_ring_reap(c, 1), 1u);
    EXPECT_EQ(c[0].result, -UK_EINVAL);
    EXPECT_EQ(uk_ring_unconsumed(), 0u);
}

TEST(FormatTest, Conversions) {
    char b[128];
    auto f = [&](const char* fmt, auto... args) {
        uk_snprintf(b, sizeof b, fmt, args...);
        return std::string(b);
    };
    EXPECT_EQ(f("%d %i %u", -5, 17, 4000000000u), "-5 17 4000000000");
    EXPECT_EQ(f("%lld %llu", -9223372036854775807LL - 1, 18446744073709551615ULL),
              "-9223372036854775808 18446744073709551615");
    EXPECT_EQ(f("%x %X %#x %o %#o", 0xbeefu, 0xbeefu, 0x1fu, 8u, 8u), "beef BEEF 0x1f 10 010");
    EXPECT_EQ(f("[%5d][%-5d][%05d][%+d][% d]", 42, 42, -42, 3, 3), "[   42][42   ][-0042][+3][ 3]");
    EXPECT_EQ(f("[%.3d][%8.3d][%.0d]", 7, 7, 0), "[007][     007][]");
    EXPECT_EQ(f("[%s][%6s][%-6s][%.2s][%*s]", "ab", "ab", "ab", "abc", 3, "x"), "[ab][    ab][ab    ][ab][  x]");
    EXPECT_EQ(f("%c%c %% %p", 'o', 'k', reinterpret_cast<void*>(0x400000)), "ok % 0x400000");
    EXPECT_EQ(f("%zu %lx %hhu %hd", sizeof(int), 0xffffffffffUL, 0x1ff, 0x12345), "4 ffffffffff 255 9029");
    EXPECT_EQ(f("%s", static_cast<const char*>(nullptr)), "(null)");
    EXPECT_EQ(f("%q"), "%q");
}

TEST(FormatTest, TruncatesAndReportsFullLength) {
    char b[8];
    memset(b, 'z', sizeof b);
    EXPECT_EQ(uk_snprintf(b, sizeof b, "hello %s", "world"), 11);
    EXPECT_STREQ(b, "hello w");
    EXPECT_EQ(uk_snprintf(b, 0, "abc"), 3);
    EXPECT_EQ(b[0], 'h');
}
