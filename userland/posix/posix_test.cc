// Host tests of the POSIX layer's raw forms and batches (ukernel/posix.h)
// against a fake kernel: argument layouts of every op, fd <-> handle
// mapping, console fds, mmap flag translation, timespec conversion,
// getrandom splitting, and batches (one SYS_SUBMIT for independent calls,
// waves for fds of opens in the same batch, failed opens, > 64 entries).
#include <string.h>

#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <ukernel/posix.h>

namespace {

using ukernel::Ring;
using ukernel::sys::KernelOp;
using ukernel::sys::SubmitEntry;
using ukernel::sys::SubmitRing;

constexpr int64_t kTimeNs = 12'345'678'901;
constexpr uint64_t kMapAddr = 0x100000000000;

struct FakeFile {
    std::string path;
    std::string data;
    uint64_t pos = 0;
    bool open = false;
};

struct FakeKernel {
    alignas(64) SubmitRing ring{};
    uint32_t submit_tail = 0;
    uint32_t complete_head = 0;
    int submits = 0;
    std::vector<SubmitEntry> seen;
    std::vector<std::string> printed;
    std::vector<FakeFile> handles;           // index = handle
    std::map<std::string, std::string> fs;   // existing files
    uint64_t pending_signals = 0;
    uint8_t random_byte = 1;

    int64_t vfs(const SubmitEntry& e) {
        const uint64_t h = e.args[0];
        if (static_cast<KernelOp>(e.opcode) != KernelOp::VfsOpen && (h >= handles.size() || !handles[h].open))
            return -UK_EBADF;
        if ((static_cast<KernelOp>(e.opcode) == KernelOp::VfsRead ||
             static_cast<KernelOp>(e.opcode) == KernelOp::VfsWrite) &&
            e.args[2] > UK_VFS_MAX_IO_BYTES)
            return -UK_EINVAL;  // as kernel/domain/io_ops.cc
        switch (static_cast<KernelOp>(e.opcode)) {
            case KernelOp::VfsOpen: {
                const std::string path(reinterpret_cast<const char*>(e.args[0]), e.args[1]);
                if (path.empty()) return -UK_ENOENT;
                if (fs.count(path) == 0) {
                    if ((e.args[2] & UK_O_CREAT) == 0) return -UK_ENOENT;
                    fs[path] = "";
                }
                for (size_t i = 0; i < handles.size(); ++i) {
                    if (!handles[i].open) {
                        handles[i] = FakeFile{path, fs[path], 0, true};
                        return static_cast<int64_t>(i);
                    }
                }
                handles.push_back(FakeFile{path, fs[path], 0, true});
                return static_cast<int64_t>(handles.size() - 1);
            }
            case KernelOp::VfsRead: {
                FakeFile& f = handles[h];
                const bool cur = e.args[3] == UK_VFS_OFFSET_CURRENT;
                const uint64_t off = cur ? f.pos : e.args[3];
                const uint64_t n = off >= f.data.size() ? 0 : std::min<uint64_t>(e.args[2], f.data.size() - off);
                memcpy(reinterpret_cast<void*>(e.args[1]), f.data.data() + off, n);
                if (cur) f.pos = off + n;
                return static_cast<int64_t>(n);
            }
            case KernelOp::VfsWrite: {
                FakeFile& f = handles[h];
                const bool cur = e.args[3] == UK_VFS_OFFSET_CURRENT;
                const uint64_t off = cur ? f.pos : e.args[3];
                if (f.data.size() < off + e.args[2]) f.data.resize(off + e.args[2]);
                memcpy(&f.data[off], reinterpret_cast<const void*>(e.args[1]), e.args[2]);
                fs[f.path] = f.data;
                if (cur) f.pos = off + e.args[2];
                return static_cast<int64_t>(e.args[2]);
            }
            case KernelOp::VfsClose:
                handles[h].open = false;
                return 0;
            case KernelOp::VfsSeek: {
                FakeFile& f = handles[h];
                const int64_t off = static_cast<int64_t>(e.args[3]);
                int64_t base = 0;
                if (e.args[4] == UK_SEEK_CUR) base = static_cast<int64_t>(f.pos);
                else if (e.args[4] == UK_SEEK_END) base = static_cast<int64_t>(f.data.size());
                else if (e.args[4] != UK_SEEK_SET) return -UK_EINVAL;
                if (base + off < 0) return -UK_EINVAL;
                f.pos = static_cast<uint64_t>(base + off);
                return base + off;
            }
            case KernelOp::VfsStat: {
                if (e.args[2] < sizeof(uk_stat)) return -UK_EINVAL;
                uk_stat st{};
                st.ino = h + 100;
                st.size = handles[h].data.size();
                st.mode = UK_S_IFREG | 0644;
                st.nlink = 1;
                st.mtime_ns = 3'000'000'007;
                st.blksize = 4096;
                st.flags = UK_STAT_F_MEMORY;
                memcpy(reinterpret_cast<void*>(e.args[1]), &st, sizeof st);
                return sizeof st;
            }
            case KernelOp::VfsTruncate:
                handles[h].data.resize(e.args[3]);
                return 0;
            case KernelOp::VfsSync:
                return 0;
            default:
                return -UK_ENOSYS;
        }
    }

