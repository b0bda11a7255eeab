// kernel/image/bundle: bundles written by the pack tool's writer
// (tools/pack:pack_lib) read back by the kernel's validator, then every
// corruption the validator must refuse, with its exact reason.
#include "kernel/image/bundle.h"

#include <gtest/gtest.h>
#include <stddef.h>

#include <string>
#include <vector>

#include "kernel/image/footprint.h"
#include "tests/host/image/test_files.h"
#include "tools/pack/pack_lib.h"
#include "ukernel/sys.h"

namespace uk::bundle {
namespace {

using test::get;
using test::put;

constexpr char kHello[] =
    "name: hello\n"
    "subsystem: native\n"
    "memory: 256K\n"
    "caps: debug info exit\n"
    "thread: main stack=16K\n";

constexpr char kWorker[] =
    "name: worker\n"
    "subsystem: posix\n"
    "memory: 512K\n"
    "caps: debug info time yield exit signals\n"
    "parent: hello\n"
    "thread: main stack=16K\n"
    "thread: control period=10ms budget=2ms stack=8K\n"
    "grant: path-ro /data\n"
    "grant: path-rw /tmp/worker\n"
    "grant: signal hello\n"
    "grant: port 8080\n";

pack::DomainInput domain(const char* file, const char* text, const std::vector<uint8_t>& elf) {
  pack::DomainInput d;
  d.manifest_path = file;
  d.elf_path = "hello.elf";
  d.elf = elf;
  std::vector<std::string> errors;
  EXPECT_TRUE(pack::parse_manifest_text(file, text, &d.manifest, &errors)) << errors[0];
  return d;
}

// Offsets of record fields in the bundle.
size_t rec(size_t i) { return sizeof(BundleHeader) + i * sizeof(DomainRecord); }
size_t thr(size_t i, size_t t) { return rec(i) + offsetof(DomainRecord, threads) + t * sizeof(ThreadRecord); }
size_t grt(size_t i, size_t g) { return rec(i) + offsetof(DomainRecord, grants) + g * sizeof(GrantRecord); }

class BundleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    elf_ = test::read_runfile("tests/build/hello.elf");
    ASSERT_GT(elf_.size(), 64u) << "tests/build/hello.elf missing from runfiles";
    domains_ = {domain("hello.manifest", kHello, elf_), domain("worker.manifest", kWorker, elf_)};
    std::vector<std::string> errors;
    ASSERT_TRUE(pack::check_domains(domains_, &errors)) << errors[0];
    bytes_ = pack::write_bundle(domains_);
  }

  // Validates `bytes_` (8-byte aligned copy); returns the reason.
  std::string reason(size_t size) {
    test::Aligned a(bytes_);
    Bundle b;
    Status s = validate_bundle(a.data(), size, &b);
    EXPECT_EQ(s.ok(), std::string(b.reason) == "ok");
    return b.reason;
  }
  std::string reason() { return reason(bytes_.size()); }

  // Mutates a copy, checks the reason, restores.
  template <typename T>
  void expect(size_t off, T value, const std::string& expected) {
    std::vector<uint8_t> saved = bytes_;
    put(bytes_, off, value);
    EXPECT_EQ(reason(), expected) << "offset " << off;
    bytes_ = saved;
  }
  void expect_bytes(size_t off, const std::string& value, const std::string& expected) {
    std::vector<uint8_t> saved = bytes_;
    memcpy(bytes_.data() + off, value.data(), value.size());
    EXPECT_EQ(reason(), expected) << "offset " << off;
    bytes_ = saved;
  }

  std::vector<uint8_t> elf_;
  std::vector<pack::DomainInput> domains_;
  std::vector<uint8_t> bytes_;
};

// ---- round trip ----------------------------------------------------------------

