// The svc immediate (only svc #0 with SYS_SUBMIT is the system call) and
// what an interrupt at a domain's EL1 means (gateway window or a broken
// gateway that must kill the domain): issue 16.
#include <ukernel/sys.h>

#include "arch/aarch64/domain/gateway_check.h"
#include "arch/aarch64/exceptions/esr.h"
#include "gtest/gtest.h"
#include "kernel/domain/layout.h"
#include "kernel/domain/syscall.h"

namespace uk {
namespace {

using arch::classify_el1_interrupt;
using arch::El1Interrupt;
using domain_layout::kGatewayBase;

// ESR of `svc #imm` from AArch64 (EC 0x15, IL set).
constexpr uint64_t svc_esr(uint16_t imm) { return (uint64_t{0x15} << arch::kEsrEcShift) | arch::kEsrIl | imm; }

TEST(Syscall, OnlySvcZeroWithSysSubmit) {
  EXPECT_TRUE(is_sys_submit(0, UK_SYS_SUBMIT));
  EXPECT_FALSE(is_sys_submit(1, UK_SYS_SUBMIT));
  EXPECT_FALSE(is_sys_submit(0x100, UK_SYS_SUBMIT));
  EXPECT_FALSE(is_sys_submit(0xffff, UK_SYS_SUBMIT));
  EXPECT_FALSE(is_sys_submit(0, UK_SYS_SUBMIT + 1));
  EXPECT_FALSE(is_sys_submit(0, 0));
}

TEST(Syscall, ImmediateFromEsr) {
  EXPECT_EQ(arch::esr_class(svc_esr(0)), arch::ExceptionClass::kSvc64);
  EXPECT_EQ(arch::esr_imm16(svc_esr(0)), 0);
  EXPECT_EQ(arch::esr_imm16(svc_esr(1)), 1);
  EXPECT_EQ(arch::esr_imm16(svc_esr(0xffff)), 0xffff);
  EXPECT_FALSE(is_sys_submit(arch::esr_imm16(svc_esr(1)), UK_SYS_SUBMIT));
  EXPECT_TRUE(is_sys_submit(arch::esr_imm16(svc_esr(0)), UK_SYS_SUBMIT));
}

constexpr uint64_t kEl0t = 0x0;
constexpr uint64_t kEl0tMasked = 0x3c0;  // DAIF set, still EL0t
constexpr uint64_t kEl1h = 0x5;
constexpr uint64_t kEl1hMasked = 0x3c5;
constexpr uint64_t kLowerSyncVector = 0x400;  // gateway.S: lower EL, AArch64, sync
constexpr uint64_t kCurrentSyncVector = 0x200;

TEST(GatewayCheck, WindowBetweenEl0ExceptionAndHvc) {
  EXPECT_EQ(classify_el1_interrupt(kGatewayBase + kLowerSyncVector, kEl0t), El1Interrupt::kGatewayWindow);
  EXPECT_EQ(classify_el1_interrupt(kGatewayBase + kLowerSyncVector, kEl0tMasked), El1Interrupt::kGatewayWindow);
  EXPECT_EQ(classify_el1_interrupt(kGatewayBase, kEl0t), El1Interrupt::kGatewayWindow);
  EXPECT_EQ(classify_el1_interrupt(kGatewayBase + domain_layout::kGatewayBytes - 4, kEl0t),
            El1Interrupt::kGatewayWindow);
}

TEST(GatewayCheck, El1ExceptionFromEl1IsBroken) {
  // The gateway page is gone: EL1 keeps taking instruction aborts on its
  // own current-EL vector.
  EXPECT_EQ(classify_el1_interrupt(kGatewayBase + kCurrentSyncVector, kEl1h), El1Interrupt::kGatewayBroken);
  EXPECT_EQ(classify_el1_interrupt(kGatewayBase + kCurrentSyncVector, kEl1hMasked), El1Interrupt::kGatewayBroken);
  EXPECT_EQ(classify_el1_interrupt(kGatewayBase + kLowerSyncVector, kEl1h), El1Interrupt::kGatewayBroken);
}

TEST(GatewayCheck, El1OutsideTheGatewayPageIsBroken) {
  EXPECT_EQ(classify_el1_interrupt(kGatewayBase - 4, kEl0t), El1Interrupt::kGatewayBroken);
  EXPECT_EQ(classify_el1_interrupt(kGatewayBase + domain_layout::kGatewayBytes, kEl0t), El1Interrupt::kGatewayBroken);
  EXPECT_EQ(classify_el1_interrupt(0x40'0000, kEl0t), El1Interrupt::kGatewayBroken);
  EXPECT_EQ(classify_el1_interrupt(~uint64_t{0}, kEl0t), El1Interrupt::kGatewayBroken);
  EXPECT_EQ(classify_el1_interrupt(0, kEl0t), El1Interrupt::kGatewayBroken);
}

}  // namespace
}  // namespace uk