    int64_t run(const SubmitEntry& e) {
        seen.push_back(e);
        switch (static_cast<KernelOp>(e.opcode)) {
            case KernelOp::DebugPrint:
                if (e.args[1] > UK_DEBUG_PRINT_MAX) return -UK_EINVAL;
                printed.emplace_back(reinterpret_cast<const char*>(e.args[0]), e.args[1]);
                return static_cast<int64_t>(e.args[1]);
            case KernelOp::GetTimeNs:
                return e.args[0] <= 1 ? kTimeNs : -UK_EINVAL;
            case KernelOp::GetRandom:
                if (e.args[1] > 256) return -UK_EINVAL;
                for (uint64_t i = 0; i < e.args[1]; ++i) reinterpret_cast<uint8_t*>(e.args[0])[i] = random_byte++;
                return static_cast<int64_t>(e.args[1]);
            case KernelOp::MapAnonymous:
                return static_cast<int64_t>(e.args[0] != 0 ? e.args[0] : kMapAddr);
            case KernelOp::Munmap:
            case KernelOp::Mprotect:
                return 0;
            case KernelOp::SendSignal:
                if (e.args[1] > 63) return -UK_EINVAL;
                if (e.args[0] != 1) return -UK_EPERM;
                if (e.args[1] != 0) pending_signals |= UK_SIGBIT(e.args[1]);
                return 0;
            case KernelOp::CheckSignals: {
                const uint64_t m = pending_signals;
                pending_signals = 0;
                return static_cast<int64_t>(m);
            }
            case KernelOp::GetDomainId:
                return 1;
            default:
                return vfs(e);
        }
    }

    int64_t submit(uint64_t to_submit) {
        ++submits;
        const uint32_t head = __atomic_load_n(&ring.submit_head, __ATOMIC_ACQUIRE);
        if (head - submit_tail > UK_RING_SIZE) return -UK_EINVAL;
        const uint32_t ctail = __atomic_load_n(&ring.complete_tail, __ATOMIC_ACQUIRE);
        uint64_t n = head - submit_tail;
        if (n > to_submit) n = to_submit;
        int64_t consumed = 0;
        while (consumed < static_cast<int64_t>(n)) {
            if (complete_head - ctail == UK_RING_SIZE) break;
            const SubmitEntry e = ring.submissions[submit_tail & UK_RING_MASK];
            ++submit_tail;
            ++consumed;
            const int64_t result = run(e);
            if (result < 0 || (e.flags & UK_SUBMIT_NEED_COMPLETION)) {
                ring.completions[complete_head & UK_RING_MASK] = ukernel::sys::CompleteEntry::make(result, e.user_data);
                ++complete_head;
            }
        }
        __atomic_store_n(&ring.complete_head, complete_head, __ATOMIC_RELEASE);
        __atomic_store_n(&ring.submit_tail, submit_tail, __ATOMIC_RELEASE);
        return consumed;
    }
};

FakeKernel* g_kernel = nullptr;

class PosixTest : public ::testing::Test {
   protected:
    void SetUp() override {
        g_kernel = &kernel;
        Ring::domain() = Ring(&kernel.ring);
    }
    void TearDown() override { g_kernel = nullptr; }