TEST_F(BundleTest, RoundTrip) {
  test::Aligned a(bytes_);
  Bundle b;
  ASSERT_TRUE(validate_bundle(a.data(), a.size, &b).ok()) << b.reason;
  EXPECT_STREQ(b.reason, "ok");
  EXPECT_EQ(b.data(), a.data());
  EXPECT_EQ(b.total_bytes(), bytes_.size());
  EXPECT_EQ(bytes_.size() % 16, 0u);
  ASSERT_EQ(b.domain_count(), 2u);

  const DomainRecord& h = b.domain(0);
  EXPECT_STREQ(h.name, "hello");
  EXPECT_STREQ(h.parent, "");
  EXPECT_EQ(h.subsystem, ukernel::sys::SubsystemId::from_name("native").as_u64());
  EXPECT_EQ(h.memory_quota_bytes, 256u * 1024);
  EXPECT_EQ(h.capabilities, static_cast<uint32_t>(Capability::kDebug) | static_cast<uint32_t>(Capability::kDomainInfo) |
                                static_cast<uint32_t>(Capability::kExit));
  ASSERT_EQ(h.thread_count, 1u);
  EXPECT_STREQ(h.threads[0].name, "main");
  EXPECT_EQ(h.threads[0].stack_bytes, 16u * 1024);
  EXPECT_EQ(h.threads[0].period_us, 0u);
  EXPECT_EQ(h.grant_count, 0u);

  const DomainRecord& w = b.domain(1);
  EXPECT_STREQ(w.name, "worker");
  EXPECT_STREQ(w.parent, "hello");
  EXPECT_EQ(w.subsystem, ukernel::sys::SubsystemId::from_name("posix").as_u64());
  EXPECT_EQ(w.memory_quota_bytes, 512u * 1024);
  ASSERT_EQ(w.thread_count, 2u);
  EXPECT_STREQ(w.threads[1].name, "control");
  EXPECT_EQ(w.threads[1].period_us, 10000u);
  EXPECT_EQ(w.threads[1].budget_us, 2000u);
  EXPECT_EQ(w.threads[1].stack_bytes, 8u * 1024);
  ASSERT_EQ(w.grant_count, 4u);
  EXPECT_EQ(w.grants[0].kind, GrantKind::kPathRead);
  EXPECT_STREQ(b.grant_value(w.grants[0]), "/data");
  EXPECT_EQ(w.grants[0].value_bytes, 5u);
  EXPECT_EQ(w.grants[1].kind, GrantKind::kPathReadWrite);
  EXPECT_STREQ(b.grant_value(w.grants[1]), "/tmp/worker");
  EXPECT_EQ(w.grants[2].kind, GrantKind::kSignalTarget);
  EXPECT_STREQ(b.grant_value(w.grants[2]), "hello");
  EXPECT_EQ(w.grants[3].kind, GrantKind::kNetPort);
  EXPECT_EQ(w.grants[3].number, 8080u);
  EXPECT_EQ(b.grant_value(w.grants[3]), nullptr);

  for (uint32_t i = 0; i < 2; ++i) {
    EXPECT_EQ(b.domain(i).elf_offset % kPayloadAlignment, 0u);
    ASSERT_EQ(b.elf_bytes(i), elf_.size());
    EXPECT_EQ(0, memcmp(b.elf_data(i), elf_.data(), elf_.size()));
    elf::Image img;
    EXPECT_TRUE(elf::validate_elf(b.elf_data(i), b.elf_bytes(i), elf::kDomainLoadLimits, &img).ok());
  }
  EXPECT_EQ(b.find_domain("hello"), 0);
  EXPECT_EQ(b.find_domain("worker"), 1);
  EXPECT_EQ(b.find_domain("nobody"), -1);
  EXPECT_EQ(b.find_domain(""), -1);

  // Every unused slot and reserved field is zero.
  EXPECT_EQ(get<uint32_t>(bytes_, rec(0) + offsetof(DomainRecord, reserved0)), 0u);
  for (size_t t = 1; t < kMaxThreads; ++t) EXPECT_EQ(get<uint64_t>(bytes_, thr(0, t) + 48), 0u);

  std::string text;
  ASSERT_TRUE(pack::describe_bundle(a.data(), a.size, &text));
  EXPECT_NE(text.find("domain 1: worker (parent hello)"), std::string::npos) << text;
  EXPECT_NE(text.find("  grant port 8080\n"), std::string::npos) << text;
}

