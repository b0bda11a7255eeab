// Host tests of the ring client (ukernel::Ring and the C API) against a fake
// kernel that follows the SYS_SUBMIT rules of ukernel/sys.h and
// kernel/ring/ring_processor.h: one acquire read of submit_head, impossible
// indices -> -EINVAL, at most MAX_SUBMIT_COUNT per call, an entry consumed
// only while a completion slot is free (back-pressure), failures always
// complete, successes only with NEED_COMPLETION, Yield/DomainExit stop the
// call. Thread ops too: ThreadCreate, ThreadExit, BlockThread (unlock_va,
// futex check, a blocked submitter while "other threads" run, completion at
// wake time) and FutexWake, for the ring lock protocol of ukernel/thread.h.
// Also tests uk_snprintf.
#include <setjmp.h>
#include <string.h>

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <ukernel/format.h>
#include <ukernel/ring.h>
#include <ukernel/thread.h>

extern "C" uintptr_t uk_host_thread_pointer;  // ring/host.cc: what TPIDR_EL0 reads

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

    // ---- threads (one sleeping submitter at a time is enough here) -----------
    struct Blocked {
        bool active = false;
        uint64_t user_data = 0;
        uint16_t flags = 0;
        uint64_t futex = 0;
        uint64_t timeout = 0;
    } blocked;
    uint32_t pending = 0;                // completion slots reserved for sleepers
    std::function<void()> while_blocked;  // "other threads" run while the submitter sleeps
    std::function<void()> on_yield;       // ... and after a Yield
    std::vector<std::vector<SubmitEntry>> consumed_per_call;
    std::vector<uint32_t> lock_at_unlock;  // *unlock_va when a BlockThread released it
    std::vector<SubmitEntry> created;      // ThreadCreate entries
    uint32_t next_thread_id = 2;
    bool thread_exited = false;
    int64_t thread_exit_code = 0;
    jmp_buf* on_thread_exit = nullptr;

    void start_at(uint32_t index) {
        ring.submit_head = ring.submit_tail = ring.complete_head = ring.complete_tail = index;
        submit_tail = complete_head = index;
    }

    void post(int64_t result, uint64_t user_data, uint16_t flags = 0) {
        auto& c = ring.completions[complete_head & UK_RING_MASK];
        c = ukernel::sys::CompleteEntry::make(result, user_data);
        c.flags = flags;
        ++complete_head;
        __atomic_store_n(&ring.complete_head, complete_head, __ATOMIC_RELEASE);
    }

    // Finishes the sleeper's BlockThread (FutexWake or its timeout).
    void wake_blocked(int64_t result, uint16_t flags) {
        if (result < 0 || (blocked.flags & UK_SUBMIT_NEED_COMPLETION)) post(result, blocked.user_data, flags);
        blocked.active = false;
        --pending;
    }

    int64_t block_thread(const SubmitEntry& e, bool& stop, bool& pend) {
        for (int i = 4; i < 5; ++i) {
            if (e.args[i] != 0) return -UK_EINVAL;
        }
        if (e.args[3] != 0) {
            if (e.args[3] & 3) return -UK_EINVAL;
            auto* word = reinterpret_cast<uint32_t*>(e.args[3]);
            lock_at_unlock.push_back(*word);
            __atomic_store_n(word, 0u, __ATOMIC_RELEASE);
        }
        const uint64_t timeout = e.args[0], futex = e.args[1], expected = e.args[2];
        if (futex == 0 && (timeout == 0 || expected != 0)) return -UK_EINVAL;
        if (expected > UINT32_MAX) return -UK_EINVAL;
        if (futex != 0) {
            if (futex & 3) return -UK_EINVAL;
            if (__atomic_load_n(reinterpret_cast<const uint32_t*>(futex), __ATOMIC_ACQUIRE) != expected) {
                return -UK_EAGAIN;
            }
        }
        EXPECT_FALSE(blocked.active) << "the fake supports one sleeper";
        blocked = Blocked{true, e.user_data, e.flags, futex, timeout};
        ++pending;
        stop = true;
        pend = true;
        return 0;
    }

    int64_t run(const SubmitEntry& e, bool& stop, bool& pend) {
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
            case KernelOp::ThreadCreate:
                if (e.args[4] != 0) return -UK_EINVAL;
                if (e.args[1] & 15) return -UK_EINVAL;
                created.push_back(e);
                return next_thread_id++;
            case KernelOp::ThreadExit:
                thread_exited = true;
                thread_exit_code = static_cast<int64_t>(e.args[0]);
                stop = true;
                return 0;
            case KernelOp::BlockThread:
                return block_thread(e, stop, pend);
            case KernelOp::FutexWake: {
                if (e.args[0] & 3) return -UK_EINVAL;
                if (blocked.active && blocked.futex == e.args[0] && e.args[1] > 0) {
                    wake_blocked(0, 0);
                    return 1;
                }
                return 0;
            }
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
        bool pend = false;
        bool yielded = false;
        std::vector<SubmitEntry> entries;
        while (consumed < static_cast<int64_t>(n) && !stop) {
            if (complete_head - ctail + pending >= UK_RING_SIZE) break;  // back-pressure
            const SubmitEntry e = ring.submissions[submit_tail & UK_RING_MASK];
            ++submit_tail;
            ++consumed;
            entries.push_back(e);
            const int64_t result = run(e, stop, pend);
            if (pend) break;  // completes later
            if (e.opcode == UK_OP_YIELD && result == 0) yielded = true;
            if (result < 0 || (e.flags & UK_SUBMIT_NEED_COMPLETION)) post(result, e.user_data);
        }
        __atomic_store_n(&ring.complete_head, complete_head, __ATOMIC_RELEASE);
        __atomic_store_n(&ring.submit_tail, submit_tail, __ATOMIC_RELEASE);
        consumed_per_call.push_back(entries);
        if (exited && on_exit != nullptr) longjmp(*on_exit, 1);
        if (thread_exited && on_thread_exit != nullptr) longjmp(*on_thread_exit, 1);
        if (yielded && on_yield) std::exchange(on_yield, nullptr)();
        if (pend) {
            // The submitter sleeps; the others run, and may wake it.
            if (while_blocked) std::exchange(while_blocked, nullptr)();
            if (blocked.active) {
                EXPECT_NE(blocked.timeout, 0u) << "a sleeper nobody wakes";
                wake_blocked(-UK_ETIMEDOUT, UK_COMPLETE_TIMER_EXPIRED);
            }
        }
        return consumed;
    }
};