    const SubmitEntry& last() const { return kernel.seen.back(); }

    FakeKernel kernel;
};

}  // namespace

extern "C" int64_t uk_sys_submit(uint64_t to_submit, uint64_t min_complete, uint64_t flags) noexcept {
    if (min_complete != 0 || flags != 0) return -UK_EINVAL;
    return g_kernel->submit(to_submit);
}

TEST_F(PosixTest, OpenReadWriteSeekCloseLayouts) {
    kernel.fs["/data/a"] = "hello world";
    const int64_t fd = uk_open("/data/a", UK_O_RDWR, 0);
    ASSERT_EQ(fd, 3) << "handle 0 is fd 3";
    EXPECT_EQ(last().opcode, UK_OP_VFS_OPEN);
    EXPECT_EQ(last().args[1], 7u) << "path length without the NUL";
    EXPECT_EQ(last().args[2], UK_O_RDWR);
    EXPECT_EQ(last().args[3], 0u);
    EXPECT_EQ(last().args[4], 0u);

    char buf[16] = {};
    EXPECT_EQ(uk_read(static_cast<int>(fd), buf, 5), 5);
    EXPECT_EQ(std::string(buf, 5), "hello");
    EXPECT_EQ(last().args[0], 0u) << "handle";
    EXPECT_EQ(last().args[1], reinterpret_cast<uintptr_t>(buf));
    EXPECT_EQ(last().args[2], 5u);
    EXPECT_EQ(last().args[3], UK_VFS_OFFSET_CURRENT);

    EXPECT_EQ(uk_pread(static_cast<int>(fd), buf, 5, 6), 5);
    EXPECT_EQ(std::string(buf, 5), "world");
    EXPECT_EQ(last().args[3], 6u);
    EXPECT_EQ(uk_pread(static_cast<int>(fd), buf, 5, -1), -UK_EINVAL);

    EXPECT_EQ(uk_lseek(static_cast<int>(fd), -2, UK_SEEK_END), 9);
    EXPECT_EQ(last().opcode, UK_OP_VFS_SEEK);
    EXPECT_EQ(last().args[1], 0u);
    EXPECT_EQ(last().args[2], 0u);
    EXPECT_EQ(last().args[3], static_cast<uint64_t>(-2));
    EXPECT_EQ(last().args[4], UK_SEEK_END);

    EXPECT_EQ(uk_write(static_cast<int>(fd), "XY", 2), 2);
    EXPECT_EQ(kernel.fs["/data/a"], "hello worXY");
    EXPECT_EQ(uk_pwrite(static_cast<int>(fd), "H", 1, 0), 1);
    EXPECT_EQ(last().args[3], 0u);
    EXPECT_EQ(kernel.fs["/data/a"], "Hello worXY");

    EXPECT_EQ(uk_ftruncate(static_cast<int>(fd), 5), 0);
    EXPECT_EQ(last().opcode, UK_OP_VFS_TRUNCATE);
    EXPECT_EQ(last().args[3], 5u);
    EXPECT_EQ(uk_ftruncate(static_cast<int>(fd), -1), -UK_EINVAL);
    EXPECT_EQ(uk_fsync(static_cast<int>(fd)), 0);
    EXPECT_EQ(last().opcode, UK_OP_VFS_SYNC);

    uk_stat st{};
    EXPECT_EQ(uk_fstat(static_cast<int>(fd), &st), 0) << "64 from the kernel becomes 0";
    EXPECT_EQ(last().args[2], 64u);
    EXPECT_EQ(st.size, 5u);
    EXPECT_EQ(st.ino, 100u);

    EXPECT_EQ(uk_close(static_cast<int>(fd)), 0);
    EXPECT_EQ(last().opcode, UK_OP_VFS_CLOSE);
    EXPECT_EQ(uk_close(static_cast<int>(fd)), -UK_EBADF);
    EXPECT_EQ(uk_open("/nope", UK_O_RDONLY, 0), -UK_ENOENT);
    EXPECT_EQ(uk_open(nullptr, UK_O_RDONLY, 0), -UK_EFAULT);
}