TEST_F(BundleTest, ThreadCpuRoundTrip) {
  // An old bundle's zero is core 0; the pack tool's placement is written as is.
  static_assert(sizeof(ThreadRecord) == 64 && offsetof(ThreadRecord, cpu) == 56);
  EXPECT_EQ(get<uint32_t>(bytes_, thr(1, 1) + offsetof(ThreadRecord, cpu)), 0u);
  domains_[1].cpus[1] = 3;
  domains_[0].cpus[0] = kMaxCpus - 1;
  bytes_ = pack::write_bundle(domains_);
  EXPECT_EQ(get<uint32_t>(bytes_, thr(1, 1) + offsetof(ThreadRecord, cpu)), 3u);
  EXPECT_EQ(get<uint32_t>(bytes_, thr(1, 1) + offsetof(ThreadRecord, reserved)), 0u);
  test::Aligned a(bytes_);
  Bundle b;
  ASSERT_TRUE(validate_bundle(a.data(), a.size, &b).ok()) << b.reason;
  EXPECT_EQ(b.domain(1).threads[1].cpu, 3u);
  EXPECT_EQ(b.domain(1).threads[0].cpu, 0u);
  std::string text;
  ASSERT_TRUE(pack::describe_bundle(a.data(), a.size, &text));
  EXPECT_NE(text.find("  thread main cpu 7 stack 16K\n"), std::string::npos) << text;
  EXPECT_NE(text.find("  thread control cpu 3 stack 8K period 10000us budget 2000us\n"), std::string::npos) << text;
}

TEST_F(BundleTest, EmptyBundle) {
  bytes_ = pack::write_bundle({});
  ASSERT_EQ(bytes_.size(), sizeof(BundleHeader));
  EXPECT_EQ(reason(), "ok");
  test::Aligned a(bytes_);
  Bundle b;
  ASSERT_TRUE(validate_bundle(a.data(), a.size, &b).ok());
  EXPECT_EQ(b.domain_count(), 0u);
  EXPECT_EQ(b.total_bytes(), 64u);
  EXPECT_EQ(b.find_domain("x"), -1);
}

TEST_F(BundleTest, SixteenDomains) {
  std::vector<pack::DomainInput> many;
  for (int i = 0; i < 16; ++i) {
    const std::string text = "name: d" + std::to_string(i) + "\nsubsystem: s\nmemory: 256K\n";
    many.push_back(domain("m", text.c_str(), elf_));
  }
  std::vector<std::string> errors;
  ASSERT_TRUE(pack::check_domains(many, &errors));
  bytes_ = pack::write_bundle(many);
  EXPECT_EQ(reason(), "ok");
  many.push_back(many.back());
  EXPECT_FALSE(pack::check_domains(many, &errors));
  EXPECT_EQ(errors[0], "pack: 17 domains (an image holds at most 16)");
}

// ---- size, pointer, header -----------------------------------------------------

TEST_F(BundleTest, EveryTruncationIsRejected) {
  for (size_t n = 0; n < bytes_.size(); ++n) {
    std::vector<uint8_t> copy(bytes_.begin(), bytes_.begin() + n);
    test::Aligned a(copy);
    Bundle b;
    EXPECT_FALSE(validate_bundle(a.data(), n, &b).ok()) << n;
    if (n < 64) {
      EXPECT_EQ(std::string(b.reason), "truncated: " + std::to_string(n) + " bytes, the bundle header alone needs 64");
    } else {
      EXPECT_EQ(std::string(b.reason), "truncated: total_bytes is " + std::to_string(bytes_.size()) + ", only " +
                                           std::to_string(n) + " bytes available");
    }
    EXPECT_EQ(b.domain_count(), 0u);
  }
  // More bytes available than total_bytes is fine (the bundle's symbols may be padded).
  bytes_.resize(bytes_.size() + 32, 0xee);
  EXPECT_EQ(reason(), "ok");
}

TEST_F(BundleTest, PointerErrors) {
  Bundle b;
  EXPECT_EQ(validate_bundle(nullptr, 100, &b).error(), Errno::kFault);
  EXPECT_STREQ(b.reason, "no bundle (null pointer)");
  test::Aligned a(bytes_);
  EXPECT_EQ(validate_bundle(a.data() + 4, bytes_.size() - 4, &b).error(), Errno::kFault);
  EXPECT_NE(std::string(b.reason).find("is not 8-byte aligned"), std::string::npos) << b.reason;
}

