// tools/pack:pack_lib (image-level checks, the assembly wrapper) and
// kernel/image/footprint (the memory a manifest's quota must cover).
#include "tools/pack/pack_lib.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "kernel/domain/layout.h"
#include "kernel/image/footprint.h"
#include "tests/host/image/test_files.h"

namespace uk::pack {
namespace {

class PackTest : public ::testing::Test {
 protected:
  void SetUp() override {
    elf_ = test::read_runfile("tests/build/hello.elf");
    ASSERT_GT(elf_.size(), 64u) << "tests/build/hello.elf missing from runfiles";
  }

  DomainInput domain(const std::string& file, const std::string& text) {
    DomainInput d;
    d.manifest_path = file;
    d.elf_path = "hello.elf";
    d.elf = elf_;
    std::vector<std::string> errors;
    EXPECT_TRUE(parse_manifest_text(file, text, &d.manifest, &errors)) << errors[0];
    return d;
  }

  std::vector<std::string> check(const std::vector<DomainInput>& ds) {
    std::vector<std::string> errors;
    const bool ok = check_domains(ds, &errors);
    EXPECT_EQ(ok, errors.empty());
    return errors;
  }

  std::vector<uint8_t> elf_;
};

TEST_F(PackTest, ParseErrorsAreForwarded) {
  manifest::Manifest m;
  std::vector<std::string> errors;
  EXPECT_FALSE(parse_manifest_text("x.manifest", "name: x\nmemory: 1Q\n", &m, &errors));
  EXPECT_EQ(errors, (std::vector<std::string>{
                        "x.manifest:2: memory: '1Q' is not a size (use bytes or K/M suffix, e.g. 512K)",
                        "x.manifest: subsystem: required field is missing",
                    }));
  std::string many;
  for (int i = 0; i < 20; ++i) many += "x: 1\n";
  errors.clear();
  EXPECT_FALSE(parse_manifest_text("y.manifest", many, &m, &errors));
  ASSERT_EQ(errors.size(), 17u);
  EXPECT_EQ(errors.back(), "y.manifest: 7 more errors not shown");
}

TEST_F(PackTest, ElfErrorsNameTheFile) {
  elf::Image img;
  std::vector<std::string> errors;
  EXPECT_TRUE(check_elf("a.elf", elf_, &img, &errors));
  std::vector<uint8_t> bad(elf_.begin(), elf_.begin() + 10);
  EXPECT_FALSE(check_elf("out/b.elf", bad, &img, &errors));
  EXPECT_EQ(errors, std::vector<std::string>{"out/b.elf: truncated: 10 bytes, the ELF header alone needs 64"});
}

TEST_F(PackTest, ImageChecks) {
  const DomainInput hello = domain("h.manifest", "name: hello\nsubsystem: s\nmemory: 256K\n");
  EXPECT_TRUE(check({hello}).empty());
  EXPECT_TRUE(check({}).empty());

  EXPECT_EQ(check({hello, domain("dup.manifest", "subsystem: s\nmemory: 256K\nname: hello\n")}),
            std::vector<std::string>{"dup.manifest:3: name: 'hello' is already the name of the domain in h.manifest"});
  EXPECT_EQ(check({hello, domain("c.manifest", "name: c\nsubsystem: s\nmemory: 256K\nparent: boss\n")}),
            std::vector<std::string>{
                "c.manifest:4: parent: 'boss' is not a domain of this image (domains: hello, c)"});
  EXPECT_EQ(check({domain("c.manifest", "name: c\nsubsystem: s\nmemory: 256K\ngrant: signal x\n")}),
            std::vector<std::string>{
                "c.manifest:4: grant: signal target 'x' is not a domain of this image (domains: c)"});
  EXPECT_EQ(check({domain("a.manifest", "name: a\nsubsystem: s\nmemory: 256K\nparent: b\n"),
                   domain("b.manifest", "name: b\nsubsystem: s\nmemory: 256K\nparent: a\n")}),
            std::vector<std::string>{"a.manifest:4: parent: cycle a -> b -> a"});
  // Parents may come later in the list; children of children are fine.
  EXPECT_TRUE(check({domain("a", "name: a\nsubsystem: s\nmemory: 256K\nparent: b\n"),
                     domain("b", "name: b\nsubsystem: s\nmemory: 256K\nparent: c\n"),
                     domain("c", "name: c\nsubsystem: s\nmemory: 256K\n")})
                  .empty());
}

TEST_F(PackTest, QuotaMessage) {
  EXPECT_EQ(check({domain("q.manifest", "name: q\nsubsystem: s\nmemory: 64K\nthread: main stack=16K\n")}),
            std::vector<std::string>{"q.manifest:3: memory: 64K is too small: the domain needs at least 128 KiB (ELF "
                                     "16 KiB, stacks 16 KiB, ring 8 KiB, page tables 88 KiB)"});
  EXPECT_TRUE(check({domain("q.manifest", "name: q\nsubsystem: s\nmemory: 128K\nthread: main stack=16K\n")}).empty());
  // Two threads: one more stack (its 2 MiB block is already mapped).
  EXPECT_EQ(check({domain("q.manifest", "name: q\nsubsystem: s\nmemory: 128K\nthread: a stack=16K\nthread: b stack=8K\n")}),
            std::vector<std::string>{"q.manifest:3: memory: 128K is too small: the domain needs at least 136 KiB (ELF "
                                     "16 KiB, stacks 24 KiB, ring 8 KiB, page tables 88 KiB)"});
}

TEST_F(PackTest, InvalidElfInImageCheck) {
  DomainInput d = domain("h.manifest", "name: hello\nsubsystem: s\nmemory: 256K\n");
  d.elf.resize(10);
  EXPECT_EQ(check({d}), std::vector<std::string>{"hello.elf: truncated: 10 bytes, the ELF header alone needs 64"});
}

// ---- placement on cores (kernel/sched/placement through place_domains) ----

// A domain with real-time threads of utilisation 0.6 (6 ms every 10 ms).
std::string heavy(const std::string& name, const std::string& extra = "") {
  return "name: " + name + "\nsubsystem: s\nmemory: 256K\nthread: main period=10ms budget=6ms" + extra + "\n";
}

TEST_F(PackTest, PlacesThreadsOnTheBoardsCores) {
  std::vector<DomainInput> ds = {domain("a.manifest", heavy("a")), domain("b.manifest", heavy("b")),
                                 domain("c.manifest", heavy("c")), domain("d.manifest", heavy("d"))};
  PlacementOptions four;
  four.cpus = 4;
  std::vector<std::string> errors;
  ASSERT_TRUE(place_domains(&ds, four, &errors)) << errors[0];
  for (uint32_t i = 0; i < 4; ++i) EXPECT_EQ(ds[i].cpus[0], i);

  // Three cores: the last domain's thread fits nowhere; the build fails
  // with the placement's message and the manifest line.
  PlacementOptions three;
  three.cpus = 3;
  EXPECT_FALSE(place_domains(&ds, three, &errors));
  EXPECT_EQ(errors, std::vector<std::string>{
                        "pack: thread 'd/main' fits on no core of 3 (on core 0, the least loaded: thread 'd/main' "
                        "misses its deadline without bound: with the higher-priority threads it needs more than 100% "
                        "of the CPU (response time diverges)) (d.manifest:4)"});
}

TEST_F(PackTest, PlacementPinsAndBestEffort) {
  // Best effort only: everything on the boot CPU, pins kept.
  std::vector<DomainInput> ds = {
      domain("h.manifest", "name: h\nsubsystem: s\nmemory: 256K\n"),
      domain("w.manifest", "name: w\nsubsystem: s\nmemory: 256K\nthread: a\nthread: b cpu=2\n")};
  PlacementOptions four;
  four.cpus = 4;
  std::vector<std::string> errors;
  ASSERT_TRUE(place_domains(&ds, four, &errors)) << errors[0];
  EXPECT_EQ(ds[0].cpus[0], 0u);
  EXPECT_EQ(ds[1].cpus[0], 0u);
  EXPECT_EQ(ds[1].cpus[1], 2u);

  // A pin beyond the board's cores names the thread and the line.
  PlacementOptions two;
  two.cpus = 2;
  EXPECT_FALSE(place_domains(&ds, two, &errors));
  EXPECT_EQ(errors, std::vector<std::string>{
                        "pack: thread 'w/b' is pinned to core 2, but there are 2 cores (0..1) (w.manifest:5)"});
  // Without analysis (ukernel_image(schedcheck = False)) the pin is checked all the same.
  errors.clear();
  two.analyse = false;
  EXPECT_FALSE(place_domains(&ds, two, &errors));
  EXPECT_EQ(errors.size(), 1u);
}

TEST_F(PackTest, PlacementPinnedOverloadNamesTheCore) {
  // T = (4, 6) ms, C = (2, 3) ms pinned together on core 1: 'p/slow' misses
  // by 1 ms (62500 ticks at QEMU virt's 62.5 MHz).
  std::vector<DomainInput> ds = {domain(
      "p.manifest",
      "name: p\nsubsystem: s\nmemory: 256K\nthread: fast period=4ms budget=2ms cpu=1\n"
      "thread: slow period=6ms budget=3ms cpu=1\n")};
  PlacementOptions four;
  four.cpus = 4;
  std::vector<std::string> errors;
  EXPECT_FALSE(place_domains(&ds, four, &errors));
  EXPECT_EQ(errors, std::vector<std::string>{
                        "pack: core 1: thread 'p/slow' misses its deadline by 62500 ticks: worst response time "
                        "437500 ticks > period 375000 ticks (p.manifest:5)"});
  // The Pi 4's 54 MHz: the same miss in its ticks.
  errors.clear();
  four.hz = 54'000'000;
  EXPECT_FALSE(place_domains(&ds, four, &errors));
  EXPECT_EQ(errors, std::vector<std::string>{
                        "pack: core 1: thread 'p/slow' misses its deadline by 54000 ticks: worst response time "
                        "378000 ticks > period 324000 ticks (p.manifest:5)"});
  // Without analysis: pins kept, nothing refused.
  errors.clear();
  four.analyse = false;
  ASSERT_TRUE(place_domains(&ds, four, &errors)) << errors[0];
  EXPECT_EQ(ds[0].cpus[0], 1u);
  EXPECT_EQ(ds[0].cpus[1], 1u);
}

TEST_F(PackTest, PlacementOrderIsTheKernelsTieBreak) {
  // Equal periods rank by domain index * 8 + thread index, as the kernel
  // admits them: a/y (domain 0) ranks above b/x although b/x is placed
  // first (larger utilisation). With c (4 ms, 1 ms) on the same core the
  // lower-ranked one, b/x, misses (past its deadline the analysis also
  // counts a/y's next job: R = 4 + 2 * 3.5 + 4 * 1 = 15 ms > 10 ms).
  std::vector<DomainInput> ds = {
      domain("a.manifest", "name: a\nsubsystem: s\nmemory: 256K\nthread: y period=10ms budget=3500us\n"),
      domain("b.manifest", "name: b\nsubsystem: s\nmemory: 256K\nthread: x period=10ms budget=4ms\n"
                           "thread: c period=4ms budget=1ms\n")};
  PlacementOptions one;
  std::vector<std::string> errors;
  EXPECT_FALSE(place_domains(&ds, one, &errors));
  EXPECT_EQ(errors, std::vector<std::string>{
                        "pack: thread 'b/c' does not fit on the only core (core 0: thread 'b/x' misses its deadline "
                        "by 312500 ticks: worst response time 937500 ticks > period 625000 ticks) (b.manifest:5)"});
  PlacementOptions two;
  two.cpus = 2;
  errors.clear();
  ASSERT_TRUE(place_domains(&ds, two, &errors)) << errors[0];
  EXPECT_EQ(ds[0].cpus[0], 0u);
  EXPECT_EQ(ds[1].cpus[0], 0u);
  EXPECT_EQ(ds[1].cpus[1], 1u);
}

TEST_F(PackTest, AssemblyWrapper) {
  const std::vector<uint8_t> bundle = write_bundle({});
  const std::string text = bundle_asm("bazel-out/x/bin/p/img_bundle.inc", bundle);
  for (const char* line : {
           "    .section .domain_bundle, \"a\", %progbits\n",
           "    .balign 16\n",
           "    .global uk_domain_bundle_start\n",
           "uk_domain_bundle_start:\n",
           "    .incbin \"bazel-out/x/bin/p/img_bundle.inc\"\n",
           "    .global uk_domain_bundle_end\n",
           "uk_domain_bundle_end:\n",
       }) {
    EXPECT_NE(text.find(line), std::string::npos) << line << "\nin:\n" << text;
  }
  EXPECT_NE(text.find("(64 bytes, FNV-1a 0x"), std::string::npos) << text;
  // The wrapper changes with the bundle's content.
  std::vector<uint8_t> other = bundle;
  other[63] ^= 1;
  EXPECT_NE(bundle_asm("b.inc", other), bundle_asm("b.inc", bundle));
  EXPECT_NE(bundle_asm("a\"b\\c.inc", bundle).find(".incbin \"a\\\"b\\\\c.inc\""), std::string::npos);
}

// ---- footprint -----------------------------------------------------------------

TEST_F(PackTest, FootprintOfTheSampleDomain) {
  elf::Image img;
  ASSERT_TRUE(elf::validate_elf(elf_.data(), elf_.size(), elf::kDomainLoadLimits, &img).ok());
  const uint64_t stacks[] = {16 * 1024};
  const image::Footprint fp = image::compute_footprint(img, stacks, 1);
  EXPECT_EQ(fp.image_pages, 4u);
  EXPECT_EQ(fp.stack_pages, 4u);
  EXPECT_EQ(fp.ring_pages, 2u);
  // Stage 1: root + 2 L1 (image; stack/ring/gateway) + 4 L2 + 4 L3; stage 2 the same.
  EXPECT_EQ(fp.table_pages, 22u);
  EXPECT_EQ(fp.pages(), 32u);
  EXPECT_EQ(fp.bytes(), 128u * 1024);
}

TEST_F(PackTest, StackPlacement) {
  const uint64_t stacks[] = {16 * 1024, 8 * 1024, 4096};
  EXPECT_EQ(image::stack_top(stacks, 0), domain_layout::kStackTop);
  EXPECT_EQ(image::stack_top(stacks, 1), domain_layout::kStackTop - 16 * 1024 - 4096);
  EXPECT_EQ(image::stack_top(stacks, 2), domain_layout::kStackTop - 16 * 1024 - 8 * 1024 - 2 * 4096);
}

TEST_F(PackTest, FootprintCountsEveryBlockTouched) {
  elf::Image img;
  ASSERT_TRUE(elf::validate_elf(elf_.data(), elf_.size(), elf::kDomainLoadLimits, &img).ok());
  // Eight 1 MiB stacks with guards span 8 MiB + 28 KiB below kStackTop: five 2 MiB blocks.
  const uint64_t big[8] = {1 << 20, 1 << 20, 1 << 20, 1 << 20, 1 << 20, 1 << 20, 1 << 20, 1 << 20};
  image::Footprint fp = image::compute_footprint(img, big, 8);
  EXPECT_EQ(fp.stack_pages, 2048u);
  EXPECT_EQ(fp.table_pages, 2u * (1 + 2 + 4 + (1 + 5 + 1 + 1)));

  // Move the data segment across a 2 MiB boundary: one more L3 table.
  std::vector<uint8_t> moved = elf_;
  const uint64_t phoff = test::get<uint64_t>(moved, 32);
  test::put<uint64_t>(moved, phoff + 56 + 16, 0x5ff000);
  ASSERT_TRUE(elf::validate_elf(moved.data(), moved.size(), elf::kDomainLoadLimits, &img).ok()) << img.reason;
  const uint64_t one[] = {16 * 1024};
  fp = image::compute_footprint(img, one, 1);
  EXPECT_EQ(fp.image_pages, 4u);
  EXPECT_EQ(fp.table_pages, 2u * (1 + 2 + 4 + 5));
}

}  // namespace
}  // namespace uk::pack