TEST_F(PosixTest, ConsoleFds) {
    char buf[4];
    const size_t before = kernel.seen.size();
    EXPECT_EQ(uk_read(0, buf, 4), 0) << "stdin is at end of file";
    EXPECT_EQ(uk_read(1, buf, 4), -UK_EBADF);
    EXPECT_EQ(uk_write(0, "x", 1), -UK_EBADF);
    EXPECT_EQ(uk_close(2), 0);
    EXPECT_EQ(uk_lseek(1, 0, UK_SEEK_SET), -UK_ESPIPE);
    EXPECT_EQ(uk_read(-1, buf, 4), -UK_EBADF);
    uk_stat st{};
    EXPECT_EQ(uk_fstat(1, &st), 0);
    EXPECT_EQ(st.mode & UK_S_IFMT, UK_S_IFCHR);
    EXPECT_EQ(kernel.seen.size(), before) << "no op for any of these";
    EXPECT_EQ(uk_write(1, "hi\n", 3), 3);
    EXPECT_EQ(uk_write(2, "err\n", 4), 4);
    EXPECT_EQ(kernel.printed, (std::vector<std::string>{"hi\n", "err\n"}));
}

TEST_F(PosixTest, MmapFlags) {
    EXPECT_EQ(uk_mmap(nullptr, 4096, UK_PROT_READ | UK_PROT_WRITE, UK_MAP_ANONYMOUS | UK_MAP_PRIVATE, -1, 0),
              static_cast<int64_t>(kMapAddr));
    EXPECT_EQ(last().opcode, UK_OP_MAP_ANONYMOUS);
    EXPECT_EQ(last().args[0], 0u);
    EXPECT_EQ(last().args[1], 4096u);
    EXPECT_EQ(last().args[2], UK_PROT_READ | UK_PROT_WRITE);
    EXPECT_EQ(last().args[3], 0u) << "ANONYMOUS and PRIVATE are not ABI flags";
    EXPECT_EQ(last().args[4], 0u);

    void* want = reinterpret_cast<void*>(0x100000200000);
    EXPECT_EQ(uk_mmap(want, 8192, UK_PROT_READ, UK_MAP_ANONYMOUS | UK_MAP_SHARED | UK_MAP_FIXED | UK_MAP_POPULATE, -1, 0),
              0x100000200000);
    EXPECT_EQ(last().args[3], UK_MAP_FIXED | UK_MAP_POPULATE);
    EXPECT_EQ(uk_mmap(want, 8192, UK_PROT_READ, UK_MAP_ANONYMOUS | UK_MAP_PRIVATE | UK_MAP_FIXED_NOREPLACE, -1, 0),
              0x100000200000);
    EXPECT_EQ(last().args[3], UK_MAP_FIXED);

    const size_t before = kernel.seen.size();
    EXPECT_EQ(uk_mmap(nullptr, 4096, UK_PROT_READ, UK_MAP_PRIVATE, -1, 0), -UK_EINVAL) << "not anonymous";
    EXPECT_EQ(uk_mmap(nullptr, 4096, UK_PROT_READ, UK_MAP_ANONYMOUS, -1, 0), -UK_EINVAL) << "neither shared nor private";
    EXPECT_EQ(uk_mmap(nullptr, 4096, UK_PROT_READ, UK_MAP_ANONYMOUS | UK_MAP_PRIVATE | UK_MAP_SHARED, -1, 0),
              -UK_EINVAL);
    EXPECT_EQ(uk_mmap(nullptr, 4096, UK_PROT_READ, UK_MAP_ANONYMOUS | UK_MAP_PRIVATE, 3, 0), -UK_EINVAL) << "fd";
    EXPECT_EQ(uk_mmap(nullptr, 4096, UK_PROT_READ, UK_MAP_ANONYMOUS | UK_MAP_PRIVATE, -1, 4096), -UK_EINVAL);
    EXPECT_EQ(uk_mmap(nullptr, 4096, UK_PROT_READ, UK_MAP_ANONYMOUS | UK_MAP_PRIVATE | 0x40000000, -1, 0), -UK_EINVAL);
    EXPECT_EQ(kernel.seen.size(), before);

    EXPECT_EQ(uk_munmap(want, 8192), 0);
    EXPECT_EQ(last().opcode, UK_OP_MUNMAP);
    EXPECT_EQ(last().args[0], 0x100000200000u);
    EXPECT_EQ(last().args[1], 8192u);
    EXPECT_EQ(uk_mprotect(want, 8192, UK_PROT_READ), 0);
    EXPECT_EQ(last().opcode, UK_OP_MPROTECT);
    EXPECT_EQ(last().args[2], UK_PROT_READ);
}

