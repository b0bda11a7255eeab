// The subsystem registry finds every descriptor linked into the program,
// including one defined only in this test file (no registry edit needed).
#include "kernel/subsystem/subsystem.h"

#include <gtest/gtest.h>

#include <string.h>

UK_SUBSYSTEM(test_subsystem_vmm, "vmm", nullptr);

namespace {

TEST(SubsystemRegistry, FindsPosixAndATestSubsystemByFnv1aId) {
  const uk::SubsystemDescriptor* posix = uk::find_subsystem(0xca94333575cc1fe8ull);
  ASSERT_NE(posix, nullptr);
  EXPECT_STREQ(posix->name, "posix");
  const uk::SubsystemDescriptor* vmm = uk::find_subsystem(0x68f603194ec4fc33ull);
  ASSERT_NE(vmm, nullptr);
  EXPECT_STREQ(vmm->name, "vmm");
}

TEST(SubsystemRegistry, UnknownIdIsNotFound) {
  EXPECT_EQ(uk::find_subsystem(ukernel::sys::SubsystemId::from_name("native").as_u64()), nullptr);
  EXPECT_EQ(uk::find_subsystem(0), nullptr);
}

TEST(SubsystemRegistry, ListsEveryRegisteredSubsystemOnce) {
  ASSERT_EQ(uk::subsystem_count(), 2u);
  bool seen_posix = false, seen_vmm = false;
  for (size_t i = 0; i < uk::subsystem_count(); ++i) {
    seen_posix |= strcmp(uk::subsystem_at(i).name, "posix") == 0;
    seen_vmm |= strcmp(uk::subsystem_at(i).name, "vmm") == 0;
  }
  EXPECT_TRUE(seen_posix && seen_vmm);
}

}  // namespace
