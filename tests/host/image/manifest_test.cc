// kernel/manifest: every accepted form and every error message, verbatim.
#include "kernel/manifest/manifest.h"

#include <gtest/gtest.h>

#include "ukernel/sys.h"

#include <string>
#include <vector>

namespace uk::manifest {
namespace {

struct Parsed {
  bool ok = false;
  Manifest m;
  std::vector<std::string> errors;
  size_t dropped = 0;
};

Parsed parse(const std::string& text, const char* file = "t.manifest") {
  Parsed p;
  Diagnostics diag;
  p.ok = parse_manifest(file, text.data(), text.size(), &p.m, &diag).ok();
  for (size_t i = 0; i < diag.count; ++i) p.errors.push_back(diag.messages[i]);
  p.dropped = diag.dropped;
  EXPECT_EQ(p.ok, diag.total() == 0);
  return p;
}

constexpr char kBase[] = "name: hello\nsubsystem: native\nmemory: 256K\n";

// The base manifest plus `extra` lines (they start on line 4).
Parsed parse_with(const std::string& extra) { return parse(std::string(kBase) + extra); }

// Exactly one error, `message`.
void expect_error(const std::string& text, const std::string& message) {
  Parsed p = parse(text);
  EXPECT_FALSE(p.ok);
  EXPECT_EQ(p.errors, std::vector<std::string>{message}) << "input:\n" << text;
}

void expect_error_with(const std::string& extra, const std::string& message) {
  expect_error(std::string(kBase) + extra, message);
}

// ---- accepted input ---------------------------------------------------------

TEST(Manifest, FullExample) {
  Parsed p = parse(
      "# a comment line\n"
      "name: hello\n"
      "subsystem: posix\n"
      "memory: 512K\n"
      "caps: debug info time yield exit\n"
      "parent: supervisor        # optional\n"
      "thread: main stack=16K                      # best effort\n"
      "thread: control period=10ms budget=2ms stack=8K   # real-time\n"
      "grant: path-ro /data\n"
      "grant: path-rw /tmp/x\n"
      "grant: signal logger\n"
      "grant: port 8080\n");
  ASSERT_TRUE(p.ok) << p.errors[0];
  const Manifest& m = p.m;
  EXPECT_STREQ(m.name, "hello");
  EXPECT_STREQ(m.subsystem, "posix");
  EXPECT_EQ(m.subsystem_id, ukernel::sys::SubsystemId::from_name("posix").as_u64());
  EXPECT_EQ(m.memory_bytes, 512u * 1024);
  EXPECT_EQ(m.capabilities, static_cast<uint32_t>(Capability::kDebug) | static_cast<uint32_t>(Capability::kDomainInfo) |
                                static_cast<uint32_t>(Capability::kTime) | static_cast<uint32_t>(Capability::kYield) |
                                static_cast<uint32_t>(Capability::kExit));
  EXPECT_STREQ(m.parent, "supervisor");
  EXPECT_TRUE(m.has_parent());
  ASSERT_EQ(m.thread_count, 2u);
  EXPECT_STREQ(m.threads[0].name, "main");
  EXPECT_EQ(m.threads[0].period_us, 0u);
  EXPECT_EQ(m.threads[0].budget_us, 0u);
  EXPECT_EQ(m.threads[0].stack_bytes, 16u * 1024);
  EXPECT_EQ(m.threads[0].line, 7u);
  EXPECT_STREQ(m.threads[1].name, "control");
  EXPECT_EQ(m.threads[1].period_us, 10000u);
  EXPECT_EQ(m.threads[1].budget_us, 2000u);
  EXPECT_EQ(m.threads[1].stack_bytes, 8u * 1024);
  ASSERT_EQ(m.grant_count, 4u);
  EXPECT_EQ(m.grants[0].kind, bundle::GrantKind::kPathRead);
  EXPECT_STREQ(m.grants[0].value, "/data");
  EXPECT_EQ(m.grants[0].value_bytes, 5u);
  EXPECT_EQ(m.grants[1].kind, bundle::GrantKind::kPathReadWrite);
  EXPECT_STREQ(m.grants[1].value, "/tmp/x");
  EXPECT_EQ(m.grants[2].kind, bundle::GrantKind::kSignalTarget);
  EXPECT_STREQ(m.grants[2].value, "logger");
  EXPECT_EQ(m.grants[3].kind, bundle::GrantKind::kNetPort);
  EXPECT_EQ(m.grants[3].number, 8080u);
  EXPECT_EQ(m.grants[3].value_bytes, 0u);
  EXPECT_EQ(m.name_line, 2u);
  EXPECT_EQ(m.subsystem_line, 3u);
  EXPECT_EQ(m.memory_line, 4u);
  EXPECT_EQ(m.caps_line, 5u);
  EXPECT_EQ(m.parent_line, 6u);
}

TEST(Manifest, SubsystemIdIsFnv1aOfTheName) {
  // Known FNV-1a 64 values: "" is the offset basis, "a" = 0xaf63dc4c8601ec8c.
  EXPECT_EQ(subsystem_id("", 0), 0xcbf29ce484222325ull);
  EXPECT_EQ(subsystem_id("a", 1), 0xaf63dc4c8601ec8cull);
  Parsed p = parse("name: x\nsubsystem: a\nmemory: 4K\n");
  ASSERT_TRUE(p.ok);
  EXPECT_EQ(p.m.subsystem_id, 0xaf63dc4c8601ec8cull);
}

TEST(Manifest, DefaultThreadWhenNoThreadLine) {
  Parsed p = parse(kBase);
  ASSERT_TRUE(p.ok);
  ASSERT_EQ(p.m.thread_count, 1u);
  EXPECT_STREQ(p.m.threads[0].name, kDefaultThreadName);
  EXPECT_EQ(p.m.threads[0].stack_bytes, kDefaultStackBytes);
  EXPECT_EQ(p.m.threads[0].period_us, 0u);
  EXPECT_EQ(p.m.threads[0].line, 0u);
  EXPECT_EQ(p.m.threads[0].cpu, kUnpinned);
  EXPECT_EQ(p.m.capabilities, 0u);
  EXPECT_FALSE(p.m.has_parent());
  EXPECT_EQ(p.m.grant_count, 0u);
}

TEST(Manifest, ThreadWithoutStackGetsTheDefault) {
  Parsed p = parse_with("thread: worker period=1s budget=100ms\n");
  ASSERT_TRUE(p.ok);
  ASSERT_EQ(p.m.thread_count, 1u);
  EXPECT_EQ(p.m.threads[0].stack_bytes, kDefaultStackBytes);
  EXPECT_EQ(p.m.threads[0].period_us, 1000000u);
  EXPECT_EQ(p.m.threads[0].budget_us, 100000u);
}

TEST(Manifest, WhitespaceCommentsAndCrlf) {
  Parsed p = parse("\r\n  # indented comment\r\n\tname:hello   \r\nsubsystem :  native\r\n\nmemory: 4096# c\r\n"
                   "caps:   debug\t exit  \r\nthread: a  stack=4K   period=100us   budget=100us\r\n");
  ASSERT_TRUE(p.ok) << p.errors[0];
  EXPECT_STREQ(p.m.name, "hello");
  EXPECT_STREQ(p.m.subsystem, "native");
  EXPECT_EQ(p.m.memory_bytes, 4096u);
  EXPECT_EQ(p.m.name_line, 3u);
  EXPECT_EQ(p.m.memory_line, 6u);
  EXPECT_EQ(p.m.threads[0].budget_us, 100u);
}

TEST(Manifest, NoTrailingNewline) {
  Parsed p = parse("name: a\nsubsystem: b\nmemory: 1M");
  ASSERT_TRUE(p.ok);
  EXPECT_EQ(p.m.memory_bytes, 1024u * 1024);
}

TEST(Manifest, Limits) {
  Parsed p = parse("name: abcdefghijklmnopqrstuvwxyz_-0123\nsubsystem: s\nmemory: 1024M\n");
  EXPECT_FALSE(p.ok);  // 36 characters
  p = parse("name: abcdefghijklmnopqrstuvwxyz_-012\nsubsystem: s\nmemory: 1024M\n"
            "thread: t stack=1M\nthread: u stack=4K period=10s budget=10s\nthread: v period=100us budget=10us\n");
  ASSERT_TRUE(p.ok) << p.errors[0];
  EXPECT_EQ(std::string(p.m.name).size(), kMaxNameLength);
  EXPECT_EQ(p.m.memory_bytes, kMaxMemoryBytes);
  EXPECT_EQ(p.m.threads[0].stack_bytes, kMaxStackBytes);
  EXPECT_EQ(p.m.threads[1].period_us, kMaxPeriodUs);
  EXPECT_EQ(p.m.threads[2].budget_us, kMinBudgetUs);

  std::string eight;
  for (int i = 0; i < 8; ++i) eight += "thread: t" + std::to_string(i) + "\n";
  p = parse_with(eight);
  ASSERT_TRUE(p.ok);
  EXPECT_EQ(p.m.thread_count, 8u);

  std::string sixteen;
  for (int i = 0; i < 16; ++i) sixteen += "grant: port " + std::to_string(i + 1) + "\n";
  p = parse_with(sixteen);
  ASSERT_TRUE(p.ok);
  EXPECT_EQ(p.m.grant_count, 16u);

  p = parse_with("grant: path-ro /" + std::string(kMaxPathLength - 1, 'a') + "\ngrant: path-ro /\n");
  ASSERT_TRUE(p.ok) << p.errors[0];
  EXPECT_EQ(p.m.grants[0].value_bytes, kMaxPathLength);
  EXPECT_STREQ(p.m.grants[1].value, "/");
}

TEST(Manifest, AllCapabilities) {
  Parsed p = parse_with("caps: debug info time yield exit memory threads random files net signals\n");
  ASSERT_TRUE(p.ok);
  EXPECT_EQ(p.m.capabilities, (1u << 11) - 1);
}

TEST(Manifest, Helpers) {
  uint64_t v = 0;
  EXPECT_TRUE(parse_size("0", 1, &v));
  EXPECT_EQ(v, 0u);
  EXPECT_TRUE(parse_size("12K", 3, &v));
  EXPECT_EQ(v, 12u * 1024);
  EXPECT_TRUE(parse_size("3M", 2, &v));
  EXPECT_EQ(v, 3u * 1024 * 1024);
  EXPECT_TRUE(parse_size("18446744073709551615", 20, &v));
  EXPECT_EQ(v, ~0ull);
  EXPECT_FALSE(parse_size("18446744073709551616", 20, &v));
  EXPECT_FALSE(parse_size("18014398509481984K", 18, &v));  // 2^54 K overflows
  EXPECT_FALSE(parse_size("", 0, &v));
  EXPECT_FALSE(parse_size("K", 1, &v));
  EXPECT_FALSE(parse_size("1G", 2, &v));
  EXPECT_FALSE(parse_size("1k", 2, &v));
  EXPECT_FALSE(parse_size("-1", 2, &v));
  EXPECT_FALSE(parse_size("1 K", 3, &v));
  EXPECT_FALSE(parse_size(nullptr, 0, &v));

  EXPECT_TRUE(parse_time_us("7us", 3, &v));
  EXPECT_EQ(v, 7u);
  EXPECT_TRUE(parse_time_us("7ms", 3, &v));
  EXPECT_EQ(v, 7000u);
  EXPECT_TRUE(parse_time_us("7s", 2, &v));
  EXPECT_EQ(v, 7000000u);
  EXPECT_FALSE(parse_time_us("7", 1, &v));
  EXPECT_FALSE(parse_time_us("s", 1, &v));
  EXPECT_FALSE(parse_time_us("ms", 2, &v));
  EXPECT_FALSE(parse_time_us("7ns", 3, &v));
  EXPECT_FALSE(parse_time_us("7min", 4, &v));
  EXPECT_FALSE(parse_time_us("18446744073709552s", 18, &v));

  EXPECT_TRUE(is_valid_name("a-b_9", 5));
  EXPECT_FALSE(is_valid_name("", 0));
  EXPECT_FALSE(is_valid_name("A", 1));
  EXPECT_FALSE(is_valid_name("a.b", 3));
  EXPECT_FALSE(is_valid_name(std::string(32, 'a').c_str(), 32));
  EXPECT_TRUE(is_valid_name(std::string(31, 'a').c_str(), 31));

  EXPECT_EQ(capability_from_name("signals", 7), static_cast<uint32_t>(Capability::kSignals));
  EXPECT_EQ(capability_from_name("signal", 6), 0u);
  EXPECT_EQ(capability_from_name("debugx", 6), 0u);
  EXPECT_STREQ(capability_name_list(), "debug, info, time, yield, exit, memory, threads, random, files, net, signals");
}

// ---- errors: file and line syntax ------------------------------------------

TEST(ManifestErrors, NullText) {
  Diagnostics diag;
  Manifest m;
  EXPECT_EQ(parse_manifest("f", nullptr, 3, &m, &diag).error(), Errno::kInval);
  ASSERT_EQ(diag.count, 1u);
  EXPECT_STREQ(diag.messages[0], "f: file: no text (null pointer)");
}

TEST(ManifestErrors, EmptyFileMissesEverything) {
  Parsed p = parse("");
  EXPECT_EQ(p.errors, (std::vector<std::string>{
                          "t.manifest: name: required field is missing",
                          "t.manifest: subsystem: required field is missing",
                          "t.manifest: memory: required field is missing (e.g. memory: 256K)",
                      }));
}

TEST(ManifestErrors, TooLarge) {
  std::string text(kMaxManifestBytes + 1, '#');
  expect_error(text, "t.manifest: file: 65537 bytes is larger than the 65536-byte limit for a manifest");
}

TEST(ManifestErrors, ControlCharacters) {
  expect_error_with(std::string("caps: debug\0exit\n", 17), "t.manifest:4: control character 0x00 in the line");
  expect_error_with("caps: debug\x1b[0m\n", "t.manifest:4: control character 0x1b in the line");
  expect_error_with("# \x7f\n", "t.manifest:4: control character 0x7f in the line");
}

TEST(ManifestErrors, Syntax) {
  expect_error_with("caps debug\n", "t.manifest:4: expected 'key: value', got 'caps debug'");
  expect_error_with(": debug\n", "t.manifest:4: expected 'key: value', got ': debug'");
  expect_error_with("my caps: debug\n", "t.manifest:4: expected 'key: value', got 'my caps: debug'");
}

TEST(ManifestErrors, UnknownField) {
  expect_error_with("Name: x\n",
                    "t.manifest:4: Name: unknown field (fields: name, subsystem, memory, caps, parent, thread, grant)");
  expect_error_with(
      "capabilities: debug\n",
      "t.manifest:4: capabilities: unknown field (fields: name, subsystem, memory, caps, parent, thread, grant)");
}

TEST(ManifestErrors, DuplicateField) {
  expect_error_with("memory: 8K\n", "t.manifest:4: memory: duplicate field (already set on line 3)");
  expect_error_with("caps: debug\ncaps: exit\n", "t.manifest:5: caps: duplicate field (already set on line 4)");
  expect_error_with("parent: a\nparent: b\n", "t.manifest:5: parent: duplicate field (already set on line 4)");
  // Even an invalid first occurrence counts as set.
  Parsed p = parse("name: A\nname: b\nsubsystem: s\nmemory: 4K\n");
  EXPECT_EQ(p.errors, (std::vector<std::string>{
                          "t.manifest:1: name: 'A' contains 'A' (names use a-z, 0-9, '_' and '-')",
                          "t.manifest:2: name: duplicate field (already set on line 1)",
                      }));
}

TEST(ManifestErrors, MissingValue) {
  expect_error_with("caps:\n", "t.manifest:4: caps: missing value");
  expect_error_with("parent:   # none\n", "t.manifest:4: parent: missing value");
  expect_error_with("thread:\n", "t.manifest:4: thread: missing value");
  expect_error_with("grant:\n", "t.manifest:4: grant: missing value");
}

TEST(ManifestErrors, MissingRequiredFields) {
  expect_error("subsystem: s\nmemory: 4K\n", "t.manifest: name: required field is missing");
  expect_error("name: n\nmemory: 4K\n", "t.manifest: subsystem: required field is missing");
  expect_error("name: n\nsubsystem: s\n", "t.manifest: memory: required field is missing (e.g. memory: 256K)");
}

TEST(ManifestErrors, FileNameIsUsedVerbatim) {
  Parsed p = parse("name: n\nsubsystem: s\nmemory: 5\n", "path/to/hello.manifest");
  EXPECT_EQ(p.errors, std::vector<std::string>{
                          "path/to/hello.manifest:3: memory: '5' is not a multiple of the 4K page size"});
}

// ---- errors: names -----------------------------------------------------------

TEST(ManifestErrors, Names) {
  expect_error("name: Hello\nsubsystem: s\nmemory: 4K\n",
               "t.manifest:1: name: 'Hello' contains 'H' (names use a-z, 0-9, '_' and '-')");
  expect_error("name: hello world\nsubsystem: s\nmemory: 4K\n",
               "t.manifest:1: name: 'hello world' contains a space (names use a-z, 0-9, '_' and '-')");
  expect_error("name: a\tb\nsubsystem: s\nmemory: 4K\n",
               "t.manifest:1: name: 'a\tb' contains a tab (names use a-z, 0-9, '_' and '-')");
  expect_error("name: caf\xc3\xa9\nsubsystem: s\nmemory: 4K\n",
               "t.manifest:1: name: 'caf\xc3\xa9' contains 0xc3 (names use a-z, 0-9, '_' and '-')");
  expect_error("name: " + std::string(32, 'a') + "\nsubsystem: s\nmemory: 4K\n",
               "t.manifest:1: name: '" + std::string(32, 'a') + "' is 32 characters long (at most 31)");
  // Long values are cut in messages.
  expect_error("name: " + std::string(60, 'a') + "\nsubsystem: s\nmemory: 4K\n",
               "t.manifest:1: name: '" + std::string(48, 'a') + "...' is 60 characters long (at most 31)");
  expect_error("name: n\nsubsystem: POSIX\nmemory: 4K\n",
               "t.manifest:2: subsystem: 'POSIX' contains 'P' (names use a-z, 0-9, '_' and '-')");
  expect_error("name: n\nsubsystem: " + std::string(40, 's') + "\nmemory: 4K\n",
               "t.manifest:2: subsystem: '" + std::string(40, 's') + "' is 40 characters long (at most 31)");
  expect_error_with("parent: Super\n",
                    "t.manifest:4: parent: 'Super' contains 'S' (names use a-z, 0-9, '_' and '-')");
}

TEST(ManifestErrors, ParentIsItself) {
  expect_error_with("parent: hello\n", "t.manifest:4: parent: 'hello' is the domain itself");
  // Order does not matter.
  expect_error("parent: hello\nname: hello\nsubsystem: s\nmemory: 4K\n",
               "t.manifest:1: parent: 'hello' is the domain itself");
}

// ---- errors: memory ------------------------------------------------------------

TEST(ManifestErrors, Memory) {
  const std::string head = "name: n\nsubsystem: s\n";
  expect_error(head + "memory: 512Q\n",
               "t.manifest:3: memory: '512Q' is not a size (use bytes or K/M suffix, e.g. 512K)");
  expect_error(head + "memory: 512 K\n",
               "t.manifest:3: memory: '512 K' is not a size (use bytes or K/M suffix, e.g. 512K)");
  expect_error(head + "memory: 1G\n", "t.manifest:3: memory: '1G' is not a size (use bytes or K/M suffix, e.g. 512K)");
  expect_error(head + "memory: 0x1000\n",
               "t.manifest:3: memory: '0x1000' is not a size (use bytes or K/M suffix, e.g. 512K)");
  expect_error(head + "memory: 1025M\n", "t.manifest:3: memory: '1025M' is larger than the 1024M limit");
  expect_error(head + "memory: 99999999999999999999\n",
               "t.manifest:3: memory: '99999999999999999999' is larger than the 1024M limit");
  expect_error(head + "memory: 0K\n", "t.manifest:3: memory: '0K' is zero");
  expect_error(head + "memory: 4097\n", "t.manifest:3: memory: '4097' is not a multiple of the 4K page size");
  expect_error(head + "memory: 2K\n", "t.manifest:3: memory: '2K' is not a multiple of the 4K page size");
}

// ---- errors: caps --------------------------------------------------------------

TEST(ManifestErrors, Caps) {
  expect_error_with("caps: debug network\n",
                    "t.manifest:4: caps: unknown capability 'network' (valid: debug, info, time, yield, exit, memory, "
                    "threads, random, files, net, signals)");
  expect_error_with("caps: DEBUG\n",
                    "t.manifest:4: caps: unknown capability 'DEBUG' (valid: debug, info, time, yield, exit, memory, "
                    "threads, random, files, net, signals)");
  expect_error_with("caps: exit debug exit\n", "t.manifest:4: caps: 'exit' is listed twice");
}

// ---- errors: threads -------------------------------------------------------------

TEST(ManifestErrors, ThreadName) {
  expect_error_with("thread: stack=8K\n", "t.manifest:4: thread: expected a thread name before 'stack=8K'");
  expect_error_with("thread: Main\n",
                    "t.manifest:4: thread: name 'Main' contains 'M' (names use a-z, 0-9, '_' and '-')");
  expect_error_with("thread: " + std::string(33, 't') + "\n",
                    "t.manifest:4: thread: name '" + std::string(33, 't') + "' is 33 characters long (at most 31)");
  expect_error_with("thread: main\nthread: main stack=8K\n", "t.manifest:5: thread: main: already defined on line 4");
}

TEST(ManifestErrors, ThreadOptions) {
  const char* kOpts = "(options: period=<time> budget=<time> stack=<size> cpu=<core>)";
  expect_error_with("thread: main prio=3\n",
                    std::string("t.manifest:4: thread: main: unknown option 'prio=3' ") + kOpts);
  expect_error_with("thread: main fast\n", std::string("t.manifest:4: thread: main: unknown option 'fast' ") + kOpts);
  expect_error_with("thread: main Stack=8K\n",
                    std::string("t.manifest:4: thread: main: unknown option 'Stack=8K' ") + kOpts);
  expect_error_with("thread: main stack=8K stack=4K\n", "t.manifest:4: thread: main: stack given twice");
  expect_error_with("thread: main period=1ms budget=1ms period=2ms\n",
                    "t.manifest:4: thread: main: period given twice");
}

TEST(Manifest, ThreadCpuPin) {
  Parsed p = parse_with("thread: main cpu=0\nthread: ctrl period=10ms budget=1ms cpu=3 stack=8K\n"
                        "thread: free period=20ms budget=1ms\nthread: last cpu=7\n");
  ASSERT_TRUE(p.ok);
  ASSERT_EQ(p.m.thread_count, 4u);
  EXPECT_EQ(p.m.threads[0].cpu, 0);
  EXPECT_EQ(p.m.threads[1].cpu, 3);
  EXPECT_EQ(p.m.threads[1].stack_bytes, 8u * 1024);
  EXPECT_EQ(p.m.threads[2].cpu, kUnpinned);
  EXPECT_EQ(p.m.threads[3].cpu, static_cast<int32_t>(bundle::kMaxCpus - 1));
}

TEST(ManifestErrors, ThreadCpu) {
  const char* kHint = "(use a decimal core number, e.g. cpu=1)";
  expect_error_with("thread: main cpu=8\n", "t.manifest:4: thread: main: cpu '8' is larger than the 7 maximum");
  expect_error_with("thread: main cpu=9\n", "t.manifest:4: thread: main: cpu '9' is larger than the 7 maximum");
  expect_error_with("thread: main cpu=99999999999999999999\n",
                    "t.manifest:4: thread: main: cpu '99999999999999999999' is larger than the 7 maximum");
  expect_error_with("thread: main cpu=\n", std::string("t.manifest:4: thread: main: cpu '' is not a core number ") + kHint);
  expect_error_with("thread: main cpu=-1\n",
                    std::string("t.manifest:4: thread: main: cpu '-1' is not a core number ") + kHint);
  expect_error_with("thread: main cpu=0x1\n",
                    std::string("t.manifest:4: thread: main: cpu '0x1' is not a core number ") + kHint);
  expect_error_with("thread: main cpu=one\n",
                    std::string("t.manifest:4: thread: main: cpu 'one' is not a core number ") + kHint);
  expect_error_with("thread: main cpu=1 cpu=2\n", "t.manifest:4: thread: main: cpu given twice");
  expect_error_with("thread: main cpu\n",
                    "t.manifest:4: thread: main: unknown option 'cpu' (options: period=<time> budget=<time> "
                    "stack=<size> cpu=<core>)");
}

TEST(ManifestErrors, ThreadStack) {
  const char* kHint = "(use bytes or K/M suffix, e.g. 512K)";
  expect_error_with("thread: main stack=16Q\n",
                    std::string("t.manifest:4: thread: main: stack '16Q' is not a size ") + kHint);
  expect_error_with("thread: main stack=\n", std::string("t.manifest:4: thread: main: stack '' is not a size ") + kHint);
  expect_error_with("thread: main stack=2M\n", "t.manifest:4: thread: main: stack '2M' is larger than the 1M limit");
  expect_error_with("thread: main stack=99999999999999999999K\n",
                    "t.manifest:4: thread: main: stack '99999999999999999999K' is larger than the 1M limit");
  expect_error_with("thread: main stack=2K\n", "t.manifest:4: thread: main: stack '2K' is smaller than the 4K minimum");
  expect_error_with("thread: main stack=0\n", "t.manifest:4: thread: main: stack '0' is smaller than the 4K minimum");
  expect_error_with("thread: main stack=5000\n",
                    "t.manifest:4: thread: main: stack '5000' is not a multiple of the 4K page size");
}

TEST(ManifestErrors, ThreadTimes) {
  const char* kHint = "(use us, ms or s, e.g. 10ms)";
  expect_error_with("thread: rt period=10 budget=1ms\n",
                    std::string("t.manifest:4: thread: rt: period '10' is not a time ") + kHint);
  expect_error_with("thread: rt period=10ms budget=1min\n",
                    std::string("t.manifest:4: thread: rt: budget '1min' is not a time ") + kHint);
  expect_error_with("thread: rt period=11s budget=1ms\n",
                    "t.manifest:4: thread: rt: period '11s' is longer than the 10s maximum");
  expect_error_with("thread: rt period=99999999999999999999s budget=1ms\n",
                    "t.manifest:4: thread: rt: period '99999999999999999999s' is longer than the 10s maximum");
  expect_error_with("thread: rt period=99us budget=10us\n",
                    "t.manifest:4: thread: rt: period '99us' is shorter than the 100us minimum");
  expect_error_with("thread: rt period=1ms budget=9us\n",
                    "t.manifest:4: thread: rt: budget '9us' is shorter than the 10us minimum");
  expect_error_with("thread: rt period=1ms budget=0ms\n",
                    "t.manifest:4: thread: rt: budget '0ms' is shorter than the 10us minimum");
  expect_error_with("thread: rt period=1ms budget=11s\n",
                    "t.manifest:4: thread: rt: budget '11s' is longer than the 10s maximum");
  expect_error_with("thread: rt period=10ms\n",
                    "t.manifest:4: thread: rt: period= needs a budget= (real-time threads have both)");
  expect_error_with("thread: rt budget=1ms\n",
                    "t.manifest:4: thread: rt: budget= needs a period= (real-time threads have both)");
  expect_error_with("thread: rt period=2ms budget=5ms\n",
                    "t.manifest:4: thread: rt: budget 5ms is longer than period 2ms (budget <= period)");
  expect_error_with("thread: rt period=1000us budget=1001us\n",
                    "t.manifest:4: thread: rt: budget 1001us is longer than period 1000us (budget <= period)");
}

TEST(ManifestErrors, TooManyThreads) {
  std::string nine;
  for (int i = 0; i < 9; ++i) nine += "thread: t" + std::to_string(i) + "\n";
  expect_error_with(nine, "t.manifest:12: thread: t8: too many threads (at most 8)");
}

// ---- errors: grants ----------------------------------------------------------------

TEST(ManifestErrors, GrantKindAndArguments) {
  expect_error_with("grant: file /data\n",
                    "t.manifest:4: grant: unknown kind 'file' (kinds: path-ro <path>, path-rw <path>, signal <domain>, "
                    "port <number>)");
  expect_error_with("grant: path-ro\n", "t.manifest:4: grant: path-ro needs a path (e.g. grant: path-ro /data)");
  expect_error_with("grant: path-rw\n", "t.manifest:4: grant: path-rw needs a path (e.g. grant: path-rw /tmp)");
  expect_error_with("grant: signal\n", "t.manifest:4: grant: signal needs a domain name (e.g. grant: signal logger)");
  expect_error_with("grant: port\n", "t.manifest:4: grant: port needs a port number (e.g. grant: port 80)");
  expect_error_with("grant: path-ro /a /b\n", "t.manifest:4: grant: path-ro: unexpected '/b' after '/a'");
}

TEST(ManifestErrors, GrantPaths) {
  expect_error_with("grant: path-ro data\n",
                    "t.manifest:4: grant: path-ro: 'data' is not an absolute path (it must start with '/')");
  const std::string long_path = "/" + std::string(kMaxPathLength, 'p');
  expect_error_with("grant: path-rw " + long_path + "\n",
                    "t.manifest:4: grant: path-rw: path '" + long_path.substr(0, 48) + "...' is 128 bytes long (at most 127)");
  expect_error_with("grant: path-ro /caf\xc3\xa9\n",
                    "t.manifest:4: grant: path-ro: path '/caf\xc3\xa9' contains 0xc3 (paths are printable ASCII)");
  const char* kNorm = "is not normalized (no empty, '.' or '..' components, no trailing '/')";
  for (const char* p : {"/a/../b", "/..", "/a/.", "/a//b", "/a/", "//", "/./a"}) {
    expect_error_with(std::string("grant: path-ro ") + p + "\n",
                      std::string("t.manifest:4: grant: path-ro: path '") + p + "' " + kNorm);
  }
  // Dots inside names are fine.
  Parsed ok = parse_with("grant: path-ro /a/.hidden/b..c/...\n");
  EXPECT_TRUE(ok.ok);
}

TEST(ManifestErrors, GrantSignalAndPort) {
  expect_error_with("grant: signal Logger\n",
                    "t.manifest:4: grant: signal target 'Logger' contains 'L' (names use a-z, 0-9, '_' and '-')");
  for (const char* p : {"0", "65536", "70000", "-1", "http", "8o"}) {
    expect_error_with(std::string("grant: port ") + p + "\n",
                      std::string("t.manifest:4: grant: port '") + p + "' is not a port number (1-65535)");
  }
  EXPECT_TRUE(parse_with("grant: port 65535\ngrant: port 1\n").ok);
}

TEST(ManifestErrors, GrantDuplicates) {
  expect_error_with("grant: path-ro /data\ngrant: path-ro /data\n",
                    "t.manifest:5: grant: path-ro /data: duplicate of line 4");
  expect_error_with("grant: port 80\ngrant: port 80\n", "t.manifest:5: grant: port 80: duplicate of line 4");
  expect_error_with("grant: signal a\ngrant: signal a\n", "t.manifest:5: grant: signal a: duplicate of line 4");
  // Same value, different kinds: two grants.
  Parsed p = parse_with("grant: path-ro /data\ngrant: path-rw /data\n");
  EXPECT_TRUE(p.ok);
  EXPECT_EQ(p.m.grant_count, 2u);
}

TEST(ManifestErrors, TooManyGrants) {
  std::string seventeen;
  for (int i = 0; i < 17; ++i) seventeen += "grant: port " + std::to_string(i + 1) + "\n";
  expect_error_with(seventeen, "t.manifest:20: grant: too many grants (at most 16)");
}

// ---- several errors ------------------------------------------------------------------

TEST(ManifestErrors, EveryErrorIsReportedInFileOrder) {
  Parsed p = parse("name: Bad\nsubsystem: s\nmemory: 12Q\ncaps: x\nthread: t stack=1\nfoo: bar\n");
  EXPECT_EQ(p.errors, (std::vector<std::string>{
                          "t.manifest:1: name: 'Bad' contains 'B' (names use a-z, 0-9, '_' and '-')",
                          "t.manifest:3: memory: '12Q' is not a size (use bytes or K/M suffix, e.g. 512K)",
                          "t.manifest:4: caps: unknown capability 'x' (valid: debug, info, time, yield, exit, memory, "
                          "threads, random, files, net, signals)",
                          "t.manifest:5: thread: t: stack '1' is smaller than the 4K minimum",
                          "t.manifest:6: foo: unknown field (fields: name, subsystem, memory, caps, parent, thread, "
                          "grant)",
                      }));
}

TEST(ManifestErrors, DiagnosticsOverflowIsCounted) {
  std::string text = kBase;
  for (int i = 0; i < 20; ++i) text += "bogus: 1\n";
  Parsed p = parse(text);
  EXPECT_FALSE(p.ok);
  EXPECT_EQ(p.errors.size(), Diagnostics::kMaxMessages);
  EXPECT_EQ(p.dropped, 4u);
}

TEST(ManifestErrors, LongMessagesAreCutNotOverflowed) {
  const std::string file(300, 'f');
  Parsed p = parse("memory: 1Q\n", file.c_str());
  ASSERT_FALSE(p.errors.empty());
  EXPECT_EQ(p.errors[0].size(), Diagnostics::kMessageBytes - 1);
}

}  // namespace
}  // namespace uk::manifest