TEST_F(BundleTest, HeaderErrors) {
  expect_bytes(0, "UKBUNDL2", "bad magic (expected \"UKBUNDL1\")");
  expect<uint32_t>(offsetof(BundleHeader, version), 2, "unsupported version 2 (this kernel reads version 1)");
  expect<uint64_t>(offsetof(BundleHeader, reserved) + 32, 1, "header: reserved fields are not zero");
  expect<uint32_t>(offsetof(BundleHeader, domain_count), 17, "17 domains (at most 16)");
  expect<uint32_t>(offsetof(BundleHeader, domain_count), ~0u, "4294967295 domains (at most 16)");
  expect<uint64_t>(offsetof(BundleHeader, total_bytes), 64 + 1040,
                   "total_bytes 1104 is smaller than the header and 2 domain records (2144 bytes)");
  expect<uint64_t>(offsetof(BundleHeader, total_bytes), bytes_.size() + 1,
                   "truncated: total_bytes is " + std::to_string(bytes_.size() + 1) + ", only " +
                       std::to_string(bytes_.size()) + " bytes available");
  expect<uint64_t>(offsetof(BundleHeader, total_bytes), ~0ull,
                   "truncated: total_bytes is 18446744073709551615, only " + std::to_string(bytes_.size()) +
                       " bytes available");
}

// ---- records ----------------------------------------------------------------------

TEST_F(BundleTest, NameErrors) {
  expect_bytes(rec(0), std::string(32, 'a'), "domain 0: name is not NUL-terminated");
  expect_bytes(rec(0), std::string("hello\0x", 7), "domain 0: name has non-zero bytes after its NUL");
  expect_bytes(rec(0), "Hello", "domain 0: name has characters outside [a-z0-9_-]");
  expect_bytes(rec(0), std::string(32, '\0'), "domain 0: empty name");
  expect_bytes(rec(1) + offsetof(DomainRecord, parent), std::string(32, 'p'),
               "domain 1 ('worker'): parent name is not NUL-terminated");
  expect_bytes(rec(1) + offsetof(DomainRecord, parent), "He", "domain 1 ('worker'): parent name has characters outside [a-z0-9_-]");
}

TEST_F(BundleTest, FieldErrors) {
  expect<uint32_t>(rec(0) + offsetof(DomainRecord, reserved0), 1, "domain 0 ('hello'): reserved fields are not zero");
  expect<uint64_t>(rec(1) + offsetof(DomainRecord, reserved) + 24, 1,
                   "domain 1 ('worker'): reserved fields are not zero");
  expect<uint32_t>(rec(0) + offsetof(DomainRecord, capabilities), 1u << 20,
                   "domain 0 ('hello'): unknown capability bits 0x100000");
  const std::string quota = "domain 0 ('hello'): memory quota ";
  const std::string rule = " bytes (must be a non-zero page multiple, at most 1073741824)";
  expect<uint64_t>(rec(0) + offsetof(DomainRecord, memory_quota_bytes), 0, quota + "0" + rule);
  expect<uint64_t>(rec(0) + offsetof(DomainRecord, memory_quota_bytes), 4097, quota + "4097" + rule);
  expect<uint64_t>(rec(0) + offsetof(DomainRecord, memory_quota_bytes), 2ull << 30, quota + "2147483648" + rule);
}

TEST_F(BundleTest, QuotaMustCoverTheFootprint) {
  expect<uint64_t>(rec(0) + offsetof(DomainRecord, memory_quota_bytes), 64 * 1024,
                   "domain 0 ('hello'): memory quota 64 KiB is less than the 128 KiB it needs (image 4, stacks 4, "
                   "ring 2, tables 22 pages)");
  expect<uint64_t>(rec(0) + offsetof(DomainRecord, memory_quota_bytes), 128 * 1024, "ok");
}