TEST_F(PosixTest, ClockRandomSignals) {
    uk_timespec ts{};
    EXPECT_EQ(uk_clock_gettime(UK_CLOCK_MONOTONIC, &ts), 0);
    EXPECT_EQ(ts.tv_sec, 12);
    EXPECT_EQ(ts.tv_nsec, 345'678'901);
    EXPECT_EQ(last().args[0], UK_CLOCK_MONOTONIC);
    EXPECT_EQ(uk_clock_gettime(7, &ts), -UK_EINVAL);
    EXPECT_EQ(uk_clock_gettime(UK_CLOCK_REALTIME, nullptr), -UK_EFAULT);

    uint8_t buf[600];
    const size_t before = kernel.seen.size();
    EXPECT_EQ(uk_getrandom(buf, sizeof buf, 0), 600);
    EXPECT_EQ(kernel.seen.size() - before, 3u) << "256 + 256 + 88";
    EXPECT_EQ(kernel.seen[before + 2].args[1], 88u);
    EXPECT_EQ(buf[599], static_cast<uint8_t>(600));
    EXPECT_EQ(uk_getrandom(buf, 16, UK_GRND_NONBLOCK | UK_GRND_RANDOM), 16);
    EXPECT_EQ(last().args[2], 0u) << "flags never reach the kernel";
    EXPECT_EQ(uk_getrandom(buf, 16, 0x80), -UK_EINVAL);

    EXPECT_EQ(uk_kill(1, UK_SIGUSR1), 0);
    EXPECT_EQ(last().opcode, UK_OP_SEND_SIGNAL);
    EXPECT_EQ(last().args[0], 1u);
    EXPECT_EQ(last().args[1], 10u);
    EXPECT_EQ(uk_kill(2, UK_SIGUSR1), -UK_EPERM);
    EXPECT_EQ(uk_kill(1, 64), -UK_EINVAL);
    EXPECT_EQ(uk_kill(1, -1), -UK_EINVAL);
    EXPECT_EQ(uk_check_signals(), static_cast<int64_t>(UK_SIGBIT(10)));
    EXPECT_EQ(uk_check_signals(), 0);
}