FakeKernel* g_kernel = nullptr;

class RingTest : public ::testing::Test {
   protected:
    void SetUp() override {
        g_kernel = &kernel;
        Ring::domain() = Ring(&kernel.ring);
        uk_host_thread_pointer = 0;
    }
    void TearDown() override {
        EXPECT_EQ(*Ring::domain().lock_word(), 0u) << "ring lock left taken";
        EXPECT_EQ(*ring.lock_word(), 0u) << "ring lock left taken";
        g_kernel = nullptr;
    }

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
    // exit() keeps the ring lock to the end (the domain is gone then).
    EXPECT_EQ(*Ring::domain().lock_word(), 1u);
    *const_cast<uint32_t*>(Ring::domain().lock_word()) = 0;
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

// ---- threads: the ring lock protocol (ukernel/thread.h) ------------------------

namespace {

alignas(16) unsigned char g_stack[4096];
void noop(void*) {}

// Makes Ring::domain() multi-threaded, as a successful ThreadCreate does.
int64_t make_threaded() { return ukernel::thread_create(noop, nullptr, g_stack, sizeof g_stack); }

uint16_t opcode_of(const SubmitEntry& e) { return e.opcode; }

}  // namespace

TEST_F(RingTest, OneThreadBlocksKeepingTheLock) {
    Ring& d = Ring::domain();
    ASSERT_FALSE(d.threaded());
    uint32_t word = 0;
    EXPECT_EQ(ukernel::futex_wait(&word, 0, 1000), -UK_ETIMEDOUT);
    ASSERT_EQ(kernel.consumed_per_call.back().size(), 1u);
    const SubmitEntry& e = kernel.consumed_per_call.back()[0];
    EXPECT_EQ(e.opcode, UK_OP_BLOCK_THREAD);
    EXPECT_EQ(e.args[0], 1000u);
    EXPECT_EQ(e.args[1], reinterpret_cast<uintptr_t>(&word));
    EXPECT_EQ(e.args[3], 0u) << "one thread: no unlock_va, the lock stays held";
    EXPECT_TRUE(kernel.lock_at_unlock.empty());
    EXPECT_EQ(ukernel::futex_wait(&word, 1, 0), -UK_EAGAIN);
    EXPECT_EQ(ukernel::sleep_ns(5000), 0);
    EXPECT_EQ(ukernel::futex_wake(&word, 1), 0);
    EXPECT_EQ(d.ready(), 0u);
}

TEST_F(RingTest, ThreadCreateBuildsTheStartBlock) {
    alignas(16) static unsigned char stack[1000];
    int arg = 7;
    EXPECT_EQ(ukernel::thread_create(nullptr, &arg, stack, sizeof stack), -UK_EINVAL);
    EXPECT_EQ(ukernel::thread_create(noop, &arg, nullptr, sizeof stack), -UK_EINVAL);
    EXPECT_EQ(ukernel::thread_create(noop, &arg, stack, 100), -UK_EINVAL);
    EXPECT_FALSE(Ring::domain().threaded());
    EXPECT_TRUE(kernel.created.empty());

    EXPECT_EQ(ukernel::thread_create(noop, &arg, stack + 1, sizeof stack - 1), 2);
    ASSERT_EQ(kernel.created.size(), 1u);
    const SubmitEntry& e = kernel.created[0];
    const uintptr_t top = reinterpret_cast<uintptr_t>(stack + sizeof stack) & ~uintptr_t{15};
    EXPECT_EQ(e.args[1], top - 32) << "sp: below the 32-byte start block, 16-aligned";
    EXPECT_EQ(e.args[2], e.args[1]) << "x0 = the start block";
    EXPECT_EQ(e.args[3], e.args[1]) << "TPIDR_EL0 = the start block";
    EXPECT_EQ(e.args[4], 0u);
    EXPECT_NE(e.args[0], 0u);
    const auto* block = reinterpret_cast<const uintptr_t*>(e.args[1]);
    EXPECT_EQ(block[0], reinterpret_cast<uintptr_t>(&noop));
    EXPECT_EQ(block[1], reinterpret_cast<uintptr_t>(&arg));
    EXPECT_EQ(block[2], 0u) << "no join word";
    EXPECT_TRUE(Ring::domain().threaded());
}

TEST_F(RingTest, ThreadedFutexWaitReleasesTheLockInTheKernel) {
    ASSERT_EQ(make_threaded(), 2);
    Ring& d = Ring::domain();
    uint32_t word = 0;
    ASSERT_GE(ring.queue(get_id(42)), 0);  // a user op in flight: its completion must reach reap()
    ASSERT_EQ(ring.submit(), 1);
    bool ran = false;
    kernel.while_blocked = [&] {
        // Another thread: the lock is free, the ring usable, and it wakes us.
        EXPECT_EQ(*d.lock_word(), 0u);
        EXPECT_EQ(ukernel::printf("other %d\n", 1), 8);
        EXPECT_EQ(ukernel::futex_wake(&word, 1), 1);
        EXPECT_EQ(ukernel::domain_id(), kDomainId);  // meets the sleeper's completion first
        ran = true;
    };
    EXPECT_EQ(ukernel::futex_wait(&word, 0, 0), 0);
    EXPECT_TRUE(ran);
    ASSERT_EQ(kernel.lock_at_unlock.size(), 1u);
    EXPECT_EQ(kernel.lock_at_unlock[0], 1u) << "held by the submitter until the kernel released it";
    const SubmitEntry& bt = kernel.consumed_per_call[2][0];
    EXPECT_EQ(bt.opcode, UK_OP_BLOCK_THREAD);
    EXPECT_EQ(bt.args[3], reinterpret_cast<uintptr_t>(d.lock_word()));
    EXPECT_EQ(bt.flags, UK_SUBMIT_NEED_COMPLETION);
    EXPECT_GE(bt.user_data, ukernel::kHelperTag);
    EXPECT_EQ(kernel.printed.back(), "other 1\n");
    // Only the user's own completion comes out.
    Completion c[4];
    ASSERT_EQ(d.ready(), 1u);
    ASSERT_EQ(d.reap(c, 4), 1u);
    EXPECT_EQ(c[0].user_data, 42u);
    // Errors come back too, the lock released all the same.
    EXPECT_EQ(ukernel::futex_wait(&word, 5, 0), -UK_EAGAIN);
    EXPECT_EQ(ukernel::futex_wait(&word, 0, 2000), -UK_ETIMEDOUT);
    EXPECT_EQ(kernel.lock_at_unlock.size(), 3u);
    EXPECT_EQ(ukernel::sleep_ns(100), 0);
    EXPECT_EQ(d.ready(), 0u);
}

TEST_F(RingTest, ThreadedYieldReleasesTheLockFirst) {
    ASSERT_EQ(make_threaded(), 2);
    Ring& d = Ring::domain();
    bool ran = false;
    kernel.on_yield = [&] {
        EXPECT_EQ(*d.lock_word(), 0u);
        EXPECT_EQ(ukernel::debug_print("while yielded\n"), 14);
        ran = true;
    };
    EXPECT_EQ(ukernel::yield(), 0);
    EXPECT_TRUE(ran);
    // One SYS_SUBMIT: the releasing BlockThread (-EAGAIN, dropped), then Yield.
    const std::vector<SubmitEntry>& call = kernel.consumed_per_call[1];
    ASSERT_EQ(call.size(), 2u);
    EXPECT_EQ(call[0].opcode, UK_OP_BLOCK_THREAD);
    EXPECT_EQ(call[0].args[3], reinterpret_cast<uintptr_t>(d.lock_word()));
    EXPECT_EQ(call[1].opcode, UK_OP_YIELD);
    EXPECT_EQ(d.ready(), 0u);
    // call(Yield) and the C API go the same way.
    EXPECT_EQ(uk_ring_call(UK_OP_YIELD, nullptr, 0), 0);
    EXPECT_EQ(kernel.consumed_per_call.back().size(), 2u);
    EXPECT_EQ(ukernel::sleep_ns(0), 0);
    EXPECT_EQ(kernel.consumed_per_call.back().size(), 2u);
}

TEST_F(RingTest, BlockingOpsGoOutAloneAfterAFlush) {
    ASSERT_EQ(make_threaded(), 2);
    Ring& d = Ring::domain();
    for (int i = 0; i < 3; ++i) ASSERT_GE(d.queue(get_id(i)), 0);  // queued, not submitted
    EXPECT_EQ(ukernel::yield(), 0);
    const size_t n = kernel.consumed_per_call.size();
    ASSERT_GE(n, 2u);
    EXPECT_EQ(kernel.consumed_per_call[n - 2].size(), 3u);  // the flush
    EXPECT_EQ(kernel.consumed_per_call[n - 1].size(), 2u);  // release + Yield
    Completion c[4];
    ASSERT_EQ(d.reap(c, 4), 3u);
    for (int i = 0; i < 3; ++i) EXPECT_EQ(c[i].user_data, static_cast<uint64_t>(i));
}

TEST_F(RingTest, ThreadExitClearsTheJoinWordAndReleasesTheLock) {
    uk_thread t{};
    ASSERT_EQ(uk_thread_start(&t, noop, nullptr, g_stack, sizeof g_stack), 2);
    EXPECT_EQ(t.alive, 1u);
    EXPECT_EQ(t.id, 2u);
    EXPECT_EQ(uk_thread_start(&t, noop, nullptr, g_stack, sizeof g_stack), -UK_EBUSY);
    // Now be that thread: TPIDR_EL0 points at its start block.
    uk_host_thread_pointer = static_cast<uintptr_t>(kernel.created[0].args[3]);
    jmp_buf env;
    kernel.on_thread_exit = &env;
    if (setjmp(env) == 0) {
        uk_thread_exit(5);
        FAIL() << "uk_thread_exit returned";
    }
    EXPECT_TRUE(kernel.thread_exited);
    EXPECT_EQ(kernel.thread_exit_code, 5);
    EXPECT_EQ(t.alive, 0u);
    const std::vector<SubmitEntry>& call = kernel.consumed_per_call.back();
    ASSERT_EQ(call.size(), 4u);
    std::vector<uint16_t> ops;
    for (const SubmitEntry& e : call) ops.push_back(opcode_of(e));
    EXPECT_EQ(ops, (std::vector<uint16_t>{UK_OP_BLOCK_THREAD, UK_OP_FUTEX_WAKE, UK_OP_BLOCK_THREAD, UK_OP_THREAD_EXIT}));
    EXPECT_EQ(call[0].args[3], reinterpret_cast<uintptr_t>(&t.alive));
    EXPECT_EQ(call[1].args[0], reinterpret_cast<uintptr_t>(&t.alive));
    EXPECT_EQ(call[2].args[3], reinterpret_cast<uintptr_t>(Ring::domain().lock_word()));
    EXPECT_EQ(call[3].args[0], 5u);
    EXPECT_EQ(kernel.lock_at_unlock, (std::vector<uint32_t>{1, 1}));
    // (In a domain the thread is gone now; here the test goes on.)
    EXPECT_EQ(uk_thread_join(&t, 0), 0);
    EXPECT_EQ(Ring::domain().ready(), 0u);
}

TEST_F(RingTest, ThreadExitOfTheOnlyThreadKeepsItSimple) {
    jmp_buf env;
    kernel.on_thread_exit = &env;
    if (setjmp(env) == 0) {
        ukernel::thread_exit(9);
        FAIL() << "thread_exit returned";
    }
    EXPECT_EQ(kernel.thread_exit_code, 9);
    ASSERT_EQ(kernel.consumed_per_call.back().size(), 1u);
    EXPECT_EQ(kernel.consumed_per_call.back()[0].opcode, UK_OP_THREAD_EXIT);
    // The fake returned control here without ending the "thread": let go.
    uk_host_thread_pointer = 0;
    *const_cast<uint32_t*>(Ring::domain().lock_word()) = 0;
}

TEST_F(RingTest, MutexSleepsWhenContended) {
    ASSERT_EQ(make_threaded(), 2);
    ukernel::Mutex m;
    const size_t calls = kernel.calls.size();
    m.lock();
    EXPECT_EQ(*m.word(), 1u);
    EXPECT_FALSE(m.try_lock());
    m.unlock();
    EXPECT_EQ(*m.word(), 0u);
    EXPECT_EQ(kernel.calls.size(), calls) << "uncontended: no system call at all";

    // Held by "another thread": lock() marks it contended (2) and sleeps
    // until that thread unlocks.
    *const_cast<uint32_t*>(m.word()) = 1;
    kernel.while_blocked = [&] {
        EXPECT_EQ(*m.word(), 2u);
        m.unlock();  // the other thread: 2 -> 0 and FutexWake
    };
    m.lock();
    EXPECT_EQ(*m.word(), 2u) << "taken in the contended state";
    m.unlock();
    EXPECT_EQ(*m.word(), 0u);
}

TEST_F(RingTest, SemaphoreWaitSleepsUntilPost) {
    ASSERT_EQ(make_threaded(), 2);
    ukernel::Semaphore s(1);
    EXPECT_EQ(s.wait(), 0);
    EXPECT_FALSE(s.try_wait());
    kernel.while_blocked = [&] { EXPECT_EQ(s.post(2), 0); };
    EXPECT_EQ(s.wait(), 0);
    EXPECT_EQ(s.value(), 1u);
    EXPECT_EQ(s.wait(1000), 0);
    EXPECT_EQ(s.wait(1000), -UK_ETIMEDOUT);
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
