// Host tests of the Pi 4 BSP's portable parts: property-message layout,
// revision decoding, register field helpers, and the secondary-CPU
// description in Debian's Pi 4 device tree.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "bsp/rpi4/bcm2711_regs.h"
#include "bsp/rpi4/property.h"
#include "kernel/dt/cpus.h"
#include "kernel/dt/device_tree.h"
#include "libfdt.h"

namespace uk::bsp::rpi4 {
namespace {

TEST(PropertyMessage, LayoutMatchesTheFirmwareInterface) {
  PropertyMessage msg;
  EXPECT_EQ(reinterpret_cast<uintptr_t>(msg.words()) % 16, 0u);  // the mailbox drops the low 4 bits
  const uint32_t set[] = {2, 48000000, 0};
  const auto h = msg.add(kTagSetClockRate, 3, set, 3);
  const auto g = msg.add(kTagBoardSerial, 2);
  ASSERT_TRUE(msg.close());
  const uint32_t expect[] = {
      4 * 14, 0,                                  // size, request
      kTagSetClockRate, 12, 0, 2, 48000000, 0,    // tag, buffer bytes, request code, values
      kTagBoardSerial, 8, 0, 0, 0,                //
      kTagEnd,
  };
  ASSERT_EQ(msg.size_bytes(), sizeof(expect));
  for (size_t i = 0; i < std::size(expect); ++i) EXPECT_EQ(msg.words()[i], expect[i]) << "word " << i;
  EXPECT_EQ(h, 5);
  EXPECT_EQ(g, 11);
  // Closed: nothing more can be added.
  EXPECT_EQ(msg.add(kTagBoardRevision, 1), PropertyMessage::kNoTag);
}

TEST(PropertyMessage, AnswersNeedTheResponseBitAndEnoughBytes) {
  PropertyMessage msg;
  const auto rev = msg.add(kTagBoardRevision, 1);
  const auto serial = msg.add(kTagBoardSerial, 2);
  const auto mem = msg.add(kTagArmMemory, 2);
  ASSERT_TRUE(msg.close());
  EXPECT_FALSE(msg.answered());
  EXPECT_EQ(msg.answer(rev, 4), nullptr);  // no answer yet

  // What the firmware writes back.
  uint32_t* w = msg.words();
  w[1] = kResponseSuccess;
  w[rev - 1] = kTagResponseBit | 4;
  w[rev] = 0xb03115;
  w[serial - 1] = kTagResponseBit | 8;
  w[serial] = 0x89abcdef;
  w[serial + 1] = 0x01234567;
  w[mem - 1] = kTagResponseBit | 4;  // shorter than asked for
  EXPECT_TRUE(msg.answered());
  ASSERT_NE(msg.answer(rev, 4), nullptr);
  EXPECT_EQ(msg.answer(rev, 4)[0], 0xb03115u);
  ASSERT_NE(msg.answer(serial, 8), nullptr);
  EXPECT_EQ(msg.answer(serial, 8)[1], 0x01234567u);
  EXPECT_EQ(msg.answer(mem, 8), nullptr);
  EXPECT_EQ(msg.answer(rev, 8), nullptr);  // more than the buffer holds
  EXPECT_EQ(msg.answer(0, 4), nullptr);    // not a tag
  EXPECT_EQ(msg.answer(PropertyMessage::kNoTag, 4), nullptr);
  w[1] = kResponseError;
  EXPECT_FALSE(msg.answered());
}

TEST(PropertyMessage, RefusesTagsThatDoNotFit) {
  PropertyMessage msg;
  // 64 words: header 2 + end tag 1 leave 61 = 3 tag words + 58 value words.
  EXPECT_EQ(msg.add(kTagBoardRevision, 59), PropertyMessage::kNoTag);
  EXPECT_NE(msg.add(kTagBoardRevision, 58), PropertyMessage::kNoTag);
  EXPECT_EQ(msg.add(kTagBoardRevision, 0), PropertyMessage::kNoTag);
  EXPECT_TRUE(msg.close());
  EXPECT_EQ(msg.size_bytes(), 256u);
  const uint32_t too_many[2] = {1, 2};
  PropertyMessage other;
  EXPECT_EQ(other.add(kTagGetClockRate, 1, too_many, 2), PropertyMessage::kNoTag);
}

TEST(BoardRevision, DecodesPi4Codes) {
  const BoardRevision qemu = decode_board_revision(0xb03115);  // QEMU raspi4b, 2 GiB
  EXPECT_TRUE(qemu.new_style);
  EXPECT_STREQ(qemu.model, "Raspberry Pi 4 Model B");
  EXPECT_EQ(qemu.revision, 5u);
  EXPECT_EQ(qemu.memory_mib, 2048u);
  EXPECT_STREQ(qemu.soc, "BCM2711");
  EXPECT_STREQ(qemu.maker, "Sony UK");
  EXPECT_TRUE(is_bcm2711_board(qemu));

  const BoardRevision pi4_8g = decode_board_revision(0xd03114);
  EXPECT_EQ(pi4_8g.memory_mib, 8192u);
  EXPECT_EQ(pi4_8g.revision, 4u);
  const BoardRevision pi400 = decode_board_revision(0xc03130);
  EXPECT_STREQ(pi400.model, "Raspberry Pi 400");
  EXPECT_EQ(pi400.memory_mib, 4096u);
  const BoardRevision cm4 = decode_board_revision(0xb03141);
  EXPECT_STREQ(cm4.model, "Compute Module 4");
  EXPECT_STREQ(cm4.maker, "Sony UK");

  const BoardRevision pi3 = decode_board_revision(0xa02082);
  EXPECT_STREQ(pi3.model, "Raspberry Pi 3 Model B");
  EXPECT_STREQ(pi3.soc, "BCM2837");
  EXPECT_FALSE(is_bcm2711_board(pi3));
  const BoardRevision old = decode_board_revision(0x000e);  // Pi 1 B, old style
  EXPECT_FALSE(old.new_style);
  EXPECT_FALSE(is_bcm2711_board(old));
}

TEST(GpioFields, Uart0PinsInTheirFunctionSelectAndPullRegisters) {
  EXPECT_EQ(gpfsel_offset(14), 0x04u);
  EXPECT_EQ(gpfsel_shift(14), 12u);
  EXPECT_EQ(gpfsel_shift(15), 15u);
  EXPECT_EQ(gpfsel_offset(32), 0x0cu);
  EXPECT_EQ(gpfsel_offset(57), 0x14u);
  // GPIO 14/15 to ALT0 (0b100) from the mini UART's ALT5 (0b010), other pins kept.
  uint32_t fsel1 = 0x12345678u & ~(0x3fu << 12);
  fsel1 |= (0b010u << 12) | (0b010u << 15);
  uint32_t routed = gpfsel_update(gpfsel_update(fsel1, 14, GpioFunction::kAlt0), 15, GpioFunction::kAlt0);
  EXPECT_EQ(routed & ~(0x3fu << 12), fsel1 & ~(0x3fu << 12));
  EXPECT_EQ((routed >> 12) & 0x3f, 0b100100u);
  EXPECT_EQ(gpfsel_get(routed, 14), GpioFunction::kAlt0);
  EXPECT_EQ(gpfsel_get(fsel1, 15), GpioFunction::kAlt5);

  EXPECT_EQ(pull_offset(14), 0xe4u);  // GPIO_PUP_PDN_CNTRL_REG0: pins 0-15
  EXPECT_EQ(pull_offset(16), 0xe8u);
  EXPECT_EQ(pull_offset(57), 0xf0u);  // REG3: the last register of the block
  EXPECT_EQ(pull_shift(14), 28u);
  EXPECT_EQ(pull_shift(15), 30u);
  EXPECT_EQ(pull_update(0xffffffffu, 15, GpioPull::kNone), 0x3fffffffu);
  EXPECT_EQ(pull_update(0, 14, GpioPull::kUp), 1u << 28);
  EXPECT_EQ(pull_update(0, 0, GpioPull::kDown), 2u);
}

TEST(PmWatchdog, PasswordPartitionAndResetConfiguration) {
  EXPECT_EQ(rsts_partition_bits(0), 0u);
  EXPECT_EQ(rsts_partition_bits(1), 1u);
  EXPECT_EQ(rsts_partition_bits(2), 4u);
  EXPECT_EQ(rsts_partition_bits(63), 0x555u);  // halt
  // Keeps the status bits, replaces the partition, always carries the password.
  EXPECT_EQ(rsts_with_partition(0x00001000, kPmHaltPartition), 0x5a001555u);
  EXPECT_EQ(rsts_with_partition(0x00001555, 0), 0x5a001000u);
  EXPECT_EQ(rsts_with_partition(0xff000000, 0), 0x5a000000u);
  EXPECT_EQ(rstc_full_reset(0x00000102), 0x5a000122u);
  EXPECT_EQ(rstc_full_reset(0x00000130), 0x5a000120u);  // WRCFG replaced, not OR-ed
}

std::vector<uint8_t> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string runfile(const char* path) {
  const char* dir = std::getenv("TEST_SRCDIR");
  return std::string(dir != nullptr ? dir : ".") + "/" + path;
}

// Debian's Pi 4 device tree, as the firmware and QEMU hand it over: cores
// 1-3 are started through a spin table whose page is reserved.
TEST(SecondaryCpus, DebianPi4TreeParksCores1To3InAReservedSpinTable) {
  std::vector<uint8_t> blob = read_file(runfile("debian_files/linux-dtbs/bcm2711-rpi-4-b.dtb"));
  ASSERT_GT(blob.size(), 1000u);
  ASSERT_EQ(fdt_check_header(blob.data()), 0);
  // The tree as shipped has an empty memory node the firmware fills in, so
  // take its /memreserve/ entries directly (what BootInfo::reserved starts with).
  BootInfo info;
  for (int i = 0; i < fdt_num_mem_rsv(blob.data()) && info.reserved_count < kMaxReservedRanges; ++i) {
    uint64_t base = 0, size = 0;
    ASSERT_EQ(fdt_get_mem_rsv(blob.data(), i, &base, &size), 0);
    info.reserved[info.reserved_count++] = PhysRange{PhysAddr(base), size};
  }
  bool page0_reserved = false;
  for (size_t i = 0; i < info.reserved_count; ++i) {
    if (info.reserved[i].base.value() == 0 && info.reserved[i].size >= 0x1000) page0_reserved = true;
  }
  EXPECT_TRUE(page0_reserved) << "the firmware stub's page must be reserved";

  SecondaryCpus cpus;
  ASSERT_TRUE(inspect_secondary_cpus(blob.data(), info, /*boot_mpidr=*/0x80000000, &cpus));
  EXPECT_TRUE(cpus.boot_cpu_found);
  EXPECT_FALSE(cpus.truncated);
  ASSERT_EQ(cpus.count, 3u);
  const uint64_t release[] = {0xe0, 0xe8, 0xf0};
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(cpus.cpus[i].mpidr, i + 1);
    EXPECT_EQ(cpus.cpus[i].method, EnableMethod::kSpinTable);
    EXPECT_STREQ(cpus.cpus[i].method_name, "spin-table");
    EXPECT_EQ(cpus.cpus[i].release_addr, release[i]);
    EXPECT_TRUE(cpus.cpus[i].release_addr_reserved);
  }

  // Booted on core 2 instead: cores 0, 1 and 3 are the secondaries.
  ASSERT_TRUE(inspect_secondary_cpus(blob.data(), info, 2, &cpus));
  ASSERT_EQ(cpus.count, 3u);
  EXPECT_EQ(cpus.cpus[0].release_addr, 0xd8u);

  // Without the reservation, the check notices.
  BootInfo bare;
  ASSERT_TRUE(inspect_secondary_cpus(blob.data(), bare, 0, &cpus));
  EXPECT_FALSE(cpus.cpus[0].release_addr_reserved);
}

}  // namespace
}  // namespace uk::bsp::rpi4