TEST_F(PosixTest, BatchIndependentCallsTakeOneSubmit) {
    kernel.fs["/a"] = "AAAA";
    kernel.fs["/b"] = "BBBBBB";
    uk_batch_entry storage[8];
    uk_batch b;
    uk_batch_init(&b, storage, 8);
    uk_timespec ts{};
    uint8_t rnd[32];
    const int oa = uk_batch_open(&b, "/a", UK_O_RDONLY, 0);
    const int ob = uk_batch_open(&b, "/b", UK_O_RDONLY, 0);
    const int oc = uk_batch_open(&b, "/missing", UK_O_RDONLY, 0);
    const int t = uk_batch_clock_gettime(&b, UK_CLOCK_MONOTONIC, &ts);
    const int r = uk_batch_getrandom(&b, rnd, sizeof rnd);
    EXPECT_EQ(uk_batch_result(&b, oa), -UK_EAGAIN) << "not run yet";
    const int before = kernel.submits;
    EXPECT_EQ(uk_batch_submit(&b), 1) << "one failure: /missing";
    EXPECT_EQ(kernel.submits - before, 1);
    EXPECT_EQ(b.submits, 1u);
    EXPECT_EQ(b.waves, 1u);
    EXPECT_EQ(uk_batch_result(&b, oa), 3);
    EXPECT_EQ(uk_batch_result(&b, ob), 4);
    EXPECT_EQ(uk_batch_result(&b, oc), -UK_ENOENT);
    EXPECT_EQ(uk_batch_result(&b, t), 0);
    EXPECT_EQ(ts.tv_sec, 12);
    EXPECT_EQ(ts.tv_nsec, 345'678'901);
    EXPECT_EQ(uk_batch_result(&b, r), 32);
    EXPECT_EQ(uk_batch_result(&b, 5), -UK_EINVAL) << "never queued";
}

TEST_F(PosixTest, BatchOpenReadCloseWithReferencesTakesTwoWaves) {
    kernel.fs["/a"] = "alpha";
    kernel.fs["/b"] = "bravo!";
    ukernel::posix::Batch<16> b;
    char ba[8] = {}, bb[8] = {}, bc[8] = {};
    uk_stat st{};
    const int oa = b.open("/a", UK_O_RDONLY);
    const int ob = b.open("/b", UK_O_RDONLY);
    const int om = b.open("/missing", UK_O_RDONLY);
    const int ra = b.read(UK_BATCH_FD(oa), ba, sizeof ba);
    const int rb = b.read(UK_BATCH_FD(ob), bb, sizeof bb);
    const int rm = b.read(UK_BATCH_FD(om), bc, sizeof bc);
    const int sb = b.fstat(UK_BATCH_FD(ob), &st);
    const int ca = b.close(UK_BATCH_FD(oa));
    const int cb = b.close(UK_BATCH_FD(ob));
    const int pr = b.write(1, "done\n", 5);
    const int before = kernel.submits;
    EXPECT_EQ(b.submit(), 2) << "the failed open and its read";
    EXPECT_EQ(kernel.submits - before, 2) << "opens, then everything else";
    EXPECT_EQ(b.waves(), 2u);
    EXPECT_EQ(b.result(oa), 3);
    EXPECT_EQ(b.result(ob), 4);
    EXPECT_EQ(b.result(om), -UK_ENOENT);
    EXPECT_EQ(b.result(ra), 5);
    EXPECT_EQ(std::string(ba), "alpha");
    EXPECT_EQ(b.result(rb), 6);
    EXPECT_EQ(std::string(bb), "bravo!");
    EXPECT_EQ(b.result(rm), -UK_EBADF) << "fd of a failed open";
    EXPECT_EQ(b.result(sb), 0);
    EXPECT_EQ(st.size, 6u);
    EXPECT_EQ(b.result(ca), 0);
    EXPECT_EQ(b.result(cb), 0);
    EXPECT_EQ(b.result(pr), 5);
    EXPECT_EQ(kernel.printed, std::vector<std::string>{"done\n"});
    EXPECT_FALSE(kernel.handles[0].open);
    EXPECT_FALSE(kernel.handles[1].open);
    // The read of the failed open never reached the kernel.
    for (const SubmitEntry& e : kernel.seen) {
        if (e.opcode == UK_OP_VFS_READ) {
            EXPECT_NE(e.args[1], reinterpret_cast<uintptr_t>(bc));
        }
    }
}