TEST_F(BundleTest, ThreadErrors) {
  const std::string w = "domain 1 ('worker'): ";
  expect<uint32_t>(rec(1) + offsetof(DomainRecord, thread_count), 0, w + "thread_count 0 (must be 1..8)");
  expect<uint32_t>(rec(1) + offsetof(DomainRecord, thread_count), 9, w + "thread_count 9 (must be 1..8)");
  expect<uint32_t>(rec(1) + offsetof(DomainRecord, thread_count), 3, w + "thread 2: empty name");
  expect<uint32_t>(thr(1, 7) + offsetof(ThreadRecord, reserved), 1, w + "unused thread slot 7 is not zero");
  expect<uint32_t>(thr(1, 7) + offsetof(ThreadRecord, cpu), 1, w + "unused thread slot 7 is not zero");
  expect_bytes(thr(1, 1), std::string(32, 't'), w + "thread 1: name is not NUL-terminated");
  expect_bytes(thr(1, 1), "Control", w + "thread 1: name has characters outside [a-z0-9_-]");
  expect_bytes(thr(1, 1), std::string("main\0\0\0", 8), w + "threads 0 and 1 are both 'main'");
  expect<uint32_t>(thr(1, 0) + offsetof(ThreadRecord, reserved), 5, w + "thread 'main': reserved field is not zero");
  expect<uint32_t>(thr(1, 0) + offsetof(ThreadRecord, cpu), kMaxCpus, w + "thread 'main': cpu 8 (must be 0..7)");
  expect<uint32_t>(thr(1, 1) + offsetof(ThreadRecord, cpu), UINT32_MAX,
                   w + "thread 'control': cpu 4294967295 (must be 0..7)");
  expect<uint32_t>(thr(1, 1) + offsetof(ThreadRecord, cpu), kMaxCpus - 1, "ok");
  const std::string stack = " bytes (must be a page multiple in [4096, 1048576])";
  expect<uint64_t>(thr(1, 0) + offsetof(ThreadRecord, stack_bytes), 0, w + "thread 'main': stack 0" + stack);
  expect<uint64_t>(thr(1, 0) + offsetof(ThreadRecord, stack_bytes), 5000, w + "thread 'main': stack 5000" + stack);
  expect<uint64_t>(thr(1, 0) + offsetof(ThreadRecord, stack_bytes), 2 << 20, w + "thread 'main': stack 2097152" + stack);
  expect<uint64_t>(thr(1, 0) + offsetof(ThreadRecord, budget_us), 10, w + "thread 'main': budget 10us without a period");
  expect<uint64_t>(thr(1, 1) + offsetof(ThreadRecord, period_us), 99,
                   w + "thread 'control': period 99us outside [100, 10000000]us");
  expect<uint64_t>(thr(1, 1) + offsetof(ThreadRecord, period_us), 10000001,
                   w + "thread 'control': period 10000001us outside [100, 10000000]us");
  expect<uint64_t>(thr(1, 1) + offsetof(ThreadRecord, budget_us), 10001,
                   w + "thread 'control': budget 10001us outside [10, period 10000]us");
  expect<uint64_t>(thr(1, 1) + offsetof(ThreadRecord, budget_us), 0,
                   w + "thread 'control': budget 0us outside [10, period 10000]us");
}

TEST_F(BundleTest, GrantErrors) {
  const std::string w = "domain 1 ('worker'): ";
  expect<uint32_t>(rec(1) + offsetof(DomainRecord, grant_count), 17, w + "grant_count 17 (at most 16)");
  expect<uint32_t>(rec(1) + offsetof(DomainRecord, grant_count), 5, w + "grant 4: unknown kind 0");
  expect<uint64_t>(grt(1, 15) + offsetof(GrantRecord, number), 1, w + "unused grant slot 15 is not zero");
  expect<uint32_t>(grt(1, 0), 9, w + "grant 0: unknown kind 9");
  expect<uint64_t>(grt(1, 0) + offsetof(GrantRecord, number), 3, w + "grant 0: number 3 is not zero");
  expect<uint32_t>(grt(1, 0) + offsetof(GrantRecord, value_bytes), 0, w + "grant 0: empty value");
  expect<uint64_t>(grt(1, 0) + offsetof(GrantRecord, value_offset), 0,
                   w + "grant 0: value [0, +6] outside the payload [2144, " + std::to_string(bytes_.size()) + ")");
  expect<uint64_t>(grt(1, 0) + offsetof(GrantRecord, value_offset), bytes_.size() - 3,
                   w + "grant 0: value [" + std::to_string(bytes_.size() - 3) + ", +6] outside the payload [2144, " +
                       std::to_string(bytes_.size()) + ")");
  expect<uint64_t>(grt(1, 0) + offsetof(GrantRecord, value_offset), ~0ull - 2,
                   w + "grant 0: value [18446744073709551613, +6] outside the payload [2144, " +
                       std::to_string(bytes_.size()) + ")");
  expect<uint32_t>(grt(1, 0) + offsetof(GrantRecord, value_bytes), 4, w + "grant 0: value is not NUL-terminated");
  const size_t path = get<uint64_t>(bytes_, grt(1, 0) + offsetof(GrantRecord, value_offset));
  expect_bytes(path, "xdata", w + "grant 0: path is not absolute");
  expect_bytes(path + 2, "\x01", w + "grant 0: path byte 2 is 0x01 (not printable ASCII)");
  const size_t signal = get<uint64_t>(bytes_, grt(1, 2) + offsetof(GrantRecord, value_offset));
  expect_bytes(signal, "Hello", w + "grant 2: bad signal target name");
  expect_bytes(signal, "hellx", "domain 1 ('worker'): grant 2: signal target 'hellx' is not in the bundle");
  expect<uint32_t>(grt(1, 3) + offsetof(GrantRecord, value_bytes), 1, w + "grant 3: port grant with a string value");
  expect<uint64_t>(grt(1, 3) + offsetof(GrantRecord, number), 0, w + "grant 3: port 0 outside 1..65535");
  expect<uint64_t>(grt(1, 3) + offsetof(GrantRecord, number), 65536, w + "grant 3: port 65536 outside 1..65535");
}

TEST_F(BundleTest, PathLengthLimit) {
  // worker first: its string table is followed by hello's ELF, so a 128-byte
  // path still lies inside the payload.
  std::swap(domains_[0], domains_[1]);
  bytes_ = pack::write_bundle(domains_);
  ASSERT_EQ(reason(), "ok");
  const size_t path = get<uint64_t>(bytes_, grt(0, 0) + offsetof(GrantRecord, value_offset));
  const std::string long_path = "/" + std::string(127, 'a') + std::string(1, '\0');
  memcpy(bytes_.data() + path, long_path.data(), long_path.size());
  expect<uint32_t>(grt(0, 0) + offsetof(GrantRecord, value_bytes), 128,
                   "domain 0 ('worker'): grant 0: path is 128 bytes (at most 127)");
  expect<uint32_t>(grt(0, 0) + offsetof(GrantRecord, value_bytes), 127,
                   "domain 0 ('worker'): grant 0: value is not NUL-terminated");
}

TEST_F(BundleTest, ElfErrors) {
  const std::string h = "domain 0 ('hello'): ";
  const uint64_t off = get<uint64_t>(bytes_, rec(0) + offsetof(DomainRecord, elf_offset));
  const std::string payload = " outside the payload [2144, " + std::to_string(bytes_.size()) + ")";
  expect<uint64_t>(rec(0) + offsetof(DomainRecord, elf_offset), off + 8,
                   h + "ELF offset " + std::to_string(off + 8) + " is not 16-byte aligned");
  expect<uint64_t>(rec(0) + offsetof(DomainRecord, elf_offset), 0, h + "ELF [0, +" + std::to_string(elf_.size()) + ")" + payload);
  expect<uint64_t>(rec(0) + offsetof(DomainRecord, elf_bytes), bytes_.size(),
                   h + "ELF [" + std::to_string(off) + ", +" + std::to_string(bytes_.size()) + ")" + payload);
  expect<uint64_t>(rec(0) + offsetof(DomainRecord, elf_bytes), ~0ull,
                   h + "ELF [" + std::to_string(off) + ", +18446744073709551615)" + payload);
  expect<uint64_t>(rec(0) + offsetof(DomainRecord, elf_offset), ~0ull & ~15ull,
                   h + "ELF [18446744073709551600, +" + std::to_string(elf_.size()) + ")" + payload);
  expect<uint16_t>(off + 18, 62, h + "ELF: e_machine 62 is not AArch64 (183)");
  expect<uint64_t>(rec(0) + offsetof(DomainRecord, elf_bytes), 100,
                   h + "ELF: program headers [0x40, +112) run past the end of the file (100 bytes)");
}