TEST_F(PosixTest, BatchArgumentErrorsCompleteAtOnce) {
    ukernel::posix::Batch<8> b;
    char buf[4];
    uk_stat st{};
    const int bad_ref = b.read(UK_BATCH_FD(5), buf, 4);       // no such entry
    const int bad_fd = b.read(-1, buf, 4);
    const int stdin_read = b.read(0, buf, 4);
    const int console_stat = b.fstat(2, &st);
    const int bad_map = b.mmap(nullptr, 4096, UK_PROT_READ, UK_MAP_PRIVATE);
    const int big_random = b.getrandom(buf, 257);
    const int t = b.op(UK_OP_GET_DOMAIN_ID, nullptr);
    const int not_open_ref = b.close(UK_BATCH_FD(t));             // refers to a non-open
    EXPECT_EQ(b.open("/x", 0), -UK_ENOBUFS) << "full";
    EXPECT_EQ(b.count(), 8u);
    const size_t before = kernel.seen.size();
    EXPECT_EQ(b.submit(), 5);
    EXPECT_EQ(kernel.seen.size() - before, 1u) << "only GetDomainId needed the kernel";
    EXPECT_EQ(b.result(bad_ref), -UK_EINVAL);
    EXPECT_EQ(b.result(bad_fd), -UK_EBADF);
    EXPECT_EQ(b.result(stdin_read), 0);
    EXPECT_EQ(b.result(console_stat), 0);
    EXPECT_EQ(st.mode & UK_S_IFMT, UK_S_IFCHR);
    EXPECT_EQ(b.result(bad_map), -UK_EINVAL);
    EXPECT_EQ(b.result(big_random), -UK_EINVAL);
    EXPECT_EQ(b.result(t), 1);
    EXPECT_EQ(b.result(not_open_ref), -UK_EINVAL);
}

TEST_F(PosixTest, BatchLargerThanTheRing) {
    static uk_batch_entry storage[200];
    uk_batch b;
    uk_batch_init(&b, storage, 200);
    uint8_t rnd[200][4];
    for (int i = 0; i < 200; ++i) ASSERT_EQ(uk_batch_getrandom(&b, rnd[i], 4), i);
    EXPECT_EQ(uk_batch_submit(&b), 0);
    EXPECT_EQ(b.waves, 4u) << "64 + 64 + 64 + 8";
    for (int i = 0; i < 200; ++i) EXPECT_EQ(uk_batch_result(&b, i), 4);
    EXPECT_EQ(rnd[199][3], static_cast<uint8_t>(800));
    // Run again after adding more: only the new entries go.
    const size_t before = kernel.seen.size();
    uk_batch_reset(&b);
    const int k = uk_batch_kill(&b, 1, UK_SIGTERM);
    EXPECT_EQ(uk_batch_submit(&b), 0);
    EXPECT_EQ(uk_batch_result(&b, k), 0);
    EXPECT_EQ(kernel.seen.size() - before, 1u);
}

TEST_F(PosixTest, LongReadsAndWritesBecomeShortCounts) {
    kernel.fs["/big"] = "";
    const int64_t fd = uk_open("/big", UK_O_RDWR, 0);
    ASSERT_GE(fd, 3);
    static char buf[100000];
    EXPECT_EQ(uk_write(static_cast<int>(fd), buf, sizeof buf), 65536) << "one op: at most 64 KiB";
    EXPECT_EQ(last().args[2], UK_VFS_MAX_IO_BYTES);
    EXPECT_EQ(uk_pread(static_cast<int>(fd), buf, sizeof buf, 0), 65536);
    EXPECT_EQ(last().args[2], UK_VFS_MAX_IO_BYTES);
    ukernel::posix::Batch<2> b;
    const int r = b.pread(static_cast<int>(fd), buf, sizeof buf, 1000);
    EXPECT_EQ(b.submit(), 0);
    EXPECT_EQ(b.result(r), 65536 - 1000);
    EXPECT_EQ(last().args[2], UK_VFS_MAX_IO_BYTES);
}