TEST_F(BundleTest, RelationErrors) {
  expect_bytes(rec(1), std::string("hello\0", 6), "domains 0 and 1 are both named 'hello'");
  expect_bytes(rec(1) + offsetof(DomainRecord, parent), std::string("nobody\0", 7),
               "domain 1 ('worker'): parent 'nobody' is not in the bundle");
  expect_bytes(rec(0) + offsetof(DomainRecord, parent), std::string("worker\0", 7),
               "domain 0 ('hello'): parent chain through 'worker' is a cycle");
  expect_bytes(rec(0) + offsetof(DomainRecord, parent), std::string("hello\0", 6),
               "domain 0 ('hello'): parent chain through 'hello' is a cycle");
}

TEST_F(BundleTest, LongerCycleAndChain) {
  // a -> b -> c (chain: fine); then c -> a (cycle).
  std::vector<pack::DomainInput> ds = {
      domain("a", "name: a\nsubsystem: s\nmemory: 256K\nparent: b\n", elf_),
      domain("b", "name: b\nsubsystem: s\nmemory: 256K\nparent: c\n", elf_),
      domain("c", "name: c\nsubsystem: s\nmemory: 256K\n", elf_),
  };
  std::vector<std::string> errors;
  ASSERT_TRUE(pack::check_domains(ds, &errors));
  bytes_ = pack::write_bundle(ds);
  EXPECT_EQ(reason(), "ok");
  expect_bytes(rec(2) + offsetof(DomainRecord, parent), std::string("a\0", 2),
               "domain 0 ('a'): parent chain through 'b' is a cycle");

  ds = {
      domain("a.manifest", "name: a\nsubsystem: s\nmemory: 256K\nparent: b\n", elf_),
      domain("b.manifest", "name: b\nsubsystem: s\nmemory: 256K\nparent: c\n", elf_),
      domain("c.manifest", "name: c\nsubsystem: s\nmemory: 256K\nparent: a\n", elf_),
      domain("d.manifest", "name: d\nsubsystem: s\nmemory: 256K\nparent: a\n", elf_),
  };
  EXPECT_FALSE(pack::check_domains(ds, &errors));
  // Reported once, at the cycle's first domain; d only hangs off the cycle.
  EXPECT_EQ(errors, std::vector<std::string>{"a.manifest:4: parent: cycle a -> b -> c -> a"});
}

// Random corruption of the header and records never crashes the validator;
// whatever it accepts has valid ELF files inside the bundle.
TEST_F(BundleTest, RandomCorruptionKeepsTheInvariants) {
  uint64_t rng = 0x2545f4914f6cdd1dull;
  auto next = [&] {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
  };
  const size_t meta = rec(2);
  int accepted = 0;
  for (int iter = 0; iter < 20000; ++iter) {
    std::vector<uint8_t> copy = bytes_;
    const int flips = 1 + static_cast<int>(next() % 3);
    for (int f = 0; f < flips; ++f) copy[next() % meta] ^= static_cast<uint8_t>(1u << (next() % 8));
    test::Aligned a(copy);
    Bundle b;
    if (!validate_bundle(a.data(), a.size, &b).ok()) continue;
    ++accepted;
    ASSERT_LE(b.total_bytes(), copy.size());
    for (uint32_t i = 0; i < b.domain_count(); ++i) {
      const DomainRecord& r = b.domain(i);
      ASSERT_LE(r.elf_offset + r.elf_bytes, b.total_bytes());
      elf::Image img;
      ASSERT_TRUE(elf::validate_elf(b.elf_data(i), b.elf_bytes(i), elf::kDomainLoadLimits, &img).ok());
      ASSERT_GE(r.thread_count, 1u);
      ASSERT_LE(r.thread_count, kMaxThreads);
      ASSERT_LE(r.grant_count, kMaxGrants);
    }
  }
  EXPECT_GT(accepted, 0);  // e.g. flipped capability bits within the known set
}

}  // namespace
}  // namespace uk::bundle
